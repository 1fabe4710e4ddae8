"""P1 admission documents: the cell's resolution proposing admission (mẫu 6-KNĐ) and the standing board's
admission decision (mẫu 9-KNĐ).

Form numbers are those of 12-HD/BTCTW (2022); 38-HD/BTCTW (2025) may have renumbered them
(../shared/domain/procedures.md §0). The wording follows the structure of those forms, filled from P1's case
data (keys of bpmn/admission/forms/*.json, plus ``case_number``). The legal bases cited in the decision are in
``LEGAL_BASIS``: update them there when 294-QĐ/TW or 06-HD/TW is replaced.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, NamedTuple

from docx.document import Document as DocxDocument

from workflows.documents import layout
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import (
    as_date,
    blank_date_in_words,
    date_in_words,
    local_time,
    percent,
    sentence,
    short_date,
    upper,
)
from workflows.functions import two_thirds_reached

LEGAL_BASIS = (
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
    "Căn cứ Hướng dẫn số 06-HD/TW ngày 09/6/2025 của Ban Bí thư về một số vấn đề cụ thể thi hành Điều lệ Đảng;",
)
BLANK_NUMBER = "Số      -{kind}/{symbol}"       # numbered by the office when the document is registered


def committee_header(document, organisation: Organisation, *, number: str | None, issued_on: date | None,
                     year: int | None) -> None:
    """The header of a standing committee's decision: its number once the office has given one (else the
    blank the office fills in when it registers it), its date in words (else a blank date of ``year``)."""
    layout.header(document, superior=organisation.superior_name, issuer=organisation.committee_name,
                  number=f"Số {number}" if number else BLANK_NUMBER.format(kind="QĐ",
                                                                         symbol=organisation.committee_symbol),
                  place_and_date=f"{organisation.place}, "
                                 f"{date_in_words(issued_on) if issued_on else blank_date_in_words(year)}")


class MissingCaseData(KeyError):
    """The case data lacks a key the document needs (the step that fills it has not run)."""


class DocumentNotApplicable(ValueError):
    """The case's data does not support this document, e.g. a proposal after a vote below two thirds."""


class Built(NamedTuple):
    document: DocxDocument
    dated: date | None          # the date the document bears, or the best known date of its content
    issuer: str                 # the issuing organ, recorded as the file's author


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def _candidate(case: Mapping[str, Any]) -> str:
    return " ".join(str(_required(case, "full_name")).split())


def cell_resolution(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Nghị quyết đề nghị kết nạp đảng viên (mẫu 6-KNĐ), signed by the cell secretary "T/M chi bộ".

    :raises MissingCaseData: the candidate's record or the cell vote is incomplete.
    :raises DocumentNotApplicable: fewer than two thirds of the full members voted in favour.
    """
    name = _candidate(case)
    meeting = as_date(_required(case, "cell_meeting_date"))
    full_members = int(_required(case, "cell_full_members"))
    present = int(_required(case, "cell_present"))
    in_favour = int(_required(case, "cell_in_favour"))
    if not two_thirds_reached(in_favour, full_members):
        raise DocumentNotApplicable(f"cell vote {in_favour}/{full_members} is below two thirds")

    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=BLANK_NUMBER.format(kind="NQ", symbol=organisation.unit_symbol),
                  place_and_date=f"{organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Nghị quyết", "đề nghị kết nạp đảng viên")
    layout.paragraph(document, f"Ngày {short_date(meeting)}, {organisation.unit_name} họp xét đề nghị kết nạp "
                               f"quần chúng {name} vào Đảng.")
    layout.paragraph(document, f"Tổng số đảng viên chính thức của chi bộ: {full_members} đồng chí; có mặt: {present} "
                               f"đồng chí. Hình thức biểu quyết: {_required(case, 'cell_vote_method')}.")
    layout.paragraph(document, f"Sau khi nghe báo cáo đơn xin vào Đảng, lý lịch của quần chúng {name}, giấy giới "
                               "thiệu của đảng viên chính thức, nhận xét của tổ chức đoàn thể nơi làm việc và của chi "
                               "ủy, chi bộ nơi cư trú, kết quả thẩm tra lý lịch; chi bộ thảo luận, biểu quyết và kết "
                               "luận:")
    sections = [("Về lý lịch", _biography(case, name))]
    if case.get("cell_resolution_summary"):
        sections.append(("Về phẩm chất chính trị, đạo đức, lối sống, năng lực công tác",
                         sentence(case["cell_resolution_summary"])))
    not_in_favour = max(present - in_favour, 0)
    sections.append(("Kết quả biểu quyết", f"{in_favour} đồng chí đảng viên chính thức tán thành việc kết nạp "
                                            f"quần chúng {name} vào Đảng, đạt {percent(in_favour, full_members)} "
                                            f"so với tổng số đảng viên chính thức của chi bộ; {not_in_favour} đồng chí "
                                            "không tán thành."))
    for number, (heading, text) in enumerate(sections, start=1):
        layout.paragraph(document, bold(f"{number}. {heading}: "), text)
    layout.paragraph(document, f"Chi bộ đề nghị Ban Thường vụ {organisation.committee_name} xem xét, quyết định kết "
                               f"nạp quần chúng {name} vào Đảng Cộng sản Việt Nam.")
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer,
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu chi bộ"])
    return Built(document, meeting, organisation.unit_name)


def _biography(case: Mapping[str, Any], name: str) -> str:
    parts = [f"quần chúng {name}"]
    if case.get("gender"):
        parts.append(f"giới tính: {case['gender']}")
    parts.append(f"sinh ngày {short_date(as_date(_required(case, 'birth_date')))}")
    parts.append(f"quê quán: {_required(case, 'hometown')}")
    for key, label in (("occupation", "nghề nghiệp"), ("education", "trình độ học vấn")):
        if case.get(key):
            parts.append(f"{label}: {case[key]}")
    if case.get("youth_union_member"):
        parts.append("đoàn viên Đoàn Thanh niên Cộng sản Hồ Chí Minh")
    text = "; ".join(parts) + "."
    if case.get("verification_conclusion"):
        text += f" Kết luận thẩm tra lý lịch: {sentence(case['verification_conclusion'])}"
    return text


def admission_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định kết nạp đảng viên (mẫu 9-KNĐ), signed "T/M ban thường vụ" by the committee's secretary.

    Drafted at the standing board's vote, then numbered and dated by the office (``decision_number``,
    ``decision_date``): until then the number and the date line are left blank, as on a paper draft.

    :raises MissingCaseData: the candidate's record is incomplete.
    :raises DocumentNotApplicable: the board's vote, when recorded, is below two thirds.
    """
    name = _candidate(case)
    members, in_favour = case.get("committee_members"), case.get("committee_in_favour")
    if members is not None and in_favour is not None and not two_thirds_reached(int(in_favour), int(members)):
        raise DocumentNotApplicable(f"standing board vote {in_favour}/{members} is below two thirds")
    board_meeting = as_date(case.get("committee_meeting_date"))
    issued_on = as_date(case.get("decision_date"))
    if issued_on is None and signer and signer.signed_at:
        issued_on = local_time(signer.signed_at).date()
    number = case.get("decision_number")
    year = issued_on.year if issued_on else board_meeting.year if board_meeting else None

    document = layout.new_document()
    committee_header(document, organisation, number=number, issued_on=issued_on, year=year)
    layout.title(document, "Quyết định", "về việc kết nạp đảng viên")
    grounds = list(LEGAL_BASIS)
    cell_meeting = as_date(case.get("cell_meeting_date"))
    grounds.append(f"Xét Nghị quyết {'ngày ' + short_date(cell_meeting) + ' ' if cell_meeting else ''}của "
                   f"{organisation.unit_name} đề nghị kết nạp quần chúng {name} vào Đảng;")
    if board_meeting and members is not None and in_favour is not None:
        grounds.append(f"Căn cứ kết quả biểu quyết ngày {short_date(board_meeting)} của Ban Thường vụ: {in_favour}/"
                       f"{members} đồng chí ủy viên tán thành;")
    grounds.append(f"Xét đề nghị của {organisation.advisory_board},")
    for ground in grounds:
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(organisation.committee_name)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    birth = short_date(as_date(_required(case, "birth_date")))
    layout.paragraph(document, bold("Điều 1. "), f"Kết nạp quần chúng {name}, sinh ngày {birth}, quê quán: "
                                                 f"{_required(case, 'hometown')}, vào Đảng Cộng sản Việt Nam.")
    layout.paragraph(document, bold("Điều 2. "), f"Thời gian dự bị của đồng chí {name} là 12 tháng, kể từ ngày chi "
                                                 f"bộ tổ chức lễ kết nạp. {organisation.unit_name} tổ chức lễ kết nạp "
                                                 "trong thời hạn 30 ngày làm việc kể từ ngày nhận được Quyết định "
                                                 "này.")
    layout.paragraph(document, bold("Điều 3. "), f"{organisation.office}, {organisation.advisory_board}, "
                                                 f"{organisation.unit_name} và đồng chí có tên tại Điều 1 căn cứ "
                                                 "Quyết định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer,
                           recipients=["Như Điều 3", f"Lưu {organisation.office}, hồ sơ đảng viên"])
    return Built(document, issued_on or board_meeting, organisation.committee_name)
