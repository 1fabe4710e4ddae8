"""The layout of a party document (Hướng dẫn 36-HD/VPTW), shared by every template.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm (the low end of 36-HD's 20–25 / 30–35 /
15–20 mm ranges, which keeps a decision on one page); Times New Roman 14 pt, which LibreOffice replaces by the
metric-compatible Liberation Serif. From the top: a borderless two-column header (left: superior organ in
capitals, issuing organ in bold capitals, an asterisk, "Số 125-QĐ/ĐU"; right: "ĐẢNG CỘNG SẢN VIỆT NAM" bold and
underlined, then place and date in italics), the document type in bold capitals with its subject in bold below
and five dashes, the body, and a borderless two-column signature block ("Nơi nhận:" underlined with the
recipients in 12 pt on the left, the signature on the right).

36-HD/VPTW was written for 66-QĐ/TW and may be replaced after 399-QĐ/TW (2026); sizes live in the constants below.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import NamedTuple, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from workflows.documents.model import Signer
from workflows.documents.text import signing_time, upper

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
MOTTO_SIZE = Pt(15)                 # "ĐẢNG CỘNG SẢN VIỆT NAM"
TYPE_SIZE = Pt(16)                  # "QUYẾT ĐỊNH"
RECIPIENT_SIZE = Pt(12)
DIGITAL_SIGNATURE_SIZE = Pt(11)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH = Mm(210 - 30 - 15)
HEADER_COLUMNS = (Mm(68), Mm(97))
SIGNATURE_COLUMNS = (Mm(75), Mm(90))
FIRST_LINE_INDENT = Cm(1.27)
PARAGRAPH_SPACING = Pt(6)
HAND_SIGNATURE_LINES = 4            # room for a signature and the seal on paper


class Run(NamedTuple):
    """A piece of text with its emphasis; a template passes ``str`` for plain text."""
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: Length | None = None


def bold(text: str) -> Run:
    """Shorthand for ``Run(text, bold=True)``."""
    return Run(text, bold=True)


def new_document() -> DocxDocument:
    """An empty A4 document with the page and the Normal style set for party documents."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    run_properties = normal.element.get_or_add_rPr()
    fonts = run_properties.get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):   # Vietnamese letters must not fall back
        fonts.set(qn(script), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    run_properties.append(language)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(0), Pt(0), 1.0
    return document


def _add_runs(paragraph: Paragraph, parts: Sequence[str | Run]) -> Paragraph:
    for part in parts:
        part = Run(part) if isinstance(part, str) else part
        run = paragraph.add_run(part.text)
        run.bold, run.italic, run.underline = part.bold or None, part.italic or None, part.underline or None
        if part.size:
            run.font.size = part.size
    return paragraph


def _table(document: DocxDocument, widths: Sequence[Length]) -> Table:
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = width        # the grid, which LibreOffice reads
        cell.width = width          # the cell, which Word reads
    return table


def _cell_lines(cell: _Cell, lines: Sequence[Sequence[str | Run]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    for index, parts in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        _add_runs(paragraph, parts)


def header(document: DocxDocument, *, superior: str, issuer: str, number: str, place_and_date: str) -> None:
    """The header table: organ names and number on the left, the party's name and the date on the right."""
    left, right = _table(document, HEADER_COLUMNS).rows[0].cells
    _cell_lines(left, [[upper(superior)], [bold(upper(issuer))], ["*"], [number]])
    _cell_lines(right, [[Run("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=MOTTO_SIZE)],
                        [""],
                        [Run(place_and_date, italic=True)]])


def title(document: DocxDocument, kind: str, subject: str) -> None:
    """The document type in bold capitals, its subject in bold, five dashes."""
    first = centred(document, Run(upper(kind), bold=True, size=TYPE_SIZE))
    first.paragraph_format.space_before = Pt(18)
    centred(document, bold(subject))
    centred(document, "-----").paragraph_format.space_after = Pt(12)


def centred(document: DocxDocument, *parts: str | Run) -> Paragraph:
    """A centred paragraph (titles, "BAN THƯỜNG VỤ … QUYẾT ĐỊNH")."""
    paragraph = _add_runs(document.add_paragraph(), parts)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def paragraph(document: DocxDocument, *parts: str | Run, indent: bool = True) -> Paragraph:
    """A justified body paragraph, first line indented, 6 pt after."""
    result = _add_runs(document.add_paragraph(), parts)
    result.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    result.paragraph_format.first_line_indent = FIRST_LINE_INDENT if indent else None
    result.paragraph_format.space_after = PARAGRAPH_SPACING
    return result


def signature_block(document: DocxDocument, *, on_behalf: str, signer: Signer | None, recipients: Sequence[str],
                    default_title: str = "Bí thư") -> None:
    """Recipients on the left; on the right "T/M …", the signer's capacity, the signature, the name.

    Signed digitally, the space for a hand signature holds "Đã ký số bởi: name – position – dd/mm/yyyy hh:mm".
    Recipients are given bare; each line gets "- " and ",", the last one ".".
    """
    document.add_paragraph().paragraph_format.space_after = Pt(6)
    left, right = _table(document, SIGNATURE_COLUMNS).rows[0].cells
    lines = [[Run("Nơi nhận:", underline=True)]]       # party style: underlined, body size; items 12 pt
    lines += [[Run(f"- {name}{'.' if i == len(recipients) - 1 else ','}", size=RECIPIENT_SIZE)]
              for i, name in enumerate(recipients)]
    _cell_lines(left, lines, align=WD_ALIGN_PARAGRAPH.LEFT)
    for item in left.paragraphs[1:]:            # a long recipient wraps under its text, not under the dash
        item.paragraph_format.left_indent, item.paragraph_format.first_line_indent = Mm(3), -Mm(3)
    capacity = signer.title if signer else default_title
    signature: list[list[str | Run]] = [[bold(upper(on_behalf))], [bold(upper(capacity))]]
    if signer and signer.signed_at:
        digital = f"Đã ký số bởi: {signer.full_name} – {signer.position} – {signing_time(signer.signed_at)}"
        signature += [[""], [Run(digital, italic=True, size=DIGITAL_SIGNATURE_SIZE)], [""]]
    else:
        signature += [[""]] * HAND_SIGNATURE_LINES
    signature.append([bold(signer.full_name if signer else "")])
    _cell_lines(right, signature)


def to_bytes(document: DocxDocument, *, title: str, author: str, moment: datetime) -> bytes:
    """The .docx bytes, identical for identical input.

    python-docx stamps the core properties with the current time and writes zip entries with the current time
    (``ZipFile.writestr`` with a bare name): both are set from ``moment`` (a naive UTC datetime, ≥ 1980) here.
    The default template's thumbnail and "generated by python-docx" comment are dropped.
    """
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.comments, properties.revision = "", 1
    properties.created = properties.modified = moment
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[key]
    buffer = io.BytesIO()
    document.save(buffer)
    return _with_fixed_timestamps(buffer.getvalue(), moment)


def _with_fixed_timestamps(data: bytes, moment: datetime) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type, entry.create_system, entry.external_attr = zipfile.ZIP_DEFLATED, 3, 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()
