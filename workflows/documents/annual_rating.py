"""P9 documents: the minutes of the cell meeting that reviews and proposes the rating of each member, and the
standing board's decision recognising the ratings (Quy định 124-QĐ/TW, Hướng dẫn 25-HD/BTCTW).

Whether the commune/ward committee's act is a decision or a notice of the results is not fixed by the sources
read (../shared/domain/procedures.md, P9, [S]); the template issues a decision ("Quyết định công nhận kết quả").
Each member's self-review is in ``self_reviews``, in the order of ``members``; the cell's proposal is four lists
of usernames, one per level.
"""

from __future__ import annotations

from typing import Any, Mapping

from docx.shared import Mm

from workflows.documents import layout, secrecy
from workflows.documents.admission import BLANK_NUMBER, Built, DocumentNotApplicable, committee_header
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import required
from workflows.documents.text import as_date, date_in_words, local_time, sentence, upper

LEVELS = (("excellent", "Hoàn thành xuất sắc nhiệm vụ"), ("good", "Hoàn thành tốt nhiệm vụ"),
          ("fulfilled", "Hoàn thành nhiệm vụ"), ("not_fulfilled", "Không hoàn thành nhiệm vụ"))
LEVEL_NAMES = dict(LEVELS)


def _names(case: Mapping[str, Any]) -> dict[str, str]:
    """username -> full name: from the self-reviews (which carry the name each member typed), else the engine."""
    names = {}
    reviews = case.get("self_reviews") or []
    for username, review in zip(case.get("members") or [], reviews if isinstance(reviews, list) else []):
        if isinstance(review, dict) and review.get("full_name"):
            names[username] = " ".join(str(review["full_name"]).split())
    return names


def _proposed(case: Mapping[str, Any]) -> dict[str, str]:
    """username -> proposed level, from the cell's four lists."""
    result = {}
    for key, _ in LEVELS:
        for username in case.get(f"{key}_members") or []:
            result[username] = key
    return result


def _name(case: Mapping[str, Any], names: dict[str, str], username: str) -> str:
    return names.get(username) or secrecy.name_of(case, username)


def rating_minutes(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên bản họp chi bộ kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm …, "T/M chi bộ".

    :raises MissingCaseData: the meeting or the member list is missing.
    """
    year = int(required(case, "year"))
    meeting = as_date(required(case, "cell_meeting_date"))
    members = list(required(case, "members"))
    names, proposed = _names(case), _proposed(case)
    self_rated = {}
    reviews = case.get("self_reviews") or []
    for username, review in zip(members, reviews if isinstance(reviews, list) else []):
        if isinstance(review, dict):
            self_rated[username] = review.get("self_rating")
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=BLANK_NUMBER.format(kind="BB", symbol=organisation.unit_symbol),
                  place_and_date=f"{organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Biên bản", f"họp chi bộ kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm {year}")
    layout.paragraph(document, f"Ngày {secrecy.date_text(meeting)}, {organisation.unit_name} họp kiểm điểm, đánh giá, "
                               f"xếp loại chất lượng đảng viên năm {year}. Tổng số đảng viên chính thức: "
                               f"{required(case, 'cell_full_members')}; có mặt: {required(case, 'cell_present')}.")
    if case.get("cell_comment"):
        layout.paragraph(document, bold("Nhận xét chung: "), sentence(str(case["cell_comment"])))
    rows = [(str(i), _name(case, names, u), LEVEL_NAMES.get(self_rated.get(u) or "", ""),
             LEVEL_NAMES.get(proposed.get(u) or "", "chưa xếp loại")) for i, u in enumerate(members, start=1)]
    secrecy.grid(document, ("STT", "Họ và tên", "Tự xếp loại", "Chi bộ đề xuất"), rows,
                 (Mm(12), Mm(53), Mm(50), Mm(50)))
    counts = "; ".join(f"{title}: {len(case.get(f'{key}_members') or [])}" for key, title in LEVELS)
    layout.paragraph(document, bold("Tổng hợp: "), counts + ".")
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer,
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu chi bộ"])
    return Built(document, meeting, organisation.unit_name)


def rating_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định công nhận kết quả đánh giá, xếp loại chất lượng đảng viên năm …, "T/M ban thường vụ".

    :raises DocumentNotApplicable: the board returned the proposal to the cell.
    """
    if case.get("committee_decision") == "return":
        raise DocumentNotApplicable("the standing board returned the proposal")
    year = int(required(case, "year"))
    names = _names(case)
    issued_on = as_date(case.get("decision_date"))
    if issued_on is None and signer and signer.signed_at:
        issued_on = local_time(signer.signed_at).date()
    meeting = as_date(case.get("committee_meeting_date"))
    number = case.get("decision_number")
    document = layout.new_document()
    committee_header(document, organisation, number=number, issued_on=issued_on, year=year + 1)
    layout.title(document, "Quyết định", f"công nhận kết quả đánh giá, xếp loại chất lượng đảng viên năm {year}")
    for ground in ("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                   "Căn cứ Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị về kiểm điểm và đánh giá, xếp "
                   "loại chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị;",
                   "Căn cứ Hướng dẫn số 25-HD/BTCTW ngày 10/11/2023 của Ban Tổ chức Trung ương;",
                   f"Xét đề nghị của {organisation.unit_name},"):
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(organisation.committee_name)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    layout.paragraph(document, bold("Điều 1. "), f"Công nhận kết quả đánh giá, xếp loại chất lượng đảng viên năm "
                                                 f"{year} của {organisation.unit_name} như sau:")
    for key, title in LEVELS:
        usernames = case.get(f"{key}_members") or []
        people = ", ".join(_name(case, names, u) for u in usernames) if usernames else "không có"
        layout.paragraph(document, f"- {title} ({len(usernames)}): {people}.")
    layout.paragraph(document, bold("Điều 2. "), f"{organisation.unit_name} thông báo kết quả đến từng đảng viên, "
                                                 "ghi vào hồ sơ đảng viên; các đồng chí có tên tại Điều 1 căn cứ "
                                                 "Quyết định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer,
                           recipients=[organisation.unit_name, f"Lưu {organisation.office}, hồ sơ đảng viên"])
    return Built(document, issued_on or meeting, organisation.committee_name)
