"""Files attached to a case: type checked by content, stored once by sha256, journaled, read back checked.

Bytes live under ``<data_dir>/attachments/<sha256[:2]>/<sha256>``; the row names the file, its type and
who added it, and an ``attachment.added`` event puts its hash in the case's chain, so an auditor can
tell that a file shown years later is the one that was uploaded.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import aliased

from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.models import Attachment, Case, Task, User
from engine.services import assignments, history, steps
from engine.uow import UnitOfWork
from engine.views import Actor

#: kind -> (extensions, content type, shown inline in the browser)
KINDS: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "pdf": ((".pdf",), "application/pdf", True),
    "png": ((".png",), "image/png", True),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg", True),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "odt": ((".odt",), "application/vnd.oasis.opendocument.text", False),
}
ALLOWED_EXTENSIONS = tuple(ext for exts, _, _ in KINDS.values() for ext in exts)


@dataclass(frozen=True)
class AttachmentView:
    id: str
    case: str
    filename: str
    kind: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: datetime
    element: str | None

    @property
    def inline(self) -> bool:
        return KINDS[self.kind][2]

    def as_json(self) -> dict:
        return {"id": self.id, "case": self.case, "filename": self.filename, "kind": self.kind, "size": self.size,
                "sha256": self.sha256, "uploaded_by": self.uploaded_by, "element": self.element}


def sniff(content: bytes) -> str | None:
    """The kind of a file from its first bytes (and, for office files, the package inside), or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                names = set(package.namelist())
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and package.read("mimetype").strip() == KINDS["odt"][1].encode():
                    return "odt"
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
            return None
    return None


def clean_filename(name: str) -> str:
    """The last path part of a client's file name, without control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot else name[:200]
    return name or "tep-dinh-kem"


def storage_path(data_dir: str | Path, sha256: str) -> Path:
    return Path(data_dir).absolute() / "attachments" / sha256[:2] / sha256


def add_attachment(uow: UnitOfWork, *, number: str, actor: Actor, filename: str, stream: BinaryIO,
                   task_id: str | None = None) -> AttachmentView:
    """Check, store and journal one uploaded file (``attachment.added``) in one transaction.

    Allowed for the case's applicant and for whoever may act on one of its open tasks, while it runs.

    :raises InvalidInput: ``attachment.too_large``, ``attachment.empty``, ``attachment.type_not_allowed``
        (extension or content outside the allow-list, or the two disagree).
    :raises NotFound: the case does not exist or is not visible to the actor.
    :raises NotAllowed: the actor may see the case but not add files to it.
    """
    limit = uow.settings.max_upload_bytes
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput("attachment.too_large", limit_mb=round(limit / 1024 / 1024, 1))
    if not content:
        raise InvalidInput("attachment.empty")
    name = clean_filename(filename)
    extension = os.path.splitext(name)[1].lower()
    kind = sniff(content)
    if kind is None or extension not in KINDS[kind][0]:
        raise InvalidInput("attachment.type_not_allowed", allowed=", ".join(sorted(KINDS)))
    digest = hashlib.sha256(content).hexdigest()
    with uow:
        case = steps.lock_case(uow, number=number)
        assignments.ensure_can_view(uow, actor, case)
        steps.ensure_running(case)
        open_tasks = uow.session.scalars(select(Task).where(Task.case_id == case.id, Task.state == "ready")).all()
        if task_id is not None:
            open_tasks = [t for t in open_tasks if t.id == str(task_id)]
            if not open_tasks:
                raise NotFound("task.not_found", task=str(task_id))
        acting = [t for t in open_tasks if assignments.is_entitled(actor, t)
                  and t.assignee_id in (None, actor.user_id)]
        if not acting and not (task_id is None and case.started_by_id == actor.user_id):
            raise NotAllowed("attachment.not_allowed")
        _store(uow.settings.data_dir, digest, content)
        row = Attachment(id=str(uuid.uuid4()), case_id=case.id, task_id=acting[0].id if acting else None,
                         element=acting[0].element if acting else None, sha256=digest, filename=name, kind=kind,
                         content_type=KINDS[kind][1], size=len(content), uploaded_by_id=actor.user_id,
                         uploaded_at=uow.now)
        uow.session.add(row)
        history.append(uow, case, "attachment.added", actor=actor.username,
                       data={"attachment": row.id, "name": name, "kind": kind, "size": len(content),
                             "sha256": digest, "task": row.task_id, "element": row.element})
        uow.session.flush()
        view = AttachmentView(id=row.id, case=case.number, filename=name, kind=kind, content_type=row.content_type,
                              size=row.size, sha256=digest, uploaded_by=actor.username,
                              uploaded_by_name=actor.full_name, uploaded_at=uow.now, element=row.element)
        uow.commit()
    return view


def store_blob(data_dir: str, content: bytes) -> str:
    """Store bytes in the blob store (generated documents use it too); returns their sha256."""
    digest = hashlib.sha256(content).hexdigest()
    _store(data_dir, digest, content)
    return digest


def read_blob(data_dir: str, digest: str) -> bytes:
    """The stored bytes of ``digest``, checked. :raises NotFound: missing, or not matching the hash."""
    try:
        content = storage_path(data_dir, digest).read_bytes()
    except FileNotFoundError:
        raise NotFound("attachment.missing_file") from None
    if hashlib.sha256(content).hexdigest() != digest:
        raise NotFound("attachment.corrupted")
    return content


def _store(data_dir: str, digest: str, content: bytes) -> None:
    path = storage_path(data_dir, digest)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def list_attachments(uow: UnitOfWork, *, number: str, actor: Actor) -> list[AttachmentView]:
    """The files of a case the actor may see, oldest first (one query)."""
    from engine.services.cases import load_visible_case
    with uow.reader() as reader:
        case = load_visible_case(reader, actor, number)
        return _views(reader, [Attachment.case_id == case.id])


def open_attachment(uow: UnitOfWork, *, attachment_id: str, actor: Actor) -> tuple[AttachmentView, bytes]:
    """An attachment's view and bytes, checked against its recorded sha256.

    :raises NotFound: unknown, or its case is not visible to the actor (the same answer: nothing leaks).
    """
    with uow.reader() as reader:
        row = reader.session.get(Attachment, str(attachment_id))
        if row is None:
            raise NotFound("attachment.not_found")
        case = reader.session.scalars(select(Case).where(Case.id == row.case_id)).unique().one()
        if not assignments.can_view_case(reader, actor, case):
            raise NotFound("attachment.not_found")
        view = _views(reader, [Attachment.id == row.id])[0]
    path = storage_path(uow.settings.data_dir, view.sha256)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound("attachment.missing_file") from None
    if hashlib.sha256(content).hexdigest() != view.sha256:
        raise NotFound("attachment.corrupted")
    return view, content


def _views(reader: UnitOfWork, conditions: list) -> list[AttachmentView]:
    uploader = aliased(User)
    rows = reader.session.execute(
        select(Attachment, Case.number, uploader.username, uploader.full_name)
        .join(Case, Attachment.case_id == Case.id).join(uploader, Attachment.uploaded_by_id == uploader.id)
        .where(*conditions).order_by(Attachment.uploaded_at, Attachment.id)).all()
    return [AttachmentView(id=a.id, case=number, filename=a.filename, kind=a.kind, content_type=a.content_type,
                           size=a.size, sha256=a.sha256, uploaded_by=username, uploaded_by_name=full_name,
                           uploaded_at=a.uploaded_at, element=a.element)
            for a, number, username, full_name in rows]
