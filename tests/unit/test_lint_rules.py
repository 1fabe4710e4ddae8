"""quytrinh's own rules (engine/lint.py, after the XSD and SpiffWorkflow): each refuses what would otherwise
run wrongly or not at all, naming the element and its line, with a Vietnamese message that says how to fix it."""

import json

import pytest

from engine.errors import DefinitionInvalid
from engine.spiff.parser import Bundle, parse_bundle
from tests.bpmn_builder import FORM, HEADER, flow, process, user_task
from webapp import messages

START = '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
END = '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'


def around(middle: str, *, extra: str = "", roots: str = "") -> str:
    """start -> [middle, which takes f1 and gives f2] -> end, in a lane of cell secretaries."""
    xml = process("rules", START + middle + END + flow("f1", "start", "x") + flow("f2", "x", "end") + extra,
                  lane_nodes=["start", "x", "end"])
    return xml.replace("</bpmn:definitions>", roots + "</bpmn:definitions>")


def refused(xml: str, *, roles=None, files=None) -> list[tuple[str, str, int]]:
    bundle = Bundle(main="rules.bpmn", files={"rules.bpmn": xml, "forms/step.json": json.dumps(FORM), **(files or {})})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_bundle(bundle, known_roles=roles)
    for problem in caught.value.problems:
        assert messages.problem_message(problem) != problem.code, f"no Vietnamese text for {problem.code}"
    return [(p.element, p.code, p.line) for p in caught.value.problems]


def found(xml: str, **kwargs) -> set[tuple[str, str]]:
    problems = refused(xml, **kwargs)
    assert all(line > 0 for _, _, line in problems), problems
    return {(element, code) for element, code, _ in problems}


def event(tag: str, definition: str) -> str:
    return (f'<bpmn:{tag} id="x"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            f'{definition}</bpmn:{tag}>\n')


def test_a_data_store_without_an_implementation_is_refused():
    xml = around(user_task("x", "Xử lý", "f1", "f2"),
                 extra='<bpmn:dataStoreReference id="ref" dataStoreRef="store"/>',
                 roots='<bpmn:dataStore id="store" name="Sổ đảng viên"/>')
    assert {("store", "datastore.no_implementation")} <= found(xml)


@pytest.mark.parametrize("tag,definition,kind", [
    ("intermediateCatchEvent", '<bpmn:messageEventDefinition id="d"/>', "message"),
    ("intermediateCatchEvent", '<bpmn:messageEventDefinition id="d" messageRef="nowhere"/>', "message"),
    ("intermediateThrowEvent", '<bpmn:signalEventDefinition id="d"/>', "signal"),
])
def test_message_and_signal_events_must_name_what_they_wait_for_or_send(tag, definition, kind):
    problems = refused(around(event(tag, definition)))
    assert [(e, c) for e, c, _ in problems] == [("d", "event.missing_ref")] and problems[0][2] > 0


def test_an_error_end_event_must_name_its_error_but_a_catch_all_boundary_need_not():
    end = END.replace('<bpmn:endEvent id="end">', '<bpmn:endEvent id="end">').replace(
        "</bpmn:endEvent>", '<bpmn:errorEventDefinition id="err"/></bpmn:endEvent>')
    xml = process("rules", START + user_task("x", "Xử lý", "f1", "f2") + end
                  + '<bpmn:boundaryEvent id="catch" attachedToRef="x"><bpmn:errorEventDefinition id="any"/>'
                    '</bpmn:boundaryEvent>\n' + flow("f1", "start", "x") + flow("f2", "x", "end"),
                  lane_nodes=["start", "x", "end"])
    assert {(e, c) for e, c, _ in refused(xml)} == {("err", "event.missing_ref")}


@pytest.mark.parametrize("definition,element_type", [
    ('<bpmn:linkEventDefinition id="d" name="go"/>', "linkEventDefinition"),
    ('<bpmn:compensateEventDefinition id="d"/>', "compensateEventDefinition"),
])
def test_link_and_compensation_throw_events_are_refused_not_run_as_none_events(definition, element_type):
    problems = refused(around(event("intermediateThrowEvent", definition)))
    assert [(e, c) for e, c, _ in problems] == [("d", "element.unsupported")]


def test_a_standard_loop_needs_a_condition_or_a_maximum():
    loop = user_task("x", "Xử lý", "f1", "f2").replace(
        "</bpmn:userTask>", '<bpmn:standardLoopCharacteristics id="loop"/></bpmn:userTask>')
    assert [(e, c) for e, c, _ in refused(around(loop))] == [("loop", "loop.unbounded")]
    bounded = loop.replace('id="loop"/>', 'id="loop" loopMaximum="3"/>')
    parse_bundle(Bundle(main="r.bpmn", files={"r.bpmn": around(bounded), "forms/step.json": json.dumps(FORM)}))


def test_a_multi_instance_step_needs_a_cardinality_or_a_collection():
    many = user_task("x", "Xử lý", "f1", "f2").replace(
        "</bpmn:userTask>", '<bpmn:multiInstanceLoopCharacteristics id="mi"/></bpmn:userTask>')
    assert [(e, c) for e, c, _ in refused(around(many))] == [("mi", "multi_instance.no_input")]


def test_a_call_activity_must_name_a_process_of_the_bundle():
    call = ('<bpmn:callActivity id="x"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            '</bpmn:callActivity>\n')
    assert ("x", "call.missing_target") in found(around(call))
    assert ("x", "call.unknown_process") in found(around(call.replace('id="x"', 'id="x" calledElement="elsewhere"')))


def test_a_business_rule_task_must_name_its_decision():
    rule = ('<bpmn:businessRuleTask id="x"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
            '</bpmn:businessRuleTask>\n')
    assert ("x", "decision.missing") in found(around(rule))


def test_a_repeating_timer_cannot_start_a_case():
    xml = around(user_task("x", "Xử lý", "f1", "f2")).replace(
        '<bpmn:startEvent id="start">', '<bpmn:startEvent id="start"><bpmn:timerEventDefinition id="t">'
        '<bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>')
    assert ("t", "timer.cycle_start") in found(xml)


def test_a_sub_process_whose_every_step_has_an_incoming_flow_has_no_start_to_add():
    sub = ('<bpmn:subProcess id="x"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
           '<bpmn:manualTask id="a"/><bpmn:manualTask id="b"/>'
           '<bpmn:sequenceFlow id="ab" sourceRef="a" targetRef="b"/>'
           '<bpmn:sequenceFlow id="ba" sourceRef="b" targetRef="a"/>'
           '</bpmn:subProcess>\n')
    assert ("x", "subprocess.no_start") in found(around(sub))


def test_a_group_that_is_neither_a_role_nor_bound_is_named_as_a_group():
    task = user_task("x", "Xử lý", "f1", "f2").replace(
        '<bpmn:userTask id="x"', '<bpmn:userTask id="x" camunda:candidateGroups="accounting"')
    xml = process("rules", START + task + END + flow("f1", "start", "x") + flow("f2", "x", "end"),
                  lane_nodes=["start", "end"])
    xml = xml.replace('xmlns:xsi=', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi=', 1)
    problems = refused(xml, roles={"cell_secretary"})
    assert [(e, c) for e, c, _ in problems] == [("x", "group.unknown")]


def test_a_user_task_needs_a_form_but_a_manual_task_is_a_confirmation():
    manual = ('<bpmn:manualTask id="x"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
              '</bpmn:manualTask>\n')
    [parsed] = parse_bundle(Bundle(main="r.bpmn", files={"r.bpmn": around(manual)}))
    assert parsed.meta["elements"]["x"]["form"] is None
    as_user_task = around(manual.replace("manualTask", "userTask"))
    assert [(e, c) for e, c, _ in refused(as_user_task)] == [("x", "task.missing_form")]


def test_every_non_executable_process_is_named_when_none_can_run():
    xml = (HEADER + '<bpmn:process id="one" isExecutable="false"/>\n<bpmn:process id="two" isExecutable="false"/>\n'
           '</bpmn:definitions>\n')
    assert refused(xml) == [("one", "process.not_executable", 3), ("two", "process.not_executable", 4)]


def test_a_register_field_must_name_a_register_of_the_catalogue():
    def form(spec) -> dict:
        return {"forms/step.json": json.dumps({**FORM, "properties": {
            **FORM["properties"], "register_number": {"type": "string", "title": "Số đến", "x-register": spec}}})}

    xml = around(user_task("x", "Vào sổ", "f1", "f2"))
    problems = refused(xml, files=form("incomming"))
    assert [(e, c) for e, c, _ in problems] == [("x", "register.unknown")]
    bundle = Bundle(main="rules.bpmn", files={"rules.bpmn": xml, **form("incomming")})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_bundle(bundle)
    assert "«incomming»" in messages.problem_message(caught.value.problems[0]) \
        and "incoming_secret" in messages.problem_message(caught.value.problems[0])
    assert [c for _, c, _ in refused(xml, files=form({"register": "outgoing", "format": "roman"}))] \
        == ["register.invalid"]
    parse_bundle(Bundle(main="rules.bpmn", files={"rules.bpmn": xml, **form({"register": "outgoing",
                                                                               "format": "ordinal"})}))


def test_a_register_field_may_name_a_document_type_of_the_catalogue_for_a_register_that_writes_it():
    def form(spec) -> dict:
        return {"forms/step.json": json.dumps({**FORM, "properties": {
            **FORM["properties"], "decision_number": {"type": "string", "title": "Số quyết định", "x-register": spec}}})}

    xml = around(user_task("x", "Cho số quyết định", "f1", "f2"))
    parse_bundle(Bundle(main="rules.bpmn", files={"rules.bpmn": xml,
                                                  **form({"register": "outgoing", "document_type": "Quyết định"})}))
    [(element, code, params)] = refused(xml, files=form({"register": "outgoing", "document_type": "Quyết đinh"}))
    assert (element, code) == ("x", "register.unknown_document_type")
    bundle = Bundle(main="rules.bpmn", files={"rules.bpmn": xml,
                                              **form({"register": "outgoing", "document_type": "Quyết đinh"})})
    with pytest.raises(DefinitionInvalid) as caught:
        parse_bundle(bundle)
    said = messages.problem_message(caught.value.problems[0])
    assert "«Quyết đinh»" in said and "Quyết định" in said and "Tờ trình" in said
    assert [c for _, c, _ in refused(xml, files=form({"register": "incoming", "document_type": "Quyết định"}))] \
        == ["register.document_type_unused"]
    assert [c for _, c, _ in refused(xml, files=form({"register": "outgoing", "document_type": 7}))] \
        == ["register.invalid"]


def test_the_titles_of_computed_variables_come_from_a_json_schema_in_the_bundle():
    declared = around(user_task("x", "Xử lý", "f1", "f2")).replace(
        'isExecutable="true">', 'isExecutable="true"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="dataSchemaFilename" value="forms/computed.json"/>'
        '</spiffworkflow:properties></bpmn:extensionElements>', 1)
    assert ("rules", "form.missing_file") in found(declared)
    computed = {"type": "object", "properties": {"ratio": {"type": "number", "title": "Tỷ lệ tán thành (%)"}}}
    parsed = parse_bundle(Bundle(main="rules.bpmn", files={"rules.bpmn": declared, "forms/step.json": json.dumps(FORM),
                                                          "forms/computed.json": json.dumps(computed)}))
    assert parsed[0].meta["data_schema"] == "forms/computed.json"


@pytest.mark.parametrize("rules, code", [
    ({"x-not-after": {"meeting_dat": "today"}}, "form.rule_unknown_field"),          # a misspelt field
    ({"x-not-before": {"note": "today"}}, "form.rule_unknown_field"),                 # "today" only for x-not-after
    ({"allOf": [{"if": {"required": ["note"]}, "then": {"x-more-than-half-of": {"note": "votes"}}}]},
     "form.rule_unknown_field"),
    ({"properties": {**FORM["properties"], "to": {"type": "string", "x-widget": "unit", "x-unit-level": "ward"}}},
     "form.unit_rule_invalid"),
    ({"properties": {**FORM["properties"], "to": {"type": "string", "x-widget": "unit",
                                                  "x-unit-where": {"within": "comune"}}}}, "form.unit_rule_invalid"),
    ({"properties": {**FORM["properties"], "to": {"type": "string", "x-widget": "unit",
                                                  "x-unit-where": {"by": "scope", "internal": {"level": "cell"}}}}},
     "form.unit_rule_invalid")])
def test_a_forms_field_rules_name_its_own_fields_and_known_levels(rules, code):
    form = {"forms/step.json": json.dumps({**FORM, **rules})}
    assert [c for _, c, _ in refused(around(user_task("x", "Họp", "f1", "f2")), files=form)] == [code]


def test_the_procedures_field_rules_are_well_formed():
    good = {**FORM, "x-not-after": {"note": "today"}, "properties": {
        **FORM["properties"], "scope": {"type": "string"},
        "to": {"type": "string", "x-widget": "unit", "x-unit-where": {
            "by": "scope", "internal": {"level": "cell", "within": "commune", "not": "case"},
            "other": {"outside": "province", "contains": "scope"}}}}}
    parse_bundle(Bundle(main="rules.bpmn", files={"rules.bpmn": around(user_task("x", "Họp", "f1", "f2")),
                                                  "forms/step.json": json.dumps(good)}))
