"""What quytrinh reads from a BPMN file beyond what SpiffWorkflow executes.

A designer declares everything in the file itself, with extension properties that any BPMN 2.0
modeler can edit (``spiffworkflow:property`` or ``camunda:property``, name/value pairs):

* on a **lane**: ``role`` (a role code such as ``cell_secretary``) and ``scope`` (which unit, relative
  to the case, the role must be held in: ``case``, ``parent``, ``level:commune``, ``unit:CODE``, or
  ``data:FIELD`` for the unit whose code is in the task data field ``FIELD``: the receiving organisation of a
  transfer, known only once the member has named it), or ``assignee`` = ``data:FIELD`` for a step given to
  the person named in the case data;
* on a **user or manual task**: the same properties override the lane's; plus ``formJsonSchemaFilename``,
  ``signatureRequired``, ``decisions`` (e.g. ``approve,return,reject``), ``documents``, ``deadline``,
  ``outputVariable`` (store the form's data under this one key, e.g. each introducer's letter),
  ``pausesCaseDeadline`` (the case's clock stops while this step is open: a dossier returned for supplements),
  ``effect`` (an action the engine performs when the step completes, e.g. ``certificate.issue``);
  files from other tools may use ``camunda:candidateGroups="cell_secretary@parent"`` and
  ``camunda:assignee="${applicant}"``;
* on the **process**: ``casePrefix`` (``KN`` gives ``KN-2026-000123``), ``caseTitle`` and ``caseDeadline``
  (e.g. ``60WD``: the statutory time limit of the whole case), and ``dataSchemaFilename``: a JSON Schema
  whose properties give the Vietnamese titles of the variables the process's scripts compute (shown on
  the case page, the auditor's step-through and the dossier instead of the variable's name);
* on the **start event**: ``formJsonSchemaFilename`` for the data a case is opened with.

docs/lanes.md explains the convention with an example. Nothing here imports SpiffWorkflow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "flowable": "http://flowable.org/bpmn",
    "activiti": "http://activiti.org/bpmn",
    "quytrinh": "https://quytrinh.vn/schema/bpmn/1.0",
}
BPMN = "{%s}" % NS["bpmn"]
HUMAN_TASKS = ("userTask", "manualTask")
SCOPES = ("case", "parent")
LEVELS = ("central", "province", "commune", "cell")

_ASSIGN = re.compile(r"^(?P<role>[a-z][a-z0-9_]*)"
                     r"(@(?P<scope>case|parent|level:[a-z]+|unit:[A-Za-z0-9_.\-]+|data:[A-Za-z][A-Za-z0-9_]*))?$")
_DATA_SCOPE = re.compile(r"^data:(?P<field>[A-Za-z][A-Za-z0-9_]*)$")
_DATA = re.compile(r"^data:(?P<field>[A-Za-z][A-Za-z0-9_]*)$")
_JUEL_VARIABLE = re.compile(r"^[$#]\{\s*(?P<field>[A-Za-z][A-Za-z0-9_]*)\s*\}$")


@dataclass(frozen=True)
class Assignment:
    """Who may work on a step: a role held in a unit found from the case, or a user named in data."""

    role: str | None = None
    scope: str = "case"
    data_field: str | None = None

    def as_dict(self) -> dict:
        return {"role": self.role, "scope": self.scope, "data_field": self.data_field}

    @classmethod
    def from_dict(cls, value: dict | None) -> "Assignment | None":
        return None if value is None else cls(**value)

    def describe(self) -> str:
        return f"data:{self.data_field}" if self.data_field else f"{self.role}@{self.scope}"

    @property
    def unit_field(self) -> str | None:
        """The task-data field naming the unit, for ``scope="data:FIELD"`` (else None)."""
        match = _DATA_SCOPE.match(self.scope or "")
        return match.group("field") if match else None


def parse_assignment(role: str | None = None, scope: str | None = None, assignee: str | None = None) -> Assignment:
    """Read the lane/task properties into an :class:`Assignment`; raises ``ValueError`` naming the bad part."""
    if assignee:
        assignee = assignee.strip()
        match = _DATA.match(assignee) or _JUEL_VARIABLE.match(assignee)
        if not match:
            raise ValueError(f"assignee:{assignee}")
        return Assignment(data_field=match.group("field"))
    if not role:
        raise ValueError("role:")
    role = role.strip()
    match = _ASSIGN.match(role)
    if not match:
        raise ValueError(f"role:{role}")
    compact_scope = match.group("scope")
    scope = (scope or compact_scope or "case").strip()
    if scope not in SCOPES and not (scope.startswith("level:") and scope[6:] in LEVELS) \
            and not re.match(r"^unit:[A-Za-z0-9_.\-]+$", scope) and not _DATA_SCOPE.match(scope):
        raise ValueError(f"scope:{scope}")
    return Assignment(role=match.group("role"), scope=scope)


def properties(element: etree._Element) -> dict[str, str]:
    """Extension properties of an element, from the spiff or the camunda namespace."""
    found: dict[str, str] = {}
    for prefix in ("spiffworkflow", "camunda", "quytrinh"):
        for prop in element.findall(f"{BPMN}extensionElements/{{{NS[prefix]}}}properties/{{{NS[prefix]}}}property"):
            name, value = prop.get("name"), prop.get("value")
            if name:
                found[name] = value if value is not None else (prop.text or "")
    return found


def instructions(element: etree._Element) -> str:
    node = element.find(f"{BPMN}extensionElements/{{{NS['spiffworkflow']}}}instructionsForEndUser")
    if node is not None and node.text:
        return node.text.strip()
    doc = element.find(f"{BPMN}documentation")
    return (doc.text or "").strip() if doc is not None else ""


def local(tag: str) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes", "có"}


@dataclass
class ElementInfo:
    element_id: str
    kind: str
    title: str
    line: int
    lane: str | None
    assignment: Assignment | None
    assignment_error: str | None
    form: str | None
    signature_required: bool
    decisions: list[str]
    documents: list[str]
    deadline: str | None
    instructions: str
    output_variable: str | None = None
    pauses_case_deadline: bool = False
    effect: str | None = None           # e.g. ``certificate.issue`` (engine/services/effects.py)

    def as_meta(self) -> dict:
        return {
            "kind": self.kind, "title": self.title, "lane": self.lane,
            "assignment": self.assignment.as_dict() if self.assignment else None,
            "form": self.form, "signature_required": self.signature_required, "decisions": self.decisions,
            "documents": self.documents, "deadline": self.deadline, "instructions": self.instructions,
            "output_variable": self.output_variable, "pauses_case_deadline": self.pauses_case_deadline,
            "effect": self.effect,
        }


def lane_of_nodes(process: etree._Element) -> dict[str, etree._Element]:
    """flow node id -> innermost lane element (as SpiffWorkflow resolves lanes)."""
    result: dict[str, etree._Element] = {}
    lanes = process.iter(f"{BPMN}lane")
    ordered = sorted(lanes, key=lambda lane: len(list(lane.iterancestors(f"{BPMN}lane"))))
    for lane in ordered:  # outer lanes first, inner lanes overwrite
        for ref in lane.findall(f"{BPMN}flowNodeRef"):
            if ref.text:
                result[ref.text.strip()] = lane
    return result


def element_info(node: etree._Element, lane: etree._Element | None) -> ElementInfo:
    """Everything quytrinh needs to know about one task of a process."""
    own = properties(node)
    lane_props = properties(lane) if lane is not None else {}
    assignment, error = None, None
    if local(node.tag) in HUMAN_TASKS:
        source = _assignment_source(node, own)
        if source is None and lane is not None:
            source = _assignment_source(lane, lane_props)
        if source is not None:
            try:
                assignment = parse_assignment(**source)
            except ValueError as exc:
                error = str(exc)
    decisions = [d.strip() for d in own.get("decisions", "").split(",") if d.strip()]
    documents = [d.strip() for d in own.get("documents", "").split(",") if d.strip()]
    return ElementInfo(
        element_id=node.get("id", ""), kind=local(node.tag), title=(node.get("name") or node.get("id", "")).strip(),
        line=node.sourceline or 0, lane=lane.get("name") if lane is not None else None,
        assignment=assignment, assignment_error=error, form=own.get("formJsonSchemaFilename"),
        signature_required=truthy(own.get("signatureRequired")), decisions=decisions, documents=documents,
        deadline=own.get("deadline"), instructions=instructions(node),
        output_variable=own.get("outputVariable") or None,
        pauses_case_deadline=truthy(own.get("pausesCaseDeadline")),
        effect=(own.get("effect") or "").strip() or None,
    )


def _assignment_source(element: etree._Element | None, props: dict[str, str]) -> dict | None:
    if element is None:
        return None
    if props.get("assignee"):
        return {"assignee": props["assignee"]}
    if props.get("role"):
        return {"role": props["role"], "scope": props.get("scope")}
    for prefix in ("camunda", "flowable", "activiti"):
        assignee = element.get(f"{{{NS[prefix]}}}assignee")
        if assignee:
            return {"assignee": assignee}
        groups = element.get(f"{{{NS[prefix]}}}candidateGroups")
        if groups:
            return {"role": groups.split(",")[0].strip()}
    return None
