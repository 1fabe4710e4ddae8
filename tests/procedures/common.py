"""Helpers shared by the procedure-library tests (P1 as-is, P2–P6): documents from a finished case's data, PDF
through LibreOffice, timers, and the demo organisation's names as the document templates need them."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document

from engine.errors import InvalidFormData
from engine.services import cases, documents, history
from tests import tools
from workflows.documents import Organisation, Signer, document_type, render

ORGANISATIONS = {
    "HY-TANTIEN-DONG": Organisation(unit_name="Chi bộ thôn Đông", parent_name="Đảng bộ xã Tân Tiến",
                                    committee_name="Đảng ủy xã Tân Tiến", superior_name="Đảng bộ tỉnh Hưng Yên",
                                    place="Tân Tiến"),
}
CELL_SECRETARY = Signer("Phạm Thị Dung", "Bí thư Chi bộ thôn Đông")
COMMUNE_SECRETARY = Signer("Vũ Thị Phương", "Bí thư Đảng ủy xã")


def docx_text(data: bytes) -> str:
    """All text of a .docx: body paragraphs and table cells."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def render_from_case(view, key: str, signer: Signer | None = None, *, uow=None) -> bytes:
    """Render document ``key`` from a case's data, as the engine will when the step that names it is done
    (with ``uow``, the names of the units the data holds by code, as the engine adds them)."""
    data = view.data
    if uow is not None:
        with uow.reader() as reader:
            data = documents.with_printed_names(reader, view.data)
    return render(key, case_data=data, organisation=ORGANISATIONS[view.unit], signer=signer)


def to_pdf_text(tmp_path: Path, key: str, view, data: bytes) -> str:
    """Convert a rendered document to PDF with LibreOffice headless and return the PDF's text (tests/tools.py)."""
    source = tmp_path / document_type(key).file_name(view.data)
    source.write_bytes(data)
    [pdf] = tools.to_pdf([source], tmp_path)
    return tools.pdf_text(pdf)


def fire_timers_at(uow, clock, moment: datetime) -> int:
    """Move the frozen clock to ``moment`` and run the timer worker once; returns the cases that had timers fired."""
    clock.set(moment)
    return cases.run_due_timers(uow)


def field_errors(excinfo: pytest.ExceptionInfo[InvalidFormData]) -> dict[str, str]:
    """{field: broken rule} of a refused form."""
    return {e.field: e.code for e in excinfo.value.errors}


def assert_completed(person, number: str, uow) -> object:
    """The case is completed, has no open task and its journal verifies; returns its view."""
    view = person.sees(number)
    assert view.status == "completed", (view.status, [t.element for t in view.open_tasks])
    assert not view.open_tasks
    assert history.verify_case(uow, number).ok
    return view
