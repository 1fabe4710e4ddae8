"""The signed records of a secret telegram (điện mật) at the cipher desk of a committee office: registration,
delivery (receipts of each addressee), recall and destruction.

The telegram's text is never in the case data (bpmn/secret_telegram/README.md): the records name the telegram by
its sender's number, its register number and the SHA-256 of the encrypted file. Every record carries the
telegram's classification mark. The case belongs to the party organisation whose office keeps the cipher desk
(``organisation.unit_name``); its committee heads the records. Addressees' receipts are in ``receipts``, in the
order of ``approved_addressees`` (a receipt is missing when the reading period ended first).
"""

from __future__ import annotations

from typing import Any, Mapping

from docx.shared import Mm

from workflows.documents import layout, secrecy
from workflows.documents.admission import Built
from workflows.documents.model import Organisation, Signer
from workflows.documents.secrecy import CLASSIFICATION_NAMES, URGENCY_NAMES, date_text, level, name_of, required
from workflows.documents.text import as_date, blank_date_in_words, date_in_words, local_time

METHODS = {"secure_erase": "xóa an toàn trên hệ thống bảo mật", "shredding": "nghiền, cắt nhỏ bản giấy",
           "burning": "đốt bản giấy"}


def _begin(case: Mapping[str, Any], organisation: Organisation, dated, title: str, subject: str):
    document = layout.new_document()
    committee, place = secrecy.own_committee(organisation)
    secrecy.header(document, superior=committee, issuer=organisation.office,
                   number="Số      -BB/VP",
                   place_and_date=f"{place}, {date_in_words(dated) if dated else blank_date_in_words()}",
                   classification=max(level(case), 1), urgency=case.get("urgency"))
    layout.title(document, title, subject)
    return document


def _telegram(case: Mapping[str, Any]) -> str:
    number = case.get("register_number")
    return (f"điện số {required(case, 'telegram_number')} của {required(case, 'sender_org')}"
            + (f" (sổ đăng ký điện mật số {number})" if number else ""))


def _dated(case: Mapping[str, Any], key: str, signer: Signer | None):
    day = as_date(case.get(key))
    if day is None and signer and signer.signed_at:
        day = local_time(signer.signed_at).date()
    return day


def _close(document, organisation: Organisation, signer: Signer | None) -> None:
    layout.signature_block(document, on_behalf=organisation.office, signer=signer, default_title="Cán bộ cơ yếu",
                           recipients=["Lưu hồ sơ điện mật"])


def telegram_register_entry(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên bản đăng ký điện mật: the entry of the telegram register, signed by the cipher officer."""
    dated = _dated(case, "registered_on", signer)
    document = _begin(case, organisation, dated, "Biên bản", "đăng ký điện mật đến")
    rows = [("Số đăng ký (sổ điện mật)", str(required(case, "register_number"))),
            ("Số điện; nơi gửi", f"{required(case, 'telegram_number')}; {required(case, 'sender_org')}"),
            ("Ngày gửi; ngày nhận", f"{date_text(case.get('sent_at'))}; {date_text(case.get('received_at'))}"),
            ("Độ mật; độ khẩn", f"{CLASSIFICATION_NAMES[level(case)]}; {URGENCY_NAMES.get(case.get('urgency'), '')}"),
            ("Số trang", str(required(case, "pages")))]
    if case.get("ciphertext_sha256"):
        rows.append(("Mã băm bản điện mã hóa (SHA-256)", str(case["ciphertext_sha256"])))
    secrecy.fields(document, rows)
    _close(document, organisation, signer)
    return Built(document, dated, organisation.office)


def telegram_delivery_receipt(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên bản chuyển giao điện mật: each approved addressee and the day they acknowledged receipt."""
    addressees = list(required(case, "approved_addressees"))
    receipts = case.get("receipts") if isinstance(case.get("receipts"), list) else []
    rows, dated = [], None
    for index, username in enumerate(addressees):
        receipt = receipts[index] if index < len(receipts) and isinstance(receipts[index], dict) else None
        day = as_date(receipt.get("received_on")) if receipt else None
        dated = max(dated, day) if dated and day else dated or day
        rows.append((str(index + 1), name_of(case, username), secrecy.date_text(day) if day else "",
                     "Đã ký xác nhận" if receipt and receipt.get("acknowledged") else "Chưa nhận (đã thu hồi)"))
    document = _begin(case, organisation, dated or _dated(case, "registered_on", signer), "Biên bản",
                      "chuyển giao điện mật")
    layout.paragraph(document, f"Chuyển giao {_telegram(case)} cho những người nhận đã được lãnh đạo duyệt:")
    secrecy.grid(document, ("STT", "Người nhận", "Ngày nhận", "Xác nhận"), rows, (Mm(12), Mm(63), Mm(30), Mm(60)))
    _close(document, organisation, signer)
    return Built(document, dated, organisation.office)


def telegram_recall_record(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên bản thu hồi điện mật, signed by the cipher officer."""
    dated = _dated(case, "recalled_on", signer)
    document = _begin(case, organisation, dated, "Biên bản", "thu hồi điện mật")
    layout.paragraph(document, f"Ngày {date_text(dated)}, bộ phận cơ yếu {organisation.office} thu hồi "
                               f"{_telegram(case)}: đã thu hồi {required(case, 'copies_recalled')} bản"
                               f"{'' if case.get('all_copies_returned') else ' (chưa đủ)'}.")
    if case.get("access_revoked"):
        layout.paragraph(document, "Quyền đọc bản điện trên hệ thống bảo mật của mọi người nhận đã được thu hồi.")
    if case.get("recall_note"):
        layout.paragraph(document, str(case["recall_note"]))
    _close(document, organisation, signer)
    return Built(document, dated, organisation.office)


def telegram_destruction_record(case: Mapping[str, Any], organisation: Organisation, signer: Signer | None) -> Built:
    """Biên bản tiêu hủy điện mật, with the witness, signed by the cipher officer."""
    dated = _dated(case, "destroyed_on", signer)
    document = _begin(case, organisation, dated, "Biên bản", "tiêu hủy điện mật")
    approval = ("theo phê duyệt của lãnh đạo khi duyệt người nhận" if case.get("destruction_pre_approved")
                else "theo phê duyệt của Chánh Văn phòng")
    layout.paragraph(document, f"Ngày {date_text(dated)}, {approval}, bộ phận cơ yếu {organisation.office} tiêu hủy "
                               f"{_telegram(case)} bằng hình thức {METHODS[required(case, 'method')]}, với sự chứng "
                               f"kiến của đồng chí {name_of(case, required(case, 'witness'))}.")
    if case.get("destruction_note"):
        layout.paragraph(document, str(case["destruction_note"]))
    layout.paragraph(document, f"Người chứng kiến: {name_of(case, case['witness'])} (ký xác nhận).")
    _close(document, organisation, signer)
    return Built(document, dated, organisation.office)
