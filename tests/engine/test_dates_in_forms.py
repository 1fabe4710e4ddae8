"""Dates on forms are checked against each other and against the day of the step (the engine's clock,
in Vietnam): nobody is born tomorrow, a certificate is not issued before its holder was born, a meeting
is not recorded as held next week, a decision is not sent before it was signed."""

from __future__ import annotations

from datetime import date

import pytest

from engine import forms
from engine.errors import InvalidFormData
from engine.services import cases
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data
from webapp import messages

FORM = {"type": "object", "x-not-after": {"held_on": "today"}, "x-not-before": {"sent_on": "held_on"},
        "properties": {"held_on": {"type": "string", "format": "date", "title": "Ngày họp"},
                       "sent_on": {"type": "string", "format": "date", "title": "Ngày gửi"}}}


def refused(data: dict, day=date(2026, 11, 26)) -> dict:
    with forms.on_day(day):
        return {e.field: messages.field_message(e) for e in forms.field_errors(FORM, data)}


def test_a_date_after_the_day_of_the_step_or_before_its_bound_is_refused_naming_the_field():
    assert refused({"held_on": "2026-11-26", "sent_on": "2026-11-26"}) == {}           # the same day is fine
    assert refused({"held_on": "2026-11-27"}) == {"held_on": "«Ngày họp» không được là một ngày trong tương lai."}
    assert refused({"held_on": "2026-11-20", "sent_on": "2026-11-19"}) == {
        "sent_on": "«Ngày gửi» không được trước «Ngày họp»."}
    assert refused({"held_on": "2026-11-27"}, day=date(2026, 11, 27)) == {}             # judged on the step's day


def test_what_is_not_a_date_is_left_to_its_format_and_a_missing_date_to_required():
    assert refused({"sent_on": "2026-11-19"}) == {}
    assert set(refused({"held_on": "hôm qua", "sent_on": "2026-11-19"})) == {"held_on"}   # the format says it
    assert forms.field_errors(FORM, {"held_on": "2099-01-01"}) == []        # no day set: only the engine judges "today"


def test_an_applicant_born_tomorrow_or_certified_before_birth_is_refused(people, uow):
    with pytest.raises(InvalidFormData) as wrong:
        people.applicant.opens("admission", data={**P1_START, "birth_date": "2026-11-27",
                                                  "sympathiser_certificate_date": "2026-11-28"})
    assert {e.field: e.code for e in wrong.value.errors} == {"birth_date": "x-not-after",
                                                             "sympathiser_certificate_date": "x-not-after"}
    with pytest.raises(InvalidFormData) as wrong:
        people.applicant.opens("admission", data={**P1_START, "sympathiser_certificate_date": "1999-01-01"})
    assert [messages.field_message(e) for e in wrong.value.errors] == [
        "«Ngày cấp giấy chứng nhận bồi dưỡng nhận thức về Đảng» không được trước «Ngày sinh»."]
    assert cases.list_cases(uow, actor=people.admin.actor) == []


def test_a_cell_meeting_is_not_recorded_as_held_next_week(people, clock):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="cell_vote")
    with pytest.raises(InvalidFormData) as wrong:
        people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_meeting_date": "2026-12-03"})
    assert [e.field for e in wrong.value.errors] == ["cell_meeting_date"]
    clock.advance(days=7)                                                          # a week later it is the past
    people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_meeting_date": "2026-12-03"})


def test_an_administrators_correction_keeps_the_dates_and_counts_the_forms_relate(people, uow):
    from engine.services import cases
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="committee_vote")

    def correcting(**changes):
        cases.correct_data(uow, number=case, actor=people.admin.actor, changes=changes, reason="Sửa theo biên bản")

    with pytest.raises(InvalidFormData) as wrong:
        correcting(birth_date="2027-01-01")                       # born next year, after being certified
    assert {(e.field, e.code) for e in wrong.value.errors} == {("birth_date", "x-not-after"),
                                                               ("sympathiser_certificate_date", "x-not-before")}
    with pytest.raises(InvalidFormData) as wrong:
        correcting(sympathiser_certificate_date="1999-12-31")      # certified before birth (2000-05-01)
    assert [messages.field_message(e) for e in wrong.value.errors] == [
        "«Ngày cấp giấy chứng nhận bồi dưỡng nhận thức về Đảng» không được trước «Ngày sinh»."]
    with pytest.raises(InvalidFormData) as wrong:
        correcting(cell_in_favour=15)                              # more in favour than the 14 present
    assert [(e.field, e.code) for e in wrong.value.errors] == [("cell_in_favour", "x-not-more-than")]
    correcting(cell_in_favour=13, birth_date="2000-05-02")         # a correction that keeps them is taken
    assert cases.get_case(uow, number=case).data["cell_in_favour"] == 13
