"""P4 document: the residence cell's comment on a member who works elsewhere (phiếu nhận xét đảng viên đang công tác
thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú), Quy định 213-QĐ/TW and Hướng dẫn 33-HD/BTCTW.

The residence cell issues it; its name, its superior's and its place come from ``residence_unit_name``,
``residence_unit_parent_name`` and ``residence_unit_place``, which the engine adds for the unit picked in the form
(``residence_unit``; engine/services/documents.py, ``unit_names``). Filled from the keys of bpmn/residence_comment/forms/*.json.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import Built, DocumentNotApplicable, MissingCaseData
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import as_date, date_in_words, sentence

ASSESSMENTS = {"exemplary": "Gương mẫu thực hiện tốt", "fulfilled": "Thực hiện đầy đủ",
               "not_fulfilled": "Chưa thực hiện đầy đủ"}
PURPOSES = {"annual_review": "đánh giá, xếp loại chất lượng đảng viên cuối năm",
            "appointment": "quy hoạch, bổ nhiệm, giới thiệu ứng cử", "reward": "khen thưởng",
            "discipline": "xem xét kỷ luật"}


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def residence_comment_form(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Phiếu nhận xét, signed "T/M chi ủy" by the residence cell's secretary.

    :raises MissingCaseData: the comment is not recorded yet.
    :raises DocumentNotApplicable: the request was returned, not commented on.
    """
    if case.get("comment_decision") != "comment":
        raise DocumentNotApplicable("the residence cell has not commented")
    name = " ".join(str(_required(case, "full_name")).split())
    meeting = as_date(_required(case, "cell_meeting_date"))
    residence = str(case.get("residence_unit_name") or _required(case, "residence_unit"))
    document = layout.new_document()
    # The case belongs to the workplace cell: the residence side's names are taken from the data when it has them.
    layout.header(document, superior=str(case.get("residence_unit_parent_name") or ""), issuer=f"Chi ủy {residence}",
                  number=f"Số {_required(case, 'case_number')}",
                  place_and_date=f"{case.get('residence_unit_place') or organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Phiếu nhận xét",
                 "đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân nơi cư trú")
    layout.paragraph(document, f"Họ và tên đảng viên: {name}; số thẻ đảng viên: {_required(case, 'party_card_number')}.")
    layout.paragraph(document, f"Cơ quan, đơn vị công tác: {_required(case, 'workplace_name')}. Nơi cư trú: "
                               f"{_required(case, 'residence_address')}.")
    layout.paragraph(document, f"Mục đích: {PURPOSES.get(str(case.get('purpose')), str(case.get('purpose')))}, năm "
                               f"{_required(case, 'comment_year')}.")
    layout.paragraph(document, f"Ngày {meeting.strftime('%d/%m/%Y')}, chi ủy họp và nhận xét như sau:")
    for number, (heading, key) in enumerate((
            ("Việc giữ mối liên hệ với chi ủy, chi bộ và nhân dân nơi cư trú", "contact_comment"),
            ("Việc thực hiện nghĩa vụ công dân và quy định của địa phương nơi cư trú", "citizen_duty_comment"),
            ("Phẩm chất đạo đức, lối sống của bản thân và gia đình", "conduct_comment")), start=1):
        layout.paragraph(document, bold(f"{number}. {heading}: "), sentence(str(_required(case, key))))
    layout.paragraph(document, bold("Đánh giá chung: "),
                     ASSESSMENTS.get(str(_required(case, "overall_assessment")), str(case["overall_assessment"])) + ".")
    layout.signature_block(document, on_behalf="T/M chi ủy", signer=signer,
                           recipients=["Chi bộ nơi đảng viên công tác", "Lưu chi bộ nơi cư trú"])
    return Built(document, meeting, residence)
