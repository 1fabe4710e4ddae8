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


def verify_chain(case_number: str, events: Iterable[StoredEvent], head: str | None = None) -> ChainBreak | None:
    """Recompute one case's chain; return the first broken event, or None when it holds.

    ``head`` is the hash the case row says its last event has: it catches a removed last event."""
    prev = GENESIS
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq if event.seq > expected_seq else event.seq, "sequence")
        try:
            body = json.loads(event.body)
        except ValueError:
            return ChainBreak(event.seq, "body")
        if canonical(body).decode("utf-8") != event.body:
            return ChainBreak(event.seq, "body")
        if sha256_hex(event.body.encode("utf-8")) != event.hash:
            return ChainBreak(event.seq, "hash")
        if body.get("prev") != prev or event.prev_hash != prev:
            return ChainBreak(event.seq, "link")
        if (body.get("case"), body.get("seq"), body.get("type"), body.get("actor"), body.get("at")) != \
                (case_number, event.seq, event.type, event.actor, event.at):
            return ChainBreak(event.seq, "column")
        prev = event.hash
        expected_seq += 1
    if head is not None and head != prev:
        return ChainBreak(expected_seq, "head")
    return None
