"""HistoryService: the append-only, hash-chained journal of every case.

Events are written only by :func:`append`, inside the unit of work of the step they record; database
triggers refuse UPDATE and DELETE on ``case_events`` (see the migration). docs/journal.md describes
the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from engine import journal
from engine.clock import iso
from engine.errors import NotFound
from engine.models import Case, CaseEvent
from engine.services import seals
from engine.uow import UnitOfWork
from engine.views import Actor, EventView


def append(uow: UnitOfWork, case: Case, type: str, *, actor: str | None, data: dict,
           state: str | None = None, signature: bytes | None = None) -> CaseEvent:
    """Append one event to the case's chain; the caller holds the case's lock in this unit of work.

    A repair event (``seals.REPAIR_EVENTS``) is sealed by the engine: its data names the certificate
    (``sealed_by``) and ``signature`` is a detached CMS over its body (docs/audit.md)."""
    seq = case.event_count + 1
    prev = case.head_hash
    sealer = seals.sealer_for(uow, type) if signature is None else None    # repairs carry the engine's seal
    if sealer is not None:
        data = {**data, "sealed_by": sealer.stamp}
    body = journal.make_body(case=case.number, seq=seq, type=type, at=iso(uow.now), actor=actor, data=data,
                             state=state, prev=prev).decode("utf-8")
    if sealer is not None:
        signature = sealer.sign(body.encode("utf-8"), uow.now)
    event = CaseEvent(case_id=case.id, seq=seq, type=type, at=uow.now, actor=actor, body=body, prev_hash=prev,
                      hash=journal.sha256_hex(body.encode("utf-8")), signature=signature)
    uow.session.add(event)
    case.event_count = seq
    case.head_hash = event.hash
    return event


def events_of(uow: UnitOfWork, case_id: int) -> list[EventView]:
    rows = uow.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)).all()
    return [EventView(seq=r.seq, type=r.type, at=r.at, actor=r.actor, data=json.loads(r.body)["data"], hash=r.hash,
                      signed=r.signature is not None) for r in rows]


@dataclass(frozen=True)
class ChainReport:
    case: str
    events: int
    broken_at: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(uow: UnitOfWork, number: str | None = None, *, batch: int = 500) -> list[ChainReport]:
    """Recompute the chain of one case, or of every case; a report per case."""
    query = select(Case.id, Case.number, Case.head_hash).order_by(Case.id)
    if number is not None:
        query = query.where(Case.number == number)
    cases = uow.session.execute(query).all()
    if number is not None and not cases:
        raise NotFound("case.not_found", number=number)
    reports = []
    for case_id, case_number, head in cases:
        rows = uow.session.execute(
            select(CaseEvent.seq, CaseEvent.type, CaseEvent.at, CaseEvent.actor, CaseEvent.body,
                   CaseEvent.prev_hash, CaseEvent.hash)
            .where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)).all()
        stored = [journal.StoredEvent(seq=r.seq, type=r.type, at=iso(r.at), actor=r.actor, body=r.body,
                                      prev_hash=r.prev_hash, hash=r.hash) for r in rows]
        broken = journal.verify_chain(case_number, stored, head=head)
        reports.append(ChainReport(case=case_number, events=len(stored),
                                   broken_at=broken.seq if broken else None, reason=broken.reason if broken else None))
    return reports


def verify_case(uow: UnitOfWork, number: str) -> ChainReport:
    """Verify one case's chain in a read-only unit of work of its own."""
    with uow.reader() as reader:
        return verify(reader, number)[0]


def journal_of(uow: UnitOfWork, actor: Actor, number: str) -> list[EventView]:
    """The events of a case the actor may see (see assignments.can_view_case)."""
    from engine.services.cases import load_visible_case
    case = load_visible_case(uow, actor, number)
    return events_of(uow, case.id)
