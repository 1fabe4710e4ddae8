"""P4, the residence cell's comment on a member who works elsewhere (213-QĐ/TW, 33-HD/BTCTW), both variants."""

from datetime import timedelta

import pytest

from engine import deadlines
from engine.errors import InvalidFormData
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors, fire_timers_at, render_from_case, to_pdf_text
from workflows.documents import Signer

RESIDENCE_CELL = "HY-HONGCHAU-KP1"          # another ward: the step goes to its secretary through scope data:
START = {"full_name": "Trần Thị Bình", "party_card_number": "012345678901", "comment_year": 2026,
         "purpose": "annual_review", "workplace_name": "Hợp tác xã nông nghiệp Tân Tiến",
         "residence_unit": RESIDENCE_CELL, "residence_address": "Số 12, khu phố 1, phường Hồng Châu",
         "exempt_category": "none",
         "contact_report": "Tôi đã đăng ký sinh hoạt nơi cư trú, tham gia các buổi sinh hoạt khu phố và hoạt động tình nguyện."}
COMMENT = {"comment_decision": "comment", "cell_meeting_date": "2026-12-03",
           "contact_comment": "Thường xuyên giữ mối liên hệ với chi ủy và nhân dân khu phố",
           "citizen_duty_comment": "Chấp hành tốt quy định của địa phương, tham gia đầy đủ các phong trào",
           "conduct_comment": "Gia đình gương mẫu, đoàn kết với hàng xóm", "overall_assessment": "exemplary"}
RESIDENCE_SECRETARY = Signer("Đỗ Thị Lan", "Bí thư Chi bộ khu phố 1")


@pytest.fixture
def member(uow):
    return Person(uow, "tranthibinh")


@pytest.fixture
def residence_secretary(uow):
    return Person(uow, "dothilan")


def test_the_residence_cell_in_another_ward_comments_and_signs(member, residence_secretary, people, uow, clock,
                                                              tmp_path):
    case = member.opens("residence_comment", unit=CELL, data=START)
    task = residence_secretary.task("comment_on_member", case)
    assert task.unit == RESIDENCE_CELL and not people.cell_secretary.inbox()      # not the workplace secretary's
    clock.advance(days=7)                                                         # the residence cell meets on 03/12
    residence_secretary.completes("comment_on_member", case, COMMENT, pin=PIN)
    view = assert_completed(member, case, uow)
    assert view.data["overall_assessment"] == "exemplary"
    form = render_from_case(view, "residence_comment_form", RESIDENCE_SECRETARY, uow=uow)
    text = docx_text(form)
    assert "PHIẾU NHẬN XÉT" in text and "Gương mẫu thực hiện tốt." in text
    assert "CHI ỦY CHI BỘ KHU PHỐ 1" in text and "ĐẢNG BỘ PHƯỜNG HỒNG CHÂU" in text and "HY-HONGCHAU" not in text
    assert "Hồng Châu, ngày 03 tháng 12 năm 2026" in text
    assert "Trần Thị Bình" in to_pdf_text(tmp_path, "residence_comment_form", view, form)


def test_a_returned_request_pauses_the_case_deadline(member, residence_secretary, uow, clock):
    case = member.opens("residence_comment", unit=CELL, data=START)
    due = member.sees(case).due_at
    assert deadlines.last_day(due) > deadlines.last_day(clock.now())
    residence_secretary.completes("comment_on_member", case, {"comment_decision": "return",
                                                              "return_reason": "Chưa đăng ký sinh hoạt nơi cư trú"}, pin=PIN)
    assert member.sees(case).due_at is None                                       # paused while with the member
    clock.advance(days=7)
    member.completes("supplement_request", case, {"supplement_note": "Đã đăng ký tại chi bộ khu phố 1",
                                                  "residence_address": "Số 12, khu phố 1, phường Hồng Châu"})
    assert member.sees(case).due_at > due                                         # resumed, a week later
    residence_secretary.completes("comment_on_member", case, COMMENT, pin=PIN)
    assert_completed(member, case, uow)


def test_an_exempt_member_needs_no_annual_comment(member, uow):
    case = member.opens("residence_comment", unit=CELL, data={**START, "exempt_category": "student_away"})
    assert_completed(member, case, uow)
    needed = member.opens("residence_comment", unit=CELL, data={**START, "exempt_category": "student_away",
                                                                "purpose": "appointment"})
    assert member.sees(needed).open_tasks[0].element == "comment_on_member"


def test_a_late_residence_cell_is_reminded_after_ten_working_days(member, people, uow, clock):
    case = member.opens("residence_comment", unit=CELL, data=START)
    assert fire_timers_at(uow, clock, deadlines.due_at("10WD", clock.now()) + timedelta(minutes=1)) == 1
    people.cell_secretary.completes("remind_residence", case, {"reminder_note": "Đã gọi điện đôn đốc chi bộ khu phố 1"})
    assert [t.element for t in member.sees(case).open_tasks] == ["comment_on_member"]


def test_wrong_data_is_refused_field_by_field(member, residence_secretary, clock):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("residence_comment", unit=CELL, data={**START, "residence_unit": "chi bộ khu phố 1"})
    assert field_errors(refused) == {"residence_unit": "pattern"}
    case = member.opens("residence_comment", unit=CELL, data=START)
    clock.advance(days=7)
    with pytest.raises(InvalidFormData) as refused:                 # a comment needs its three parts
        residence_secretary.completes("comment_on_member", case, {"comment_decision": "comment",
                                                                  "cell_meeting_date": "2026-12-03"}, pin=PIN)
    assert set(field_errors(refused)) == {"contact_comment", "citizen_duty_comment", "conduct_comment",
                                          "overall_assessment"}


def test_asis_the_member_carries_the_paper_form_both_ways(member, residence_secretary, people, uow, clock):
    case = member.opens("residence_comment_asis", unit=CELL, data=START)
    people.cell_secretary.completes("issue_request_form", case, {"request_decision": "issue", "request_letter_number": "12"})
    clock.advance(days=4)                                                     # 30/11/2026
    member.completes("deliver_form", case, {"delivered_on": "2026-11-30"})
    residence_secretary.completes("comment_on_member", case, {"comment_decision": "return",
                                                              "return_reason": "Thiếu xác nhận đăng ký"}, pin=PIN)
    member.completes("supplement_request", case, {"supplement_note": "Đã bổ sung",
                                                  "residence_address": "Số 12, khu phố 1, phường Hồng Châu"})
    clock.advance(days=3)                                                     # the cell meets on 03/12/2026
    residence_secretary.completes("comment_on_member", case, COMMENT, pin=PIN)
    clock.advance(days=1)
    residence_secretary.completes("sign_and_return", case, {"signed_on": "2026-12-04"})
    clock.advance(days=3)
    member.completes("return_form", case, {"returned_on": "2026-12-07"})
    people.cell_secretary.completes("receive_comment", case, {"received_on": "2026-12-07"})
    view = assert_completed(member, case, uow)
    assert "Gương mẫu thực hiện tốt." in docx_text(render_from_case(view, "residence_comment_form"))


def test_asis_the_workplace_cell_decides_no_comment_is_needed(member, people, uow):
    case = member.opens("residence_comment_asis", unit=CELL, data={**START, "exempt_category": "armed_forces_away"})
    people.cell_secretary.completes("issue_request_form", case, {"request_decision": "not_needed"})
    assert_completed(member, case, uow)
