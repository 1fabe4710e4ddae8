"""Finding cases by number or title, with the same visibility rules as every other read.

Clearance and unit scope are part of the query (as in ``cases.list_cases``), so a result list, its
count and its pages never reveal a case the actor may not open.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from engine.errors import InvalidInput
from engine.models import Case, Definition
from engine.services import access
from engine.services.cases import case_view
from engine.uow import UnitOfWork
from engine.views import STATUSES, Actor, CaseView


@dataclass(frozen=True)
class CasePage:
    items: list[CaseView]
    total: int
    page: int
    per_page: int


def search_cases(uow: UnitOfWork, *, actor: Actor, text: str = "", status: str | None = None,
                 process: str | None = None, mine: bool = False, page: int = 1, per_page: int = 20) -> CasePage:
    """Visible cases whose number or title contains ``text``, newest first."""
    if status and status not in STATUSES:
        raise InvalidInput("cases.invalid_filter")
    page, per_page = max(page, 1), min(max(per_page, 1), 100)
    with uow.reader() as reader:
        conditions = [access.visible_condition(reader, actor)]
        if mine:
            conditions.append(Case.started_by_id == actor.user_id)
        if status:
            conditions.append(Case.status == status)
        if process:
            conditions.append(Case.definition_id.in_(select(Definition.id).where(Definition.key == process)))
        if (text_matches := number_or_title_contains(text)) is not None:
            conditions.append(text_matches)
        rows, total = newest_first(reader, conditions, page, per_page)
        return CasePage(items=[case_view(c, [], []) for c in rows], total=total, page=page, per_page=per_page)


def number_or_title_contains(text: str | None) -> ColumnElement[bool] | None:
    """The condition "number or title contains ``text``" (LIKE wildcards in it are taken literally)."""
    text = (text or "").strip()[:100]
    if not text:
        return None
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Case.number.ilike(pattern, escape="\\"), Case.title.ilike(pattern, escape="\\"))


def newest_first(reader: UnitOfWork, conditions: list, page: int, per_page: int) -> tuple[list[Case], int]:
    """One page of the cases matching every condition, newest first, and how many match in all."""
    rows = reader.session.scalars(select(Case).where(*conditions).order_by(Case.started_at.desc(), Case.id.desc())
                                  .limit(per_page).offset((page - 1) * per_page)).unique().all()
    total = reader.session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    return list(rows), total
