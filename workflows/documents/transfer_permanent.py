"""P3a document: the official party-activity transfer letter, "giấy giới thiệu sinh hoạt đảng chính thức" (the
"10-box" form of Hướng dẫn 38-HD/BTCTW, formerly 12-HD/BTCTW).

Each level that handles the transfer fills one box: the outgoing cell (box 1), the outgoing commune or ward committee,
the provincial organisation board (only when the member leaves the commune's party organisation), the receiving
province's board (another province), the receiving commune or ward committee, and the receiving cell, which enrols the
member. Boxes not used on a transfer's path stay empty, as on paper; a box filled must never be corrected. The letter is
rendered from the boxes filled so far, so every signing step can produce it. Keys of
bpmn/transfer_permanent/forms/*.json.
"""

from __future__ import annotations

from typing import Any, Mapping

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Mm, Pt

from workflows.documents import layout
from workflows.documents.admission import Built, MissingCaseData
from workflows.documents.model import Organisation, Signer, committee_of
from workflows.documents.text import as_date, date_in_words, sentence, short_date

BOXES = 10
SCOPES = {"internal": "trong đảng bộ", "same_province": "sang đảng bộ khác trong tỉnh",
          "other_province": "sang tỉnh, thành phố khác"}
REASONS = {"job_change": "chuyển công tác", "retirement": "nghỉ hưu", "leave_job": "thôi việc",
           "demobilisation": "xuất ngũ, phục viên", "residence_change": "thay đổi nơi cư trú"}


def _required(case: Mapping[str, Any], key: str) -> Any:
    value = case.get(key)
    if value is None or value == "":
        raise MissingCaseData(key)
    return value


def _unit_name(case: Mapping[str, Any], key: str) -> str:
    return str(case.get(f"{key}_name") or case.get(key) or "")


def boxes(case: Mapping[str, Any], organisation: Organisation) -> list[tuple[str, str, str]]:
    """(who, what, date) of each of the ten boxes, empty strings for a box not filled."""
    filled: list[tuple[str, str, str]] = []

    def box(who: str, text_key: str, date_key: str, prefix: str = "") -> None:
        text = case.get(text_key)
        day = as_date(case.get(date_key))
        filled.append((who, (prefix + sentence(str(text))) if text else "", short_date(day) if day and text else ""))

    box(f"Chi ủy {organisation.unit_name}", "cell_box_comment", "dossier_received_on",
        f"Đảng phí đã đóng đến tháng {case.get('fee_paid_to_month', '')}. ")
    box(organisation.committee_name, "commune_box_comment", "letter_date")
    external = case.get("transfer_scope") in ("same_province", "other_province")
    if external:
        box(f"Ban Tổ chức {committee_of(organisation.superior_name)}", "province_box_comment", "province_box_date")
    if case.get("transfer_scope") == "other_province":
        box(f"Ban Tổ chức {committee_of(_unit_name(case, 'receiving_province'))}", "province_in_comment",
            "province_in_date")
    if external:
        box(committee_of(_unit_name(case, "receiving_unit")), "commune_in_comment", "commune_in_date")
    box(committee_of(_unit_name(case, "receiving_cell") or _unit_name(case, "receiving_unit")), "cell_in_comment",
        "enrolled_on", "Đã tiếp nhận, ghi tên vào danh sách chi bộ. ")
    if case.get("enrolled_on") and not case.get("cell_in_comment"):
        who, _, _ = filled[-1]
        filled[-1] = (who, "Đã tiếp nhận, ghi tên vào danh sách chi bộ.", short_date(as_date(case["enrolled_on"])))
    while len(filled) < BOXES:
        filled.append(("", "", ""))
    return filled


def transfer_letter(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Giấy giới thiệu sinh hoạt đảng chính thức, with the boxes filled so far.

    :raises MissingCaseData: the member's identity or the transfer's basis is missing.
    """
    name = " ".join(str(_required(case, "full_name")).split())
    issued = as_date(case.get("letter_date")) or as_date(case.get("dossier_received_on"))
    document = layout.new_document()
    layout.header(document, superior=organisation.superior_name, issuer=organisation.committee_name,
                  number=f"Số {case.get('letter_number') or '     '}-GGT/{organisation.committee_symbol}",
                  place_and_date=f"{organisation.place}, {date_in_words(issued)}" if issued else organisation.place)
    layout.title(document, "Giấy giới thiệu sinh hoạt đảng", "chính thức")
    layout.paragraph(document, f"Giới thiệu đồng chí {name}, sinh ngày {short_date(as_date(_required(case, 'birth_date')))}, "
                               f"số thẻ đảng viên {_required(case, 'party_card_number')}.")
    layout.paragraph(document, f"Lý do chuyển: {REASONS.get(str(case.get('decision_kind')), '')} theo "
                               f"{_required(case, 'decision_number')} ngày "
                               f"{short_date(as_date(_required(case, 'decision_date')))} (có hiệu lực từ ngày "
                               f"{short_date(as_date(_required(case, 'decision_effective_date')))}); chuyển "
                               f"{SCOPES.get(str(case.get('transfer_scope')), '')}, đến {_unit_name(case, 'receiving_unit')}.")
    layout.paragraph(document, "Đảng viên phải xuất trình giấy này với tổ chức đảng nơi đến trong thời hạn 30 ngày làm "
                               "việc kể từ ngày ghi trong giấy giới thiệu.", indent=False)
    table = document.add_table(rows=BOXES // 2, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (who, what, day) in enumerate(boxes(case, organisation)):
        cell = table.rows[index // 2].cells[index % 2]
        cell.width = Mm(82)
        first = cell.paragraphs[0]
        run = first.add_run(f"Ô {index + 1}. {who}")
        run.bold, run.font.size = True, Pt(12)
        body = cell.add_paragraph()
        body_run = body.add_run(what or " ")
        body_run.font.size = Pt(12)
        dated = cell.add_paragraph()
        dated_run = dated.add_run(f"Ngày {day} — đã ký số" if day else " ")
        dated_run.italic, dated_run.font.size = True, Pt(11)
    layout.signature_block(document, on_behalf=f"T/M {organisation.committee_name}", signer=signer,
                           recipients=["Đồng chí có tên trên", "Tổ chức đảng nơi đến", "Lưu sổ giới thiệu sinh hoạt đảng"])
    return Built(document, issued, organisation.committee_name)

