"""P1 as-is: admission of a new member on paper, every hand-over and waiting step (bpmn/admission/admission_asis.bpmn).
The re-engineered P1 is tested in tests/engine/test_admission.py."""

from datetime import timedelta

import pytest

from engine import deadlines
from engine.errors import InvalidFormData
from tests.people import CELL
from tests.procedures import P1_START, step_data
from tests.procedures.common import (COMMUNE_SECRETARY, assert_completed, docx_text, field_errors, fire_timers_at,
                                     render_from_case, to_pdf_text)


def until_cell_vote(people, case):
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case, step_data("review_application"))
    people.committee_office.completes("stamp_biography", case, {"stamped_on": "2026-09-10"})
    assert [t.element for t in people.applicant.sees(case).open_tasks] == ["introduce"]     # one introducer at a time
    people.introducer1.completes("introduce", case, step_data("introduce"))
    assert not people.introducer1.inbox() and people.introducer2.task("introduce", case)
    people.introducer2.completes("introduce", case, {"months_known": 14, "assessment": "Có tinh thần trách nhiệm tốt.",
                                                     "recommend": True})
    people.cell_secretary.completes("collect_mass_organisation_comment", case,
                                    {"mass_organisation_comment": "Đoàn thanh niên nhận xét tốt."})
    people.cell_secretary.completes("request_residence_comment", case, {"request_sent_on": "2026-09-15"})
    people.cell_secretary.completes("receive_residence_comment", case, {"residence_comment": "Chi bộ nơi cư trú nhận xét tốt."})
    people.committee_office.completes("send_verification_letters", case, {"letters_count": 4,
                                                                          "letters_sent_on": "2026-09-21"})
    people.party_building_board.completes("verify_biography", case, step_data("verify_biography"))
    people.standing_board.completes("certify_biography", case, {"certified_on": "2026-11-10"})


def test_the_paper_admission_runs_through_every_hand_over(people, uow, tmp_path):
    case = people.applicant.opens("admission_asis", unit=CELL, data=P1_START)
    until_cell_vote(people, case)
    people.cell_secretary.completes("cell_vote", case, step_data("cell_vote"))
    people.cell_secretary.completes("send_dossier", case, {"sent_on": "2026-11-21"})
    people.committee_office.completes("register_dossier", case, {"register_number": "17", "register_date": "2026-11-21"})
    people.party_building_board.completes("appraise", case, step_data("appraise"))
    people.standing_board.completes("committee_vote", case, step_data("committee_vote"))
    people.committee_office.completes("issue_decision", case, step_data("issue_decision"))
    people.cell_secretary.completes("receive_decision", case, {"decision_received_on": "2026-11-26"})
    people.cell_secretary.completes("admission_ceremony", case, step_data("admission_ceremony"))
    view = assert_completed(people.applicant, case, uow)
    assert [i["months_known"] for i in view.data["introductions"]] == [24, 14]
    decision = render_from_case(view, "admission_decision", COMMUNE_SECRETARY)
    assert "Số 01-QĐ/ĐU" in docx_text(decision)
    assert "Nguyễn Văn An" in to_pdf_text(tmp_path, "admission_decision", view, decision)
    assert "đề nghị kết nạp" in docx_text(render_from_case(view, "cell_resolution"))


def test_a_returned_application_and_a_failed_verification(people, uow):
    case = people.applicant.opens("admission_asis", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case, {"review_decision": "return",
                                                                 "review_comment": "Bổ sung lý lịch gia đình."})
    people.applicant.completes("submit_application", case, {**step_data("submit_application"),
                                                            "supplement_note": "Đã bổ sung lý lịch gia đình"})
    people.cell_secretary.completes("review_application", case, step_data("review_application"))
    people.committee_office.completes("stamp_biography", case, {"stamped_on": "2026-09-10"})
    for who in ("introducer1", "introducer2"):
        getattr(people, who).completes("introduce", case, step_data("introduce"))
    people.cell_secretary.completes("collect_mass_organisation_comment", case,
                                    {"mass_organisation_comment": "Đoàn thanh niên nhận xét tốt."})
    people.cell_secretary.completes("request_residence_comment", case, {"request_sent_on": "2026-09-15"})
    people.cell_secretary.completes("receive_residence_comment", case, {"residence_comment": "Chi bộ nơi cư trú nhận xét tốt."})
    people.committee_office.completes("send_verification_letters", case, {"letters_count": 4,
                                                                          "letters_sent_on": "2026-09-21"})
    people.party_building_board.completes("verify_biography", case, {"verification_result": "problem",
                                                                     "verification_conclusion": "Lý lịch khai chưa đúng"})
    assert_completed(people.applicant, case, uow)


def test_a_ceremony_later_than_thirty_working_days_brings_a_reminder(people, uow, clock):
    case = people.applicant.opens("admission_asis", unit=CELL, data=P1_START)
    until_cell_vote(people, case)
    people.cell_secretary.completes("cell_vote", case, {**step_data("cell_vote"), "cell_in_favour": 9})
    assert assert_completed(people.applicant, case, uow).data["cell_vote_passed"] is False
    other = people.applicant.opens("admission_asis", unit=CELL, data=P1_START)
    until_cell_vote(people, other)
    people.cell_secretary.completes("cell_vote", other, step_data("cell_vote"))
    people.cell_secretary.completes("send_dossier", other, {"sent_on": "2026-11-21"})
    people.committee_office.completes("register_dossier", other, {"register_number": "18", "register_date": "2026-11-21"})
    people.party_building_board.completes("appraise", other, step_data("appraise"))
    people.standing_board.completes("committee_vote", other, step_data("committee_vote"))
    people.committee_office.completes("issue_decision", other, step_data("issue_decision"))
    people.cell_secretary.completes("receive_decision", other, {"decision_received_on": "2026-11-26"})
    assert fire_timers_at(uow, clock, deadlines.due_at("30WD", clock.now()) + timedelta(minutes=1)) == 1
    people.committee_office.completes("remind_ceremony", other, {"reminder_note": "Đề nghị chi bộ tổ chức lễ kết nạp"})
    people.cell_secretary.completes("admission_ceremony", other, step_data("admission_ceremony"))
    assert_completed(people.applicant, other, uow)


def test_wrong_data_is_refused_field_by_field(people):
    case = people.applicant.opens("admission_asis", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", case, step_data("submit_application"))
    people.cell_secretary.completes("review_application", case, step_data("review_application"))
    with pytest.raises(InvalidFormData) as refused:
        people.committee_office.completes("stamp_biography", case, {"stamped_on": "27/11/2026"})
    assert field_errors(refused) == {"stamped_on": "format"}
