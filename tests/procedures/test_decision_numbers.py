"""Decisions are numbered by the engine in the outgoing register of the committee that issues them
(docs/registers.md, Quy định 693-QĐ/VPTW): the commune's office numbers its cells' decisions in one series,
"01-QĐ/ĐU", "02-QĐ/ĐU", … whatever the procedure, and another commune keeps its own series from 01."""

import pytest

from engine.errors import InvalidFormData
from tests.engine.test_registers import _counters
from tests.people import CELL, OTHER_COMMUNE_CELL, Person
from tests.procedures import P1_START, run_p1, step_data
from tests.procedures.common import assert_completed, field_errors
from tests.procedures.test_activity_exemption import FAR, RESOLUTION, START

DECIDE = {"committee_decision": "approve", "committee_meeting_date": "2026-11-17"}


def _exemption(uow, unit: str, member: str, cell_secretary: str, standing_board: str, office: str) -> str:
    """P8 for a reason the commune's standing board decides (working far away), up to its issued decision."""
    case = Person(uow, member).opens("activity_exemption", unit=unit, data={**START, **FAR})
    Person(uow, cell_secretary).completes("cell_resolution", case, RESOLUTION)
    Person(uow, standing_board).completes("committee_decide", case, DECIDE)
    Person(uow, office).completes("issue_decision", case, {"decision_date": "2026-11-18"})
    return case


def test_a_communes_committee_numbers_its_decisions_in_one_series_and_another_commune_starts_at_01(people, uow):
    first = people.applicant.opens("admission", unit=CELL, data=P1_START)
    second = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, first)
    run_p1(people, second)
    assert assert_completed(people.applicant, first, uow).data["decision_number"] == "01-QĐ/ĐU"
    assert assert_completed(people.applicant, second, uow).data["decision_number"] == "02-QĐ/ĐU"
    # the same committee's register, whatever the procedure: an exemption it decides is the third decision
    here = _exemption(uow, CELL, "tranthibinh", "phamthidung", "vuthiphuong", "dangvangiang")
    assert people.cell_secretary.sees(here).data["decision_number"] == "03-QĐ/ĐU"
    # another commune (Hồng Châu) keeps its own register
    there = _exemption(uow, OTHER_COMMUNE_CELL, "nongthiquyen", "dothilan", "tongvanxuan", "lamthiyen")
    assert Person(uow, "lamthiyen").sees(there).data["decision_number"] == "01-QĐ/ĐU"
    # kept by the communes, not by the cells the cases were opened in
    assert _counters(uow) == [("HY-HONGCHAU", "outgoing", 2026, 1), ("HY-TANTIEN", "outgoing", 2026, 3)]


def test_a_decision_number_typed_by_the_clerk_is_refused(people, uow):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="issue_decision")
    with pytest.raises(InvalidFormData) as refused:
        people.committee_office.completes("issue_decision", case,
                                          {**step_data("issue_decision"), "decision_number": "125-QĐ/ĐU"})
    assert field_errors(refused) == {"decision_number": "register"}
    assert _counters(uow) == []                 # nothing was numbered
    assert "decision_number" not in people.committee_office.sees(case).data
    people.committee_office.completes("issue_decision", case, step_data("issue_decision"))
    assert people.committee_office.sees(case).data["decision_number"] == "01-QĐ/ĐU"
