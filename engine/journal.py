"""The case journal's format: canonical JSON and the per-case hash chain.

Each event's ``body`` is the canonical JSON (sorted keys, no spaces, UTF-8) of::

    {"case", "seq", "type", "at", "actor", "data", "state", "prev"}

and its hash is ``sha256(body)``. ``prev`` is the previous event's hash (64 zeros for the first), so
changing, removing or reordering any event breaks every later link. docs/journal.md describes the
format; the auditor's export verifies it with the standard library only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that quytrinh hashes and signs."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_body(*, case: str, seq: int, type: str, at: str, actor: str | None, data: dict,
              state: str | None, prev: str) -> bytes:
    return canonical({"case": case, "seq": seq, "type": type, "at": at, "actor": actor, "data": data,
                      "state": state, "prev": prev})


@dataclass(frozen=True)
class StoredEvent:
    """What the database holds for one event (columns next to the body are for queries only)."""

    seq: int
    type: str
    at: str
    actor: str | None
    body: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str   # a code: hash, link, sequence, body, column


# Every canonical body begins {"actor":…,"at":…,"case":…,"data":… and ends ,"prev":…,"seq":…,"state":…,
# "type":…} (keys sorted). The last ',"prev":"' is the top-level one: inside "data" quotes are escaped.


def verify_chain(case_number: str, events: Iterable[StoredEvent], head: str | None = None) -> ChainBreak | None:
    """Recompute one case's chain; return the first broken event, or None when it holds.

    For each event: the sha256 of its body must be its hash; the body must begin with its actor, time
    and case and end with the previous event's hash, its sequence number and its type (so the columns
    used for queries tell the truth); ``head``, the hash the case row says its last event has, catches a
    removed last event. String checks, no JSON parsing: verification runs close to hashing speed.
    """
    prev = GENESIS
    expected_seq = 1
    case_json = _json_string(case_number)
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq if event.seq > expected_seq else event.seq, "sequence")
        body = event.body
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != event.hash:
            return ChainBreak(event.seq, "hash")
        cut = body.rfind(',"prev":"')
        if cut < 0 or not body.endswith(f',"type":{_json_string(event.type)}}}'):
            return ChainBreak(event.seq, "body" if cut < 0 else "column")
        if body[cut + 9:cut + 73] != prev or event.prev_hash != prev:
            return ChainBreak(event.seq, "link")
        if not body.startswith(f'","seq":{event.seq},"state":', cut + 73) or not body.startswith(
                f'{{"actor":{_json_string(event.actor)},"at":"{event.at}","case":{case_json},"data":'):
            return ChainBreak(event.seq, "column")
        prev = event.hash
        expected_seq += 1
    if head is not None and head != prev:
        return ChainBreak(expected_seq, "head")
    return None


def _json_string(value: str | None) -> str:
    """``value`` as canonical JSON, quickly for the plain ASCII names the columns hold."""
    if value is None:
        return "null"
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return json.dumps(value, ensure_ascii=False)
