"""P5 party-fee documents: the receipt of a payment (biên lai thu đảng phí) and the cell's resolution proposing the
removal of a member who did not pay for three months in a year (Quy định 01-QĐ/TW, 03/02/2026).

Filled from the keys of bpmn/party_fee/forms/*.json and what the diagram computes (``monthly_fee``, ``payments``,
``months_unpaid``, ``total_paid``), plus ``case_number``. The receipt is the electronic receipt the portal issues; on
paper the cell's fee collector signs it.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import Built, DocumentNotApplicable, MissingCaseData
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import as_date, date_in_words, percent, sentence, short_date
from workflows.functions import two_thirds_reached

LEGAL_BASIS = "Căn cứ Quy định số 01-QĐ/TW ngày 03/02/2026 của Bộ Chính trị về chế độ đảng phí;"
CATEGORY_TITLES = {
    "social_insurance": "hưởng tiền lương, đóng bảo hiểm xã hội bắt buộc (1% tiền lương tháng trước)",
    "leave_benefit": "nghỉ ốm đau, thai sản (1% trợ cấp)",
    "pension": "hưởng lương hưu (0,5% lương hưu)",
    "student": "học sinh, sinh viên (5.000 đồng/tháng)",
    "other": "đối tượng khác (theo tỷ lệ lương tối thiểu vùng)",
}


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def money(amount: int) -> str:
    """``85.000 đồng``: thousands separated by dots, as Vietnamese writes amounts."""
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def _months_text(first: int, last: int, year: int) -> str:
    return f"tháng {first}/{year}" if first == last else f"từ tháng {first} đến tháng {last}/{year}"


def fee_receipt(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên lai thu đảng phí for the latest payment of the year.

    :raises MissingCaseData: no payment has been recorded yet.
    """
    payments = case.get("payments") or []
    if not payments:
        raise MissingCaseData("payments")
    last = payments[-1]
    name = " ".join(str(_required(case, "full_name")).split())
    year = int(_required(case, "fee_year"))
    paid_on = as_date(last.get("paid_on"))
    through = int(last["through_month"])
    first = through - int(last["months"]) + 1
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=f"Số {_required(case, 'case_number')}/{len(payments)}",
                  place_and_date=f"{organisation.place}, {date_in_words(paid_on)}")
    layout.title(document, "Biên lai thu đảng phí", f"năm {year}")
    layout.paragraph(document, f"Họ và tên đảng viên: {name}; số thẻ đảng viên: {_required(case, 'party_card_number')}.")
    category = CATEGORY_TITLES.get(str(case.get("income_category")), str(case.get("income_category", "")))
    layout.paragraph(document, f"Đối tượng: {category}. Mức đảng phí hằng tháng: {money(case.get('monthly_fee', 0))}"
                               + (f" (đã giảm {case['reduction_percent']}%)." if case.get("reduction_percent") else "."))
    method = "thanh toán trực tuyến qua Cổng Dịch vụ công quốc gia" if last.get("method") == "portal" else "tiền mặt"
    reference = f", mã giao dịch {case['payment_reference']}" if last.get("method") == "portal" and case.get(
        "payment_reference") else ""
    layout.paragraph(document, bold("Đã nộp: "), f"{money(last['amount'])} cho {last['months']} tháng "
                                                 f"({_months_text(first, through, year)}), hình thức {method}{reference}, "
                                                 f"ngày {short_date(paid_on)}.")
    layout.paragraph(document, f"Đã đóng đảng phí đến hết tháng {through}/{year}. Tổng số đã nộp trong năm: "
                               f"{money(case.get('total_paid', last['amount']))}.")
    layout.signature_block(document, on_behalf="Người thu đảng phí", signer=signer, default_title="Đảng viên được phân công",
                           recipients=["Đảng viên nộp", "Lưu sổ thu đảng phí của chi bộ"])
    return Built(document, paid_on, organisation.unit_name)


def fee_removal_proposal(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Nghị quyết của chi bộ đề nghị xóa tên đảng viên không đóng đảng phí 3 tháng trong năm, signed "T/M chi bộ".

    :raises MissingCaseData: the cell's meeting is not recorded.
    :raises DocumentNotApplicable: the cell found a good reason, or the vote is below two thirds.
    """
    if case.get("removal_decision") != "propose_removal":
        raise DocumentNotApplicable("the cell did not propose removal")
    full_members, in_favour = int(_required(case, "cell_full_members")), int(_required(case, "cell_in_favour"))
    if not two_thirds_reached(in_favour, full_members):
        raise DocumentNotApplicable(f"cell vote {in_favour}/{full_members} is below two thirds")
    name = " ".join(str(_required(case, "full_name")).split())
    meeting = as_date(_required(case, "cell_meeting_date"))
    year = int(_required(case, "fee_year"))
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=f"Số      -NQ/{organisation.unit_symbol}",
                  place_and_date=f"{organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Nghị quyết", "đề nghị xóa tên đảng viên trong danh sách đảng viên")
    layout.paragraph(document, f"- {LEGAL_BASIS}")
    layout.paragraph(document, f"Ngày {short_date(meeting)}, {organisation.unit_name} họp xét việc đóng đảng phí của "
                               f"đồng chí {name} (số thẻ {_required(case, 'party_card_number')}).")
    layout.paragraph(document, f"Năm {year}, đồng chí {name} đã {int(_required(case, 'months_unpaid'))} tháng không đóng "
                               f"đảng phí; đã đóng đến hết tháng {int(case.get('paid_through', 0))}/{year}. "
                               f"{sentence(str(_required(case, 'removal_note')))}")
    layout.paragraph(document, bold("Kết quả biểu quyết: "), f"{in_favour}/{full_members} đồng chí đảng viên chính thức "
                                                            f"tán thành, đạt {percent(in_favour, full_members)}.")
    layout.paragraph(document, f"Chi bộ đề nghị Ban Thường vụ {organisation.committee_name} xem xét, xóa tên đồng chí "
                               f"{name} trong danh sách đảng viên do không đóng đảng phí 3 tháng trong năm mà không có lý "
                               "do chính đáng.")
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer,
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu chi bộ"])
    return Built(document, meeting, organisation.unit_name)
