"""Party documents generated from case data, as .docx (python-docx), by document key.

A BPMN task names the documents it produces (``documents="cell_resolution"``); the engine calls ``render`` with
the case data and the organisation and signer it knows, stores the bytes under ``file_name`` and shows
``title``. Templates are plain functions in one module per procedure; ``layout`` holds what all share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timezone
from typing import Any, Callable, Mapping

from workflows.documents import admission, layout
from workflows.documents import activity_exemption, annual_rating, denunciation, document_flow, party_card
from workflows.documents import secret_telegram
from workflows.documents import full_membership, party_badge, party_fee, residence_comment
from workflows.documents import transfer_permanent, transfer_temporary
from workflows.documents.admission import Built, DocumentNotApplicable, MissingCaseData
from workflows.documents.model import Organisation, Signer
from workflows.documents.text import VIETNAM_TIME

__all__ = ["DOCUMENTS", "DocumentNotApplicable", "DocumentType", "MissingCaseData", "Organisation", "Signer",
           "UnknownDocument", "document_type", "render"]

Template = Callable[[Mapping[str, Any], Organisation, Signer | None], Built]
UNDATED = datetime(2000, 1, 1)      # metadata time of a document with no date at all (still deterministic)
_CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,40}$")


class UnknownDocument(KeyError):
    """No template has this document key."""


@dataclass(frozen=True)
class DocumentType:
    key: str
    title: str                  # Vietnamese, shown to users and stored as the document's title property
    file_stem: str              # ASCII, for the file name
    template: Template

    def file_name(self, case_data: Mapping[str, Any]) -> str:
        """``nghi-quyet-de-nghi-ket-nap-KN-2026-000001.docx``.

        :raises MissingCaseData: no usable ``case_number``.
        """
        number = str(case_data.get("case_number") or "")
        if not _CASE_NUMBER.match(number):
            raise MissingCaseData("case_number")
        return f"{self.file_stem}-{number}.docx"


DOCUMENTS: dict[str, DocumentType] = {entry.key: entry for entry in (
    DocumentType("cell_resolution", "Nghị quyết đề nghị kết nạp đảng viên", "nghi-quyet-de-nghi-ket-nap",
                 admission.cell_resolution),
    DocumentType("admission_decision", "Quyết định kết nạp đảng viên", "quyet-dinh-ket-nap",
                 admission.admission_decision),
    # P2–P6 (procedure library)
    DocumentType("full_membership_cell_resolution", "Nghị quyết đề nghị công nhận đảng viên chính thức",
                 "nghi-quyet-de-nghi-cong-nhan", full_membership.full_membership_cell_resolution),
    DocumentType("full_membership_decision", "Quyết định công nhận đảng viên chính thức", "quyet-dinh-cong-nhan",
                 full_membership.full_membership_decision),
    DocumentType("transfer_letter", "Giấy giới thiệu sinh hoạt đảng chính thức", "giay-gioi-thieu-sinh-hoat-dang",
                 transfer_permanent.transfer_letter),
    DocumentType("temporary_transfer_letter", "Giấy giới thiệu sinh hoạt đảng tạm thời",
                 "giay-gioi-thieu-sinh-hoat-tam-thoi", transfer_temporary.temporary_transfer_letter),
    DocumentType("residence_comment_form", "Phiếu nhận xét đảng viên nơi cư trú", "phieu-nhan-xet-noi-cu-tru",
                 residence_comment.residence_comment_form),
    DocumentType("fee_receipt", "Biên lai thu đảng phí", "bien-lai-dang-phi", party_fee.fee_receipt),
    DocumentType("fee_removal_proposal", "Nghị quyết đề nghị xóa tên (không đóng đảng phí)",
                 "nghi-quyet-de-nghi-xoa-ten", party_fee.fee_removal_proposal),
    DocumentType("badge_decision", "Quyết định tặng Huy hiệu Đảng", "quyet-dinh-huy-hieu-dang", party_badge.badge_decision),
    # P7–P10, P12 (procedure library)
    DocumentType("card_request_list", "Danh sách đảng viên đề nghị cấp lại, đổi thẻ đảng viên",
                 "danh-sach-de-nghi-cap-doi-the", party_card.card_request_list),
    DocumentType("card_decision", "Quyết định cấp lại, đổi thẻ đảng viên", "quyet-dinh-cap-doi-the",
                 party_card.card_decision),
    DocumentType("exemption_resolution", "Nghị quyết chi bộ về miễn công tác và sinh hoạt đảng",
                 "nghi-quyet-mien-sinh-hoat", activity_exemption.exemption_resolution),
    DocumentType("exemption_report", "Báo cáo, tờ trình của chi bộ về miễn công tác và sinh hoạt đảng",
                 "bao-cao-mien-sinh-hoat", activity_exemption.exemption_report),
    DocumentType("exemption_decision", "Quyết định miễn công tác và sinh hoạt đảng có thời hạn",
                 "quyet-dinh-mien-sinh-hoat", activity_exemption.exemption_decision),
    DocumentType("rating_minutes", "Biên bản họp chi bộ kiểm điểm, xếp loại đảng viên", "bien-ban-xep-loai",
                 annual_rating.rating_minutes),
    DocumentType("rating_decision", "Quyết định công nhận kết quả xếp loại đảng viên", "quyet-dinh-xep-loai",
                 annual_rating.rating_decision),
    DocumentType("forward_letter", "Phiếu chuyển đơn tố cáo", "phieu-chuyen-don", denunciation.forward_letter),
    DocumentType("handling_decision", "Quyết định giải quyết tố cáo, thành lập tổ kiểm tra",
                 "quyet-dinh-giai-quyet-to-cao", denunciation.handling_decision),
    DocumentType("denunciation_conclusion", "Kết luận giải quyết tố cáo", "ket-luan-to-cao",
                 denunciation.denunciation_conclusion),
    DocumentType("result_notice", "Thông báo kết quả giải quyết tố cáo", "thong-bao-ket-qua-to-cao",
                 denunciation.result_notice),
    DocumentType("extension_notice", "Thông báo gia hạn giải quyết tố cáo", "thong-bao-gia-han-to-cao",
                 denunciation.extension_notice),
    DocumentType("incoming_routing_slip", "Phiếu xử lý văn bản đến", "phieu-xu-ly-van-ban-den",
                 document_flow.incoming_routing_slip),
    DocumentType("outgoing_register_extract", "Trích sổ đăng ký văn bản đi", "trich-so-van-ban-di",
                 document_flow.outgoing_register_extract),
    DocumentType("telegram_register_entry", "Biên bản đăng ký điện mật", "bien-ban-dang-ky-dien-mat",
                 secret_telegram.telegram_register_entry),
    DocumentType("telegram_delivery_receipt", "Biên bản chuyển giao điện mật", "bien-ban-chuyen-giao-dien-mat",
                 secret_telegram.telegram_delivery_receipt),
    DocumentType("telegram_recall_record", "Biên bản thu hồi điện mật", "bien-ban-thu-hoi-dien-mat",
                 secret_telegram.telegram_recall_record),
    DocumentType("telegram_destruction_record", "Biên bản tiêu hủy điện mật", "bien-ban-tieu-huy-dien-mat",
                 secret_telegram.telegram_destruction_record),
)}


def document_type(document_key: str) -> DocumentType:
    """The registered document type (title, file name, template).

    :raises UnknownDocument: no such key.
    """
    try:
        return DOCUMENTS[document_key]
    except KeyError:
        raise UnknownDocument(document_key) from None


def render(document_key: str, *, case_data: Mapping[str, Any], organisation: Organisation,
           signer: Signer | None = None) -> bytes:
    """The .docx bytes of one document for one case; the same arguments give the same bytes.

    The file's created/modified properties (and its zip entries' times) are the signing time when signed,
    else the date the document bears, else a fixed date: never the clock.

    :raises UnknownDocument: no such key.
    :raises MissingCaseData: the case lacks data the document needs.
    :raises DocumentNotApplicable: the case's data does not support the document (vote below two thirds).
    """
    kind = document_type(document_key)
    built = kind.template(case_data, organisation, signer)
    if signer and signer.signed_at:
        moment = signer.signed_at if signer.signed_at.tzinfo else signer.signed_at.replace(tzinfo=VIETNAM_TIME)
    elif built.dated:
        moment = datetime.combine(built.dated, time(0, 0), tzinfo=VIETNAM_TIME)
    else:
        moment = UNDATED.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return layout.to_bytes(built.document, title=kind.title, author=built.issuer, moment=moment)
