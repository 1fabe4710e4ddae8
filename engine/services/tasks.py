"""TaskService: the inbox, claiming, releasing, delegating and completing human tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, false, func, literal_column, select, union
from sqlalchemy.orm import aliased

from engine.errors import InvalidInput, NotAllowed, NotFound, StepConflict, TaskAlreadyCompleted
from engine.models import Case, Definition, Task, Unit, User
from engine.services import (access, assignments, history, notifications, organisation, outputs, people_fields,
                             registers, returns, steps)
from engine.spiff import runtime
from engine.spiff.runtime import step_time
from engine.uow import UnitOfWork
from engine.views import Actor, TaskView

SORTS = {"created": Task.created_at, "due": Task.due_at, "case": Case.number}
DUE_SOON = timedelta(days=3)


@dataclass(frozen=True)
class TaskPage:
    items: list[TaskView]
    total: int
    page: int
    per_page: int


def list_tasks(uow: UnitOfWork, *, actor: Actor, view: str = "all", process: str | None = None,
               unit: str | None = None, due: str | None = None, sort: str = "created", descending: bool = False,
               page: int = 1, per_page: int = 50) -> TaskPage:
    """The open tasks an actor may act on, one indexed query for the page and one for the count.

    ``view``: ``all`` (mine and my units'), ``claimed`` (claimed by me), ``units`` (my roles' tasks).
    ``due``: ``soon`` (within three days) or ``overdue``.
    """
    if view not in ("all", "claimed", "units") or sort not in SORTS or (due not in (None, "", "soon", "overdue")):
        raise InvalidInput("inbox.invalid_filter")
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    with uow.reader() as reader:
        conditions = [Task.state == OPEN, Case.classification <= actor.clearance, _entitled(actor, view)]
        if process:
            conditions.append(Definition.key == process)
        if unit:
            conditions.append(Task.unit_id == organisation.unit_by_code(reader, unit).id)
        if due == "overdue":
            conditions.append(Task.due_at < reader.now)
        elif due == "soon":
            conditions.append(and_(Task.due_at >= reader.now, Task.due_at < reader.now + DUE_SOON))
        order = SORTS[sort].desc() if descending else SORTS[sort].asc()
        items = task_views(reader, actor, conditions, order=[order, Task.id], limit=per_page,
                           offset=(page - 1) * per_page)
        total = reader.session.scalar(select(func.count()).select_from(Task).join(Case, Task.case_id == Case.id)
                                      .join(Definition, Case.definition_id == Definition.id).where(*conditions))
        return TaskPage(items=items, total=total or 0, page=page, per_page=per_page)


OPEN = literal_column("'ready'")   # a literal, so the partial indexes (WHERE state = 'ready') apply


def _entitled(actor: Actor, view: str):
    """The open tasks an actor may act on, as a union of lookups that each use one partial index
    (an OR of the same conditions makes SQLite and PostgreSQL scan every open task)."""
    lookups = []
    if view in ("all", "claimed"):
        lookups.append(select(Task.id).where(Task.state == OPEN, Task.assignee_id == actor.user_id))
    if view == "all":
        lookups.append(select(Task.id).where(Task.state == OPEN, Task.candidate_user_id == actor.user_id))
    if view in ("all", "units"):
        lookups += [select(Task.id).where(Task.state == OPEN, Task.role == r.role, Task.unit_id == r.unit_id)
                    for r in actor.roles]
    if not lookups:
        return false()
    return Task.id.in_(union(*lookups) if len(lookups) > 1 else lookups[0])


def has_open_task(uow: UnitOfWork, *, actor: Actor, number: str) -> bool:
    """Whether the actor may act on an open task of case ``number`` (named, claimed, or of a role held)."""
    with uow.reader() as reader:
        return reader.session.scalar(select(Task.id).join(Case, Task.case_id == Case.id).where(
            Case.number == number, Task.state == OPEN, _entitled(actor, "all")).limit(1)) is not None


def list_open_tasks(uow: UnitOfWork) -> list[TaskView]:
    """Every open task (administrators and tooling)."""
    with uow.reader() as reader:
        return task_views(reader, None, [Task.state == "ready"], order=[Task.created_at, Task.id])


def task_views(uow: UnitOfWork, actor: Actor | None, conditions: list, *, order=None, limit=None,
               offset=None) -> list[TaskView]:
    """Tasks with their case, process, unit and people in one query (no query per row)."""
    assignee, candidate, starter = aliased(User), aliased(User), aliased(User)
    query = (select(Task, Case.number, Case.title, Case.classification, Case.version, Definition.key, Definition.name,
                    Unit.code, Unit.name, assignee.username, candidate.username, starter.username)
             .join(Case, Task.case_id == Case.id)
             .join(Definition, Case.definition_id == Definition.id)
             .outerjoin(Unit, Task.unit_id == Unit.id)
             .outerjoin(assignee, Task.assignee_id == assignee.id)
             .outerjoin(candidate, Task.candidate_user_id == candidate.id)
             .outerjoin(starter, Case.started_by_id == starter.id)
             .where(*conditions))
    if order is not None:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit).offset(offset or 0)
    views = []
    for row in uow.session.execute(query).all():
        task = row[0]
        entitled = actor is not None and assignments.is_entitled(actor, task) and row.classification <= actor.clearance
        free_or_mine = task.assignee_id is None or (actor is not None and task.assignee_id == actor.user_id)
        views.append(TaskView(
            id=task.id, case=row.number, case_title=row.title, process=row.key, process_name=row.name,
            element=task.element, title=task.title, role=task.role, unit=row[7], unit_name=row[8],
            assignee=row[9], candidate=row[10], state=task.state, created_at=task.created_at, due_at=task.due_at,
            classification=row.classification, applicant=row[11], case_version=row.version, ended_at=task.ended_at,
            can_claim=entitled and task.state == "ready" and task.assignee_id is None,
            can_complete=entitled and task.state == "ready" and free_or_mine))
    return views


def get_task(uow: UnitOfWork, *, task_id: str, actor: Actor | None, with_return: bool = False) -> TaskView:
    """One task with its form, flags and instructions; visible to those entitled to it or to its case.
    ``with_return``: also why the case was sent back to it, when it was (engine/services/returns.py)."""
    with uow.reader() as reader:
        task = reader.session.get(Task, str(task_id))
        if task is None:
            raise NotFound("task.not_found", task=str(task_id))
        case = reader.session.scalars(select(Case).where(Case.id == task.case_id)).unique().one()
        if actor is not None and not assignments.is_entitled(actor, task) \
                and not assignments.can_view_case(reader, actor, case):
            raise NotFound("task.not_found", task=str(task_id))  # not the case's number: nothing leaks
        if actor is not None and case.classification > actor.clearance:
            raise NotFound("task.not_found", task=str(task_id))
        view = task_views(reader, actor, [Task.id == task.id])[0]
        definition = steps.definition_of(reader, case)
        meta = definition.element(task.element)
        form = definition.form(meta.get("form"))
        returned = returns.for_task(reader, case, task.id, clearance=actor.clearance if actor else 3) \
            if with_return else None
        return TaskView(**{**view.__dict__, "form": form, "signature_required": bool(meta.get("signature_required")),
                           "decisions": tuple(meta.get("decisions") or ()),
                           "instructions": meta.get("instructions") or "", "returned": returned})


def claim_task(uow: UnitOfWork, *, task_id: str, actor: Actor) -> TaskView:
    """Take a task so nobody else can complete it; journaled as ``task.claimed``."""
    with uow:
        task, case = _lock_task(uow, task_id, actor)
        assignments.ensure_can_act(actor, task, case)
        if task.assignee_id == actor.user_id:
            raise InvalidInput("task.already_yours", task=task.id)
        task.assignee_id = actor.user_id
        history.append(uow, case, "task.claimed", actor=actor.username, data={"task": task.id, "element": task.element})
        uow.commit()
    return get_task(uow, task_id=task_id, actor=actor)


def release_task(uow: UnitOfWork, *, task_id: str, actor: Actor) -> TaskView:
    """Give a claimed task back to everyone holding its role."""
    with uow:
        task, case = _lock_task(uow, task_id, actor)
        if task.assignee_id != actor.user_id and not actor.is_admin:
            raise NotAllowed("task.not_claimed_by_you", task=task.id)
        task.assignee_id = None
        history.append(uow, case, "task.released", actor=actor.username, data={"task": task.id, "element": task.element})
        uow.commit()
    return get_task(uow, task_id=task_id, actor=actor)


def delegate_task(uow: UnitOfWork, *, task_id: str, actor: Actor, to_username: str) -> TaskView:
    """Hand a task to a colleague who holds the same role in the same unit."""
    with uow:
        task, case = _lock_task(uow, task_id, actor)
        assignments.ensure_can_act(actor, task, case)
        colleague = organisation.actor_for(uow, to_username)
        if not assignments.is_entitled(colleague, task) or case.classification > colleague.clearance:
            raise InvalidInput("task.delegate_not_entitled", username=to_username)
        task.assignee_id = colleague.user_id
        history.append(uow, case, "task.delegated", actor=actor.username,
                       data={"task": task.id, "element": task.element, "to": to_username})
        notifications.on_delegated(uow, case, task, by=actor)
        uow.commit()
    return get_task(uow, task_id=task_id, actor=actor)


def complete_task(uow: UnitOfWork, *, task_id: str, actor: Actor, data: dict,
                  expected_version: int | None = None, pin: str | None = None,
                  retry: steps.Retry | None = None) -> str:
    """Complete a task with form data and move the case on; returns the case number.

    One transaction: the case is locked, the data checked against the step's schema (its register fields
    numbered: engine/services/registers.py), the task completed
    in SpiffWorkflow, the engine run until it waits, and state, task rows and a ``task.completed`` event
    written together. Completing a task one has not claimed claims it on the way. A step marked
    ``signatureRequired`` is signed with the actor's certificate, opened with ``pin`` before the
    transaction; its effect, generated documents and signature are written in the same transaction
    (engine/services/outputs.py, docs/signatures.md).

    :raises InvalidFormData: every wrong field; nothing changed.
    :raises TaskAlreadyCompleted: someone completed it first (a double submit, a second clerk).
    :raises TaskClaimedByOther / NotAllowed: not this actor's task.
    :raises StepConflict: the case changed since ``expected_version`` was read.
    :raises CaseFailed: a script failed; the case is now in ``error`` and the input kept for a retry.
    :raises SignatureError: a signed step without a PIN, a wrong PIN, no usable certificate.

    ``retry``: an administrator re-applies this completion on a failed case (``cases.retry_case``).
    """
    action = {"type": "task.completed", "actor": actor.username, "task": str(task_id), "data": data}
    where: dict = {}
    prepared: outputs.Prepared | None = None
    opened = False     # whether outputs.prepare ran: a step needing a PIN is rolled back and run again after it

    def act() -> str:
        with uow:
            task, case = _lock_task(uow, task_id, actor, retry)
            where["case_id"] = case.id
            if expected_version is not None and case.version != expected_version:
                raise StepConflict(number=case.number)
            assignments.ensure_can_act(actor, task, case)
            definition = steps.definition_of(uow, case)
            element = definition.element(task.element)
            # A register is kept by the unit the step is given to (the commune's office numbers a cell's
            # admission decision in the commune committee's register); a step given to a person: the case's.
            form = definition.task_form(task.element)
            clean = people_fields.checked(
                uow, form, data, unit_id=case.unit_id, actor=actor,
                fill=lambda: registers.fill(uow, schema=form, data=data, unit_id=task.unit_id or case.unit_id,
                                            classification=case.classification, current=case.data,
                                            cache_key=(definition.sha256, element.get("form"))))
            access.ensure_named_cleared(uow, definition.meta.get("access"), clean, case.classification,
                                        step=element.get("title") or task.element)
            if not opened and outputs.needs_pin(element):
                raise outputs.PinFirst
            workflow = steps.restore(uow, case)
            with step_time(uow.now):
                done = runtime.complete(workflow, task.id, clean, into=element.get("output_variable"))
            extra, signature = outputs.produce(uow, case=case, task=task, meta=element, workflow=workflow,
                                               actor=actor, clean=clean, instance=done.instance, prepared=prepared)
            task.state = "completed"
            task.assignee_id = actor.user_id
            task.ended_at = uow.now
            task.ended_by_id = actor.user_id
            steps.finish(uow, case, workflow, event_type="task.completed", actor=actor.username, signature=signature,
                         data={"task": task.id, "element": task.element, "instance": done.instance,
                               "role": task.role, "unit": steps.unit_code(uow, task.unit_id), "input": clean, **extra})
            uow.commit()
            return case.number

    try:
        return steps.run_step(uow, case_id=lambda: where["case_id"], action=action, act=act)
    except outputs.PinFirst:
        prepared, opened = outputs.prepare(uow, task_id=str(task_id), actor=actor, pin=pin), True
        return steps.run_step(uow, case_id=lambda: where["case_id"], action=action, act=act)


def _lock_task(uow: UnitOfWork, task_id: str, actor: Actor, retry: steps.Retry | None = None) -> tuple[Task, Case]:
    """Lock the task's case first (one writer per case), then read the task as it is now. A task the actor
    may neither work on nor see is "not found", like one that does not exist (as ``get_task``)."""
    case = steps.lock_case(uow, task_id=str(task_id))
    if case is None:
        raise NotFound("task.not_found", task=str(task_id))
    row = uow.session.scalars(select(Task).where(Task.id == str(task_id))
                              .execution_options(populate_existing=True)).one()
    if case.classification > actor.clearance or (
            not assignments.is_entitled(actor, row) and not assignments.can_view_case(uow, actor, case)):
        raise NotFound("task.not_found", task=str(task_id))
    if row.state != "ready":
        raise TaskAlreadyCompleted(task=row.id, state=row.state)
    steps.resume(uow, case, retry)
    return row, case

