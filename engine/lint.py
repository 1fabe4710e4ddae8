"""quytrinh's own rules for a BPMN bundle, after the XSD and SpiffWorkflow have accepted it.

Each rule refuses what would otherwise run wrongly or not at all, with the element id and line, so a
designer can fix it in the modeler. The Vietnamese text of each code is in webapp/messages.py.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import jsonschema
from lxml import etree

from engine import deadlines, scripting
from engine.conventions import (LEVELS, BPMN, HUMAN_TASKS, NS, element_info, lane_of_nodes, local, parse_assignment,
                                properties)
from engine.errors import Problem, ScriptError
from engine.retention import parse_retention
from workflows.functions import FUNCTIONS
from workflows.registers import DOCUMENT_TYPES, ORDINAL, REGISTERS, numbered_by_type

if TYPE_CHECKING:
    from engine.spiff.parser import Bundle

UNSUPPORTED = {
    "complexGateway": "element.unsupported",
    "compensateEventDefinition": "element.unsupported",   # compensation throw, boundary and start events
    "transaction": "element.unsupported",
    "cancelEventDefinition": "element.unsupported",
    "linkEventDefinition": "element.unsupported",          # SpiffWorkflow reads a link as a none event
    "adHocSubProcess": "element.unsupported",
}
_REFS = {"messageEventDefinition": ("messageRef", "message"), "signalEventDefinition": ("signalRef", "signal"),
         "errorEventDefinition": ("errorRef", "error"), "escalationEventDefinition": ("escalationRef", "escalation")}
_THROWS = ("endEvent", "intermediateThrowEvent")
_SCRIPT_TAGS = {"script": "exec", "conditionExpression": "eval", "timeDuration": "eval", "timeDate": "eval",
                "timeCycle": "eval", "loopCardinality": "eval", "completionCondition": "eval"}
_SPIFF = "{%s}" % NS["spiffworkflow"]


def check_bundle(bundle: "Bundle", documents: dict[str, etree._Element], *, known_roles: set[str] | None = None,
                 refused: set[etree._Element] | frozenset = frozenset(), limit: int | None = None) -> list[Problem]:
    """Every problem quytrinh's rules find in the bundle's BPMN files.

    :param refused: elements the rewrite of another tool's file already refused (``Normalised.refused``):
        their text is another language, not quytrinh's, so it is not checked as quytrinh's.
    :param limit: stop looking once this many problems are found (a file with thousands of wrong steps).
    """
    problems: list[Problem] = []
    limit = limit or float("inf")
    processes = {p.get("id") for root in documents.values() for p in root.iter(f"{BPMN}process")}
    for name, root in documents.items():
        if not name.endswith(".bpmn") and local(root.tag) != "definitions":
            continue
        if name.endswith(".dmn"):
            continue
        defined = {e.get("id") for e in root if isinstance(e.tag, str) and local(e.tag) in ("message", "signal")}
        for store in root.iter(f"{BPMN}dataStore"):
            problems.append(Problem(name, store.sourceline or 0, store.get("id", ""), "datastore.no_implementation",
                                    {"name": store.get("name") or store.get("id", "")}))
        for process in root.iter(f"{BPMN}process"):
            problems.extend(_check_process(name, process, bundle, known_roles, refused, limit - len(problems)))
            problems.extend(_check_references(name, process, processes, defined, limit - len(problems)))
            if len(problems) >= limit:
                return problems
    return problems


def _check_references(file: str, process: etree._Element, processes: set, defined: set,
                      limit: float) -> list[Problem]:
    """What SpiffWorkflow would run wrongly or reject without saying where: events, loops and calls that
    name nothing (descriptive diagrams leave these empty)."""
    problems = []

    def add(node: etree._Element, code: str, **params) -> None:
        problems.append(Problem(file, node.sourceline or 0, _id_of(node), code, params))

    is_top = lambda node: node.getparent() is process  # noqa: E731
    for node in process.iter():
        if len(problems) >= limit:
            break
        if not isinstance(node.tag, str) or not node.tag.startswith(BPMN):
            continue
        tag = local(node.tag)
        if tag in _REFS:
            attribute, kind = _REFS[tag]
            event = local(node.getparent().tag)
            must_name = kind in ("message", "signal") or event in _THROWS
            ref = node.get(attribute)
            if must_name and (not ref or (kind in ("message", "signal") and ref not in defined)):
                add(node, "event.missing_ref", kind=kind, event=event)
        elif tag in ("sendTask", "receiveTask") and not node.get("messageRef"):
            add(node, "event.missing_ref", kind="message", event=tag)
        elif tag == "standardLoopCharacteristics" and node.get("loopMaximum") is None \
                and node.find(f"{BPMN}loopCondition") is None:
            add(node, "loop.unbounded")
        elif tag == "multiInstanceLoopCharacteristics" and node.find(f"{BPMN}loopCardinality") is None \
                and node.find(f"{BPMN}loopDataInputRef") is None:
            add(node, "multi_instance.no_input")
        elif tag == "callActivity":
            called = (node.get("calledElement") or "").strip()
            if not called:
                add(node, "call.missing_target")
            elif called not in processes:
                add(node, "call.unknown_process", process=called)
        elif tag == "businessRuleTask" and node.find(f"{BPMN}extensionElements/{_SPIFF}calledDecisionId") is None:
            add(node, "decision.missing")
        elif tag == "timeCycle" and is_top(node.getparent().getparent()) \
                and local(node.getparent().getparent().tag) == "startEvent":
            add(node, "timer.cycle_start")
    return problems


def _id_of(node: etree._Element) -> str:
    owner = node
    while owner is not None and not owner.get("id"):
        owner = owner.getparent()
    return owner.get("id", "") if owner is not None else ""


def _check_process(file: str, process: etree._Element, bundle: "Bundle", known_roles: set[str] | None,
                   refused: set[etree._Element] | frozenset, limit: float) -> list[Problem]:
    problems: list[Problem] = []

    def add(node: etree._Element, code: str, **params) -> None:
        owner = node
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        problems.append(Problem(file, node.sourceline or 0, owner.get("id", "") if owner is not None else "",
                                code, params))

    problems.extend(_check_access(file, process, known_roles))
    retention = properties(process).get("retention")
    if retention is not None and parse_retention(retention) is None:
        add(process, "retention.invalid", value=retention)    # engine/retention.py
    data_schema = properties(process).get("dataSchemaFilename")
    if data_schema:      # titles of the variables the process's scripts compute (docs/lanes.md)
        problems.extend(_check_form(file, process, data_schema, bundle))
    lanes = lane_of_nodes(process)
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in process.iter(f"{BPMN}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
    for node in process.iter():
        if len(problems) >= limit:
            break
        if not isinstance(node.tag, str):
            continue
        tag = local(node.tag)
        if tag in UNSUPPORTED:
            add(node, UNSUPPORTED[tag], element_type=tag)
        if tag == "task" and node.tag == f"{BPMN}task":
            add(node, "task.untyped")
        if tag == "sequenceFlow" and not node.get("id"):
            problems.append(Problem(file, node.sourceline or 0, "", "flow.missing_id",
                                    {"source": node.get("sourceRef", ""), "target": node.get("targetRef", "")}))
        if tag == "dataStoreReference" and not node.get("dataStoreRef"):
            add(node, "datastore.no_implementation", name=node.get("name") or node.get("id", ""))
        if tag in HUMAN_TASKS and node.tag.startswith(BPMN):   # not zeebe:userTask, an extension element
            problems.extend(_check_human_task(file, node, lanes.get(node.get("id", "")), bundle, known_roles))
        if tag == "startEvent" and node.getparent() is process:
            form = properties(node).get("formJsonSchemaFilename")
            if form:
                problems.extend(_check_form(file, node, form, bundle))
        if tag == "exclusiveGateway" or tag == "inclusiveGateway":
            problems.extend(_check_gateway(file, node, outgoing.get(node.get("id", ""), [])))
        if tag == "timerEventDefinition":
            values = [c for c in node if local(c.tag) in ("timeDuration", "timeDate", "timeCycle")]
            if not values or not any((c.text or "").strip() for c in values):
                add(node, "timer.missing_value")
        if tag in ("timeDuration", "timeDate", "timeCycle") and _is_time_literal(node.text):
            continue
        if tag in _SCRIPT_TAGS and node.tag.startswith(BPMN) and (node.text or "").strip() and node not in refused:
            problems.extend(_check_script(file, node, _SCRIPT_TAGS[tag]))
        if node.tag in (f"{_SPIFF}preScript", f"{_SPIFF}postScript") and (node.text or "").strip():
            problems.extend(_check_script(file, node, "exec"))
    return problems


def _is_time_literal(text: str | None) -> bool:
    value = (text or "").strip()
    return bool(scripting.ISO_LITERAL.match(value) or deadlines.WORKING_DAYS.match(value))


def _check_script(file: str, node: etree._Element, mode: str) -> list[Problem]:
    try:
        scripting.check_source(node.text, mode=mode, functions=FUNCTIONS)
    except ScriptError as exc:
        owner = node
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        # The script's own line counts from the element's first line.
        line = (node.sourceline or 0) + max(int(exc.params.get("line") or 1) - 1, 0)
        return [Problem(file, line, owner.get("id", "") if owner is not None else "", exc.code, dict(exc.params))]
    return []


def _check_human_task(file: str, node: etree._Element, lane: etree._Element | None, bundle: "Bundle",
                      known_roles: set[str] | None) -> list[Problem]:
    info = element_info(node, lane)
    line, element = info.line, info.element_id
    problems = []
    if info.assignment_error:
        problems.append(Problem(file, line, element, "assignment.invalid", {"value": info.assignment_error}))
    elif info.assignment is None:
        problems.append(Problem(file, line, element, "lane.missing_role", {"lane": info.lane or ""}))
    elif info.assignment.role and known_roles is not None and info.assignment.role not in known_roles:
        group = properties(node).get("sourceGroup") or (
            properties(lane).get("sourceGroup") if lane is not None else None)
        if group or _foreign_group(node):
            # a group name of another tool that is neither a role nor bound in workflows/interop.py
            problems.append(Problem(file, line, element, "group.unknown",
                                    {"group": group or _foreign_group(node), "role": info.assignment.role}))
        else:
            problems.append(Problem(file, line, element, "role.unknown", {"role": info.assignment.role}))
    if not info.form and info.kind == "manualTask":
        pass  # a manual task is done outside the system: its step is a confirmation without data
    elif not info.form:
        problems.append(Problem(file, line, element, "task.missing_form", {}))
    else:
        problems.extend(_check_form(file, node, info.form, bundle))
    if info.deadline and not deadlines.is_rule(info.deadline):
        problems.append(Problem(file, line, element, "deadline.invalid", {"value": info.deadline}))
    return problems


def _foreign_group(node: etree._Element) -> str | None:
    for prefix in ("camunda", "flowable", "activiti"):
        if node.get(f"{{{NS[prefix]}}}candidateGroups"):
            return node.get(f"{{{NS[prefix]}}}candidateGroups")
    return None


def _check_form(file: str, node: etree._Element, form: str, bundle: "Bundle") -> list[Problem]:
    line, element = node.sourceline or 0, node.get("id", "")
    name = str(PurePosixPath(form))
    if name not in bundle.files:
        return [Problem(file, line, element, "form.missing_file", {"file": form})]
    schema, findings = _read_form(bundle.files[name])
    if schema is not None:
        findings = _check_registers(schema) + _check_field_rules(schema)
    return [Problem(name, at, element, code, dict(params)) for at, code, params in findings]


@lru_cache(maxsize=64)
def _read_form(text: str) -> tuple[dict | None, tuple[tuple[int, str, dict], ...]]:
    """A form's JSON Schema, or (line, code, params) of why it is not one. Cached by text: a file from another
    tool gets one identical confirmation form per step, and checking a schema is the costly part."""
    from engine.spiff.parser import explain   # the one table of parser messages (parser imports this module)
    try:
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
    except json.JSONDecodeError as exc:
        return None, ((exc.lineno, *explain(exc.msg, "form.invalid_json", detail=exc.msg, line=exc.lineno,
                                            column=exc.colno)),)
    except jsonschema.SchemaError as exc:
        return None, ((0, *_explain_schema_error(exc)),)
    if schema.get("type") != "object":
        return None, ((0, "form.not_object", {}),)
    return schema, ()


def _explain_schema_error(exc: jsonschema.SchemaError) -> tuple[str, dict]:
    """A form that is not a JSON Schema, said with the keyword, where it is (``properties/x``) and what it
    takes, instead of jsonschema's "'nosuch' is not valid under any of the given schemas"."""
    path = [str(p) for p in exc.path]
    names = [i for i, p in enumerate(path) if not p.isdigit()]
    detail = {"detail": exc.message[:200]}
    if not names:
        return "form.invalid_schema", detail
    keyword = path[names[-1]]
    rule = "type_name" if keyword == "type" else str(exc.validator)
    expected = exc.validator_value if rule in ("type", "enum", "minimum") else ""
    return "form.invalid_schema", {
        **detail, "explained": "form.schema_keyword", "keyword": keyword, "schema_rule": rule,
        "schema_path": "/".join(path[:names[-1]]) or "/", "value": json.dumps(exc.instance, ensure_ascii=False)[:80],
        "expected": ", ".join(map(str, expected)) if isinstance(expected, list) else str(expected)}


#: The form keywords that relate two fields (engine/forms.py); ``"today"`` is a bound only for x-not-after.
FIELD_RULES = ("x-not-more-than", "x-not-after", "x-not-before", "x-more-than-half-of")
UNIT_RULE_KEYS = {"level", "within", "outside", "not", "contains"}


def _check_field_rules(schema: dict) -> list[tuple[int, str, dict]]:
    """The cross-field keywords and the unit rules of a form name its own fields and known levels: a misspelt
    name would silently be no rule at all (docs/designer.md, "Form keywords")."""
    fields = set((schema.get("properties") or {}))
    parts = [schema, *((part.get("then") or {}) for part in schema.get("allOf") or () if isinstance(part, dict))]
    problems = []
    for part in parts:
        for keyword in FIELD_RULES:
            pairs = part.get(keyword)
            if keyword not in part:
                continue
            if not isinstance(pairs, dict):
                problems.append((0, "form.rule_unknown_field", {"keyword": keyword, "field": str(pairs)[:60]}))
                continue
            for field, bound in pairs.items():
                for name in (field, bound):
                    if name not in fields and not (keyword == "x-not-after" and name == bound == "today"):
                        problems.append((0, "form.rule_unknown_field", {"keyword": keyword, "field": str(name)[:60]}))
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            problems += [(0, "form.unit_rule_invalid", {"field": name, "detail": detail})
                         for detail in _unit_rule_problems(prop, fields)]
    return problems


def _unit_rule_problems(prop: dict, fields: set[str]) -> list[str]:
    wrong = []
    if "x-unit-level" in prop and prop["x-unit-level"] not in LEVELS:
        wrong.append(f"x-unit-level: {prop['x-unit-level']}")
    where = prop.get("x-unit-where")
    if where is None:
        return wrong
    if not isinstance(where, dict):
        return [*wrong, f"x-unit-where: {str(where)[:40]}"]
    rules = where
    if "by" in where:
        if where["by"] not in fields:
            wrong.append(f"by: {where['by']}")
        rules = {key: rule for key, rule in where.items() if key != "by"}
    else:
        rules = {"": where}
    for rule in rules.values():
        if not isinstance(rule, dict):
            wrong.append(str(rule)[:40])
            continue
        for key, value in rule.items():
            allowed = {"level": LEVELS, "within": LEVELS, "outside": LEVELS, "not": ("case", *LEVELS)}.get(key)
            if key not in UNIT_RULE_KEYS or (allowed is not None and value not in allowed) \
                    or (key == "contains" and value not in fields):
                wrong.append(f"{key}: {value}")
    return wrong


def _check_registers(schema: dict) -> list[tuple[int, str, dict]]:
    """``x-register`` names a register of workflows/registers.py, on a string field, and the document type it
    may give is one of the catalogue, for a register whose numbers carry a type (docs/registers.md)."""
    problems = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict) or "x-register" not in prop:
            continue
        spec = prop["x-register"]
        code = spec if isinstance(spec, str) else spec.get("register") if isinstance(spec, dict) else None
        kind = spec.get("document_type") if isinstance(spec, dict) else None
        well_formed = prop.get("type") == "string" and isinstance(code, str) and (
            isinstance(spec, str) or (set(spec) <= {"register", "format", "document_type"}
                                      and spec.get("format", ORDINAL) == ORDINAL
                                      and isinstance(spec.get("document_type", ""), str)))
        if not well_formed:
            problems.append((0, "register.invalid", {"field": name}))
        elif code not in REGISTERS:
            problems.append((0, "register.unknown", {"field": name, "register": code, "known": ", ".join(REGISTERS)}))
        elif kind is not None and kind not in DOCUMENT_TYPES:
            problems.append((0, "register.unknown_document_type", {"field": name, "document_type": kind,
                                                                   "known": ", ".join(DOCUMENT_TYPES)}))
        elif kind is not None and not numbered_by_type(REGISTERS[code]):
            problems.append((0, "register.document_type_unused", {"field": name, "register": code}))
    return problems


def _check_gateway(file: str, gateway: etree._Element, outgoing: list[etree._Element]) -> list[Problem]:
    gateway_id = gateway.get("id", "")
    default = gateway.get("default")
    if len(outgoing) < 2:
        return []
    problems = []
    for flow in outgoing:
        has_condition = flow.find(f"{BPMN}conditionExpression") is not None and \
            (flow.find(f"{BPMN}conditionExpression").text or "").strip()
        if not has_condition and flow.get("id") != default:
            problems.append(Problem(file, flow.sourceline or 0, flow.get("id", ""), "gateway.unconditioned_flow",
                                    {"gateway": gateway_id}))
    return problems


def process_meta(process: etree._Element, bundle: "Bundle", documents: dict[str, etree._Element]) -> dict:
    """The per-process facts stored with a definition and used at run time."""
    props = properties(process)
    lanes = lane_of_nodes(process)
    elements = {}
    start_form = None
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        tag = local(node.tag)
        if not node.tag.startswith(BPMN):
            continue
        if tag in HUMAN_TASKS or tag in ("scriptTask", "serviceTask", "callActivity", "subProcess",
                                         "businessRuleTask", "intermediateCatchEvent", "boundaryEvent",
                                         "endEvent", "startEvent", "sendTask", "receiveTask"):
            info = element_info(node, lanes.get(node.get("id", "")))
            elements[info.element_id] = info.as_meta()
            if tag == "startEvent" and node.getparent() is process:
                start_form = properties(node).get("formJsonSchemaFilename")
    # The steps of the processes it calls (from the same bundle) run inside its cases: their tasks are
    # assigned and completed with the caller's definition.
    for called in _called_processes(process, documents):
        called_lanes = lane_of_nodes(called)
        for node in called.iter(*(f"{BPMN}{t}" for t in HUMAN_TASKS)):
            info = element_info(node, called_lanes.get(node.get("id", "")))
            elements.setdefault(info.element_id, info.as_meta())
    key = process.get("id")
    return {
        "key": key,
        "name": (process.get("name") or key).strip(),
        "case_prefix": (props.get("casePrefix") or _default_prefix(key)).upper(),
        "case_title": props.get("caseTitle"),
        "start_form": start_form,
        "classification": int(props.get("classification", "0") or 0),
        "case_deadline": props.get("caseDeadline"),
        "data_schema": props.get("dataSchemaFilename"),
        "access": access_policy(props),
        "documentation": _documentation(process),
        "elements": elements,
    }


def _called_processes(process: etree._Element, documents: dict[str, etree._Element]) -> list[etree._Element]:
    by_id = {p.get("id"): p for root in documents.values() for p in root.iter(f"{BPMN}process")}
    found, stack = [], [process]
    while stack:
        for call in stack.pop().iter(f"{BPMN}callActivity"):
            called = by_id.get(call.get("calledElement"))
            if called is not None and called is not process and called not in found:
                found.append(called)
                stack.append(called)
    return found


ACCESS_POLICIES = ("unit", "need_to_know")


def _names(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def access_policy(props: dict[str, str]) -> dict:
    """Who may see a classified case of this process (docs/lanes.md, "Need to know").

    ``unit`` (default): people of the case's unit and above, and those who work on it. ``need_to_know``:
    for a classified case, only the starter, whoever holds one of its open tasks, the users named in the
    data fields ``accessFields``, the holders of ``accessRoles`` (``records_clerk@case``…), never the
    users named in ``excludedFields`` (the accused of a denunciation)."""
    return {"policy": (props.get("access") or "unit").strip(), "fields": _names(props.get("accessFields")),
            "roles": _names(props.get("accessRoles")), "excluded": _names(props.get("excludedFields"))}


def _check_access(file: str, process: etree._Element, known_roles: set[str] | None) -> list[Problem]:
    access = access_policy(properties(process))
    line, element = process.sourceline or 0, process.get("id", "")
    problems = []
    if access["policy"] not in ACCESS_POLICIES:
        problems.append(Problem(file, line, element, "access.unknown_policy", {"value": access["policy"]}))
    for role in access["roles"]:
        try:
            assignment = parse_assignment(role=role)
        except ValueError:
            problems.append(Problem(file, line, element, "assignment.invalid", {"value": role}))
            continue
        if known_roles is not None and assignment.role not in known_roles:
            problems.append(Problem(file, line, element, "role.unknown", {"role": assignment.role}))
    return problems


def _default_prefix(key: str) -> str:
    letters = "".join(part[:1] for part in key.replace("-", "_").split("_") if part)
    return (letters if len(letters) >= 2 else key[:3]).upper()[:8]


def _documentation(process: etree._Element) -> str:
    doc = process.find(f"{BPMN}documentation")
    return (doc.text or "").strip() if doc is not None else ""
