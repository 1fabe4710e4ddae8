"""Verify every signature of a case, years later, from the database alone (no PIN, no CA key).

For each signed step (a ``task.completed`` event with a signature, and every step whose definition
requires one) the check names the first thing that does not hold:

1. the signed decision is in the event (``data.signed``) and agrees with the journal: same case, step,
   task, form data, time, signer and previous event hash, and the definition the case started on;
2. the detached CMS verifies over the canonical bytes of that decision, through the issuing CA to the
   root, with every certificate valid and the signer's not revoked at the signing time (revocations
   from the database; a signature dated before a revocation stays valid);
3. the certificate is one this CA issued to that user for that unit, and the user held the step's role
   in the step's unit at that time (role assignments keep ``valid_from``/``valid_to``);
4. every attached and generated file the decision lists still has the recorded sha256, and the documents
   the step produced carry a ``.p7s`` that verifies over their bytes.

The journal's hash chain is checked by ``history.verify``; docs/signatures.md has the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from engine import journal
from engine.clock import parse_iso
from engine.errors import NotFound
from engine.models import Attachment, Case, CaseEvent, Certificate, Document, RoleAssignment, Unit, User
from engine.services import attachments, certificates, definitions, seals, signing
from engine.uow import UnitOfWork
from signatures.verify import verify_detached


@dataclass(frozen=True)
class StepSignature:
    """The verdict on one signed step."""

    seq: int
    element: str
    actor: str | None
    at: datetime
    ok: bool
    code: str | None = None
    params: dict = field(default_factory=dict)
    signer_name: str | None = None
    serial: str | None = None
    signing_time: datetime | None = None
    documents: tuple[dict, ...] = ()

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"seq": self.seq, "element": self.element, "actor": self.actor, "at": _iso(self.at), "ok": self.ok,
                "code": self.code, "params": self.params, "signer": self.signer_name, "serial": self.serial,
                "signing_time": _iso(self.signing_time), "documents": list(self.documents)}


@dataclass(frozen=True)
class CaseSignatures:
    case: str
    steps: tuple[StepSignature, ...]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def first_failure(self) -> StepSignature | None:
        return next((s for s in self.steps if not s.ok), None)

    def by_seq(self) -> dict[int, StepSignature]:
        return {s.seq: s for s in self.steps}

    def as_json(self) -> dict:
        return {"case": self.case, "ok": self.ok, "steps": [s.as_json() for s in self.steps]}


class _Failed(Exception):
    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def verify_case_signatures(uow: UnitOfWork, number: str) -> CaseSignatures:
    """Check every signature of one case (read only). :raises NotFound: no such case."""
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        if case is None:
            raise NotFound("case.not_found", number=number)
        return _verify(reader, case)


def _verify(reader: UnitOfWork, case: Case) -> CaseSignatures:
    events = reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                    .order_by(CaseEvent.seq)).all()
    if not events:
        return CaseSignatures(case.number, ())
    try:
        root = certificates.trust_root(reader)
    except NotFound:
        root = None
    record = definitions.record(reader, case.definition_id)
    started = json.loads(events[0].body)["data"]
    revoked = certificates.revocations(reader) if root is not None else []
    results = []
    for event in events:
        body = json.loads(event.body)
        data = body.get("data") or {}
        if data.get("sealed_by"):      # a repair sealed by the engine (engine/services/seals.py)
            results.append(seals.check_event_seal(reader, event, data, root, revoked))
            continue
        required = event.type == "task.completed" and bool(record.element(data.get("element") or "")
                                                            .get("signature_required"))
        if event.signature is None and not required:
            continue
        facts: dict = {}
        try:
            if event.signature is None:
                raise _Failed("signature.missing")
            if root is None:
                raise _Failed("ca.not_initialised")
            facts = _check_event(reader, case, started, body, bytes(event.signature), root, revoked)
            results.append(StepSignature(seq=event.seq, element=data.get("element") or "", actor=event.actor,
                                         at=event.at, ok=True, **facts))
        except _Failed as failure:
            facts.update(getattr(failure, "facts", {}))
            results.append(StepSignature(seq=event.seq, element=data.get("element") or "", actor=event.actor,
                                         at=event.at, ok=False, code=failure.code, params=failure.params,
                                         **{k: v for k, v in facts.items() if k != "documents"}))
    results += _check_seals(reader, case, events, {r.seq for r in results}, root, revoked)
    return CaseSignatures(case.number, tuple(sorted(results, key=lambda r: r.seq)))


def _check_event(reader: UnitOfWork, case: Case, started: dict, body: dict, signature: bytes, root,
                 revoked) -> dict:
    data = body["data"]
    decision = data.get("signed")
    if not isinstance(decision, dict):
        raise _Failed("signature.decision_missing")
    expected = {"format": signing.DECISION_FORMAT, "case": body["case"], "step": data.get("element"),
                "task": data.get("task"), "instance": data.get("instance"), "definition": started.get("definition"),
                "data": data.get("input"), "at": body["at"], "prev": body["prev"]}
    for name, value in expected.items():
        if decision.get(name) != value:
            raise _Failed("signature.journal_mismatch", field=name)
    signer = decision.get("signer") or {}
    if signer.get("username") != body.get("actor") or signer.get("role") != data.get("role") \
            or signer.get("unit") != data.get("unit"):
        raise _Failed("signature.journal_mismatch", field="signer")
    if (decision.get("effects") or []) != (data.get("effects") or []):
        raise _Failed("signature.journal_mismatch", field="effects")
    content = journal.canonical(decision)
    at = parse_iso(body["at"])
    report = verify_detached(signature, content, trust_root=root, revocations=revoked, journal_time=at)
    facts = {"signer_name": report.signer.full_name if report.signer else None,
             "serial": certificates.serial_hex(report.serial) if report.serial is not None else None,
             "signing_time": report.signing_time}
    if not report.ok:
        failure = _Failed(report.code or "signature.invalid", **{k: _plain(v) for k, v in report.params.items()})
        failure.facts = facts
        raise failure
    try:
        _check_signer(reader, report, signer, body, data, at)
        facts["documents"] = tuple(_check_files(reader, case, decision, body["seq"], root, revoked))
    except _Failed as failure:
        failure.facts = facts
        raise
    return facts


def _check_signer(reader: UnitOfWork, report, signer: dict, body: dict, data: dict, at: datetime) -> None:
    serial = certificates.serial_hex(report.serial)
    row = reader.session.scalar(select(Certificate).where(Certificate.serial == serial))
    user = reader.session.scalar(select(User).where(User.username == body.get("actor")))
    if row is None or user is None or row.user_id != user.id or signer.get("certificate") != serial \
            or row.sha256 != certificates.der_sha256(certificates.certificate_of(row)) \
            or row.certificate_pem.encode("ascii") != report.certificate_pem:
        raise _Failed("signature.signer_mismatch", serial=serial)
    role, unit_code = data.get("role"), data.get("unit")
    if role and unit_code:
        unit = reader.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None or row.unit_id != unit.id:
            raise _Failed("signature.certificate_other_unit", serial=serial, unit=unit_code)
        held = reader.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.role == role, RoleAssignment.unit_id == unit.id,
            RoleAssignment.valid_from <= at, or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > at))
            .limit(1))
        if held is None:
            raise _Failed("signature.role_not_held", username=user.username, role=role, unit=unit_code)


def _check_files(reader: UnitOfWork, case: Case, decision: dict, seq: int, root, revoked) -> list[dict]:
    data_dir = reader.settings.data_dir
    for item in decision.get("attachments") or []:
        row = reader.session.get(Attachment, item.get("id"))
        if row is None or row.sha256 != item.get("sha256") or not _blob_ok(data_dir, row.sha256):
            raise _Failed("signature.file_changed", name=item.get("name") or "")
    checked = []
    for item in decision.get("documents") or []:
        row = reader.session.scalar(select(Document).where(Document.case_id == case.id, Document.key == item.get("key"),
                                                           Document.version == item.get("version")))
        if row is None or row.sha256 != item.get("sha256") or not _blob_ok(data_dir, row.sha256):
            raise _Failed("signature.file_changed", name=item.get("name") or "")
        if row.event_seq == seq and row.signature is not None:
            content = attachments.read_blob(data_dir, row.sha256)
            _check_document_signature(row, content, root, revoked)
            checked.append({"name": row.filename, "version": row.version, "ok": True})
    return checked


def _check_document_signature(row: Document, content: bytes, root, revoked) -> None:
    report = verify_detached(bytes(row.signature), content, trust_root=root, revocations=revoked,
                             journal_time=row.created_at)
    if not report.ok:
        raise _Failed("signature.document_signature_invalid", name=row.filename, reason=report.code)
    if row.certificate_serial and certificates.serial_hex(report.serial) != row.certificate_serial:
        raise _Failed("signature.document_signature_invalid", name=row.filename, reason="certificate")


def _check_seals(reader: UnitOfWork, case: Case, events, done: set[int], root, revoked) -> list[StepSignature]:
    """Documents sealed with the engine's certificate by steps no person signed (a numbered decision)."""
    rows = reader.session.scalars(select(Document).where(Document.case_id == case.id,
                                                         Document.signature_kind == "seal")
                                  .order_by(Document.event_seq, Document.key)).all()
    by_seq = {e.seq: e for e in events}
    results = []
    for seq in sorted({r.event_seq for r in rows} - done):
        event = by_seq.get(seq)
        element = rows[0].element if event is None else (json.loads(event.body)["data"].get("element") or "")
        checked = []
        try:
            if root is None:
                raise _Failed("ca.not_initialised")
            for row in (r for r in rows if r.event_seq == seq):
                try:
                    content = attachments.read_blob(reader.settings.data_dir, row.sha256)
                except NotFound:
                    raise _Failed("signature.file_changed", name=row.filename) from None
                _check_document_signature(row, content, root, revoked)
                checked.append({"name": row.filename, "version": row.version, "ok": True, "seal": True})
            results.append(StepSignature(seq=seq, element=element, actor=event.actor if event else None,
                                         at=event.at if event else rows[0].created_at, ok=True,
                                         serial=rows[0].certificate_serial, documents=tuple(checked)))
        except _Failed as failure:
            results.append(StepSignature(seq=seq, element=element, actor=event.actor if event else None,
                                         at=event.at if event else rows[0].created_at, ok=False, code=failure.code,
                                         params=failure.params))
    return results


def _blob_ok(data_dir: str, digest: str) -> bool:
    try:
        attachments.read_blob(data_dir, digest)
    except NotFound:
        return False
    return True


def _plain(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def signature_bundle(uow: UnitOfWork, number: str) -> dict[str, bytes]:
    """The files that let anyone check a case's signatures without this program (``signature export``).

    ``root.pem`` (the trust anchor); for each signed step ``STEP.json`` (the exact signed bytes) and
    ``STEP.p7s`` (the detached DER signature), STEP being the element id, or ``ELEMENT-SEQ`` when the
    case signed that element more than once; ``documents/NAME`` and ``documents/NAME.p7s`` for every
    signed or sealed document. :raises NotFound: no such case or no CA.
    """
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        if case is None:
            raise NotFound("case.not_found", number=number)
        files = {"root.pem": certificates.authority(reader, "root").certificate_pem.encode("ascii")}
        signed, event_bodies = [], {}
        for event in reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                                    CaseEvent.signature.is_not(None))
                                            .order_by(CaseEvent.seq)).all():
            data = json.loads(event.body)["data"]
            event_bodies[event.seq] = event.body.encode("utf-8")
            signed.append((event.seq, data.get("element") or event.type.replace(".", "-"), data.get("signed"),
                           bytes(event.signature)))
        counts: dict[str, int] = {}
        for _seq, element, _decision, _signature in signed:
            counts[element] = counts.get(element, 0) + 1
        for seq, element, decision, signature in signed:
            name = element if counts[element] == 1 else f"{element}-{seq}"
            # a sealed repair event is signed over its own body (engine/services/seals.py)
            files[f"{name}.json"] = journal.canonical(decision) if decision is not None else event_bodies[seq]
            files[f"{name}.p7s"] = signature
        for row in reader.session.scalars(select(Document).where(Document.case_id == case.id,
                                                                 Document.signature.is_not(None))
                                          .order_by(Document.event_seq, Document.key, Document.version)).all():
            files[f"documents/{row.filename}"] = attachments.read_blob(reader.settings.data_dir, row.sha256)
            files[f"documents/{row.filename}.p7s"] = bytes(row.signature)
        return files
