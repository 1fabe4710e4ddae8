"""Signed checkpoints of the journal: what closes the gap of a chain rewritten consistently (docs/audit.md).

A hash chain proves that nothing was changed *relative to its head*; someone able to write the database
could still rewrite a whole chain and every hash after the change. A checkpoint is a statement of heads
signed with the system certificate (``seals.sign``), which the database alone cannot forge:

* **case** checkpoint — written in the step's transaction that completes or cancels a case: the number
  of events, the head, and the list of every event hash, so a later rewrite is named at its first
  changed event;
* **daily** checkpoint — made once a day by the timer worker (and by ``quytrinh audit checkpoint``):
  every chain that grew since it was last covered, as ``[case, events, head]`` entries under a Merkle
  root (engine/merkle.py), so a running case is protected too and a dossier can prove its own entry.

Checkpoints are append-only (triggers, migration 0006) and form a chain of their own (``seq``, ``prev``),
so a removed checkpoint is noticed too. :func:`verify` checks the checkpoints and what they say against the
journal; ``quytrinh audit verify`` runs it after the chains.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from engine import journal, merkle
from engine.clock import iso
from engine.errors import ConfigurationError, NotFound, SignatureError
from engine.models import Case, CaseEvent, Checkpoint, CheckpointEntry
from engine.services import certificates, seals
from engine.uow import UnitOfWork

log = logging.getLogger("quytrinh.checkpoints")

FORMAT = "quytrinh-checkpoint/1"
ENDED = ("completed", "cancelled")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
#: An event older than the latest daily checkpoint by more than this must be covered by a checkpoint
#: (room for a step that committed while the checkpoint was being made).
COVERAGE_GRACE = timedelta(hours=1)
_PG_LOCK = 7_301_006   # pg_advisory_xact_lock key: one writer of the checkpoint chain at a time


class ChainMismatch(RuntimeError):
    """The case row's head and count disagree with its journal rows (a checkpoint would sign nonsense)."""


def local_day(moment: datetime) -> str:
    return moment.astimezone(LOCAL).date().isoformat()


# Writing ------------------------------------------------------------------------------------------

def _lock(uow: UnitOfWork) -> None:
    """Serialise writers of the checkpoint chain (SQLite's writing transactions already are)."""
    if uow.is_postgresql:
        uow.session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})


def _write(uow: UnitOfWork, *, kind: str, fields: dict, entries: list[tuple[int, int, str]],
           case_id: int | None = None, day: str | None = None) -> Checkpoint:
    _lock(uow)
    last = uow.session.scalars(select(Checkpoint).order_by(Checkpoint.seq.desc()).limit(1)).first()
    seq = (last.seq if last else 0) + 1
    prev = last.sha256 if last else journal.GENESIS
    body = journal.canonical({"format": FORMAT, "kind": kind, "seq": seq, "prev": prev, "at": iso(uow.now),
                              **fields})
    signature, serial = seals.sign(uow, body, uow.now)
    row = Checkpoint(seq=seq, kind=kind, case_id=case_id, day=day, at=uow.now, entries=len(entries),
                     body=body.decode("utf-8"), sha256=journal.sha256_hex(body), prev_sha256=prev,
                     certificate_serial=serial, signature=signature)
    uow.session.add(row)
    uow.session.flush()
    uow.session.add_all([CheckpointEntry(checkpoint_id=row.id, case_id=c, events=n, head=h) for c, n, h in entries])
    uow.session.flush()
    return row


def seal_case(uow: UnitOfWork, case: Case) -> Checkpoint:
    """Sign the whole chain of a case that has just ended (in the step's transaction, after its flush)."""
    hashes = list(uow.session.scalars(select(CaseEvent.hash).where(CaseEvent.case_id == case.id)
                                      .order_by(CaseEvent.seq)).all())
    if len(hashes) != case.event_count or (hashes and hashes[-1] != case.head_hash):
        raise ChainMismatch(f"case {case.number}: the journal rows disagree with the case row")
    fields = {"case": case.number, "status": case.status, "events": len(hashes), "head": case.head_hash,
              "hashes": hashes}
    return _write(uow, kind="case", fields=fields, entries=[(case.id, len(hashes), case.head_hash)],
                  case_id=case.id)


def on_case_ended(uow: UnitOfWork, case: Case) -> Checkpoint | None:
    """The case checkpoint of a step that ended the case; without a CA or its passphrase the step still
    commits, and the next daily checkpoint covers the chain instead (logged)."""
    try:
        return seal_case(uow, case)
    except (NotFound, ConfigurationError, SignatureError) as exc:
        # No CA at all (a bare installation, a benchmark) is not worth a warning; a CA without its passphrase is.
        (log.info if isinstance(exc, NotFound) else log.warning)(
            "case %s ended without a signed checkpoint (%s); the daily checkpoint will cover it", case.number, exc.code)
        return None
    except ChainMismatch:           # rows that disagree: never block the step; `audit verify` will say more
        log.exception("case %s ended without a signed checkpoint", case.number)
        return None


def make_daily(uow: UnitOfWork, *, only_if_missing: bool = False) -> Checkpoint | None:
    """Sign every chain that grew since it was last covered, in one checkpoint (the day's).

    ``only_if_missing``: do nothing when today's (Asia/Ho_Chi_Minh) daily checkpoint exists (the worker).
    :raises NotFound: no CA. :raises ConfigurationError: no passphrase.
    """
    with uow:
        _lock(uow)
        day = local_day(uow.now)
        if only_if_missing and uow.session.scalar(select(Checkpoint.id).where(
                Checkpoint.kind == "daily", Checkpoint.day == day).limit(1)) is not None:
            return None
        covered = (select(CheckpointEntry.case_id, func.max(CheckpointEntry.events).label("events"))
                   .group_by(CheckpointEntry.case_id).subquery())
        rows = uow.session.execute(
            select(Case.id, Case.number, Case.event_count, Case.head_hash)
            .outerjoin(covered, covered.c.case_id == Case.id)
            .where(Case.event_count > func.coalesce(covered.c.events, 0))).all()
        rows = sorted(rows, key=lambda r: r.number)
        leaves = [merkle.leaf_hash(merkle.leaf_bytes(r.number, r.event_count, r.head_hash)) for r in rows]
        row = _write(uow, kind="daily", day=day, fields={"day": day, "count": len(rows), "root": merkle.root(leaves)},
                     entries=[(r.id, r.event_count, r.head_hash) for r in rows])
        uow.commit()
        return row


def daily_due(uow: UnitOfWork) -> bool:
    """True when today's (Asia/Ho_Chi_Minh) daily checkpoint is not made yet (a cheap read for the worker)."""
    with uow.reader() as reader:
        return reader.session.scalar(select(Checkpoint.id).where(
            Checkpoint.kind == "daily", Checkpoint.day == local_day(reader.now)).limit(1)) is None


# Reading ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointView:
    seq: int
    kind: str
    at: datetime
    day: str | None
    entries: int
    sha256: str
    certificate_serial: str


def latest(uow: UnitOfWork, limit: int = 20) -> list[CheckpointView]:
    with uow.reader() as reader:
        rows = reader.session.scalars(select(Checkpoint).order_by(Checkpoint.seq.desc()).limit(limit)).all()
        return [CheckpointView(r.seq, r.kind, r.at, r.day, r.entries, r.sha256, r.certificate_serial) for r in rows]


@dataclass(frozen=True)
class CaseCoverage:
    """What the dossier export carries of one case's checkpoints (the exact signed bytes and signatures)."""

    checkpoint: dict          # seq, kind, at, body (text), signature (bytes)
    entry: list               # [case, events, head]
    index: int | None = None  # daily: the leaf index, the tree size and the audit path
    size: int | None = None
    path: list[str] = field(default_factory=list)


def coverage_of_case(reader: UnitOfWork, case_id: int) -> list[CaseCoverage]:
    """Every checkpoint that covers a case, oldest first, with the Merkle path of its daily entries."""
    result = []
    rows = reader.session.execute(
        select(Checkpoint, CheckpointEntry.events, CheckpointEntry.head)
        .join(CheckpointEntry, CheckpointEntry.checkpoint_id == Checkpoint.id)
        .where(CheckpointEntry.case_id == case_id).order_by(Checkpoint.seq)).all()
    number = reader.session.scalar(select(Case.number).where(Case.id == case_id))
    for checkpoint, events, head in rows:
        item = {"seq": checkpoint.seq, "kind": checkpoint.kind, "at": iso(checkpoint.at), "body": checkpoint.body,
                "signature": bytes(checkpoint.signature), "serial": checkpoint.certificate_serial}
        if checkpoint.kind == "daily":
            leaves, index = _daily_leaves(reader, checkpoint.id, number)
            result.append(CaseCoverage(item, [number, events, head], index=index, size=len(leaves),
                                       path=merkle.inclusion_path(leaves, index)))
        else:
            result.append(CaseCoverage(item, [number, events, head]))
    return result


def _daily_leaves(reader: UnitOfWork, checkpoint_id: int, number: str | None = None):
    rows = reader.session.execute(
        select(Case.number, CheckpointEntry.events, CheckpointEntry.head)
        .join(Case, Case.id == CheckpointEntry.case_id).where(CheckpointEntry.checkpoint_id == checkpoint_id)).all()
    rows = sorted(rows, key=lambda r: r[0])
    leaves = [merkle.leaf_hash(merkle.leaf_bytes(n, e, h)) for n, e, h in rows]
    index = next((i for i, r in enumerate(rows) if r[0] == number), None)
    return leaves, index


# Verifying ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointFailure:
    """One thing that does not hold. ``event`` is the first broken event of ``case`` when known."""

    reason: str        # signature | body | chain | mismatch | truncated | uncovered
    checkpoint: int | None = None
    case: str | None = None
    event: int | None = None
    at: datetime | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckpointReport:
    checked: int
    failures: tuple[CheckpointFailure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures

    def first_for_case(self, number: str) -> CheckpointFailure | None:
        found = [f for f in self.failures if f.case == number and f.event is not None]
        return min(found, key=lambda f: f.event) if found else None


def verify(reader: UnitOfWork, number: str | None = None) -> CheckpointReport:
    """Check the checkpoints (all of them, or those covering one case) and what they say.

    Each checkpoint: its body hashes to its recorded sha256 and agrees with its columns, its signature
    verifies at its time with the system certificate (chain to the root, validity, revocation), and the
    checkpoints form an unbroken chain (all of them only). What it says: each covered chain still has the
    signed head at the signed length, and a case checkpoint's every event hash is still the signed one.
    Coverage: a chain shorter than a checkpoint saw (events removed), or an event older than the latest
    daily checkpoint that no checkpoint covers, is reported.
    """
    case_id = None
    if number is not None:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        if case_id is None:
            raise NotFound("case.not_found", number=number)
        ids = select(CheckpointEntry.checkpoint_id).where(CheckpointEntry.case_id == case_id)
        rows = reader.session.scalars(select(Checkpoint).where(Checkpoint.id.in_(ids)).order_by(Checkpoint.seq)).all()
    else:
        rows = reader.session.scalars(select(Checkpoint).order_by(Checkpoint.seq)).all()
    failures: list[CheckpointFailure] = []
    try:
        root = certificates.trust_root(reader)
        revoked = certificates.revocations(reader)
    except NotFound:
        root, revoked = None, []
    previous = None
    for row in rows:
        failures += _check_row(reader, row, root, revoked)
        if number is None:
            expected_seq = previous.seq + 1 if previous else 1
            expected_prev = previous.sha256 if previous else journal.GENESIS
            if row.seq != expected_seq or row.prev_sha256 != expected_prev:
                failures.append(CheckpointFailure("chain", checkpoint=row.seq, at=row.at,
                                                  detail={"expected": expected_seq}))
        previous = row
    failures += _check_contents(reader, rows, case_id)
    failures += _check_coverage(reader, case_id)
    return CheckpointReport(checked=len(rows), failures=tuple(failures))


def _check_row(reader: UnitOfWork, row: Checkpoint, root, revoked) -> list[CheckpointFailure]:
    body = row.body.encode("utf-8")
    try:
        parsed = json.loads(row.body)
    except ValueError:
        return [CheckpointFailure("body", checkpoint=row.seq, at=row.at)]
    if journal.sha256_hex(body) != row.sha256 or journal.canonical(parsed) != body \
            or parsed.get("format") != FORMAT or parsed.get("seq") != row.seq or parsed.get("kind") != row.kind \
            or parsed.get("prev") != row.prev_sha256 or parsed.get("at") != iso(row.at):
        return [CheckpointFailure("body", checkpoint=row.seq, at=row.at)]
    if root is None:
        return [CheckpointFailure("signature", checkpoint=row.seq, at=row.at, detail={"code": "ca.not_initialised"})]
    check = seals.check_system_signature(reader, bytes(row.signature), body, at=row.at, root=root, revoked=revoked,
                                         expected_serial=row.certificate_serial)
    if not check.ok:
        return [CheckpointFailure("signature", checkpoint=row.seq, at=row.at, detail={"code": check.code})]
    return []


def _check_contents(reader: UnitOfWork, rows, case_id: int | None) -> list[CheckpointFailure]:
    failures = []
    numbers = dict(reader.session.execute(select(Case.id, Case.number)).all()) if case_id is None else \
        {case_id: reader.session.scalar(select(Case.number).where(Case.id == case_id))}
    for row in rows:
        body = json.loads(row.body)
        entries = reader.session.execute(
            select(CheckpointEntry.case_id, CheckpointEntry.events, CheckpointEntry.head, CaseEvent.hash)
            .outerjoin(CaseEvent, (CaseEvent.case_id == CheckpointEntry.case_id)
                       & (CaseEvent.seq == CheckpointEntry.events))
            .where(CheckpointEntry.checkpoint_id == row.id)).all()
        if row.kind == "case":
            failures += _check_case_body(reader, row, body, entries, numbers)
        else:
            leaves, _ = _daily_leaves(reader, row.id)
            if body.get("count") != len(entries) or body.get("root") != merkle.root(leaves) \
                    or row.entries != len(entries):
                failures.append(CheckpointFailure("body", checkpoint=row.seq, at=row.at, detail={"entries": True}))
        for entry_case, events, head, stored in entries:
            if case_id is not None and entry_case != case_id:
                continue
            if stored != head and row.kind == "daily":
                failures.append(CheckpointFailure("mismatch", checkpoint=row.seq, case=numbers.get(entry_case),
                                                  event=events, at=row.at))
    return failures


def _check_case_body(reader: UnitOfWork, row: Checkpoint, body: dict, entries, numbers) -> list[CheckpointFailure]:
    if len(entries) != 1 or body.get("case") != numbers.get(entries[0][0]) \
            or [body.get("events"), body.get("head")] != [entries[0][1], entries[0][2]] \
            or len(body.get("hashes") or []) != body.get("events") or entries[0][0] != row.case_id:
        return [CheckpointFailure("body", checkpoint=row.seq, at=row.at)]
    signed = body["hashes"]
    stored = list(reader.session.execute(select(CaseEvent.seq, CaseEvent.hash).where(CaseEvent.case_id == row.case_id)
                                         .order_by(CaseEvent.seq)).all())
    by_seq = {seq: digest for seq, digest in stored}
    for seq, digest in enumerate(signed, start=1):
        if by_seq.get(seq) != digest:
            return [CheckpointFailure("mismatch", checkpoint=row.seq, case=body["case"], event=seq, at=row.at)]
    return []


def _check_coverage(reader: UnitOfWork, case_id: int | None) -> list[CheckpointFailure]:
    covered = (select(CheckpointEntry.case_id, func.max(CheckpointEntry.events).label("events"))
               .group_by(CheckpointEntry.case_id).subquery())
    query = select(Case.id, Case.number, Case.event_count, func.coalesce(covered.c.events, 0)) \
        .outerjoin(covered, covered.c.case_id == Case.id)
    if case_id is not None:
        query = query.where(Case.id == case_id)
    last_daily = reader.session.scalar(select(func.max(Checkpoint.at)).where(Checkpoint.kind == "daily"))
    failures = []
    for cid, number, count, events in reader.session.execute(query).all():
        if count < events:
            failures.append(CheckpointFailure("truncated", case=number, event=count + 1))
        elif count > events and last_daily is not None:
            first = reader.session.execute(select(CaseEvent.seq, CaseEvent.at).where(
                CaseEvent.case_id == cid, CaseEvent.seq > events).order_by(CaseEvent.seq).limit(1)).first()
            if first is not None and first.at < last_daily - COVERAGE_GRACE:
                failures.append(CheckpointFailure("uncovered", case=number, event=first.seq))
    return failures
