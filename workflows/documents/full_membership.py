"""P2 documents: the cell's resolution proposing recognition as a full member (or removal), and the standing board's
decision (Quy định 294-QĐ/TW §4.2–4.3; forms 13-KNĐ and 16-KNĐ of 12-HD/BTCTW, which 38-HD/BTCTW may have renumbered).

Keys of bpmn/full_membership/forms/*.json plus what the diagram computes (``probation_end``, ``cell_proposal``). A member
is recognised as a full member from the day the 12 months of probation end, even when the meetings were late.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import LEGAL_BASIS, Built, DocumentNotApplicable, MissingCaseData
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import (as_date, blank_date_in_words, date_in_words, local_time, percent, sentence,
                                      short_date, upper)
from workflows.functions import add_months, two_thirds_reached


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def _name(case: Mapping[str, Any]) -> str:
    return " ".join(str(_required(case, "full_name")).split())


def _probation_end(case: Mapping[str, Any]):
    return as_date(case.get("probation_end") or add_months(str(_required(case, "admission_ceremony_date")), 12))


def full_membership_cell_resolution(case: Mapping[str, Any], organisation: Organisation,
                                    signer: Signer | None) -> Built:
    """Nghị quyết của chi bộ đề nghị công nhận đảng viên chính thức (or đề nghị xóa tên), "T/M chi bộ".

    :raises MissingCaseData: the vote is not recorded.
    :raises DocumentNotApplicable: neither proposal reached two thirds of the full members.
    """
    name = _name(case)
    meeting = as_date(_required(case, "cell_meeting_date"))
    full_members = int(_required(case, "cell_full_members"))
    present = int(_required(case, "cell_present"))
    recognise = int(_required(case, "recognition_in_favour"))
    remove = int(case.get("removal_in_favour") or 0)
    if two_thirds_reached(recognise, full_members):
        proposal, in_favour = "công nhận đảng viên chính thức cho đồng chí", recognise
    elif two_thirds_reached(remove, full_members):
        proposal, in_favour = "xóa tên trong danh sách đảng viên đối với đồng chí", remove
    else:
        raise DocumentNotApplicable(f"neither proposal reached two thirds of {full_members}")
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=f"Số      -NQ/{organisation.unit_symbol}",
                  place_and_date=f"{organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Nghị quyết", "đề nghị công nhận đảng viên chính thức" if proposal.startswith("công")
                 else "đề nghị xóa tên đảng viên dự bị")
    layout.paragraph(document, f"Ngày {short_date(meeting)}, {organisation.unit_name} họp xét đối với đảng viên dự bị "
                               f"{name}, kết nạp theo Quyết định số {_required(case, 'admission_decision_number')} ngày "
                               f"{short_date(as_date(_required(case, 'admission_decision_date')))}; thời hạn dự bị kết "
                               f"thúc ngày {short_date(_probation_end(case))}.")
    layout.paragraph(document, f"Tổng số đảng viên chính thức: {full_members}; có mặt: {present}. Hình thức biểu quyết: "
                               f"{case.get('cell_vote_method', '')}.")
    if case.get("cell_resolution_summary"):
        layout.paragraph(document, bold("Nhận xét: "), sentence(str(case["cell_resolution_summary"])))
    layout.paragraph(document, bold("Kết quả biểu quyết: "), f"{in_favour}/{full_members} đồng chí tán thành, đạt "
                                                            f"{percent(in_favour, full_members)}.")
    layout.paragraph(document, f"Chi bộ đề nghị Ban Thường vụ {organisation.committee_name} xem xét, quyết định "
                               f"{proposal} {name}.")
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer,
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu chi bộ"])
    return Built(document, meeting, organisation.unit_name)


def full_membership_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định công nhận đảng viên chính thức (or xóa tên), "T/M ban thường vụ"; number and date blank until the
    office issues it.

    :raises MissingCaseData: the board's vote is not recorded.
    :raises DocumentNotApplicable: the board's vote is below two thirds.
    """
    name = _name(case)
    members, in_favour = int(_required(case, "committee_members")), int(_required(case, "committee_in_favour"))
    if not two_thirds_reached(in_favour, members):
        raise DocumentNotApplicable(f"standing board vote {in_favour}/{members} is below two thirds")
    recognise = case.get("membership_outcome", "recognise") == "recognise"
    issued = as_date(case.get("decision_date"))
    if issued is None and signer and signer.signed_at:
        issued = local_time(signer.signed_at).date()
    board = as_date(_required(case, "committee_meeting_date"))
    number = case.get("decision_number")
    document = layout.new_document()
    layout.header(document, superior=organisation.superior_name, issuer=organisation.committee_name,
                  number=f"Số {number}" if number else f"Số      -QĐ/{organisation.committee_symbol}",
                  place_and_date=f"{organisation.place}, "
                                 f"{date_in_words(issued) if issued else blank_date_in_words(board.year)}")
    layout.title(document, "Quyết định", "công nhận đảng viên chính thức" if recognise else "xóa tên đảng viên dự bị")
    for ground in LEGAL_BASIS:
        layout.paragraph(document, f"- {ground}")
    cell_meeting = as_date(case.get("cell_meeting_date"))
    layout.paragraph(document, f"- Xét Nghị quyết {'ngày ' + short_date(cell_meeting) + ' ' if cell_meeting else ''}của "
                               f"{organisation.unit_name} và đề nghị của {organisation.advisory_board};")
    layout.paragraph(document, f"- Căn cứ kết quả biểu quyết ngày {short_date(board)} của Ban Thường vụ: {in_favour}/"
                               f"{members} đồng chí tán thành,")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(organisation.committee_name)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    if recognise:
        article = (f"Công nhận đồng chí {name}, sinh ngày {short_date(as_date(_required(case, 'birth_date')))}, là đảng "
                   f"viên chính thức kể từ ngày {short_date(_probation_end(case))}; tuổi đảng tính từ ngày "
                   f"{short_date(as_date(_required(case, 'admission_decision_date')))}.")
    else:
        article = f"Xóa tên đồng chí {name} trong danh sách đảng viên dự bị của {organisation.unit_name}."
    layout.paragraph(document, bold("Điều 1. "), article)
    layout.paragraph(document, bold("Điều 2. "), f"{organisation.office}, {organisation.advisory_board}, "
                                                 f"{organisation.unit_name} và đồng chí có tên tại Điều 1 căn cứ Quyết "
                                                 "định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer,
                           recipients=["Như Điều 2", f"Lưu {organisation.office}, hồ sơ đảng viên"])
    return Built(document, issued or board, organisation.committee_name)
