"""Generated documents (văn bản): rendered when a step that names them completes, kept in versions.

A task's ``documents`` property lists document keys (``workflows/documents``). When the step completes,
inside its own transaction, each document is rendered from the case data *after* the step, with the
organisation names of the case's unit and its superiors and, when the step is signed, the signer's
name, position and signing time in the signature block. The bytes go to the blob store under their
sha256 (the attachments' store), a ``documents`` row records the version, and the step's journal event
lists each document's key, version and sha256.

Versions are never overwritten: a later step that names the same document (P1's ``issue_decision``,
which numbers and dates the decision) renders version n+1 from the case data as it is then; version n
stays downloadable with its own signature. A re-rendered version of a document a person signed keeps
that person's signature block and is sealed with the engine's certificate (the office's seal,
``signature_kind = 'seal'``), since the person signed the earlier bytes, not these.

A document whose data does not support it (a vote below two thirds) is skipped and noted in the event.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from engine.errors import NotAllowed, NotFound
from engine.models import Case, Document, Unit, User
from engine.services import assignments, attachments, definitions, redaction
from engine.uow import UnitOfWork
from engine.views import Actor
from workflows import documents as templates

log = logging.getLogger("quytrinh.documents")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_LEVEL_WORDS = ("thành phố ", "tỉnh ", "phường ", "xã ", "đặc khu ", "thị trấn ")


@dataclass(frozen=True)
class Produced:
    """What one step generated: journal entries (generated or skipped) and the rows written."""

    entries: list[dict]
    rows: list[Document]
    contents: dict[str, bytes]          # row id -> bytes


@dataclass(frozen=True)
class SignerInfo:
    full_name: str
    position: str
    title: str
    signed_at: datetime


_UNIT_CODE = re.compile(r"[A-Z][A-Z0-9-]{1,39}")


_USERNAME = re.compile(r"[a-z0-9_.-]{3,64}")


def with_printed_names(uow: UnitOfWork, case_data: dict) -> dict:
    """The case data as documents read it: names, never usernames or codes (one query for people, one for units).

    Every person and unit the data names, at any depth (a P12 receipt's readers, a P10 team), is in
    ``member_names`` (username → full name) and ``unit_names`` (code → name), which the P7–P12 templates print
    (workflows/documents/secrecy.py); a top-level field naming a unit (a transfer's receiving unit, a residence
    cell) also gets ``FIELD_name``, ``FIELD_parent_name`` and ``FIELD_place``, unless the data has its own."""
    texts: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, str):
            texts.add(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)

    collect(case_data)
    usernames = sorted(t for t in texts if _USERNAME.fullmatch(t))
    codes = sorted(t for t in texts if _UNIT_CODE.fullmatch(t))
    members = dict(uow.session.execute(select(User.username, User.full_name).where(User.username.in_(usernames)))
                   .all()) if usernames else {}
    units = {u.code: u for u in uow.session.scalars(select(Unit).where(Unit.code.in_(codes)))} if codes else {}
    fields = {}
    for key, value in case_data.items():
        if isinstance(value, str) and value in units:
            named = organisation_for(units[value])
            fields.update({f"{key}_name": named.unit_name, f"{key}_parent_name": named.parent_name,
                           f"{key}_place": named.place})
    return {**fields, **case_data, "member_names": members,
            "unit_names": {code: unit.name for code, unit in units.items()}}


def organisation_for(unit: Unit) -> templates.Organisation:
    """The names a party document prints, from the case's unit upward (Đảng bộ xã → Đảng ủy xã, …)."""
    parent = unit.parent or unit
    superior = parent.parent or parent
    committee = re.sub(r"^Đảng bộ", "Đảng ủy", parent.name)
    place = re.sub(r"^(Đảng bộ|Đảng ủy|Chi bộ)\s+", "", parent.name)
    for word in _LEVEL_WORDS:
        if place.lower().startswith(word):
            place = place[len(word):]
            break
    return templates.Organisation(unit_name=unit.name, parent_name=parent.name, committee_name=committee,
                                  superior_name=superior.name, place=place)


def title_for(position: str | None) -> str:
    """The capacity printed under "T/M …" from the full position ("Bí thư Đảng ủy xã" → "Bí thư")."""
    text = (position or "").strip()
    for capacity in ("Phó Bí thư", "Bí thư"):
        if text.lower().startswith(capacity.lower()):
            return capacity
    return text or "Bí thư"


def produce(uow: UnitOfWork, *, case: Case, keys: list[str], element: str, task_id: str | None, actor: Actor,
            case_data: dict, event_seq: int, signer: SignerInfo | None, sign, seal) -> Produced:
    """Render, store and record every document a completed step names (in the step's transaction).

    ``sign(content) -> bytes`` signs a document as the step's signer (None for an unsigned step);
    ``seal(content) -> (bytes, serial)`` seals a re-rendered version of a signed document.
    """
    entries, rows, contents = [], [], {}
    organisation = organisation_for(case.unit)
    case_data = with_printed_names(uow, case_data)
    for key in keys:
        try:
            kind = templates.document_type(key)
        except templates.UnknownDocument:
            entries.append({"key": key, "skipped": "unknown_document"})
            continue
        previous = _latest(uow, case.id, key)
        carried = None
        if signer is None and previous is not None and previous.signature_kind in ("person", "seal") \
                and previous.signer_name:
            carried = SignerInfo(previous.signer_name, previous.signer_position or "", previous.signer_title or "",
                                 previous.signed_at)
        person = signer or carried
        template_signer = templates.Signer(person.full_name, person.position, person.title, person.signed_at) \
            if person else None
        try:
            content = templates.render(key, case_data=case_data, organisation=organisation, signer=template_signer)
            filename = kind.file_name(case_data)
        except templates.DocumentNotApplicable as exc:
            entries.append({"key": key, "skipped": "not_applicable", "detail": str(exc)})
            continue
        except templates.MissingCaseData as exc:
            entries.append({"key": key, "skipped": "missing_data", "field": str(exc.args[0] if exc.args else "")})
            continue
        except (ValueError, KeyError, TypeError) as exc:   # a template that cannot read this case's data
            log.warning("document %s of case %s not generated: %s: %s", key, case.number, type(exc).__name__, exc)
            entries.append({"key": key, "skipped": "render_failed", "detail": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        digest = attachments.store_blob(uow.settings.data_dir, content)
        if previous is not None and previous.sha256 == digest:
            entries.append({"key": key, "version": previous.version, "sha256": digest, "unchanged": True})
            continue
        version = (previous.version if previous else 0) + 1
        if version > 1:
            filename = filename[:-len(".docx")] + f"-v{version}.docx"
        signature, kind_of_signature, serial = None, None, None
        if signer is not None and sign is not None:
            signature, serial = sign(content)
            kind_of_signature = "person"
        elif carried is not None and seal is not None:
            signature, serial = seal(content)
            kind_of_signature = "seal"
        row = Document(id=str(uuid.uuid4()), case_id=case.id, key=key, version=version, title=kind.title,
                       filename=filename, sha256=digest, size=len(content), element=element, task_id=task_id,
                       event_seq=event_seq, created_at=uow.now, created_by_id=actor.user_id,
                       signer_name=person.full_name if person else None,
                       signer_position=person.position if person else None,
                       signer_title=person.title if person else None,
                       signed_at=person.signed_at if person else None, signature_kind=kind_of_signature,
                       certificate_serial=serial, signature=signature)
        uow.session.add(row)
        rows.append(row)
        contents[row.id] = content
        entries.append({"key": key, "version": version, "name": filename, "sha256": digest, "size": len(content),
                        "signature": kind_of_signature, "certificate": serial})
    uow.session.flush()
    return Produced(entries=entries, rows=rows, contents=contents)


def _latest(uow: UnitOfWork, case_id: int, key: str) -> Document | None:
    return uow.session.scalars(select(Document).where(Document.case_id == case_id, Document.key == key)
                               .order_by(Document.version.desc()).limit(1)).first()


def hashes_of_case(uow: UnitOfWork, case_id: int) -> list[dict]:
    """(key, version, name, sha256) of every document of a case so far, oldest first (for a signed decision)."""
    rows = uow.session.execute(select(Document.key, Document.version, Document.filename, Document.sha256)
                               .where(Document.case_id == case_id).order_by(Document.key, Document.version)).all()
    return [{"key": k, "version": v, "name": n, "sha256": s} for k, v, n, s in rows]


# Reading ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentView:
    id: str
    case: str
    key: str
    version: int
    title: str
    filename: str
    sha256: str
    size: int
    element: str
    event_seq: int
    created_at: datetime
    created_by: str | None
    signer_name: str | None
    signer_position: str | None
    signed_at: datetime | None
    signature_kind: str | None
    certificate_serial: str | None
    latest: bool = True

    @property
    def signed(self) -> bool:
        return self.signature_kind is not None

    @property
    def p7s_name(self) -> str:
        return self.filename + ".p7s"

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"id": self.id, "case": self.case, "key": self.key, "version": self.version, "title": self.title,
                "name": self.filename, "sha256": self.sha256, "size": self.size, "element": self.element,
                "event": self.event_seq, "created_at": _iso(self.created_at), "signer": self.signer_name,
                "signed_at": _iso(self.signed_at), "signature": self.signature_kind,
                "certificate": self.certificate_serial}


def list_documents(uow: UnitOfWork, *, number: str, actor: Actor | None) -> list[DocumentView]:
    """The documents of a case, by key then newest version first, visible to whoever may see the case."""
    from engine.services.cases import load_visible_case
    with uow.reader() as reader:
        if actor is None:
            case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
            if case is None:
                raise NotFound("case.not_found", number=number)
        else:
            case = load_visible_case(reader, actor, number)
        return _views(reader, [Document.case_id == case.id])


def _views(reader: UnitOfWork, conditions: list) -> list[DocumentView]:
    creator = aliased(User)
    newest = (select(Document.case_id, Document.key, func.max(Document.version).label("v"))
              .group_by(Document.case_id, Document.key).subquery())
    rows = reader.session.execute(
        select(Document, Case.number, creator.username, newest.c.v).join(Case, Document.case_id == Case.id)
        .outerjoin(creator, Document.created_by_id == creator.id)
        .join(newest, (newest.c.case_id == Document.case_id) & (newest.c.key == Document.key))
        .where(*conditions).order_by(Document.event_seq, Document.key, Document.version.desc())).all()
    return [DocumentView(id=d.id, case=number, key=d.key, version=d.version, title=d.title, filename=d.filename,
                         sha256=d.sha256, size=d.size, element=d.element, event_seq=d.event_seq,
                         created_at=d.created_at, created_by=username, signer_name=d.signer_name,
                         signer_position=d.signer_position, signed_at=d.signed_at,
                         signature_kind=d.signature_kind, certificate_serial=d.certificate_serial,
                         latest=d.version == newest_version)
            for d, number, username, newest_version in rows]


def open_document(uow: UnitOfWork, *, document_id: str, actor: Actor | None, signature: bool = False
                  ) -> tuple[DocumentView, bytes]:
    """A document's view and its bytes (checked against the recorded sha256), or its ``.p7s``.

    :raises NotFound: unknown, not visible to the actor (the same answer), unsigned (for ``.p7s``).
    :raises NotAllowed: ``document.above_clearance``: the document names what a field above the actor's
        clearance holds (a P10 result notice names the denouncer), engine/services/redaction.py.
    """
    with uow.reader() as reader:
        row = reader.session.get(Document, str(document_id))
        if row is None:
            raise NotFound("document.not_found")
        case = reader.session.scalars(select(Case).where(Case.id == row.case_id)).unique().one()
        if actor is not None and not assignments.can_view_case(reader, actor, case):
            raise NotFound("document.not_found")
        view = _views(reader, [Document.id == row.id])[0]
        if signature:
            if row.signature is None:
                raise NotFound("document.not_signed")
            return view, bytes(row.signature)
        record = definitions.record(reader, case.definition_id)
        policy = redaction.policy_for(record.files, case.classification, actor.clearance if actor else None,
                                      [case.data], cache_key=record.sha256)
    content = attachments.read_blob(uow.settings.data_dir, view.sha256)
    if redaction.docx_mentions(content, policy):
        raise NotAllowed("document.above_clearance")
    return view, content
