"""P5, party fees (Quy định 01-QĐ/TW, 2026): a member's fee year, both variants, through the engine services."""

from datetime import datetime, timezone

import pytest

from engine.errors import InvalidFormData
from tests.conftest import DEMO_PIN as PIN
from tests.people import CELL, Person
from tests.procedures.common import (CELL_SECRETARY, assert_completed, docx_text, field_errors, fire_timers_at,
                                     render_from_case, to_pdf_text)

START = {"full_name": "Trần Thị Bình", "party_card_number": "012345678901", "fee_year": 2026, "first_month": 11,
         "income_category": "social_insurance", "base_amount": 8_500_000, "region": "II",
         "party_admission_date": "2010-05-19", "exemption_request": "none"}
PORTAL = {"months_to_pay": 1, "payment_method": "portal", "payment_reference": "FT26330123", "amount_paid": 85_000,
          "paid_on": "2026-11-26"}


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def member(uow):
    return Person(uow, "tranthibinh")


@pytest.fixture
def collector(uow):
    return Person(uow, "trinhvanquang")


# --- Re-engineered (on-line) ---------------------------------------------------------------------------------

def test_member_pays_on_line_and_in_cash_until_the_year_is_paid(member, collector, people, uow, tmp_path):
    case = member.opens("party_fee", unit=CELL, data=START)
    assert member.sees(case).data["monthly_fee"] == 85_000            # 1% of 8,500,000
    member.completes("pay_fee", case, PORTAL)
    member.completes("pay_fee", case, {"months_to_pay": 1, "payment_method": "cash", "amount_paid": 85_000,
                                       "paid_on": "2026-11-26"})
    collector.completes("confirm_cash", case, {"cash_received": True})
    view = assert_completed(member, case, uow)
    assert view.data["paid_through"] == 12 and view.data["total_paid"] == 170_000
    assert view.data["fee_shares"] == {"kept_by_base": 119_000, "remitted_to_province": 51_000}
    receipt = render_from_case(view, "fee_receipt", CELL_SECRETARY)
    text = docx_text(receipt)
    assert "BIÊN LAI THU ĐẢNG PHÍ" in text and "85.000 đồng cho 1 tháng (tháng 12/2026)" in text
    pdf = to_pdf_text(tmp_path, "fee_receipt", view, receipt)
    assert "Trần Thị Bình" in pdf and "012345678901" in pdf


def test_an_underpayment_is_refused_and_the_member_pays_again(member, uow):
    case = member.opens("party_fee", unit=CELL, data={**START, "first_month": 12})
    member.completes("pay_fee", case, {**PORTAL, "amount_paid": 50_000})
    view = member.sees(case)
    assert view.data["payment_ok"] is False and [t.element for t in view.open_tasks] == ["pay_fee"]
    member.completes("pay_fee", case, PORTAL)
    assert assert_completed(member, case, uow).data["total_paid"] == 85_000


def test_three_unpaid_months_lead_the_cell_to_propose_removal(member, people, uow, clock):
    case = member.opens("party_fee", unit=CELL, data={**START, "fee_year": 2027, "first_month": 1})
    assert fire_timers_at(uow, clock, utc(2027, 1, 31, 16, 59)) == 0          # 23:59 on 31/01 in Hà Nội
    for moment, unpaid in ((utc(2027, 1, 31, 17, 1), 1), (utc(2027, 2, 28, 17, 1), 2), (utc(2027, 3, 31, 17, 1), 3)):
        assert fire_timers_at(uow, clock, moment) == 1
        assert member.sees(case).data["months_unpaid"] == unpaid
    assert [t.element for t in people.cell_secretary.inbox() if t.case == case] == ["consider_removal"]
    clock.advance(days=4)                                                     # the cell meets on 05/04/2027
    people.cell_secretary.completes("consider_removal", case, {
        "removal_decision": "propose_removal", "cell_meeting_date": "2027-04-05", "cell_full_members": 12,
        "cell_in_favour": 10, "removal_note": "Đồng chí không đóng đảng phí ba tháng, không có lý do chính đáng"}, pin=PIN)
    view = assert_completed(member, case, uow)
    text = docx_text(render_from_case(view, "fee_removal_proposal", CELL_SECRETARY))
    assert "đề nghị xóa tên" in text and "3 tháng không đóng" in text and "10/12" in text


def test_a_good_reason_keeps_the_year_going(member, people, uow, clock):
    case = member.opens("party_fee", unit=CELL, data={**START, "fee_year": 2027, "first_month": 1})
    for moment in (utc(2027, 2, 1, 1), utc(2027, 3, 1, 1), utc(2027, 4, 1, 1)):
        fire_timers_at(uow, clock, moment)
    clock.advance(days=4)                                                     # the cell meets on 05/04/2027
    people.cell_secretary.completes("consider_removal", case, {
        "removal_decision": "good_reason", "cell_meeting_date": "2027-04-05", "cell_full_members": 12,
        "cell_in_favour": 12, "removal_note": "Đồng chí ốm dài ngày, điều trị tại bệnh viện"}, pin=PIN)
    view = member.sees(case)
    assert view.data["removal_threshold"] == 6 and [t.element for t in view.open_tasks] == ["pay_fee"]
    clock.advance(days=1)
    member.completes("pay_fee", case, {**PORTAL, "months_to_pay": 12, "amount_paid": 12 * 85_000, "paid_on": "2027-04-06"})
    assert assert_completed(member, case, uow).data["paid_through"] == 12


def test_fifty_years_of_party_age_exempts_without_an_application(member, uow):
    case = member.opens("party_fee", unit=CELL, data={**START, "party_admission_date": "1975-03-01"})
    view = assert_completed(member, case, uow)
    assert view.data["seniority_exempt"] is True and "payments" in view.data and view.data["payments"] == []


def test_the_cell_grants_a_reduction_on_application(member, people, uow):
    case = member.opens("party_fee", unit=CELL, data={**START, "first_month": 12, "exemption_request": "hardship",
                                                       "exemption_reason": "Gia đình có người ốm nặng"})
    people.cell_secretary.completes("review_exemption", case, {"exemption_decision": "reduce", "granted_reduction": 50,
                                                               "exemption_note": "Hoàn cảnh khó khăn, giảm 50%"})
    assert member.sees(case).data["monthly_fee"] == 43_000          # 42,500 rounded half up to the thousand
    member.completes("pay_fee", case, {**PORTAL, "amount_paid": 43_000})
    assert_completed(member, case, uow)


def test_the_cell_may_exempt_a_poor_household(member, people, uow):
    case = member.opens("party_fee", unit=CELL, data={**START, "exemption_request": "poor_household"})
    people.cell_secretary.completes("review_exemption", case, {"exemption_decision": "exempt", "granted_reduction": 0,
                                                               "exemption_note": "Sổ hộ nghèo năm 2026"})
    assert assert_completed(member, case, uow).data["reduction_percent"] == 100


def test_wrong_data_is_refused_field_by_field(member, people):
    with pytest.raises(InvalidFormData) as refused:
        member.opens("party_fee", unit=CELL, data={**START, "party_card_number": "12345-678"})
    assert field_errors(refused) == {"party_card_number": "pattern"}
    case = member.opens("party_fee", unit=CELL, data={**START, "exemption_request": "hardship"})
    with pytest.raises(InvalidFormData) as refused:     # "reduce" needs 30, 50 or 70%
        people.cell_secretary.completes("review_exemption", case, {"exemption_decision": "reduce",
                                                                   "granted_reduction": 0, "exemption_note": "Giảm"})
    assert field_errors(refused) == {"granted_reduction": "enum"}
    paying = member.opens("party_fee", unit=CELL, data=START)
    with pytest.raises(InvalidFormData) as refused:     # an on-line payment needs the bank's reference
        member.completes("pay_fee", paying, {k: v for k, v in PORTAL.items() if k != "payment_reference"})
    assert field_errors(refused) == {"payment_reference": "required"}


# --- As-is (paper) ----------------------------------------------------------------------------------------------

def asis_pays_one_month(member, collector, people, case, clock):
    clock.advance(days=14)                                                    # 10/12/2026
    member.completes("pay_cash", case, {"months_to_pay": 1, "amount_paid": 85_000, "paid_on": "2026-12-10"})
    collector.completes("record_in_ledger", case, {"ledger_page": 12, "received_amount": 85_000})
    clock.advance(days=5)                                                     # 15/12/2026
    people.cell_secretary.completes("remit_to_commune", case, {"remitted_amount": 85_000, "remitted_on": "2026-12-15"})
    people.committee_office.completes("issue_upward_receipt", case, {"receipt_number": "PT-118",
                                                                     "received_on": "2026-12-15"})


def test_asis_cash_goes_from_member_to_ledger_to_commune(member, collector, people, uow, clock):
    case = member.opens("party_fee_asis", unit=CELL, data={**START, "first_month": 12})
    collector.completes("compute_fee_manually", case, {"monthly_fee": 85_000})
    asis_pays_one_month(member, collector, people, case, clock)
    clock.advance(days=16)                                                    # the year ends: 31/12/2026
    people.cell_secretary.completes("annual_reconciliation", case, {"reconciled_on": "2026-12-31",
                                                                    "reconciliation_note": "Khớp sổ"})
    view = assert_completed(member, case, uow)
    assert view.data["total_paid"] == 85_000 and view.data["payments"][0]["method"] == "cash"


def test_asis_exemption_needs_a_letter_a_meeting_and_a_report(member, collector, people, uow, clock):
    case = member.opens("party_fee_asis", unit=CELL, data={**START, "party_admission_date": "1975-03-01"})
    collector.completes("compute_fee_manually", case, {"monthly_fee": 85_000})
    member.completes("write_exemption_application", case, {"application_text": "Tôi đủ 50 năm tuổi đảng, xin miễn",
                                                          "evidence": "Quyết định kết nạp năm 1975"})
    people.cell_secretary.completes("cell_meeting_exemption", case, {"exemption_decision": "exempt", "granted_reduction": 0,
                                                                     "exemption_note": "Đủ 50 năm tuổi đảng"})
    clock.advance(days=6)                                                     # the report reaches the commune
    people.committee_office.completes("register_exemption_report", case, {"received_on": "2026-12-02",
                                                                           "register_number": "215"})
    assert_completed(member, case, uow)


def test_asis_unpaid_months_are_found_in_the_ledger_and_reported(member, collector, people, uow, clock):
    case = member.opens("party_fee_asis", unit=CELL, data={**START, "fee_year": 2027, "first_month": 1})
    collector.completes("compute_fee_manually", case, {"monthly_fee": 85_000})
    for moment in (utc(2027, 2, 1, 1), utc(2027, 3, 1, 1), utc(2027, 4, 1, 1)):
        assert fire_timers_at(uow, clock, moment) == 1
        collector.completes("check_ledger", case, {"ledger_note": "Chưa nộp đảng phí tháng trước"})
    clock.advance(days=4)                                                     # the cell meets on 05/04/2027
    people.cell_secretary.completes("consider_removal", case, {
        "removal_decision": "propose_removal", "cell_meeting_date": "2027-04-05", "cell_full_members": 12,
        "cell_in_favour": 9, "removal_note": "Không đóng đảng phí ba tháng"}, pin=PIN)
    clock.advance(days=3)
    people.committee_office.completes("register_removal_proposal", case, {"received_on": "2027-04-08",
                                                                          "register_number": "301"})
    assert assert_completed(member, case, uow).data["months_unpaid"] == 3
