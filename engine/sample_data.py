"""Schema-valid sample data for a form: what the simulator (and interoperability runs) type into a step.

Deterministic for a given random generator. Values prefer what the schema itself suggests (``const``,
``default``, ``examples``, the first ``enum`` value), then respect every bound (lengths, minimum and
maximum, patterns through ``rstr``, formats), so the engine's own validation accepts them. Fields that
name people or units (``x-widget`` ``member``/``members``/``unit``) take values from ``people``/``units``
(only the ``holders`` of a field's ``x-holders-of`` role, never ``me`` for ``x-not-self``);
register fields (``x-register``) are left to the engine, which numbers them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import rstr

from engine import forms
from engine.errors import InvalidFormData

_TEXT = "Nội dung mẫu do mô phỏng nhập để kiểm tra quy trình."


@dataclass(frozen=True)
class _People:
    """Who a form's person fields may name (engine/services/people_fields.py checks the same rules)."""

    usernames: list[str]
    holders: Mapping[str, Sequence[str]]
    me: str | None

    def for_field(self, schema: dict) -> list[str]:
        role = schema.get("x-holders-of")
        pool = list(self.holders.get(role, ())) if role else list(self.usernames)
        return [p for p in pool if not (schema.get("x-not-self") and p == self.me)]


def sample(schema: dict | None, *, rng: random.Random, today: date, people: Sequence[str] = (),
           units: list[tuple[str, str]] = (), holders: Mapping[str, Sequence[str]] | None = None,
           me: str | None = None) -> dict:
    """A dict that satisfies ``schema`` (validated before it is returned); ``holders``: role -> the people
    holding it in the case's unit; ``me``: who fills the form."""
    if not schema:
        return {}
    people = _People(list(people), holders or {}, me)
    value = _value(schema, "", rng, today, people, list(units), required=True)
    for field in forms.register_fields(schema):
        value.pop(field.name, None)          # numbered by the engine, never typed (docs/registers.md)
    # Conditional rules (if/then, dependencies) are met by repair: add what is missing, take another
    # allowed value, a few rounds, then let the engine's own validation speak.
    with forms.on_day(today):
        for _ in range(8):
            try:
                forms.check_typed(schema, value)
                return value
            except InvalidFormData as refused:
                if not _repair(schema, value, refused.errors, rng, today, people, list(units)):
                    raise
        forms.check_typed(schema, value)
    return value


def _repair(schema: dict, value: dict, errors, rng, today, people, units) -> bool:
    changed = False
    properties = schema.get("properties") or {}
    for error in errors:
        name = error.field.split(".")[0]
        if error.code == "required" and name in properties and name not in value:
            value[name] = _value(properties[name], name, rng, today, people, units, required=True)
            changed = True
        elif error.code == "enum" and error.params.get("allowed") and name in value:
            value[name] = rng.choice(error.params["allowed"])
            changed = True
        elif error.code == "x-not-more-than" and name in value:    # a count above its bound: take the bound
            bound = (schema.get("x-not-more-than") or {}).get(name)
            if bound in value:
                value[name] = value[bound]
                changed = True
        elif error.code == "x-more-than-half-of" and name in value:     # too few in favour: all of them
            bound = _then_bound(schema, error.code, name)
            if bound in value:
                value[name] = value[bound]
                for field, above in (schema.get("x-not-more-than") or {}).items():   # those present, too
                    if field == name and above in value:
                        value[above] = max(value[above], value[name])
                changed = True
        elif error.code in ("x-not-after", "x-not-before") and name in value:     # a date out of order: take the bound
            bound = (schema.get(error.code) or {}).get(name)
            if bound == "today" or bound in value:
                value[name] = today.isoformat() if bound == "today" else value[bound]
                changed = True
        elif error.code in ("additionalProperties", "not", "const") and name in value and name not in \
                (schema.get("required") or ()):
            del value[name]
            changed = True
    return changed


def _then_bound(schema: dict, keyword: str, name: str) -> str | None:
    """The other field of ``name`` under ``keyword``, on the form or in the ``then`` of one of its ``allOf``."""
    for part in [schema, *((s.get("then") or {}) for s in schema.get("allOf") or () if isinstance(s, dict))]:
        bound = (part.get(keyword) or {}).get(name)
        if bound:
            return bound
    return None


def _value(schema: dict, name: str, rng, today, people, units, required: bool):
    if "const" in schema:
        return schema["const"]
    if "default" in schema and not schema.get("x-widget"):
        return schema["default"]
    if schema.get("examples"):   # a form's own examples: one of its realistic combinations
        return json.loads(json.dumps(rng.choice(schema["examples"])))
    if schema.get("enum"):
        return schema["enum"][0]
    widget = schema.get("x-widget")
    kind = schema.get("type")
    if kind == "object":
        result = {}
        for key, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and "x-register" in prop:
                continue
            if key in (schema.get("required") or ()) or rng.random() < 0.5:
                result[key] = _value(prop, key, rng, today, people, units, required=True)
        return result
    if kind == "array":
        items = schema.get("items") or {"type": "string"}
        count = max(schema.get("minItems", 1), 1)
        if widget in ("members", "member") or items.get("x-widget") in ("member", "members"):
            pool = people.for_field(schema)
            if len(pool) < count:
                raise ValueError(f"{name}: needs {count} people, {len(pool)} known")
            return rng.sample(pool, count)
        values = []
        for _ in range(count * 3):
            if len(values) == count:
                break
            candidate = _value(items, name, rng, today, people, units, required=True)
            if not schema.get("uniqueItems") or candidate not in values:
                values.append(candidate)
        return values
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = schema["minimum"] if "minimum" in schema else schema.get("exclusiveMinimum", 0) + 1
        high = schema["maximum"] if "maximum" in schema else schema.get("exclusiveMaximum", low + 101) - 1
        number = rng.randint(int(low), int(min(high, low + 20)))
        return number if kind == "integer" else float(number)
    if widget == "member" and people.for_field(schema):
        return rng.choice(people.for_field(schema))
    if widget == "unit" and units:
        level = schema.get("x-unit-level")
        fitting = [code for code, unit_level in units if level in (None, unit_level)]
        return rng.choice(fitting or [code for code, _ in units])
    if schema.get("format") == "date":
        return today.isoformat()
    if schema.get("format") == "date-time":
        return datetime.combine(today, datetime.min.time()).isoformat() + "Z"
    if schema.get("format") == "email":
        return "dang.vien@example.vn"
    if schema.get("pattern"):
        generator = rstr.Rstr(rng)
        for _ in range(20):
            text = generator.xeger(schema["pattern"])
            if schema.get("minLength", 0) <= len(text) <= schema.get("maxLength", 10 ** 6):
                return text
        return text
    text = _TEXT
    minimum, maximum = schema.get("minLength", 0), schema.get("maxLength", 10 ** 6)
    while len(text) < minimum:
        text += " " + _TEXT
    return text[:maximum]
