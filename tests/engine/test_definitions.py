"""Deploying and validating BPMN: every problem named with file, line and element id; nothing deployed
from a refused file; each deploy an immutable, hash-identified version; running cases keep theirs."""

import json
from pathlib import Path

import pytest

from engine.errors import DefinitionInvalid
from engine.services import definitions
from tests.bpmn_builder import flow, process, script_process, user_task, write_bundle

ROOT = Path(__file__).resolve().parents[2]


def _problems(uow, path):
    with pytest.raises(DefinitionInvalid) as refused:
        definitions.deploy_file(uow, path)
    return [(p.file, p.line, p.element, p.code) for p in refused.value.problems]


def _simple(key="simple", task=None, extra=""):
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + (task or user_task("work", "Xử lý", "f1", "f2"))
            + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "work") + flow("f2", "work", "end") + extra)
    return process(key, body, lane_nodes=["start", "work", "end"])


def test_malformed_xml_is_reported_with_its_line_and_nothing_is_deployed(uow, tmp_path):
    before = definitions.list_definitions(uow)
    xml = _simple().replace("</bpmn:userTask>", "</bpmn:userTsk>")
    path = write_bundle(tmp_path, "broken.bpmn", xml)
    [(file, line, element, code)] = _problems(uow, path)
    assert (file, code) == ("broken.bpmn", "xml.syntax") and line == xml.count("\n", 0, xml.index("</bpmn:userTsk>")) + 1
    assert definitions.list_definitions(uow) == before


def test_a_file_that_breaks_the_bpmn_schema_is_refused(uow, tmp_path):
    xml = _simple().replace('<bpmn:endEvent id="end">', '<bpmn:endEvent id="end" bogus="1"><bpmn:nonsense/>')
    problems = _problems(uow, write_bundle(tmp_path, "xsd.bpmn", xml))
    assert problems[0][3] == "bpmn.invalid" and problems[0][1] > 0


def test_quytrinh_rules_name_each_element(uow, tmp_path):
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            '<bpmn:userTask id="no_form" name="Thiếu biểu mẫu"><bpmn:incoming>f1</bpmn:incoming>'
            '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>\n'
            '<bpmn:exclusiveGateway id="choose"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>'
            '<bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>\n'
            '<bpmn:task id="untyped" name="Chưa rõ loại"><bpmn:incoming>f3</bpmn:incoming>'
            '<bpmn:outgoing>f5</bpmn:outgoing></bpmn:task>\n'
            '<bpmn:complexGateway id="complex"><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing>'
            '</bpmn:complexGateway>\n'
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f7</bpmn:outgoing>'
            '<bpmn:timerEventDefinition id="empty_timer"/></bpmn:intermediateCatchEvent>\n'
            '<bpmn:endEvent id="end"><bpmn:incoming>f6</bpmn:incoming><bpmn:incoming>f7</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "no_form") + flow("f2", "no_form", "choose") + flow("f3", "choose", "untyped")
            + flow("f4", "choose", "complex") + flow("f5", "untyped", "wait") + flow("f6", "complex", "end")
            + flow("f7", "wait", "end"))
    xml = process("rules", body, lane_nodes=["start", "no_form", "choose", "untyped", "complex", "wait", "end"])
    problems = _problems(uow, write_bundle(tmp_path, "rules.bpmn", xml))
    found = {(element, code) for _, _, element, code in problems}
    assert {("no_form", "task.missing_form"), ("f3", "gateway.unconditioned_flow"),
            ("f4", "gateway.unconditioned_flow"), ("untyped", "task.untyped"),
            ("complex", "element.unsupported"), ("empty_timer", "timer.missing_value")} <= found
    assert all(line > 0 for _, line, _, _ in problems)


def test_a_lane_naming_an_unknown_role_is_refused(uow, tmp_path):
    xml = _simple().replace('value="cell_secretary"', 'value="chief_wizard"')
    assert ("work", "role.unknown") in {(e, c) for _, _, e, c in _problems(uow, write_bundle(tmp_path, "r.bpmn", xml))}


def test_a_missing_or_invalid_form_file_is_refused(uow, tmp_path):
    task = user_task("work", "Xử lý", "f1", "f2", form="forms/absent.json")
    problems = _problems(uow, write_bundle(tmp_path / "a", "a.bpmn", _simple(task=task)))
    assert [(e, c) for _, _, e, c in problems] == [("work", "form.missing_file")]
    path = write_bundle(tmp_path / "b", "b.bpmn", _simple(), forms={"step.json": {"type": "object",
                                                                                   "properties": {"x": {"type": 7}}}})
    assert [c for _, _, _, c in _problems(uow, path)] == ["form.invalid_schema"]


def test_same_files_deploy_to_the_same_version_and_a_change_makes_a_new_one(uow, tmp_path):
    path = write_bundle(tmp_path, "v.bpmn", _simple("versioned"))
    [first] = definitions.deploy_file(uow, path)
    [again] = definitions.deploy_file(uow, path)
    assert (first.version, again.version, again.new) == (1, 1, False)
    path.write_text(path.read_text().replace("Xử lý", "Xử lý hồ sơ"))
    [second] = definitions.deploy_file(uow, path)
    assert second.version == 2 and second.sha256 != first.sha256
    assert [(d.key, d.version) for d in definitions.list_definitions(uow) if d.key == "versioned"] == \
        [("versioned", 1), ("versioned", 2)]


def test_a_case_started_before_a_new_version_finishes_on_its_own_version(people, uow, tmp_path):
    path = write_bundle(tmp_path, "v.bpmn", script_process("evolving", "result = 'v1'"))
    definitions.deploy_file(uow, path)
    old = people.cell_secretary.opens("evolving")
    path.write_text(path.read_text().replace("result = 'v1'", "result = 'v2'"))
    definitions.deploy_file(uow, path)
    new = people.cell_secretary.opens("evolving")
    for number in (old, new):
        people.cell_secretary.completes("enter", number, {})
    assert (people.cell_secretary.sees(old).data["result"], people.cell_secretary.sees(old).version) == ("v1", 1)
    assert (people.cell_secretary.sees(new).data["result"], people.cell_secretary.sees(new).version) == ("v2", 2)


def test_the_admission_procedure_is_deployed_with_its_forms(uow):
    view, files, meta = definitions.get_definition(uow, "admission")
    assert view.name == "Kết nạp đảng viên" and meta["case_prefix"] == "KN"
    assert json.loads(files["forms/start.json"])["properties"]["full_name"]["title"] == "Họ và tên"
    assert meta["elements"]["committee_vote"]["signature_required"] is True
    assert meta["elements"]["cell_vote"]["assignment"] == {"role": "cell_secretary", "scope": "case", "data_field": None}
