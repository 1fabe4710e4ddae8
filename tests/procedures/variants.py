"""Helpers of the P7–P10 and P12 tests: documents from a finished case (with the names the engine will pass),
the PDF check through LibreOffice, the commune-level organisation, and the checks every procedure folder must
pass (both variants deploy, durations.json covers every human task, timer and branch)."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from engine.demo import UNITS, USERS
from tests import tools
from workflows.documents import Organisation, Signer, document_type, render

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CELL_ORGANISATION = Organisation(unit_name="Chi bộ thôn Đông", parent_name="Đảng bộ xã Tân Tiến",
                                 committee_name="Đảng ủy xã Tân Tiến", superior_name="Đảng bộ tỉnh Hưng Yên",
                                 place="Tân Tiến")
# A case owned by the commune (the office's documents, telegrams): the commune's committee issues, the province
# is above it.
COMMUNE_ORGANISATION = Organisation(unit_name="Đảng bộ xã Tân Tiến", parent_name="Đảng bộ tỉnh Hưng Yên",
                                    committee_name="Đảng ủy xã Tân Tiến", superior_name="Đảng bộ tỉnh Hưng Yên",
                                    place="Tân Tiến")
ORGANISATIONS = {"HY-TANTIEN-DONG": CELL_ORGANISATION, "HY-TANTIEN": COMMUNE_ORGANISATION}
MEMBER_NAMES = {user.username: user.full_name for user in USERS}
UNIT_NAMES = {code: name for code, name, _level, _parent in UNITS}
COMMUNE_SECRETARY = Signer("Vũ Thị Phương", "Bí thư Đảng ủy xã")
CELL_SECRETARY = Signer("Phạm Thị Dung", "Bí thư Chi bộ thôn Đông")


def render_case(view, key: str, signer: Signer | None = None, step_input: dict | None = None) -> bytes:
    """Document ``key`` from a case's data, with the names of members and units, as the engine is to render it.

    ``step_input`` is the form data of the step that names the document when that step's data does not reach the
    case's data (a side branch, such as a non-interrupting timer's, ends on its own): the engine renders from the
    step's input over the case's data.
    """
    data = {**view.data, **(step_input or {}), "member_names": MEMBER_NAMES, "unit_names": UNIT_NAMES}
    return render(key, case_data=data, organisation=ORGANISATIONS[view.unit], signer=signer)


def pdf_text(tmp_path: Path, documents: dict[str, bytes], view) -> dict[str, str]:
    """Convert rendered documents to PDF in one LibreOffice run; returns {key: the PDF's text} (tests/tools.py)."""
    sources = {}
    for key, data in documents.items():
        source = tmp_path / document_type(key).file_name(view.data)
        source.write_bytes(data)
        sources[key] = source
    pdfs = tools.to_pdf(list(sources.values()), tmp_path)
    return {key: tools.pdf_text(pdf) for key, pdf in zip(sources, pdfs)}


def open_elements(person, number: str) -> list[str]:
    return sorted(t.element for t in person.sees(number).open_tasks)


def check_durations(key: str) -> None:
    """durations.json of ``bpmn/KEY`` estimates, for each variant (its section, which the simulator reads, and the
    top-level union), every human task and timer, gives every flow out of an exclusive gateway and every boundary
    timer's flow a probability (except gateways listed in ``follows_data``, which the simulated case's own data
    decides), and no loop back is certain."""
    folder = ROOT / "bpmn" / key
    estimates = json.loads((folder / "durations.json").read_text(encoding="utf-8"))
    assert estimates["unit"] == "working_days" and estimates["notes"]
    for process in (key, f"{key}_asis"):
        root = etree.parse(str(folder / f"{process}.bpmn")).getroot()
        section = estimates[process]
        for steps, branches in ((section["steps"], section["branches"]), (estimates["steps"], estimates["branches"])):
            timed = [t.getparent().get("id") for t in root.iter(f"{BPMN}timerEventDefinition")]
            for element in [t.get("id") for t in root.iter(f"{BPMN}userTask")] + timed:
                assert isinstance(steps.get(element), (int, float)) and steps[element] >= 0, (process, element)
            flows = list(root.iter(f"{BPMN}sequenceFlow"))
            follows_data = set(section.get("follows_data", ()))     # gateways the case's data decides, declared
            for gateway in {g.get("id") for g in root.iter(f"{BPMN}exclusiveGateway")} - follows_data:
                outgoing = [f.get("id") for f in flows if f.get("sourceRef") == gateway]
                if len(outgoing) > 1:
                    assert all(0 < branches.get(f, 0) < 1 for f in outgoing), (process, gateway, outgoing)
                    if branches is section["branches"]:
                        assert abs(sum(branches[f] for f in outgoing) - 1) < 1e-9, (process, gateway)
            boundary = {b.get("id") for b in root.iter(f"{BPMN}boundaryEvent")}
            for flow in flows:
                if flow.get("sourceRef") in boundary:
                    assert 0 < branches.get(flow.get("id"), 0) < 1, (process, flow.get("id"))
