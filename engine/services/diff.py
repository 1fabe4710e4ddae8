"""Compare two versions of a procedure element by element (the designer's visual diff).

Elements are matched by their BPMN id, in every BPMN file of the two bundles. For each id present on both
sides the comparison covers what changes behaviour or assignment: the element type, its name, quytrinh's
extension properties (``role``, ``scope``, ``formJsonSchemaFilename``, ``deadline``...), other attributes
(``camunda:candidateGroups``, ``default``...), a flow's source, target and condition, the lane a step sits
in, scripts, timers, event references, multi-instance settings, other extension content, the
documentation and the content of the step's form (fields added, removed or changed). Layout (BPMN DI) is
not compared: moving a box is not a new behaviour.

Pure functions over file texts: no database, no SpiffWorkflow; values are codes and raw values, the web
app words them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from engine.conventions import BPMN, NS, lane_of_nodes, local, properties

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

#: Elements that are parts of another element (compared as that element's fields), not elements of their own.
_PARTS = {"definitions", "extensionElements", "laneSet", "conditionExpression", "timeDuration", "timeDate",
          "timeCycle", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics", "loopCardinality",
          "completionCondition", "loopDataInputRef", "loopDataOutputRef", "inputDataItem", "outputDataItem",
          "script", "documentation", "incoming", "outgoing", "flowNodeRef", "text", "ioSpecification",
          "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputAssociation", "dataOutputAssociation",
          "property", "sourceRef", "targetRef"}
_EVENT_DEFINITIONS = ("timerEventDefinition", "messageEventDefinition", "signalEventDefinition",
                      "errorEventDefinition", "escalationEventDefinition", "conditionalEventDefinition",
                      "terminateEventDefinition", "linkEventDefinition", "compensateEventDefinition",
                      "cancelEventDefinition")
#: Attributes that are fields of their own (or identity), not "other attributes".
_OWN_ATTRIBUTES = {"id", "name", "sourceRef", "targetRef"}
#: BPMN attributes at their default value mean the same as no attribute (bpmn-js leaves them out on save).
_DEFAULTS = {"cancelActivity": "true", "isInterrupting": "true", "isSequential": "false", "parallelMultiple": "false",
             "isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1", "triggeredByEvent": "false",
             "isClosed": "false", "instantiate": "false", "isCollection": "false", "isImmediate": "false"}


@dataclass(frozen=True)
class FieldChange:
    """One compared field of an element: ``field`` is a code (``name``, ``lane``, ``property:role``,
    ``attribute:default``, ``form_content``...), ``old``/``new`` the raw values (None when absent);
    ``detail`` says more where a value is large (the form fields that changed)."""

    field: str
    old: str | None
    new: str | None
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new, "detail": self.detail}


@dataclass(frozen=True)
class ElementChange:
    element: str
    kind: str               # added | removed | changed
    type: str               # the BPMN type (local name) on the newer side, else the older
    name: str
    file: str
    fields: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict:
        return {"element": self.element, "kind": self.kind, "type": self.type, "name": self.name, "file": self.file,
                "fields": [f.as_dict() for f in self.fields]}


@dataclass(frozen=True)
class FileChange:
    name: str
    kind: str               # added | removed | changed


@dataclass(frozen=True)
class BundleDiff:
    elements: list[ElementChange]
    files: list[FileChange]
    #: element id -> name on either side (the newer name wins), to word lane ids and flow ends
    names: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.elements and not self.files

    def ids(self, kind: str) -> list[str]:
        return [c.element for c in self.elements if c.kind == kind]

    def marks(self) -> dict[str, list[str]]:
        """Element ids per kind, for colouring the two diagrams."""
        return {kind: self.ids(kind) for kind in (ADDED, REMOVED, CHANGED)}

    def as_dict(self) -> dict:
        return {"elements": [c.as_dict() for c in self.elements],
                "files": [{"name": f.name, "kind": f.kind} for f in self.files], "marks": self.marks()}


@dataclass
class _Element:
    id: str
    type: str
    name: str
    file: str
    fields: dict[str, str] = field(default_factory=dict)
    form: str | None = None


def diff_bundles(old_files: dict[str, str], new_files: dict[str, str]) -> BundleDiff:
    """Every element added, removed or changed between two bundles ({file name: text}), in document order
    of the newer side (removed elements after, in the older side's order), and the files that differ.

    A file that is not well-formed XML contributes no elements (validation reports it).
    """
    old_files = _own_files(old_files)
    new_files = _own_files(new_files)
    old = _elements(old_files)
    new = _elements(new_files)
    changes: list[ElementChange] = []
    for element_id, after in new.items():
        before = old.get(element_id)
        if before is None:
            changes.append(ElementChange(element_id, ADDED, after.type, after.name, after.file))
            continue
        fields = _compare(before, after, old_files, new_files)
        if fields:
            changes.append(ElementChange(element_id, CHANGED, after.type, after.name or before.name, after.file,
                                         tuple(fields)))
    for element_id, before in old.items():
        if element_id not in new:
            changes.append(ElementChange(element_id, REMOVED, before.type, before.name, before.file))
    files = [FileChange(name, ADDED) for name in new_files if name not in old_files]
    files += [FileChange(name, REMOVED) for name in old_files if name not in new_files]
    files += [FileChange(name, CHANGED) for name in new_files
              if name in old_files and _normal_text(old_files[name]) != _normal_text(new_files[name])]
    names = {e.id: e.name for e in old.values() if e.name} | {e.id: e.name for e in new.values() if e.name}
    return BundleDiff(elements=changes, files=sorted(files, key=lambda f: f.name), names=names)


def _own_files(files: dict[str, str]) -> dict[str, str]:
    """Without the forms engine/dialects.py generated at deploy (derived from the BPMN, compared there)."""
    from engine.dialects import GENERATED
    return {name: text for name, text in files.items() if not name.startswith(GENERATED)}


def _normal_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines() if line.strip())


def _compare(before: _Element, after: _Element, old_files: dict[str, str],
             new_files: dict[str, str]) -> list[FieldChange]:
    fields = []
    if before.type != after.type:
        fields.append(FieldChange("type", before.type, after.type))
    if before.name != after.name:
        fields.append(FieldChange("name", before.name or None, after.name or None))
    for name in sorted(set(before.fields) | set(after.fields), key=_field_order):
        if before.fields.get(name) != after.fields.get(name):
            fields.append(FieldChange(name, before.fields.get(name), after.fields.get(name)))
    if before.form and after.form and before.form == after.form:
        content = _form_change(old_files.get(before.form), new_files.get(after.form))
        if content is not None:
            fields.append(FieldChange("form_content", before.form, after.form, content))
    elif before.form and after.form:  # another file: its content is compared too
        content = _form_change(old_files.get(before.form), new_files.get(after.form))
        if content is not None and any(content.values()):
            fields.append(FieldChange("form_content", before.form, after.form, content))
    return fields


_ORDER = ("lane", "source", "target", "condition", "property:", "attribute:", "script", "timer", "event",
          "called", "loop", "extensions", "documentation")


def _field_order(name: str) -> tuple[int, str]:
    return next((i for i, prefix in enumerate(_ORDER) if name.startswith(prefix)), len(_ORDER)), name


def _form_change(old_text: str | None, new_text: str | None) -> dict | None:
    """Fields added, removed and changed between two JSON Schemas; None when they are the same.

    ``{"added": [...], "removed": [...], "changed": [...], "other": bool}``: ``other`` is a change outside
    the fields (title, required list, layout keys).
    """
    if old_text == new_text:
        return None
    try:
        old, new = json.loads(old_text or "null"), json.loads(new_text or "null")
    except json.JSONDecodeError:
        return {"added": [], "removed": [], "changed": [], "other": True}
    if old == new:
        return None
    old_fields = _schema_fields(old)
    new_fields = _schema_fields(new)
    result = {
        "added": sorted(set(new_fields) - set(old_fields)),
        "removed": sorted(set(old_fields) - set(new_fields)),
        "changed": sorted(n for n in set(old_fields) & set(new_fields) if old_fields[n] != new_fields[n]),
    }
    rest_old = {k: v for k, v in (old or {}).items() if k != "properties"} if isinstance(old, dict) else old
    rest_new = {k: v for k, v in (new or {}).items() if k != "properties"} if isinstance(new, dict) else new
    result["other"] = rest_old != rest_new
    return result


def _schema_fields(schema) -> dict:
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return {}
    return schema["properties"]


# Reading elements -------------------------------------------------------------------------------

def _elements(files: dict[str, str]) -> dict[str, _Element]:
    found: dict[str, _Element] = {}
    for name in sorted(files, key=lambda n: (not n.endswith(".bpmn"), n)):
        if not name.endswith((".bpmn", ".xml")):
            continue
        try:
            root = etree.fromstring(files[name].encode("utf-8"))
        except etree.XMLSyntaxError:
            continue
        lanes: dict[str, etree._Element] = {}
        for process in root.iter(f"{BPMN}process"):
            lanes.update(lane_of_nodes(process))
        for node in root.iter():
            if not _is_element(node):
                continue
            element_id = node.get("id")
            if element_id in found:   # the same id in two files: the first (main) file's element wins
                continue
            found[element_id] = _read(node, name, lanes)
    return found


def _is_element(node) -> bool:
    if not isinstance(node.tag, str) or not node.get("id") or not node.tag.startswith(BPMN):
        return False
    tag = local(node.tag)
    if tag in _PARTS or tag in _EVENT_DEFINITIONS:
        return False
    # nothing inside an extension is an element of the diagram
    return not any(local(a.tag) == "extensionElements" for a in node.iterancestors() if isinstance(a.tag, str))


def _read(node: etree._Element, file: str, lanes: dict[str, etree._Element]) -> _Element:
    tag = local(node.tag)
    element = _Element(id=node.get("id"), type=tag, name=" ".join((node.get("name") or "").split()), file=file)
    fields = element.fields
    lane = lanes.get(node.get("id"))
    if lane is not None:
        fields["lane"] = lane.get("id")
    if tag == "sequenceFlow":
        fields["source"] = node.get("sourceRef") or ""
        fields["target"] = node.get("targetRef") or ""
        condition = node.find(f"{BPMN}conditionExpression")
        if condition is not None and (condition.text or "").strip():
            fields["condition"] = (condition.text or "").strip()
    for prop, value in properties(node).items():
        fields[f"property:{prop}"] = value
    element.form = properties(node).get("formJsonSchemaFilename")
    if element.form:
        element.form = str(PurePosixPath(element.form))
    for attribute, value in node.attrib.items():
        name = _attribute_name(attribute)
        if name not in _OWN_ATTRIBUTES and _DEFAULTS.get(name) != value.strip().lower():
            fields[f"attribute:{name}"] = value
    script = node.find(f"{BPMN}script")
    if script is not None and (script.text or "").strip():
        fields["script"] = _normal_text(script.text)
    timer = _timer(node)
    if timer:
        fields["timer"] = timer
    events = _event_definitions(node)
    if events:
        fields["event"] = events
    loop = _loop(node)
    if loop:
        fields["loop"] = loop
    extensions = _other_extensions(node)
    if extensions:
        fields["extensions"] = extensions
    documentation = node.find(f"{BPMN}documentation")
    if documentation is not None and (documentation.text or "").strip():
        fields["documentation"] = _normal_text(documentation.text)
    return element


_PREFIXES = {uri: prefix for prefix, uri in NS.items()}


def _attribute_name(attribute: str) -> str:
    if attribute.startswith("{"):
        uri, _, name = attribute[1:].partition("}")
        return f"{_PREFIXES.get(uri, uri)}:{name}"
    return attribute


def _timer(node: etree._Element) -> str:
    values = []
    for definition in node.findall(f"{BPMN}timerEventDefinition"):
        for child in definition:
            if isinstance(child.tag, str) and (child.text or "").strip():
                values.append(f"{local(child.tag)}={child.text.strip()}")
    return "; ".join(values)


def _event_definitions(node: etree._Element) -> str:
    values = []
    for child in node:
        if not isinstance(child.tag, str) or local(child.tag) not in _EVENT_DEFINITIONS:
            continue
        kind = local(child.tag).replace("EventDefinition", "")
        refs = [f"{_attribute_name(k)}={v}" for k, v in sorted(child.attrib.items()) if k != "id"]
        values.append(kind + (f"({', '.join(refs)})" if refs else ""))
    return "; ".join(values)


def _loop(node: etree._Element) -> str:
    loop = node.find(f"{BPMN}multiInstanceLoopCharacteristics")
    if loop is None:
        standard = node.find(f"{BPMN}standardLoopCharacteristics")
        return "" if standard is None else "standard " + _canonical(standard)
    return "multiInstance " + _canonical(loop)


def _other_extensions(node: etree._Element) -> str:
    """Extension content other than the name/value properties (camunda:formData, scripts of spiff...)."""
    extensions = node.find(f"{BPMN}extensionElements")
    if extensions is None:
        return ""
    parts = [_canonical(child) for child in extensions
             if isinstance(child.tag, str) and local(child.tag) != "properties"]
    return "\n".join(p for p in parts if p)


def _canonical(node: etree._Element) -> str:
    """A layout-free text of an XML subtree: tags, sorted attributes and stripped texts."""
    def walk(element) -> str:
        if not isinstance(element.tag, str):
            return ""
        attributes = " ".join(f"{_attribute_name(k)}={v!r}" for k, v in sorted(element.attrib.items())
                              if k != "id" and _DEFAULTS.get(_attribute_name(k)) != v.strip().lower())
        text = " ".join((element.text or "").split())
        inner = "".join(walk(child) for child in element)
        return f"<{local(element.tag)}{' ' + attributes if attributes else ''}>{text}{inner}</>"
    return walk(node)


__all__ = ["ADDED", "REMOVED", "CHANGED", "FieldChange", "ElementChange", "FileChange", "BundleDiff",
           "diff_bundles"]
