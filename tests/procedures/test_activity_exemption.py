"""P8, exemption from party duties and meetings (Điều lệ Điều 7; 294-QĐ/TW §7), both variants, through the engine
services: the cell decides for old age or poor health, the commune's standing board for other reasons."""

import pytest

from engine.errors import InvalidFormData
from tests.people import CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import CELL_SECRETARY, COMMUNE_SECRETARY, check_durations, pdf_text, render_case

REQUEST = {"full_name": "Trần Thị Bình", "birth_date": "1964-03-08", "gender": "nữ", "request_type": "exemption",
           "exemption_scope": "work_and_meetings", "reason": "old_age", "request_date": "2026-11-02",
           "period_from": "2027-01-01"}
START = {**REQUEST, "application_text": "Tôi tuổi cao, sức khỏe giảm, tự nguyện xin miễn công tác và sinh hoạt đảng.",
         "medical_confirmation_attached": False, "commitment": True}
RESOLUTION = {"cell_decision": "approve", "cell_meeting_date": "2026-11-10", "cell_full_members": 15,
              "cell_present": 13, "cell_in_favour": 13, "resolution_text": "Chi bộ nhất trí với đề nghị của đảng viên."}
FAR = {"reason": "working_far", "period_to": "2027-12-31"}


@pytest.fixture
def member(uow):
    return Person(uow, "tranthibinh")


# --- Re-engineered -------------------------------------------------------------------------------------------

def test_old_age_is_decided_by_the_cell_and_reported_automatically(member, people, uow, tmp_path):
    case = member.opens("activity_exemption", unit=CELL, data=START)
    checked = member.sees(case).data
    assert checked["age"] == 62 and checked["old_age_reached"] is True and checked["screening_notes"] == []
    people.cell_secretary.completes("cell_resolution", case, RESOLUTION)
    view = assert_completed(member, case, uow)
    resolution = render_case(view, "exemption_resolution", CELL_SECRETARY)
    report = render_case(view, "exemption_report", CELL_SECRETARY)
    assert "Chi bộ quyết nghị: đồng ý để đồng chí Trần Thị Bình, sinh ngày 08/03/1964 miễn công tác và sinh hoạt " \
           "đảng kể từ ngày 01/01/2027." in docx_text(resolution)
    assert "BÁO CÁO" in docx_text(report) and "báo cáo Ban Thường vụ để biết" in docx_text(report)
    pdf = pdf_text(tmp_path, {"exemption_resolution": resolution}, view)["exemption_resolution"]
    assert "NGHỊ QUYẾT" in pdf and "Trần Thị Bình" in pdf


def test_working_far_needs_the_standing_board_after_a_returned_request(member, people, uow):
    case = member.opens("activity_exemption", unit=CELL, data={**START, **FAR})
    assert member.sees(case).data["needs_committee_decision"] is True
    people.cell_secretary.completes("cell_resolution", case, {**RESOLUTION, "cell_decision": "return"})
    member.completes("supplement_request", case, {"supplement_note": "Bổ sung quyết định cử đi công tác.",
                                                  "medical_confirmation_attached": False})
    people.cell_secretary.completes("cell_resolution", case, RESOLUTION)
    people.standing_board.completes("committee_decide", case, {"committee_decision": "approve",
                                                               "committee_meeting_date": "2026-11-17"})
    people.committee_office.completes("issue_decision", case, {"decision_date": "2026-11-18"})
    view = assert_completed(member, case, uow)
    decision = docx_text(render_case(view, "exemption_decision", COMMUNE_SECRETARY))
    assert "Số 01-QĐ/ĐU" in decision and "từ ngày 01/01/2027 đến ngày 31/12/2027" in decision
    assert "TỜ TRÌNH" in docx_text(render_case(view, "exemption_report"))


def test_the_cell_approves_only_when_more_than_half_of_its_full_members_agree(member, people):
    from webapp.messages import field_message
    case = member.opens("activity_exemption", unit=CELL, data=START)
    with pytest.raises(InvalidFormData) as refused:       # 3 of 15 in favour cannot carry "Đồng ý"
        people.cell_secretary.completes("cell_resolution", case, {**RESOLUTION, "cell_in_favour": 3})
    assert [field_message(e) for e in refused.value.errors] == [
        "«Số đảng viên tán thành» phải nhiều hơn một nửa «Tổng số đảng viên chính thức của chi bộ» (Điều lệ Đảng: "
        "nghị quyết được thông qua khi quá nửa số đảng viên chính thức tán thành)."]
    people.cell_secretary.completes("cell_resolution", case, {**RESOLUTION, "cell_in_favour": 8})   # 8 of 15: passes


def test_the_cell_or_the_board_may_refuse(member, people, uow):
    refused_by_cell = member.opens("activity_exemption", unit=CELL, data=START)
    people.cell_secretary.completes("cell_resolution", refused_by_cell, {**RESOLUTION, "cell_decision": "reject",
                                                                         "cell_in_favour": 3})
    view = assert_completed(member, refused_by_cell, uow)
    assert "không đồng ý" in docx_text(render_case(view, "exemption_resolution"))
    refused_by_board = member.opens("activity_exemption", unit=CELL, data={**START, **FAR})
    people.cell_secretary.completes("cell_resolution", refused_by_board, RESOLUTION)
    people.standing_board.completes("committee_decide", refused_by_board, {"committee_decision": "reject",
                                                                           "committee_meeting_date": "2026-11-17"})
    assert assert_completed(member, refused_by_board, uow).data["committee_decision"] == "reject"


def test_poor_health_needs_a_medical_confirmation_and_a_temporary_exemption_an_end_date(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("activity_exemption", unit=CELL, data={**START, "reason": "poor_health"})
    assert field_errors(refused) == {"medical_confirmation_attached": "const"}
    with pytest.raises(InvalidFormData) as refused:
        member.opens("activity_exemption", unit=CELL, data={**START, "reason": "long_treatment"})
    assert field_errors(refused) == {"period_to": "required"}


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_reports_to_the_committee_office(member, people, uow):
    case = member.opens("activity_exemption_asis", unit=CELL, data=REQUEST)
    member.completes("write_application", case, {"application_text": START["application_text"],
                                                  "medical_confirmation_attached": False})
    people.cell_secretary.completes("cell_receive", case, {"receive_decision": "return",
                                                           "cell_received_on": "2026-11-04"})
    member.completes("supplement_request", case, {"supplement_note": "Đã ký lại đơn.",
                                                  "medical_confirmation_attached": False})
    people.cell_secretary.completes("cell_receive", case, {"receive_decision": "approve",
                                                           "cell_received_on": "2026-11-06"})
    with pytest.raises(InvalidFormData) as refused:                                   # on paper too
        people.cell_secretary.completes("cell_meeting", case, {**RESOLUTION, "cell_in_favour": 7})
    assert field_errors(refused) == {"cell_in_favour": "x-more-than-half-of"}
    people.cell_secretary.completes("cell_meeting", case, {**RESOLUTION, "cell_decision": "approve"})
    people.cell_secretary.completes("cell_report", case, {"report_date": "2026-11-12",
                                                          "report_text": "Chi bộ báo cáo để cấp ủy biết."})
    people.committee_office.completes("office_receive", case, {"incoming_number": "518", "received_on": "2026-11-13"})
    people.party_building_board.completes("record_in_file", case, {"recorded_on": "2026-11-16"})
    people.cell_secretary.completes("notify_result", case, {"notified_on": "2026-11-19"})
    view = assert_completed(member, case, uow)
    assert "Ngày 10/11/2026, Chi bộ thôn Đông đã xem xét" in docx_text(render_case(view, "exemption_report"))


def test_the_paper_procedure_for_other_reasons_goes_to_the_standing_board(member, people, uow):
    case = member.opens("activity_exemption_asis", unit=CELL, data={**REQUEST, **FAR})
    member.completes("write_application", case, {"application_text": START["application_text"],
                                                  "medical_confirmation_attached": False})
    people.cell_secretary.completes("cell_receive", case, {"receive_decision": "approve",
                                                           "cell_received_on": "2026-11-04"})
    people.cell_secretary.completes("cell_meeting", case, {**RESOLUTION, "cell_decision": "approve"})
    people.cell_secretary.completes("cell_report", case, {"report_date": "2026-11-12",
                                                          "report_text": "Chi bộ đề nghị cấp ủy quyết định."})
    people.committee_office.completes("office_receive", case, {"incoming_number": "519", "received_on": "2026-11-13"})
    people.party_building_board.completes("board_appraise", case, {"appraisal": "Đủ điều kiện miễn tạm thời.",
                                                                   "proposal": "propose_approve"})
    people.standing_board.completes("committee_decide", case, {"committee_decision": "reject",
                                                               "committee_meeting_date": "2026-11-20"})
    people.cell_secretary.completes("notify_result", case, {"notified_on": "2026-11-24"})
    assert assert_completed(member, case, uow).data["committee_decision"] == "reject"


def test_the_paper_procedure_tells_the_member_when_the_cell_refuses(member, people, uow):
    case = member.opens("activity_exemption_asis", unit=CELL, data=REQUEST)
    member.completes("write_application", case, {"application_text": START["application_text"],
                                                  "medical_confirmation_attached": False})
    people.cell_secretary.completes("cell_receive", case, {"receive_decision": "approve",
                                                           "cell_received_on": "2026-11-04"})
    people.cell_secretary.completes("cell_meeting", case, {**RESOLUTION, "cell_decision": "reject",
                                                           "cell_in_favour": 4})
    people.cell_secretary.completes("notify_result", case, {"notified_on": "2026-11-12"})
    assert assert_completed(member, case, uow).data["cell_decision"] == "reject"


def test_durations_cover_both_variants():
    check_durations("activity_exemption")
