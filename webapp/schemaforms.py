"""HTML forms from a step's JSON Schema, and request data back into JSON for the engine to validate.

The engine (``engine.forms.validate``) is the only authority: this module only turns text inputs into
the JSON types the schema names, leaving a value it cannot convert as the text typed, so that the
engine reports it next to its field. Supported: strings (``x-widget: textarea``, ``format: date``),
enums (radio or select, labels from ``x-enum-titles``; ``x-decision`` as the step's decision
buttons), booleans, integers, numbers and arrays of strings; units picked from the organisation tree
(``x-widget: unit``, narrowed by ``x-unit-level``) and members picked from the unit (``x-widget: member``,
or ``members`` on an array: several at once). A register field (``x-register``) is shown read-only, empty
until the engine numbers it when the step is completed, and never read back from the request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field as dc_field

from werkzeug.datastructures import MultiDict

#: Decision values with their button style; any other value gets a plain button.
DECISION_STYLES = {"approve": "approve", "return": "return", "reject": "reject"}


@dataclass
class Field:
    name: str
    title: str
    description: str
    widget: str                      # text, textarea, radio, select, multiselect, checkbox, integer, number, date,
                                     # list, register (read-only: the engine numbers it)
    required: bool
    options: list[tuple[str, str]] = dc_field(default_factory=list)
    value: object = ""
    errors: list[str] = dc_field(default_factory=list)
    attrs: dict = dc_field(default_factory=dict)
    items: int = 1

    @property
    def style(self) -> str:
        return self.attrs.get("style", "")


@dataclass
class FormView:
    title: str
    fields: list[Field]
    decision: Field | None
    general_errors: list[str]

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors or any(f.errors for f in self.fields)
                    or (self.decision is not None and self.decision.errors))


@dataclass(frozen=True)
class Choices:
    """What pickers offer: units as (code, name, level), people as (username, full name)."""

    units: tuple[tuple[str, str, str], ...] = ()
    people: tuple[tuple[str, str], ...] = ()


def _member_picker(prop: dict) -> bool:
    return prop.get("x-widget") in ("member", "members") or (prop.get("items") or {}).get("x-widget") == "member"


def _widget(prop: dict) -> str:
    kind = prop.get("type")
    if "x-register" in prop:
        return "register"
    if kind == "array" and _member_picker(prop):
        return "multiselect"
    if prop.get("x-widget") in ("unit", "member"):
        return "select"
    if "enum" in prop:
        return "radio" if len(prop["enum"]) <= 4 else "select"
    if kind == "boolean":
        return "checkbox"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if kind == "array":
        return "list"
    if prop.get("format") == "date":
        return "date"
    if prop.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def _decision_name(schema: dict) -> str | None:
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("x-decision") and "enum" in prop:
            return name
    return None


def build(schema: dict | None, *, initial: dict | None = None, typed: MultiDict | None = None,
          errors: dict[str, list[str]] | None = None, choices: Choices = Choices()) -> FormView:
    """The fields to render: values from what was typed (after an error) or else from ``initial``."""
    schema = schema or {"type": "object", "properties": {}}
    errors = errors or {}
    required = set(schema.get("required") or [])
    decision_name = _decision_name(schema)
    fields: list[Field] = []
    decision = None
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        widget = _widget(prop)
        if widget == "list" and (prop.get("items") or {}).get("type", "string") != "string":
            continue  # arrays of objects are filled by the process itself (e.g. the introductions)
        options = []
        if "enum" in prop:
            titles = prop.get("x-enum-titles") or []
            options = [(str(v), str(titles[i]) if i < len(titles) else str(v)) for i, v in enumerate(prop["enum"])]
        elif prop.get("x-widget") == "unit":
            level = prop.get("x-unit-level")
            options = [(code, f"{name} ({code})") for code, name, unit_level in choices.units
                       if level in (None, unit_level)]
        elif _member_picker(prop):
            options = [(username, f"{full_name} ({username})") for username, full_name in choices.people]
        attrs = {}
        for key in ("minimum", "maximum", "minLength", "maxLength"):
            if key in prop:
                attrs[key] = prop[key]
        items = 1
        if widget == "list":
            items = int(prop.get("maxItems") or prop.get("minItems") or 3)
            items = min(max(items, 1), 10)
            attrs["item_title"] = (prop.get("items") or {}).get("title", "")
        f = Field(name=name, title=prop.get("title") or name, description=prop.get("description") or "",
                  widget=widget, required=name in required and widget != "register", options=options,
                  errors=list(errors.get(name, [])),
                  attrs=attrs, items=items)
        f.value = _value(f, prop, initial, typed)
        if name == decision_name:
            f.widget = "decision"
            decision = f
        else:
            fields.append(f)
    general = list(errors.get("", []))
    known = {f.name for f in fields} | ({decision.name} if decision else set())
    for name, messages in errors.items():
        if name and name not in known:
            general.extend(messages)
    return FormView(title=schema.get("title") or "", fields=fields, decision=decision, general_errors=general)


def _value(f: Field, prop: dict, initial: dict | None, typed: MultiDict | None):
    if f.widget == "register":   # the number the case already holds (a step that comes round again), if any
        return str((initial or {}).get(f.name) or "")
    if typed is not None:
        if f.widget == "checkbox":
            return f.name in typed
        if f.widget == "multiselect":
            return typed.getlist(f.name)
        if f.widget == "list":
            values = typed.getlist(f.name)
            return values + [""] * max(f.items - len(values), 0)
        return typed.get(f.name, "")
    value = (initial or {}).get(f.name, prop.get("default"))
    if f.widget == "checkbox":
        return bool(value)
    if f.widget == "multiselect":
        return [str(v) for v in value] if isinstance(value, list) else []
    if f.widget == "list":
        values = [str(v) for v in value] if isinstance(value, list) else []
        return values + [""] * max(f.items - len(values), 0)
    return "" if value is None else str(value)


def parse(schema: dict | None, form: MultiDict) -> dict:
    """JSON data from submitted form fields, typed by the schema; the engine validates it."""
    data: dict = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, dict) or "x-register" in prop:
            continue              # numbered by the engine: never read from the request
        kind = prop.get("type")
        if kind == "boolean":
            data[name] = name in form and form.get(name) not in ("", "0", "false")
            continue
        if kind == "array":
            if (prop.get("items") or {}).get("type", "string") != "string":
                continue
            values = [v.strip() for v in form.getlist(name) if v.strip()]
            if values:
                data[name] = values
            continue
        text = form.get(name, "").replace("\r\n", "\n")
        text = text if prop.get("x-widget") == "textarea" else text.strip()
        if not text.strip():
            continue
        if kind == "integer":
            data[name] = _number(text.strip(), int)
        elif kind == "number":
            data[name] = _number(text.strip().replace(",", "."), float)
        else:
            data[name] = text.strip() if prop.get("x-widget") != "textarea" else text.strip("\n")
    return data


def _number(text: str, kind):
    try:
        value = kind(text)
    except ValueError:
        return text  # left as typed: the engine reports "không đúng kiểu dữ liệu" next to the field
    if kind is float and not math.isfinite(value):
        return text  # "nan", "inf": not JSON numbers
    if kind is float and value.is_integer():
        return int(value)
    return value
