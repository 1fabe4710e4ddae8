"""Server-side validation of form data against a step's JSON Schema: the only authority.

Every wrong field is reported at once, with its path, the rule it broke and the field's own title
from the schema, so the page can put a Vietnamese message next to each field.
"""

from __future__ import annotations

import copy
import json

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import FieldError, InvalidFormData, InvalidInput

_FORMATS = FormatChecker()
_MAX_DATA_BYTES = 256 * 1024


_VALIDATORS: dict[object, Draft202012Validator] = {}


def _validator(schema: dict, cache_key: object | None) -> Draft202012Validator:
    if cache_key is not None and cache_key in _VALIDATORS:
        return _VALIDATORS[cache_key]
    schema = dict(schema)
    schema.setdefault("additionalProperties", False)
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
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
    if not isinstance(data, dict):
        raise InvalidInput("form.not_object")
    if len(json.dumps(data, ensure_ascii=False).encode("utf-8")) > _MAX_DATA_BYTES:
        raise InvalidInput("form.too_large", limit=_MAX_DATA_BYTES)
    if schema is None:
        if data:
            raise InvalidFormData([FieldError("", "additionalProperties", "", {"fields": sorted(data)})])
        return {}
    validator = _validator(schema, cache_key)
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator)):
        errors.append(_field_error(validator.schema, error))
    if errors:
        raise InvalidFormData(errors)
    return copy.deepcopy(data)


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
