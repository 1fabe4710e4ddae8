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
