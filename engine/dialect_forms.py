"""Forms of other tools as JSON Schemas, and the variables a process needs from whoever starts it.

Used by engine/dialects.py: ``camunda:formData`` and ``flowable:formProperty`` become a JSON Schema; a
``formKey`` names a JSON Schema file beside the BPMN file; the variables that a process's expressions read
and nothing in it sets become the fields of a start form (docs/interop.md).
"""

from __future__ import annotations

import ast
import html as entities
import json
import re
from typing import Mapping

from lxml import etree

from engine.conventions import BPMN, NS, local, properties

ENGINES = ("camunda", "flowable", "activiti")
_PRE_SCRIPT = "{%s}preScript" % NS["spiffworkflow"]
_POST_SCRIPT = "{%s}postScript" % NS["spiffworkflow"]
_FORM_TYPES = {"string": {"type": "string"}, "long": {"type": "integer"}, "integer": {"type": "integer"},
               "int": {"type": "integer"}, "short": {"type": "integer"}, "double": {"type": "number"},
               "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"}}


def form_key_files(key: str) -> list[str]:
    """The JSON Schema files that stand for another tool's form key, beside the BPMN file:
    ``embedded:app:forms/approve.html`` -> ``forms/approve.json``; ``loanin`` -> ``loanin.json``,
    ``forms/loanin.json``."""
    name = re.sub(r"^(camunda-forms:|embedded:)?(app:|deployment:)?", "", key.strip())
    stem = re.sub(r"\.(html?|form|jsf|json)$", "", name)
    if not re.fullmatch(r"[A-Za-z0-9_.\-/]+", stem) or ".." in stem or stem.startswith("/"):
        return [re.sub(r"[^A-Za-z0-9_.-]", "_", stem) + ".json"]
    candidates = [f"{stem}.json"]
    if "/" not in stem:
        candidates.append(f"forms/{stem}.json")
    return candidates


def form_schema(node: etree._Element) -> dict | None:
    """A JSON Schema from ``camunda:formData`` fields or ``flowable:/activiti:formProperty`` elements."""
    fields, required = {}, []
    for prefix in ENGINES:
        ns = "{%s}" % NS[prefix]
        for item in node.iter(f"{ns}formField"):
            name = item.get("id")
            if not name:
                continue
            schema = dict(_FORM_TYPES.get((item.get("type") or "string").lower(), {"type": "string"}))
            values = [v.get("id") for v in item.iter(f"{ns}value") if v.get("id")]
            if values:
                schema = {"type": "string", "enum": values}
            schema["title"] = item.get("label") or name
            for constraint in item.iter(f"{ns}constraint"):
                _constrain(schema, constraint.get("name"), constraint.get("config"), name, required)
            fields[name] = schema
        for item in node.iter(f"{ns}formProperty"):
            name = item.get("id")
            if not name or item.get("writable") == "false":
                continue
            schema = dict(_FORM_TYPES.get((item.get("type") or "string").lower(), {"type": "string"}))
            values = [v.get("id") for v in item.iter(f"{ns}value") if v.get("id")]
            if values:
                schema = {"type": "string", "enum": values}
            schema["title"] = item.get("name") or name
            if item.get("required") == "true":
                required.append(name)
            fields[name] = schema
    if not fields:
        return None
    schema = {"type": "object", "properties": fields}
    if required:
        schema["required"] = sorted(set(required))
    return schema


def _constrain(schema: dict, name: str | None, config: str | None, field_name: str, required: list) -> None:
    if name == "required":
        required.append(field_name)
    elif name in ("min", "max") and config is not None:
        try:
            schema["minimum" if name == "min" else "maximum"] = int(config)
        except ValueError:
            pass
    elif name in ("minlength", "maxlength") and config is not None and config.isdigit():
        schema["minLength" if name == "minlength" else "maxLength"] = int(config)


def names_read(text: str) -> dict[str, str]:
    """Names an expression reads, with the JSON type their use suggests (a bare test: boolean; compared
    with a number: number; otherwise string)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return {}
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            numbers = any(isinstance(o, ast.Constant) and isinstance(o.value, (int, float))
                          and not isinstance(o.value, bool) for o in operands)
            for operand in operands:
                if isinstance(operand, ast.Name):
                    found.setdefault(operand.id, "number" if numbers else "string")
        elif isinstance(node, (ast.BoolOp, ast.UnaryOp)) and not isinstance(getattr(node, "op", None), ast.USub):
            for operand in getattr(node, "values", None) or [node.operand]:
                if isinstance(operand, ast.Name):
                    found.setdefault(operand.id, "boolean")
        elif isinstance(node, ast.Call):
            for argument in node.args:
                if isinstance(argument, ast.Name):
                    found.setdefault(argument.id, "string")
    if isinstance(tree.body, ast.Name):
        found[tree.body.id] = "boolean"
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in found and node.id not in ("True", "False", "None"):
            found[node.id] = "string"
    return found


def names_written(process: etree._Element, files: Mapping[str, str]) -> set[str]:
    """Names that something in the process sets: form fields, script assignments, results, loop items."""
    written: set[str] = set()
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        form = properties(node).get("formJsonSchemaFilename") if node.tag.startswith(BPMN) else None
        if form and form in files:
            try:
                written |= set(json.loads(files[form]).get("properties", {}))
            except (ValueError, AttributeError):
                pass
        if node.tag in (f"{BPMN}script", _PRE_SCRIPT, _POST_SCRIPT) and node.text:
            try:
                for each in ast.walk(ast.parse(node.text)):
                    if isinstance(each, ast.Name) and isinstance(each.ctx, ast.Store):
                        written.add(each.id)
            except SyntaxError:
                pass
        for attribute in ("resultVariable", "elementVariable", "outputVariable"):
            for key, value in node.attrib.items():
                if key.endswith("}" + attribute) or key == attribute:
                    written.add(value)
        if local(node.tag) in ("inputDataItem", "outputDataItem", "loopDataOutputRef", "dataObject"):
            written.add(node.get("id") or node.text or "")
        if local(node.tag) == "outputParameter" and node.get("name"):
            written.add(node.get("name"))
    return written


# Camunda Forms (Camunda 8): the JSON a Zeebe file embeds in ``zeebe:userTaskForm`` ---------------------

#: components that hold no data: shown, never submitted (``button`` is the form's own submit/reset)
_DISPLAY = {"text", "spacer", "separator", "button"}
#: keys of a component that change neither the data nor what is asked (layout, looks, identity)
_COSMETIC = {"id", "type", "key", "label", "description", "layout", "appearance", "properties", "values",
             "validate", "defaultValue", "subtype", "dateLabel", "decimalDigits", "increment", "text",
             "disallowPassedDates", "searchable", "action", "height", "use24h", "timeLabel"}
_VALIDATION = {"required", "minLength", "maxLength", "min", "max", "pattern", "validationType"}


def camunda_form_schema(text: str) -> tuple[dict | None, list[tuple[str, str]], str]:
    """A JSON Schema from a Camunda Forms document (``{"components": [...]}``), the problems found as
    (component, feature) pairs, and the text of its display components (instructions for the person).

    Translated: textfield, textarea, number, checkbox, checklist, radio, select, taglist and datetime of
    subtype ``date``; ``key`` is the field, ``label`` its title, ``values`` its options, ``defaultValue`` its
    default; ``validate`` required, minLength, maxLength, min, max, pattern and validationType email. Anything
    computed when the form is shown (an expression ``=…``, ``conditional``, ``valuesKey``, ``valuesExpression``),
    another component (group, dynamiclist, filepicker, iframe, html…) or another key is a problem, named."""
    try:
        form = json.loads(text)
    except ValueError:
        return None, [("", "json")], ""
    if not isinstance(form, dict) or not isinstance(form.get("components"), list):
        return None, [("", "json")], ""
    fields: dict[str, dict] = {}
    required: list[str] = []
    problems: list[tuple[str, str]] = []
    shown: list[str] = []
    for component in form["components"]:
        if not isinstance(component, dict):
            problems.append(("", "json"))
            continue
        kind = str(component.get("type") or "")
        name = str(component.get("key") or component.get("id") or kind)
        if kind in _DISPLAY:
            if kind == "text" and isinstance(component.get("text"), str):
                if component["text"].strip().startswith("="):
                    problems.append((name, "expression"))
                else:
                    shown.append(_plain_text(component["text"]))
            continue
        schema = _component_schema(component, kind)
        if schema is None:
            problems.append((name, kind or "type"))
            continue
        found = [key for key, value in component.items()
                 if key not in _COSMETIC and value not in (None, False, "", {}, [])]
        found += [f"validate.{key}" for key in (component.get("validate") or {}) if key not in _VALIDATION]
        if component.get("subtype") not in (None, "date"):
            found.append(f"subtype {component.get('subtype')}")
        if any(isinstance(value, str) and value.strip().startswith("=") for value in component.values()):
            found.append("expression")
        if (component.get("validate") or {}).get("validationType") not in (None, "", "email"):
            found.append(f"validationType {component['validate']['validationType']}")
        if found:
            problems.extend((name, feature) for feature in found)
            continue
        if not component.get("key"):
            problems.append((name, "key"))
            continue
        if component.get("label"):
            schema["title"] = str(component["label"])
        if component.get("description"):
            schema["description"] = str(component["description"])
        if "defaultValue" in component:
            schema["default"] = component["defaultValue"]
        validate = component.get("validate") or {}
        if validate.get("required") is True:
            required.append(component["key"])
        for source, target in (("minLength", "minLength"), ("maxLength", "maxLength"), ("min", "minimum"),
                               ("max", "maximum"), ("pattern", "pattern")):
            if validate.get(source) not in (None, ""):
                schema[target] = validate[source]
        if validate.get("validationType") == "email":
            schema["format"] = "email"
        fields[component["key"]] = schema
    schema = {"type": "object", "properties": fields}
    if required:
        schema["required"] = sorted(set(required))
    return schema, problems, "\n\n".join(t for t in shown if t)


def _component_schema(component: dict, kind: str) -> dict | None:
    values = component.get("values")
    options = [v for v in values if isinstance(v, dict) and "value" in v] if isinstance(values, list) else None
    if kind in ("textfield", "textarea"):
        return {"type": "string", **({"x-widget": "textarea"} if kind == "textarea" else {})}
    if kind == "number":
        return {"type": "integer" if component.get("decimalDigits") == 0 else "number"}
    if kind == "checkbox":
        return {"type": "boolean"}
    if kind == "datetime" and component.get("subtype") == "date":
        return {"type": "string", "format": "date"}
    if kind in ("radio", "select", "checklist", "taglist"):
        if not options:
            return None if "valuesKey" not in component and "valuesExpression" not in component else {}
        choice = {"enum": [o["value"] for o in options],
                  "x-enum-titles": [str(o.get("label", o["value"])) for o in options]}
        if kind in ("radio", "select"):
            return {"type": "string", **choice}
        return {"type": "array", "items": {"type": "string", **choice}, "uniqueItems": True}
    return None


def _plain_text(html: str) -> str:
    """The words of a text component (Markdown or HTML): tags removed, entities read."""
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", html)).split())
