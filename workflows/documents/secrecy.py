"""What the P7–P10 and P12 templates share beyond ``layout``: classification and urgency marks, tables of
fields, people's names, and the rule for the summary of a "tuyệt mật" document.

Classification marks ("MẬT", "TỐI MẬT", "TUYỆT MẬT") and urgency marks ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC") are
stamped in a box under the number and symbol of the document, in the left column of the header, as party and
state documents place them (Hướng dẫn 36-HD/VPTW; Nghị định 30/2020/NĐ-CP, Phụ lục I, for state documents).
A case's level is the integer ``classification`` of its data (0 thường … 3 tuyệt mật), which the start forms of
the classified procedures ask for.

Case data carries usernames (a member picked from the unit) and unit codes (a unit picked from the tree); a
document prints names. The engine is to add the names a case needs under ``member_names`` (username → full
name) and ``unit_names`` (unit code → name) when it renders; a username or code without a name is printed as it
is, so a document never fails for a missing name.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from workflows.documents import layout
from workflows.documents.admission import MissingCaseData
from workflows.documents.model import Organisation
from workflows.documents.text import as_date, short_date

CLASSIFICATION_MARKS = {1: "MẬT", 2: "TỐI MẬT", 3: "TUYỆT MẬT"}
URGENCY_MARKS = {"urgent": "KHẨN", "very_urgent": "THƯỢNG KHẨN", "flash": "HỎA TỐC"}
CLASSIFICATION_NAMES = {0: "Thường", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}
URGENCY_NAMES = {"normal": "Thường", "urgent": "Khẩn", "very_urgent": "Thượng khẩn", "flash": "Hỏa tốc"}
MARK_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
WITHHELD_SUMMARY = "(Văn bản Tuyệt mật: trích yếu không được ghi khi chưa được phép)"


_LEVEL_WORDS = ("thành phố ", "tỉnh ", "phường ", "xã ", "đặc khu ", "thị trấn ")


def own_committee(organisation: Organisation) -> tuple[str, str]:
    """(committee, place) of the party organisation that owns the case itself.

    ``Organisation`` names a cell's superiors; the office's documents and telegrams are cases of the commune (or
    province) organisation itself, whose committee issues them: "Đảng bộ xã Tân Tiến" → ("Đảng ủy xã Tân Tiến",
    "Tân Tiến").
    """
    committee = re.sub(r"^Đảng bộ", "Đảng ủy", organisation.unit_name)
    place = re.sub(r"^(Đảng bộ|Đảng ủy|Chi bộ)\s+", "", organisation.unit_name)
    for word in _LEVEL_WORDS:
        if place.lower().startswith(word):
            return committee, place[len(word):]
    return committee, place


def required(case: Mapping[str, Any], key: str) -> Any:
    """The value of ``key``; :raises MissingCaseData: absent or empty."""
    value = case.get(key)
    if value is None or value == "" or value == []:
        raise MissingCaseData(key)
    return value


def level(case: Mapping[str, Any]) -> int:
    """The case's classification, 0 when it has none."""
    value = case.get("classification", 0)
    return value if isinstance(value, int) and 0 <= value <= 3 else 0


def name_of(case: Mapping[str, Any], username: str) -> str:
    """The full name the engine gave for ``username``, else the username itself."""
    names = case.get("member_names") or {}
    return str(names.get(username) or username)


def unit_name_of(case: Mapping[str, Any], code: str) -> str:
    """The name the engine gave for the unit ``code``, else the code itself."""
    names = case.get("unit_names") or {}
    return str(names.get(code) or code)


def names_of(case: Mapping[str, Any], usernames: Sequence[str]) -> str:
    return ", ".join(name_of(case, u) for u in usernames) if usernames else "không có"


def date_text(value: Any) -> str:
    """``dd/mm/yyyy`` of an ISO date in case data, or an empty string."""
    day = as_date(value)
    return short_date(day) if day else ""


def summary(case: Mapping[str, Any]) -> str:
    """The document's summary (trích yếu), withheld for "tuyệt mật" unless permitted (693-QĐ/VPTW, NĐ 26/2020)."""
    if level(case) == 3 and not case.get("summary_permitted"):
        return WITHHELD_SUMMARY
    return " ".join(str(case.get("subject") or "").split())


def header(document: DocxDocument, *, superior: str, issuer: str, number: str, place_and_date: str,
           classification: int = 0, urgency: str | None = None) -> None:
    """``layout.header`` with the classification and urgency marks boxed under the number."""
    layout.header(document, superior=superior, issuer=issuer, number=number, place_and_date=place_and_date)
    left = document.tables[-1].rows[0].cells[0]
    for mark in (CLASSIFICATION_MARKS.get(classification), URGENCY_MARKS.get(urgency or "")):
        if mark:
            paragraph = left.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_before = Pt(4)
            run = paragraph.add_run(mark)
            run.bold = True
            run.font.size = MARK_SIZE
            _box(run)


def _box(run) -> None:
    """A single-line border around the run's text, as a stamped mark looks (w:bdr, after b and sz)."""
    border = OxmlElement("w:bdr")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "2"), ("w:color", "auto")):
        border.set(qn(key), value)
    run._r.get_or_add_rPr().append(border)


def grid(document: DocxDocument, heading: Sequence[str], rows: Sequence[Sequence[str]],
         widths: Sequence[Length]) -> None:
    """A bordered table: a bold heading row, then ``rows``, in 12 pt."""
    table = document.add_table(rows=1 + len(rows), cols=len(heading))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row_index, values in enumerate([list(heading), *[list(r) for r in rows]]):
        for cell, width, value in zip(table.rows[row_index].cells, widths, values, strict=True):
            cell.width = width
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = TABLE_SIZE
            run.bold = row_index == 0 or None
            if row_index == 0:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def fields(document: DocxDocument, rows: Sequence[tuple[str, str]]) -> None:
    """A two-column table of labelled values (a register entry, a routing slip)."""
    grid(document, ("Mục", "Nội dung"), [(label, value) for label, value in rows], (Mm(55), Mm(110)))
