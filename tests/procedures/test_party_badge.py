"""P6, the party-seniority badge (294-QĐ/TW; 38-HD/BTCTW forms 4-HHĐ): automatic eligibility, the lists up to the
provincial standing board, the award on the anniversary; both variants."""

from datetime import datetime, timezone

import pytest

from engine.errors import InvalidFormData
from engine.services import documents
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, OTHER_CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors, fire_timers_at, render_from_case, to_pdf_text
from workflows.documents import Signer

START = {"full_name": "Vương Văn Long", "birth_date": "1968-09-02", "party_card_number": "001968090212",
         "admission_date": "1996-02-03", "recognition_date": "1997-02-03", "badge_years": 30, "occasion": "02-03",
         "occasion_year": 2027, "award_kind": "normal", "discipline": "none", "has_temporary_cell": False,
         "declaration": "Vào Đảng năm 1996, sinh hoạt liên tục, không gián đoạn."}
PROVINCE_SECRETARY = Signer("Đinh Thị Liên", "Phó Bí thư Thường trực Tỉnh ủy", title="Phó Bí thư")
AWARD_DAY = datetime(2027, 2, 2, 17, 1, tzinfo=timezone.utc)                 # 00:01 on 03/02/2027 in Hà Nội


@pytest.fixture
def member(uow):
    return Person(uow, "vuongvanlong")


def upper_levels(people, uow, case, *, signed=True):
    pin = {"pin": PIN} if signed else {}
    people.standing_board.completes("commune_list", case, {"list_number": "45-TTr/ĐU", "list_date": "2026-11-16",
                                                           "commune_comment": "Đủ điều kiện"}, **pin)
    Person(uow, "caovanhung").completes("province_appraise", case, {"appraisal_decision": "approve",
                                                                    "appraisal": "Đủ 30 năm tuổi đảng"})
    Person(uow, "dinhthilien").completes("province_decide", case, {"decision_date": "2026-11-24"}, **pin)


def test_a_thirty_year_badge_is_awarded_on_the_anniversary(member, people, uow, clock, tmp_path):
    case = member.opens("party_badge", unit=CELL, data=START)
    assert member.sees(case).data["party_months"] == 372
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "approve", "cell_comment": "Đề nghị tặng"},
                                    pin=PIN)
    upper_levels(people, uow, case)
    assert not member.sees(case).open_tasks                                   # waiting for 03/02/2027
    assert fire_timers_at(uow, clock, AWARD_DAY) == 1
    people.cell_secretary.completes("award_ceremony", case, {"ceremony_date": "2027-02-03"})
    view = assert_completed(member, case, uow)
    assert [d.key for d in documents.list_documents(uow, number=case, actor=None)] == ["badge_decision"]
    decision = render_from_case(view, "badge_decision", PROVINCE_SECRETARY)
    text = docx_text(decision)
    assert "TỈNH ỦY HƯNG YÊN" in text and "Tặng Huy hiệu 30 năm tuổi đảng cho đồng chí Vương Văn Long" in text
    assert "3/2/2027" in text
    assert "Vương Văn Long" in to_pdf_text(tmp_path, "badge_decision", view, decision)


def test_too_little_seniority_or_a_recent_warning_is_refused_automatically(member, uow):
    case = member.opens("party_badge", unit=CELL, data={**START, "admission_date": "1998-05-19",
                                                        "recognition_date": "1999-05-19"})
    assert assert_completed(member, case, uow).data["seniority_ok"] is False
    case = member.opens("party_badge", unit=CELL, data={**START, "discipline": "warning", "discipline_date": "2026-10-01"})
    view = assert_completed(member, case, uow)
    assert view.data["seniority_ok"] is True and view.data["discipline_ok"] is False


def test_a_posthumous_award_may_come_twelve_months_early(people, uow, clock):
    case = people.cell_secretary.opens("party_badge", unit=CELL, data={**START, "admission_date": "1997-06-01",
                                                                       "recognition_date": "1998-06-01",
                                                                       "award_kind": "posthumous"})
    view = people.cell_secretary.sees(case)
    assert view.data["party_months"] == 356 and view.data["eligible"] is True
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "approve", "cell_comment": "Truy tặng"},
                                    pin=PIN)
    upper_levels(people, uow, case)
    fire_timers_at(uow, clock, AWARD_DAY)
    people.cell_secretary.completes("award_ceremony", case, {"ceremony_date": "2027-02-03", "ceremony_note": "Con trai nhận thay"})
    view = assert_completed(people.cell_secretary, case, uow)
    assert "Truy tặng Huy hiệu 30 năm tuổi đảng" in docx_text(render_from_case(view, "badge_decision"))


def test_the_temporary_cell_comments_first_and_a_returned_declaration_comes_back(member, people, uow):
    case = member.opens("party_badge", unit=CELL, data={**START, "has_temporary_cell": True, "temporary_cell": OTHER_CELL})
    people.other_cell_secretary.completes("temporary_cell_comment", case, {"temporary_cell_comment": "Sinh hoạt đầy đủ"},
                                          pin=PIN)
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "return", "cell_comment": "Ghi rõ ngày vào Đảng"},
                                    pin=PIN)
    member.completes("supplement_declaration", case, {"supplement_note": "Đã ghi rõ", "admission_date": "1996-02-03"})
    assert [t.element for t in member.sees(case).open_tasks] == ["cell_propose"]    # the temporary cell is not asked again
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "reject", "cell_comment": "Chưa đề nghị"},
                                    pin=PIN)
    assert_completed(member, case, uow)


def test_the_provincial_board_may_find_the_file_ineligible(member, people, uow):
    case = member.opens("party_badge", unit=CELL, data=START)
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "approve", "cell_comment": "Đề nghị"}, pin=PIN)
    people.standing_board.completes("commune_list", case, {"list_number": "45-TTr/ĐU", "list_date": "2026-11-16",
                                                           "commune_comment": "Đủ điều kiện"}, pin=PIN)
    Person(uow, "caovanhung").completes("province_appraise", case, {"appraisal_decision": "reject",
                                                                    "appraisal": "Gián đoạn sinh hoạt 2 năm"})
    assert "decision_number" not in assert_completed(member, case, uow).data


def test_wrong_data_is_refused_field_by_field(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("party_badge", unit=CELL, data={**START, "badge_years": 35, "discipline": "warning"})
    assert field_errors(refused) == {"badge_years": "enum", "discipline_date": "required"}


def test_asis_the_file_goes_up_on_paper_and_the_badge_comes_down(member, people, uow, clock):
    case = member.opens("party_badge_asis", unit=CELL, data=START)
    member.completes("write_declaration", case, {"submitted_on": "2026-10-26"})
    people.cell_secretary.completes("cell_propose", case, {"cell_decision": "approve", "cell_comment": "Đề nghị tặng"})
    people.cell_secretary.completes("send_to_commune", case, {"sent_on": "2026-10-30"})
    people.committee_office.completes("register_at_commune", case, {"register_number": "501", "register_date": "2026-10-30"})
    people.party_building_board.completes("review_and_list", case, {"review_note": "Đủ 30 năm tuổi đảng"})
    people.standing_board.completes("commune_list", case, {"list_number": "45-TTr/ĐU", "list_date": "2026-11-04",
                                                           "commune_comment": "Đủ điều kiện"})
    people.committee_office.completes("send_to_province", case, {"sent_on": "2026-11-06"})
    Person(uow, "caovanhung").completes("province_appraise", case, {"appraisal_decision": "approve", "appraisal": "Đủ điều kiện"})
    Person(uow, "dinhthilien").completes("province_decide", case, {"decision_date": "2026-11-20"})
    Person(uow, "tathingoc").completes("issue_badges", case, {"received_on": "2026-11-23"})
    people.committee_office.completes("receive_badges", case, {"received_on": "2026-11-25"})
    fire_timers_at(uow, clock, AWARD_DAY)
    people.cell_secretary.completes("award_ceremony", case, {"ceremony_date": "2027-02-03"})
    view = assert_completed(member, case, uow)
    assert "Số 01-QĐ/TU" in docx_text(render_from_case(view, "badge_decision"))
