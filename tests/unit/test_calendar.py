"""Working-day calendar: lunar dates, holidays of 2025–2026 as decided, deadlines with pauses, BPMN rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from workflows import calendar
from workflows.calendar import (
    DEFAULT_CALENDAR,
    STATUTORY_HOLIDAYS,
    HolidayRule,
    LunarDate,
    WorkingCalendar,
    add_working_days,
    decisions_from_json,
    due_date,
    due_date_for_rule,
    is_working_day,
    lunar_new_year,
    lunar_to_solar,
    parse_deadline_rule,
    solar_to_lunar,
    working_days_between,
)


def off_block(around: date) -> tuple[date, date]:
    """The run of consecutive non-working days containing ``around``."""
    assert not is_working_day(around)
    first = last = around
    while not is_working_day(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while not is_working_day(last + timedelta(days=1)):
        last += timedelta(days=1)
    return first, last


# --- Lunar calendar ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, tet", [
    (1968, date(1968, 1, 29)),    # Vietnam on UTC+7 since 1967: one day before China's 30/01
    (1985, date(1985, 1, 21)),    # a month before China's 20/02
    (2007, date(2007, 2, 17)),    # China: 18/02
    (2024, date(2024, 2, 10)),
    (2025, date(2025, 1, 29)),
    (2026, date(2026, 2, 17)),
    (2027, date(2027, 2, 6)),
    (2030, date(2030, 2, 2)),     # China: 03/02
])
def test_lunar_new_year_follows_the_vietnamese_calendar(year, tet):
    assert lunar_new_year(year) == tet


def test_the_same_algorithm_on_china_time_gives_chinas_dates():
    assert lunar_to_solar(1, 1, 1985, tz=8) == date(1985, 2, 20)
    assert lunar_to_solar(1, 1, 2007, tz=8) == date(2007, 2, 18)


@pytest.mark.parametrize("year, hung_kings", [
    (2009, date(2009, 4, 4)),
    (2024, date(2024, 4, 18)),
    (2025, date(2025, 4, 7)),
    (2026, date(2026, 4, 26)),
])
def test_hung_kings_day_is_the_tenth_of_the_third_lunar_month(year, hung_kings):
    assert lunar_to_solar(10, 3, year) == hung_kings


@pytest.mark.parametrize("solar, lunar", [
    (date(2026, 2, 16), LunarDate(29, 12, 2025)),       # last day of Ất Tỵ
    (date(2025, 1, 28), LunarDate(29, 12, 2024)),       # last day of Giáp Thìn
    (date(2023, 3, 22), LunarDate(1, 2, 2023, True)),   # tháng 2 nhuận Quý Mão
    (date(2025, 7, 25), LunarDate(1, 6, 2025, True)),   # tháng 6 nhuận Ất Tỵ
])
def test_solar_to_lunar_and_back(solar, lunar):
    assert solar_to_lunar(solar) == lunar
    assert lunar_to_solar(*lunar) == solar


def test_a_leap_month_that_does_not_exist_is_refused():
    with pytest.raises(ValueError):
        lunar_to_solar(1, 3, 2025, leap=True)


# --- Holidays as decided for 2025 and 2026 ---------------------------------------------------------------

def test_tet_2025_is_nine_days_from_25_january_to_2_february():
    assert off_block(date(2025, 1, 29)) == (date(2025, 1, 25), date(2025, 2, 2))
    assert is_working_day(date(2025, 1, 24)) and is_working_day(date(2025, 2, 3))


def test_tet_2026_is_nine_days_from_14_to_22_february():
    assert off_block(date(2026, 2, 17)) == (date(2026, 2, 14), date(2026, 2, 22))
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))


def test_hung_kings_day_2025_is_a_monday_off():
    assert off_block(date(2025, 4, 7)) == (date(2025, 4, 5), date(2025, 4, 7))


def test_hung_kings_day_2026_on_a_sunday_is_made_up_on_monday():
    assert DEFAULT_CALENDAR.days_off(2026)[date(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert off_block(date(2026, 4, 26)) == (date(2026, 4, 25), date(2026, 4, 27))
    assert is_working_day(date(2026, 4, 28))


def test_30_april_2025_runs_five_days_with_saturday_26_april_worked():
    assert off_block(date(2025, 4, 30)) == (date(2025, 4, 30), date(2025, 5, 4))
    assert is_working_day(date(2025, 4, 26))        # Saturday, worked in exchange for Friday 2/5


def test_30_april_and_1_may_2026_fall_on_thursday_and_friday():
    assert off_block(date(2026, 4, 30)) == (date(2026, 4, 30), date(2026, 5, 3))
    assert is_working_day(date(2026, 4, 29)) and is_working_day(date(2026, 5, 4))


def test_national_day_2025_takes_monday_1_september_as_its_adjacent_day():
    assert off_block(date(2025, 9, 2)) == (date(2025, 8, 30), date(2025, 9, 2))
    assert is_working_day(date(2025, 9, 3))


def test_national_day_2026_runs_five_days_with_saturday_22_august_worked():
    assert off_block(date(2026, 9, 2)) == (date(2026, 8, 29), date(2026, 9, 2))
    assert is_working_day(date(2026, 8, 22))


def test_new_year_2026_is_four_days_with_saturday_10_january_worked():
    assert off_block(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 1, 4))
    assert is_working_day(date(2026, 1, 10))


def test_2026_breaks_add_up_to_the_25_days_of_the_published_plan():
    # thanhnien.vn 13/01/2026: 4 (Tết Dương lịch) + 9 (Tết) + 3 (Giỗ Tổ) + 4 (30/4–1/5) + 5 (Quốc khánh)
    blocks = [off_block(d) for d in (date(2026, 1, 1), date(2026, 2, 17), date(2026, 4, 26), date(2026, 4, 30),
                                     date(2026, 9, 2))]
    assert [(last - first).days + 1 for first, last in blocks] == [4, 9, 3, 4, 5]


def test_culture_day_is_not_a_holiday_until_the_labour_code_is_amended():
    assert is_working_day(date(2026, 11, 24))
    rules = tuple(HolidayRule(r.name, r.month, r.day, r.lunar, 2026 if r.month == 11 else r.since)
                  for r in STATUTORY_HOLIDAYS)
    assert not WorkingCalendar(rules=rules).is_working_day(date(2026, 11, 24))


def test_a_year_without_a_decision_uses_the_default_rules_and_says_so():
    assert DEFAULT_CALENDAR.is_decided(2026) and not DEFAULT_CALENDAR.is_decided(2027)
    off = DEFAULT_CALENDAR.days_off(2027)
    tet = lunar_new_year(2027)                      # Saturday 06/02/2027
    assert all(off[tet + timedelta(days=i)] == "Tết Nguyên đán" for i in range(-1, 4))
    assert off[date(2027, 5, 3)] == "Nghỉ bù Ngày Quốc tế Lao động"   # 1/5/2027 is a Saturday


def test_an_administrator_adds_a_year_from_json():
    added = decisions_from_json("""{"2027": {
        "tet": ["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"],
        "days_off": ["2027-02-11"], "working_days": ["2027-01-30"],
        "national_day_adjacent": "2027-09-03", "source": "Văn bản .../VPCP-KGVX (ví dụ)"}}""")
    cal = WorkingCalendar(decisions={**calendar.DECISIONS, **added})
    assert cal.is_decided(2027)
    assert not cal.is_working_day(date(2027, 2, 11)) and cal.is_working_day(date(2027, 1, 30))
    assert DEFAULT_CALENDAR.is_working_day(date(2027, 1, 30)) is False      # the default calendar is unchanged


def test_a_malformed_decision_is_refused():
    with pytest.raises(ValueError, match="unknown keys"):
        decisions_from_json('{"2027": {"tet_days": []}}')
    with pytest.raises(ValueError, match="five statutory days"):
        decisions_from_json('{"2027": {"tet": ["2027-02-05"]}}')


def test_years_before_the_labour_code_2019_are_refused():
    with pytest.raises(ValueError, match="starts in 2021"):
        is_working_day(date(2020, 6, 1))


# --- Deadlines ---------------------------------------------------------------------------------------------

def test_the_day_of_receipt_is_not_counted():
    assert add_working_days(date(2026, 11, 20), 3) == date(2026, 11, 25)     # Friday + 3 → Wednesday
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)     # received on a Saturday
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)


def test_a_deadline_spanning_tet_skips_the_holiday():
    assert add_working_days(date(2026, 1, 30), 30) == date(2026, 3, 20)      # calendar days would give 01/3
    assert add_working_days(date(2025, 1, 20), 5) == date(2025, 2, 3)


def test_negative_deadlines_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize("start", [date(2025, 1, 24), date(2025, 12, 31), date(2026, 2, 14), date(2026, 8, 28)])
@pytest.mark.parametrize("n", [0, 1, 3, 30, 60])
def test_working_days_between_inverts_add_working_days(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == -n


def test_a_returned_dossier_pauses_the_deadline_and_resubmission_resumes_it():
    received = date(2026, 3, 2)                                  # Monday
    assert due_date(received, 10) == date(2026, 3, 16)
    # returned Wednesday 04/3 (two days used: 03/3 and 04/3), resubmitted Friday 20/3: 8 days from Monday 23/3
    assert due_date(received, 10, pauses=[(date(2026, 3, 4), date(2026, 3, 20))]) == date(2026, 4, 1)


def test_two_pauses_add_up():
    received = date(2026, 3, 2)
    pauses = [(date(2026, 3, 3), date(2026, 3, 9)), (date(2026, 3, 10), date(2026, 3, 16))]
    # used 03/3, then 10/3; eight left, counted from Tuesday 17/3 (17–20, 23–26)
    assert due_date(received, 10, pauses=pauses) == date(2026, 3, 26)


def test_a_pause_still_running_has_no_due_date():
    assert due_date(date(2026, 3, 2), 10, pauses=[(date(2026, 3, 4), None)]) is None


def test_a_pause_after_the_deadline_changes_nothing():
    assert due_date(date(2026, 3, 2), 3, pauses=[(date(2026, 3, 10), date(2026, 3, 20))]) == date(2026, 3, 5)


def test_overlapping_pauses_are_refused():
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), 10, pauses=[(date(2026, 3, 4), date(2026, 3, 10)),
                                               (date(2026, 3, 6), date(2026, 3, 12))])


# --- Deadline rules in BPMN --------------------------------------------------------------------------------

@pytest.mark.parametrize("rule, parsed", [
    ("30WD", (30, True)), (" 60WD ", (60, True)), ("P30D", (30, False)), ("P2W", (14, False)),
    ("P1W2D", (9, False)),
])
def test_deadline_rules_parse(rule, parsed):
    assert parse_deadline_rule(rule) == parsed
    assert calendar.is_deadline_rule(rule)


@pytest.mark.parametrize("rule", ["30D", "30wd", "WD", "P", "PT5H", "P1M", "P30WD", ""])
def test_other_strings_are_not_deadline_rules(rule):
    with pytest.raises(ValueError):
        parse_deadline_rule(rule)
    assert not calendar.is_deadline_rule(rule)


def test_a_rule_gives_a_due_date():
    resolution = date(2026, 1, 30)
    assert due_date_for_rule("30WD", resolution) == date(2026, 3, 20)
    assert due_date_for_rule("P30D", resolution) == date(2026, 3, 1)
    assert due_date_for_rule("P30D", resolution, pauses=[(date(2026, 2, 9), date(2026, 2, 19))]) == date(2026, 3, 11)
