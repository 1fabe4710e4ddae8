"""Repairs by an administrator: always through the engine, always with a reason, always journaled.

Nothing here updates history: a repair is a new event that replay follows (engine/services/replay.py).
Retrying a failed step, with corrected data or with its failed script skipped, is
``cases.retry_case``; correcting data is ``cases.correct_data``; this module sends a case back.
"""

from __future__ import annotations

from engine.errors import InvalidInput, NotAllowed
from engine.services import replay, steps
from engine.uow import UnitOfWork
from engine.views import Actor


def send_back(uow: UnitOfWork, *, number: str, actor: Actor, element: str, reason: str) -> None:
    """Return a case to an earlier step: the workflow is rebuilt, by replaying the journal, as it was
    when that step last opened; everything after it is withdrawn (and stays in the journal).

    :raises InvalidInput: no reason, the case has ended, or the step never opened in this case.
    """
    if not actor.is_admin:
        raise NotAllowed("admin.required")
    if not reason.strip():
        raise InvalidInput("case.reason_required")
    with uow:
        case = steps.lock_case(uow, number=number)
        if case.status not in ("running", "error"):
            raise InvalidInput("case.not_running", number=number, status=case.status)
        events = replay.journal_events(uow, case.id)
        opened_at = [seq for seq, kind, body in events
                     if any(o.get("element") == element for o in body["data"].get("opened") or ())]
        if not opened_at:
            raise InvalidInput("repair.step_never_opened", element=element, number=number)
        record = steps.definition_of(uow, case)
        try:
            workflow = replay.rebuild(record, events, uow.script_engine, through_seq=opened_at[-1])
        except LookupError as exc:
            raise InvalidInput("repair.replay_failed", number=number, detail=str(exc)[:200]) from None
        case.status = "running"
        case.error = None
        steps.finish(uow, case, workflow, event_type="case.sent_back", actor=actor.username,
                     data={"to_seq": opened_at[-1], "element": element, "reason": reason})
        uow.commit()
