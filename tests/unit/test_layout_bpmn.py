"""scripts/layout_bpmn.py: the diagram it writes for a small process with two lanes and a loop."""

from __future__ import annotations

import importlib.util
import re
import sys
from itertools import combinations, pairwise
from pathlib import Path

import pytest
from lxml import etree

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "layout_bpmn.py"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
LANES = {
    "lane_applicant": ["start", "fill_form", "remind", "end_reminded"],
    "lane_clerk": ["review", "review_gateway", "end_done", "end_rejected", "review_overdue"],
}
NODES = {
    "start": '<bpmn:startEvent id="start" name="Người dân nộp hồ sơ trực tuyến" />',
    "fill_form": '<bpmn:userTask id="fill_form" name="Khai tờ khai và đính kèm giấy tờ" />',
    "review": '<bpmn:userTask id="review" name="Cán bộ một cửa xem xét hồ sơ" />',
    "review_gateway": '<bpmn:exclusiveGateway id="review_gateway" name="Hồ sơ hợp lệ?" default="flow_accept" />',
    "end_done": '<bpmn:endEvent id="end_done" name="Tiếp nhận" />',
    "end_rejected": '<bpmn:endEvent id="end_rejected" name="Từ chối" />',
    "review_overdue": '<bpmn:boundaryEvent id="review_overdue" name="Quá hạn" cancelActivity="false" '
                      'attachedToRef="review"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>',
    "remind": '<bpmn:userTask id="remind" name="Nhắc cán bộ xử lý" />',
    "end_reminded": '<bpmn:endEvent id="end_reminded" />',
}
FLOWS = [
    ("flow_start", "start", "fill_form", ""),
    ("flow_submit", "fill_form", "review", ""),
    ("flow_review", "review", "review_gateway", ""),
    ("flow_accept", "review_gateway", "end_done", "Hợp lệ"),
    ("flow_return", "review_gateway", "fill_form", "Trả lại để bổ sung"),     # the loop
    ("flow_reject", "review_gateway", "end_rejected", "Không hợp lệ"),
    ("flow_overdue", "review_overdue", "remind", ""),
    ("flow_remind", "remind", "end_reminded", ""),
]


def generated_process() -> bytes:
    lanes = "".join(f'<bpmn:lane id="{lane}" name="{lane}">'
                    + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes) + "</bpmn:lane>"
                    for lane, nodes in LANES.items())
    flows = "".join(f'\n    <bpmn:sequenceFlow id="{i}" name="{name}" sourceRef="{s}" targetRef="{t}" />'
                    for i, s, t, name in FLOWS)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{NS['bpmn']}" id="defs" targetNamespace="https://example.org/test">
  <bpmn:collaboration id="collab">
    <bpmn:participant id="pool" name="Thủ tục thử nghiệm" processRef="proc" />
  </bpmn:collaboration>
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:laneSet id="lanes">{lanes}</bpmn:laneSet>
    {"".join(NODES.values())}{flows}
  </bpmn:process>
</bpmn:definitions>
""".encode()


@pytest.fixture(scope="module")
def layout_bpmn():
    spec = importlib.util.spec_from_file_location("layout_bpmn", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def laid_out(layout_bpmn) -> bytes:
    return layout_bpmn.layout(generated_process())


def bounds(element) -> tuple[float, float, float, float]:
    b = element.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def shapes(xml: bytes) -> dict[str, tuple[float, float, float, float]]:
    root = etree.fromstring(xml)
    return {s.get("bpmnElement"): bounds(s) for s in root.iterfind(".//bpmndi:BPMNShape", NS)}


def inside(inner, outer) -> bool:
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_every_flow_node_gets_a_shape_and_every_flow_an_orthogonal_edge(laid_out):
    root = etree.fromstring(laid_out)
    assert set(shapes(laid_out)) == set(NODES) | set(LANES) | {"pool"}
    edges = {e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.iterfind("di:waypoint", NS)]
             for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    assert set(edges) == {f[0] for f in FLOWS}
    for flow_id, points in edges.items():
        assert len(points) >= 2
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in pairwise(points)), flow_id
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(e.get("id") == e.get("bpmnElement") + "_di"
               for e in root.iterfind(".//bpmndi:BPMNPlane/*", NS))


def test_shapes_sit_inside_their_lane_and_do_not_overlap(laid_out):
    placed = shapes(laid_out)
    for lane, members in LANES.items():
        assert inside(placed[lane], placed["pool"])
        for node in members:
            assert inside(placed[node], placed[lane]), node
    for a, b in combinations(NODES, 2):
        if {a, b} != {"review", "review_overdue"}:       # a boundary event sits on its host's edge
            assert not overlap(placed[a], placed[b]), (a, b)


def test_flows_do_not_pass_through_other_shapes(laid_out):
    root = etree.fromstring(laid_out)
    placed = shapes(laid_out)
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        flow = next(f for f in FLOWS if f[0] == edge.get("bpmnElement"))
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.iterfind("di:waypoint", NS)]
        for node in set(NODES) - {flow[1], flow[2]}:
            x, y, w, h = placed[node]
            for (x1, y1), (x2, y2) in pairwise(points):
                crosses = (x < max(x1, x2) and min(x1, x2) < x + w and y < max(y1, y2) and min(y1, y2) < y + h)
                assert not crosses, (flow[0], node)


def test_the_loop_back_leaves_and_enters_from_above_or_below(laid_out):
    root = etree.fromstring(laid_out)
    edge = root.find(".//bpmndi:BPMNEdge[@bpmnElement='flow_return']", NS)
    points = [(float(w.get("x")), float(w.get("y"))) for w in edge.iterfind("di:waypoint", NS)]
    x, y, w, h = shapes(laid_out)["fill_form"]
    assert points[-1] in ((x + w / 2, y), (x + w / 2, y + h))
    assert edge.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None


def test_layout_is_idempotent(layout_bpmn, laid_out):
    assert layout_bpmn.layout(laid_out) == laid_out


def test_semantic_part_is_unchanged_byte_for_byte(laid_out):
    original = generated_process()
    before = etree.fromstring(original).find("bpmn:process", NS)
    after = etree.fromstring(laid_out).find("bpmn:process", NS)
    assert etree.tostring(before, method="c14n") == etree.tostring(after, method="c14n")
    without_diagram = re.sub(rb"  <bpmndi:BPMNDiagram .*</bpmndi:BPMNDiagram>\n", b"", laid_out, flags=re.DOTALL)
    assert without_diagram == original


def test_an_old_diagram_is_replaced(layout_bpmn, laid_out):
    stale = laid_out.replace(b'<dc:Bounds x="', b'<dc:Bounds x="9')
    assert layout_bpmn.layout(stale) == laid_out


def test_a_file_without_a_pool_is_refused(layout_bpmn):
    without_pool = re.sub(rb"<bpmn:collaboration.*</bpmn:collaboration>", b"", generated_process(), flags=re.DOTALL)
    with pytest.raises(layout_bpmn.LayoutError, match="participant"):
        layout_bpmn.layout(without_pool)
