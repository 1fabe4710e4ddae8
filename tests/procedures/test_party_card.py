"""P7, re-issue or exchange of a party card (12-HD/BTCTW 2022 §2.2(c); 38-HD/BTCTW), both variants, through the
engine services."""

import pytest

from engine.errors import InvalidFormData
from engine.services import documents
from tests.people import CELL, Person
from tests.procedures.common import assert_completed, docx_text, field_errors
from tests.procedures.variants import (CELL_SECRETARY, COMMUNE_SECRETARY, check_durations, open_elements, pdf_text,
                                       render_case)

IDENTITY = {"full_name": "Lê Văn Cường", "birth_date": "1985-04-12", "card_number": "012345678901",
            "recognition_date": "2012-06-01", "request_type": "reissue", "incident_date": "2026-10-05"}
START = {**IDENTITY, "self_review": "Tôi để thất lạc thẻ đảng viên khi đi công tác, đã báo chi bộ ngay và nhận khuyết "
                                   "điểm.", "photos_attached": True, "commitment": True}
APPROVE = {"cell_decision": "approve", "good_reason": True, "cell_meeting_date": "2026-10-20",
           "cell_comment": "Lý do chính đáng, đề nghị cấp lại."}
LIST = {"board_decision": "approve", "list_date": "2026-10-26", "database_checked": True,
        "board_comment": "Thông tin khớp cơ sở dữ liệu."}
DECIDE = {"standing_decision": "approve", "standing_meeting_date": "2026-11-09"}
ISSUE = {"decision_date": "2026-11-10"}
HANDOVER = {"handover_date": "2026-11-18", "card_received": True}


@pytest.fixture
def member(uow):
    return Person(uow, "levancuong")


# --- Re-engineered -------------------------------------------------------------------------------------------

def test_a_lost_card_is_reissued_on_line_and_the_documents_render(member, people, uow, tmp_path):
    case = member.opens("party_card", unit=CELL, data=START)
    assert member.sees(case).data["list_form"] == "2-TĐV"
    people.cell_secretary.completes("cell_review", case, APPROVE)
    people.party_building_board.completes("appraise_list", case, LIST)
    people.standing_board.completes("decide", case, DECIDE)
    people.committee_office.completes("issue_decision", case, ISSUE)
    people.cell_secretary.completes("handover_card", case, HANDOVER)
    view = assert_completed(member, case, uow)
    assert view.data["issued_card_number"] == "012345678901" and view.data["member_database_updated"] is True
    decisions = sorted((d for d in documents.list_documents(uow, number=case, actor=None) if d.key == "card_decision"),
                       key=lambda d: d.version)    # signed by the standing board, then numbered and sealed
    assert [(d.version, d.signature_kind) for d in decisions] == [(1, "person"), (2, "seal")]
    _, numbered = documents.open_document(uow, document_id=decisions[1].id, actor=None)
    assert "Số 01-QĐ/ĐU" in docx_text(numbered)

    listed = docx_text(render_case(view, "card_request_list"))
    assert "DANH SÁCH" in listed and "Mẫu 2A-TĐV" in listed and "012345678901" in listed
    decision = render_case(view, "card_decision", COMMUNE_SECRETARY)
    text = docx_text(decision)
    assert "Số 01-QĐ/ĐU" in text and "Tân Tiến, ngày 10 tháng 11 năm 2026" in text
    assert "Điều 1. Cấp lại thẻ đảng viên cho đồng chí Lê Văn Cường" in text
    pdf = pdf_text(tmp_path, {"card_decision": decision}, view)["card_decision"]
    assert "QUYẾT ĐỊNH" in pdf and "Lê Văn Cường" in pdf


def test_a_returned_request_pauses_and_a_loss_without_good_reason_goes_through_discipline(member, people, uow):
    case = member.opens("party_card", unit=CELL, data={**START, "request_type": "exchange",
                                                       "damaged_card_returned": True})
    assert member.sees(case).data["consolidated_form"] == "3A-TĐV"
    people.cell_secretary.completes("cell_review", case, {**APPROVE, "cell_decision": "return",
                                                          "cell_comment": "Bổ sung ảnh."})
    member.completes("supplement_request", case, {"supplement_note": "Đã tải lên ảnh mới."})
    people.cell_secretary.completes("cell_review", case, {**APPROVE, "good_reason": False})
    people.cell_secretary.completes("discipline_review", case, {
        "discipline_result": "lesson", "discipline_meeting_date": "2026-10-22", "discipline_note": "Rút kinh nghiệm."})
    people.party_building_board.completes("appraise_list", case, {**LIST, "board_decision": "return"})
    assert open_elements(people.cell_secretary, case) == ["cell_review"]
    people.cell_secretary.completes("cell_review", case, APPROVE)
    people.party_building_board.completes("appraise_list", case, LIST)
    people.standing_board.completes("decide", case, {**DECIDE, "standing_decision": "reject"})
    view = assert_completed(member, case, uow)
    assert "issued_card_number" not in view.data


def test_the_cell_may_refuse(member, people, uow):
    case = member.opens("party_card", unit=CELL, data=START)
    people.cell_secretary.completes("cell_review", case, {**APPROVE, "cell_decision": "reject"})
    assert assert_completed(member, case, uow).data["cell_decision"] == "reject"


def test_a_card_number_must_have_twelve_digits_and_an_exchange_returns_the_old_card(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("party_card", unit=CELL, data={**START, "card_number": "12345678901"})
    assert field_errors(refused) == {"card_number": "pattern"}
    with pytest.raises(InvalidFormData) as refused:
        member.opens("party_card", unit=CELL, data={**START, "request_type": "exchange"})
    assert field_errors(refused) == {"damaged_card_returned": "required"}
    with pytest.raises(InvalidFormData) as refused:
        member.opens("party_card", unit=CELL, data={**START, "request_type": "exchange", "damaged_card_returned": False})
    assert field_errors(refused) == {"damaged_card_returned": "const"}


def test_a_lost_card_is_requested_without_claiming_a_damaged_card_was_returned(member):
    # the web form sends an unticked box as false: a member who lost the card leaves it unticked
    case = member.opens("party_card", unit=CELL, data={**START, "damaged_card_returned": False})
    assert member.sees(case).data["damaged_card_returned"] is False


# --- As-is ---------------------------------------------------------------------------------------------------

def test_the_paper_procedure_passes_every_hand_over(member, people, uow, tmp_path):
    case = member.opens("party_card_asis", unit=CELL, data=IDENTITY)
    member.completes("write_self_review", case, {"self_review": START["self_review"], "photos_submitted": True})
    people.cell_secretary.completes("cell_receive", case, {"cell_received_on": "2026-10-12",
                                                           "planned_meeting_date": "2026-10-20"})
    people.cell_secretary.completes("cell_meeting", case, {**APPROVE, "cell_decision": "return",
                                                           "cell_comment": "Viết lại bản kiểm điểm."})
    member.completes("supplement_request", case, {"supplement_note": "Đã viết lại.",
                                                  "self_review": START["self_review"]})
    people.cell_secretary.completes("cell_meeting", case, {**APPROVE, "cell_meeting_date": "2026-10-23"})
    people.cell_secretary.completes("cell_list", case, {"cell_list_date": "2026-10-26",
                                                        "sent_to_committee_on": "2026-10-27"})
    people.committee_office.completes("office_receive", case, {"incoming_number": "412", "received_on": "2026-10-27"})
    people.standing_board.completes("base_list", case, {"base_list_date": "2026-10-28"})
    people.party_building_board.completes("board_consolidate", case, {**LIST, "board_decision": "return",
                                                                      "list_date": "2026-10-30"})
    people.cell_secretary.completes("cell_meeting", case, {**APPROVE, "cell_meeting_date": "2026-11-02"})
    people.cell_secretary.completes("cell_list", case, {"cell_list_date": "2026-11-02",
                                                        "sent_to_committee_on": "2026-11-03"})
    people.committee_office.completes("office_receive", case, {"incoming_number": "431", "received_on": "2026-11-03"})
    people.standing_board.completes("base_list", case, {"base_list_date": "2026-11-04"})
    people.party_building_board.completes("board_consolidate", case, {**LIST, "list_date": "2026-11-05"})
    people.standing_board.completes("decide", case, DECIDE)
    people.committee_office.completes("issue_decision", case, ISSUE)
    people.party_building_board.completes("update_database", case, {"issued_card_number": "012345678901",
                                                                   "database_updated_on": "2026-11-13"})
    people.cell_secretary.completes("handover_card", case, HANDOVER)
    view = assert_completed(member, case, uow)
    assert "Mẫu 2A-TĐV" in docx_text(render_case(view, "card_request_list"))
    assert "Điều 1. Cấp lại thẻ đảng viên" in docx_text(render_case(view, "card_decision", CELL_SECRETARY))


def test_the_paper_procedure_can_end_at_the_cell(member, people, uow):
    case = member.opens("party_card_asis", unit=CELL, data=IDENTITY)
    member.completes("write_self_review", case, {"self_review": START["self_review"], "photos_submitted": True})
    people.cell_secretary.completes("cell_receive", case, {"cell_received_on": "2026-10-12",
                                                           "planned_meeting_date": "2026-10-20"})
    people.cell_secretary.completes("cell_meeting", case, {**APPROVE, "cell_decision": "reject"})
    assert_completed(member, case, uow)


def test_durations_cover_both_variants():
    check_durations("party_card")
