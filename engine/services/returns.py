"""Why a case was sent back: the step whose decision (its form's ``x-decision`` field) was a return,
with the reasons it gave (its fields marked ``x-reason``), read from the journal event of that step.

The applicant sees them on the page of the step the case came back to and on the request's page.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from engine import forms
from engine.models import Case, CaseEvent, User
from engine.services import definitions, redaction
from engine.services.notifications import RETURN_DECISIONS
from engine.uow import UnitOfWork
from engine.views import ReturnNotice


def from_event(record: definitions.DefinitionRecord, data: dict, *, at: datetime, actor: str | None,
               hidden: frozenset[str] = frozenset()) -> ReturnNotice | None:
    """The notice of a ``task.completed`` event's data if its decision returned the case, else None;
    reasons in ``hidden`` fields (above the reader's clearance) are left out."""
    schema = record.task_form(data.get("element") or "")
    name = forms.decision_field(schema)
    values = data.get("input") or {}
    if name is None or values.get(name) not in RETURN_DECISIONS:
        return None
    prop = schema["properties"][name]
    titles = dict(zip(prop.get("enum") or (), prop.get("x-enum-titles") or ()))
    reasons = tuple((title, values[field]) for field, title in forms.reason_fields(schema)
                    if field not in hidden and isinstance(values.get(field), str) and values[field].strip())
    element = record.element(data["element"])
    opened = [o for o in data.get("opened") or () if isinstance(o, dict) and o.get("task")]
    to = tuple(dict.fromkeys(record.element(o.get("element") or "").get("title") or o.get("element") or ""
                             for o in opened))
    return ReturnNotice(step=element.get("title") or data["element"], decision=titles.get(values[name], values[name]),
                        reasons=reasons, at=at, actor=actor, actor_name=None,
                        tasks=tuple(o["task"] for o in opened), returned_to=tuple(t for t in to if t))


def hidden_fields(record: definitions.DefinitionRecord, case: Case, clearance: int) -> frozenset[str]:
    levels = redaction.field_levels(record.files, case.classification, record.sha256)
    return frozenset(name for name, level in levels.items() if level > clearance)


def with_names(reader: UnitOfWork, notices: list[ReturnNotice]) -> list[ReturnNotice]:
    """The notices with the full names of who returned the case (one query)."""
    usernames = sorted({n.actor for n in notices if n.actor})
    if not usernames:
        return notices
    names = dict(reader.session.execute(select(User.username, User.full_name)
                                        .where(User.username.in_(usernames))).all())
    return [ReturnNotice(**{**n.__dict__, "actor_name": names.get(n.actor)}) for n in notices]


def for_task(reader: UnitOfWork, case: Case, task_id: str, *, clearance: int) -> ReturnNotice | None:
    """Why the case came back to this task, when the step that opened it returned the case; the caller
    has checked that the reader may see the task."""
    rows = reader.session.execute(
        select(CaseEvent.body, CaseEvent.at, CaseEvent.actor)
        .where(CaseEvent.case_id == case.id, CaseEvent.type == "task.completed",
               CaseEvent.body.contains(task_id))     # the event that opened it names the task
        .order_by(CaseEvent.seq.desc()).limit(5)).all()
    record = definitions.record(reader, case.definition_id)
    for body, at, actor in rows:
        data = json.loads(body)["data"]
        notice = from_event(record, data, at=at, actor=actor, hidden=hidden_fields(record, case, clearance))
        if notice is not None and task_id in notice.tasks:
            return with_names(reader, [notice])[0]
    return None
