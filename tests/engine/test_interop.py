"""A file drawn in Camunda Modeler runs through the real services once engine/dialects.py has rewritten it:
candidate groups become roles, formData becomes forms, JUEL conditions safe expressions, a Java class a
registered function; the definition keeps the hash of the uploaded file (docs/interop.md)."""


import pytest

from engine.errors import DefinitionInvalid
from engine.services import cases, definitions, tasks
from engine.spiff import parser
from tests.people import CELL
from workflows import functions, interop

CAMUNDA_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler">
  <bpmn:process id="fee_refund" name="Hoàn đảng phí">
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="amount" label="Số tiền" type="long" />
        <camunda:formField id="region" label="Địa bàn" type="string" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét" camunda:candidateGroups="{group}">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="approved" label="Đồng ý?" type="boolean" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="decide" />
    <bpmn:serviceTask id="refund" name="Ghi hoàn phí" camunda:class="org.example.RefundDelegate" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition id="wait_timer"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="acknowledge" name="Xác nhận" camunda:assignee="${{initiator}}">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="seen" label="Đã biết" type="boolean" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="refunded" />
    <bpmn:endEvent id="declined" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />
    <bpmn:sequenceFlow id="yes" sourceRef="decide" targetRef="refund">
      <bpmn:conditionExpression>${{approved &amp;&amp; amount &gt; 1000
        &amp;&amp; region eq 'HN'}}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="otherwise" sourceRef="decide" targetRef="declined" />
    <bpmn:sequenceFlow id="f3" sourceRef="refund" targetRef="wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="acknowledge" />
    <bpmn:sequenceFlow id="f5" sourceRef="acknowledge" targetRef="refunded" />
  </bpmn:process>
</bpmn:definitions>
"""


def refund(amount: int) -> dict:
    """Registered for the test: what ``org.example.RefundDelegate`` did in Camunda."""
    return {"refunded_amount": amount}


@pytest.fixture
def bound(monkeypatch):
    """The administrator's declarations; taken before ``uow``, whose script engine copies the functions."""
    monkeypatch.setitem(functions.FUNCTIONS, "refund", refund)
    monkeypatch.setattr(interop, "SERVICES", {"class:org.example.RefundDelegate": "refund"})
    monkeypatch.setattr(interop, "ASSIGNMENTS", {"Kế toán": "cell_secretary@case"})
    parser._CACHE.clear()
    yield
    parser._CACHE.clear()


def _deploy(uow, tmp_path, group="Kế toán"):
    path = tmp_path / "fee_refund.bpmn"
    path.write_text(CAMUNDA_FILE.format(group=group), encoding="utf-8")
    return definitions.deploy_file(uow, path)


def test_a_camunda_file_runs_to_its_end_through_the_services(bound, people, uow, clock, tmp_path):
    [deployed] = _deploy(uow, tmp_path)
    number = people.applicant.opens("fee_refund", unit=CELL, data={"amount": 1500, "region": "HN"})
    people.cell_secretary.completes("review", number, {"approved": True})
    assert people.admin.sees(number).status == "running"          # waiting one hour
    clock.advance(hours=1, seconds=1)
    assert cases.run_due_timers(uow) == 1
    people.applicant.completes("acknowledge", number, {"seen": True})   # ${initiator}: whoever opened it
    case = people.admin.sees(number)
    assert case.status == "completed" and case.data["refunded_amount"] == 1500
    assert case.data["refund_result"] == {"refunded_amount": 1500}
    # the definition is the uploaded file: its hash, its text; the generated forms are kept beside it
    view, files, meta = definitions.get_definition(uow, "fee_refund")
    assert view.sha256 == deployed.sha256 == parser.bundle_from_path(tmp_path / "fee_refund.bpmn").sha256
    assert files["fee_refund.bpmn"] == CAMUNDA_FILE.format(group="Kế toán")
    assert meta["elements"]["review"]["assignment"]["role"] == "cell_secretary"
    assert {n["code"] for n in meta["notes"]} >= {"process.executable_assumed", "form.generated",
                                                  "gateway.default_assumed", "service.bound"}


def test_the_unconditioned_last_flow_is_taken_when_the_condition_fails(bound, people, uow, tmp_path):
    _deploy(uow, tmp_path)
    number = people.applicant.opens("fee_refund", unit=CELL, data={"amount": 1500, "region": "HY"})
    people.cell_secretary.completes("review", number, {"approved": True})
    assert people.admin.sees(number).status == "completed"        # declined: region is not HN


def test_a_restarted_engine_re_normalises_the_stored_files_the_same_way(bound, people, uow, clock, tmp_path):
    _deploy(uow, tmp_path)
    number = people.applicant.opens("fee_refund", unit=CELL, data={"amount": 2000, "region": "HN"})
    parser._CACHE.clear()                                          # a new process: parsed again from the DB
    people.cell_secretary.completes("review", number, {"approved": True})
    clock.advance(hours=2)
    cases.run_due_timers(uow)
    people.applicant.completes("acknowledge", number, {"seen": True})
    assert people.admin.sees(number).status == "completed"


def test_the_modeler_validates_files_in_memory_and_sees_what_the_rewrite_did(bound, uow):
    report = definitions.validate_bundle(uow, parser.Bundle(main="r.bpmn",
                                                           files={"r.bpmn": CAMUNDA_FILE.format(group="Kế toán")}))
    assert report.keys == ["fee_refund"]
    notes = {(n.element, n.code) for n in report.notes}
    assert {("fee_refund", "process.executable_assumed"), ("decide", "gateway.default_assumed"),
            ("refund", "service.bound"), ("review", "form.generated")} <= notes
    assert all(n.line > 0 for n in report.notes)
    assert "fee_refund" not in [d.key for d in definitions.list_definitions(uow)]   # nothing written


def test_an_unknown_group_is_refused_naming_the_group(bound, uow, tmp_path):
    with pytest.raises(DefinitionInvalid) as refused:
        _deploy(uow, tmp_path, group="accounting")
    [problem] = refused.value.problems
    assert (problem.element, problem.code, problem.params["group"]) == ("review", "group.unknown", "accounting")
    assert problem.line == 12


def test_an_unbound_service_is_refused_naming_its_class(bound, uow, tmp_path, monkeypatch):
    monkeypatch.setattr(interop, "SERVICES", {})
    with pytest.raises(DefinitionInvalid) as refused:
        _deploy(uow, tmp_path)
    [problem] = refused.value.problems
    assert (problem.element, problem.code, problem.params["binding"]) == \
        ("refund", "service.unbound", "class:org.example.RefundDelegate")


SCRIPTED_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler">
  <bpmn:process id="loan_check" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="adult" default="minor" />
    <bpmn:scriptTask id="greet" scriptFormat="groovy">
      <bpmn:script>println "Xin chào ${customer}"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:userTask id="approve" camunda:candidateGroups="Kế toán">
      <bpmn:extensionElements>
        <camunda:taskListener event="create">
          <camunda:script scriptFormat="javascript">task.setAssignee(approver);</camunda:script>
        </camunda:taskListener>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="adult" />
    <bpmn:sequenceFlow id="grown_up" sourceRef="adult" targetRef="greet">
      <bpmn:conditionExpression>${customer.prop("age").numberValue() &gt;= 21}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="minor" sourceRef="adult" targetRef="approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="greet" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_another_engine_s_code_is_refused_once_each_naming_its_language_never_as_invalid_syntax(bound, uow,
                                                                                                 tmp_path):
    path = tmp_path / "loan_check.bpmn"
    path.write_text(SCRIPTED_FILE, encoding="utf-8")
    with pytest.raises(DefinitionInvalid) as refused:
        definitions.deploy_file(uow, path)
    found = [(p.element, p.line, p.code, p.params.get("language") or p.params.get("expression"))
             for p in refused.value.problems]
    assert found == [("greet", 8, "script.foreign", "groovy"),
                     ("approve", 13, "script.foreign", "javascript"),
                     ("grown_up", 21, "expression.untranslatable", '${customer.prop("age").numberValue() >= 21}')]
    assert "loan_check" not in [d.key for d in definitions.list_definitions(uow)]


BEAN_ASSIGNED_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler">
  <bpmn:process id="announcement" isExecutable="true">
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="cell" label="Chi bộ" type="string" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:userTask id="review" camunda:assignee="#{directory.findSecretary(cell)}" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def find_secretary(cell: str) -> str:
    """Registered for the test: what the ``directory`` bean answered in Camunda, a user id."""
    return {"east": "phamthidung", "west": "ngothikhanh"}[cell]


@pytest.fixture
def bean_bound(monkeypatch):
    """The administrator binds the bean method; taken before ``uow``, whose script engine copies the functions."""
    monkeypatch.setitem(functions.FUNCTIONS, "find_secretary", find_secretary)
    monkeypatch.setattr(interop, "SERVICES", {"expression:directory.findSecretary": "find_secretary"})
    parser._CACHE.clear()
    yield
    parser._CACHE.clear()


def test_a_bound_assignee_bean_call_gives_the_step_to_the_user_it_returns(bean_bound, people, uow, tmp_path):
    path = tmp_path / "announcement.bpmn"
    path.write_text(BEAN_ASSIGNED_FILE, encoding="utf-8")
    definitions.deploy_file(uow, path)
    number = people.applicant.opens("announcement", unit=CELL, data={"cell": "west"})
    assert [t.element for t in people.cell_secretary.inbox() if t.case == number] == []
    people("ngothikhanh").completes("review", number)     # the user the call named, not a role's holder
    assert people.admin.sees(number).status == "completed"


ZEEBE_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                  id="defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler">
  <bpmn:process id="grant" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="start_form">{{"components": [
        {{"key": "amount", "label": "Số tiền", "type": "number", "decimalDigits": 0,
          "validate": {{"required": true}}}}
      ]}}</zeebe:userTaskForm>
      <zeebe:userTaskForm id="review_form">{{"components": [
        {{"type": "text", "text": "&lt;p&gt;Kiểm tra đề xuất&lt;/p&gt;"}},
        {{"key": "proposed", "label": "Đề xuất", "type": "number"}},
        {{"key": "approved", "label": "Đồng ý?", "type": "checkbox"}},
        {{"key": "comment", "label": "Ý kiến", "type": "textarea"}}
      ]}}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="start">
      <bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:start_form" /></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:userTask id="review" name="Xem xét">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="Kế toán" />
        <zeebe:formDefinition formKey="camunda-forms:bpmn:review_form" />
        <zeebe:ioMapping>
          <zeebe:input source="= amount * 2" target="proposed" />
          <zeebe:output source="= approved" target="decision" />
        </zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="decide" default="no" />
    <bpmn:endEvent id="granted" />
    <bpmn:endEvent id="refused" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />
    <bpmn:sequenceFlow id="yes" sourceRef="decide" targetRef="granted">
      <bpmn:conditionExpression>= decision</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="no" sourceRef="decide" targetRef="refused" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_zeebe_file_s_embedded_forms_and_variable_mappings_run_as_zeebe_runs_them(bound, people, uow, tmp_path):
    path = tmp_path / "grant.bpmn"
    path.write_text(ZEEBE_FILE.format(), encoding="utf-8")
    definitions.deploy_file(uow, path)
    number = people.applicant.opens("grant", unit=CELL, data={"amount": 700})
    task = tasks.get_task(uow, task_id=people.cell_secretary.task("review", number).id,
                          actor=people.cell_secretary.actor)
    # the embedded Camunda form is the step's form; its text is the step's instructions
    assert list(task.form["properties"]) == ["proposed", "approved", "comment"]
    assert task.instructions == "Kiểm tra đề xuất"
    people.cell_secretary.completes("review", number, {"proposed": 1400, "approved": True, "comment": "ok"})
    case = people.admin.sees(number)
    assert case.status == "completed"
    # the output mapping copied the decision; the input (proposed) and the submitted fields stayed the step's own
    assert case.data["decision"] is True and case.data["amount"] == 700
    assert not {"proposed", "approved", "comment"} & set(case.data)
