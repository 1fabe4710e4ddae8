"""The procedure library's own rules for P1 as-is and P2–P6: every file validates, names its legal basis, has a README
with assumptions, and a durations.json that covers every human task and timer, with loops less likely than 1."""

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.spiff import parser

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
FILES = {
    "admission": ["admission_asis"],
    "full_membership": ["full_membership", "full_membership_asis"],
    "transfer_permanent": ["transfer_permanent", "transfer_permanent_asis"],
    "transfer_temporary": ["transfer_temporary", "transfer_temporary_asis"],
    "residence_comment": ["residence_comment", "residence_comment_asis"],
    "party_fee": ["party_fee", "party_fee_asis"],
    "party_badge": ["party_badge", "party_badge_asis"],
}
CASES = [(folder, key) for folder, keys in FILES.items() for key in keys]


@pytest.mark.parametrize("folder,key", CASES)
def test_each_file_validates_and_names_its_legal_basis(folder, key):
    path = BPMN_DIR / folder / f"{key}.bpmn"
    [process] = parser.parse_bundle(parser.bundle_from_path(path))
    assert process.key == key
    documentation = process.meta["documentation"]
    assert "Căn cứ" in documentation and ("Điều lệ Đảng" in documentation or "Quy định" in documentation)
    root = etree.parse(str(path)).getroot()
    assert root.find(".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram") is not None, "no diagram"


@pytest.mark.parametrize("folder", sorted(FILES))
def test_each_folder_explains_itself_in_vietnamese(folder):
    readme = (BPMN_DIR / folder / "README.md").read_text(encoding="utf-8")
    assert "## Căn cứ" in readme and "## Giả định" in readme
    assert "[I]" in readme or "[S]" in readme                    # assumptions carry the domain notes' marks


@pytest.mark.parametrize("folder,key", CASES)
def test_durations_cover_every_human_task_and_timer(folder, key):
    durations = json.loads((BPMN_DIR / folder / "durations.json").read_text(encoding="utf-8"))
    assert durations["unit"] == "working_days" and durations["notes"]
    root = etree.parse(str(BPMN_DIR / folder / f"{key}.bpmn")).getroot()
    needed = [e.get("id") for e in root.iter(B + "userTask")]
    needed += [e.get("id") for e in root.iter(B + "boundaryEvent", B + "intermediateCatchEvent")
               if e.find(B + "timerEventDefinition") is not None]
    assert [e for e in needed if e not in durations["steps"]] == []
    assert all(value > 0 for value in durations["steps"].values())
    flows = {f.get("id"): f for f in root.iter(B + "sequenceFlow")}
    for flow_id, probability in durations["branches"].items():
        assert 0 <= probability < 1, flow_id
    # every flow that goes back (a return, a new vote, the next payment) has a probability below 1
    order = {n.get("id"): i for i, n in enumerate(root.iter())}
    for flow_id, flow in flows.items():
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if order.get(target, 0) < order.get(source, 0) and root.find(f".//{B}exclusiveGateway[@id='{source}']") is not None:
            assert flow_id in durations["branches"] or _is_default(root, source, flow_id), flow_id


def _is_default(root, gateway_id, flow_id):
    gateway = root.find(f".//{B}exclusiveGateway[@id='{gateway_id}']")
    return gateway is not None and gateway.get("default") == flow_id
