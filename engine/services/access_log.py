"""The access log: every read of a case, a search or a dossier in the audit area, append-only.

Who (user), when, which case or search, what (the action and its parameters), through which channel
and from which address, and whether it was allowed. Rows are never changed (triggers, migration 0006).
A read is logged in a short transaction of its own *before* the content is returned, so a read that
could not be logged is not served (:func:`record` raises) — the log cannot silently miss one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.models import AccessLogEntry, Case
from engine.uow import UnitOfWork
from engine.views import Actor

@dataclass(frozen=True)
class Via:
    """Where a read came from: ``web`` (with the client's address), ``cli`` or ``api``."""

    channel: str = "web"
    address: str | None = None


#: What was read; the Vietnamese labels are in webapp/messages.py (ACCESS_VI).
ACTIONS = ("case.view", "case.audit", "case.steps", "case.export", "case.replay", "search", "archive.list",
           "archive.view", "archive.file", "archive.retrieve", "archive.export", "access_log.view",
           "document.download", "attachment.download")


def record(uow: UnitOfWork, *, actor: Actor | None, action: str, number: str | None = None,
           detail: dict | None = None, outcome: str = "ok", channel: str = "web",
           address: str | None = None, username: str | None = None) -> None:
    """Append one entry (its own transaction). ``actor=None`` is the command line's administrator."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    with uow:
        case_id = None
        if number is not None:
            case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        uow.session.add(AccessLogEntry(
            at=uow.now, user_id=actor.user_id if actor else None,
            username=(actor.username if actor else username or "cli")[:64], action=action, case_id=case_id,
            case_number=number[:32] if number else None, outcome=outcome, channel=channel,
            address=(address or None) and address[:64], detail=_clean(detail or {})))
        uow.commit()


def _clean(detail: dict) -> dict:
    """Only short plain values: the log says what was asked, never echoes content."""
    result = {}
    for key, value in detail.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, (int, float, bool)):
            result[str(key)[:40]] = value
        else:
            result[str(key)[:40]] = str(value)[:200]
    return result


@dataclass(frozen=True)
class AccessView:
    id: int
    at: datetime
    username: str
    action: str
    case: str | None
    outcome: str
    channel: str
    address: str | None
    detail: dict


@dataclass(frozen=True)
class AccessPage:
    items: list[AccessView]
    total: int
    page: int
    per_page: int


def entries(uow: UnitOfWork, *, username: str | None = None, number: str | None = None, page: int = 1,
            per_page: int = 50) -> AccessPage:
    """Entries newest first, of one user and/or one case."""
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    with uow.reader() as reader:
        conditions = []
        if username is not None:
            conditions.append(AccessLogEntry.username == username)
        if number is not None:
            conditions.append(AccessLogEntry.case_number == number)
        rows = reader.session.scalars(select(AccessLogEntry).where(*conditions)
                                      .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                                      .limit(per_page).offset((page - 1) * per_page)).all()
        total = reader.session.scalar(select(func.count()).select_from(AccessLogEntry).where(*conditions)) or 0
        return AccessPage([AccessView(r.id, r.at, r.username, r.action, r.case_number, r.outcome, r.channel,
                                      r.address, dict(r.detail or {})) for r in rows], total, page, per_page)
