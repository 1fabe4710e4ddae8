"""Write a diagram (BPMN DI) into a hand-written BPMN file, so bpmn-js can draw it.

Why this exists: quytrinh's procedure files are written by hand, semantic part only, and bpmn-js
draws nothing for a process without ``bpmndi:BPMNDiagram``. This developer tool computes a plain,
readable layout and writes it into the file. It is meant for generated or hand-written files only:
designers who edit a procedure in a modeler (Camunda Modeler, bpmn.io) keep their own layout, so do
not run it on their files, because it replaces whatever diagram is there.

Usage::

    .venv/bin/python scripts/layout_bpmn.py FILE.bpmn              # print the result to stdout
    .venv/bin/python scripts/layout_bpmn.py FILE.bpmn --in-place   # rewrite FILE.bpmn

The file must have a ``bpmn:collaboration`` with one ``bpmn:participant`` (the pool) whose process
has one flat ``bpmn:laneSet``. Only the diagram changes: the semantic part is kept byte for byte, an
existing ``bpmndi:BPMNDiagram`` is replaced, and running the tool twice gives the same bytes.

The layout, in the style bpmn-js and Camunda Modeler draw: lanes are horizontal rows of the pool;
a node's column is its longest distance from a start event along sequence flows, once the back
edges a depth-first search finds (loops such as "return for supplement") are set aside; nodes of
one lane and one column are stacked in sub-rows; boundary events sit on the bottom edge of their
host. Each flow is routed with right angles by trying the few shapes a person would draw (out of
the right side into the left side, gateways out of the top or bottom, loops around above or below)
and keeping the cheapest: crossing a shape is ruled out, bends, length and overlaps with flows
already drawn cost. Labels of events, gateways and named flows then go to the free spot nearest
their element. Text widths are estimated with Arial metrics, the font bpmn-js asks for.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import quoteattr

from lxml import etree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI_NAMESPACES = {   # standard prefix -> namespace
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
ACTIVITIES = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}

# Geometry, in pixels. Sizes are the BPMN defaults of bpmn-js; the task width grows for long names.
TASK_HEIGHT = 80
TASK_WIDTHS = (100, 120, 140, 160)
EVENT_SIZE = 36
GATEWAY_SIZE = 50
ORIGIN = (160, 80)
HEADER = 30              # the label column bpmn-js draws on the left of a pool and of each lane
LEFT_MARGIN = 60         # from the lane label column to the first column
RIGHT_MARGIN = 60
COLUMN_GAP = 70
SLOT_PAD = 24            # free band above and below each sub-row, where flows can run
MIN_LANE_HEIGHT = 120
LABEL_WIDTH = 90         # bpmn-js wraps external labels at 90 px
NARROW_LABEL_WIDTH = 60  # a narrower, taller label where 90 px does not fit
EXTERNAL_FONT = 11       # bpmn-js: 12 px inside shapes, 11 px outside, line height 1.2
SHAPE_FONT = 12
MIN_LEG = 10             # a flow leaves and enters a shape with at least this straight stretch

# Route costs: a shape crossed rules a route out; the rest weighs readability.
# Two flows into one target may merge (a join reads well); two flows out of one source sharing a
# stretch leave the reader guessing which label belongs to which.
HIT, OVERLAP, SPLIT_OVERLAP, MERGE_OVERLAP, CROSSING, BEND, PER_PIXEL = 10_000, 800, 200, 40, 30, 12, 0.02

Point = tuple[int, int]


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    def grow(self, d: int) -> Box:
        return Box(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlaps(self, other: Box) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, other: Box) -> bool:
        return self.x <= other.x and other.right <= self.right and self.y <= other.y and other.bottom <= self.bottom

    def crossed_by(self, a: Point, b: Point) -> bool:
        """Whether the axis-parallel segment a-b enters the inside of the box."""
        (x1, y1), (x2, y2) = a, b
        if y1 == y2:
            return self.y < y1 < self.bottom and min(x1, x2) < self.right and max(x1, x2) > self.x
        return self.x < x1 < self.right and min(y1, y2) < self.bottom and max(y1, y2) > self.y


@dataclass
class Node:
    id: str
    kind: str                   # local tag name: "userTask", "exclusiveGateway", ...
    name: str
    lane: str
    host: str | None = None     # attachedToRef, for a boundary event
    order: int = 0              # discovery order of the depth-first search, to break ties
    rank: int = 0
    slot: int = 0
    box: Box | None = None
    label: Box | None = None


@dataclass
class Flow:
    id: str
    name: str
    source: str
    target: str
    back: bool = False
    points: list[Point] = field(default_factory=list)
    label: Box | None = None


@dataclass
class Lane:
    id: str
    name: str
    box: Box | None = None
    channels: list[int] = field(default_factory=list)   # y of free horizontal corridors


@dataclass
class Diagram:
    collaboration: str
    participant: str
    lanes: list[Lane]
    nodes: dict[str, Node]
    flows: list[Flow]
    pool: Box | None = None
    corridors: list[int] = field(default_factory=list)     # x of free vertical corridors


class LayoutError(Exception):
    """The file is not of the shape this tool lays out (one pool, one flat lane set)."""


# --- text metrics ------------------------------------------------------------------------------

_ARIAL = {**dict.fromkeys("abdeghnopqu0123456789?", 556), **dict.fromkeys("cksvxyz", 500), "f": 278, "i": 222,
          "j": 222, "l": 222, "m": 833, "r": 333, "t": 278, "w": 722, " ": 278, ".": 278, ",": 278, ":": 278,
          ";": 278, "(": 333, ")": 333, "-": 333, "/": 278, "'": 191, '"': 355, "!": 278, "&": 667, "%": 889,
          "I": 278, "J": 500, "L": 556, "M": 833, "W": 944, "F": 611, "T": 611, "Z": 611,
          **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778), "–": 556, "—": 1000}


def text_width(text: str, font_px: int) -> float:
    """Estimate rendered width with Arial's advance widths; Vietnamese letters take their base letter's."""
    total = 0
    for ch in text:
        base = {"đ": "d", "Đ": "D"}.get(ch) or unicodedata.normalize("NFD", ch)[0]
        total += _ARIAL.get(base, 667 if base.isupper() else 556)
    return total * font_px / 1000 * 1.03    # a little slack: browsers round glyph advances up


def wrap(text: str, max_width: float, font_px: int) -> list[str]:
    """Break text into lines at spaces as diagram-js does (greedy; a word too long stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, font_px) <= max_width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def label_size(text: str, max_width: int = LABEL_WIDTH) -> tuple[int, int]:
    """Bounds of an external label; bpmn-js wraps its text at the width we write."""
    lines = wrap(text, max_width, EXTERNAL_FONT)
    width = max(math.ceil(text_width(line, EXTERNAL_FONT)) for line in lines) + 4
    return min(max_width, width), math.ceil(len(lines) * EXTERNAL_FONT * 1.2) + 1


# --- reading the semantic model ----------------------------------------------------------------

def read_diagram(root: etree._Element) -> Diagram:
    """Collect the pool, lanes, flow nodes and sequence flows the layout needs."""
    collaborations = root.findall(f"{BPMN}collaboration")
    participants = [p for c in collaborations for p in c.findall(f"{BPMN}participant")]
    if len(collaborations) != 1 or len(participants) != 1:
        raise LayoutError("expected one bpmn:collaboration with one bpmn:participant")
    participant = participants[0]
    process = next((p for p in root.findall(f"{BPMN}process") if p.get("id") == participant.get("processRef")), None)
    if process is None:
        raise LayoutError(f"participant {participant.get('id')} references no process of this file")
    lane_sets = process.findall(f"{BPMN}laneSet")
    lane_elements = [lane for s in lane_sets for lane in s.findall(f"{BPMN}lane")]
    if len(lane_sets) != 1 or not lane_elements:
        raise LayoutError(f"process {process.get('id')} needs one bpmn:laneSet with lanes")
    if any(lane.find(f"{BPMN}childLaneSet") is not None for lane in lane_elements):
        raise LayoutError("nested lanes (bpmn:childLaneSet) are not supported")
    lanes = [Lane(lane.get("id"), lane.get("name") or "") for lane in lane_elements]
    lane_of = {ref.text.strip(): lane.get("id") for lane in lane_elements
               for ref in lane.findall(f"{BPMN}flowNodeRef") if ref.text}

    nodes: dict[str, Node] = {}
    flows: list[Flow] = []
    for element in process:
        if not isinstance(element.tag, str):
            continue
        kind = etree.QName(element).localname
        if kind == "sequenceFlow":
            flows.append(Flow(element.get("id"), element.get("name") or "", element.get("sourceRef"),
                              element.get("targetRef")))
        elif kind in EVENTS | GATEWAYS | ACTIVITIES:
            nodes[element.get("id")] = Node(element.get("id"), kind, element.get("name") or "",
                                            lane_of.get(element.get("id"), ""), element.get("attachedToRef"))
    flows = [f for f in flows if f.source in nodes and f.target in nodes]
    for node in nodes.values():
        if not node.lane:
            node.lane = _neighbour_lane(node, nodes, flows) or lanes[0].id
    return Diagram(collaborations[0].get("id"), participant.get("id"), lanes, nodes, flows)


def _neighbour_lane(node: Node, nodes: dict[str, Node], flows: list[Flow]) -> str:
    """A node no lane lists is drawn in its host's lane, or else in the lane of a node it connects to."""
    if node.host in nodes:
        return nodes[node.host].lane
    neighbours = [f.target if f.source == node.id else f.source for f in flows if node.id in (f.source, f.target)]
    return next((nodes[n].lane for n in neighbours if nodes[n].lane), "")


# --- columns and sub-rows ----------------------------------------------------------------------

def rank_nodes(d: Diagram) -> None:
    """Mark back edges with a depth-first search, then give each node its longest distance from a start.

    A boundary event is reached from its host at no distance, so what follows it starts one column
    after the host.
    """
    successors: dict[str, list[tuple[str, int, Flow | None]]] = {n: [] for n in d.nodes}
    for node in d.nodes.values():
        if node.host in d.nodes:
            successors[node.host].append((node.id, 0, None))
    for flow in d.flows:
        successors[flow.source].append((flow.target, 1, flow))
    has_incoming = {f.target for f in d.flows} | {n.id for n in d.nodes.values() if n.host in d.nodes}
    roots = sorted((n for n in d.nodes.values() if n.id not in has_incoming),
                   key=lambda n: n.kind != "startEvent")
    state: dict[str, int] = {}                  # 1 on the stack, 2 done
    postorder: list[str] = []
    counter = 0
    for start in [n.id for n in roots] + list(d.nodes):
        if start in state:
            continue
        state[start] = 1
        d.nodes[start].order = counter = counter + 1
        stack = [(start, iter(successors[start]))]
        while stack:
            current, pending = stack[-1]
            for target, _, flow in pending:
                if state.get(target) == 1 and flow is not None:
                    flow.back = True
                elif target not in state:
                    state[target] = 1
                    d.nodes[target].order = counter = counter + 1
                    stack.append((target, iter(successors[target])))
                    break
            else:
                state[current] = 2
                postorder.append(current)
                stack.pop()
    for node_id in reversed(postorder):         # a topological order of the graph without back edges
        for target, weight, flow in successors[node_id]:
            if flow is None or not flow.back:
                d.nodes[target].rank = max(d.nodes[target].rank, d.nodes[node_id].rank + weight)


def assign_slots(d: Diagram) -> None:
    """Stack nodes that share a lane and a column, keeping each on its predecessor's sub-row if free."""
    taken: dict[tuple[str, int], set[int]] = {}
    for node in sorted(main_nodes(d), key=lambda n: (n.rank, n.order)):
        predecessors = sorted((anchor(d, f.source) for f in d.flows if f.target == node.id and not f.back),
                              key=lambda n: n.order)
        same_lane = [p for p in predecessors if p.lane == node.lane]
        preferred = same_lane[0].slot if same_lane else 0
        used = taken.setdefault((node.lane, node.rank), set())
        node.slot = min((s for s in range(preferred + len(used) + 1) if s not in used),
                        key=lambda s: (abs(s - preferred), s))
        used.add(node.slot)


def main_nodes(d: Diagram) -> list[Node]:
    return [n for n in d.nodes.values() if n.host not in d.nodes]


def anchor(d: Diagram, node_id: str) -> Node:
    """The node that holds a place in the grid: a boundary event's host, or the node itself."""
    node = d.nodes[node_id]
    return d.nodes.get(node.host, node)


# --- shapes ------------------------------------------------------------------------------------

def task_width(d: Diagram) -> int:
    """One width for every task, the narrowest in which every name fits: two lines in the standard 100 px,
    three lines in a wider task (a third line in 100 px runs into the task-type icon in the corner)."""
    def fits(width: int) -> bool:
        return all(len(wrap(n.name, width - 14, SHAPE_FONT)) <= (2 if width == TASK_WIDTHS[0] else 3)
                   for n in d.nodes.values() if n.kind in ACTIVITIES)
    return next((w for w in TASK_WIDTHS if fits(w)), TASK_WIDTHS[-1])


def shape_size(node: Node, activity_width: int) -> tuple[int, int]:
    if node.kind in EVENTS:
        return EVENT_SIZE, EVENT_SIZE
    if node.kind in GATEWAYS:
        return GATEWAY_SIZE, GATEWAY_SIZE
    return activity_width, TASK_HEIGHT


def extents(d: Diagram, node: Node, height: int) -> tuple[int, int]:
    """Room a node needs above and below its centre line, its own label and boundary events included."""
    above = below = height // 2
    if node.kind in EVENTS and node.name:
        below += 4 + label_size(node.name)[1]
    if node.kind in GATEWAYS and node.name:
        above = max(above, height // 2 - 8 + label_size(node.name)[1])
    for boundary in (n for n in d.nodes.values() if n.host == node.id):
        below = max(below, height // 2 + EVENT_SIZE // 2 + 4 + (label_size(boundary.name)[1] if boundary.name else 0))
    return above, below


def lane_height_for(name: str) -> int:
    """bpmn-js writes a lane's name across its height in a 30 px column, wrapping at the full height:
    the lane must be tall enough for at most two lines that keep clear of the lane's edges."""
    height = MIN_LANE_HEIGHT
    while True:
        lines = wrap(name, height, SHAPE_FONT)
        if len(lines) <= 2 and max(text_width(line, SHAPE_FONT) for line in lines) <= height - 20:
            return height
        height += 10


def place_shapes(d: Diagram) -> None:
    activity_width = task_width(d)
    sizes = {n.id: shape_size(n, activity_width) for n in d.nodes.values()}
    columns = max((n.rank for n in main_nodes(d)), default=0) + 1
    widths = [max((sizes[n.id][0] for n in main_nodes(d) if n.rank == c), default=EVENT_SIZE)
              for c in range(columns)]
    lefts = [ORIGIN[0] + 2 * HEADER + LEFT_MARGIN]
    for c in range(1, columns):
        lefts.append(lefts[-1] + widths[c - 1] + COLUMN_GAP)
    content_right = lefts[-1] + widths[-1]
    d.corridors = [lefts[0] - LEFT_MARGIN // 2, content_right + RIGHT_MARGIN // 2]
    for c in range(columns - 1):
        middle = lefts[c] + widths[c] + COLUMN_GAP // 2
        d.corridors[-1:-1] = [middle, middle - 12, middle + 12]
    pool = Box(ORIGIN[0], ORIGIN[1], content_right + RIGHT_MARGIN - ORIGIN[0], 0)

    top = ORIGIN[1]
    for lane in d.lanes:
        members = [n for n in main_nodes(d) if n.lane == lane.id]
        slots = max((n.slot for n in members), default=0) + 1
        above, below = [0] * slots, [0] * slots
        for node in members:
            a, b = extents(d, node, sizes[node.id][1])
            above[node.slot], below[node.slot] = max(above[node.slot], a), max(below[node.slot], b)
        heights = [2 * SLOT_PAD + above[s] + below[s] for s in range(slots)]
        extra = max(0, lane_height_for(lane.name) - sum(heights))
        heights = [h + extra // slots + (extra % slots if s == slots - 1 else 0) for s, h in enumerate(heights)]
        slot_top, centres = top, []
        for s in range(slots):
            spare = heights[s] - 2 * SLOT_PAD - above[s] - below[s]
            centres.append(slot_top + SLOT_PAD + spare // 2 + above[s])
            lane.channels += [slot_top + 9, slot_top + 17, slot_top + heights[s] - 17, slot_top + heights[s] - 9]
            slot_top += heights[s]
        for node in members:
            w, h = sizes[node.id]
            node.box = Box(lefts[node.rank] + (widths[node.rank] - w) // 2, centres[node.slot] - h // 2, w, h)
        lane.box = Box(ORIGIN[0] + HEADER, top, pool.w - HEADER, sum(heights))
        top += sum(heights)
    d.pool = Box(pool.x, pool.y, pool.w, top - ORIGIN[1])

    for host in main_nodes(d):
        for k, boundary in enumerate(n for n in d.nodes.values() if n.host == host.id):
            cx = host.box.right - 28 - k * (EVENT_SIZE + 10)
            boundary.box = Box(cx - EVENT_SIZE // 2, host.box.bottom - EVENT_SIZE // 2, EVENT_SIZE, EVENT_SIZE)


# --- flows -------------------------------------------------------------------------------------

def exits(node: Node) -> list[tuple[Point, str, int]]:
    """Where a flow may leave a node: (point, direction, penalty). Tasks prefer their right side."""
    b = node.box
    if node.host:
        return [((b.cx, b.bottom), "down", 0)]
    side = 0 if node.kind in GATEWAYS else 30
    return [((b.right, b.cy), "right", 0), ((b.cx, b.y), "up", side), ((b.cx, b.bottom), "down", side)]


def entries(node: Node, back: bool) -> list[tuple[Point, str, int]]:
    """Where a flow may enter a node: forward flows prefer the left side, loops come in from above or below."""
    b = node.box
    return [((b.x, b.cy), "right", 20 if back else 0), ((b.cx, b.y), "down", 0 if back else 30),
            ((b.cx, b.bottom), "up", 0 if back else 30)]


def nearest(xs: list[int], x0: int, side: str) -> list[int]:
    """The few corridors closest to x0 on one side of it ("left", "right"), or on both."""
    usable = [x for x in xs if (side != "right" or x > x0) and (side != "left" or x < x0)]
    return sorted(usable, key=lambda x: abs(x - x0))[:4]


def candidate_routes(p: Point, a: str, q: Point, b: str, xs: list[int], ys: list[int]) -> Iterator[list[Point]]:
    """Orthogonal polylines from p, leaving in direction a, to q, arriving in direction b: straight,
    one bend, two bends through a corridor (x in xs) or a channel (y in ys), then three and four bends."""
    sideways_out, sideways_in = a in ("left", "right"), b in ("left", "right")
    near_p = nearest(xs, p[0], a)
    near_q = nearest(xs, q[0], {"right": "left", "left": "right"}.get(b, ""))
    if sideways_out and sideways_in:
        yield [p, q]
        for x in xs:
            yield [p, (x, p[1]), (x, q[1]), q]
        for x1 in near_p:
            for y in ys:
                for x2 in near_q:
                    yield [p, (x1, p[1]), (x1, y), (x2, y), (x2, q[1]), q]
    elif not sideways_out and not sideways_in:
        yield [p, q]
        for y in ys:
            yield [p, (p[0], y), (q[0], y), q]
    elif sideways_out:
        yield [p, (q[0], p[1]), q]
        for x in near_p:
            for y in ys:
                yield [p, (x, p[1]), (x, y), (q[0], y), q]
    else:
        yield [p, (p[0], q[1]), q]
        for y in ys:
            for x in near_q:
                yield [p, (p[0], y), (x, y), (x, q[1]), q]


def direction(a: Point, b: Point) -> str:
    if a[1] == b[1]:
        return "right" if b[0] > a[0] else "left"
    return "down" if b[1] > a[1] else "up"


def tidy(points: list[Point], leave: str, arrive: str) -> list[Point] | None:
    """Drop repeated and collinear points; reject a route that doubles back or hugs its ends too closely."""
    pts = [pt for i, pt in enumerate(points) if i == 0 or pt != points[i - 1]]
    if len(pts) < 2 or any(a[0] != b[0] and a[1] != b[1] for a, b in pairwise(pts)):
        return None
    kept = [pts[0]]
    for i in range(1, len(pts) - 1):
        before, after = direction(kept[-1], pts[i]), direction(pts[i], pts[i + 1])
        if before == after:
            continue
        if {before, after} in ({"left", "right"}, {"up", "down"}):
            return None
        kept.append(pts[i])
    kept.append(pts[-1])
    first, last = (kept[0], kept[1]), (kept[-2], kept[-1])
    if direction(*first) != leave or direction(*last) != arrive:
        return None
    if length([first]) < MIN_LEG or length([last]) < MIN_LEG:
        return None
    return kept


def length(segments) -> int:
    return sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in segments)


def overlap(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    (a, b), (c, e) = s, t
    if a[1] == b[1] == c[1] == e[1]:
        return min(max(a[0], b[0]), max(c[0], e[0])) - max(min(a[0], b[0]), min(c[0], e[0])) > 0
    if a[0] == b[0] == c[0] == e[0]:
        return min(max(a[1], b[1]), max(c[1], e[1])) - max(min(a[1], b[1]), min(c[1], e[1])) > 0
    return False


def crosses(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    (a, b), (c, e) = s, t
    if (a[1] == b[1]) == (c[1] == e[1]):
        return False
    h, v = (s, t) if a[1] == b[1] else (t, s)
    return (min(h[0][0], h[1][0]) < v[0][0] < max(h[0][0], h[1][0])
            and min(v[0][1], v[1][1]) < h[0][1] < max(v[0][1], v[1][1]))


def route_cost(d: Diagram, flow: Flow, points: list[Point], routed: list[Flow]) -> float:
    """Price a route: crossing a shape (other than leaving its source, entering its target) rules it out."""
    segments = list(pairwise(points))
    cost = BEND * (len(points) - 2) + PER_PIXEL * length(segments)
    for i, (a, b) in enumerate(segments):
        for node in d.nodes.values():
            ends = (node.id == flow.source and i == 0) or (node.id == flow.target and i == len(segments) - 1)
            if not ends and node.box.grow(0 if node.id in (flow.source, flow.target) else 4).crossed_by(a, b):
                cost += HIT
    for other in routed:
        shared = (MERGE_OVERLAP if other.target == flow.target
                  else SPLIT_OVERLAP if other.source == flow.source else OVERLAP)
        for s in segments:
            for t in pairwise(other.points):
                if overlap(s, t):
                    cost += shared
                elif crosses(s, t):
                    cost += CROSSING
    return cost


def route_flows(d: Diagram) -> None:
    """Route forward flows in column order, then loops, each on the cheapest candidate route."""
    channels = sorted({y for lane in d.lanes for y in lane.channels})
    routed: list[Flow] = []
    for flow in sorted(d.flows, key=lambda f: (f.back, anchor(d, f.source).rank, d.nodes[f.source].order)):
        source, target = d.nodes[flow.source], d.nodes[flow.target]
        low, high = min(source.box.y, target.box.y), max(source.box.bottom, target.box.bottom)
        ys = [y for y in channels if low - 160 <= y <= high + 160]
        best: tuple[float, list[Point]] | None = None
        for p, leave, exit_penalty in exits(source):
            for q, arrive, entry_penalty in entries(target, flow.back):
                for raw in candidate_routes(p, leave, q, arrive, d.corridors, ys):
                    points = tidy(raw, leave, arrive)
                    if points is None:
                        continue
                    cost = exit_penalty + entry_penalty + route_cost(d, flow, points, routed)
                    if best is None or cost < best[0]:
                        best = (cost, points)
        flow.points = best[1] if best else [(source.box.right, source.box.cy), (target.box.x, target.box.cy)]
        routed.append(flow)


# --- labels ------------------------------------------------------------------------------------

def node_label_spots(node: Node, w: int, h: int) -> list[tuple[Box, int]]:
    b = node.box
    below, above = b.bottom + 4, b.y - 4 - h
    if node.host:           # beside the event, under the host's edge, clear of the flow that leaves downwards
        return [(Box(b.x - 4 - w, b.cy + 4, w, h), 0), (Box(b.right + 4, b.cy + 4, w, h), 5),
                (Box(b.cx - w // 2, below, w, h), 8)]
    if node.kind in GATEWAYS:
        return [(Box(b.cx - 10 - w, b.y + 8 - h, w, h), 0), (Box(b.cx + 10, b.y + 8 - h, w, h), 6),
                (Box(b.cx - 10 - w, b.bottom - 8, w, h), 8), (Box(b.cx + 10, b.bottom - 8, w, h), 10),
                (Box(b.cx - w // 2, above, w, h), 12), (Box(b.cx - w // 2, below, w, h), 12)]
    return [(Box(b.cx - w // 2, below, w, h), 0), (Box(b.cx - w // 2, above, w, h), 8),
            (Box(b.right + 4, b.cy - h // 2, w, h), 12), (Box(b.x - 4 - w, b.cy - h // 2, w, h), 14),
            (Box(b.cx + 4, below, w, h), 10), (Box(b.cx - 4 - w, below, w, h), 10)]


def flow_label_spots(flow: Flow, w: int, h: int) -> list[tuple[Box, int]]:
    """Spots beside the first segments of a flow, where a reader looks for a gateway's condition."""
    spots = []
    segments = list(pairwise(flow.points))
    for rank, i in enumerate(dict.fromkeys([0, 1, len(segments) - 1])):
        if i >= len(segments):
            continue
        (x1, y1), (x2, y2) = segments[i]
        if y1 == y2:
            starts = [x1 + 8 if x2 > x1 else x1 - 8 - w, (x1 + x2) // 2 - w // 2]
            spots += [(Box(x, y, w, h), rank * 6 + k) for k, x in enumerate(starts) for y in (y1 - 3 - h, y1 + 3)]
        else:
            starts = [y1 + 8 if y2 > y1 else y1 - 8 - h, (y1 + y2) // 2 - h // 2]
            spots += [(Box(x, y, w, h), rank * 6 + k) for k, y in enumerate(starts) for x in (x1 + 5, x1 - 5 - w)]
    return spots


def label_cost(d: Diagram, spot: Box, placed: list[Box], owner: str = "") -> int:
    """What a label would cover: shapes and labels rule a spot out, flows and lane lines only cost."""
    cost = 0
    content = Box(d.pool.x + 2 * HEADER, d.pool.y, d.pool.w - 2 * HEADER, d.pool.h)
    if not content.contains(spot):
        cost += 2000
    cost += sum(1000 for n in d.nodes.values()          # a gateway's label may use the empty corner of its box
                if not (n.id == owner and n.kind in GATEWAYS) and n.box.grow(3).overlaps(spot))
    cost += sum(1000 for other in placed if other.grow(2).overlaps(spot))
    cost += sum(150 for f in d.flows for a, b in pairwise(f.points) if spot.grow(2).crossed_by(a, b))
    cost += sum(20 for lane in d.lanes[1:] if spot.y < lane.box.y < spot.bottom)
    return cost


def place_labels(d: Diagram) -> None:
    """Put node labels first (they have fewer good spots), then flow labels, each on its cheapest spot."""
    placed: list[Box] = []
    items = [(n, node_label_spots) for n in d.nodes.values() if n.name and n.kind not in ACTIVITIES]
    items += [(f, flow_label_spots) for f in d.flows if f.name]
    for element, spots in items:
        owner = element.id if isinstance(element, Node) else ""
        choices = [(spot, penalty + extra) for width, extra in ((LABEL_WIDTH, 0), (NARROW_LABEL_WIDTH, 4))
                   for spot, penalty in spots(element, *label_size(element.name, width))]
        element.label = min(choices, key=lambda s: s[1] + label_cost(d, s[0], placed, owner))[0]
        placed.append(element.label)


# --- writing -----------------------------------------------------------------------------------

def di_lines(d: Diagram, prefixes: dict[str, str], declare: list[str], semantic: list[str]) -> list[str]:
    """The new ``BPMNDiagram`` as indented lines, shapes and edges in the order of the semantic part."""
    bpmndi, dc, di = (prefixes[k] for k in ("bpmndi", "dc", "di"))

    def bounds(box: Box) -> str:
        return f'<{dc}:Bounds x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" />'

    def shape(element_id: str, box: Box, label: Box | None = None, extra: str = "") -> list[str]:
        lines = [f"<{bpmndi}:BPMNShape id={quoteattr(element_id + '_di')} bpmnElement={quoteattr(element_id)}{extra}>",
                 "  " + bounds(box)]
        if label:
            lines += [f"  <{bpmndi}:BPMNLabel>", "    " + bounds(label), f"  </{bpmndi}:BPMNLabel>"]
        return lines + [f"</{bpmndi}:BPMNShape>"]

    body = shape(d.participant, d.pool, extra=' isHorizontal="true"')
    for lane in d.lanes:
        body += shape(lane.id, lane.box, extra=' isHorizontal="true"')
    flows = {f.id: f for f in d.flows}
    for element_id in semantic:
        if element_id in d.nodes:
            node = d.nodes[element_id]
            marker = ' isMarkerVisible="true"' if node.kind == "exclusiveGateway" else ""
            body += shape(node.id, node.box, node.label, marker)
        elif element_id in flows:
            flow = flows[element_id]
            body.append(f"<{bpmndi}:BPMNEdge id={quoteattr(flow.id + '_di')} bpmnElement={quoteattr(flow.id)}>")
            body += [f'  <{di}:waypoint x="{x}" y="{y}" />' for x, y in flow.points]
            if flow.label:
                body += [f"  <{bpmndi}:BPMNLabel>", "    " + bounds(flow.label), f"  </{bpmndi}:BPMNLabel>"]
            body.append(f"</{bpmndi}:BPMNEdge>")
    namespaces = "".join(f" xmlns:{p}={quoteattr(DI_NAMESPACES[p])}" for p in declare)
    plane_element = quoteattr(d.collaboration)
    return ([f"<{bpmndi}:BPMNDiagram id={quoteattr(d.collaboration + '_diagram')}{namespaces}>",
             f"  <{bpmndi}:BPMNPlane id={quoteattr(d.collaboration + '_plane')} bpmnElement={plane_element}>"]
            + ["    " + line for line in body]
            + [f"  </{bpmndi}:BPMNPlane>", f"</{bpmndi}:BPMNDiagram>"])


_DIAGRAM = re.compile(r"[ \t]*<(?P<p>(?:[\w.-]+:)?)BPMNDiagram\b"         # with its indentation,
                      r"(?:[^<>]*/>|.*?</(?P=p)BPMNDiagram\s*>)[ \t]*(?:\r?\n)?",   # its end tag and line end
                      re.DOTALL)
_ROOT_END = re.compile(r"[ \t]*</(?:[\w.-]+:)?definitions\s*>")


def splice(text: str, lines: list[str], indent: str, newline: str) -> str:
    """Replace every existing diagram by the new one, or insert it before the root's end tag."""
    blocks = list(_DIAGRAM.finditer(text))
    if blocks:
        at = blocks[0].start()
        between = "".join(text[a.end():b.start()] for a, b in pairwise(blocks))
        text, position = text[:at] + between + text[blocks[-1].end():], at
    else:
        ends = list(_ROOT_END.finditer(text))
        if not ends:
            raise LayoutError("no end tag of bpmn:definitions found")
        position = ends[-1].start()
        if position and text[position - 1] not in "\r\n":
            text, position = text[:position] + newline + text[position:], position + len(newline)
    return text[:position] + "".join(indent + line + newline for line in lines) + text[position:]


def layout(source: bytes) -> bytes:
    """Return the file with a freshly computed ``bpmndi:BPMNDiagram`` and everything else untouched."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(source, parser)
    for old in root.findall(f"{{{DI_NAMESPACES['bpmndi']}}}BPMNDiagram"):
        root.remove(old)
    d = read_diagram(root)
    rank_nodes(d)
    assign_slots(d)
    place_shapes(d)
    route_flows(d)
    place_labels(d)

    semantic_ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    new_ids = {d.participant, *(lane.id for lane in d.lanes), *d.nodes, *(f.id for f in d.flows)}
    clash = ({i + "_di" for i in new_ids} | {d.collaboration + "_diagram", d.collaboration + "_plane"}) & semantic_ids
    if clash:
        raise LayoutError(f"diagram ids already used in the file: {', '.join(sorted(clash))}")
    prefixes, declare = {}, []
    declared = {uri: prefix for prefix, uri in root.nsmap.items() if prefix}
    for prefix, uri in DI_NAMESPACES.items():
        prefixes[prefix] = declared.get(uri, prefix)
        if uri not in declared:
            declare.append(prefix)
    order = [e.get("id") for e in root.iter(f"{BPMN}*") if e.get("id")]

    encoding = root.getroottree().docinfo.encoding or "UTF-8"
    text = source.decode(encoding)
    newline = "\r\n" if "\r\n" in text else "\n"
    indent = (root.text or "\n  ").rsplit("\n", 1)[-1] or "  "
    return splice(text, di_lines(d, prefixes, declare, order), indent, newline).encode(encoding)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a bpmn-js diagram (BPMN DI) into a hand-written BPMN file.")
    parser.add_argument("file", type=Path, help="the .bpmn file")
    parser.add_argument("--in-place", action="store_true", help="rewrite the file instead of printing the result")
    args = parser.parse_args(argv)
    try:
        result = layout(args.file.read_bytes())
    except (LayoutError, etree.XMLSyntaxError, OSError) as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 1
    if args.in_place:
        args.file.write_bytes(result)
    else:
        sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
