"""Due dates of tasks and cases from the deadline rules written in BPMN files.

Rules (docs/lanes.md): ``"30WD"`` — 30 working days (Vietnamese holidays and weekends skipped, by
workflows/calendar.py); ``"P30D"`` / ``"P2W"`` — calendar days; both end at the end of the last day in
Vietnam (Bộ luật Dân sự 2015, Điều 147–148: the day of receipt is not counted). Other ISO 8601 durations
with hours or minutes (``"PT4H"``) are exact. Times a dossier spends returned to the applicant can be
excluded (``pauses``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable

from workflows import calendar

VIETNAM = timezone(timedelta(hours=7))
_EXACT = re.compile(r"^PT(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?$")
WORKING_DAYS = re.compile(r"^\d{1,4}WD$")


def is_rule(rule: str | None) -> bool:
    return bool(rule) and (calendar.is_deadline_rule(rule) or bool(_EXACT.match(rule.strip())))


def due_at(rule: str | None, start: datetime, pauses: Iterable[tuple[datetime, datetime | None]] = ()
           ) -> datetime | None:
    """The moment a deadline ``rule`` counted from ``start`` expires (UTC), or None (no rule, or paused)."""
    if not rule:
        return None
    rule = rule.strip()
    exact = _EXACT.match(rule)
    if exact and any(exact.groupdict().values()):
        parts = {k: int(v) for k, v in exact.groupdict().items() if v}
        return start + timedelta(hours=parts.get("h", 0), minutes=parts.get("m", 0), seconds=parts.get("s", 0))
    if not calendar.is_deadline_rule(rule):
        return None
    local_pauses = [(_local_date(a), _local_date(b) if b is not None else None) for a, b in pauses]
    day = calendar.due_date_for_rule(rule, _local_date(start), local_pauses)
    return None if day is None else end_of_day(day)


def end_of_day(day: date) -> datetime:
    """24:00 of a Vietnamese day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=VIETNAM).astimezone(timezone.utc)


def last_day(due: datetime) -> date:
    """The Vietnamese date a due moment (the end of a day) falls on: what a page shows as the deadline."""
    return (due.astimezone(VIETNAM) - timedelta(microseconds=1)).date()


def timer_duration(rule: str, now: datetime) -> str:
    """An ISO duration SpiffWorkflow can wait for, from a working-day rule (``"30WD"``) at ``now``."""
    seconds = max(int((due_at(rule, now) - now).total_seconds()), 0)
    return f"PT{seconds}S"


def _local_date(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()
