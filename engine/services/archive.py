"""The electronic archive (lưu trữ điện tử): closed cases filed with their dossier, a retention period
and a file code; listed, retrieved and exported, never changed (docs/audit.md, "Archive").

Filing a completed or cancelled case builds its full dossier (``dossier.export_case``), stores the ZIP in
the blob store under its sha256 and appends an ``archive_records`` row sealed by the system certificate.
The table refuses UPDATE and DELETE (triggers, migration 0006); the case itself can no longer change (a
closed case takes no step, and its journal is append-only); the dossier's bytes are checked against
the recorded sha256 whenever they are read. The timer worker files closed cases on its passes; an
archivist or ``quytrinh archive file`` may file one at once.

* **Retention** comes from the process property ``retention`` (engine/retention.py: ``P10Y``, ten years
  counted from the 1st of January after the case closed; ``permanent``), else ``DEFAULT_RETENTION``.
* **File code** (mã hồ sơ): ``UNIT.YEAR.PREFIX.NNNN`` — the owning unit, the year the case closed, the
  process's case prefix and a running number per unit, year and prefix (``HY-TANTIEN-DONG.2026.KN.0001``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError

from engine import journal
from engine.clock import iso
from engine.conventions import BPMN, properties
from engine.errors import (ConfigurationError, InvalidInput, NotAllowed, NotFound, QuytrinhError,
                           SignatureError)
from engine.models import ArchiveRecord, Case, Definition
from engine.retention import DEFAULT_RETENTION, LOCAL, parse_retention, retain_until
from engine.services import access, access_log, attachments, audit, definitions, dossier, seals
from engine.uow import UnitOfWork
from engine.views import Actor

log = logging.getLogger("quytrinh.archive")

FORMAT = "quytrinh-archive/1"
_PG_LOCK = 7_301_007


def retention_of(record: definitions.DefinitionRecord) -> str:
    """The ``retention`` property of the process in its main file, or the default."""
    try:
        root = etree.fromstring(record.files[record.main_file].encode("utf-8"))
    except (etree.XMLSyntaxError, KeyError):
        return DEFAULT_RETENTION
    for process in root.iter(f"{BPMN}process"):
        if process.get("id") == record.key:
            value = properties(process).get("retention")
            if value is None:
                return DEFAULT_RETENTION
            parsed = parse_retention(value)
            if parsed is None:
                log.warning("process %s v%s: retention %r is not P<n>Y or permanent; using %s",
                            record.key, record.version, value, DEFAULT_RETENTION)
            return parsed or DEFAULT_RETENTION
    return DEFAULT_RETENTION


@dataclass(frozen=True)
class ArchiveView:
    file_code: str
    case: str
    title: str
    process: str
    unit: str
    year: int
    classification: int
    status: str
    retention: str
    retain_until: datetime | None
    filed_at: datetime
    filed_by: str
    dossier_sha256: str
    dossier_size: int

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"file_code": self.file_code, "case": self.case, "title": self.title, "process": self.process,
                "unit": self.unit, "year": self.year, "classification": self.classification, "status": self.status,
                "retention": self.retention, "retain_until": _iso(self.retain_until), "filed_at": _iso(self.filed_at),
                "filed_by": self.filed_by, "dossier_sha256": self.dossier_sha256, "dossier_size": self.dossier_size}


def _view(row: ArchiveRecord) -> ArchiveView:
    return ArchiveView(file_code=row.file_code, case=row.case_number, title=row.title, process=row.process_key,
                       unit=row.unit_code, year=row.year, classification=row.classification, status=row.status,
                       retention=row.retention, retain_until=row.retain_until, filed_at=row.filed_at,
                       filed_by=row.filed_by, dossier_sha256=row.dossier_sha256, dossier_size=row.dossier_size)


# Filing ---------------------------------------------------------------------------------------------

def file_case(uow: UnitOfWork, *, number: str, actor: Actor | None = None,
              via: access_log.Via | None = None) -> ArchiveView:
    """File a closed case: its full dossier into the blob store, a sealed record into the archive.

    ``actor=None``: the timer worker or the command line. :raises InvalidInput: ``archive.case_not_closed``,
    ``archive.already_filed``. :raises NotAllowed: not an archivist. :raises NotFound: not visible.
    """
    via = via or access_log.Via()
    if actor is not None:
        if not audit.can_use_archive(actor):
            raise NotAllowed("archive.required")
        audit.open_case(uow, actor, number, via=via, action="archive.file")
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        if case is None:
            raise NotFound("case.not_found", number=number)
        if case.status not in ("completed", "cancelled"):
            raise InvalidInput("archive.case_not_closed", number=number, status=case.status)
        existing = reader.session.scalar(select(ArchiveRecord.file_code).where(ArchiveRecord.case_id == case.id))
        if existing is not None:
            raise InvalidInput("archive.already_filed", number=number, file_code=existing)
        record = definitions.record(reader, case.definition_id)
    filed_by = actor.username if actor else "system"
    made = dossier.export_case(uow, number=number, actor=None, filed_by=filed_by)
    digest = attachments.store_blob(uow.settings.data_dir, made.content)
    try:
        with uow:
            if uow.is_postgresql:
                uow.session.execute(text("select pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            case = uow.session.scalars(select(Case).where(Case.number == number)).unique().one()
            year = case.ended_at.astimezone(LOCAL).year
            prefix = record.meta.get("case_prefix") or record.key.upper()[:8]
            stem = f"{case.unit.code}.{year}.{prefix}."
            count = uow.session.scalar(select(func.count()).select_from(ArchiveRecord)
                                       .where(ArchiveRecord.file_code.like(stem + "%"))) or 0
            retention = retention_of(record)
            row = ArchiveRecord(case_id=case.id, case_number=case.number, file_code=f"{stem}{count + 1:04d}",
                                title=case.title, process_key=record.key, unit_code=case.unit.code, year=year,
                                classification=case.classification, status=case.status, retention=retention,
                                retain_until=retain_until(retention, case.ended_at), filed_at=uow.now,
                                filed_by=filed_by, dossier_sha256=digest, dossier_size=len(made.content), body="",
                                certificate_serial="", signature=b"")
            body = journal.canonical(_record_body(row, record.version))
            row.body = body.decode("utf-8")
            row.signature, row.certificate_serial = seals.sign(uow, body, uow.now)
            uow.session.add(row)
            uow.session.flush()
            view = _view(row)
            uow.commit()
    except IntegrityError:
        raise InvalidInput("archive.already_filed", number=number, file_code="") from None
    log.info("case %s filed as %s (%s)", number, view.file_code, view.retention)
    return view


def _record_body(row: ArchiveRecord, version: int) -> dict:
    return {"format": FORMAT, "case": row.case_number, "file_code": row.file_code, "title": row.title,
            "process": row.process_key, "version": version, "unit": row.unit_code, "year": row.year,
            "classification": row.classification, "status": row.status, "retention": row.retention,
            "retain_until": iso(row.retain_until) if row.retain_until else None, "filed_at": iso(row.filed_at),
            "filed_by": row.filed_by, "dossier_sha256": row.dossier_sha256, "dossier_size": row.dossier_size}


def pending(uow: UnitOfWork, *, limit: int = 20) -> list[str]:
    """Numbers of closed cases not filed yet, oldest first."""
    with uow.reader() as reader:
        filed = select(ArchiveRecord.case_id)
        return list(reader.session.scalars(
            select(Case.number).where(Case.status.in_(("completed", "cancelled")), Case.id.not_in(filed))
            .order_by(Case.ended_at, Case.id).limit(limit)).all())


def file_pending(uow: UnitOfWork, *, limit: int = 20) -> list[ArchiveView]:
    """One pass of the worker: file the closed cases not filed yet. A case that cannot be filed is logged
    and skipped; a missing CA or passphrase (nothing could be filed) is raised."""
    done = []
    for number in pending(uow, limit=limit):
        try:
            done.append(file_case(uow, number=number))
        except (ConfigurationError, SignatureError):
            raise
        except QuytrinhError as exc:
            if exc.code == "ca.not_initialised":
                raise
            log.warning("case %s not filed: %s %s", number, exc.code, exc.params)
    return done


# Reading --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchivePage:
    items: list[ArchiveView]
    total: int
    page: int
    per_page: int


def list_records(uow: UnitOfWork, *, actor: Actor | None, text_filter: str = "", process: str | None = None,
                 unit: str | None = None, year: int | None = None, page: int = 1, per_page: int = 20,
                 via: access_log.Via | None = None) -> ArchivePage:
    """Filed cases the actor may see (the case's visibility rules), newest first; the read is logged."""
    via = via or access_log.Via()
    if actor is not None and not audit.can_use_archive(actor):
        raise NotAllowed("archive.required")
    page, per_page = max(page, 1), min(max(per_page, 1), 100)
    access_log.record(uow, actor=actor, action="archive.list", channel=via.channel, address=via.address,
                      detail={"q": text_filter, "process": process, "unit": unit, "year": year, "page": page})
    with uow.reader() as reader:
        query = select(ArchiveRecord).join(Case, Case.id == ArchiveRecord.case_id)
        conditions = [] if actor is None else [access.visible_condition(reader, actor)]
        if process:
            conditions.append(ArchiveRecord.process_key == process)
        if unit:
            conditions.append(ArchiveRecord.unit_code == unit)
        if year:
            conditions.append(ArchiveRecord.year == year)
        needle = (text_filter or "").strip()[:100]
        if needle:
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(or_(ArchiveRecord.file_code.ilike(pattern, escape="\\"),
                                  ArchiveRecord.case_number.ilike(pattern, escape="\\"),
                                  ArchiveRecord.title.ilike(pattern, escape="\\")))
        rows = reader.session.scalars(query.where(*conditions).order_by(ArchiveRecord.filed_at.desc(),
                                                                        ArchiveRecord.id.desc())
                                      .limit(per_page).offset((page - 1) * per_page)).all()
        total = reader.session.scalar(select(func.count()).select_from(ArchiveRecord)
                                      .join(Case, Case.id == ArchiveRecord.case_id).where(*conditions)) or 0
        return ArchivePage([_view(r) for r in rows], total, page, per_page)


def _record(uow: UnitOfWork, actor: Actor | None, file_code: str, via: access_log.Via, action: str,
            detail: dict | None = None) -> ArchiveRecord:
    if actor is not None and not audit.can_use_archive(actor):
        raise NotAllowed("archive.required")
    with uow.reader() as reader:
        number = reader.session.scalar(select(ArchiveRecord.case_number).where(ArchiveRecord.file_code == file_code))
    if number is None:
        access_log.record(uow, actor=actor, action=action, detail={"file_code": file_code}, outcome="denied",
                          channel=via.channel, address=via.address)
        raise NotFound("archive.not_found", file_code=file_code)
    audit.open_case(uow, actor, number, via=via, action=action, detail={"file_code": file_code, **(detail or {})})
    with uow.reader() as reader:
        row = reader.session.scalars(select(ArchiveRecord).where(ArchiveRecord.file_code == file_code)).one()
        reader.session.expunge(row)     # keep its loaded values when the reader rolls back
        return row


@dataclass(frozen=True)
class RecordCheck:
    ok: bool
    seal_ok: bool
    dossier_ok: bool
    code: str | None = None


def get_record(uow: UnitOfWork, *, actor: Actor | None, file_code: str,
               via: access_log.Via | None = None) -> tuple[ArchiveView, RecordCheck]:
    """One filed case and the check of its seal and stored dossier (logged as ``archive.view``)."""
    via = via or access_log.Via()
    row = _record(uow, actor, file_code, via, "archive.view")
    with uow.reader() as reader:
        return _view(row), check_record(reader, row)


def check_record(reader: UnitOfWork, row: ArchiveRecord) -> RecordCheck:
    """The record's seal verifies over its body, the body agrees with the columns, the dossier's bytes
    still have the recorded sha256."""
    from engine.services import certificates
    version = reader.session.scalar(select(Definition.version).join(Case, Case.definition_id == Definition.id)
                                    .where(Case.id == row.case_id))
    body_ok = row.body == journal.canonical(_record_body(row, version)).decode("utf-8")
    try:
        root, revoked = certificates.trust_root(reader), certificates.revocations(reader)
        check = seals.check_system_signature(reader, bytes(row.signature), row.body.encode("utf-8"), at=row.filed_at,
                                             root=root, revoked=revoked, expected_serial=row.certificate_serial)
        seal_ok, code = check.ok and body_ok, check.code or (None if body_ok else "archive.record_changed")
    except NotFound:
        seal_ok, code = False, "ca.not_initialised"
    try:
        attachments.read_blob(reader.settings.data_dir, row.dossier_sha256)
        dossier_ok = True
    except NotFound as exc:
        dossier_ok, code = False, code or exc.code
    return RecordCheck(ok=seal_ok and dossier_ok, seal_ok=seal_ok, dossier_ok=dossier_ok, code=code)


def retrieve(uow: UnitOfWork, *, actor: Actor | None, file_code: str,
             via: access_log.Via | None = None) -> tuple[ArchiveView, bytes]:
    """The filed dossier exactly as filed (its sha256 checked). :raises NotFound: ``archive.dossier_changed``."""
    via = via or access_log.Via()
    row = _record(uow, actor, file_code, via, "archive.retrieve")
    try:
        content = attachments.read_blob(uow.settings.data_dir, row.dossier_sha256)
    except NotFound:
        raise NotFound("archive.dossier_changed", file_code=file_code) from None
    return _view(row), content


def export(uow: UnitOfWork, *, actor: Actor | None, file_code: str, clearance: int | None = None,
           via: access_log.Via | None = None) -> tuple[str, bytes]:
    """A filed case for a recipient: the filed dossier itself when nothing is above the recipient's
    clearance, else a redacted dossier made from the journal (the filed one is never altered)."""
    via = via or access_log.Via()
    if actor is not None:
        clearance = actor.clearance if clearance is None else clearance
        if clearance > actor.clearance:
            raise NotAllowed("dossier.clearance_above_own")
    row = _record(uow, actor, file_code, via, "archive.export",
                  {"clearance": clearance if clearance is not None else "full"})
    if clearance is not None:
        made = dossier.export_case(uow, number=row.case_number, actor=None, clearance=clearance,
                                   filed_by=actor.username if actor else "cli")
        if made.manifest["redacted_fields"]:
            return f"{row.file_code}-ban-che.zip", made.content
    try:
        return f"{row.file_code}.zip", attachments.read_blob(uow.settings.data_dir, row.dossier_sha256)
    except NotFound:
        raise NotFound("archive.dossier_changed", file_code=file_code) from None


def verify_all(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(file code, problem code) of every record whose seal, body or dossier does not hold."""
    with uow.reader() as reader:
        problems = []
        for row in reader.session.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id)).all():
            check = check_record(reader, row)
            if not check.ok:
                problems.append((row.file_code, check.code or "archive.record_changed"))
        return problems
