"""P10 documents of the inspection committee: the slip forwarding a denunciation to the competent body, the
decision to handle it (with the inspection team), the conclusion, and the two notices to the denouncer (result,
extension).

Điều lệ Đảng Điều 32; Quy định 296-QĐ/TW (2025), chapter on denunciations ([S] for clause-level values,
../shared/domain/procedures.md, P10). Every document carries the case's classification mark (at least "MẬT").
The denouncer's identity appears only in the notices addressed to the denouncer; the forwarding slip, the
decision and the conclusion name the accused member and the content, never the denouncer.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout, secrecy
from workflows.documents.admission import Built, DocumentNotApplicable
from workflows.documents.layout import bold
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import date_text, level, name_of, names_of, required
from workflows.documents.text import as_date, blank_date_in_words, date_in_words, local_time, sentence, upper

INSPECTION_COMMITTEE = "Ủy ban Kiểm tra"
SYMBOL = "UBKT"
CONCLUSIONS = {"founded": "tố cáo đúng", "partly_founded": "tố cáo đúng một phần", "unfounded": "tố cáo sai"}
LEGAL_BASIS = (
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định số 296-QĐ/TW ngày 30/5/2025 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và "
    "kỷ luật của Đảng;",
)


def _issuer(organisation: Organisation) -> str:
    return f"{INSPECTION_COMMITTEE} {organisation.committee_name}"


def _begin(case: Mapping[str, Any], organisation: Organisation, *, number: str | None, kind: str, dated,
           year: int | None) -> Any:
    document = layout.new_document()
    secrecy.header(document, superior=organisation.committee_name, issuer=INSPECTION_COMMITTEE,
                   number=f"Số {number}" if number else f"Số      -{kind}/{SYMBOL}",
                   place_and_date=f"{organisation.place}, "
                                  f"{date_in_words(dated) if dated else blank_date_in_words(year)}",
                   classification=max(level(case), 1))
    return document


def _accused(case: Mapping[str, Any]) -> str:
    name = " ".join(str(required(case, "accused_full_name")).split())
    position = " ".join(str(case.get("accused_position") or "").split())
    return f"đồng chí {name}" + (f", {position}" if position else "")


def _dated(case: Mapping[str, Any], key: str, signer: Signer | None):
    day = as_date(case.get(key))
    if day is None and signer and signer.signed_at:
        day = local_time(signer.signed_at).date()
    return day


def forward_letter(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Phiếu chuyển đơn tố cáo to the competent body (wrong competence, or the accused sits in this committee).

    :raises DocumentNotApplicable: the committee did not decide to forward.
    """
    if case.get("classify_decision") != "forward":
        raise DocumentNotApplicable("the denunciation was not forwarded")
    dated = _dated(case, "classified_on", signer)
    document = _begin(case, organisation, number=None, kind="PC", dated=dated, year=dated.year if dated else None)
    layout.title(document, "Phiếu chuyển đơn", "tố cáo đối với đảng viên")
    layout.paragraph(document, f"Kính gửi: {required(case, 'forward_to')}.", indent=False)
    layout.paragraph(document, f"{_issuer(organisation)} nhận được đơn tố cáo (vào sổ đơn thư mật số "
                               f"{required(case, 'petition_register_number')}, ngày "
                               f"{date_text(case.get('received_date'))}) đối với {_accused(case)}.")
    layout.paragraph(document, bold("Lý do chuyển: "), sentence(str(required(case, "classify_reason"))))
    layout.paragraph(document, f"{_issuer(organisation)} chuyển đơn (kèm theo) để xem xét, giải quyết theo thẩm "
                               "quyền. Đề nghị giữ bí mật thông tin về người tố cáo theo quy định.")
    layout.signature_block(document, on_behalf=f"T/M {INSPECTION_COMMITTEE.lower()}", signer=signer,
                           default_title="Chủ nhiệm", recipients=["Như trên", "Lưu hồ sơ mật"])
    return Built(document, dated, _issuer(organisation))


def handling_decision(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Quyết định giải quyết tố cáo và thành lập tổ kiểm tra, "T/M ủy ban kiểm tra".

    :raises MissingCaseData: the team or the plan is missing.
    """
    dated = _dated(case, "handling_decision_issued_on", signer) or as_date(required(case, "handling_decision_date"))
    document = _begin(case, organisation, number=case.get("handling_decision_number"), kind="QĐ", dated=dated,
                      year=dated.year if dated else None)
    layout.title(document, "Quyết định", "giải quyết tố cáo và thành lập tổ kiểm tra")
    for ground in (*LEGAL_BASIS, f"Xét đơn tố cáo vào sổ số {required(case, 'petition_register_number')} ngày "
                                 f"{date_text(case.get('received_date'))},"):
        layout.paragraph(document, f"- {ground}")
    decides = layout.centred(document, bold(f"{upper(_issuer(organisation))} QUYẾT ĐỊNH"))
    decides.paragraph_format.space_before = decides.paragraph_format.space_after = layout.PARAGRAPH_SPACING
    layout.paragraph(document, bold("Điều 1. "), f"Giải quyết tố cáo đối với {_accused(case)}.")
    leader = required(case, "team_leader")
    others = [u for u in required(case, "team_members") if u != leader]
    layout.paragraph(document, bold("Điều 2. "), f"Thành lập tổ kiểm tra gồm: đồng chí {name_of(case, leader)} (tổ "
                                                 f"trưởng); thành viên: {names_of(case, others)}.")
    layout.paragraph(document, bold("Điều 3. "), f"Kế hoạch: {sentence(str(required(case, 'plan_summary')))} Thời "
                                                 "hạn giải quyết không quá 90 ngày làm việc kể từ ngày nhận tố cáo.")
    layout.paragraph(document, bold("Điều 4. "), "Tổ kiểm tra, đồng chí bị tố cáo và các tổ chức, cá nhân có liên "
                                                 "quan căn cứ Quyết định thi hành; giữ bí mật người tố cáo.")
    layout.signature_block(document, on_behalf=f"T/M {INSPECTION_COMMITTEE.lower()}", signer=signer,
                           default_title="Chủ nhiệm", recipients=["Như Điều 4", "Lưu hồ sơ mật"])
    return Built(document, dated, _issuer(organisation))


def denunciation_conclusion(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Kết luận giải quyết tố cáo, "T/M ủy ban kiểm tra".

    :raises DocumentNotApplicable: the committee asked for more verification, or the vote did not pass.
    """
    if case.get("conclusion_decision") != "approve" or case.get("conclusion_passed") is False:
        raise DocumentNotApplicable("no conclusion was adopted")
    meeting = as_date(required(case, "ubkt_meeting_date"))
    dated = _dated(case, "conclusion_issued_on", signer) or meeting
    document = _begin(case, organisation, number=case.get("conclusion_number"), kind="KL", dated=dated,
                      year=dated.year)
    layout.title(document, "Kết luận", f"giải quyết tố cáo đối với {_accused(case)}")
    layout.paragraph(document, f"Ngày {date_text(meeting)}, {_issuer(organisation)} họp xem xét báo cáo kết quả xác "
                               f"minh của tổ kiểm tra: {required(case, 'ubkt_in_favour')}/"
                               f"{required(case, 'ubkt_members')} ủy viên tán thành kết luận sau.")
    layout.paragraph(document, bold("1. Nội dung tố cáo: "), sentence(str(required(case, "content_summary"))))
    if case.get("findings"):
        layout.paragraph(document, bold("2. Kết quả xác minh: "), sentence(str(case["findings"])))
    layout.paragraph(document, bold("3. Kết luận: "), f"{CONCLUSIONS[required(case, 'conclusion')].capitalize()}. "
                                                      f"{sentence(str(required(case, 'conclusion_text')))}")
    if case.get("discipline_proposed"):
        layout.paragraph(document, bold("4. Kiến nghị: "), "Đề nghị cấp có thẩm quyền xem xét, xử lý kỷ luật theo "
                                                           "quy định.")
    layout.signature_block(document, on_behalf=f"T/M {INSPECTION_COMMITTEE.lower()}", signer=signer,
                           default_title="Chủ nhiệm",
                           recipients=[f"Ban Thường vụ {organisation.committee_name}", "Đồng chí bị tố cáo",
                                       "Lưu hồ sơ mật"])
    return Built(document, dated, _issuer(organisation))


def _denouncer(case: Mapping[str, Any]) -> str:
    if not case.get("denouncer_identified"):
        raise DocumentNotApplicable("an anonymous denouncer cannot be notified")
    return (f"{' '.join(str(required(case, 'denouncer_name')).split())}, địa chỉ: "
            f"{' '.join(str(required(case, 'denouncer_address')).split())}")


def result_notice(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Thông báo kết quả giải quyết tố cáo, to the denouncer (the only document naming them)."""
    to = _denouncer(case)
    dated = _dated(case, "notified_on", signer)
    document = _begin(case, organisation, number=None, kind="TB", dated=dated, year=dated.year if dated else None)
    layout.title(document, "Thông báo", "kết quả giải quyết tố cáo")
    layout.paragraph(document, f"Kính gửi: {to}.", indent=False)
    layout.paragraph(document, f"{_issuer(organisation)} đã giải quyết đơn tố cáo của ông (bà) đối với "
                               f"{_accused(case)}. Kết luận: {CONCLUSIONS[required(case, 'conclusion')]}.")
    if case.get("notice_text"):
        layout.paragraph(document, sentence(str(case["notice_text"])))
    layout.paragraph(document, "Thông tin về người tố cáo được giữ bí mật theo quy định.")
    layout.signature_block(document, on_behalf=f"T/M {INSPECTION_COMMITTEE.lower()}", signer=signer,
                           default_title="Chủ nhiệm", recipients=["Như trên", "Lưu hồ sơ mật"])
    return Built(document, dated, _issuer(organisation))


def extension_notice(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Thông báo gia hạn giải quyết tố cáo (at most 30 days), to the denouncer.

    :raises DocumentNotApplicable: no extension was decided, or the denouncer is anonymous.
    """
    days = case.get("extension_days")
    if not days:
        raise DocumentNotApplicable("no extension was decided")
    to = _denouncer(case)
    dated = _dated(case, "extension_date", signer)
    document = _begin(case, organisation, number=None, kind="TB", dated=dated, year=dated.year if dated else None)
    layout.title(document, "Thông báo", "gia hạn thời hạn giải quyết tố cáo")
    layout.paragraph(document, f"Kính gửi: {to}.", indent=False)
    layout.paragraph(document, f"{_issuer(organisation)} thông báo: việc giải quyết đơn tố cáo đối với "
                               f"{_accused(case)} được gia hạn thêm {int(days)} ngày làm việc. Lý do: "
                               f"{sentence(str(required(case, 'extension_reason')))}")
    layout.signature_block(document, on_behalf=f"T/M {INSPECTION_COMMITTEE.lower()}", signer=signer,
                           default_title="Chủ nhiệm", recipients=["Như trên", "Lưu hồ sơ mật"])
    return Built(document, dated, _issuer(organisation))
