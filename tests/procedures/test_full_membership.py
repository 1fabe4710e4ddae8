"""P2, recognition as a full member after 12 months of probation (294-QĐ/TW §4.2–4.3), both variants."""

from datetime import datetime, timedelta, timezone

import pytest

from engine.errors import InvalidFormData
from engine.services import documents
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, Person
from tests.procedures.common import (COMMUNE_SECRETARY, assert_completed, docx_text, field_errors, fire_timers_at,
                                     render_from_case, to_pdf_text)
from workflows.functions import working_days_end_at

START = {"full_name": "Mai Thị Thu", "birth_date": "1998-07-15", "admission_decision_number": "98-QĐ/ĐU",
         "admission_decision_date": "2025-11-03", "admission_ceremony_date": "2025-11-10", "helper": "levancuong",
         "self_review": "Trong thời gian dự bị tôi luôn chấp hành nghiêm Điều lệ Đảng, hoàn thành tốt nhiệm vụ.",
         "commitment": True}
HELPER = {"helper_assessment": "Đồng chí có lập trường vững vàng, tích cực trong công tác, đạo đức tốt.",
          "helper_recommends": True}
COMMENTS = {"mass_organisation_comment": "Công đoàn nhận xét tốt", "residence_comment": "Chi ủy nơi cư trú nhận xét tốt"}
VOTE = {"cell_meeting_date": "2026-11-16", "cell_full_members": 12, "cell_present": 11, "recognition_in_favour": 11,
        "removal_in_favour": 0, "cell_vote_method": "bỏ phiếu kín"}
DECIDE = {"committee_meeting_date": "2026-11-23", "committee_members": 5, "committee_in_favour": 5,
          "membership_outcome": "recognise"}


@pytest.fixture
def member(uow):
    return Person(uow, "maithithu")


def comments(people, case):
    people.introducer2.completes("helper_comment", case, HELPER)             # levancuong, named in the data
    people.cell_secretary.completes("collect_comments", case, COMMENTS)


def upper_levels(people, case, decide=DECIDE):
    people.party_building_board.completes("appraise", case, {"appraisal": "Hồ sơ đầy đủ, đúng quy trình",
                                                             "proposal": decide["membership_outcome"]})
    people.standing_board.completes("committee_decide", case, decide, pin=PIN)
    people.committee_office.completes("issue_decision", case, {"decision_date": "2026-11-24"})


def test_the_probationary_member_is_recognised(member, people, uow, tmp_path):
    case = member.opens("full_membership", unit=CELL, data=START)
    tasks = {t.element for t in member.sees(case).open_tasks}
    assert tasks == {"helper_comment", "collect_comments"}                    # in parallel
    comments(people, case)
    people.cell_secretary.completes("cell_vote", case, VOTE, pin=PIN)             # 12 months ended on 10/11/2026
    upper_levels(people, case)
    view = assert_completed(member, case, uow)
    assert view.data["probation_end"] == "2026-11-10" and view.data["cell_proposal"] == "recognise"
    produced = {d.key: d.signed for d in documents.list_documents(uow, number=case, actor=None)}
    assert produced == {"full_membership_cell_resolution": True, "full_membership_decision": True}
    decision = render_from_case(view, "full_membership_decision", COMMUNE_SECRETARY)
    text = docx_text(decision)
    assert "Số 01-QĐ/ĐU" in text and "là đảng viên chính thức kể từ ngày 10/11/2026" in text
    assert "CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC" in to_pdf_text(tmp_path, "full_membership_decision", view, decision).upper()
    assert "đề nghị công nhận" in docx_text(render_from_case(view, "full_membership_cell_resolution"))


def test_the_cell_waits_for_the_end_of_probation(member, people, uow, clock):
    case = member.opens("full_membership", unit=CELL, data={**START, "admission_ceremony_date": "2026-03-02"})
    comments(people, case)
    assert not member.sees(case).open_tasks                                   # waiting for 02/03/2027
    assert fire_timers_at(uow, clock, datetime(2027, 3, 2, 17, 1, tzinfo=timezone.utc)) == 1
    assert people.cell_secretary.task("cell_vote", case)
    due = member.sees(case).data["cell_vote_due_at"]
    assert due == working_days_end_at("2027-03-02", 30)
    assert fire_timers_at(uow, clock, datetime.fromisoformat(due.replace("Z", "+00:00")) + timedelta(minutes=1)) == 1
    people.committee_office.completes("remind_cell_vote", case, {"reminder_note": "Đề nghị chi bộ họp xét ngay"})
    clock.advance(days=6)                                                     # the cell meets on 20/04/2027
    people.cell_secretary.completes("cell_vote", case, {**VOTE, "cell_meeting_date": "2027-04-20"}, pin=PIN)
    assert people.party_building_board.task("appraise", case)


def test_three_failed_votes_go_to_the_standing_board_which_removes(member, people, uow):
    case = member.opens("full_membership", unit=CELL, data=START)
    comments(people, case)
    for round_ in range(3):
        people.cell_secretary.completes("cell_vote", case, {**VOTE, "recognition_in_favour": 7, "removal_in_favour": 5},
                                        pin=PIN)
    view = member.sees(case)
    assert view.data["vote_rounds"] == 3 and view.data["escalated"] is True
    upper_levels(people, case, {**DECIDE, "membership_outcome": "remove", "committee_in_favour": 4})
    view = assert_completed(member, case, uow)
    text = docx_text(render_from_case(view, "full_membership_decision"))
    assert "XÓA TÊN ĐẢNG VIÊN DỰ BỊ" in text.upper() and "Xóa tên đồng chí Mai Thị Thu" in text


def test_a_board_below_two_thirds_ends_the_case(member, people, uow):
    case = member.opens("full_membership", unit=CELL, data=START)
    comments(people, case)
    people.cell_secretary.completes("cell_vote", case, VOTE, pin=PIN)
    people.party_building_board.completes("appraise", case, {"appraisal": "Đủ điều kiện", "proposal": "recognise"})
    people.standing_board.completes("committee_decide", case, {**DECIDE, "committee_in_favour": 3}, pin=PIN)
    assert assert_completed(member, case, uow).data["committee_passed"] is False


def test_wrong_data_is_refused_field_by_field(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("full_membership", unit=CELL, data={**START, "helper": "Lê Văn Cường",
                                                          "admission_decision_number": "98/QĐ"})
    assert field_errors(refused) == {"helper": "pattern", "admission_decision_number": "pattern"}


def test_the_probationary_member_names_a_member_of_her_cell_as_helper_not_herself_nor_an_outsider(member):
    # the helper writes the comment on her probation: she cannot write it herself, nor can the provincial cipher office
    with pytest.raises(InvalidFormData) as refused:
        member.opens("full_membership", unit=CELL, data={**START, "helper": "maithithu"})
    assert field_errors(refused) == {"helper": "x-not-self"}
    with pytest.raises(InvalidFormData) as refused:
        member.opens("full_membership", unit=CELL, data={**START, "helper": "lyvanminh"})
    assert field_errors(refused) == {"helper": "x-holders-of"}


def test_asis_comments_are_gathered_one_after_another_on_paper(member, people, uow):
    case = member.opens("full_membership_asis", unit=CELL, data=START)
    people.introducer2.completes("helper_comment", case, HELPER)
    people.cell_secretary.completes("collect_mass_organisation_comment", case,
                                    {"mass_organisation_comment": "Công đoàn nhận xét tốt"})
    people.cell_secretary.completes("request_residence_comment", case, {"request_sent_on": "2026-11-11"})
    member.completes("carry_residence_form", case, {"handed_on": "2026-11-13"})
    people.cell_secretary.completes("receive_residence_comment", case, {"residence_comment": "Chi ủy nơi cư trú nhận xét tốt"})
    people.cell_secretary.completes("cell_vote", case, VOTE)
    people.cell_secretary.completes("send_dossier", case, {"sent_on": "2026-11-17"})
    people.committee_office.completes("register_dossier", case, {"register_number": "140", "register_date": "2026-11-18"})
    upper_levels(people, case)
    people.cell_secretary.completes("announce_decision", case, {"announced_on": "2026-11-25"})
    view = assert_completed(member, case, uow)
    assert "Số 01-QĐ/ĐU" in docx_text(render_from_case(view, "full_membership_decision"))
