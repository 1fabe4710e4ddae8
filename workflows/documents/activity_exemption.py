"""P8 documents: the cell's resolution on an exemption from party duties (or a return to them), the cell's report
or proposal to the commune/ward committee, and the standing board's decision on a temporary exemption.

Điều lệ Đảng Điều 7; 294-QĐ/TW §7; 06-HD/TW; 38-HD/BTCTW (formerly 12-HD/BTCTW Part IV §1). Old age or poor
health: the cell decides and reports upward (for information); other reasons: the committee decides
(../shared/domain/procedures.md, P8). Filled from the keys of bpmn/activity_exemption/forms/*.json.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout
from workflows.documents.admission import BLANK_NUMBER, Built, DocumentNotApplicable, committee_header
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import date_text, required
from workflows.documents.text import as_date, date_in_words, local_time, percent, sentence, upper

REASONS = {
    "old_age": "tuổi cao", "poor_health": "sức khỏe yếu", "long_treatment": "điều trị bệnh dài ngày xa nơi cư trú",
    "working_far": "công tác xa, lưu động", "other": "lý do khác",
}
SCOPES = {"work_and_meetings": "công tác và sinh hoạt đảng", "work_only": "công tác đảng"}
COMMITTEE_REASONS = ("long_treatment", "working_far", "other")


def _subject(case: Mapping[str, Any]) -> str:
    scope = SCOPES[required(case, "exemption_scope")]
    if required(case, "request_type") == "resumption":
        return f"trở lại {scope}"
    return f"miễn {scope}"


def _member(case: Mapping[str, Any]) -> str:
    return (f"đồng chí {' '.join(str(required(case, 'full_name')).split())}, sinh ngày "
            f"{date_text(required(case, 'birth_date'))}")


def _period(case: Mapping[str, Any]) -> str:
    start, end = date_text(case.get("period_from")), date_text(case.get("period_to"))
    if start and end:
        return f" từ ngày {start} đến ngày {end}"
    return f" kể từ ngày {start}" if start else ""


def exemption_resolution(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Nghị quyết của chi bộ (recorded in the cell's resolution book), approving or refusing; "T/M chi bộ".

    :raises MissingCaseData: the request or the meeting is not recorded.
    :raises DocumentNotApplicable: the cell returned the request for supplements (no resolution yet).
    """
    decision = required(case, "cell_decision")
    if decision == "return":
        raise DocumentNotApplicable("the request was returned for supplements")
    meeting = as_date(required(case, "cell_meeting_date"))
    full, present, in_favour = (int(required(case, k)) for k in ("cell_full_members", "cell_present",
                                                                  "cell_in_favour"))
    subject = _subject(case)
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=BLANK_NUMBER.format(kind="NQ", symbol=organisation.unit_symbol),
                  place_and_date=f"{organisation.place}, {date_in_words(meeting)}")
    layout.title(document, "Nghị quyết", f"về việc {subject}")
    layout.paragraph(document, f"Ngày {date_text(meeting)}, {organisation.unit_name} họp xem xét đơn đề nghị "
                               f"{subject} của {_member(case)}, lý do: {REASONS[required(case, 'reason')]}.")
    layout.paragraph(document, f"Tổng số đảng viên chính thức: {full}; có mặt: {present}; tán thành: {in_favour} "
                               f"({percent(in_favour, full)}).")
    if case.get("resolution_text"):
        layout.paragraph(document, sentence(str(case["resolution_text"])))
    outcome = "đồng ý" if decision == "approve" else "không đồng ý"
    layout.paragraph(document, bold("Chi bộ quyết nghị: "),
                     f"{outcome} để {_member(case)} {subject}{_period(case)}.")
    recipients = [f"Ban Thường vụ {organisation.committee_name} (báo cáo)", "Đảng viên có tên trên", "Lưu chi bộ"]
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer, recipients=recipients)
    return Built(document, meeting, organisation.unit_name)


def exemption_report(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Báo cáo (old age, poor health: for information) or Tờ trình (other reasons: asks for a decision) of the
    cell to the committee, after the cell approved.

    :raises DocumentNotApplicable: the cell did not approve.
    """
    if case.get("cell_decision") != "approve":
        raise DocumentNotApplicable("the cell did not approve the request")
    needs_decision = required(case, "reason") in COMMITTEE_REASONS
    dated = as_date(case.get("report_date") or required(case, "cell_meeting_date"))
    subject = _subject(case)
    kind = "Tờ trình" if needs_decision else "Báo cáo"
    document = layout.new_document()
    layout.header(document, superior=organisation.parent_name, issuer=organisation.unit_name,
                  number=BLANK_NUMBER.format(kind="TTr" if needs_decision else "BC", symbol=organisation.unit_symbol),
                  place_and_date=f"{organisation.place}, {date_in_words(dated)}")
    layout.title(document, kind, f"về việc {subject} đối với đảng viên")
    layout.paragraph(document, f"Kính gửi: Ban Thường vụ {organisation.committee_name}.", indent=False)
    layout.paragraph(document, f"Ngày {date_text(required(case, 'cell_meeting_date'))}, {organisation.unit_name} đã "
                               f"xem xét và đồng ý để {_member(case)} {subject}{_period(case)}, lý do: "
                               f"{REASONS[case['reason']]}.")
    if case.get("report_text"):
        layout.paragraph(document, sentence(str(case["report_text"])))
    layout.paragraph(document, f"{organisation.unit_name} đề nghị Ban Thường vụ xem xét, quyết định."
                     if needs_decision else f"{organisation.unit_name} báo cáo Ban Thường vụ để biết.")
    layout.signature_block(document, on_behalf="T/M chi bộ", signer=signer,
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Lưu chi bộ"])
    return Built(document, dated, organisation.unit_name)


def exemption_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định của ban thường vụ về việc miễn tạm thời (other reasons), "T/M ban thường vụ".

    :raises DocumentNotApplicable: the reason is age or health (the cell decides), or the board refused.
    """
    if required(case, "reason") not in COMMITTEE_REASONS:
        raise DocumentNotApplicable("old age and poor health are decided by the cell")
    if case.get("committee_decision") == "reject":
        raise DocumentNotApplicable("the standing board refused")
    issued_on = as_date(case.get("decision_date"))
    if issued_on is None and signer and signer.signed_at:
        issued_on = local_time(signer.signed_at).date()
    meeting = as_date(case.get("committee_meeting_date"))
    year = issued_on.year if issued_on else meeting.year if meeting else None
    number = case.get("decision_number")
    subject = _subject(case)
    document = layout.new_document()
    committee_header(document, organisation, number=number, issued_on=issued_on, year=year)
    layout.title(document, "Quyết định", f"về việc {subject} có thời hạn")
    for ground in ("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
                   "Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
                   f"Xét đề nghị của {organisation.unit_name},"):
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"BAN THƯỜNG VỤ {upper(organisation.committee_name)} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    layout.paragraph(document, bold("Điều 1. "), f"Đồng ý để {_member(case)}, đảng viên {organisation.unit_name}, "
                                                 f"{subject}{_period(case)}, lý do: {REASONS[case['reason']]}.")
    layout.paragraph(document, bold("Điều 2. "), f"{organisation.unit_name} và đồng chí có tên tại Điều 1 căn cứ "
                                                 "Quyết định thi hành.")
    layout.signature_block(document, on_behalf="T/M ban thường vụ", signer=signer,
                           recipients=["Như Điều 2", f"Lưu {organisation.office}, hồ sơ đảng viên"])
    return Built(document, issued_on or meeting, organisation.committee_name)
