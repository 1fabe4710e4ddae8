"""Working days for statutory deadlines: Vietnamese public holidays, weekends and each year's decisions.

Why: party procedures count their limits in working days ("60 ngày làm việc" for the admission decision,
"30 ngày làm việc" for the ceremony, "3 ngày làm việc" for a certificate; ../shared/domain/procedures.md §3),
and a deadline that ignores Tết is wrong by up to nine days. Everything here is pure and deterministic: dates
in, dates out, no clock, no I/O. Dates are local dates in Vietnam (UTC+7); convert timestamps before calling.

Rules, as data (``STATUTORY_HOLIDAYS``, ``WEEKLY_REST``, ``DECISIONS``), sources checked in November 2026:

- Bộ luật Lao động 2019 (45/2019/QH14), Điều 112 khoản 1: Tết Dương lịch 1/1; Tết Âm lịch 5 days; Ngày Chiến
  thắng 30/4; Ngày Quốc tế Lao động 1/5; Quốc khánh 2/9 plus one adjacent day; Giỗ Tổ Hùng Vương 10/3 lunar.
  Khoản 3: the Prime Minister fixes the five Tết days and the day next to 2/9 each year. Điều 111 khoản 3: a
  holiday on a weekly rest day is made up on the next working day ("nghỉ bù").
- Amendment: none in force found. Politburo Resolution 80-NQ/TW (01/2026) chose 24/11 as "Ngày Văn hóa Việt
  Nam", a paid day off in principle; Government Resolution 30/NQ-CP (02/2026) tasks amending Điều 112 khoản 1
  (vnexpress.net 17/01/2026, vneconomy.vn and znews.vn 26/02/2026, thanhnien.vn 13/01/2026: "khi ... được Quốc
  hội thể chế hóa"). No passed amendment was found, so the rule sits in the table with ``since=None``: set the
  year it takes effect once the amended code is published. (python-holidays 0.109 already counts it from 2026.)
- Weekly rest: Saturday and Sunday in party and state bodies (40-hour week, Quyết định 188/1999/QĐ-TTg).
- Counting: Bộ luật Dân sự 2015 Điều 147 khoản 2–3 (the day of the event that starts a period is not counted)
  and Điều 148 khoản 1 (a period in days ends at the end of its last day). See ``add_working_days``.
- Each year's decisions (days actually off for civil servants, which party bodies follow), in ``DECISIONS``:
  2025: Văn bản 8726/VPCP-KGVX 26/11/2024 (Tết 27–31/01, so 25/01–02/02 off with weekends; 30/4–1/5 with
  Friday 02/5 swapped for Saturday 26/4; 2/9 with Monday 01/9) — reported by vtv.vn, thoidai.com.vn.
  2026: 12729/VPCP-KGVX 25/12/2025 (01/01–04/01, Friday 02/01 swapped for Saturday 10/01); the Prime Minister's
  approval of the Ministry of Home Affairs' plan (Tết 14–22/02 with statutory days 16–20/02; Quốc khánh 29/8–2/9
  with Tuesday 01/9 and Monday 31/8 swapped for Saturday 22/8) — congan.com.vn, thanhnien.vn 13/01/2026 ("5
  ngày dịp Quốc khánh"); the 22/8 make-up Saturday is corroborated by python-holidays 0.109 (its source:
  thuvienphapluat.vn Q&A), not by an official text we could read: confirm before relying on late-August 2026.

Lunar dates use Hồ Ngọc Đức's algorithm ("Âm lịch Việt Nam", astronomical formulas after Jean Meeus,
*Astronomical Algorithms*), computed for UTC+7, which is what makes Vietnam's calendar differ from China's
(Tết 1985: 21/01 in Vietnam, 20/02 in China). Why not a library: the PyPI packages for the Vietnamese lunar
calendar (lunar-vn, vnlunar, vi-lunaire) are young one-maintainer projects; python-holidays is well kept but its
lunisolar tables are private API and its Vietnam class carries its own holiday policy, which we must own as
data. The algorithm is sixty lines, has no dependency, and tests pin it to known Vietnamese dates.

To add a year: append a ``YearDecision`` to ``DECISIONS`` with the official text as ``source`` (reviewed like any
rule change), or load one at run time with ``decisions_from_json`` and build a ``WorkingCalendar`` from it. A year
without a decision falls back to the default rules below and ``is_decided(year)`` says so. Due dates depend on
the table: compute a case's due date once and store it, so that adding a decision never moves a past deadline.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

# --- Lunar calendar (Hồ Ngọc Đức) -------------------------------------------------------------------------

VIETNAM_UTC_OFFSET = 7.0        # hours; the lunar calendar is computed for the meridian of UTC+7
_JD_OFFSET = 1721425            # Julian Day Number minus date.toordinal() (proleptic Gregorian)
_SYNODIC_MONTH = 29.530588853
_JD_1900_NEW_MOON = 2415021.076998695


class LunarDate(NamedTuple):
    day: int
    month: int
    year: int
    leap: bool = False


def _jd(d: date) -> int:
    return d.toordinal() + _JD_OFFSET


def _date(jd: int) -> date:
    return date.fromordinal(jd - _JD_OFFSET)


def _new_moon_day(k: int, tz: float) -> int:
    """Julian day number (local) of the k-th new moon after 1/1/1900 (Meeus, ch. 49, abridged)."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3          # sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3       # moon's mean anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3          # moon's argument of latitude
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr) - 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr)) - 0.0074 * math.sin(dr * (m - mpr))
    c1 += 0.0004 * math.sin(dr * (2 * f + m)) - 0.0004 * math.sin(dr * (2 * f - m))
    c1 += -0.0006 * math.sin(dr * (2 * f + mpr)) + 0.0010 * math.sin(dr * (2 * f - mpr))
    c1 += 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return math.floor(jd1 + c1 - delta_t + 0.5 + tz / 24)


def _sun_longitude_sector(jdn: int, tz: float) -> int:
    """Which of the 12 thirty-degree sectors the sun is in at local midnight starting day ``jdn`` (0–11)."""
    t = (jdn - 2451545.5 - tz / 24) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    longitude = (l0 + dl) * dr
    longitude -= 2 * math.pi * math.floor(longitude / (2 * math.pi))
    return math.floor(longitude / math.pi * 6)


def _month_11_start(year: int, tz: float) -> int:
    """Julian day of the first day of lunar month 11 (the month holding the winter solstice) of ``year``."""
    k = math.floor((_jd(date(year, 12, 31)) - 2415021) / _SYNODIC_MONTH)
    new_moon = _new_moon_day(k, tz)
    if _sun_longitude_sector(new_moon, tz) >= 9:
        new_moon = _new_moon_day(k - 1, tz)
    return new_moon


def _leap_month_offset(a11: int, tz: float) -> int:
    """Offset from month 11 of the first month without a major solar term (the leap month)."""
    k = math.floor((a11 - _JD_1900_NEW_MOON) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _sun_longitude_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_longitude_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            return i - 1


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False, *, tz: float = VIETNAM_UTC_OFFSET) -> date:
    """The solar date of a Vietnamese lunar date (``leap`` for the intercalary month of that number).

    :raises ValueError: ``leap`` is set but ``year`` has no leap month ``month``.
    """
    if month < 11:
        a11, b11 = _month_11_start(year - 1, tz), _month_11_start(year, tz)
    else:
        a11, b11 = _month_11_start(year, tz), _month_11_start(year + 1, tz)
    k = math.floor(0.5 + (a11 - _JD_1900_NEW_MOON) / _SYNODIC_MONTH)
    offset = (month - 11) % 12
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11, tz)
        leap_month = (leap_offset - 2) % 12
        if leap and month != leap_month:
            raise ValueError(f"lunar year {year} has no leap month {month}")
        if leap or offset >= leap_offset:
            offset += 1
    elif leap:
        raise ValueError(f"lunar year {year} has no leap month")
    return _date(_new_moon_day(k + offset, tz) + day - 1)


def solar_to_lunar(d: date, *, tz: float = VIETNAM_UTC_OFFSET) -> LunarDate:
    """The Vietnamese lunar date of a solar date."""
    day_number = _jd(d)
    k = math.floor((day_number - _JD_1900_NEW_MOON) / _SYNODIC_MONTH)
    month_start = _new_moon_day(k + 1, tz)
    if month_start > day_number:
        month_start = _new_moon_day(k, tz)
    a11 = _month_11_start(d.year, tz)
    b11 = a11
    if a11 >= month_start:
        lunar_year, a11 = d.year, _month_11_start(d.year - 1, tz)
    else:
        lunar_year, b11 = d.year + 1, _month_11_start(d.year + 1, tz)
    diff = math.floor((month_start - a11) / 29)
    leap = False
    month = diff + 11
    if b11 - a11 > 365:
        leap_offset = _leap_month_offset(a11, tz)
        if diff >= leap_offset:
            month = diff + 10
            leap = diff == leap_offset
    if month > 12:
        month -= 12
    if month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(day_number - month_start + 1, month, lunar_year, leap)


def lunar_new_year(year: int) -> date:
    """Mùng 1 Tết of the lunar year that starts in solar ``year``."""
    return lunar_to_solar(1, 1, year)


# --- Rules and decisions (data) ------------------------------------------------------------------------------

FIRST_YEAR = 2021               # Bộ luật Lao động 2019 took effect on 01/01/2021; earlier years had other rules
WEEKLY_REST = frozenset({5, 6})  # date.weekday(): Saturday, Sunday


@dataclass(frozen=True)
class HolidayRule:
    """One fixed holiday of Điều 112 khoản 1. ``since=None``: adopted in principle, not yet in force."""
    name: str
    month: int
    day: int
    lunar: bool = False
    since: int | None = FIRST_YEAR

    def in_force(self, year: int) -> bool:
        return self.since is not None and year >= self.since

    def on(self, year: int) -> date:
        return lunar_to_solar(self.day, self.month, year) if self.lunar else date(year, self.month, self.day)


STATUTORY_HOLIDAYS: tuple[HolidayRule, ...] = (
    HolidayRule("Tết Dương lịch", 1, 1),
    HolidayRule("Giỗ Tổ Hùng Vương", 3, 10, lunar=True),
    HolidayRule("Ngày Chiến thắng", 4, 30),
    HolidayRule("Ngày Quốc tế Lao động", 5, 1),
    HolidayRule("Quốc khánh", 9, 2),
    HolidayRule("Ngày Văn hóa Việt Nam", 11, 24, since=None),   # 80-NQ/TW; Điều 112 not yet amended
)
TET_NAME = "Tết Nguyên đán"
NATIONAL_DAY_ADJACENT_NAME = "Quốc khánh (ngày liền kề)"
COMPENSATION_NAME = "Nghỉ bù {name}"
SWAPPED_NAME = "Ngày nghỉ hoán đổi"

# Default day next to 2/9 when no decision is recorded: the one that joins the holiday to a weekend, as decided
# in 2021–2026 (keyed by date(year, 9, 2).weekday(): Monday → 3/9, Tuesday → 1/9, ...).
NATIONAL_DAY_ADJACENT_BY_WEEKDAY = {0: +1, 1: -1, 2: -1, 3: +1, 4: -1, 5: -1, 6: +1}


@dataclass(frozen=True)
class YearDecision:
    """The Government's decision on one year's days off for civil servants (party bodies follow it).

    ``tet``: the five statutory Tết days; ``national_day_adjacent``: the day next to 2/9; ``days_off``: working
    days moved off ("hoán đổi") or any extra day off; ``working_days``: days worked although they would be off
    (the Saturdays of "làm bù"). Compensation for a holiday on a weekend is computed (Điều 111 khoản 3), so it
    need not be listed; listing it again in ``days_off`` does no harm.
    """
    year: int
    tet: tuple[date, ...] = ()
    national_day_adjacent: date | None = None
    days_off: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        if self.tet and len(self.tet) != 5:
            raise ValueError(f"{self.year}: Tết has five statutory days, got {len(self.tet)}")


def _days(first: date, count: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range(count))


DECISIONS: dict[int, YearDecision] = {decision.year: decision for decision in (
    YearDecision(
        2025,
        tet=_days(date(2025, 1, 27), 5),                    # 28 tháng Chạp Giáp Thìn .. mùng 3 Ất Tỵ
        national_day_adjacent=date(2025, 9, 1),
        days_off=(date(2025, 5, 2),),
        working_days=(date(2025, 4, 26),),
        source="Văn bản 8726/VPCP-KGVX ngày 26/11/2024 (Tết Ất Tỵ, 30/4–1/5, Quốc khánh 2025)",
    ),
    YearDecision(
        2026,
        tet=_days(date(2026, 2, 16), 5),                    # 29 tháng Chạp Ất Tỵ .. mùng 4 Bính Ngọ
        national_day_adjacent=date(2026, 9, 1),
        days_off=(date(2026, 1, 2), date(2026, 8, 31)),
        working_days=(date(2026, 1, 10), date(2026, 8, 22)),
        source="Văn bản 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch); phương án Bộ Nội vụ được Thủ tướng "
               "đồng ý (Tết Bính Ngọ 14–22/02, Quốc khánh 29/8–02/9)",
    ),
)}


def decisions_from_json(text: str) -> dict[int, YearDecision]:
    """Parse administrator-supplied decisions: ``{"2027": {"tet": ["2027-02-05", ...], "days_off": [...],
    "working_days": [...], "national_day_adjacent": "2027-09-03", "source": "..."}}``.

    :raises ValueError: malformed JSON, an unknown key, or a date that is not ISO ``yyyy-mm-dd``.
    """
    decisions = {}
    for year_text, entry in json.loads(text).items():
        year = int(year_text)
        unknown = set(entry) - {"tet", "national_day_adjacent", "days_off", "working_days", "source"}
        if unknown:
            raise ValueError(f"{year}: unknown keys {sorted(unknown)}")
        adjacent = entry.get("national_day_adjacent")
        decisions[year] = YearDecision(
            year,
            tet=tuple(date.fromisoformat(d) for d in entry.get("tet", ())),
            national_day_adjacent=date.fromisoformat(adjacent) if adjacent else None,
            days_off=tuple(date.fromisoformat(d) for d in entry.get("days_off", ())),
            working_days=tuple(date.fromisoformat(d) for d in entry.get("working_days", ())),
            source=entry.get("source", ""),
        )
    return decisions


# --- The calendar ----------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Weekends, statutory holidays and yearly decisions; answers which days are working days."""
    rules: tuple[HolidayRule, ...] = STATUTORY_HOLIDAYS
    decisions: Mapping[int, YearDecision] = field(default_factory=lambda: dict(DECISIONS))
    weekly_rest: frozenset[int] = WEEKLY_REST

    def __post_init__(self) -> None:
        # Read-only copy: results are cached per calendar, so its decisions must not change afterwards.
        object.__setattr__(self, "decisions", MappingProxyType(dict(self.decisions)))

    def is_decided(self, year: int) -> bool:
        """True when the Government's decision for ``year`` is recorded (else the default rules apply)."""
        return year in self.decisions

    def days_off(self, year: int) -> dict[date, str]:
        """Every day off in ``year`` that is not a plain weekend day, with its Vietnamese name."""
        return dict(_days_off(self, year))

    def is_working_day(self, d: date) -> bool:
        off = _days_off(self, d.year)
        if d in off:
            return False
        return d.weekday() not in self.weekly_rest or d in _worked(self, d.year)

    def statutory(self, year: int) -> dict[date, str]:
        """The holidays of Điều 112 in ``year`` (before compensation and swaps)."""
        if year < FIRST_YEAR:
            raise ValueError(f"the calendar starts in {FIRST_YEAR} (Bộ luật Lao động 2019); got {year}")
        decision = self.decisions.get(year)
        days = {rule.on(year): rule.name for rule in self.rules if rule.in_force(year)}
        if decision and decision.tet:
            tet = decision.tet
        else:   # default: the last day of the lunar year and mùng 1–4
            tet = _days(lunar_new_year(year) - timedelta(days=1), 5)
        days.update({d: TET_NAME for d in tet})
        national_day = date(year, 9, 2)
        adjacent = decision.national_day_adjacent if decision and decision.national_day_adjacent else (
            national_day + timedelta(days=NATIONAL_DAY_ADJACENT_BY_WEEKDAY[national_day.weekday()]))
        days[adjacent] = NATIONAL_DAY_ADJACENT_NAME
        return days


@lru_cache(maxsize=256)
def _days_off(calendar: WorkingCalendar, year: int) -> Mapping[date, str]:
    statutory = calendar.statutory(year)
    # A holiday on the last weekend of December would be made up in January: walk the previous year's holidays
    # too (no rule does that today; this keeps a new rule from silently losing its compensation day).
    previous = calendar.statutory(year - 1) if year - 1 >= FIRST_YEAR else {}
    off = dict(statutory)
    taken = set(statutory) | set(previous)
    for holiday in sorted(set(previous) | set(statutory)):
        if holiday.weekday() not in calendar.weekly_rest:
            continue
        name = statutory.get(holiday) or previous[holiday]
        replacement = holiday + timedelta(days=1)
        while replacement.weekday() in calendar.weekly_rest or replacement in taken:
            replacement += timedelta(days=1)
        taken.add(replacement)
        if replacement.year == year:
            off.setdefault(replacement, COMPENSATION_NAME.format(name=name))
    decision = calendar.decisions.get(year)
    for d in decision.days_off if decision else ():
        off.setdefault(d, SWAPPED_NAME)
    for d in decision.working_days if decision else ():
        off.pop(d, None)
    return off


@lru_cache(maxsize=256)
def _worked(calendar: WorkingCalendar, year: int) -> frozenset[date]:
    decision = calendar.decisions.get(year)
    return frozenset(decision.working_days) if decision else frozenset()


DEFAULT_CALENDAR = WorkingCalendar()


# --- Deadlines -----------------------------------------------------------------------------------------------

def is_working_day(d: date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> bool:
    """True when ``d`` is a working day in party and state bodies."""
    return calendar.is_working_day(d)


def add_working_days(start: date, n: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """The date on which a deadline of ``n`` working days counted from ``start`` falls.

    ``start`` (the day of receipt, of the resolution, of the decision) is not counted: counting begins the next
    day (Bộ luật Dân sự 2015, Điều 147 khoản 2–3), and the deadline runs to the end of the returned day (Điều 148
    khoản 1). So a dossier received on Friday with 3 working days is due on Wednesday; ``n == 0`` gives ``start``.
    A ``start`` on a weekend or holiday changes nothing: only working days are counted.

    :raises ValueError: ``n`` is negative.
    """
    if n < 0:
        raise ValueError(f"a deadline cannot be negative: {n}")
    d = start
    while n:
        d += timedelta(days=1)
        if calendar.is_working_day(d):
            n -= 1
    return d


def working_days_between(a: date, b: date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> int:
    """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``).

    The inverse of ``add_working_days``: ``working_days_between(a, add_working_days(a, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a, calendar)
    return sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


Pause = tuple[date, date | None]


def due_date(received: date, n_working_days: int, pauses: Iterable[Pause] = (),
             calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date | None:
    """Due date of ``n_working_days`` counted from ``received``, with the clock stopped during ``pauses``.

    A pause ``(paused_on, resumed_on)`` is a dossier returned for supplements on ``paused_on`` and resubmitted
    on ``resumed_on``. The day of return still counts (the body worked on the dossier that day); the days with
    the applicant do not; the day of resubmission does not count either, like a day of receipt (Điều 147
    khoản 3), so counting resumes the next working day. Time used before a pause is kept: the clock resumes,
    it does not restart. A pause with ``resumed_on=None`` is still running: there is no due date (``None``).

    :raises ValueError: pauses out of order, overlapping, or starting before ``received``.
    """
    return _due(received, n_working_days, pauses, _working_clock(calendar))


class _Clock(NamedTuple):
    count: Callable[[date, date], int]      # units after a, up to and including b
    add: Callable[[date, int], date]        # the date n units after start


def _working_clock(calendar: WorkingCalendar) -> _Clock:
    return _Clock(lambda a, b: working_days_between(a, b, calendar), lambda s, n: add_working_days(s, n, calendar))


_CALENDAR_DAYS = _Clock(lambda a, b: (b - a).days, lambda s, n: s + timedelta(days=n))


def _due(received: date, n: int, pauses: Iterable[Pause], clock: _Clock) -> date | None:
    if n < 0:
        raise ValueError(f"a deadline cannot be negative: {n}")
    remaining, running_since = n, received
    for paused_on, resumed_on in sorted(pauses, key=lambda p: p[0]):
        if paused_on < running_since:
            raise ValueError(f"pause on {paused_on} overlaps the previous one or precedes receipt {received}")
        used = clock.count(running_since, paused_on)
        if used >= remaining:
            break                       # the deadline fell before this pause
        remaining -= used
        if resumed_on is None:
            return None
        if resumed_on < paused_on:
            raise ValueError(f"resumed on {resumed_on} before paused on {paused_on}")
        running_since = resumed_on
    return clock.add(running_since, remaining)


# --- Deadline rules in BPMN ("30WD", "P30D") ---------------------------------------------------------------

_WORKING_DAYS_RULE = re.compile(r"^(\d{1,4})WD$")
_CALENDAR_DAYS_RULE = re.compile(r"^P(?:(\d{1,4})W)?(?:(\d{1,4})D)?$")


class DeadlineRule(NamedTuple):
    amount: int
    working_days: bool      # True: "ngày làm việc"; False: calendar days


def parse_deadline_rule(rule: str) -> DeadlineRule:
    """Parse ``"30WD"`` (30 working days) or an ISO 8601 day/week duration ``"P30D"``, ``"P2W"`` (calendar days).

    :raises ValueError: anything else (hours, months and years are not day counts).
    """
    text = rule.strip()
    if match := _WORKING_DAYS_RULE.match(text):
        return DeadlineRule(int(match[1]), True)
    match = _CALENDAR_DAYS_RULE.match(text)
    if match and (match[1] or match[2]):
        return DeadlineRule(int(match[1] or 0) * 7 + int(match[2] or 0), False)
    raise ValueError(f"not a deadline rule: {rule!r} (expected e.g. '30WD' or 'P30D')")


def is_deadline_rule(rule: str) -> bool:
    """True when ``rule`` parses with ``parse_deadline_rule`` (for the BPMN linter)."""
    try:
        parse_deadline_rule(rule)
    except ValueError:
        return False
    return True


def due_date_for_rule(rule: str, received: date, pauses: Sequence[Pause] = (),
                      calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date | None:
    """Due date of a BPMN ``deadline`` rule counted from ``received``, pauses excluded (see ``due_date``).

    ``"30WD"`` counts working days; ``"P30D"`` counts calendar days with the same conventions (the start day not
    counted, pauses excluded). No roll-forward is applied to calendar days: the engine's ``P…D`` timers do not.
    """
    parsed = parse_deadline_rule(rule)
    clock = _working_clock(calendar) if parsed.working_days else _CALENDAR_DAYS
    return _due(received, parsed.amount, pauses, clock)
