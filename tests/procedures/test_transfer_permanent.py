"""P3a, permanent transfer of party activity (294-QĐ/TW §6.3.1): internal and external transfers, the 60 and 30
working-day limits, the 10-box letter; both variants."""

from datetime import timedelta

import pytest

from engine.errors import InvalidFormData
from engine.services import documents
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, OTHER_CELL, Person
from tests.procedures.common import (COMMUNE_SECRETARY, assert_completed, docx_text, field_errors, fire_timers_at,
                                     render_from_case, to_pdf_text)
from workflows.functions import working_days_end_at

START = {"full_name": "Trần Thị Bình", "party_card_number": "012345678901", "birth_date": "1990-04-12",
         "decision_kind": "job_change", "decision_number": "215/QĐ-UBND", "decision_date": "2026-11-10",
         "decision_effective_date": "2026-11-16", "transfer_scope": "other_province", "receiving_unit": "HN-BADINH",
         "receiving_province": "HN", "new_workplace": "Sở Nông nghiệp và Môi trường Hà Nội",
         "new_residence": "Phường Ba Đình, Hà Nội",
         "self_review": "Trong năm qua tôi hoàn thành tốt nhiệm vụ được giao, giữ gìn phẩm chất đạo đức.",
         "fee_paid_to_month": "2026-11", "commitment": True}
CELL_OK = {"cell_check_decision": "approve", "dossier_received_on": "2026-11-26", "under_inspection": False,
           "fee_checked": True, "cell_box_comment": "Đồng chí hoàn thành tốt nhiệm vụ, đủ điều kiện chuyển sinh hoạt"}
COMMUNE = {"self_review_comment": "Bản tự kiểm điểm đúng thực tế", "commune_box_comment": "Giới thiệu đồng chí chuyển đi",
           "letter_number": "57", "letter_date": "2026-11-26"}
PROVINCE = {"province_box_comment": "Giới thiệu đến Ban Tổ chức Thành ủy Hà Nội", "province_box_date": "2026-11-27"}


@pytest.fixture
def member(uow):
    return Person(uow, "tranthibinh")


def outgoing_side(people, case):
    people.cell_secretary.completes("cell_check", case, CELL_OK, pin=PIN)
    people.standing_board.completes("commune_introduce", case, COMMUNE, pin=PIN)


def test_a_transfer_to_another_province_is_signed_box_by_box(member, people, uow, clock, tmp_path):
    case = member.opens("transfer_permanent", unit=CELL, data=START)
    outgoing_side(people, case)
    clock.advance(days=1)                                                             # the letter goes box by box
    Person(uow, "caovanhung").completes("province_introduce", case, PROVINCE, pin=PIN)            # Ban Tổ chức Tỉnh ủy Hưng Yên
    hanoi_board = Person(uow, "luongvanson")                                          # from data: receiving_province
    assert hanoi_board.task("receiving_province_accept", case).unit == "HN"
    clock.advance(days=3)
    hanoi_board.completes("receiving_province_accept", case, {"province_in_comment": "Giới thiệu về Đảng bộ phường Ba Đình",
                                                              "province_in_date": "2026-11-30"}, pin=PIN)
    clock.advance(days=1)
    Person(uow, "phanthitam").completes("receiving_commune_accept", case, {
        "receiving_cell": "HN-BADINH-TDP3", "commune_in_comment": "Giới thiệu về Chi bộ tổ dân phố số 3",
        "commune_in_date": "2026-12-01"}, pin=PIN)
    clock.advance(days=1)
    Person(uow, "kieuvanvinh").completes("receive_and_enrol", case, {"enrolled_on": "2026-12-02"}, pin=PIN)
    view = assert_completed(member, case, uow)
    assert view.data["started_late"] is False and view.data["start_working_days"] == 8
    stored = [d for d in documents.list_documents(uow, number=case, actor=None) if d.key == "transfer_letter"][-1]
    enrolled = docx_text(documents.open_document(uow, document_id=stored.id, actor=None)[1])   # as the engine made it
    assert "Ô 6. Chi ủy Chi bộ tổ dân phố số 3" in enrolled and "HN-BADINH" not in enrolled
    letter = render_from_case(view, "transfer_letter", COMMUNE_SECRETARY, uow=uow)
    text = docx_text(letter)
    for box in ("Ô 1. Chi ủy Chi bộ thôn Đông", "Ô 2. Đảng ủy xã Tân Tiến", "Ô 3. Ban Tổ chức Tỉnh ủy Hưng Yên",
                "Ô 4. Ban Tổ chức Thành ủy Hà Nội", "Ô 5. Đảng ủy phường Ba Đình", "Ô 6. Chi ủy Chi bộ tổ dân phố số 3",
                "Ô 10."):
        assert box in text
    assert "Đảng phí đã đóng đến tháng 2026-11" in text and "Ngày 02/12/2026 — đã ký số" in text
    pdf = to_pdf_text(tmp_path, "transfer_letter", view, letter)
    assert "GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG" in pdf and "Trần Thị Bình" in pdf


def test_an_internal_transfer_skips_the_province(member, people, uow, clock):
    data = {k: v for k, v in START.items() if k != "receiving_province"}
    case = member.opens("transfer_permanent", unit=CELL, data={**data, "transfer_scope": "internal",
                                                                "receiving_unit": OTHER_CELL})
    outgoing_side(people, case)
    clock.advance(days=4)
    people.other_cell_secretary.completes("receive_and_enrol", case, {"enrolled_on": "2026-11-30"}, pin=PIN)
    view = assert_completed(member, case, uow)
    assert view.data["receiving_cell"] == OTHER_CELL and "province_box_comment" not in view.data


def test_a_transfer_within_the_province_goes_through_the_provincial_board_to_the_ward(member, people, uow, clock):
    data = {k: v for k, v in START.items() if k != "receiving_province"}
    case = member.opens("transfer_permanent", unit=CELL, data={**data, "transfer_scope": "same_province",
                                                                "receiving_unit": "HY-HONGCHAU"})
    outgoing_side(people, case)
    clock.advance(days=1)
    Person(uow, "caovanhung").completes("province_introduce", case, PROVINCE, pin=PIN)
    clock.advance(days=3)
    Person(uow, "tongvanxuan").completes("receiving_commune_accept", case, {
        "receiving_cell": "HY-HONGCHAU-KP1", "commune_in_comment": "Về Chi bộ khu phố 1", "commune_in_date": "2026-11-30"}, pin=PIN)
    clock.advance(days=1)
    people.other_commune_secretary.completes("receive_and_enrol", case, {"enrolled_on": "2026-12-01"}, pin=PIN)
    assert_completed(member, case, uow)


def test_a_returned_dossier_pauses_the_deadline_and_a_pending_inspection_stops_the_transfer(member, people, uow, clock):
    case = member.opens("transfer_permanent", unit=CELL, data=START)
    people.cell_secretary.completes("cell_check", case, {**CELL_OK, "cell_check_decision": "return",
                                                         "cell_box_comment": "Bổ sung bản sao quyết định"}, pin=PIN)
    assert member.sees(case).due_at is None
    clock.advance(days=3)
    member.completes("supplement_dossier", case, {"supplement_note": "Đã bổ sung bản sao quyết định",
                                                  "self_review": START["self_review"]})
    assert member.sees(case).due_at is not None
    with pytest.raises(InvalidFormData) as refused:         # under inspection: may not be approved
        people.cell_secretary.completes("cell_check", case, {**CELL_OK, "under_inspection": True}, pin=PIN)
    assert field_errors(refused) == {"cell_check_decision": "enum"}
    people.cell_secretary.completes("cell_check", case, {**CELL_OK, "under_inspection": True,
                                                         "cell_check_decision": "reject",
                                                         "cell_box_comment": "Đang giải quyết tố cáo, chưa chuyển"}, pin=PIN)
    view = assert_completed(member, case, uow)
    assert "commune_box_comment" not in view.data


def test_starting_after_sixty_working_days_is_looked_into(member, people, uow):
    case = member.opens("transfer_permanent", unit=CELL, data={**START, "decision_date": "2026-07-27",
                                                                "decision_effective_date": "2026-08-03"})
    people.cell_secretary.completes("cell_check", case, CELL_OK, pin=PIN)
    assert member.sees(case).data["started_late"] is True
    people.cell_secretary.completes("handle_late_start", case, {"late_reason": "Đảng viên đi công tác dài ngày",
                                                                "late_handling": "reason_accepted"})
    assert people.standing_board.task("commune_introduce", case)


def test_a_receiving_side_idle_for_thirty_working_days_is_followed_up(member, people, uow, clock):
    case = member.opens("transfer_permanent", unit=CELL, data={**START, "transfer_scope": "internal",
                                                                "receiving_unit": OTHER_CELL})
    outgoing_side(people, case)
    due = member.sees(case).data["presentation_due_at"]
    assert due == working_days_end_at("2026-11-26", 30)
    assert fire_timers_at(uow, clock, clock.now() + timedelta(days=20)) == 0
    assert fire_timers_at(uow, clock, clock.now() + timedelta(days=40)) == 1
    people.committee_office.completes("follow_up_receiving", case, {"follow_up_note": "Chi bộ thôn Tây chưa họp"})
    people.other_cell_secretary.completes("receive_and_enrol", case, {"enrolled_on": "2027-01-20"}, pin=PIN)
    assert_completed(member, case, uow)


def test_wrong_data_is_refused_field_by_field(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_permanent", unit=CELL, data={**START, "receiving_province": "Hà Nội",
                                                             "fee_paid_to_month": "11/2026"})
    assert field_errors(refused) == {"receiving_province": "pattern", "fee_paid_to_month": "pattern"}
    with pytest.raises(InvalidFormData) as refused:         # another province needs the receiving province
        member.opens("transfer_permanent", unit=CELL, data={k: v for k, v in START.items() if k != "receiving_province"})
    assert field_errors(refused) == {"receiving_province": "required"}


def test_an_unknown_receiving_unit_is_refused_when_the_member_sends_the_request(member, people, uow):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_permanent", unit=CELL, data={**START, "transfer_scope": "internal",
                                                             "receiving_unit": "HY-KHONGCO"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("receiving_unit", "x-unit-unknown")]


@pytest.mark.parametrize("scope, unit, code", [
    ("internal", "HN-BADINH", "x-unit-level"),          # "inside the commune" to a ward: no cell secretary there
    ("internal", CELL, "x-unit-not"),                   # to one's own cell
    ("internal", "HY-HONGCHAU-KP1", "x-unit-within"),   # a cell of another commune
    ("same_province", "HN-BADINH", "x-unit-within"),    # "in the province" to Hà Nội
    ("other_province", "HY-HONGCHAU", "x-unit-outside")])
def test_a_receiving_unit_that_does_not_match_the_scope_is_refused_before_anyone_works_on_it(member, scope, unit, code):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_permanent", unit=CELL, data={**START, "transfer_scope": scope, "receiving_unit": unit})
    assert ("receiving_unit", code) in [(e.field, e.code) for e in refused.value.errors]


def test_the_receiving_province_is_the_province_of_the_receiving_unit(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_permanent", unit=CELL, data={**START, "receiving_province": "HY"})
    assert [(e.field, e.code) for e in refused.value.errors] == [("receiving_province", "x-unit-contains")]


# --- As-is (paper) ------------------------------------------------------------------------------------------------

def test_asis_the_member_carries_the_dossier_from_level_to_level(member, people, uow, clock):
    case = member.opens("transfer_permanent_asis", unit=CELL, data=START)
    member.completes("prepare_dossier", case, {"dossier_prepared_on": "2026-11-26", "dossier_note": "Quyết định, tự kiểm điểm"})
    people.cell_secretary.completes("cell_check", case, CELL_OK, pin=PIN)
    clock.advance(days=1)
    member.completes("carry_to_commune", case, {"handed_on": "2026-11-27"})
    people.committee_office.completes("register_outgoing", case, {"register_number": "88", "register_date": "2026-11-27"})
    people.party_building_board.completes("review_self_review", case, {"self_review_comment": "Đúng thực tế"})
    people.standing_board.completes("commune_introduce", case, {**COMMUNE, "letter_date": "2026-11-27"}, pin=PIN)
    clock.advance(days=3)
    member.completes("carry_to_province", case, {"handed_on": "2026-11-30"})
    Person(uow, "caovanhung").completes("province_introduce", case, {**PROVINCE, "province_box_date": "2026-11-30"},
                                        pin=PIN)
    clock.advance(days=3)
    member.completes("present_to_receiving_province", case, {"handed_on": "2026-12-03"})
    Person(uow, "luongvanson").completes("receiving_province_accept", case, {"province_in_comment": "Về phường Ba Đình",
                                                                            "province_in_date": "2026-12-03"}, pin=PIN)
    clock.advance(days=1)
    member.completes("present_to_receiving_commune", case, {"handed_on": "2026-12-04"})
    Person(uow, "hathiuyen").completes("register_incoming", case, {"register_number": "12", "register_date": "2026-12-04"})
    clock.advance(days=3)
    Person(uow, "phanthitam").completes("receiving_commune_accept", case, {
        "receiving_cell": "HN-BADINH-TDP3", "commune_in_comment": "Về Chi bộ tổ dân phố số 3", "commune_in_date": "2026-12-07"}, pin=PIN)
    clock.advance(days=1)
    member.completes("present_to_receiving_cell", case, {"handed_on": "2026-12-08"})
    Person(uow, "kieuvanvinh").completes("receive_and_enrol", case, {"enrolled_on": "2026-12-08"}, pin=PIN)
    view = assert_completed(member, case, uow)
    assert "Ô 6. Chi ủy Chi bộ tổ dân phố số 3" in docx_text(render_from_case(view, "transfer_letter", uow=uow))


def test_asis_sixty_working_days_without_a_dossier_brings_a_reminder(member, people, uow, clock):
    case = member.opens("transfer_permanent_asis", unit=CELL, data={**START, "decision_date": "2026-07-27",
                                                                     "decision_effective_date": "2026-08-03"})
    view = member.sees(case)                                      # the limit had passed: the timer fired at once
    assert sorted(t.element for t in view.open_tasks) == ["prepare_dossier", "remind_member"]
    people.cell_secretary.completes("remind_member", case, {"reminder_note": "Đã nhắc đảng viên"})
    member.completes("prepare_dossier", case, {"dossier_prepared_on": "2026-11-26", "dossier_note": "Hồ sơ"})
    people.cell_secretary.completes("cell_check", case, {**CELL_OK, "cell_check_decision": "return"}, pin=PIN)
    member.completes("supplement_dossier", case, {"supplement_note": "Bổ sung", "self_review": START["self_review"]})
    people.cell_secretary.completes("cell_check", case, {**CELL_OK, "cell_check_decision": "reject"}, pin=PIN)
    assert_completed(member, case, uow)


def test_asis_a_late_presentation_must_be_explained(member, people, uow, clock):
    case = member.opens("transfer_permanent_asis", unit=CELL, data={**START, "transfer_scope": "internal",
                                                                     "receiving_unit": OTHER_CELL})
    member.completes("prepare_dossier", case, {"dossier_prepared_on": "2026-11-26", "dossier_note": "Hồ sơ"})
    people.cell_secretary.completes("cell_check", case, CELL_OK, pin=PIN)
    clock.advance(days=1)
    member.completes("carry_to_commune", case, {"handed_on": "2026-11-27"})
    people.committee_office.completes("register_outgoing", case, {"register_number": "88", "register_date": "2026-11-27"})
    people.party_building_board.completes("review_self_review", case, {"self_review_comment": "Đúng thực tế"})
    people.standing_board.completes("commune_introduce", case, {**COMMUNE, "letter_date": "2026-11-27"}, pin=PIN)
    assert fire_timers_at(uow, clock, clock.now() + timedelta(days=60)) == 1
    member.completes("explain_late_presentation", case, {"late_presentation_reason": "Ốm, nằm viện"})
    member.completes("present_to_receiving_cell", case, {"handed_on": "2027-01-26"})
    people.other_cell_secretary.completes("receive_and_enrol", case, {"enrolled_on": "2027-01-26"}, pin=PIN)
    assert_completed(member, case, uow)


def test_a_wrong_receiving_unit_is_said_together_with_the_forms_other_wrong_fields(member):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("transfer_permanent", unit=CELL, data={**{k: v for k, v in START.items() if k != "self_review"},
                                                             "transfer_scope": "internal", "receiving_unit": "HN-BADINH"})
    assert {(e.field, e.code) for e in refused.value.errors} == {("self_review", "required"),
                                                                 ("receiving_unit", "x-unit-level")}
