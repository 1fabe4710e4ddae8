"""P3b, temporary transfer of party activity (294-QĐ/TW §6.3): the duration check, the letter issued by the cell or the
commune committee, the temporary period as a timer, extension and return; both variants."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.errors import InvalidFormData
from engine.services import documents
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, OTHER_CELL, Person
from tests.procedures.common import (CELL_SECRETARY, assert_completed, docx_text, field_errors, fire_timers_at,
                                     render_from_case, to_pdf_text)

START = {"full_name": "Trần Thị Bình", "party_card_number": "012345678901", "temporary_reason": "study",
         "reason_detail": "Được cử đi học cao cấp lý luận chính trị tập trung tại Hà Nội",
         "temporary_from": "2026-12-01", "temporary_until": "2027-06-30", "transfer_scope": "external",
         "receiving_unit": "HN-BADINH-TDP3", "temporary_place": "Ký túc xá Học viện, phường Ba Đình, Hà Nội",
         "commitment": True}
APPROVE = {"cell_check_decision": "approve", "cell_comment": "Đồng ý cho đồng chí sinh hoạt tạm thời",
           "letter_number": "9", "letter_date": "2026-11-26"}
LETTER = {"commune_letter_number": "31", "commune_letter_date": "2026-11-27"}
COMMENT = {"temporary_activity_comment": "Đồng chí tham gia sinh hoạt đầy đủ, hoàn thành nhiệm vụ được phân công",
           "extension_requested": False}


@pytest.fixture
def member(uow):
    return Person(uow, "tranthibinh")


@pytest.fixture
def hanoi_secretary(uow):
    return Person(uow, "kieuvanvinh")


def test_study_in_another_province_runs_to_the_member_s_return(member, hanoi_secretary, people, uow, clock, tmp_path):
    case = member.opens("transfer_temporary", unit=CELL, data=START)
    assert member.sees(case).data["temporary_months"] == 6
    people.cell_secretary.completes("cell_check", case, APPROVE, pin=PIN)
    clock.advance(days=1)
    people.standing_board.completes("issue_temporary_letter", case, LETTER, pin=PIN)
    clock.advance(days=4)                                                     # she arrives on 01/12/2026
    hanoi_secretary.completes("receive_temporary", case, {"received_on": "2026-12-01"}, pin=PIN)
    assert fire_timers_at(uow, clock, datetime(2027, 6, 30, 16, 0, tzinfo=timezone.utc)) == 0     # 23:00 on 30/06
    assert fire_timers_at(uow, clock, datetime(2027, 6, 30, 17, 1, tzinfo=timezone.utc)) == 1
    hanoi_secretary.completes("temporary_comment", case, COMMENT, pin=PIN)
    clock.advance(days=4)
    people.cell_secretary.completes("record_return", case, {"returned_on": "2027-07-05"})
    view = assert_completed(member, case, uow)
    produced = {d.key for d in documents.list_documents(uow, number=case, actor=None)}
    assert produced == {"temporary_transfer_letter"}
    letter = render_from_case(view, "temporary_transfer_letter")
    text = docx_text(letter)
    assert "Đảng ủy xã Tân Tiến trân trọng giới thiệu đồng chí Trần Thị Bình" in text
    assert "từ ngày 01/12/2026 đến ngày 30/06/2027" in text
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in to_pdf_text(tmp_path, "temporary_transfer_letter", view, letter)


def test_within_the_commune_the_cell_issues_the_letter_and_an_extension_is_granted(member, people, uow, clock):
    case = member.opens("transfer_temporary", unit=CELL, data={**START, "transfer_scope": "internal",
                                                                "receiving_unit": OTHER_CELL,
                                                                "temporary_reason": "residence_or_work",
                                                                "temporary_until": "2027-03-31"})
    people.cell_secretary.completes("cell_check", case, APPROVE, pin=PIN)
    text = docx_text(render_from_case(member.sees(case), "temporary_transfer_letter", CELL_SECRETARY))
    assert "CHI ỦY CHI BỘ THÔN ĐÔNG" in text and "T/M CHI ỦY" in text
    clock.advance(days=4)
    people.other_cell_secretary.completes("receive_temporary", case, {"received_on": "2026-11-30"}, pin=PIN)
    fire_timers_at(uow, clock, datetime(2027, 4, 1, 1, tzinfo=timezone.utc))
    people.other_cell_secretary.completes("temporary_comment", case, {**COMMENT, "extension_requested": True,
                                                                      "new_until": "2027-08-31"}, pin=PIN)
    people.cell_secretary.completes("approve_extension", case, {"extension_decision": "approve",
                                                                "extension_note": "Đồng ý gia hạn đến 31/8/2027"})
    view = member.sees(case)
    assert view.data["extension_ok"] is True and view.data["temporary_until"] == "2027-08-31"
    assert fire_timers_at(uow, clock, datetime(2027, 8, 31, 17, 1, tzinfo=timezone.utc)) == 1
    people.other_cell_secretary.completes("temporary_comment", case, COMMENT, pin=PIN)
    clock.advance(days=2)
    people.cell_secretary.completes("record_return", case, {"returned_on": "2027-09-03"})
    assert_completed(member, case, uow)


def test_an_extension_beyond_the_limit_is_refused_automatically(member, people, uow, clock):
    case = member.opens("transfer_temporary", unit=CELL, data={**START, "transfer_scope": "internal",
                                                                "receiving_unit": OTHER_CELL,
                                                                "temporary_reason": "residence_or_work"})
    people.cell_secretary.completes("cell_check", case, APPROVE, pin=PIN)
    clock.advance(days=4)
    people.other_cell_secretary.completes("receive_temporary", case, {"received_on": "2026-11-30"}, pin=PIN)
    fire_timers_at(uow, clock, datetime(2027, 7, 1, 1, tzinfo=timezone.utc))
    people.other_cell_secretary.completes("temporary_comment", case, {**COMMENT, "extension_requested": True,
                                                                      "new_until": "2027-12-31"}, pin=PIN)
    people.cell_secretary.completes("approve_extension", case, {"extension_decision": "approve", "extension_note": "Đồng ý"})
    view = member.sees(case)
    assert view.data["extension_ok"] is False and [t.element for t in view.open_tasks] == ["record_return"]


def test_a_too_long_stay_is_not_a_temporary_transfer(member, uow):
    case = member.opens("transfer_temporary", unit=CELL, data={**START, "temporary_reason": "residence_or_work",
                                                                "temporary_until": "2028-01-31"})
    assert assert_completed(member, case, uow).data["duration_ok"] is False


def test_a_returned_request_pauses_and_a_rejection_ends(member, people, uow, clock):
    case = member.opens("transfer_temporary", unit=CELL, data=START)
    people.cell_secretary.completes("cell_check", case, {"cell_check_decision": "return",
                                                         "cell_comment": "Bổ sung quyết định cử đi học"}, pin=PIN)
    member.completes("supplement_request", case, {"supplement_note": "Đã bổ sung quyết định",
                                                  "temporary_from": "2026-12-01", "temporary_until": "2027-05-31"})
    assert member.sees(case).data["temporary_months"] == 5
    people.cell_secretary.completes("cell_check", case, {"cell_check_decision": "reject",
                                                         "cell_comment": "Chưa đủ căn cứ"}, pin=PIN)
    assert_completed(member, case, uow)


def test_a_receiving_cell_idle_for_thirty_working_days_is_followed_up(member, hanoi_secretary, people, uow, clock):
    case = member.opens("transfer_temporary", unit=CELL, data=START)
    people.cell_secretary.completes("cell_check", case, APPROVE, pin=PIN)
    clock.advance(days=1)
    people.standing_board.completes("issue_temporary_letter", case, LETTER, pin=PIN)
    assert fire_timers_at(uow, clock, clock.now() + timedelta(days=60)) == 1
    people.committee_office.completes("follow_up_receiving", case, {"follow_up_note": "Chi bộ nơi đến chưa họp"})
    assert hanoi_secretary.task("receive_temporary", case)


def test_wrong_data_is_refused_field_by_field(member, people):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_temporary", unit=CELL, data={**START, "temporary_until": "30/06/2027", "commitment": False})
    assert field_errors(refused) == {"temporary_until": "format", "commitment": "const"}
    case = member.opens("transfer_temporary", unit=CELL, data=START)
    with pytest.raises(InvalidFormData) as refused:        # approving issues the letter: it needs its date
        people.cell_secretary.completes("cell_check", case, {"cell_check_decision": "approve", "cell_comment": "Đồng ý"},
                                        pin=PIN)
    assert field_errors(refused) == {"letter_date": "required"}


# --- As-is (paper) ------------------------------------------------------------------------------------------------

def test_asis_the_member_carries_the_application_and_the_letter(member, hanoi_secretary, people, uow, clock):
    case = member.opens("transfer_temporary_asis", unit=CELL, data=START)
    member.completes("write_application", case, {"application_submitted_on": "2026-11-26"})
    people.cell_secretary.completes("cell_check", case, {"cell_check_decision": "return", "cell_comment": "Bổ sung"})
    member.completes("supplement_request", case, {"supplement_note": "Đã bổ sung", "temporary_from": "2026-12-01",
                                                  "temporary_until": "2027-06-30"})
    people.cell_secretary.completes("cell_check", case, APPROVE)
    clock.advance(days=1)
    member.completes("carry_to_commune", case, {"handed_on": "2026-11-27"})
    people.committee_office.completes("register_and_draft", case, {"register_number": "77", "register_date": "2026-11-27"})
    people.standing_board.completes("issue_temporary_letter", case, LETTER)
    clock.advance(days=5)
    member.completes("present_letter", case, {"handed_on": "2026-12-02"})
    hanoi_secretary.completes("receive_temporary", case, {"received_on": "2026-12-02"})
    fire_timers_at(uow, clock, datetime(2027, 7, 1, 1, tzinfo=timezone.utc))
    hanoi_secretary.completes("temporary_comment", case, COMMENT)
    clock.advance(days=2)
    member.completes("carry_comment_back", case, {"handed_on": "2027-07-03"})
    clock.advance(days=2)
    people.cell_secretary.completes("record_return", case, {"returned_on": "2027-07-05"})
    assert_completed(member, case, uow)


def test_asis_a_late_presentation_is_followed_up(member, people, uow, clock):
    case = member.opens("transfer_temporary_asis", unit=CELL, data={**START, "transfer_scope": "internal",
                                                                     "receiving_unit": OTHER_CELL})
    member.completes("write_application", case, {"application_submitted_on": "2026-11-26"})
    people.cell_secretary.completes("cell_check", case, APPROVE)
    assert fire_timers_at(uow, clock, clock.now() + timedelta(days=60)) == 1
    people.committee_office.completes("follow_up_receiving", case, {"follow_up_note": "Đảng viên chưa xuất trình"})
    clock.advance(days=1)
    member.completes("present_letter", case, {"handed_on": "2027-01-26"})
    assert people.other_cell_secretary.task("receive_temporary", case)
