"""Field-level redaction of a case for a reader or a dossier recipient without the clearance (docs/audit.md).

A form field may be more secret than the case that holds it (the denouncer of a P10 case):

* ``"x-classification": N`` (0–3) in its JSON Schema gives its level;
* ``"x-confidential": true`` puts it one level above the case, at least *mật*: a recipient cleared for
  the case but not for that field sees the case without it.

For a clearance below a field's level, the field's value is replaced by ``[đã che]`` wherever the key
appears (form input, data after a step, signed decisions, corrections), and so is any other string
that contains one of its values. What was hashed or signed can then no longer be recomputed: a redacted
event keeps its recorded hash and its place in the chain (the next event's ``prev`` and the signed
checkpoint still prove both), and verifiers report it as "redacted, not verifiable here".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

REDACTED = "[đã che]"
MIN_VALUE_LENGTH = 3     # shorter values ("1", "có") would blank out unrelated text


def form_schemas(files: dict[str, str]) -> Iterable[dict]:
    """The JSON Schema forms among a definition's files (``*.json`` holding an object), in file order."""
    for name, content in files.items():
        if not name.endswith(".json"):
            continue
        try:
            schema = json.loads(content)
        except ValueError:
            continue
        if isinstance(schema, dict):
            yield schema


_LEVELS: dict[tuple, dict[str, int]] = {}


def field_levels(files: dict[str, str], case_classification: int, cache_key: str | None = None) -> dict[str, int]:
    """Field name -> classification, from every JSON Schema form of a definition (kept per ``cache_key``,
    the definition's sha256, as the files of a deployed version never change)."""
    if cache_key is not None and (cache_key, case_classification) in _LEVELS:
        return _LEVELS[(cache_key, case_classification)]
    levels: dict[str, int] = {}
    for schema in form_schemas(files):
        _collect(schema, levels, case_classification)
    if cache_key is not None:
        if len(_LEVELS) > 512:
            _LEVELS.clear()
        _LEVELS[(cache_key, case_classification)] = levels
    return levels


def _collect(schema: dict, levels: dict[str, int], case_level: int) -> None:
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        level = None
        if isinstance(prop.get("x-classification"), int):
            level = max(0, min(3, prop["x-classification"]))
        elif prop.get("x-confidential") is True:
            level = min(3, max(1, case_level + 1))
        if level is not None:
            levels[key] = max(levels.get(key, 0), level)
        _collect(prop, levels, case_level)
        if isinstance(prop.get("items"), dict):
            _collect(prop["items"], levels, case_level)
    for branch in ("then", "else"):
        if isinstance(schema.get(branch), dict):
            _collect(schema[branch], levels, case_level)
    for group in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(group) or ():
            if isinstance(sub, dict):
                _collect(sub, levels, case_level)


@dataclass(frozen=True)
class Policy:
    """What to hide for one reader: the fields above their clearance and the values those fields hold."""

    clearance: int | None
    hidden: frozenset[str] = frozenset()
    values: tuple[str, ...] = ()
    levels: dict = field(default_factory=dict, compare=False)

    @property
    def active(self) -> bool:
        return bool(self.hidden)

    def contains_hidden(self, text: str) -> bool:
        return any(v in text for v in self.values)


NONE = Policy(clearance=None)


def policy_for(files: dict[str, str], case_classification: int, clearance: int | None,
               bodies: Iterable[dict], cache_key: str | None = None) -> Policy:
    """The policy for a reader of ``clearance`` (None: nothing hidden) over a case's parsed event bodies."""
    if clearance is None:
        return NONE
    levels = field_levels(files, case_classification, cache_key)
    hidden = frozenset(k for k, level in levels.items() if level > clearance)
    if not hidden:
        return Policy(clearance=clearance, levels=levels)
    values: set[str] = set()
    for body in bodies:
        _values_of(body, hidden, values)
    ordered = tuple(sorted((v for v in values if len(v) >= MIN_VALUE_LENGTH), key=len, reverse=True))
    return Policy(clearance=clearance, hidden=hidden, values=ordered, levels=levels)


def _values_of(value: Any, hidden: frozenset[str], found: set[str], take: bool = False) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _values_of(item, hidden, found, take or key in hidden)
    elif isinstance(value, list):
        for item in value:
            _values_of(item, hidden, found, take)
    elif take and value is not None and not isinstance(value, bool):
        found.add(str(value))


def redact(value: Any, policy: Policy) -> tuple[Any, bool]:
    """A copy of ``value`` with hidden fields and hidden values replaced; and whether anything was."""
    if not policy.active:
        return value, False
    changed = [False]

    def walk(item: Any, under_hidden: bool) -> Any:
        if isinstance(item, dict):
            return {k: walk(v, under_hidden or k in policy.hidden) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, under_hidden) for v in item]
        if under_hidden and item is not None:
            changed[0] = True
            return REDACTED
        if isinstance(item, str) and policy.contains_hidden(item):
            changed[0] = True
            text = item
            for secret in policy.values:
                text = text.replace(secret, REDACTED)
            return text
        return item

    return walk(value, False), changed[0]


def docx_mentions(content: bytes, policy: Policy) -> bool:
    """Does a generated .docx (or any file) contain one of the hidden values? Unreadable: assume it does."""
    if not policy.active:
        return False
    import html
    import io
    import re
    import zipfile
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            text = " ".join(re.sub(r"<[^>]+>", "", package.read(n).decode("utf-8", "replace"))
                            for n in package.namelist() if n.endswith(".xml"))
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return True
    squeezed = re.sub(r"\s+", "", html.unescape(text))     # runs may split a name anywhere
    return any(re.sub(r"\s+", "", v) in squeezed for v in policy.values)
