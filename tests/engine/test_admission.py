"""P1, admission of a new member, through the engine services on a real database."""

import pytest

from engine.services import history
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


def test_applicant_is_admitted_after_the_cell_and_the_standing_board_vote(people, uow):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case)
    view = people.applicant.sees(case)
    assert view.status == "completed"
    assert [i["months_known"] for i in view.data["introductions"]] == [24, 14]
    assert view.data["cell_vote_passed"] is True
    assert history.verify_case(uow, case).ok


def test_returned_application_comes_back_to_the_applicant(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case,
                                    {"review_decision": "return", "review_comment": "Bổ sung lý lịch gia đình."})
    assert people.applicant.task("submit_application", case)


def test_the_secretary_approves_only_after_confirming_age_and_certificate(people):
    from engine.errors import InvalidFormData
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    with pytest.raises(InvalidFormData) as refused:
        people.cell_secretary.completes("review_application", case, {
            "review_decision": "approve", "review_comment": "Đồng ý.", "eligible_age": False})
    assert {e.field: e.code for e in refused.value.errors} == {"eligible_age": "const", "certificate_valid": "required"}
    people.cell_secretary.completes("review_application", case, {   # not eligible: refusing needs no confirmation
        "review_decision": "reject", "review_comment": "Chưa đủ 18 tuổi.", "eligible_age": False})
    assert people.applicant.sees(case).status == "completed"


def test_cell_vote_below_two_thirds_ends_the_case(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="cell_vote")
    people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_in_favour": 9})
    view = people.applicant.sees(case)
    assert view.status == "completed" and view.data["cell_vote_passed"] is False
    assert not view.open_tasks
