"""A request sent again with the same content (after Back or a reload, where the form's one-time token is
new) is recognised: the same person, process, unit and opening values, running, opened in the last day."""

from __future__ import annotations

from engine.services import cases

from tests.people import CELL
from tests.procedures import P1_START


def same(people, data=P1_START, unit=CELL, token=None):
    return cases.same_request(people.uow, key="admission", unit_code=unit, actor=people.applicant.actor,
                              data=data, token=token)


def test_a_request_sent_again_with_the_same_content_is_recognised(people, clock):
    assert same(people) is None                                        # nothing sent yet
    number = people.applicant.opens("admission", data=P1_START)
    found = same(people)
    assert found.number == number and found.started_at == clock.now()
    assert same(people, data={**P1_START, "hometown": "Hà Nội"}) is None         # other content
    assert same(people, unit="HY-HONGCHAU-KP1") is None                          # another cell
    assert cases.same_request(people.uow, key="admission", unit_code=CELL, actor=people.cell_secretary.actor,
                              data=P1_START) is None                             # someone else's
    clock.advance(hours=25)
    assert same(people) is None                                                   # a day later: a new request


def test_a_double_click_is_not_a_second_request_but_the_same_one(people):
    number = cases.start_case(people.uow, key="admission", unit_code=CELL, actor=people.applicant.actor,
                              data=P1_START, token="form-1")
    assert same(people, token="form-1") is None            # start_case returns the case that token opened
    assert cases.start_case(people.uow, key="admission", unit_code=CELL, actor=people.applicant.actor,
                            data=P1_START, token="form-1") == number


def test_an_ended_request_is_not_the_same_request(people):
    number = people.applicant.opens("admission", data=P1_START)
    cases.cancel_case(people.uow, number=number, actor=people.admin.actor, reason="Nộp nhầm.")
    assert same(people) is None
