"""P12 records of the committee office: the routing slip of an incoming document (phiếu xử lý văn bản đến, with
the leader's instruction) and the extract of the outgoing register (trích sổ đăng ký văn bản đi / văn bản mật đi).

Quy định 693-QĐ/VPTW (2021); secret documents are registered in a separate register with their own numbers and
their summary is withheld for "tuyệt mật" unless permitted (../shared/domain/procedures.md, P12). A P12 case is
owned by the commune/ward party organisation itself (``organisation.unit_name``): its committee
(``secrecy.own_committee``) heads the records and ``organisation.office``, its office, issues them.
"""

from __future__ import annotations

from typing import Any, Mapping

from workflows.documents import layout, secrecy
from workflows.documents.admission import Built, DocumentNotApplicable
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import (
    CLASSIFICATION_NAMES,
    URGENCY_NAMES,
    date_text,
    level,
    name_of,
    names_of,
    required,
    summary,
    unit_name_of,
)
from workflows.documents.text import as_date, date_in_words, local_time

RECEIVED_VIA = {"paper": "Bưu điện, giao liên", "party_network": "Mạng thông tin diện rộng của Đảng",
                "national_axis": "Trục liên thông văn bản quốc gia",
                "secure_network": "Hệ thống bảo mật chuyên dùng", "hand": "Nhận trực tiếp"}
DISPATCHED_VIA = {"party_network": "Mạng thông tin diện rộng của Đảng", "national_axis": "Trục liên thông văn bản "
                  "quốc gia", "secure_network": "Hệ thống bảo mật chuyên dùng", "secret_mail": "Giao liên mật",
                  "post": "Bưu điện", "courier": "Giao trực tiếp"}


def _office_header(document, case: Mapping[str, Any], organisation: Organisation, dated) -> None:
    committee, place = secrecy.own_committee(organisation)
    secrecy.header(document, superior=committee, issuer=organisation.office, number="",
                   place_and_date=f"{place}, {date_in_words(dated)}", classification=level(case),
                   urgency=case.get("urgency"))


def incoming_routing_slip(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Phiếu xử lý văn bản đến: the registration, the office's proposal and the leader's signed instruction.

    :raises DocumentNotApplicable: the case is an outgoing document.
    :raises MissingCaseData: the document is not registered or no instruction was given.
    """
    if case.get("direction") != "đến":
        raise DocumentNotApplicable("not an incoming document")
    dated = as_date(required(case, "received_date"))
    if signer and signer.signed_at:
        dated = local_time(signer.signed_at).date()
    document = layout.new_document()
    _office_header(document, case, organisation, dated)
    secret = level(case) >= 1
    layout.title(document, "Phiếu xử lý", "văn bản mật đến" if secret else "văn bản đến")
    register = "Sổ đăng ký văn bản mật đến" if secret else "Sổ đăng ký văn bản đến"
    rows = [
        ("Số đến", f"{required(case, 'register_number')} ({register})"),
        ("Ngày đến", date_text(case.get("received_date"))),
        ("Nguồn nhận", RECEIVED_VIA.get(case.get("received_via") or "", "")),
        ("Cơ quan ban hành", str(required(case, "sender_org"))),
        ("Số, ký hiệu; ngày văn bản", f"{required(case, 'sender_number')}; {date_text(case.get('sender_date'))}"),
        ("Thể loại", str(required(case, "document_type"))),
        ("Trích yếu", summary(case)),
        ("Độ mật; độ khẩn", f"{CLASSIFICATION_NAMES[level(case)]}; {URGENCY_NAMES.get(case.get('urgency'), '')}"),
    ]
    if case.get("proposal"):
        rows.append(("Đề xuất của Văn phòng", str(case["proposal"])))
    rows += [
        ("Ý kiến chỉ đạo", str(required(case, "instruction"))),
        ("Người chủ trì; đơn vị", f"{name_of(case, required(case, 'lead_handler'))}; "
                                  f"{unit_name_of(case, required(case, 'lead_unit'))}"),
        ("Người phối hợp", names_of(case, case.get("coordinators") or [])),
        ("Đơn vị phối hợp", ", ".join(unit_name_of(case, c) for c in case.get("coordinating_units") or [])
         or "không có"),
        ("Hạn xử lý", date_text(required(case, "handling_deadline"))),
    ]
    secrecy.fields(document, rows)
    if secret:
        layout.paragraph(document, "Chỉ những người có tên trên phiếu được tiếp cận văn bản này.")
    layout.signature_block(document, on_behalf="Thường trực đảng ủy", signer=signer, default_title="Phó Bí thư",
                           recipients=["Người chủ trì, người phối hợp", "Lưu văn thư"])
    return Built(document, dated, organisation.office)


def outgoing_register_extract(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Trích sổ đăng ký văn bản đi (or văn bản mật đi, with its own number), signed by the records clerk.

    :raises DocumentNotApplicable: the case is an incoming document.
    :raises MissingCaseData: the document has not been numbered.
    """
    if case.get("direction") != "đi":
        raise DocumentNotApplicable("not an outgoing document")
    issued = as_date(required(case, "issued_date"))
    secret = level(case) >= 1
    document = layout.new_document()
    _office_header(document, case, organisation, issued)
    layout.title(document, "Trích sổ đăng ký", "văn bản mật đi" if secret else "văn bản đi")
    rows = []
    if secret:
        rows.append(("Số thứ tự trong sổ văn bản mật đi", str(required(case, "secret_register_number"))))
    rows += [
        ("Số, ký hiệu", str(required(case, "document_number"))),
        ("Ngày ban hành", date_text(issued)),
        ("Thể loại", str(required(case, "document_type"))),
        ("Trích yếu", summary(case)),
        ("Nơi nhận", "; ".join(line.strip() for line in str(required(case, "recipients")).splitlines()
                               if line.strip())),
        ("Độ mật; độ khẩn", f"{CLASSIFICATION_NAMES[level(case)]}; {URGENCY_NAMES.get(case.get('urgency'), '')}"),
    ]
    if case.get("copies"):
        rows.append(("Số bản", str(case["copies"])))
    if case.get("dispatched_via"):
        rows.append(("Phát hành qua", DISPATCHED_VIA.get(case["dispatched_via"], str(case["dispatched_via"]))))
    if secret and level(case) == 3:
        rows.append(("Phong bì", "Hai lớp" if case.get("double_envelope") else "Một lớp"))
    secrecy.fields(document, rows)
    layout.signature_block(document, on_behalf=organisation.office, signer=signer, default_title="Văn thư",
                           recipients=["Lưu văn thư"])
    return Built(document, issued, organisation.office)
