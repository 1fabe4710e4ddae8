"""P7 party-card documents: the consolidated list of members proposed for a re-issued or exchanged card (mẫu
2A-TĐV lost / 3A-TĐV damaged) and the standing board's decision (mẫu 4-TĐV).

Form numbers are those of 12-HD/BTCTW (2022), Part II §2.2(c); 38-HD/BTCTW (2025) may have renumbered them
(../shared/domain/procedures.md, P7). Filled from the keys of bpmn/party_card/forms/*.json plus ``case_number``.
"""

from __future__ import annotations

from typing import Any, Mapping

from docx.shared import Mm

from workflows.documents import layout, secrecy
from workflows.documents.admission import Built, DocumentNotApplicable, committee_header
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import date_text, required
from workflows.documents.text import as_date, date_in_words, local_time, upper

LEGAL_BASIS = (
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
    "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/6/2025 của Ban Bí thư về một số vấn đề cụ thể thi hành Điều lệ Đảng;",
    "Căn cứ Hướng dẫn số 38-HD/BTCTW của Ban Tổ chức Trung ương về nghiệp vụ công tác đảng viên;",
)
KINDS = {  # request_type -> (list form, consolidated form, verb, what happened to the card)
    "reissue": ("2-TĐV", "2A-TĐV", "cấp lại thẻ đảng viên", "mất thẻ"),
    "exchange": ("3-TĐV", "3A-TĐV", "đổi thẻ đảng viên", "thẻ bị hỏng"),
}


def _kind(case: Mapping[str, Any]) -> tuple[str, str, str, str]:
    return KINDS[required(case, "request_type")]


def card_request_list(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Danh sách đảng viên đề nghị cấp lại / đổi thẻ (mẫu 2A-/3A-TĐV), signed by the head of the advisory board.

    :raises MissingCaseData: the member's record or the list date is missing.
    """
    _, consolidated, verb, event = _kind(case)
    listed_on = as_date(required(case, "list_date"))
    document = layout.new_document()
    layout.header(document, superior=organisation.superior_name, issuer=organisation.committee_name,
                  number=f"Mẫu {consolidated}", place_and_date=f"{organisation.place}, {date_in_words(listed_on)}")
    layout.title(document, "Danh sách", f"đảng viên đề nghị {verb}")
    secrecy.grid(document, ("STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Chi bộ", "Lý do"),
                 [("1", " ".join(str(required(case, "full_name")).split()), date_text(required(case, "birth_date")),
                   str(required(case, "card_number")), organisation.unit_name,
                   f"{event[0].upper()}{event[1:]} ngày {date_text(required(case, 'incident_date'))}")],
                 (Mm(12), Mm(40), Mm(24), Mm(32), Mm(30), Mm(27)))
    layout.paragraph(document, f"Đã đối chiếu cơ sở dữ liệu đảng viên: "
                               f"{'khớp' if case.get('database_checked') else 'chưa đối chiếu'}. "
                               f"Chi bộ xét ngày {date_text(case.get('cell_meeting_date')) or '…'}.")
    if case.get("discipline_result"):
        layout.paragraph(document, "Chi bộ đã xem xét trách nhiệm do mất thẻ không có lý do chính đáng.")
    layout.signature_block(document, on_behalf=organisation.advisory_board, signer=signer, default_title="Trưởng ban",
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu hồ sơ đảng viên"])
    return Built(document, listed_on, organisation.committee_name)


def card_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định cấp lại / đổi thẻ đảng viên (mẫu 4-TĐV), signed "T/M ban thường vụ".

    Number and date are left blank until the office numbers the decision (``decision_number``, ``decision_date``).

    :raises MissingCaseData: the member's record is incomplete.
    :raises DocumentNotApplicable: the standing board refused.
    """
    _, _, verb, event = _kind(case)
    if case.get("standing_decision") == "reject":
        raise DocumentNotApplicable("the standing board did not approve the card")
    name = " ".join(str(required(case, "full_name")).split())
    issued_on = as_date(case.get("decision_date"))
    if issued_on is None and signer and signer.signed_at:
        issued_on = local_time(signer.signed_at).date()
    meeting = as_date(case.get("standing_meeting_date"))
    year = issued_on.year if issued_on else meeting.year if meeting else None
    number = case.get("decision_number")
    document = layout.new_document()
    committee_header(document, organisation, number=number, issued_on=issued_on, year=year)
    layout.title(document, "Quyết định", f"về việc {verb}")
    for ground in (*LEGAL_BASIS, f"Xét đề nghị của {organisation.unit_name} và {organisation.advisory_board},"):
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(organisation.committee_name)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    layout.paragraph(document, bold("Điều 1. "),
                     f"{verb[0].upper()}{verb[1:]} cho đồng chí {name}, sinh ngày "
                     f"{date_text(required(case, 'birth_date'))}, đảng viên {organisation.unit_name}, số thẻ đảng "
                     f"viên {case.get('issued_card_number') or required(case, 'card_number')} (lý do: {event}).")
    layout.paragraph(document, bold("Điều 2. "),
                     f"{organisation.advisory_board} cập nhật cơ sở dữ liệu đảng viên; {organisation.unit_name} "
                     "trao thẻ cho đảng viên tại kỳ sinh hoạt chi bộ gần nhất.")
    layout.paragraph(document, bold("Điều 3. "),
                     f"{organisation.office}, {organisation.advisory_board}, {organisation.unit_name} và đồng chí có "
                     "tên tại Điều 1 căn cứ Quyết định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer,
                           recipients=["Như Điều 3", f"Lưu {organisation.office}, hồ sơ đảng viên"])
    return Built(document, issued_on or meeting, organisation.committee_name)
