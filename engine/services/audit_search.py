"""The auditors' search: cases by procedure, unit, period, who acted, status and lateness.

The visibility rules are part of the query (``access.visible_condition``: clearance, units, need to know),
so results, counts and pages never show a case the auditor may not open. Each search is written to the
access log with its criteria before the results are returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from engine.errors import InvalidInput
from engine.models import Case, CaseEvent, Definition, Unit
from engine.services import access, access_log, audit
from engine.services.cases import _units_below, case_view
from engine.services.search import newest_first, number_or_title_contains
from engine.uow import UnitOfWork
from engine.views import STATUSES, Actor, CaseView

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Criteria:
    process: str | None = None
    unit: str | None = None                 # a unit code; its sub-units are included
    opened_from: date | None = None         # local dates, inclusive
    opened_to: date | None = None
    acted_by: str | None = None             # a username found as the actor of any journal event
    status: str | None = None
    overdue: bool = False                   # running past its due date, or ended after it
    text: str = ""

    def as_log(self) -> dict:
        return {"process": self.process, "unit": self.unit, "from": self.opened_from and self.opened_from.isoformat(),
                "to": self.opened_to and self.opened_to.isoformat(), "actor": self.acted_by, "status": self.status,
                "overdue": self.overdue, "q": self.text}


@dataclass(frozen=True)
class AuditHit:
    case: CaseView
    overdue: bool


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditHit]
    total: int
    page: int
    per_page: int


def search(uow: UnitOfWork, *, actor: Actor, criteria: Criteria, page: int = 1, per_page: int = 20,
           via: access_log.Via | None = None) -> AuditPage:
    """Visible cases matching every given criterion, newest first.

    :raises NotAllowed: not an auditor. :raises InvalidInput: ``cases.invalid_filter`` (status, period).
    """
    via = via or access_log.Via()
    audit.ensure_auditor(actor)
    if criteria.status and criteria.status not in STATUSES:
        raise InvalidInput("cases.invalid_filter")
    if criteria.opened_from and criteria.opened_to and criteria.opened_from > criteria.opened_to:
        raise InvalidInput("audit.invalid_period")
    page, per_page = max(page, 1), min(max(per_page, 1), 100)
    access_log.record(uow, actor=actor, action="search", channel=via.channel, address=via.address,
                      detail={**criteria.as_log(), "page": page})
    with uow.reader() as reader:
        now = reader.now
        conditions = [access.visible_condition(reader, actor)]
        if criteria.process:
            conditions.append(Case.definition_id.in_(select(Definition.id).where(Definition.key == criteria.process)))
        if criteria.unit:
            unit_id = reader.session.scalar(select(Unit.id).where(Unit.code == criteria.unit))
            conditions.append(Case.unit_id.in_(_units_below(reader, frozenset({unit_id})) if unit_id else []))
        if criteria.opened_from:
            conditions.append(Case.started_at >= _local_start(criteria.opened_from))
        if criteria.opened_to:
            conditions.append(Case.started_at < _local_start(criteria.opened_to + timedelta(days=1)))
        if criteria.acted_by:
            conditions.append(Case.id.in_(select(CaseEvent.case_id).where(CaseEvent.actor == criteria.acted_by)))
        if criteria.status:
            conditions.append(Case.status == criteria.status)
        late = or_(and_(Case.status.in_(("running", "error")), Case.due_at.is_not(None), Case.due_at < now),
                   and_(Case.ended_at.is_not(None), Case.due_at.is_not(None), Case.ended_at > Case.due_at))
        if criteria.overdue:
            conditions.append(late)
        if (text_matches := number_or_title_contains(criteria.text)) is not None:
            conditions.append(text_matches)
        rows, total = newest_first(reader, conditions, page, per_page)
        return AuditPage([AuditHit(case_view(c, [], []), _is_late(c, now)) for c in rows], total, page, per_page)


def _is_late(case: Case, now: datetime) -> bool:
    if case.due_at is None:
        return False
    if case.ended_at is not None:
        return case.ended_at > case.due_at
    return case.status in ("running", "error") and case.due_at < now


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL)
