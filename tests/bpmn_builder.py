"""Small BPMN bundles written by tests (the procedures under test live in bpmn/)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="https://quytrinh.vn/test">\n')
FORM = {"type": "object", "properties": {"note": {"type": "string", "title": "Ghi chú"},
                                         "n": {"type": "integer", "title": "Số lượng"},
                                         "text": {"type": "string", "title": "Văn bản"}}}


def props(**values: str) -> str:
    inner = "".join(f'<spiffworkflow:property name="{k}" value="{escape(v, {chr(34): "&quot;"})}"/>'
                    for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def user_task(task_id: str, name: str, incoming: str, outgoing: str, form: str = "forms/step.json", **extra) -> str:
    return (f'<bpmn:userTask id="{task_id}" name="{name}">{props(formJsonSchemaFilename=form, **extra)}'
            f'<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>\n')


def script_task(task_id: str, script: str, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:scriptTask id="{task_id}" name="Kịch bản"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>\n')


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>\n'
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:conditionExpression>'
            f'</bpmn:sequenceFlow>\n')


def process(key: str, body: str, *, lane_nodes: list[str], role: str = "cell_secretary", scope: str = "case",
            name: str = "Quy trình thử") -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in lane_nodes)
    return (HEADER + f'<bpmn:process id="{key}" name="{name}" isExecutable="true">\n'
            f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Bí thư chi bộ">{props(role=role, scope=scope)}'
            f"{refs}</bpmn:lane></bpmn:laneSet>\n{body}</bpmn:process>\n</bpmn:definitions>\n")


def script_process(key: str, script: str) -> str:
    """start -> enter (user) -> run (script) -> check (user) -> end."""
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + user_task("enter", "Nhập số liệu", "f1", "f2")
            + script_task("run", script, "f2", "f3")
            + user_task("check", "Kiểm tra", "f3", "f4")
            + '<bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "enter") + flow("f2", "enter", "run") + flow("f3", "run", "check")
            + flow("f4", "check", "end"))
    return process(key, body, lane_nodes=["start", "enter", "run", "check", "end"])


def write_bundle(folder: Path, name: str, xml: str, forms: dict[str, dict] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "forms").mkdir(exist_ok=True)
    for form_name, schema in {"step.json": FORM, **(forms or {})}.items():
        (folder / "forms" / form_name).write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    path = folder / name
    path.write_text(xml, encoding="utf-8")
    return path
