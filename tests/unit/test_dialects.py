"""The rewrite of files from other tools (engine/dialects.py, engine/expressions.py, docs/interop.md):
each mapping, each refusal naming the element and the original text, and the guarantees (same output
every time, the uploaded lines kept, generated forms outside the identity)."""

import json

import pytest
from lxml import etree

from engine import dialects, expressions
from engine.conventions import properties
from engine.spiff.parser import Bundle

CAMUNDA = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="t">\n'
           '<bpmn:process id="p" isExecutable="true">\n{body}\n</bpmn:process>\n</bpmn:definitions>\n')


def register(**kwargs):
    """A function the bindings point at (its parameters name the service's inputs)."""
    return {}


def decide(amount, region="HN"):
    return {"approved": amount > 1000}


FUNCTIONS = {"register": register, "decide": decide}


def normalise(body, assignments=None, services=None, files=None):
    return dialects.normalise({"p.bpmn": CAMUNDA.format(body=body), **(files or {})},
                              assignments=assignments or {}, services=services or {}, functions=FUNCTIONS)


def element(result, element_id):
    return result.documents["p.bpmn"].xpath("//*[@id=$id]", id=element_id)[0]


def codes(found):
    """(element, code) of each finding, leaving out the start event these small processes lack."""
    return [(p.element, p.code) for p in found if not (p.element == "p" and p.code == "subprocess.start_added")
            and p.code != "form.confirmation"]


# expressions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("juel,python", [
    ("${approved}", "approved"),
    ("#{approved}", "approved"),
    ("${!approved}", "(not approved)"),
    ("${not approved}", "(not approved)"),
    ("${x == 'y'}", "(x == 'y')"),
    ("${amount > 1000 && region eq 'HN'}", "((amount > 1000) and (region == 'HN'))"),
    ("${a or b and c}", "(a or (b and c))"),
    ("${empty comment}", "(comment in (None, '', [], {}))"),
    ("${score ge 5 ? 'high' : 'low'}", "('high' if (score >= 5) else 'low')"),
    ("${customer.age >= 21}", "(customer['age'] >= 21)"),
    ("${sentiment.toLowerCase() == \"negative\"}", "(sentiment.lower() == 'negative')"),
    ("${null == x}", "(None == x)"),
    ("= not(approved)", "(not (approved))"),
    ("= decision = \"yes\"", "(decision == 'yes')"),
])
def test_simple_juel_and_feel_become_quytrinh_expressions(juel, python):
    assert expressions.translate(juel) == python


@pytest.mark.parametrize("foreign", [
    "${customer.prop(\"age\").numberValue() >= 21}",       # Camunda Spin
    "${dateTime().plusWeeks(1)}",                           # a function
    "#{service.check(x)}",                                  # a bean call in a condition
    "= some risk in risks satisfies risk = \"red\"",        # a FEEL quantifier
    "${a ${b}}",
])
def test_other_forms_are_refused_with_the_expression_quoted(foreign):
    with pytest.raises(expressions.Untranslatable) as refused:
        expressions.translate(foreign)
    assert refused.value.expression == foreign


def test_a_juel_condition_is_rewritten_and_an_untranslatable_one_is_refused_naming_the_flow():
    result = normalise(
        '<bpmn:sequenceFlow id="ok" sourceRef="a" targetRef="b">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        '${amount &gt; 1000 &amp;&amp; region eq \'HN\'}</bpmn:conditionExpression></bpmn:sequenceFlow>\n'
        '<bpmn:sequenceFlow id="bad" sourceRef="a" targetRef="c">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        '${customer.prop("age").numberValue() &gt;= 21}</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert element(result, "ok")[0].text == "((amount > 1000) and (region == 'HN'))"
    [problem] = result.problems
    assert (problem.element, problem.code, problem.line) == ("bad", "expression.untranslatable", 5)
    assert problem.params["expression"] == '${customer.prop("age").numberValue() >= 21}'


SIGNAVIO = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="t" '
            'expressionLanguage="{language}">\n'
            '<process id="p" isExecutable="true">\n{body}\n</process>\n</definitions>\n')


def condition(text, flow="f"):
    return (f'<sequenceFlow id="{flow}" sourceRef="a" targetRef="b"><conditionExpression xsi:type="tFormalExpression">'
            f'<![CDATA[{text}]]></conditionExpression></sequenceFlow>')


@pytest.mark.parametrize("text", [
    "bpmn:getDataObject('approved')",                # XPath, as the MIWG reference files write it
    "not(bpmn:getDataObject('approved'))",
    "Service Level == 'Premium'",                    # a name with a space
])
def test_a_condition_in_a_language_without_marker_is_refused_quoted_in_a_file_from_another_tool(text):
    result = dialects.normalise({"p.bpmn": SIGNAVIO.format(language="http://www.w3.org/1999/XPath",
                                                           body=condition(text))},
                                assignments={}, services={}, functions={})
    [problem] = result.problems
    assert (problem.element, problem.code, problem.params["expression"]) == ("f", "expression.untranslatable", text)
    assert element(result, "f")[0] in result.refused          # not read again as quytrinh's own syntax


def test_a_condition_of_a_file_that_declares_feel_is_read_as_feel():
    feel = "https://www.omg.org/spec/DMN/20191111/FEEL/"
    result = dialects.normalise({"p.bpmn": SIGNAVIO.format(language=feel, body=condition('decision = "yes"', "ok")
                                                           + condition('Vacation Approval = "Approved"', "spaces"))},
                                assignments={}, services={}, functions={})
    assert element(result, "ok")[0].text == "(decision == 'yes')"
    assert [(p.element, p.params["expression"]) for p in result.problems] == \
        [("spaces", 'Vacation Approval = "Approved"')]


def test_conditions_already_in_quytrinh_syntax_are_kept_in_any_file():
    body = condition("work_done == 'Yes'", "python") + condition("PT1H", "literal")
    result = dialects.normalise({"p.bpmn": SIGNAVIO.format(language="http://www.w3.org/1999/XPath", body=body)},
                                assignments={}, services={}, functions={})
    assert result.problems == [] and element(result, "python")[0].text == "work_done == 'Yes'"


def test_a_broken_condition_in_a_file_drawn_for_quytrinh_is_left_to_the_syntax_check():
    own = CAMUNDA.replace('id="defs"', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs"')
    body = ('<bpmn:userTask id="t"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="role" value="cell_secretary"/></spiffworkflow:properties>'
            '</bpmn:extensionElements></bpmn:userTask>'
            '<bpmn:sequenceFlow id="f" sourceRef="a" targetRef="b"><bpmn:conditionExpression>approved =='
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    result = dialects.normalise({"p.bpmn": own.format(body=body)}, assignments={}, services={}, functions={})
    assert result.problems == [] and not result.refused     # engine/lint.py says "invalid syntax", with its line


# timers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cron,iso", [
    ("0/5 0/1 * 1/1 * ?", "R/PT5S"),       # the Camunda loan-granting example: every 5 seconds
    ("0 0/15 * * * ?", "R/PT15M"),
    ("0 0 */2 * * ?", "R/PT2H"),
    ("0 * * * * ?", "R/PT1M"),
])
def test_a_fixed_period_quartz_cron_becomes_an_iso_cycle(cron, iso):
    result = normalise('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="t">'
                       f'<bpmn:timeCycle>{cron}</bpmn:timeCycle></bpmn:timerEventDefinition>'
                       '</bpmn:intermediateCatchEvent>')
    assert element(result, "t")[0].text == iso and codes(result.notes) == [("t", "timer.cron_translated")]


def test_a_calendar_cron_is_refused_quoting_it_and_iso_values_are_left_as_they_are():
    result = normalise('<bpmn:intermediateCatchEvent id="w1"><bpmn:timerEventDefinition id="t1">'
                       '<bpmn:timeCycle>0 0 9 ? * MON-FRI</bpmn:timeCycle></bpmn:timerEventDefinition>'
                       '</bpmn:intermediateCatchEvent>'
                       '<bpmn:intermediateCatchEvent id="w2"><bpmn:timerEventDefinition id="t2">'
                       '<bpmn:timeCycle>R6/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>'
                       '</bpmn:intermediateCatchEvent>')
    assert [(p.element, p.code, p.params["expression"]) for p in result.problems] == \
        [("t1", "timer.cron_untranslatable", "0 0 9 ? * MON-FRI")]
    assert element(result, "t2")[0].text == "R6/P1D"


# structure -----------------------------------------------------------------------------------------

def test_an_activity_with_two_unconditioned_flows_splits_through_a_parallel_gateway():
    result = normalise('<bpmn:startEvent id="s"/><bpmn:manualTask id="a"/><bpmn:manualTask id="b"/>'
                       '<bpmn:manualTask id="c"/>'
                       '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="a"/>'
                       '<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"/>'
                       '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="c"/>')
    gateway = element(result, "a_split")
    assert etree.QName(gateway).localname == "parallelGateway"
    assert {element(result, f).get("sourceRef") for f in ("f1", "f2")} == {"a_split"}
    assert element(result, "a_to_a_split").get("targetRef") == "a_split"
    assert codes(result.notes) == [("a", "flow.implicit_split")]


def test_conditioned_flows_out_of_an_activity_split_inclusively_keeping_the_default():
    result = normalise('<bpmn:manualTask id="a" default="f2"/><bpmn:manualTask id="b"/><bpmn:manualTask id="c"/>'
                       '<bpmn:sequenceFlow id="f1" sourceRef="a" targetRef="b"><bpmn:conditionExpression>${x}'
                       '</bpmn:conditionExpression></bpmn:sequenceFlow>'
                       '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="c"/>')
    gateway = element(result, "a_split")
    assert etree.QName(gateway).localname == "inclusiveGateway" and gateway.get("default") == "f2"
    assert element(result, "a").get("default") is None


def test_camunda_semantics_the_last_unconditioned_flow_of_an_exclusive_gateway_is_its_default():
    flows = ('<bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="a"><bpmn:conditionExpression>${ok}'
             '</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="other" sourceRef="g" targetRef="b"/>')
    result = normalise('<bpmn:exclusiveGateway id="g"/>' + flows)
    assert element(result, "g").get("default") == "other"
    assert ("g", "gateway.default_assumed") in codes(result.notes)
    # first in document order: Camunda would always take it and never look at the others; not rewritten
    first = normalise('<bpmn:exclusiveGateway id="g"/><bpmn:sequenceFlow id="other" sourceRef="g" targetRef="b"/>'
                      '<bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="a"><bpmn:conditionExpression>${ok}'
                      '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert element(first, "g").get("default") is None


def test_a_sub_process_without_start_event_gets_one_before_its_first_step():
    result = normalise('<bpmn:subProcess id="sub"><bpmn:manualTask id="a"/><bpmn:endEvent id="e"/>'
                       '<bpmn:sequenceFlow id="f" sourceRef="a" targetRef="e"/></bpmn:subProcess>')
    start = element(result, "sub_start")
    assert etree.QName(start).localname == "startEvent"
    assert element(result, "sub_start_to_a").get("targetRef") == "a"
    assert codes(result.notes) == [("sub", "subprocess.start_added")]


def test_a_process_without_is_executable_is_executable_and_a_non_executable_pool_is_reported():
    text = CAMUNDA.replace('<bpmn:process id="p" isExecutable="true">', '<bpmn:process id="p">') \
        .replace("</bpmn:definitions>", '<bpmn:process id="other" isExecutable="false"/></bpmn:definitions>')
    result = dialects.normalise({"p.bpmn": text.format(body="")}, assignments={}, services={}, functions={})
    assert element(result, "p").get("isExecutable") == "true"
    assert codes(result.notes) == [("p", "process.executable_assumed"), ("other", "process.not_executable_skipped")]


# people ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("attributes,expected", [
    ('camunda:candidateGroups="accounting"', {"role": "committee_office@parent", "sourceGroup": "accounting"}),
    ('camunda:candidateGroups="cell_secretary@parent"', {"role": "cell_secretary@parent"}),
    ('camunda:assignee="${reviewer}"', {"assignee": "data:reviewer"}),
    ('camunda:assignee="${initiator}"', {"assignee": "data:initiator"}),
    ('camunda:assignee="$INITIATOR"', {"assignee": "data:initiator"}),
    ('camunda:assignee="demo"', {"role": "cell_secretary@case", "sourceGroup": "demo"}),
])
def test_camunda_assignments_become_quytrinh_roles_or_data_fields(attributes, expected):
    result = normalise(f'<bpmn:userTask id="t" {attributes}/>',
                       assignments={"accounting": "committee_office@parent", "demo": "cell_secretary@case"})
    found = properties(element(result, "t"))
    assert {k: found[k] for k in expected} == expected and result.problems == []


def test_assignments_quytrinh_cannot_keep_are_refused_naming_the_value():
    result = normalise('<bpmn:userTask id="fixed" camunda:assignee="kermit"/>'
                       '<bpmn:userTask id="bean" camunda:assignee="#{svc.findEditor(id)}"/>'
                       '<bpmn:userTask id="prop" camunda:assignee="${svc.editor}"/>'
                       '<bpmn:userTask id="sum" camunda:assignee="${first + last}"/>'
                       '<bpmn:userTask id="list" camunda:candidateUsers="${ldap.findAllSales()}"/>'
                       '<bpmn:userTask id="two" camunda:candidateGroups="accounting, management"/>',
                       assignments={"accounting": "committee_office@parent", "management": "standing_board@parent"})
    assert sorted((p.element, p.code, p.params.get("binding")) for p in result.problems) == [
        ("bean", "assignment.unbound_call", "expression:svc.findEditor"),
        ("fixed", "assignment.unbound_user", None), ("list", "assignment.untranslatable", None),
        ("prop", "assignment.untranslatable", None), ("sum", "assignment.untranslatable", None),
        ("two", "assignment.several_groups", None)]


def find_editor(announcement, office="HN"):
    """Stands for a bean method that answers a user id."""
    return f"editor-{announcement}-{office}"


def test_an_assignee_bean_call_bound_to_a_function_is_called_when_the_step_starts():
    # Camunda calls jobs.findEditor(announcement.id) when it creates the task and assigns the user it returns
    body = '<bpmn:userTask id="Edit-1" camunda:assignee="#{jobs.findEditor(announcement.id)}"/>'
    result = dialects.normalise(
        {"p.bpmn": CAMUNDA.format(body=body)}, assignments={}, services={"expression:jobs.findEditor": "find_editor"},
        functions={**FUNCTIONS, "find_editor": find_editor})
    task = element(result, "Edit-1")
    assert result.problems == [] and properties(task)["assignee"] == "data:assignee_Edit_1"
    script = task.find(".//{*}preScript").text
    assert script == "assignee_Edit_1 = find_editor(announcement=announcement['id'])"
    from engine import scripting
    assert scripting.execute(script, {"announcement": {"id": 7}}, functions={"find_editor": find_editor})[
        "assignee_Edit_1"] == "editor-7-HN"
    assert [(n.code, n.params["function"]) for n in result.notes if n.code == "assignment.call_bound"] == [
        ("assignment.call_bound", "find_editor")]
    start = json.loads(result.files["_generated/forms/p.bpmn/p_start.json"])   # the argument, asked at the start
    assert list(start["properties"]) == ["announcement"]


def test_a_bean_call_given_camunda_s_execution_object_is_refused_quoted():
    result = normalise('<bpmn:serviceTask id="s" camunda:expression="#{svc.decide(execution)}"/>',
                       services={"expression:svc.decide": "decide"})
    assert [(p.element, p.code, p.params["expression"]) for p in result.problems] == [
        ("s", "expression.untranslatable", "execution")]


def test_a_lane_named_like_a_bound_group_gets_its_role_and_lends_it_to_a_sub_process_inside():
    body = ('<bpmn:laneSet id="ls"><bpmn:lane id="l" name="Accountant"><bpmn:flowNodeRef>sub</bpmn:flowNodeRef>'
            '</bpmn:lane></bpmn:laneSet><bpmn:subProcess id="sub"><bpmn:startEvent id="s"/><bpmn:userTask id="inner"/>'
            '</bpmn:subProcess>')
    result = normalise(body, assignments={"Accountant": "committee_office@parent"})
    lane = element(result, "l")
    assert properties(lane)["role"] == "committee_office@parent"
    assert "inner" in [r.text for r in lane.iter("{*}flowNodeRef")]


def test_the_declared_fallback_takes_steps_that_name_nobody():
    result = normalise('<bpmn:userTask id="t"/>', assignments={"*": "cell_secretary@case"})
    assert properties(element(result, "t"))["role"] == "cell_secretary@case"
    assert codes(result.notes) == [("t", "assignment.default_applied")]
    assert "role" not in properties(element(normalise('<bpmn:userTask id="t"/>'), "t"))   # without it: no role


# forms ----------------------------------------------------------------------------------------------

def test_camunda_form_data_becomes_a_generated_json_schema():
    result = normalise('<bpmn:userTask id="approve"><bpmn:extensionElements><camunda:formData>'
                       '<camunda:formField id="approved" label="Duyệt?" type="boolean"/>'
                       '<camunda:formField id="amount" label="Số tiền" type="long">'
                       '<camunda:validation><camunda:constraint name="required"/>'
                       '<camunda:constraint name="min" config="1"/></camunda:validation></camunda:formField>'
                       '<camunda:formField id="kind" type="enum"><camunda:value id="a" name="A"/>'
                       '<camunda:value id="b" name="B"/></camunda:formField>'
                       '<camunda:formField id="day" type="date"/>'
                       '</camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    name = properties(element(result, "approve"))["formJsonSchemaFilename"]
    assert name.startswith(dialects.GENERATED) and name in result.generated
    assert json.loads(result.files[name]) == {"type": "object", "required": ["amount"], "properties": {
        "approved": {"type": "boolean", "title": "Duyệt?"},
        "amount": {"type": "integer", "title": "Số tiền", "minimum": 1},
        "kind": {"type": "string", "enum": ["a", "b"], "title": "kind"},
        "day": {"type": "string", "format": "date", "title": "day"}}}


def test_flowable_form_properties_become_a_generated_json_schema():
    text = CAMUNDA.replace('xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
                           'xmlns:flowable="http://flowable.org/bpmn"').format(
        body='<bpmn:startEvent id="s"><bpmn:extensionElements>'
             '<flowable:formProperty id="name" name="Họ tên" type="string" required="true"/>'
             '<flowable:formProperty id="days" type="long"/>'
             '<flowable:formProperty id="shown" type="string" writable="false"/>'
             '</bpmn:extensionElements></bpmn:startEvent>')
    result = dialects.normalise({"p.bpmn": text}, assignments={}, services={}, functions={})
    schema = json.loads(result.files[properties(element(result, "s"))["formJsonSchemaFilename"]])
    assert schema == {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "title": "Họ tên"}, "days": {"type": "integer", "title": "days"}}}


def test_a_form_key_is_read_from_the_json_schema_beside_the_file_or_refused_naming_it():
    result = normalise('<bpmn:userTask id="html" camunda:formKey="embedded:app:forms/approve.html"/>'
                       '<bpmn:userTask id="flowable" camunda:formKey="loanin"/>'
                       '<bpmn:userTask id="missing" camunda:formKey="app:review.jsf"/>',
                       files={"forms/approve.json": '{"type": "object"}', "forms/loanin.json": '{"type": "object"}'})
    assert properties(element(result, "html"))["formJsonSchemaFilename"] == "forms/approve.json"
    assert properties(element(result, "flowable"))["formJsonSchemaFilename"] == "forms/loanin.json"
    assert [(p.element, p.code, p.params["key"], p.params["file"]) for p in result.problems] == \
        [("missing", "form.unreadable_key", "app:review.jsf", "review.json")]
    assert "/" not in dialects.form_key_files("embedded:app:../../etc/passwd")[0]   # never outside the folder


def test_variables_read_but_never_set_are_asked_when_the_case_is_opened():
    result = normalise('<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/>'
                       '<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="a">'
                       '<bpmn:conditionExpression>${twitter &amp;&amp; amount &gt; 10}</bpmn:conditionExpression>'
                       '</bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="b">'
                       '<bpmn:conditionExpression>${channel == \'web\'}</bpmn:conditionExpression></bpmn:sequenceFlow>')
    schema = json.loads(result.files[properties(element(result, "s"))["formJsonSchemaFilename"]])
    assert {k: v["type"] for k, v in schema["properties"].items()} == \
        {"amount": "number", "channel": "string", "twitter": "boolean"}


@pytest.mark.parametrize("caller_file", ["a.bpmn", "z.bpmn"])     # rewritten before or after the called file
def test_variables_handed_to_a_called_process_are_asked_when_the_caller_is_opened(caller_file):
    called = CAMUNDA.replace('id="p"', 'id="publication"').format(
        body='<bpmn:startEvent id="cs"/><bpmn:exclusiveGateway id="g"/>'
             '<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="a">'
             '<bpmn:conditionExpression>#{twitter}</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="b">'
             '<bpmn:conditionExpression>#{!twitter}</bpmn:conditionExpression></bpmn:sequenceFlow>'
             '<bpmn:scriptTask id="set"><bpmn:script>count = 1</bpmn:script></bpmn:scriptTask>'
             '<bpmn:sequenceFlow id="f3" sourceRef="set" targetRef="g">'
             '<bpmn:conditionExpression>${count &gt; 0}</bpmn:conditionExpression></bpmn:sequenceFlow>')
    caller = CAMUNDA.format(
        body='<bpmn:startEvent id="s"/><bpmn:callActivity id="call" calledElement="publication">'
             '<bpmn:extensionElements><camunda:in source="tw" target="twitter"/>'
             '<camunda:in source="count" target="count"/><camunda:in source="unused" target="unused"/>'
             '</bpmn:extensionElements></bpmn:callActivity>')
    result = dialects.normalise({caller_file: caller, "m.bpmn": called}, assignments={}, services={},
                                functions=FUNCTIONS)
    start = result.documents[caller_file].xpath("//*[@id='s']")[0]
    schema = json.loads(result.files[properties(start)["formJsonSchemaFilename"]])
    # what the called process reads without setting it, under the caller's name, with its kind
    assert {k: v["type"] for k, v in schema["properties"].items()} == {"tw": "boolean"}


# multi-instance -------------------------------------------------------------------------------------

ZEEBE = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '


def loop_of(result, element_id):
    """The children of a task's multi-instance marker: (tag, text or name) in document order."""
    marker = element(result, element_id).find("{*}multiInstanceLoopCharacteristics")
    return [(etree.QName(c).localname, c.text or c.get("name")) for c in marker if isinstance(c.tag, str)]


def test_a_camunda_collection_and_element_variable_become_bpmn_s_loop_input():
    result = normalise('<bpmn:userTask id="t"><bpmn:multiInstanceLoopCharacteristics '
                       'camunda:collection="${reviewers}" camunda:elementVariable="reviewer">'
                       '<bpmn:completionCondition>${nrOfCompletedInstances &gt; 1}</bpmn:completionCondition>'
                       '</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>')
    assert loop_of(result, "t") == [("loopDataInputRef", "reviewers"), ("inputDataItem", "reviewer"),
                                    ("completionCondition", "(nrOfCompletedInstances > 1)")]


def test_zeebe_loop_characteristics_become_bpmn_s_loop_input_and_output():
    # Zeebe (Camunda 8) names the collection in an extension: the MIWG C.9.2 document requests
    result = dialects.normalise({"p.bpmn": CAMUNDA.replace("<bpmn:definitions ", "<bpmn:definitions " + ZEEBE).format(
        body='<bpmn:callActivity id="c" calledElement="q"><bpmn:multiInstanceLoopCharacteristics>'
             '<bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=documents" '
             'inputElement="document" outputCollection="receipts" outputElement="= receipt"/>'
             '</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:callActivity>'
             '<bpmn:serviceTask id="bad"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements>'
             '<zeebe:loopCharacteristics inputCollection="=applicant.documents"/></bpmn:extensionElements>'
             '</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>')},
        assignments={}, services={}, functions=FUNCTIONS)
    assert loop_of(result, "c") == [("extensionElements", None), ("loopDataInputRef", "documents"),
                                    ("loopDataOutputRef", "receipts"), ("inputDataItem", "document"),
                                    ("outputDataItem", "receipt")]
    assert [(p.element, p.code, p.params.get("expression")) for p in result.problems
            if p.code == "expression.untranslatable"] == [("bad", "expression.untranslatable", "=applicant.documents")]


# services -------------------------------------------------------------------------------------------

def test_a_bound_java_class_calls_the_registered_function_with_its_named_inputs():
    result = normalise('<bpmn:serviceTask id="s" camunda:class="org.example.Decide"><bpmn:extensionElements>'
                       '<camunda:inputOutput><camunda:inputParameter name="region">${office}</camunda:inputParameter>'
                       '</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>',
                       services={"class:org.example.Decide": "decide"})
    operator = element(result, "s").find(".//{*}serviceTaskOperator")
    assert operator.get("id") == "function:decide" and operator.get("resultVariable") == "s_result"
    parameters = {p.get("id"): p.get("value") for p in operator.iter("{*}parameter")}
    assert parameters == {"amount": "amount", "region": "office"}
    assert properties(element(result, "s"))["mergeResult"] == "true"


def test_a_bean_method_call_passes_its_arguments_and_external_topics_bind_like_classes():
    result = normalise('<bpmn:serviceTask id="post" camunda:expression="#{svc.decide(total * 2)}" '
                       'camunda:resultVariable="verdict"/>'
                       '<bpmn:serviceTask id="ext" camunda:type="external" camunda:topic="archive"/>',
                       services={"expression:svc.decide": "decide", "topic:archive": "register"})
    post = element(result, "post").find(".//{*}serviceTaskOperator")
    assert (post.get("id"), post.get("resultVariable")) == ("function:decide", "verdict")
    assert {p.get("id"): p.get("value") for p in post.iter("{*}parameter")} == {"amount": "(total * 2)"}
    assert element(result, "ext").find(".//{*}serviceTaskOperator").get("id") == "function:register"


def test_an_unbound_service_is_refused_naming_the_element_and_its_binding():
    result = normalise('<bpmn:serviceTask id="archive" camunda:class="org.example.Archive"/>'
                       '<bpmn:serviceTask id="nothing"/>')
    assert [(p.element, p.code, p.params.get("binding")) for p in result.problems] == [
        ("archive", "service.unbound", "class:org.example.Archive"),
        ("nothing", "service.missing_implementation", None)]


def test_a_service_expression_without_a_bean_is_only_evaluated():
    result = normalise('<bpmn:serviceTask id="s" camunda:expression="${true}"/>')
    node = element(result, "s")
    assert etree.QName(node).localname == "scriptTask" and node.find("{*}script").text == "pass"


def test_engine_scripts_and_listeners_are_refused_not_dropped():
    result = normalise('<bpmn:userTask id="t"><bpmn:extensionElements><camunda:taskListener event="create">'
                       '<camunda:script scriptFormat="groovy">task.setVariable("x", 1)</camunda:script>'
                       '</camunda:taskListener></bpmn:extensionElements></bpmn:userTask>')
    assert codes(result.problems) == [("t", "script.foreign")]


@pytest.mark.parametrize("listener,language", [
    ('<camunda:taskListener event="create"><camunda:script scriptFormat="javascript">task.setAssignee(a);'
     '</camunda:script></camunda:taskListener>', "javascript"),        # Camunda's invoice example
    ('<camunda:taskListener event="create" class="org.example.Notify"/>', "class org.example.Notify"),
    ('<camunda:executionListener event="end" expression="${mailer.send(execution)}"/>',
     "expression ${mailer.send(execution)}"),
    ('<camunda:taskListener event="complete" delegateExpression="${auditListener}"/>',
     "delegateExpression ${auditListener}"),
])
def test_a_listener_is_refused_naming_its_language_or_what_it_calls(listener, language):
    result = normalise(f'<bpmn:userTask id="t"><bpmn:extensionElements>{listener}</bpmn:extensionElements>'
                       '</bpmn:userTask>')
    [problem] = result.problems
    assert (problem.element, problem.code, problem.params["language"]) == ("t", "script.foreign", language)


@pytest.mark.parametrize("language", ["Javascript", "javascript", "JavaScript", "js", "groovy", "Groovy", "juel"])
def test_a_script_task_in_another_language_is_refused_naming_the_language(language):
    result = normalise(f'<bpmn:scriptTask id="s" scriptFormat="{language}"><bpmn:script>'
                       'throw new Error("Hi Thorben")</bpmn:script></bpmn:scriptTask>')
    [problem] = result.problems
    assert (problem.element, problem.code, problem.params) == \
        ("s", "script.foreign", {"construct": "scriptTask", "language": language})
    assert element(result, "s")[0] in result.refused       # its script is not also "invalid syntax"


@pytest.mark.parametrize("attribute", ['scriptFormat="python"', 'scriptFormat="Python"', 'scriptFormat=""', ""])
def test_a_python_or_unnamed_script_task_is_quytrinh_s_own(attribute):
    result = normalise(f'<bpmn:scriptTask id="s" {attribute}><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>')
    assert result.problems == [] and not result.refused


# guarantees -----------------------------------------------------------------------------------------

def test_the_rewrite_is_deterministic_keeps_the_uploaded_lines_and_stays_out_of_the_identity():
    body = ('<bpmn:userTask id="t" camunda:candidateGroups="cell_secretary"><bpmn:extensionElements>'
            '<camunda:formData><camunda:formField id="ok" type="boolean"/></camunda:formData>'
            '</bpmn:extensionElements></bpmn:userTask>\n<bpmn:manualTask id="a"/>\n<bpmn:manualTask id="b"/>\n'
            '<bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="a"/>\n'
            '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="b"/>')
    first, second = normalise(body), normalise(body)
    assert first.files == second.files and first.notes == second.notes
    original = etree.fromstring(CAMUNDA.format(body=body).encode())
    lines = {e.get("id"): e.sourceline for e in original.iter() if isinstance(e.tag, str) and e.get("id")}
    assert {i: element(first, i).sourceline for i in lines} == lines
    rewritten = etree.fromstring(first.files["p.bpmn"].encode())   # and the text is well-formed BPMN again
    assert rewritten.xpath("//*[@id='t_split']")
    original_bundle = Bundle(main="p.bpmn", files={"p.bpmn": CAMUNDA.format(body=body)})
    stored = Bundle(main="p.bpmn", files={**original_bundle.files, **first.generated})
    assert first.generated and stored.sha256 == original_bundle.sha256


def test_a_foreign_user_task_without_a_form_is_confirmed_and_an_undefined_task_passes_through():
    result = normalise('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
                       '<bpmn:userTask id="a"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
                       '</bpmn:userTask><bpmn:task id="t"><bpmn:incoming>f2</bpmn:incoming>'
                       '<bpmn:outgoing>f3</bpmn:outgoing></bpmn:task><bpmn:endEvent id="e"><bpmn:incoming>f3'
                       '</bpmn:incoming></bpmn:endEvent>'
                       '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/>'
                       '<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="t"/>'
                       '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="e"/>',
                       assignments={"*": "cell_secretary@case"})
    notes = {(n.element, n.code) for n in result.notes}
    assert {("a", "form.confirmation"), ("t", "task.pass_through")} <= notes
    assert element(result, "t").tag.endswith("intermediateThrowEvent")


# an element written twice ------------------------------------------------------------------------

REPEATED = ('<bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            '<bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>\n'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/>\n'
            '<bpmn:dataObject id="is_approval" />\n'
            '<bpmn:dataObjectReference id="r1" dataObjectRef="is_approval" />\n'
            '{second}\n'
            '<bpmn:dataObjectReference id="r2" dataObjectRef="is_approval" />')


def test_an_element_written_twice_word_for_word_is_kept_once_and_noted_with_both_lines():
    result = normalise(REPEATED.format(second='<bpmn:dataObject id="is_approval" />'))
    document = result.documents["p.bpmn"]
    assert len(document.xpath("//*[@id='is_approval']")) == 1
    [note] = [n for n in result.notes if n.code == "element.duplicate_removed"]
    assert (note.element, note.line, note.params["line"]) == ("is_approval", 9, 7)
    rewritten = etree.fromstring(result.files["p.bpmn"].encode())
    assert len(rewritten.xpath("//*[@id='is_approval']")) == 1
    assert rewritten.xpath("//*[@id='r2']")[0].sourceline == 10     # later elements keep their lines


def test_two_different_elements_with_one_id_are_left_for_the_xsd_check_to_refuse():
    result = normalise(REPEATED.format(second='<bpmn:dataObject id="is_approval" name="Khác" />'))
    assert len(result.documents["p.bpmn"].xpath("//*[@id='is_approval']")) == 2
    assert not [n for n in result.notes if n.code == "element.duplicate_removed"]


# variable mappings (Zeebe ioMapping, Camunda inputOutput, camunda:in/out) ------------------------------

def zeebe(body, files=None, services=None):
    text = CAMUNDA.replace("<bpmn:definitions ", "<bpmn:definitions " + ZEEBE).format(body=body)
    return dialects.normalise({"p.bpmn": text, **(files or {})}, assignments={"clerks": "cell_secretary@case"},
                              services=services or {}, functions=FUNCTIONS)


def scripts(result, element_id):
    """The pre- and post-script the rewrite gave an element."""
    node = element(result, element_id)
    return tuple((node.findtext(f".//{{*}}{kind}") or "") for kind in ("preScript", "postScript"))


def refusals(result):
    return [(p.element, p.code, p.params.get("why") or p.params.get("expression") or p.params.get("feature"))
            for p in result.problems]


def test_zeebe_input_mappings_set_the_task_s_local_variables_and_remove_them_when_it_ends():
    result = zeebe('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:ioMapping>'
                   '<zeebe:input source="= applicant.age" target="age"/>'
                   '<zeebe:input source="demo@camunda.com" target="sender"/>'
                   '</zeebe:ioMapping><zeebe:assignmentDefinition candidateGroups="clerks"/>'
                   '</bpmn:extensionElements></bpmn:userTask>'
                   '<bpmn:userTask id="u"><bpmn:extensionElements><zeebe:ioMapping>'
                   '<zeebe:input source="= applicant.name" target="sender"/></zeebe:ioMapping>'
                   '</bpmn:extensionElements></bpmn:userTask>')
    assert refusals(result) == []
    # Zeebe: a source without "=" is a static value; the variables are the task's own (local)
    assert scripts(result, "t") == ("age = applicant['age']\nsender = 'demo@camunda.com'", "del age\ndel sender")
    assert scripts(result, "u") == ("sender = applicant['name']", "del sender")   # another task's local: no clash
    assert ("t", "mapping.translated") in codes(result.notes)


def test_zeebe_output_mappings_copy_to_the_process_and_keep_the_submitted_fields_local():
    form = json.dumps({"components": [{"key": "approved", "type": "checkbox", "label": "OK"},
                                      {"key": "comment", "type": "textarea"}]})
    result = zeebe('<bpmn:extensionElements><zeebe:userTaskForm id="f1">' + form + '</zeebe:userTaskForm>'
                   '</bpmn:extensionElements><bpmn:userTask id="t"><bpmn:extensionElements><zeebe:ioMapping>'
                   '<zeebe:output source="= approved" target="decision"/></zeebe:ioMapping>'
                   '<zeebe:formDefinition formKey="camunda-forms:bpmn:f1"/></bpmn:extensionElements></bpmn:userTask>'
                   '<bpmn:exclusiveGateway id="g"/><bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="t">'
                   '<bpmn:conditionExpression>= decision</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert refusals(result) == []
    assert scripts(result, "t") == ("", "decision = approved\ndel approved\ndel comment")


def test_a_submitted_field_the_process_reads_elsewhere_cannot_stay_local_and_is_refused():
    result = zeebe('<bpmn:userTask id="t"><bpmn:extensionElements><camunda:formData>'
                   '<camunda:formField id="approved" type="boolean"/></camunda:formData><zeebe:ioMapping>'
                   '<zeebe:output source="= approved" target="decision"/></zeebe:ioMapping>'
                   '</bpmn:extensionElements></bpmn:userTask><bpmn:exclusiveGateway id="g"/>'
                   '<bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="t">'
                   '<bpmn:conditionExpression>= approved</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert refusals(result) == [("t", "mapping.untranslatable", "shadows")]
    assert result.problems[0].params["mapping"] == 'form field "approved"'


@pytest.mark.parametrize("body,expected", [
    # an input whose name another step reads would hide the case's own value, then remove it
    ('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="= 1" target="total"/>'
     '</zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask><bpmn:exclusiveGateway id="g"/>'
     '<bpmn:sequenceFlow id="f" sourceRef="g" targetRef="t"><bpmn:conditionExpression>= total &gt; 1'
     '</bpmn:conditionExpression></bpmn:sequenceFlow>', [("t", "mapping.untranslatable", "shadows")]),
    ('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:ioMapping>'
     '<zeebe:input source="= string join(risks, &quot;, &quot;)" target="risksText"/>'
     '<zeebe:input source="= a" target="to.name"/></zeebe:ioMapping></bpmn:extensionElements></bpmn:userTask>',
     [("t", "mapping.untranslatable", "target"), ("t", "expression.untranslatable", '= string join(risks, ", ")')]),
    ('<bpmn:intermediateCatchEvent id="e"><bpmn:extensionElements><zeebe:ioMapping>'
     '<zeebe:output source="= x" target="y"/></zeebe:ioMapping></bpmn:extensionElements>'
     '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>'
     '</bpmn:intermediateCatchEvent>', [("e", "mapping.untranslatable", "event")]),
    ('<bpmn:serviceTask id="s"><bpmn:extensionElements><zeebe:taskDefinition type="register"/><zeebe:ioMapping>'
     '<zeebe:output source="= status" target="paymentStatus"/></zeebe:ioMapping></bpmn:extensionElements>'
     '</bpmn:serviceTask>', [("s", "mapping.untranslatable", "results_local")]),
    ('<bpmn:userTask id="t"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="l">'
     '<camunda:list><camunda:value>a</camunda:value></camunda:list></camunda:inputParameter>'
     '</camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>',
     [("t", "mapping.untranslatable", "structure")]),
])
def test_mappings_that_would_run_differently_are_refused_naming_the_mapping(body, expected):
    result = zeebe(body, services={"type:register": "register"})
    assert sorted(refusals(result)) == sorted(expected)
    assert all(p.params.get("mapping") or p.params.get("expression") for p in result.problems)


def test_camunda_input_output_parameters_of_a_user_task_and_a_service_task_are_honoured():
    result = normalise('<bpmn:userTask id="t" camunda:candidateGroups="g"><bpmn:extensionElements>'
                       '<camunda:inputOutput>'
                       '<camunda:inputParameter name="limit">${amount * 2}</camunda:inputParameter>'
                       '<camunda:inputParameter name="office">HN</camunda:inputParameter>'
                       '<camunda:outputParameter name="verdict">${approved ? "yes" : "no"}</camunda:outputParameter>'
                       '</camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>'
                       '<bpmn:serviceTask id="s" camunda:class="org.example.Decide"><bpmn:extensionElements>'
                       '<camunda:inputOutput><camunda:inputParameter name="region">${zone}</camunda:inputParameter>'
                       '<camunda:outputParameter name="ok">${s_result.approved}</camunda:outputParameter>'
                       '</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>',
                       assignments={"g": "cell_secretary@case"}, services={"class:org.example.Decide": "decide"})
    assert refusals(result) == []
    assert scripts(result, "t") == ("limit = (amount * 2)\noffice = 'HN'",
                                    "verdict = ('yes' if approved else 'no')\ndel limit\ndel office")
    # a service task's inputs are its function's parameters; its outputs are copied when it is done
    assert scripts(result, "s") == ("", "ok = s_result['approved']")


def called(body='<bpmn:startEvent id="cs"/><bpmn:scriptTask id="set"><bpmn:script>result = 1</bpmn:script>'
                '</bpmn:scriptTask>'):
    return {"m.bpmn": CAMUNDA.replace('id="p"', 'id="sub"').format(body=body)}


def test_a_call_s_renaming_mappings_become_its_scripts_and_same_name_ones_are_kept_and_noted():
    result = normalise('<bpmn:callActivity id="c" calledElement="sub"><bpmn:extensionElements>'
                       '<camunda:in source="tw" target="twitter"/><camunda:in source="id" target="id"/>'
                       '<camunda:in sourceExpression="${amount + 1}" target="next"/>'
                       '<camunda:out source="result" target="answer"/>'
                       '<camunda:out variables="all"/></bpmn:extensionElements></bpmn:callActivity>',
                       files=called())
    assert refusals(result) == []
    assert scripts(result, "c") == ("twitter = tw\nnext = (amount + 1)",
                                    "answer = result\ndel twitter\ndel next\ndel result")
    [kept] = [n for n in result.notes if n.code == "mapping.kept"]
    assert kept.params["mappings"] == 'in source="id" target="id"; out variables="all"'


@pytest.mark.parametrize("mapping,why", [
    ('<camunda:in variables="all" local="true"/>', "local"),
    ('<camunda:in source="a" target="tw"/>', "shadows"),                 # the caller's own tw would be replaced
    ('<camunda:out source="result" target="answer"/>', "shadows"),       # sub sets result over the caller's
    ('<camunda:in source="a" target="b.c"/>', "target"),
])
def test_a_call_s_mappings_that_spiffworkflow_would_run_differently_are_refused(mapping, why):
    result = normalise('<bpmn:userTask id="t" camunda:candidateGroups="g"><bpmn:extensionElements><camunda:formData>'
                       '<camunda:formField id="tw" type="boolean"/><camunda:formField id="result"/>'
                       '</camunda:formData></bpmn:extensionElements></bpmn:userTask>'
                       '<bpmn:callActivity id="c" calledElement="sub"><bpmn:extensionElements>' + mapping
                       + '</bpmn:extensionElements></bpmn:callActivity>', files=called(),
                       assignments={"g": "cell_secretary@case"})
    assert refusals(result) == [("c", "mapping.untranslatable", why)]


# Camunda Forms embedded in a Zeebe file ----------------------------------------------------------------

FORM = {"components": [
    {"type": "text", "text": "<h2>Instructions</h2><p>Tick &amp; sign</p>", "id": "x"},
    {"key": "name", "label": "Name", "type": "textfield",
     "validate": {"required": True, "minLength": 2, "maxLength": 40, "pattern": "[A-Z].*"}},
    {"key": "note", "label": "Note", "type": "textarea"},
    {"key": "age", "label": "Age", "type": "number", "decimalDigits": 0, "validate": {"min": 18, "max": 99}},
    {"key": "score", "type": "number"},
    {"key": "ok", "label": "Approved", "type": "checkbox", "defaultValue": False},
    {"key": "channels", "type": "checklist", "values": [{"label": "Mail", "value": "mail"},
                                                        {"label": "Phone", "value": "phone"}]},
    {"key": "tags", "type": "taglist", "values": [{"label": "A", "value": "a"}]},
    {"key": "size", "type": "radio", "values": [{"label": "Small", "value": "s"}, {"label": "Large", "value": "l"}]},
    {"key": "city", "type": "select", "values": [{"label": "Hà Nội", "value": "HN"}]},
    {"key": "when", "label": "Date", "type": "datetime", "subtype": "date", "dateLabel": "Date"},
    {"key": "mail", "type": "textfield", "validate": {"validationType": "email"}},
    {"type": "button", "action": "submit", "label": "Submit", "key": "submit"},
]}


def embedded(form, key="camunda-forms:bpmn:f1"):
    text = json.dumps(form).replace("&", "&amp;").replace("<", "&lt;")
    return zeebe(f'<bpmn:extensionElements><zeebe:userTaskForm id="f1">{text}</zeebe:userTaskForm>'
                 '</bpmn:extensionElements><bpmn:userTask id="t"><bpmn:extensionElements>'
                 '<zeebe:assignmentDefinition candidateGroups="clerks"/>'
                 f'<zeebe:formDefinition formKey="{key}"/></bpmn:extensionElements></bpmn:userTask>')


def test_a_camunda_form_embedded_in_a_zeebe_file_becomes_a_json_schema():
    result = embedded(FORM)
    assert refusals(result) == []
    node = element(result, "t")
    schema = json.loads(result.files[properties(node)["formJsonSchemaFilename"]])
    assert schema["required"] == ["name"]
    assert schema["properties"] == {
        "name": {"type": "string", "title": "Name", "minLength": 2, "maxLength": 40, "pattern": "[A-Z].*"},
        "note": {"type": "string", "title": "Note", "x-widget": "textarea"},
        "age": {"type": "integer", "title": "Age", "minimum": 18, "maximum": 99},
        "score": {"type": "number"},
        "ok": {"type": "boolean", "title": "Approved", "default": False},
        "channels": {"type": "array", "uniqueItems": True,
                     "items": {"type": "string", "enum": ["mail", "phone"], "x-enum-titles": ["Mail", "Phone"]}},
        "tags": {"type": "array", "uniqueItems": True,
                 "items": {"type": "string", "enum": ["a"], "x-enum-titles": ["A"]}},
        "size": {"type": "string", "enum": ["s", "l"], "x-enum-titles": ["Small", "Large"]},
        "city": {"type": "string", "enum": ["HN"], "x-enum-titles": ["Hà Nội"]},
        "when": {"type": "string", "format": "date", "title": "Date"},
        "mail": {"type": "string", "format": "email"},
    }
    assert node.findtext(".//{*}instructionsForEndUser") == "Instructions Tick & sign"
    assert ("t", "form.generated") in codes(result.notes)
    # the generated schema is one the linter accepts (a JSON Schema)
    Bundle(main="p.bpmn", files=result.files)


def test_what_a_camunda_form_computes_when_shown_is_refused_naming_the_component():
    result = embedded({"components": [
        {"key": "a", "type": "textfield", "conditional": {"hide": "=ok"}},
        {"key": "b", "type": "select", "valuesKey": "choices"},
        {"key": "c", "type": "filepicker"},
        {"key": "d", "type": "textfield", "label": "=title"},
        {"key": "e", "type": "datetime", "subtype": "datetime"},
        {"key": "f", "type": "textfield"}]})
    assert [(p.params["component"], p.params["feature"]) for p in result.problems] == [
        ("a", "conditional"), ("b", "valuesKey"), ("c", "filepicker"), ("d", "expression"), ("e", "datetime")]
    assert {p.code for p in result.problems} == {"form.untranslatable"}
    assert "formJsonSchemaFilename" not in properties(element(result, "t"))


def test_a_missing_embedded_form_is_said_to_be_missing_not_outside_the_file():
    assert refusals(embedded(FORM, key="camunda-forms:bpmn:other")) == [("t", "form.embedded_unreadable", "missing")]
