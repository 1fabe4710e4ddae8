"""Rewrite BPMN files drawn in other tools into quytrinh's own conventions, before they are parsed.

A designer uploads what Camunda Modeler, Flowable, Signavio or Zeebe wrote: ``camunda:candidateGroups``,
``${approved}``, a Quartz ``timeCycle``, a task with two outgoing flows, ``camunda:formData``, a service task
bound to a Java class. :func:`normalise` rewrites each of those into what quytrinh runs (docs/interop.md has
the table), or reports it as a :class:`~engine.errors.Problem` naming the element and the original value.
What it cannot translate is refused, never dropped.

The pass is a pure function of the files and the administrator's bindings (``workflows/interop.py``): a
deployed definition keeps the sha256 of its *original* files, and the cached parse re-normalises them the
same way. Rewrites never add a line, so every line number refers to the file as uploaded. Generated files
(JSON Schemas of ``formData`` forms) are named under :data:`GENERATED` and are not part of the identity.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from lxml import etree

from engine import deadlines, expressions, scripting
from engine.conventions import BPMN, NS, lane_of_nodes, local, properties
from engine.dialect_forms import camunda_form_schema, form_key_files, form_schema, names_read, names_written
from engine.errors import Problem, ScriptError

GENERATED = "_generated/"
SPIFF = "{%s}" % NS["spiffworkflow"]
ENGINES = ("camunda", "flowable", "activiti")
ZEEBE = "{http://camunda.org/schema/zeebe/1.0}"
EMBEDDED_FORM = "camunda-forms:bpmn:"
_ACTIVITIES = ("task", "userTask", "manualTask", "serviceTask", "sendTask", "receiveTask", "scriptTask",
               "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess")
_EVENTS = ("startEvent", "intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "boundaryEvent")
_GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway")
_FLOW_NODES = _ACTIVITIES + _EVENTS + _GATEWAYS
_ROLE = re.compile(r"^[a-z][a-z0-9_]*(@\S+)?$")


@dataclass
class Normalised:
    """The rewritten bundle: every original file (rewritten where needed) plus generated ones."""

    files: dict[str, str]
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: the rewritten trees of the BPMN files; their original elements keep the line of the uploaded file
    #: (lxml writes a multi-line start tag on one line, so the rewritten *text* may not)
    documents: dict[str, etree._Element] = field(default_factory=dict)
    #: elements whose text is in another tool's language and was refused here (an untranslatable
    #: expression, the script of a Groovy/JavaScript script task): the linter does not read them again
    #: as quytrinh's own language, which would only add "invalid syntax" to the refusal
    refused: set[etree._Element] = field(default_factory=set)

    @property
    def generated(self) -> dict[str, str]:
        return {name: text for name, text in self.files.items() if name.startswith(GENERATED)}


def normalise(files: Mapping[str, str], *, assignments: Mapping[str, str] | None = None,
              services: Mapping[str, str] | None = None,
              functions: Mapping[str, Callable] | None = None, limit: int | None = None) -> Normalised:
    """Rewrite every BPMN file of a bundle into quytrinh's conventions.

    :param assignments: foreign group, user and lane names -> ``role@scope`` or ``data:FIELD``
        (default: ``workflows.interop.ASSIGNMENTS``).
    :param services: foreign service bindings (``class:...``, ``topic:...``) -> function names
        (default: ``workflows.interop.SERVICES``).
    :param functions: the registered functions, to name a bound function's parameters
        (default: ``workflows.functions.FUNCTIONS``).
    :param limit: stop rewriting a file once this many problems are found: it is refused anyway.
    """
    if assignments is None or services is None or functions is None:
        from workflows import functions as registered, interop
        assignments = interop.ASSIGNMENTS if assignments is None else assignments
        services = interop.SERVICES if services is None else services
        functions = registered.FUNCTIONS if functions is None else functions
    result = Normalised(files={n: t for n, t in files.items() if not n.startswith(GENERATED)})
    for name in sorted(result.files):
        if name.endswith(".dmn") or not name.endswith((".bpmn", ".xml")):
            continue
        text = result.files[name]
        try:
            root = etree.fromstring(text.encode("utf-8"))
        except etree.XMLSyntaxError:
            continue  # reported by the parser with its line
        if local(root.tag) != "definitions" or root.tag != f"{BPMN}definitions":
            continue
        rewriter = _Rewriter(name, root, result, assignments, services, functions, limit)
        if rewriter.run():
            result.files[name] = _serialise(root, text)
        result.documents[name] = root
    return result


def _serialise(root: etree._Element, original: str) -> str:
    """Write the tree back with the original XML declaration and the same line breaks before the root,
    so that every element keeps the line it had in the uploaded file."""
    body = etree.tostring(root.getroottree(), encoding="unicode")
    declaration = re.match(r"\ufeff?\s*<\?xml[^?]*\?>", original)
    if not declaration:
        return body
    rest = original[declaration.end():]
    tail = original[len(original.rstrip()):]
    return declaration.group(0) + rest[:len(rest) - len(rest.lstrip())] + body + tail


class _Rewriter:
    """One BPMN file; ``changed`` tells whether it must be written again."""

    def __init__(self, file: str, root: etree._Element, out: Normalised, assignments: Mapping[str, str],
                 services: Mapping[str, str], functions: Mapping[str, Callable], limit: int | None = None) -> None:
        self.file = file
        self.limit = limit or float("inf")
        self.root = root
        self.out = out
        self.assignments = assignments
        self.services = services
        self.functions = functions
        self.changed = False
        self.ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        self.engine = next((p for p in ENGINES if _uses(root, NS[p])), None) or (
            "juel" if any(expressions.dialect_of(c.text) == "juel" for c in root.iter(f"{BPMN}conditionExpression"))
            else None)
        self.lanes: dict[str, etree._Element] = {}
        self.outgoing: dict[str | None, list[etree._Element]] = {}
        self.listed: set[str] | None = None                 # the ids the lanes list (inherit_lane)
        self.containers: dict[str | None, etree._Element] = {}
        # A file drawn for quytrinh carries its properties; any other file follows its own tool's meaning
        # for what it leaves out (an undefined task passes through; a user task without a form is confirmed).
        self.foreign = not _uses(root, NS["spiffworkflow"])

    # reporting ------------------------------------------------------------------------------

    def note(self, node: etree._Element, code: str, **params) -> None:
        self.out.notes.append(Problem(self.file, node.sourceline or 0, _owner_id(node), code, params))

    def problem(self, node: etree._Element, code: str, **params) -> None:
        self.out.problems.append(Problem(self.file, node.sourceline or 0, _owner_id(node), code, params))

    def new_id(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base}_{n}"
        self.ids.add(candidate)
        return candidate

    # the pass -------------------------------------------------------------------------------

    def run(self) -> bool:
        self.drop_repeated_declarations()
        processes = self.root.findall(f"{BPMN}process")
        executable = [p for p in processes if p.get("isExecutable") is None or p.get("isExecutable") == "true"]
        for process in processes:
            if process.get("isExecutable") is None:
                process.set("isExecutable", "true")
                self.changed = True
                self.note(process, "process.executable_assumed")
            elif process.get("isExecutable") != "true" and executable:
                self.note(process, "process.not_executable_skipped")
        for process in processes:
            for container in [process, *process.iter(f"{BPMN}subProcess", f"{BPMN}transaction")]:
                self.add_missing_start(container)
                self.split_implicitly(container)
            for lane in process.iter(f"{BPMN}lane"):
                self.lane(lane)
            self.lanes = lane_of_nodes(process)
            self.outgoing = _by_source(process.iter(f"{BPMN}sequenceFlow"))
            for node in list(process.iter()):
                if len(self.out.problems) >= self.limit:
                    return self.changed
                if isinstance(node.tag, str):
                    self.element(node)
            self.variable_mappings(process)
            if self.engine is not None and process in executable:
                self.start_inputs(process)
        return self.changed

    def drop_repeated_declarations(self) -> None:
        """An element written twice word for word under the same parent (a spiff-arena sample repeats
        ``<dataObject id="is_approval"/>``) declares one thing: keep the first, as bpmn-js does. Copies
        that differ in anything are left alone, so the XSD check reports the duplicate id."""
        seen: dict[str, etree._Element] = {}
        for node in list(self.root.iter()):
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            first = seen.setdefault(node.get("id"), node)
            if first is not node and first.getparent() is node.getparent() and _same(first, node):
                self.note(node, "element.duplicate_removed", line=first.sourceline or 0)
                _remove(node)
                self.changed = True

    def element(self, node: etree._Element) -> None:
        tag = local(node.tag)
        if node.tag == f"{BPMN}conditionExpression":
            self.condition(node)
        elif tag in ("timeDuration", "timeDate", "timeCycle") and node.tag.startswith(BPMN):
            self.timer(node)
        elif tag in ("loopCardinality", "completionCondition", "loopCondition", "condition") \
                and node.tag.startswith(BPMN):
            self.expression(node)
        elif tag == "exclusiveGateway" and node.tag.startswith(BPMN):
            self.first_unconditioned_is_default(node)
        elif tag == "multiInstanceLoopCharacteristics":
            self.collection(node)
        if tag in ("script", "taskListener", "executionListener") and "Listener" not in local(node.getparent().tag) \
                and any(
                node.tag.startswith("{%s}" % NS[p]) for p in ENGINES):
            # Groovy/JavaScript or Java listeners of the other engine: quytrinh runs neither, and dropping
            # them would change what the process does.
            self.problem(node, "script.foreign", construct=tag, language=_foreign_code(node))
            return
        if not node.tag.startswith(BPMN):
            return
        if tag == "scriptTask" and "python" not in (node.get("scriptFormat") or "python").lower():
            # a script task of another engine (Groovy, JavaScript, JUEL...): reading its script as quytrinh's
            # would only say "invalid syntax"
            self.problem(node, "script.foreign", construct=tag, language=node.get("scriptFormat").strip())
            self.out.refused.update(node.findall(f"{BPMN}script"))
            return
        if tag == "task" and self.foreign:
            self.pass_through(node)
            return
        if tag in ("userTask", "manualTask"):
            self.assignment(node)
            self.form(node)
        elif tag == "startEvent":
            self.form(node)
        elif tag in ("serviceTask", "sendTask", "businessRuleTask"):
            self.service(node)
        elif tag == "callActivity" and not node.get("calledElement"):
            called = node.find(f"{BPMN}extensionElements/{ZEEBE}calledElement")
            if called is not None and called.get("processId"):
                node.set("calledElement", called.get("processId"))
                self.changed = True

    # expressions ----------------------------------------------------------------------------

    def translated(self, node: etree._Element, text: str, kind: str, dialect: str | None = None) -> str | None:
        try:
            return expressions.translate(text, dialect)
        except expressions.Untranslatable as exc:
            self.untranslatable(node, exc.expression, kind)
            return None

    def untranslatable(self, node: etree._Element, text: str, kind: str) -> None:
        self.problem(node, "expression.untranslatable", expression=text.strip()[:200], kind=kind)
        self.out.refused.add(node)

    def condition(self, node: etree._Element) -> None:
        text = (node.text or "").strip()
        if not text and not len(node):
            node.getparent().remove(node)   # an empty condition is no condition (bpmn.io writes these)
            self.changed = True
            return
        self.expression(node)

    def expression(self, node: etree._Element) -> None:
        text = (node.text or "").strip()
        dialect = expressions.dialect_of(text)
        if dialect is None:
            if not text or not self.foreign or _is_quytrinh_syntax(text):
                return
            # Another language without JUEL's ${...} or FEEL's leading "=" (XPath's bpmn:getDataObject('x'),
            # a FEEL name with spaces): read as FEEL when the file declares FEEL, else refused, quoted.
            declared = node.get("language") or self.root.get("expressionLanguage") or ""
            if "feel" not in declared.lower():
                self.untranslatable(node, text, local(node.tag))
                return
            dialect = "feel"
        value = self.translated(node, text, local(node.tag), dialect)
        if value is not None:
            node.text = value
            self.changed = True

    def timer(self, node: etree._Element) -> None:
        text = (node.text or "").strip()
        if expressions.dialect_of(text) or (self.foreign and not _is_time_literal(text)
                                            and not expressions.looks_like_cron(text)):
            self.expression(node)
        elif local(node.tag) == "timeCycle" and expressions.looks_like_cron(text):
            period = expressions.cron_period(text)
            if period is None:
                self.problem(node, "timer.cron_untranslatable", expression=text)
            else:
                node.text = f"R/{period}"
                self.changed = True
                self.note(node, "timer.cron_translated", expression=text, value=f"R/{period}")

    def first_unconditioned_is_default(self, gateway: etree._Element) -> None:
        """Camunda 7, Flowable and Activiti take an exclusive gateway's first flow whose condition holds, an
        unconditioned flow counting as true. When the only unconditioned flow is also the last one, that is
        exactly a default flow; any other arrangement is left for the linter to refuse."""
        if self.engine is None or gateway.get("default"):
            return
        outgoing = self.outgoing.get(gateway.get("id"), [])
        bare = [f for f in outgoing if not _has_condition(f)]
        if len(outgoing) >= 2 and len(bare) == 1 and bare[0] is outgoing[-1] and bare[0].get("id"):
            gateway.set("default", bare[0].get("id"))
            self.changed = True
            self.note(gateway, "gateway.default_assumed", flow=bare[0].get("id"))

    def collection(self, node: etree._Element) -> None:
        """``camunda:collection`` / ``camunda:elementVariable`` (Flowable, Activiti alike) and Zeebe's
        ``loopCharacteristics`` (``inputCollection="=documents" inputElement="document"``, ``outputCollection``,
        ``outputElement``) -> BPMN's own ``loopDataInputRef`` / ``inputDataItem`` (``loopDataOutputRef`` /
        ``outputDataItem``), which SpiffWorkflow reads."""
        if node.find(f"{BPMN}loopDataInputRef") is not None:
            return
        zeebe = node.find(f"{BPMN}extensionElements/{ZEEBE}loopCharacteristics")
        found = [(node.get(f"{{{NS[p]}}}collection"), node.get(f"{{{NS[p]}}}elementVariable"), None, None)
                 for p in ENGINES if node.get(f"{{{NS[p]}}}collection")]
        if zeebe is not None and zeebe.get("inputCollection"):
            found.append((zeebe.get("inputCollection"), zeebe.get("inputElement"), zeebe.get("outputCollection"),
                          zeebe.get("outputElement")))
        if not found:
            return
        collection, variable, output, output_element = found[0]
        names = []
        for text, kind in ((collection, "collection"), (output, "outputCollection"),
                           (output_element, "outputElement")):
            name = (expressions.simple_name(text) or text.strip()) if text else None
            if name is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                self.problem(node, "expression.untranslatable", expression=text, kind=kind)
                return
            names.append(name)
        collection, output, output_element = names
        elements = [etree.Element(f"{BPMN}loopDataInputRef")]
        elements[0].text = collection
        if output:
            elements.append(etree.Element(f"{BPMN}loopDataOutputRef"))
            elements[-1].text = output
        if variable:
            elements.append(etree.Element(f"{BPMN}inputDataItem", id=self.new_id(variable), name=variable))
        if output and output_element:
            elements.append(etree.Element(f"{BPMN}outputDataItem", id=self.new_id(output_element),
                                          name=output_element))
        # after documentation and extensionElements, before completionCondition (the XSD's order)
        before = [c for c in node if isinstance(c.tag, str) and local(c.tag) in ("documentation", "extensionElements")]
        position = node.index(before[-1]) + 1 if before else 0
        for offset, element in enumerate(elements):
            node.insert(position + offset, element)
        self.changed = True

    # structure ------------------------------------------------------------------------------

    def add_missing_start(self, container: etree._Element) -> None:
        """BPMN lets a (sub-)process without a start event begin at every node without incoming flow;
        SpiffWorkflow needs a start event, so one is added in front of those nodes."""
        if container.get("triggeredByEvent") == "true":
            return
        children = [c for c in container if isinstance(c.tag, str) and local(c.tag) in _FLOW_NODES]
        if not children or any(local(c.tag) == "startEvent" for c in children):
            return
        targets = {f.get("targetRef") for f in container.findall(f"{BPMN}sequenceFlow")}
        first = [c for c in children if c.get("id") not in targets and local(c.tag) != "boundaryEvent"
                 and c.get("isForCompensation") != "true"]
        if not first:
            self.problem(container, "subprocess.no_start")
            return
        start = etree.Element(f"{BPMN}startEvent", id=self.new_id(f"{container.get('id')}_start"))
        first[0].addprevious(start)
        for node in first:
            self.connect(container, start, node)
        self.changed = True
        self.note(container, "subprocess.start_added", nodes=", ".join(n.get("id", "") for n in first))

    def connect(self, container, source, target) -> etree._Element:
        flow = etree.Element(f"{BPMN}sequenceFlow", id=self.new_id(f"{source.get('id')}_to_{target.get('id')}"),
                             sourceRef=source.get("id"), targetRef=target.get("id"))
        start = source if local(source.tag) != "boundaryEvent" else source
        start.addnext(flow)
        return flow

    def split_implicitly(self, container: etree._Element) -> None:
        """A node that is not a gateway with several outgoing flows splits the token (BPMN 2.0 §13.2.1):
        unconditioned flows are a parallel split, conditioned ones an inclusive split. SpiffWorkflow wants a
        gateway, so one is inserted after the node."""
        by_source = _by_source(container.findall(f"{BPMN}sequenceFlow"))
        for node in list(container):
            if not isinstance(node.tag, str) or local(node.tag) not in _ACTIVITIES + _EVENTS:
                continue
            outgoing = by_source.get(node.get("id"), [])
            if len(outgoing) < 2:
                continue
            conditioned = [f for f in outgoing if _has_condition(f)]
            kind = "inclusiveGateway" if conditioned or node.get("default") else "parallelGateway"
            gateway = etree.Element(f"{BPMN}{kind}", id=self.new_id(f"{node.get('id')}_split"))
            node.addnext(gateway)
            for flow in outgoing:
                flow.set("sourceRef", gateway.get("id"))
                if kind == "inclusiveGateway" and not _has_condition(flow) and flow.get("id") != node.get("default"):
                    condition = etree.SubElement(flow, f"{BPMN}conditionExpression")
                    condition.text = "True"
            if node.get("default"):
                gateway.set("default", node.attrib.pop("default"))
            for out in node.findall(f"{BPMN}outgoing"):
                node.remove(out)
            self.connect(container, node, gateway)
            self.changed = True
            self.note(node, "flow.implicit_split", gateway=kind, count=len(outgoing))

    # people ---------------------------------------------------------------------------------

    def assignment(self, node: etree._Element) -> None:
        own = properties(node)
        if own.get("role") or own.get("assignee"):
            return
        source = _foreign_assignment(node)
        if source is None:
            lane = self.lanes.get(node.get("id", ""))
            lane_props = properties(lane) if lane is not None else {}
            if not (lane_props.get("role") or lane_props.get("assignee")) and "*" in self.assignments:
                # the administrator's declared fallback for imported steps that name nobody
                self.bind_name(node, "*", "group")
                self.note(node, "assignment.default_applied", assignment=self.assignments["*"])
            return
        kind, value = source
        initiators = self.initiator_variables()
        if kind == "assignee":
            variable = expressions.simple_name(value)
            if value.strip() in ("$INITIATOR", "${INITIATOR}") or (variable and variable in initiators):
                self.set_properties(node, assignee="data:initiator")
            elif variable:
                self.set_properties(node, assignee=f"data:{variable}")
            elif expressions.dialect_of(value):
                self.assignee_call(node, value)
            else:
                self.bind_name(node, value, "user")
            return
        names = [n.strip() for n in value.split(",") if n.strip()]
        if any(expressions.dialect_of(n) for n in names):
            self.problem(node, "assignment.untranslatable", value=value)
            return
        bound = {self.assignments.get(n, n) for n in names}
        if len(bound) > 1:
            self.problem(node, "assignment.several_groups", value=value)
            return
        self.bind_name(node, names[0], "group" if kind == "candidateGroups" else "user")

    def assignee_call(self, node: etree._Element, value: str) -> None:
        """``camunda:assignee="#{ldap.findManager(employee)}"``: Camunda calls the bean's method when the task
        is created and gives the task to the user id it returns. With the method bound like a service
        (``SERVICES["expression:ldap.findManager"]``), the step's pre-script calls the bound function at that
        same moment, each time the step starts, and the step goes to the user it names (``assignee=data:``)."""
        bean = expressions.bean_call(value)
        if bean is None or "." not in bean[0] or "(" not in value:
            self.problem(node, "assignment.untranslatable", value=value)
            return
        key = f"expression:{bean[0]}"
        function_name = self.services.get(key)
        if function_name is None or function_name not in self.functions:
            self.problem(node, "assignment.unbound_call", value=value, binding=key)
            return
        parameters = self.parameters(node, self.functions[function_name], bean[1])
        if parameters is None:
            return
        field = "assignee_" + re.sub(r"[^A-Za-z0-9_]", "_", node.get("id", ""))
        arguments = ", ".join(f"{name}={expression}" for name, expression in parameters.items())
        extensions = self.extensions(node)
        script = extensions.find(f"{SPIFF}preScript")
        if script is None:
            script = etree.SubElement(extensions, f"{SPIFF}preScript")
        script.text = f"{field} = {function_name}({arguments})" + (f"\n{script.text}" if script.text else "")
        self.set_properties(node, assignee=f"data:{field}")
        self.note(node, "assignment.call_bound", value=value, function=function_name, field=field)

    def bind_name(self, node: etree._Element, name: str, kind: str) -> None:
        target = self.assignments.get(name)
        if target is None and kind == "user":
            self.problem(node, "assignment.unbound_user", user=name)
            return
        if target is None and not _ROLE.match(name):
            self.problem(node, "group.unknown", group=name, role="")
            return
        target = target or name
        if target.startswith("data:"):
            self.set_properties(node, assignee=target, sourceGroup=name)
        else:
            self.set_properties(node, role=target, sourceGroup=name)

    def lane(self, lane: etree._Element) -> None:
        self.inherit_lane(lane)
        own = properties(lane)
        name = (lane.get("name") or "").strip()
        if own.get("role") or own.get("assignee") or name not in self.assignments:
            return
        target = self.assignments[name]
        if target.startswith("data:"):
            self.set_properties(lane, assignee=target, sourceGroup=name)
        else:
            self.set_properties(lane, role=target, sourceGroup=name)

    def inherit_lane(self, lane: etree._Element) -> None:
        """BPMN draws a sub-process's inner steps inside the sub-process's lane, but lanes list only the
        sub-process itself: its inner steps are added to the lane, unless another lane lists them."""
        if self.listed is None:     # once per file, kept up to date below: one pass, not one per lane
            self.listed = {r.text.strip() for r in self.root.iter(f"{BPMN}flowNodeRef") if r.text}
            for container in self.root.iter(f"{BPMN}subProcess", f"{BPMN}transaction"):
                self.containers.setdefault(container.get("id"), container)
        listed = self.listed
        for ref in list(lane.findall(f"{BPMN}flowNodeRef")):
            node = self.containers.get((ref.text or "").strip())
            if node is None:
                continue
            for inner in node.iter():
                if isinstance(inner.tag, str) and local(inner.tag) in _FLOW_NODES and inner is not node \
                        and inner.get("id") and inner.get("id") not in listed:
                    added = etree.Element(f"{BPMN}flowNodeRef")
                    added.text = inner.get("id")
                    ref.addnext(added)
                    listed.add(inner.get("id"))
                    self.changed = True

    def initiator_variables(self) -> set[str]:
        found = {"initiator"}
        for start in self.root.iter(f"{BPMN}startEvent"):
            for prefix in ENGINES:
                if start.get(f"{{{NS[prefix]}}}initiator"):
                    found.add(start.get(f"{{{NS[prefix]}}}initiator"))
        return found

    def set_properties(self, node: etree._Element, **values: str) -> None:
        extensions = node.find(f"{BPMN}extensionElements")
        if extensions is None:
            extensions = etree.Element(f"{BPMN}extensionElements")
            docs = node.findall(f"{BPMN}documentation")
            (docs[-1].addnext if docs else lambda e: node.insert(0, e))(extensions)
        holder = extensions.find(f"{SPIFF}properties")
        if holder is None:
            holder = etree.SubElement(extensions, f"{SPIFF}properties")
        for name, value in values.items():
            etree.SubElement(holder, f"{SPIFF}property", name=name, value=value)
        self.changed = True

    # forms ----------------------------------------------------------------------------------

    def form(self, node: etree._Element) -> None:
        if properties(node).get("formJsonSchemaFilename"):
            return
        schema = form_schema(node)
        key = next((node.get(f"{{{NS[p]}}}formKey") for p in ENGINES if node.get(f"{{{NS[p]}}}formKey")), None)
        zeebe = node.find(f"{BPMN}extensionElements/{ZEEBE}formDefinition")
        if zeebe is not None:
            key = key or zeebe.get("formKey") or zeebe.get("formId") or "zeebe:formDefinition"
        if schema is not None:
            name = f"{GENERATED}forms/{_safe(self.file)}/{_safe(node.get('id', 'form'))}.json"
            self.out.files[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)
            self.set_properties(node, formJsonSchemaFilename=name)
            self.note(node, "form.generated", fields=len(schema["properties"]))
        elif key and key.startswith(EMBEDDED_FORM):
            self.embedded_form(node, key[len(EMBEDDED_FORM):])
        elif key:
            found = next((name for name in form_key_files(key) if name in self.out.files), None)
            if found:
                self.set_properties(node, formJsonSchemaFilename=found)
                self.note(node, "form.key_mapped", key=key, file=found)
            else:
                self.problem(node, "form.unreadable_key", key=key, file=form_key_files(key)[0])
        elif self.foreign and local(node.tag) in ("userTask", "manualTask"):
            # Camunda and Flowable show such a step with no fields: the person confirms it is done.
            name = f"{GENERATED}forms/{_safe(self.file)}/{_safe(node.get('id', 'form'))}.json"
            self.out.files[name] = json.dumps({"type": "object", "properties": {}}, sort_keys=True)
            self.set_properties(node, formJsonSchemaFilename=name)
            self.note(node, "form.confirmation")

    def embedded_form(self, node: etree._Element, form_id: str) -> None:
        """``zeebe:formDefinition formKey="camunda-forms:bpmn:<id>"``: the Camunda Forms JSON is in the file, in
        the process's ``zeebe:userTaskForm id="<id>"``. Its components become a generated JSON Schema; what
        cannot be translated is refused naming the component and the feature."""
        holder = next((f for f in self.root.iter(f"{ZEEBE}userTaskForm") if f.get("id") == form_id), None)
        if holder is None:
            self.problem(node, "form.embedded_unreadable", form=form_id, why="missing")
            return
        schema, problems, shown = camunda_form_schema(holder.text or "")
        for component, feature in problems:
            if feature == "json":
                self.problem(node, "form.embedded_unreadable", form=form_id, why="json")
            else:
                self.problem(node, "form.untranslatable", form=form_id, component=component, feature=feature)
        if schema is None or problems:
            return
        name = f"{GENERATED}forms/{_safe(self.file)}/{_safe(node.get('id', 'form'))}.json"
        # in the form's order, which is the order the person sees the fields in (still the same every time)
        self.out.files[name] = json.dumps(schema, ensure_ascii=False, indent=2)
        self.set_properties(node, formJsonSchemaFilename=name)
        if shown and node.find(f"{BPMN}extensionElements/{SPIFF}instructionsForEndUser") is None:
            etree.SubElement(self.extensions(node), f"{SPIFF}instructionsForEndUser").text = shown
        self.note(node, "form.generated", fields=len(schema["properties"]))

    def pass_through(self, node: etree._Element) -> None:
        """An undefined ``bpmn:task`` of another tool does nothing and moves on (Camunda, Flowable): run it
        as a none intermediate event, which SpiffWorkflow passes through, instead of a human step."""
        node.tag = f"{BPMN}intermediateThrowEvent"
        for child in list(node):
            if local(child.tag) in ("ioSpecification", "dataInputAssociation", "dataOutputAssociation",
                                    "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
                                    "property", "resourceRole", "performer", "potentialOwner"):
                node.remove(child)
        self.changed = True
        self.note(node, "task.pass_through")

    def start_inputs(self, process: etree._Element) -> None:
        """Camunda and Flowable processes get their first variables from the API call that starts them;
        quytrinh gets them from the start form. When the start event has no form, the variables that the
        process's expressions read but nothing in it sets become the fields of a generated start form."""
        starts = [c for c in process if isinstance(c.tag, str) and c.tag == f"{BPMN}startEvent"]
        if len(starts) != 1 or properties(starts[0]).get("formJsonSchemaFilename"):
            return
        reads = _reads(process)
        for name, kinds in self.called_reads(process).items():
            reads.setdefault(name, set()).update(kinds)
        written = names_written(process, self.out.files) | {"initiator", "case_number", "case_unit"}
        fields = {name: kinds for name, kinds in sorted(reads.items()) if name not in written
                  and name not in self.functions}
        if not fields:
            return
        schema = {"type": "object", "properties": {
            name: {"type": kinds.pop() if len(kinds) == 1 else "string", "title": name}
            for name, kinds in fields.items()}}
        name = f"{GENERATED}forms/{_safe(self.file)}/{_safe(starts[0].get('id', 'start'))}.json"
        self.out.files[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True)
        self.set_properties(starts[0], formJsonSchemaFilename=name)
        self.note(starts[0], "form.start_inputs", fields=", ".join(fields))

    def called_reads(self, process: etree._Element) -> dict[str, set[str]]:
        """``<camunda:in source="twitter" target="twitter"/>`` hands a variable of the caller to the process it
        calls: what the called process reads without setting it, the caller must have (Camunda's caller gets
        it from the API call that starts it). Its kind is the one the called process's use suggests."""
        found: dict[str, set[str]] = {}
        for call in process.iter(f"{BPMN}callActivity"):
            mappings = [m for p in ENGINES for m in call.iter(f"{{{NS[p]}}}in")]
            callee = self.process_named(call.get("calledElement")) if mappings else None
            if callee is None:
                continue
            # a called process shows no start form: what its start event's form would set, it does not set
            forms = {properties(s).get("formJsonSchemaFilename") for s in callee.findall(f"{BPMN}startEvent")}
            written = names_written(callee, {n: t for n, t in self.out.files.items() if n not in forms})
            needed = {name: kinds for name, kinds in _reads(callee).items() if name not in written}
            for mapping in mappings:
                if mapping.get("variables") == "all":
                    for name, kinds in needed.items():
                        found.setdefault(name, set()).update(kinds)
                elif mapping.get("source") and mapping.get("target") in needed:
                    found.setdefault(mapping.get("source"), set()).update(needed[mapping.get("target")])
        return found

    def process_named(self, process_id: str | None) -> etree._Element | None:
        """The process of that id in this file or in another BPMN file of the bundle."""
        if not process_id:
            return None
        trees = [self.root, *self.out.documents.values()]
        for name, text in sorted(self.out.files.items()):
            if name.endswith((".bpmn", ".xml")) and name != self.file and name not in self.out.documents:
                try:
                    trees.append(etree.fromstring(text.encode("utf-8")))
                except etree.XMLSyntaxError:
                    continue
        for tree in trees:
            for candidate in tree.iter(f"{BPMN}process"):
                if candidate.get("id") == process_id:
                    return candidate
        return None

    # variable mappings ----------------------------------------------------------------------

    def variable_mappings(self, process: etree._Element) -> None:
        """Input/output variable mappings of an element (Zeebe ``zeebe:ioMapping``, Camunda/Flowable
        ``inputOutput``) and a call activity's ``camunda:in``/``camunda:out`` (``flowable:``, ``activiti:``).

        quytrinh keeps one set of variables per case, so an element's *local* variable is the case variable
        of that name, set by the element's pre-script and removed by its post-script; that is what the other
        engine does only when the name means nothing outside the element. When it does (another element reads
        or sets it), the mapping is refused (docs/interop.md)."""
        nodes = [n for n in process.iter() if isinstance(n.tag, str) and n.tag.startswith(BPMN)
                 and local(n.tag) in _FLOW_NODES and _has_mappings(n)]
        if not nodes:
            return
        uses = _uses_by_owner(process, self.out.files)
        for node in nodes:
            if len(self.out.problems) >= self.limit:
                return
            elsewhere = set().union(*(names for owner, names in uses.items() if owner is not node))
            self.element_mappings(node, elsewhere)

    def element_mappings(self, node: etree._Element, elsewhere: set[str]) -> None:
        tag = local(node.tag)
        found = len(self.out.problems)
        zeebe = node.find(f"{BPMN}extensionElements/{ZEEBE}ioMapping")
        mappings = []       # (direction, target, source text, language, label, element)
        for mapping in zeebe if zeebe is not None else ():
            if isinstance(mapping.tag, str) and mapping.tag in (f"{ZEEBE}input", f"{ZEEBE}output"):
                mappings.append((local(mapping.tag), (mapping.get("target") or "").strip(), mapping.get("source") or "",
                                 "feel", _mapping_label(mapping), mapping))
        for prefix in ENGINES:
            holder = node.find(f"{BPMN}extensionElements/{{{NS[prefix]}}}inputOutput")
            for mapping in holder if holder is not None else ():
                direction = {"inputParameter": "input", "outputParameter": "output"}.get(local(mapping.tag))
                if direction is None:
                    continue
                if direction == "input" and tag in ("serviceTask", "sendTask"):
                    continue    # the bound function's parameters (parameters()): it reads no other variable
                inner = [c for c in mapping if isinstance(c.tag, str)]
                if inner and local(inner[0].tag) == "script":
                    continue    # refused as script.foreign
                if inner:
                    self.problem(mapping, "mapping.untranslatable", mapping=_mapping_label(mapping), why="structure")
                    continue
                mappings.append((direction, (mapping.get("name") or "").strip(), mapping.text or "", "juel",
                                 _mapping_label(mapping), mapping))
        for mapping in mappings:
            direction, _target, _text, language, label, element = mapping
            why = ("event" if tag in _EVENTS
                   else "subprocess" if tag in ("subProcess", "transaction", "adHocSubProcess")
                   else "loop" if _is_loop(node) else None)
            if why is None and direction == "output" and language == "feel" and tag not in ("userTask", "manualTask"):
                why = "results_local"
            if why:
                self.problem(element, "mapping.untranslatable", mapping=label, why=why)
        if len(self.out.problems) > found:
            return
        inputs, outputs = [], []
        for direction, target, text, language, label, element in mappings:
            if not self.is_variable(target):
                self.problem(element, "mapping.untranslatable", mapping=label, why="target")
                continue
            value = self.mapping_source(element, text, language)
            if value is not None:
                (inputs if direction == "input" else outputs).append((target, value, label, element))
        drops = {target: (label, element) for target, _v, label, element in inputs}
        if tag == "callActivity":
            self.call_mappings(node, elsewhere, inputs, outputs, drops)
        for target, *_rest in outputs:
            drops.pop(target, None)
        if mappings and mappings[0][3] == "feel" and outputs:
            # Zeebe: with output mappings, what the person submitted stays local to the task too
            form = properties(node).get("formJsonSchemaFilename")
            try:
                fields = list(json.loads(self.out.files.get(form) or "{}").get("properties", {}))
            except ValueError:
                fields = []
            for name in fields:
                if name not in drops and name not in {t for t, *_r in outputs}:
                    drops[name] = (f'form field "{name}"', node)
        for name, (label, element) in drops.items():
            if name in elsewhere:
                self.problem(element, "mapping.untranslatable", mapping=label, why="shadows")
        if len(self.out.problems) > found or not (inputs or outputs or drops):
            return
        pre = [f"{target} = {value}" for target, value, *_rest in inputs]
        post = [f"{target} = {value}" for target, value, *_rest in outputs] + [f"del {name}" for name in drops]
        for kind, lines in (("preScript", pre), ("postScript", post)):
            if not lines:
                continue
            extensions = self.extensions(node)
            script = extensions.find(f"{SPIFF}{kind}")
            if script is None:
                script = etree.SubElement(extensions, f"{SPIFF}{kind}")
            own = (script.text or "").strip()
            script.text = "\n".join(lines + [own] if kind == "preScript" and own else [own] + lines if own else lines)
        self.changed = True
        self.note(node, "mapping.translated", inputs=", ".join(t for t, *_r in inputs) or "-",
                  outputs=", ".join(t for t, *_r in outputs) or "-", removed=", ".join(drops) or "-")

    def call_mappings(self, node: etree._Element, elsewhere: set[str], inputs: list, outputs: list,
                      drops: dict) -> None:
        """``camunda:in``/``camunda:out`` of a call activity. SpiffWorkflow hands the called process all of the
        caller's variables and takes all of its variables back. A mapping that keeps the name
        (``source="x" target="x"``) or hands everything (``variables="all"``) is what SpiffWorkflow does and is
        kept (noted). Renaming (``source="a" target="b"``, ``sourceExpression``) becomes the call activity's
        pre-script (``b = a``) or post-script (``y = x``), the temporary name removed afterwards; ``local``
        variables, a target expression, or a name the caller also uses are refused, naming the mapping."""
        kept = []
        handed = {m.get("source") for p in ENGINES for m in node.findall(f"{BPMN}extensionElements/{{{NS[p]}}}in")}
        callee = self.process_named(node.get("calledElement"))
        child_writes = names_written(callee, self.out.files) if callee is not None else None
        for prefix in ENGINES:
            for mapping in node.findall(f"{BPMN}extensionElements/{{{NS[prefix]}}}in") + \
                    node.findall(f"{BPMN}extensionElements/{{{NS[prefix]}}}out"):
                direction = "input" if local(mapping.tag) == "in" else "output"
                label = _mapping_label(mapping)
                source, target = (mapping.get("source") or "").strip(), (mapping.get("target") or "").strip()
                expression = (mapping.get("sourceExpression") or "").strip()
                if mapping.get("local") == "true" or mapping.get("targetExpression"):
                    self.problem(mapping, "mapping.untranslatable", mapping=label,
                                 why="local" if mapping.get("local") == "true" else "target")
                    continue
                if mapping.get("variables") == "all" or mapping.get("businessKey") is not None \
                        or (source and source == target and not expression):
                    kept.append(label)
                    continue
                if not self.is_variable(target) or (source and not self.is_variable(source)):
                    self.problem(mapping, "mapping.untranslatable", mapping=label, why="target")
                    continue
                if _is_loop(node):
                    self.problem(mapping, "mapping.untranslatable", mapping=label, why="loop")
                    continue
                value = self.mapping_source(mapping, expression, "juel") if expression else source
                if value is None:
                    continue
                (inputs if direction == "input" else outputs).append((target, value, label, mapping))
                if direction == "input":
                    drops[target] = (label, mapping)
                elif source and source not in elsewhere and source not in handed:
                    drops.setdefault(source, (label, mapping))
                elif source and (child_writes is None or source in child_writes):
                    # the called process sets it and SpiffWorkflow brings it back over the caller's own
                    self.problem(mapping, "mapping.untranslatable", mapping=label, why="shadows")
        if kept:
            self.note(node, "mapping.kept", mappings="; ".join(kept))

    def is_variable(self, name: str) -> bool:
        return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name or "")) and name not in self.functions \
            and name not in _PYTHON_WORDS

    def mapping_source(self, element: etree._Element, text: str, language: str) -> str | None:
        """A mapping's source in quytrinh's language. Zeebe: FEEL after ``=``, otherwise a static value (a
        text); Camunda: JUEL ``${…}``, otherwise the text itself, empty for null."""
        value = text.strip()
        if language == "feel":
            if expressions.dialect_of(value) == "feel":
                return self.translated(element, value, "mapping", "feel")
            return repr(text)
        if not value:
            return "None"
        if expressions.dialect_of(value) == "juel":
            return self.translated(element, value, "mapping")
        if "${" in value or "#{" in value:
            self.untranslatable(element, value, "mapping")
            return None
        return repr(value)

    # services -------------------------------------------------------------------------------

    def service(self, node: etree._Element) -> None:
        tag = local(node.tag)
        if tag == "businessRuleTask":
            decision = next((node.get(f"{{{NS[p]}}}decisionRef") for p in ENGINES
                             if node.get(f"{{{NS[p]}}}decisionRef")), None)
            if decision and node.find(f"{BPMN}extensionElements/{SPIFF}calledDecisionId") is None:
                extensions = self.extensions(node)
                etree.SubElement(extensions, f"{SPIFF}calledDecisionId").text = decision
                self.changed = True
            return
        if node.find(f"{BPMN}extensionElements/{SPIFF}serviceTaskOperator") is not None:
            return
        binding = _service_binding(node)
        if binding is None:
            if tag == "serviceTask":
                self.problem(node, "service.missing_implementation")
            return
        key, call = binding
        if key.startswith("expression:") and call is None:
            self.evaluate_only(node, key[len("expression:"):])
            return
        function_name = self.services.get(key)
        if function_name is None or function_name not in self.functions:
            self.problem(node, "service.unbound", binding=key, function=function_name or "")
            return
        if tag != "serviceTask":
            node.tag = f"{BPMN}serviceTask"
            for attribute in ("messageRef", "operationRef"):
                node.attrib.pop(attribute, None)
        parameters = self.parameters(node, self.functions[function_name], call)
        if parameters is None:
            return
        result = next((node.get(f"{{{NS[p]}}}resultVariable") for p in ENGINES
                       if node.get(f"{{{NS[p]}}}resultVariable")), None)
        extensions = self.extensions(node)
        operator = etree.SubElement(extensions, f"{SPIFF}serviceTaskOperator", id=f"function:{function_name}",
                                    resultVariable=result or f"{_safe(node.get('id', ''))}_result")
        holder = etree.SubElement(operator, f"{SPIFF}parameters")
        for name, value in parameters.items():
            etree.SubElement(holder, f"{SPIFF}parameter", id=name, type="any", value=value)
        if not result:
            self.set_properties(node, mergeResult="true")
        self.changed = True
        self.note(node, "service.bound", binding=key, function=function_name)

    def evaluate_only(self, node: etree._Element, text: str) -> None:
        """``camunda:expression="${true}"``: an expression without a bean has no effect but its value,
        so the task becomes a script task that stores the value (in ``resultVariable``, if any)."""
        value = self.translated(node, text, "expression")
        if value is None:
            return
        result = next((node.get(f"{{{NS[p]}}}resultVariable") for p in ENGINES
                       if node.get(f"{{{NS[p]}}}resultVariable")), None)
        node.tag = f"{BPMN}scriptTask"
        for attribute in ("messageRef", "operationRef", "implementation"):
            node.attrib.pop(attribute, None)
        script = etree.SubElement(node, f"{BPMN}script")
        script.text = f"{result} = {value}" if result else "pass"
        self.changed = True
        self.note(node, "service.expression_evaluated", expression=text)

    def parameters(self, node, function: Callable, call: list[str] | None) -> dict[str, str] | None:
        """Name each parameter of the bound function: from the call's arguments (``#{bean.m(a, b)}``),
        from ``camunda:inputParameter`` of the same name, or from the case variable of the same name."""
        inputs = {}
        for prefix in ENGINES:
            for parameter in node.iter(f"{{{NS[prefix]}}}inputParameter"):
                if parameter.get("name") and (parameter.text or "").strip():
                    inputs[parameter.get("name")] = parameter.text.strip()
        result = {}
        signature = inspect.signature(function).parameters
        names = [n for n, p in signature.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if call is not None:
            if len(call) > len(names):
                self.problem(node, "service.arguments", function=getattr(function, "__name__", ""),
                             expected=len(names), given=len(call))
                return None
            for name, argument in zip(names, call):
                if re.search(r"\bexecution\b", re.sub(r"'[^']*'|\"[^\"]*\"", "", argument)):
                    # Camunda passes its DelegateExecution object: no case variable stands for it
                    self.problem(node, "expression.untranslatable", expression=argument.strip()[:200],
                                 kind="parameter")
                    return None
                result[name] = "${" + argument + "}"    # an argument of a JUEL call is JUEL itself
        for name in names:
            if name in result:
                continue
            if name in inputs:
                result[name] = inputs[name]
            elif signature[name].default is inspect.Parameter.empty:
                result[name] = name
        translated = {}
        for name, value in result.items():
            text = value
            if expressions.dialect_of(text):
                text = self.translated(node, text, "parameter")
                if text is None:
                    return None
            translated[name] = text
        return translated

    def extensions(self, node: etree._Element) -> etree._Element:
        extensions = node.find(f"{BPMN}extensionElements")
        if extensions is None:
            extensions = etree.Element(f"{BPMN}extensionElements")
            docs = node.findall(f"{BPMN}documentation")
            (docs[-1].addnext if docs else lambda e: node.insert(0, e))(extensions)
        return extensions


# helpers -------------------------------------------------------------------------------------

_PYTHON_WORDS = {"and", "or", "not", "in", "is", "if", "else", "for", "while", "del", "None", "True", "False",
                 "lambda", "def", "class", "return", "import", "from", "as", "with", "pass", "break", "continue"}


def _has_mappings(node: etree._Element) -> bool:
    extensions = node.find(f"{BPMN}extensionElements")
    if extensions is None:
        return False
    if extensions.find(f"{ZEEBE}ioMapping") is not None:
        return True
    for prefix in ENGINES:
        ns = "{%s}" % NS[prefix]
        if extensions.find(f"{ns}inputOutput") is not None or extensions.find(f"{ns}in") is not None \
                or extensions.find(f"{ns}out") is not None:
            return True
    return False


def _is_loop(node: etree._Element) -> bool:
    return node.find(f"{BPMN}multiInstanceLoopCharacteristics") is not None \
        or node.find(f"{BPMN}standardLoopCharacteristics") is not None


def _mapping_label(mapping: etree._Element) -> str:
    """A mapping as written: ``input source="= applicant.age" target="age"``, ``inputParameter name="x"``."""
    attributes = " ".join(f'{etree.QName(k).localname}="{v}"' for k, v in mapping.attrib.items())
    text = (mapping.text or "").strip()
    return (f"{local(mapping.tag)} {attributes}" + (f": {text}" if text else "")).strip()[:200]


def _uses_by_owner(process: etree._Element, files: Mapping[str, str]) -> dict[etree._Element, set[str]]:
    """The names each flow element of a process mentions (read, set, asked in its form), by element: a
    generous reading (every identifier of an expression or script), to tell whether a name means something
    outside one element. A variable local to another element (its input mapping's target, a name handed to
    or taken from a called process) is not a use: it is gone when that element ends."""
    owners = {f"{BPMN}{t}" for t in _FLOW_NODES + ("sequenceFlow",)}
    uses: dict[etree._Element, set[str]] = {}
    words = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        owner = next((e for e in element.iterancestors() if e.tag in owners), None) \
            if element.tag not in owners else element
        if owner is None:
            continue
        names = uses.setdefault(owner, set())
        name = local(element.tag)
        if name in ("input", "output", "in", "out", "inputParameter", "outputParameter") \
                and not element.tag.startswith(BPMN):
            # what the mapping reads in this process, and what it leaves in it (not the local target of an
            # input, nor the called process's own name a call's output reads)
            if name in ("input", "output", "in"):
                names.update(words.findall(element.get("source") or ""))
            if name == "in":
                names.update(words.findall(element.get("sourceExpression") or ""))
            if name in ("inputParameter", "outputParameter"):
                names.update(words.findall(element.text or ""))
            if name in ("output", "out"):
                names.add(element.get("target") or "")
            if name == "outputParameter":
                names.add(element.get("name") or "")
            continue
        form = properties(element).get("formJsonSchemaFilename") if element is owner else None
        if form:
            try:
                names.update(json.loads(files.get(form) or "{}").get("properties", {}))
            except (ValueError, AttributeError):
                pass
        if element.text and element.text.strip() and name not in ("documentation", "text", "userTaskForm"):
            names.update(words.findall(element.text))
        for key, value in element.attrib.items():
            if etree.QName(key).localname in ("resultVariable", "elementVariable", "collection", "assignee",
                                              "candidateUsers", "value", "inputCollection", "inputElement",
                                              "outputCollection", "outputElement", "initiator"):
                names.update(words.findall(value))
    return uses


def _same(a: etree._Element, b: etree._Element) -> bool:
    """The same element written twice: tag, attributes, text and children alike."""
    return (a.tag == b.tag and dict(a.attrib) == dict(b.attrib) and (a.text or "").strip() == (b.text or "").strip()
            and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b)))


def _remove(node: etree._Element) -> None:
    """Remove an element and keep its tail text's line breaks, so later elements keep their lines."""
    parent, tail = node.getparent(), node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _reads(process: etree._Element) -> dict[str, set[str]]:
    """The variables a process's expressions read, each with the kinds its uses suggest (a bare test: boolean;
    compared with a number: number; else string). Expressions not yet rewritten (a called process in a file
    rewritten later) are read as translated."""
    reads: dict[str, set[str]] = {}
    for node in process.iter(f"{BPMN}conditionExpression", f"{BPMN}loopCardinality", f"{BPMN}loopDataInputRef",
                             f"{BPMN}condition", f"{BPMN}completionCondition", f"{SPIFF}parameter",
                             f"{SPIFF}preScript", f"{SPIFF}postScript"):
        text = (node.get("value") if node.tag == f"{SPIFF}parameter" else node.text) or ""
        if expressions.dialect_of(text):
            try:
                text = expressions.translate(text)
            except expressions.Untranslatable:
                continue
        for expression in _assigned_values(text) if node.tag in (f"{SPIFF}preScript", f"{SPIFF}postScript") \
                else [text]:
            if node.tag != f"{BPMN}conditionExpression" and re.fullmatch(r"[A-Za-z]\w*", expression.strip()):
                reads.setdefault(expression.strip(), set())     # copied as it is (b = a): of no kind of its own
                continue
            for name, kind in names_read(expression).items():
                reads.setdefault(name, set()).add(kind if node.tag == f"{BPMN}conditionExpression" else "string")
    return reads


def _assigned_values(script: str) -> list[str]:
    """The expressions a script assigns (``assignee_t = find_editor(announcement=announcement)``), to read
    the names they use."""
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return []
    return [ast.unparse(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)]


def _is_quytrinh_syntax(text: str) -> bool:
    """The text parses as quytrinh's expression language (what it may call is the linter's business)."""
    try:
        scripting.check_source(text, mode="eval")
    except ScriptError as exc:
        return exc.code != "script.syntax"
    return True


def _is_time_literal(text: str) -> bool:
    return bool(scripting.ISO_LITERAL.match(text) or deadlines.WORKING_DAYS.match(text))


def _foreign_code(node: etree._Element) -> str:
    """What a listener or ``camunda:script`` of another engine runs: the language of its script, else the
    Java class, expression or delegate expression it calls."""
    script = next((c for c in node if isinstance(c.tag, str) and local(c.tag) == "script"), node)
    for holder, attribute, label in ((script, "scriptFormat", ""), (script, "resource", "resource "),
                                     (node, "class", "class "), (node, "expression", "expression "),
                                     (node, "delegateExpression", "delegateExpression ")):
        if (holder.get(attribute) or "").strip():
            return label + holder.get(attribute).strip()
    return ""


def _uses(root: etree._Element, namespace: str) -> bool:
    marker = "{%s}" % namespace
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.startswith(marker) or any(k.startswith(marker) for k in element.attrib):
            return True
    return False


def _owner_id(node: etree._Element) -> str:
    owner = node
    while owner is not None and not owner.get("id"):
        owner = owner.getparent()
    return owner.get("id", "") if owner is not None else ""


def _by_source(flows: Iterable[etree._Element]) -> dict[str | None, list[etree._Element]]:
    """Sequence flows by the id of the node they leave, in document order (one pass, not one per node)."""
    found: dict[str | None, list[etree._Element]] = {}
    for flow in flows:
        found.setdefault(flow.get("sourceRef"), []).append(flow)
    return found


def _has_condition(flow: etree._Element) -> bool:
    condition = flow.find(f"{BPMN}conditionExpression")
    return condition is not None and bool((condition.text or "").strip())


def _safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", value)


def _foreign_assignment(node: etree._Element) -> tuple[str, str] | None:
    for prefix in ENGINES:
        for kind in ("assignee", "candidateGroups", "candidateUsers"):
            value = node.get(f"{{{NS[prefix]}}}{kind}")
            if value and value.strip():
                return kind, value.strip()
    zeebe = node.find(f"{BPMN}extensionElements/{ZEEBE}assignmentDefinition")
    if zeebe is not None:
        for kind in ("assignee", "candidateGroups", "candidateUsers"):
            if (zeebe.get(kind) or "").strip():
                value = zeebe.get(kind).strip()
                return kind, ("${" + value[1:].strip() + "}" if value.startswith("=") else value)
    return None


def _service_binding(node: etree._Element) -> tuple[str, list[str] | None] | None:
    """The binding key of a foreign service task and, for ``#{bean.method(args)}``, its arguments."""
    for prefix in ENGINES:
        attribute = lambda name: (node.get(f"{{{NS[prefix]}}}{name}") or "").strip()  # noqa: E731
        if attribute("class"):
            return f"class:{attribute('class')}", []
        if attribute("delegateExpression"):
            bean = expressions.bean_call(attribute("delegateExpression"))
            return f"delegateExpression:{bean[0] if bean else attribute('delegateExpression')}", []
        if attribute("topic"):
            return f"topic:{attribute('topic')}", []
        if attribute("expression"):
            bean = expressions.bean_call(attribute("expression"))
            if bean is not None and "." in bean[0] or (bean is not None and bean[1]):
                return f"expression:{bean[0]}", bean[1]
            return f"expression:{attribute('expression')}", None
        if attribute("type"):
            return f"type:{attribute('type')}", []
    zeebe = node.find(f"{BPMN}extensionElements/{ZEEBE}taskDefinition")
    if zeebe is not None and zeebe.get("type"):
        return f"type:{zeebe.get('type').strip()}", []
    return None
