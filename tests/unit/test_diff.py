"""The designer's diff between two versions: elements compared by id (type, name, properties, conditions,
lane, form content), layout ignored."""

import json
from pathlib import Path

from engine.services.diff import ADDED, CHANGED, REMOVED, diff_bundles

ROOT = Path(__file__).resolve().parents[2]
P1 = ROOT / "bpmn" / "admission"

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="x">')


def bpmn(body: str, *, di: str = "") -> str:
    return f'{HEAD}<bpmn:process id="p" name="Quy trình" isExecutable="true">{body}</bpmn:process>{di}</bpmn:definitions>'


def props(**values) -> str:
    items = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{items}</spiffworkflow:properties></bpmn:extensionElements>"


LANES = ('<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="Chi bộ">{a}<bpmn:flowNodeRef>{in_a}</bpmn:flowNodeRef></bpmn:lane>'
         '<bpmn:lane id="lane_b" name="Đảng ủy">{b}<bpmn:flowNodeRef>{in_b}</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')


def process(*, role_a="cell_secretary", in_a="review", in_b="other", condition="approved == True",
            form="forms/review.json", task_name="Xem xét", extra="") -> str:
    lanes = LANES.format(a=props(role=role_a), b=props(role="standing_board", scope="parent"), in_a=in_a, in_b=in_b)
    return bpmn(
        lanes
        + f'<bpmn:startEvent id="start"/><bpmn:userTask id="review" name="{task_name}">'
        + props(formJsonSchemaFilename=form, deadline="P10D") + "</bpmn:userTask>"
        + '<bpmn:exclusiveGateway id="gw" default="f_no"/>'
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
        + '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>'
        + f'<bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>{condition}'
        + "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        + '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end"/><bpmn:endEvent id="end"/>' + extra)


FORM = {"type": "object", "title": "Xem xét", "properties": {"approved": {"type": "boolean", "title": "Đồng ý"},
                                                                "note": {"type": "string", "title": "Ghi chú"}}}


def bundle(main: str, form: dict = FORM, name: str = "forms/review.json") -> dict:
    return {"p.bpmn": main, name: json.dumps(form, ensure_ascii=False)}


def by_id(diff):
    return {c.element: c for c in diff.elements}


def test_the_same_bundle_has_no_changes():
    assert diff_bundles(bundle(process()), bundle(process())).empty


def test_layout_and_formatting_are_not_changes():
    di = ('<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p"><bpmndi:BPMNShape id="s" '
          'bpmnElement="review"><dc:Bounds x="{x}" y="10" width="100" height="80"/></bpmndi:BPMNShape>'
          "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    old = process().replace("</bpmn:definitions>", di.format(x=10) + "</bpmn:definitions>")
    new = process().replace("</bpmn:definitions>", di.format(x=400) + "</bpmn:definitions>").replace("><", ">\n  <")
    assert diff_bundles(bundle(old), bundle(new)).elements == []


def test_a_lane_role_change_is_a_changed_property_of_the_lane():
    diff = diff_bundles(bundle(process()), bundle(process(role_a="organisation_board")))
    [change] = diff.elements
    assert (change.element, change.kind, change.type, change.name) == ("lane_a", CHANGED, "lane", "Chi bộ")
    assert [(f.field, f.old, f.new) for f in change.fields] == [("property:role", "cell_secretary",
                                                                  "organisation_board")]
    assert diff.marks() == {ADDED: [], REMOVED: [], CHANGED: ["lane_a"]}


def test_a_step_moved_to_another_lane_changes_its_lane():
    old = process(in_a="review", in_b="gw")
    new = process(in_a="gw", in_b="review")
    changes = by_id(diff_bundles(bundle(old), bundle(new)))
    assert [(f.field, f.old, f.new) for f in changes["review"].fields] == [("lane", "lane_a", "lane_b")]
    assert [(f.field, f.old, f.new) for f in changes["gw"].fields] == [("lane", "lane_b", "lane_a")]


def test_condition_name_and_type_changes():
    new = process(condition="approved == False", task_name="Xem xét đơn").replace(
        '<bpmn:userTask id="review"', '<bpmn:manualTask id="review"').replace("</bpmn:userTask>", "</bpmn:manualTask>")
    changes = by_id(diff_bundles(bundle(process()), bundle(new)))
    assert [(f.field, f.old, f.new) for f in changes["f_yes"].fields] == [
        ("condition", "approved == True", "approved == False")]
    review = {f.field: (f.old, f.new) for f in changes["review"].fields}
    assert review["type"] == ("userTask", "manualTask")
    assert review["name"] == ("Xem xét", "Xem xét đơn")
    assert changes["review"].type == "manualTask"


def test_added_and_removed_elements():
    extra = '<bpmn:userTask id="sign" name="Ký quyết định"/><bpmn:sequenceFlow id="f_sign" sourceRef="gw" targetRef="sign"/>'
    old = process()
    new = process(extra=extra).replace('<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end"/>', "")
    diff = diff_bundles(bundle(old), bundle(new))
    assert diff.marks()[ADDED] == ["sign", "f_sign"]
    assert diff.marks()[REMOVED] == ["f_no"]
    assert "gw" not in by_id(diff)          # its attributes (default="f_no") did not change
    assert by_id(diff)["sign"].name == "Ký quyết định" and by_id(diff)["f_no"].kind == REMOVED


def test_form_content_changes_name_the_fields():
    form = json.loads(json.dumps(FORM))
    form["properties"]["note"]["maxLength"] = 500
    form["properties"]["meeting_date"] = {"type": "string", "format": "date", "title": "Ngày họp"}
    del form["properties"]["approved"]
    diff = diff_bundles(bundle(process()), bundle(process(), form))
    [change] = diff.elements
    assert change.element == "review"
    [content] = change.fields
    assert content.field == "form_content"
    assert content.detail == {"added": ["meeting_date"], "removed": ["approved"], "changed": ["note"], "other": False}
    assert [(f.name, f.kind) for f in diff.files] == [("forms/review.json", CHANGED)]


def test_another_form_file_is_a_property_change_and_a_content_change():
    other = dict(FORM, properties={"approved": FORM["properties"]["approved"]})
    old = bundle(process())
    new = {"p.bpmn": process(form="forms/review2.json"), "forms/review2.json": json.dumps(other)}
    change = by_id(diff_bundles(old, new))["review"]
    fields = {f.field: f for f in change.fields}
    assert (fields["property:formJsonSchemaFilename"].old, fields["property:formJsonSchemaFilename"].new) == (
        "forms/review.json", "forms/review2.json")
    assert fields["form_content"].detail["removed"] == ["note"]
    files = {(f.name, f.kind) for f in diff_bundles(old, new).files}
    assert files == {("forms/review2.json", ADDED), ("forms/review.json", REMOVED), ("p.bpmn", CHANGED)}


def test_foreign_attributes_and_extensions_are_compared():
    camunda = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    old = process().replace('<bpmn:definitions ', '<bpmn:definitions ' + camunda).replace(
        '<bpmn:userTask id="review"', '<bpmn:userTask id="review" camunda:candidateGroups="cell_secretary"')
    new = old.replace('camunda:candidateGroups="cell_secretary"', 'camunda:candidateGroups="standing_board@parent"')
    [change] = diff_bundles(bundle(old), bundle(new)).elements
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("attribute:camunda:candidateGroups", "cell_secretary", "standing_board@parent")]


def test_malformed_xml_contributes_no_elements():
    diff = diff_bundles(bundle(process()), bundle("<bpmn:definitions"))
    assert set(diff.marks()[REMOVED]) >= {"review", "lane_a", "f1"}


def test_p1_against_itself_and_a_changed_lane():
    files = {"admission.bpmn": (P1 / "admission.bpmn").read_text(encoding="utf-8")}
    for name in (P1 / "forms").glob("*.json"):
        files[f"forms/{name.name}"] = name.read_text(encoding="utf-8")
    assert diff_bundles(files, dict(files)).empty
    changed = dict(files)
    changed["admission.bpmn"] = files["admission.bpmn"].replace(
        '<spiffworkflow:property name="role" value="committee_office" />',
        '<spiffworkflow:property name="role" value="records_clerk" />')
    diff = diff_bundles(files, changed)
    assert diff.marks() == {ADDED: [], REMOVED: [], CHANGED: ["lane_committee_office"]}
    assert diff.names["lane_committee_office"] == "Văn phòng Đảng ủy xã, phường"


def test_attributes_at_their_bpmn_default_are_the_same_as_none():
    old = process(extra='<bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="true"/>')
    new = process(extra='<bpmn:boundaryEvent id="late" attachedToRef="review"/>')
    assert diff_bundles(bundle(old), bundle(new)).elements == []
    other = process(extra='<bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false"/>')
    [change] = diff_bundles(bundle(old), bundle(other)).elements
    assert [(f.field, f.old, f.new) for f in change.fields] == [("attribute:cancelActivity", None, "false")]
