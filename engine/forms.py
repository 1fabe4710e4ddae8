"""Server-side validation of form data against a step's JSON Schema: the only authority.

Every wrong field is reported at once, with its path, the rule it broke and the field's own title
from the schema, so the page can put a Vietnamese message next to each field.
"""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from engine.errors import FieldError, InvalidFormData, InvalidInput

_FORMATS = FormatChecker()
_MAX_DATA_BYTES = 256 * 1024


def _not_more_than(validator, bounds: dict, instance, schema):
    """``"x-not-more-than": {"cell_in_favour": "cell_present", ...}`` on a form: a count may not exceed
    another field's (those in favour, those present, the members), which JSON Schema cannot say."""
    if not validator.is_type(instance, "object") or not isinstance(bounds, dict):
        return
    for field, bound in bounds.items():
        value, limit = instance.get(field), instance.get(bound)
        if _number(value) and _number(limit) and value > limit:
            yield ValidationError(f"{field} > {bound}", path=[field])


def _more_than_half_of(validator, bounds: dict, instance, schema):
    """``"x-more-than-half-of": {"cell_in_favour": "cell_full_members"}``: a count must be more than half of
    another (Party Charter: a resolution passes when more than half of the full members agree). Put in the
    ``then`` of an ``if`` on the decision, it holds only for the decision that needs it."""
    if not validator.is_type(instance, "object") or not isinstance(bounds, dict):
        return
    for field, bound in bounds.items():
        value, total = instance.get(field), instance.get(bound)
        if _number(value) and _number(total) and not value * 2 > total:
            yield ValidationError(f"{field} <= {bound} / 2", path=[field])


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: The day "today" means in ``x-not-after`` (the step's own clock, in Vietnam): set by :func:`on_day`.
_TODAY: ContextVar[date | None] = ContextVar("quytrinh_form_today", default=None)


@contextmanager
def on_day(day: date):
    """Check forms as on ``day``: the engine's clock, so a replayed step is judged on the day it was taken."""
    token = _TODAY.set(day)
    try:
        yield
    finally:
        _TODAY.reset(token)


def _dates(validator, bounds, instance, later: bool):
    if not validator.is_type(instance, "object") or not isinstance(bounds, dict):
        return
    today = _TODAY.get()
    for field, bound in bounds.items():
        value = _iso_date(instance.get(field))
        limit = today if bound == "today" else _iso_date(instance.get(bound))
        if value is not None and limit is not None and (value > limit if later else value < limit):
            yield ValidationError(f"{field} {'>' if later else '<'} {bound}", path=[field])


def _iso_date(value: object) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None      # not a date: the field's own "format" says so


def _not_after(validator, bounds: dict, instance, schema):
    """``"x-not-after": {"birth_date": "today", "decision_date": "effective_date"}``: a date may not be
    later than another field's date, or than the day of the step (``"today"``)."""
    yield from _dates(validator, bounds, instance, later=True)


def _not_before(validator, bounds: dict, instance, schema):
    """``"x-not-before": {"sympathiser_certificate_date": "birth_date"}``: a date may not be earlier than
    another field's date."""
    yield from _dates(validator, bounds, instance, later=False)


#: The keywords that relate fields of a form to each other (each ``{field: other field or "today"}``).
CROSS_FIELD = ("x-not-more-than", "x-not-after", "x-not-before")     # at the form's top level


def cross_field_rules(schema: dict, *, touching) -> dict[str, dict]:
    """The form's cross-field rules that involve a field of ``touching`` (either side): what a correction
    of those fields must still satisfy."""
    rules = {}
    for keyword in CROSS_FIELD:
        pairs = {field: other for field, other in (schema.get(keyword) or {}).items()
                 if field in touching or other in touching}
        if pairs:
            rules[keyword] = pairs
    return rules


#: JSON Schema 2020-12 with quytrinh's cross-field keywords (docs/designer.md, "Form keywords").
FormValidator = validators.extend(Draft202012Validator, {"x-not-more-than": _not_more_than,
                                                         "x-not-after": _not_after, "x-not-before": _not_before,
                                                         "x-more-than-half-of": _more_than_half_of})

_VALIDATORS: dict[object, Draft202012Validator] = {}


def _validator(schema: dict, cache_key: object | None) -> Draft202012Validator:
    if cache_key is not None and cache_key in _VALIDATORS:
        return _VALIDATORS[cache_key]
    schema = dict(schema)
    schema.setdefault("additionalProperties", False)
    validator = FormValidator(schema, format_checker=_FORMATS)
    if cache_key is not None and len(_VALIDATORS) < 4096:
        _VALIDATORS[cache_key] = validator
    return validator


def validate(schema: dict | None, data: object, *, cache_key: object | None = None) -> dict:
    """Return a deep copy of ``data`` if it satisfies ``schema``.

    A step without a schema accepts only an empty object. Unknown fields are refused unless the schema
    says ``additionalProperties``. ``cache_key`` (e.g. definition hash and form name) reuses the compiled
    validator of an immutable schema.

    :raises InvalidFormData: listing every wrong field.
    """
    errors = field_errors(schema, data, cache_key=cache_key)
    if errors:
        raise InvalidFormData(errors)
    return copy.deepcopy(data)


def field_errors(schema: dict | None, data: object, *, cache_key: object | None = None) -> list[FieldError]:
    """Every wrong field of ``data`` (empty when it satisfies ``schema``); see :func:`validate`.

    :raises InvalidInput: ``data`` is not an object, or too large to be checked.
    """
    if not isinstance(data, dict):
        raise InvalidInput("form.not_object")
    if len(json.dumps(data, ensure_ascii=False).encode("utf-8")) > _MAX_DATA_BYTES:
        raise InvalidInput("form.too_large", limit=_MAX_DATA_BYTES)
    if schema is None:
        return [FieldError("", "additionalProperties", "", {"fields": sorted(data)})] if data else []
    validator = _validator(schema, cache_key)
    return [_field_error(validator.schema, error)
            for error in sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))]


# Register fields (docs/registers.md) ---------------------------------------------------------------

@dataclass(frozen=True)
class RegisterField:
    """A field of a form whose value the engine gives from a register (``x-register``)."""

    name: str
    register: str           # a code of workflows/registers.py
    ordinal: bool           # the bare sequence number instead of the register's own format
    title: str
    document_type: str | None = None   # the form's own document type (``Quyết định``), over the case's


def register_fields(schema: dict | None) -> list[RegisterField]:
    """The form's top-level fields marked ``"x-register": "CODE"`` or ``{"register": "CODE", "format":
    "ordinal", "document_type": "Quyết định"}`` (either key optional), in the form's order
    (engine/lint.py refuses an unknown code, an unknown document type or another shape)."""
    found = []
    for name, prop in ((schema or {}).get("properties") or {}).items():
        spec = prop.get("x-register") if isinstance(prop, dict) else None
        if isinstance(spec, str):
            found.append(RegisterField(name, spec, False, prop.get("title") or name))
        elif isinstance(spec, dict):
            kind = spec.get("document_type")
            found.append(RegisterField(name, str(spec.get("register")), spec.get("format") == "ordinal",
                                       prop.get("title") or name, kind if isinstance(kind, str) else None))
    return found


def decision_field(schema: dict | None) -> str | None:
    """The name of the form's top-level field marked ``"x-decision": true`` (what the step decided)."""
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("x-decision"):
            return name
    return None


def reason_fields(schema: dict | None) -> list[tuple[str, str]]:
    """(name, title) of the form's top-level fields marked ``"x-reason": true``: why the step decided as
    it did (the comment of a dossier returned for supplement), in the form's order."""
    return [(name, prop.get("title") or name) for name, prop in ((schema or {}).get("properties") or {}).items()
            if isinstance(prop, dict) and prop.get("x-reason")]


def typed_errors(schema: dict | None, data: object, *, cache_key: object | None = None
                 ) -> tuple[list[FieldError], list[RegisterField]]:
    """Check what a person typed into a form whose register fields the engine fills.

    Returns the wrong fields — a value typed into a register field is one (code ``register``: the
    number is the system's) — and the register fields to be numbered: those the form requires for this
    data (in ``required``, or in the ``then`` of a condition that holds), which are not errors.
    """
    fields = {f.name: f for f in register_fields(schema)}
    errors = [FieldError(name, "register", fields[name].title, {}) for name in fields if name in data] \
        if isinstance(data, dict) else []
    needed = []
    for error in field_errors(schema, data, cache_key=cache_key):
        if error.code == "required" and error.field in fields:
            needed.append(fields[error.field])
        elif error.field not in fields or error.field not in data:
            errors.append(error)
    return errors, needed


def check_typed(schema: dict | None, data: object, *, cache_key: object | None = None) -> list[RegisterField]:
    """:func:`typed_errors` that raises; returns the register fields to be numbered.

    :raises InvalidFormData: listing every wrong field.
    """
    errors, needed = typed_errors(schema, data, cache_key=cache_key)
    if errors:
        raise InvalidFormData(errors)
    return needed


def _field_error(schema: dict, error) -> FieldError:
    path = [str(p) for p in error.absolute_path]
    params: dict = {}
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path = path + [missing]
    elif error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {}))) if isinstance(error.instance, dict) else []
        params["fields"] = extra
        path = path + ([extra[0]] if len(extra) == 1 else [])
    elif error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                             "maxLength", "minItems", "maxItems", "pattern", "format", "type", "const",
                             "multipleOf", "uniqueItems"):
        params["limit"] = error.validator_value
    elif error.validator == "enum":
        params["allowed"] = list(error.validator_value)
    elif error.validator in ("x-not-more-than", "x-not-after", "x-not-before", "x-more-than-half-of"):
        bound = error.validator_value[path[-1]]
        if bound == "today":
            params["today"] = True
        else:
            params["other"] = _title(schema, [bound])
    return FieldError(field=".".join(path), code=error.validator, title=_title(schema, path), params=params)


def _title(schema: dict, path: list[str]) -> str:
    node = schema
    for part in path:
        if not isinstance(node, dict):
            return path[-1] if path else ""
        if node.get("type") == "array" or "items" in node:
            node = node.get("items", {})
            if part.isdigit():
                continue
        node = node.get("properties", {}).get(part, {})
    if isinstance(node, dict) and node.get("title"):
        return node["title"]
    return path[-1] if path else ""
