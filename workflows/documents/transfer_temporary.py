"""P3b document: the temporary party-activity transfer letter, "giấy giới thiệu sinh hoạt đảng tạm thời" (Hướng dẫn
38-HD/BTCTW). Within the commune's party organisation the outgoing cell's committee issues it; to another commune or
province the commune or ward committee does. Keys of bpmn/transfer_temporary/forms/*.json.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import Built, DocumentNotApplicable, MissingCaseData
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import as_date, date_in_words, short_date

REASONS = {"residence_or_work": "thay đổi nơi cư trú, nơi làm việc", "study": "đi học tập trung"}


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def temporary_transfer_letter(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Giấy giới thiệu sinh hoạt đảng tạm thời, signed "T/M chi ủy" (internal) or "T/M đảng ủy" (external).

    :raises MissingCaseData: the dates or the letter's date are missing.
    :raises DocumentNotApplicable: the cell did not approve the transfer, or (external) the committee has not
        issued the letter yet.
    """
    if case.get("cell_check_decision") != "approve":
        raise DocumentNotApplicable("the cell has not approved the temporary transfer")
    name = " ".join(str(_required(case, "full_name")).split())
    internal = case.get("transfer_scope") == "internal"
    if not internal and not case.get("commune_letter_date"):
        raise DocumentNotApplicable("a transfer outside the commune's party organisation waits for the committee's letter")
    issued = as_date(_required(case, "letter_date" if internal else "commune_letter_date"))
    number = case.get("letter_number" if internal else "commune_letter_number")
    issuer = f"Chi ủy {organisation.unit_name}" if internal else organisation.committee_name
    superior = organisation.parent_name if internal else organisation.superior_name
    receiving = str(case.get("receiving_unit_name") or _required(case, "receiving_unit"))
    document = layout.new_document()
    layout.header(document, superior=superior, issuer=issuer,
                  number=f"Số {number or '     '}-GGT",
                  place_and_date=f"{organisation.place}, {date_in_words(issued)}")
    layout.title(document, "Giấy giới thiệu sinh hoạt đảng", "tạm thời")
    layout.paragraph(document, f"{issuer} trân trọng giới thiệu đồng chí {name}, số thẻ đảng viên "
                               f"{_required(case, 'party_card_number')}, đảng viên {organisation.unit_name}, đến sinh hoạt "
                               f"đảng tạm thời tại {receiving}.")
    layout.paragraph(document, f"Lý do: {REASONS.get(str(case.get('temporary_reason')), '')}; địa chỉ: "
                               f"{_required(case, 'temporary_place')}.")
    layout.paragraph(document, f"Thời gian sinh hoạt tạm thời: từ ngày {short_date(as_date(_required(case, 'temporary_from')))} "
                               f"đến ngày {short_date(as_date(_required(case, 'temporary_until')))}.")
    layout.paragraph(document, "Đồng chí có tên trên vẫn do chi bộ nơi sinh hoạt chính thức quản lý, đánh giá, xếp loại hằng "
                               "năm; đề nghị chi ủy nơi sinh hoạt tạm thời tiếp nhận, phân công nhiệm vụ và nhận xét khi hết "
                               "thời hạn.")
    layout.signature_block(document, on_behalf="T/M chi ủy" if internal else "T/M đảng ủy", signer=signer,
                           recipients=["Chi ủy nơi sinh hoạt tạm thời", "Đồng chí có tên trên", "Lưu chi bộ"])
    return Built(document, issued, issuer)
