"""P6 document: the provincial standing board's decision awarding the party badge (quyết định tặng Huy hiệu Đảng),
with the posthumous and re-issue variants (mẫu 4-, 4A-, 4B-HHĐ lists of 38-HD/BTCTW). Keys of
bpmn/party_badge/forms/*.json plus ``occasion_date`` computed by the diagram.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import Built, MissingCaseData
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer, committee_of
from workflows.documents.text import as_date, blank_date_in_words, date_in_words, local_time, short_date, upper

VERBS = {"normal": "Tặng", "early_illness": "Tặng", "posthumous": "Truy tặng", "reissue": "Cấp lại"}


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def badge_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định tặng (truy tặng, cấp lại) Huy hiệu Đảng, "T/M ban thường vụ" of the provincial committee.

    :raises MissingCaseData: the member's record or the badge is missing.
    """
    name = " ".join(str(_required(case, "full_name")).split())
    years = int(_required(case, "badge_years"))
    verb = VERBS.get(str(case.get("award_kind")), "Tặng")
    issued = as_date(case.get("decision_date"))
    if issued is None and signer and signer.signed_at:
        issued = local_time(signer.signed_at).date()
    occasion = as_date(case.get("occasion_date") or f"{_required(case, 'occasion_year')}-{_required(case, 'occasion')}")
    province = organisation.superior_name
    committee = committee_of(province)
    number = case.get("decision_number")
    document = layout.new_document()
    layout.header(document, superior="Đảng bộ", issuer=committee, number=f"Số {number}" if number else "Số      -QĐ/TU",
                  place_and_date=f"{organisation.place}, "
                                 f"{date_in_words(issued) if issued else blank_date_in_words(occasion.year)}")
    layout.title(document, "Quyết định", f"{verb.lower()} Huy hiệu {years} năm tuổi đảng")
    for ground in ("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                   "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
                   f"Xét đề nghị của Ban Thường vụ {organisation.committee_name} và của Ban Tổ chức {committee},"):
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(committee)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    layout.paragraph(document, bold("Điều 1. "), f"{verb} Huy hiệu {years} năm tuổi đảng cho đồng chí {name}, sinh ngày "
                                                 f"{short_date(as_date(_required(case, 'birth_date')))}, vào Đảng ngày "
                                                 f"{short_date(as_date(_required(case, 'admission_date')))}, sinh hoạt tại "
                                                 f"{organisation.unit_name}, {organisation.parent_name}.")
    layout.paragraph(document, bold("Điều 2. "), f"Huy hiệu được trao vào dịp ngày {occasion.day}/{occasion.month}/"
                                                 f"{occasion.year}. {organisation.committee_name} tổ chức trao tặng.")
    layout.paragraph(document, bold("Điều 3. "), f"Văn phòng {committee}, Ban Tổ chức {committee}, "
                                                 f"{organisation.committee_name} và đồng chí có tên tại Điều 1 căn cứ Quyết "
                                                 "định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer, default_title="Phó Bí thư",
                           recipients=["Như Điều 3", "Lưu Văn phòng, Ban Tổ chức"])
    return Built(document, issued or occasion, committee)
