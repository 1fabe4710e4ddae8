"""The auditor's services: who audits, the whole verification of one case, and its step-through.

An auditor (``inspection_committee``, the Ủy ban Kiểm tra, or an administrator) reads the cases the
ordinary visibility rules let them see (their units and below, their clearance, need-to-know): the audit
area adds no right to see a case, only the means to check it. Every read here is written to the access
log before the content is returned (``access_log``).

:func:`verify_case` runs every check there is on one case and names the first broken event: the chain,
the signed checkpoints, the definition's files, the replay and the signatures. :func:`step_through`
gives the auditor each journal event with what the diagram shows at that moment (docs/audit.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from engine.errors import NotAllowed, NotFound
from engine.models import Attachment, Case, CaseEvent, Document, Unit, User
from engine.services import (access_log, assignments, attachments, checkpoints, definitions, documents, history,
                             organisation, redaction, replay, verification)
from engine.spiff import parser
from engine.uow import UnitOfWork
from engine.views import Actor

#: Roles whose holders audit cases (and may open the archive); administrators may too.
AUDIT_ROLES = ("inspection_committee",)
#: Roles whose holders keep the electronic archive (the party committee's office) besides the auditors.
ARCHIVE_ROLES = ("inspection_committee", "committee_office")


def can_audit(actor: Actor | None) -> bool:
    return actor is not None and (actor.is_admin or any(r.role in AUDIT_ROLES for r in actor.roles))


def can_use_archive(actor: Actor | None) -> bool:
    return actor is not None and (actor.is_admin or any(r.role in ARCHIVE_ROLES for r in actor.roles))


def ensure_auditor(actor: Actor) -> None:
    """:raises NotAllowed: ``audit.required``."""
    if not can_audit(actor):
        raise NotAllowed("audit.required")


def open_case(uow: UnitOfWork, actor: Actor | None, number: str, *, via: access_log.Via, action: str,
              detail: dict | None = None) -> None:
    """Log a read of a case before it is served: ``ok`` if the actor may see it (``actor=None``: the command
    line's administrator), else ``denied`` and the same answer as for a case that does not exist.

    :raises NotFound: unknown or not visible.
    """
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        allowed = case is not None and (actor is None or assignments.can_view_case(reader, actor, case))
    access_log.record(uow, actor=actor, action=action, number=number if case is not None else None,
                      detail={**(detail or {}), **({} if case is not None else {"number": number})},
                      outcome="ok" if allowed else "denied", channel=via.channel, address=via.address)
    if not allowed:
        raise NotFound("case.not_found", number=number)


# The whole verification of one case --------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One broken thing: ``check`` is chain | checkpoint | definition | file | replay | signature."""

    check: str
    event: int | None
    reason: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CaseAudit:
    case: str
    events: int
    chain: history.ChainReport
    checkpoints: checkpoints.CheckpointReport
    replay: replay.ReplayReport
    signatures: verification.CaseSignatures
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The finding at the earliest event (the first bad event), then the others."""
        with_event = [f for f in self.findings if f.event is not None]
        if with_event:
            return min(with_event, key=lambda f: f.event)
        return self.findings[0] if self.findings else None


def verify_case(uow: UnitOfWork, number: str) -> CaseAudit:
    """Every check on one case; ``first`` names the first bad event. Read only (no access-log entry:
    the command line and the pages that call it log their own read)."""
    with uow.reader() as reader:
        chain = history.verify(reader, number)[0]
        marks = checkpoints.verify(reader, number)
        definition_finding = _definition_finding(reader, number)
        file_findings = _file_findings(reader, number)
    replayed = replay.replay_case(uow, number)
    signatures = verification.verify_case_signatures(uow, number)
    findings: list[Finding] = []
    if not chain.ok:
        findings.append(Finding("chain", chain.broken_at, chain.reason or "hash"))
    for failure in marks.failures:
        findings.append(Finding("checkpoint", failure.event, failure.reason,
                                {"checkpoint": failure.checkpoint, **failure.detail}))
    if definition_finding is not None:
        findings.append(definition_finding)
    findings += file_findings
    if not replayed.ok:
        findings.append(Finding("replay", replayed.diverged_at, replayed.reason or "state",
                                {"detail": replayed.detail}))
    for step in signatures.steps:
        if not step.ok:
            findings.append(Finding("signature", step.seq, step.code or "signature.invalid", dict(step.params)))
    return CaseAudit(case=number, events=chain.events, chain=chain, checkpoints=marks, replay=replayed,
                     signatures=signatures, findings=tuple(findings))


def _definition_finding(reader: UnitOfWork, number: str) -> Finding | None:
    """The definition's stored files must still hash to what the case started on (event #1)."""
    case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
    record = definitions.record(reader, case.definition_id)
    first = reader.session.scalar(select(CaseEvent.body).where(CaseEvent.case_id == case.id, CaseEvent.seq == 1))
    started = json.loads(first)["data"].get("definition") if first else None
    computed = parser.Bundle(main=record.main_file, files=dict(record.files)).sha256
    if computed != record.sha256 or (started is not None and computed != started):
        return Finding("definition", 1, "definition", {"key": record.key, "version": record.version})
    return None


def _file_findings(reader: UnitOfWork, number: str) -> list[Finding]:
    """Every document and attachment the journal recorded still has its sha256, in the row and in the store;
    a changed one is named at the event that produced it."""
    case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
    rows = reader.session.execute(select(CaseEvent.seq, CaseEvent.type, CaseEvent.body)
                                  .where(CaseEvent.case_id == case_id,
                                         CaseEvent.type.in_(("task.completed", "attachment.added")))
                                  .order_by(CaseEvent.seq)).all()
    stored_documents = {(d.key, d.version): d.sha256 for d in reader.session.scalars(
        select(Document).where(Document.case_id == case_id)).all()}
    stored_attachments = {a.id: a.sha256 for a in reader.session.scalars(
        select(Attachment).where(Attachment.case_id == case_id)).all()}
    findings = []
    for seq, kind, body in rows:
        data = json.loads(body)["data"]
        if kind == "attachment.added":
            wanted = [(data.get("name"), data.get("sha256"), stored_attachments.get(data.get("attachment")))]
        else:
            wanted = [(d.get("name") or d.get("key"), d.get("sha256"),
                       stored_documents.get((d.get("key"), d.get("version"))))
                      for d in data.get("documents") or () if d.get("sha256") and not d.get("unchanged")]
        for name, digest, in_row in wanted:
            try:
                intact = in_row == digest and attachments.read_blob(reader.settings.data_dir, digest) is not None
            except NotFound:
                intact = False
            if not intact:
                findings.append(Finding("file", seq, "file_changed", {"name": name or ""}))
    return findings


def cases_on_changed_definitions(reader: UnitOfWork, number: str | None = None) -> list[str]:
    """Numbers of the cases (all, or the one) whose definition's stored files no longer give its sha256."""
    query = select(Case.definition_id).distinct()
    if number is not None:
        query = query.where(Case.number == number)
    changed = []
    for definition_id in reader.session.scalars(query).all():
        record = definitions.record(reader, definition_id)
        if parser.Bundle(main=record.main_file, files=dict(record.files)).sha256 != record.sha256:
            changed.append(definition_id)
    if not changed:
        return []
    query = select(Case.number).where(Case.definition_id.in_(changed))
    if number is not None:
        query = query.where(Case.number == number)
    return list(reader.session.scalars(query).all())


# Step-through ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditStep:
    """One journal event as the auditor steps through it."""

    seq: int
    type: str
    at: datetime
    actor: str | None
    actor_name: str | None
    role: str | None
    role_name: str | None
    unit: str | None
    unit_name: str | None
    element: str | None
    element_title: str | None
    highlight: tuple[str, ...]
    active: tuple[str, ...]
    data_before: dict
    data_after: dict
    changes: tuple[tuple[str, object, object], ...]
    details: dict
    documents: tuple[dict, ...]
    attachments: tuple[dict, ...]
    signature: verification.StepSignature | None
    chain_ok: bool
    replayed: str          # verified | diverged | not_replayed | no_state (an event that changes nothing)
    redacted: bool
    hash: str


@dataclass(frozen=True)
class StepThrough:
    number: str
    title: str
    process: str
    process_name: str
    version: int
    status: str
    unit: str
    unit_name: str
    classification: int
    started_at: datetime
    ended_at: datetime | None
    has_diagram: bool
    steps: tuple[AuditStep, ...]
    replay: replay.ReplayReport
    chain: history.ChainReport
    checkpoints: checkpoints.CheckpointReport
    signatures_ok: bool
    field_titles: dict
    redacted_fields: tuple[str, ...]
    element_titles: dict = field(default_factory=dict)     # element id -> its name in the diagram

    @property
    def intact(self) -> bool:
        return self.replay.ok and self.chain.ok and self.checkpoints.ok and self.signatures_ok


def step_through(uow: UnitOfWork, *, actor: Actor, number: str, via: access_log.Via | None = None,
                 action: str = "case.audit") -> StepThrough:
    """Each event of a case with the state before and after it, for an auditor who may see the case.

    Logs the read (``case.audit``, or ``case.steps`` for the JSON) before returning anything.
    :raises NotAllowed: not an auditor. :raises NotFound: unknown or not visible (logged as denied).
    """
    via = via or access_log.Via()
    ensure_auditor(actor)
    open_case(uow, actor, number, via=via, action=action)
    replayed = replay.replay_case(uow, number)
    checks = verification.verify_case_signatures(uow, number)
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
        chain = history.verify(reader, number)[0]
        marks = checkpoints.verify(reader, number)
        record = definitions.record(reader, case.definition_id)
        rows = reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                      .order_by(CaseEvent.seq)).all()
        bodies = [json.loads(r.body) for r in rows]
        policy = redaction.policy_for(record.files, case.classification, actor.clearance, bodies)
        names = _names(reader, rows, bodies)
        docs = documents.list_documents(uow, number=number, actor=None)
        files = _attachments(reader, case.id)
        steps = _steps(record, case, rows, bodies, replayed, checks, chain, policy, names, docs, files)
        from engine.services.progress import field_titles, has_diagram
        titles = field_titles(uow, number=number, actor=actor)
        return StepThrough(
            number=case.number, title=redaction.redact(case.title, policy)[0], process=record.key,
            process_name=record.name, version=record.version, status=case.status, unit=case.unit.code,
            unit_name=case.unit.name, classification=case.classification, started_at=case.started_at,
            ended_at=case.ended_at, has_diagram=has_diagram(record.files.get(record.main_file, "")),
            steps=tuple(steps), replay=replayed, chain=chain, checkpoints=marks, signatures_ok=checks.ok,
            field_titles=titles, redacted_fields=tuple(sorted(policy.hidden)),
            element_titles={e: m["title"] for e, m in record.meta.get("elements", {}).items() if m.get("title")})


def _names(reader: UnitOfWork, rows, bodies) -> dict:
    usernames = {r.actor for r in rows if r.actor}
    units = {b["data"].get("unit") for b in bodies if isinstance(b.get("data"), dict)} - {None}
    return {
        "users": dict(reader.session.execute(select(User.username, User.full_name)
                                             .where(User.username.in_(sorted(usernames)))).all()) if usernames else {},
        "units": dict(reader.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(sorted(units)))).all())
        if units else {},
        "roles": organisation.role_names(reader),
    }


def _attachments(reader: UnitOfWork, case_id: int) -> dict[str, dict]:
    rows = reader.session.scalars(select(Attachment).where(Attachment.case_id == case_id)).all()
    return {r.id: {"id": r.id, "name": r.filename, "sha256": r.sha256, "size": r.size, "kind": r.kind} for r in rows}


def _steps(record, case, rows, bodies, replayed, checks, chain, policy, names, docs, files) -> list[AuditStep]:
    elements = record.meta.get("elements", {})
    starts = tuple(e for e, m in elements.items() if m.get("kind") == "startEvent")
    replayed_by_seq = {s.seq: s for s in replayed.steps}
    signatures = checks.by_seq()
    docs_by_seq: dict[int, list[dict]] = {}
    for doc in docs:
        docs_by_seq.setdefault(doc.event_seq, []).append(
            {"id": doc.id, "key": doc.key, "title": doc.title, "name": doc.filename, "version": doc.version,
             "sha256": doc.sha256,
             "signature": doc.signature_kind, "signer": doc.signer_name})
    before: dict = {}
    active: tuple[str, ...] = ()
    steps = []
    for row, body in zip(rows, bodies):
        data = body.get("data") or {}
        element = data.get("element")
        state_changing = row.type in replay.STATE_CHANGING or row.type == "case.sent_back"
        step = replayed_by_seq.get(row.seq)
        if step is not None and step.replayed is not None:
            after, active = step.data_after, step.active
            status = "verified" if step.ok else "diverged"
        elif state_changing:
            after = before
            status = "diverged" if replayed.diverged_at == row.seq else "not_replayed"
        else:
            after, status = before, "no_state"
        highlight = starts if row.type == "case.started" else tuple(data.get("timers") or ()) \
            if row.type == "timer.fired" else ((element,) if element else ())
        shown_before, hidden_before = redaction.redact(before, policy)
        shown_after, hidden_after = redaction.redact(after, policy)
        details, hidden_details = redaction.redact(_details(row.type, data), policy)
        role = data.get("role")
        unit = data.get("unit") or (case.unit.code if row.type == "case.started" else None)
        attached = ()
        if row.type == "attachment.added" and data.get("attachment") in files:
            attached = (files[data["attachment"]],)
        steps.append(AuditStep(
            seq=row.seq, type=row.type, at=row.at, actor=row.actor,
            actor_name=names["users"].get(row.actor) if row.actor else None, role=role,
            role_name=names["roles"].get(role) if role else None, unit=unit,
            unit_name=names["units"].get(unit) or (case.unit.name if unit == case.unit.code else None),
            element=element, element_title=(elements.get(element) or {}).get("title") if element else None,
            highlight=tuple(h for h in highlight if h), active=tuple(active), data_before=shown_before,
            data_after=shown_after, changes=tuple(_changes(shown_before, shown_after)), details=details,
            documents=tuple(docs_by_seq.get(row.seq, ())), attachments=tuple(attached),
            signature=signatures.get(row.seq),
            chain_ok=chain.broken_at is None or row.seq < chain.broken_at, replayed=status,
            redacted=hidden_before or hidden_after or hidden_details, hash=row.hash))
        before = after
    return steps


def _details(kind: str, data: dict) -> dict:
    """What an event says besides the data: the decision, a reason, the timers, the corrections."""
    keep = {"case.cancelled": ("reason",), "case.data_corrected": ("changes", "reason"),
            "case.sent_back": ("element", "reason", "to_seq"), "case.retried": ("corrections", "skipped", "reason"),
            "case.failed": ("step", "reason", "reason_params"), "timer.fired": ("timers",),
            "message.received": ("name", "payload"), "signal.received": ("name", "payload"),
            "task.delegated": ("to",), "attachment.added": ("name", "sha256", "size"),
            "case.started": ("key", "version", "definition", "classification")}
    result = {k: data[k] for k in keep.get(kind, ()) if k in data}
    if kind == "task.completed":
        result["input"] = data.get("input") or {}
        if data.get("signed"):
            result["decision"] = data["signed"].get("decision")
    if data.get("sealed_by"):
        result["sealed_by"] = data["sealed_by"]
    return result


def _changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
