"""P9, annual review and rating of members (Quy định 124-QĐ/TW, Hướng dẫn 25-HD/BTCTW), both variants, through the
engine services: every member reviews themself in parallel, the cell proposes, the commune's board recognises."""

import pytest

from engine.errors import InvalidFormData
from tests.people import CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import COMMUNE_SECRETARY, check_durations, open_elements, pdf_text, render_case

MEMBERS = ["tranthibinh", "levancuong", "phamthidung"]
NAMES = {"tranthibinh": "Trần Thị Bình", "levancuong": "Lê Văn Cường", "phamthidung": "Phạm Thị Dung"}
START = {"year": 2026, "members": MEMBERS}
RATING = {"cell_meeting_date": "2026-11-12", "cell_full_members": 15, "cell_present": 14,
          "excellent_members": [], "good_members": ["tranthibinh", "phamthidung"], "fulfilled_members": ["levancuong"],
          "not_fulfilled_members": [], "cell_comment": "Các đồng chí hoàn thành nhiệm vụ được giao."}
DECIDE = {"committee_decision": "approve", "committee_meeting_date": "2026-11-20"}
ISSUE = {"decision_date": "2026-11-23"}


def review(username: str, rating: str = "good") -> dict:
    return {"full_name": NAMES[username], "position": "Đảng viên chi bộ thôn Đông",
            "achievements": "Hoàn thành tốt nhiệm vụ chuyên môn và nhiệm vụ đảng viên.",
            "shortcomings": "Đôi khi chưa chủ động.", "remedies": "Chủ động hơn trong công việc.",
            "self_rating": rating}


def self_reviews(uow, case: str) -> None:
    for username in MEMBERS:
        Person(uow, username).completes("self_review", case, review(username))


# --- Re-engineered -------------------------------------------------------------------------------------------

def test_members_review_in_parallel_and_the_board_recognises_the_ratings(people, uow, tmp_path):
    case = people.cell_secretary.opens("annual_rating", unit=CELL, data=START)
    assert sorted(t.element for t in people.cell_secretary.sees(case).open_tasks) == ["self_review"] * 3
    self_reviews(uow, case)
    people.cell_secretary.completes("cell_rating", case, RATING)
    assert people.cell_secretary.sees(case).data["rating_valid"] is True
    people.standing_board.completes("committee_decide", case, DECIDE)
    people.committee_office.completes("issue_decision", case, ISSUE)
    view = assert_completed(people.cell_secretary, case, uow)
    assert view.data["results_published"] is True and len(view.data["self_reviews"]) == 3
    minutes = docx_text(render_case(view, "rating_minutes"))
    assert "BIÊN BẢN" in minutes and "Lê Văn Cường" in minutes and "Hoàn thành nhiệm vụ" in minutes
    decision = render_case(view, "rating_decision", COMMUNE_SECRETARY)
    assert "- Hoàn thành tốt nhiệm vụ (2): Trần Thị Bình, Phạm Thị Dung." in docx_text(decision)
    pdf = pdf_text(tmp_path, {"rating_decision": decision}, view)["rating_decision"]
    assert "Số 01-QĐ/ĐU" in pdf and "Trần Thị Bình" in pdf


def test_an_incomplete_list_or_too_many_excellent_members_go_back_to_the_cell(people, uow):
    case = people.cell_secretary.opens("annual_rating", unit=CELL, data=START)
    self_reviews(uow, case)
    people.cell_secretary.completes("cell_rating", case, {**RATING, "fulfilled_members": []})
    data = people.cell_secretary.sees(case).data
    assert data["all_rated"] is False and open_elements(people.cell_secretary, case) == ["cell_rating"]
    people.cell_secretary.completes("cell_rating", case, {**RATING, "excellent_members": ["tranthibinh"],
                                                          "good_members": ["phamthidung"]})
    data = people.cell_secretary.sees(case).data
    assert data["quota_ok"] is False and "vượt 20%" in data["rating_problems"][0]
    people.cell_secretary.completes("cell_rating", case, RATING)
    people.standing_board.completes("committee_decide", case, {**DECIDE, "committee_decision": "return"})
    people.cell_secretary.completes("cell_rating", case, RATING)
    people.standing_board.completes("committee_decide", case, DECIDE)
    people.committee_office.completes("issue_decision", case, ISSUE)
    assert_completed(people.cell_secretary, case, uow)


def test_a_self_rating_must_be_one_of_the_four_levels(people, uow):
    case = people.cell_secretary.opens("annual_rating", unit=CELL, data=START)
    with pytest.raises(InvalidFormData) as refused:
        Person(uow, "levancuong").completes("self_review", case, review("levancuong", rating="very_good"))
    assert field_errors(refused) == {"self_rating": "enum"}


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_collects_comments_and_passes_the_office(people, uow):
    case = people.cell_secretary.opens("annual_rating_asis", unit=CELL, data=START)
    people.cell_secretary.completes("distribute_forms", case, {"forms_given_on": "2026-11-02",
                                                               "submit_by": "2026-11-09"})
    self_reviews(uow, case)
    people.cell_secretary.completes("collect_comments", case, {"residence_comments_received": 3,
                                                               "workplace_assessments_received": 2})
    people.cell_secretary.completes("cell_meeting", case, RATING)
    people.cell_secretary.completes("compile_report", case, {"report_date": "2026-11-13", "sent_on": "2026-11-13"})
    people.committee_office.completes("office_receive", case, {"incoming_number": "601", "received_on": "2026-11-16"})
    people.party_building_board.completes("board_appraise", case, {"board_decision": "return",
                                                                   "board_comment": "Xem lại mức xếp loại."})
    people.cell_secretary.completes("cell_meeting", case, RATING)
    people.cell_secretary.completes("compile_report", case, {"report_date": "2026-11-18", "sent_on": "2026-11-18"})
    people.committee_office.completes("office_receive", case, {"incoming_number": "622", "received_on": "2026-11-19"})
    people.party_building_board.completes("board_appraise", case, {"board_decision": "approve",
                                                                   "board_comment": "Đúng quy định."})
    people.standing_board.completes("committee_decide", case, DECIDE)
    people.committee_office.completes("issue_decision", case, ISSUE)
    people.cell_secretary.completes("publicise", case, {"announced_on": "2026-11-25", "records_updated": True})
    view = assert_completed(people.cell_secretary, case, uow)
    assert "Công nhận kết quả" in docx_text(render_case(view, "rating_decision"))


def test_durations_cover_both_variants():
    check_durations("annual_rating")
