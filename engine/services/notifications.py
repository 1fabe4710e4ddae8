"""Notifications inside the application: a new task for you or your role, a returned dossier, a deadline
that comes close, a task a colleague handed to you, the end of a case you opened.

:func:`on_step` is called by ``steps.finish`` inside the step's own transaction, so a task and its
notifications appear together or not at all. Recipients are computed once, when the task opens: the
named user, or everyone holding the task's role in its unit, each only if cleared for the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, insert, or_, select, update

from engine import forms
from engine.models import Case, JSONType, Notification, RoleAssignment, Task, User, UTCDateTime
from engine.uow import UnitOfWork
from engine.views import Actor

KINDS = ("task.assigned", "case.returned", "task.due_soon", "task.delegated", "case.ended")
DUE_SOON = timedelta(days=3)
#: Decision values that send a dossier back to an earlier step (the ``x-decision`` field of a form).
RETURN_DECISIONS = ("return",)


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    case: str
    task_id: str | None
    params: dict
    created_at: datetime
    read: bool


def _notify(to_whom):
    """INSERT … SELECT of one notification per active, cleared person ``to_whom`` selects; built once
    (a step only binds its values), which is most of what a step's notifications cost otherwise."""
    people = select(User.id, bindparam("case_id"), bindparam("task_id"), bindparam("kind"),
                    bindparam("params", type_=JSONType), bindparam("now", type_=UTCDateTime()))
    people = people.where(User.active.is_(True), User.clearance >= bindparam("classification"), to_whom)
    return insert(Notification.__table__).from_select(["user_id", "case_id", "task_id", "kind", "params", "created_at"], people)


_TO_NAMED_USER = _notify(User.id == bindparam("user_id"))
_TO_ROLE_HOLDERS = _notify(User.id.in_(
    select(RoleAssignment.user_id).where(
        RoleAssignment.role == bindparam("role"), RoleAssignment.unit_id == bindparam("unit_id"),
        RoleAssignment.valid_from <= bindparam("now", type_=UTCDateTime()),
        or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > bindparam("now", type_=UTCDateTime())))))


def on_step(uow: UnitOfWork, case: Case, *, event_type: str, data: dict, tasks: list[Task]) -> None:
    """Notify the people of the tasks a step opened (``case.returned`` when the step sent the case back):
    one INSERT … SELECT per task over the holders of its role, so a step costs no query per person."""
    if not tasks:
        return
    kind = "task.assigned"
    if event_type == "task.completed" and _decision(uow, case, data) in RETURN_DECISIONS:
        kind = "case.returned"
    for task in tasks:
        values = {"case_id": case.id, "task_id": task.id, "kind": kind, "now": uow.now,
                  "classification": case.classification,
                  "params": {"case": case.number, "title": task.title, "case_title": case.title,
                             "due_at": task.due_at.isoformat() if task.due_at else None}}
        if task.candidate_user_id is not None:
            uow.session.execute(_TO_NAMED_USER, {**values, "user_id": task.candidate_user_id})
        elif task.role and task.unit_id is not None:
            uow.session.execute(_TO_ROLE_HOLDERS, {**values, "role": task.role, "unit_id": task.unit_id})


def on_case_ended(uow: UnitOfWork, case: Case, *, actor: str | None, outcome: str | None) -> None:
    """Tell the person who opened the case that it ended (``case.ended``: completed, naming the end event
    reached when known, or cancelled), in the transaction of the step that ended it; not when that step
    was their own (they saw it end)."""
    if case.started_by_id is None:
        return
    starter = uow.session.get(User, case.started_by_id)
    if starter is None or (actor is not None and starter.username == actor):
        return
    from engine.services.definitions import record
    title = record(uow, case.definition_id).element(outcome).get("title") if outcome else None
    uow.session.execute(_TO_NAMED_USER, {
        "case_id": case.id, "task_id": None, "kind": "case.ended", "now": uow.now, "user_id": starter.id,
        "classification": case.classification,
        "params": {"case": case.number, "case_title": case.title, "status": case.status, "outcome": title or outcome}})


def _decision(uow: UnitOfWork, case: Case, data: dict) -> str | None:
    from engine.services.definitions import record  # the immutable per-process cache of definitions
    try:
        schema = record(uow, case.definition_id).task_form(data.get("element") or "")
    except (KeyError, ValueError):
        return None
    name = forms.decision_field(schema)
    value = (data.get("input") or {}).get(name) if name else None
    return value if isinstance(value, str) else None


def _recipients(uow: UnitOfWork, task: Task, classification: int) -> list[int]:
    if task.assignee_id is not None:
        user_ids = [task.assignee_id]
    elif task.candidate_user_id is not None:
        user_ids = [task.candidate_user_id]
    elif task.role and task.unit_id is not None:
        user_ids = list(uow.session.scalars(
            select(RoleAssignment.user_id).where(
                RoleAssignment.role == task.role, RoleAssignment.unit_id == task.unit_id,
                RoleAssignment.valid_from <= uow.now,
                or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now))).all())
    else:
        return []
    if not user_ids:
        return []
    return sorted(set(uow.session.scalars(select(User.id).where(
        User.id.in_(user_ids), User.active.is_(True), User.clearance >= classification)).all()))


def on_delegated(uow: UnitOfWork, case: Case, task: Task, *, by: Actor) -> None:
    """Tell the colleague a task was handed to (its new assignee), in the delegation's transaction."""
    _add(uow, user_id=task.assignee_id, case=case, task=task, kind="task.delegated", by=by.full_name)


def _add(uow: UnitOfWork, *, user_id: int, case: Case, task: Task, kind: str, **extra: str) -> None:
    exists = uow.session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.task_id == task.id, Notification.kind == kind))
    if exists is not None:
        return
    params = {"case": case.number, "title": task.title, "case_title": case.title,
              "due_at": task.due_at.isoformat() if task.due_at else None, **extra}
    uow.session.add(Notification(user_id=user_id, case_id=case.id, task_id=task.id, kind=kind, params=params,
                                 created_at=uow.now, read_at=None))


def notify_due_soon(uow: UnitOfWork, *, within: timedelta = DUE_SOON) -> int:
    """Notify the people of every open task due within ``within`` (once per task and person); the timer
    worker calls this on each pass. Returns how many notifications were added."""
    with uow:
        rows = uow.session.execute(
            select(Task, Case).join(Case, Task.case_id == Case.id)
            .where(Task.state == "ready", Task.due_at.is_not(None), Task.due_at < uow.now + within,
                   Case.status == "running")).all()
        added = 0
        for task, case in rows:
            for user_id in _recipients(uow, task, case.classification):
                before = len(uow.session.new)
                _add(uow, user_id=user_id, case=case, task=task, kind="task.due_soon")
                added += len(uow.session.new) - before
        uow.commit()
        return added


def _visible(actor: Actor):
    return and_(Notification.user_id == actor.user_id, Case.classification <= actor.clearance)


def list_notifications(uow: UnitOfWork, *, actor: Actor, unread_only: bool = False,
                       limit: int = 50) -> list[NotificationView]:
    """The actor's notifications, newest first; none about a case above the actor's clearance now."""
    with uow.reader() as reader:
        query = select(Notification, Case.number).join(Case, Notification.case_id == Case.id).where(_visible(actor))
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        rows = reader.session.execute(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                                      .limit(limit)).all()
        return [NotificationView(id=n.id, kind=n.kind, case=number, task_id=n.task_id, params=dict(n.params),
                                 created_at=n.created_at, read=n.read_at is not None) for n, number in rows]


def count_unread(uow: UnitOfWork, *, actor: Actor) -> int:
    with uow.reader() as reader:
        return reader.session.scalar(select(func.count()).select_from(Notification)
                                     .join(Case, Notification.case_id == Case.id)
                                     .where(_visible(actor), Notification.read_at.is_(None))) or 0


def mark_read(uow: UnitOfWork, *, actor: Actor, notification_id: int | None = None) -> NotificationView | None:
    """Mark one of the actor's notifications (or all of them) read; returns the one marked.

    :raises NotFound: not one of the actor's visible notifications.
    """
    from engine.errors import NotFound
    with uow:
        visible_cases = select(Case.id).where(Case.classification <= actor.clearance)
        if notification_id is None:
            uow.session.execute(update(Notification).where(
                Notification.user_id == actor.user_id, Notification.read_at.is_(None),
                Notification.case_id.in_(visible_cases)).values(read_at=uow.now))
            uow.commit()
            return None
        row = uow.session.execute(select(Notification, Case.number).join(Case, Notification.case_id == Case.id)
                                  .where(_visible(actor), Notification.id == notification_id)).first()
        if row is None:
            raise NotFound("notification.not_found")
        notification, number = row
        if notification.read_at is None:
            notification.read_at = uow.now
        view = NotificationView(id=notification.id, kind=notification.kind, case=number,
                                task_id=notification.task_id, params=dict(notification.params),
                                created_at=notification.created_at, read=True)
        uow.commit()
        return view
