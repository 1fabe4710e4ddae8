"""Forms of other tools as JSON Schemas, and the variables a process needs from whoever starts it.

Used by engine/dialects.py: ``camunda:formData`` and ``flowable:formProperty`` become a JSON Schema; a
``formKey`` names a JSON Schema file beside the BPMN file; the variables that a process's expressions read
and nothing in it sets become the fields of a start form (docs/interop.md).
"""

from __future__ import annotations

import ast
import json
import re
from typing import Mapping

from lxml import etree

from engine.conventions import BPMN, NS, local, properties

ENGINES = ("camunda", "flowable", "activiti")
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
        if node.tag == f"{BPMN}script" and node.text:
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
