"""Files of the process designer that need no database: the checks every draft or upload passes, the
bundle made of files uploaded from another modeler, the key and name a BPMN text declares, and the small
valid diagram a new procedure starts from (engine/services/designer.py uses them)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lxml import etree

from engine.conventions import BPMN, properties
from engine.dialects import GENERATED, form_key_files
from engine.errors import InvalidInput
from engine.spiff.parser import Bundle

#: What a draft or an upload may hold: BPMN, DMN and JSON Schema forms (and .xml, another tool's BPMN).
SUFFIXES = (".bpmn", ".dmn", ".json", ".xml")
MAX_FILES = 200
MAX_BUNDLE_BYTES = 4 * 1024 * 1024
_SAFE_PART = re.compile(r'^[^\x00-\x1f/\\:*?"<>|]+$')


def process_of(text: str) -> tuple[str | None, str | None]:
    """Key and name of the first executable process of a BPMN text (None when unreadable)."""
    try:
        root = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None, None
    processes = list(root.iter(f"{BPMN}process"))
    chosen = next((p for p in processes if p.get("isExecutable", "").lower() == "true"), None)
    chosen = chosen if chosen is not None else (processes[0] if processes else None)
    if chosen is None:
        return None, None
    return chosen.get("id"), " ".join((chosen.get("name") or chosen.get("id") or "").split()) or None


# Files ------------------------------------------------------------------------------------------

def check_files(main: str, files: dict[str, str]) -> None:
    """File names are relative paths inside the bundle, of the kinds a bundle holds; sizes are bounded.

    :raises InvalidInput: ``draft.invalid_file_name``, ``draft.too_large``, ``draft.no_bpmn``.
    """
    if not isinstance(files, dict) or not files:
        raise InvalidInput("draft.no_bpmn")
    if len(files) > MAX_FILES:
        raise InvalidInput("draft.too_large", limit_mb=MAX_BUNDLE_BYTES // (1024 * 1024))
    total = 0
    for name, text in files.items():
        if not isinstance(name, str) or not isinstance(text, str) or not _safe_name(name):
            raise InvalidInput("draft.invalid_file_name", name=str(name)[:100])
        total += len(text.encode("utf-8"))
    if total > MAX_BUNDLE_BYTES:
        raise InvalidInput("draft.too_large", limit_mb=MAX_BUNDLE_BYTES // (1024 * 1024))
    if main not in files or not main.endswith((".bpmn", ".xml")):
        raise InvalidInput("draft.no_bpmn")


def _safe_name(name: str) -> bool:
    if len(name) > 255 or not name.endswith(SUFFIXES) or name.startswith(GENERATED):
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") and _SAFE_PART.match(part) for part in parts)


def bundle_from_uploads(files: dict[str, str]) -> Bundle:
    """The bundle of files uploaded together: the BPMN file with an executable process is the main one,
    and each form is filed under the path the BPMN names it by (``forms/x.json`` for an uploaded
    ``x.json``), so a Camunda Modeler folder can be uploaded as it is.

    :raises InvalidInput: ``draft.no_bpmn``, ``draft.several_bpmn``, ``draft.invalid_file_name``.
    """
    files = {PurePosixPath(name.replace("\\", "/")).name: text for name, text in files.items() if name}
    bpmn = [n for n in sorted(files) if n.endswith((".bpmn", ".xml"))]
    if not bpmn:
        raise InvalidInput("draft.no_bpmn")
    executable = [n for n in bpmn if _executable(files[n])]
    candidates = executable or bpmn
    # the main file is the one no other uploaded BPMN calls (a caller and the processes it calls)
    called = {c for n in candidates for c in _called(files[n])}
    mains = [n for n in candidates if not (_process_ids(files[n]) & called)] or candidates
    if len(mains) > 1:
        raise InvalidInput("draft.several_bpmn", files=", ".join(mains))
    main = mains[0]
    named: dict[str, str] = {}
    placed: set[str] = set()
    for reference in _referenced(files[main]):   # a form key names several candidates: the first one found
        base = PurePosixPath(reference).name
        if base in files and base not in placed:
            named[str(PurePosixPath(reference))] = files[base]
            placed.add(base)
    result = dict(files)
    for path, text in named.items():
        result.pop(PurePosixPath(path).name, None)
        result[path] = text
    return Bundle(main=main, files=result)


def _root(text: str):
    try:
        return etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None


def _executable(text: str) -> bool:
    root = _root(text)
    return root is not None and any(p.get("isExecutable", "true").lower() == "true"
                                    for p in root.iter(f"{BPMN}process"))


def _process_ids(text: str) -> set[str]:
    root = _root(text)
    return set() if root is None else {p.get("id") for p in root.iter(f"{BPMN}process")}


def _called(text: str) -> set[str]:
    root = _root(text)
    return set() if root is None else {c.get("calledElement") for c in root.iter(f"{BPMN}callActivity")} - {None}


def _referenced(text: str) -> list[str]:
    """The form files a BPMN text names (quytrinh's properties, or another tool's formKey)."""
    root = _root(text)
    if root is None:
        return []
    names = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        props = properties(element)
        names += [props[k] for k in ("formJsonSchemaFilename", "formUiSchemaFilename") if props.get(k)]
        form_key = next((v for k, v in element.attrib.items() if k.endswith("}formKey")), None)
        if form_key:
            names += form_key_files(form_key)
    return sorted(set(names))


# A new procedure ----------------------------------------------------------------------------------

def starter_files(key: str, name: str) -> dict[str, str]:
    """A small valid procedure to start from: a start form, one step given to the cell secretary, an end."""
    from xml.sax.saxutils import quoteattr
    title = quoteattr(name)
    bpmn = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="{key}_definitions" targetNamespace="https://quytrinh.vn/bpmn/{key}" exporter="quytrinh" exporterVersion="1">
  <bpmn:collaboration id="{key}_collaboration">
    <bpmn:participant id="{key}_pool" name={title} processRef="{key}" />
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={title} isExecutable="true">
    <bpmn:laneSet id="{key}_lanes">
      <bpmn:lane id="lane_cell_secretary" name="Bí thư chi bộ">
        <bpmn:extensionElements>
          <spiffworkflow:properties>
            <spiffworkflow:property name="role" value="cell_secretary" />
            <spiffworkflow:property name="scope" value="case" />
          </spiffworkflow:properties>
        </bpmn:extensionElements>
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Mở hồ sơ">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="forms/start.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:outgoing>flow_start_review</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét hồ sơ">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="forms/review.json" />
          <spiffworkflow:property name="deadline" value="10WD" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_start_review</bpmn:incoming>
      <bpmn:outgoing>flow_review_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="Hoàn thành">
      <bpmn:incoming>flow_review_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_review" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="flow_review_end" sourceRef="review" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="{key}_diagram">
    <bpmndi:BPMNPlane id="{key}_plane" bpmnElement="{key}_collaboration">
      <bpmndi:BPMNShape id="{key}_pool_di" bpmnElement="{key}_pool" isHorizontal="true">
        <dc:Bounds x="120" y="60" width="600" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lane_cell_secretary_di" bpmnElement="lane_cell_secretary" isHorizontal="true">
        <dc:Bounds x="150" y="60" width="570" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="212" y="142" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="review">
        <dc:Bounds x="340" y="120" width="120" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="582" y="142" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_start_review_di" bpmnElement="flow_start_review">
        <di:waypoint x="248" y="160" />
        <di:waypoint x="340" y="160" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_review_end_di" bpmnElement="flow_review_end">
        <di:waypoint x="460" y="160" />
        <di:waypoint x="582" y="160" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
    start = ('{\n  "type": "object",\n  "title": "Mở hồ sơ",\n  "required": ["full_name"],\n  "properties": {\n'
             '    "full_name": {"type": "string", "title": "Họ và tên", "minLength": 1, "maxLength": 200}\n  }\n}\n')
    review = ('{\n  "type": "object",\n  "title": "Xem xét hồ sơ",\n  "required": ["review_comment"],\n'
              '  "properties": {\n    "review_comment": {"type": "string", "title": "Ý kiến", "maxLength": 2000}\n'
              "  }\n}\n")
    return {f"{key}.bpmn": bpmn, "forms/start.json": start, "forms/review.json": review}


__all__ = ["SUFFIXES", "MAX_FILES", "MAX_BUNDLE_BYTES", "check_files", "bundle_from_uploads", "process_of",
           "starter_files"]
