"""Functions that BPMN scripts, conditions and service tasks may call, by name.

Only what is listed here (and the builtins of engine/scripting.py) exists inside a diagram. Each
function must be deterministic: same arguments, same result, no clock, no I/O — replays depend on it.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from workflows import calendar, fees


def two_thirds_reached(in_favour: int, total: int) -> bool:
    """True when ``in_favour`` is at least two thirds of ``total`` (Party Charter, Art. 10: resolutions
    on admission need ≥ 2/3 of the full members of the cell / of the committee)."""
    if total <= 0:
        return False
    return in_favour * 3 >= total * 2


def add_months(day: str, months: int) -> str:
    """The ISO date ``months`` calendar months after ``day`` (31/01 + 1 month → 28 or 29/02): the end of
    the 12-month probation (P2) counts from the admission ceremony."""
    start = date.fromisoformat(str(day)[:10])
    index = start.month - 1 + int(months)
    year, month = start.year + index // 12, index % 12 + 1
    last = monthrange(year, month)[1]
    return date(year, month, min(start.day, last)).isoformat()


def months_between(first: str, second: str) -> int:
    """Whole calendar months from ``first`` to ``second`` (ISO dates): a temporary transfer's length (P3b)."""
    a, b = date.fromisoformat(str(first)[:10]), date.fromisoformat(str(second)[:10])
    months = (b.year - a.year) * 12 + (b.month - a.month)
    return months - 1 if b.day < a.day else months


def working_days_between(first: str, second: str) -> int:
    """Working days after ``first`` up to and including ``second`` (ISO dates), holidays skipped: the 60 and
    30 working-day limits of a transfer (P3a) counted from a decision's or a letter's date."""
    return calendar.working_days_between(date.fromisoformat(str(first)[:10]), date.fromisoformat(str(second)[:10]))


def working_days_end_at(day: str, working_days: int) -> str:
    """The end (24:00 in Vietnam, as a UTC ISO time) of the ``working_days``-th working day after ``day``: a
    timer's ``timeDate`` for a limit that runs from a document's date, not from the step."""
    due = calendar.add_working_days(date.fromisoformat(str(day)[:10]), int(working_days))
    return _end_of_day_utc(due)


def day_end_at(day: str) -> str:
    """The end of ``day`` (24:00 in Vietnam) as a UTC ISO time, for a timer waiting until a date."""
    return _end_of_day_utc(date.fromisoformat(str(day)[:10]))


def day_start_at(day: str) -> str:
    """The start of ``day`` (00:00 in Vietnam) as a UTC ISO time: a timer waiting for an anniversary (P6)."""
    vietnam = timezone(timedelta(hours=7))
    moment = datetime.combine(date.fromisoformat(str(day)[:10]), time(0, 0), tzinfo=vietnam).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _end_of_day_utc(day: date) -> str:
    vietnam = timezone(timedelta(hours=7))
    moment = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=vietnam).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


FUNCTIONS: dict[str, Callable] = {
    "two_thirds_reached": two_thirds_reached,
}
# P2, P3 (full membership, transfers): dates and working-day limits.
FUNCTIONS.update({
    "add_months": add_months,
    "months_between": months_between,
    "working_days_between": working_days_between,
    "working_days_end_at": working_days_end_at,
    "day_end_at": day_end_at,
    "day_start_at": day_start_at,
})
# P5 (party fees, Quy định 01-QĐ/TW): workflows/fees.py.
FUNCTIONS.update({
    "party_fee_monthly": fees.monthly_fee,
    "fee_for_months": fees.fee_for_months,
    "fee_split": fees.fee_split,
    "fee_exempt_by_seniority": fees.exempt_by_seniority,
    "fee_month_end_at": fees.month_end_at,
})
