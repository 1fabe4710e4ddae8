"""The shared body of every step: lock, restore, act, then store state, tasks and journal together.

ARCHITECTURE.md, "The flow of one step": load the case with a lock and a version check, re-attach the
safe script engine, act, run the engine until it waits, save the state without its spec, update the
task rows, append the journal event — all in the caller's unit of work, committed once or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.exc import StaleDataError

from engine import deadlines
from engine.conventions import Assignment
from engine.errors import CaseNotRunning, InvalidInput, NotFound, QuytrinhError, StepConflict
from engine.models import Case, CaseSequence, Task, Unit, User
from engine.services import access, assignments, checkpoints, definitions, history, notifications
from engine.spiff import parser, runtime, serializer
from engine.spiff.runtime import StepFailed
from engine.uow import UnitOfWork


class CaseFailed(QuytrinhError):
    """A script or expression failed during the step: nothing of the step was kept, the case is now in
    ``error`` with the failed action recorded for a retry."""

    code = "case.step_failed"


def lock_case(uow: UnitOfWork, *, case_id: int | None = None, number: str | None = None,
              task_id: str | None = None, skip_locked: bool = False) -> Case | None:
    """Load a case for a step (by id, number or one of its tasks), locked against other steps until
    commit. Returns None for an unknown task or a case another worker holds (``skip_locked``)."""
    query = select(Case).options(lazyload(Case.unit))     # the unit (and its parents) only when a step asks
    if case_id is not None:
        query = query.where(Case.id == case_id)
    elif number is not None:
        query = query.where(Case.number == number)
    else:
        query = query.where(Case.id == select(Task.case_id).where(Task.id == task_id).scalar_subquery())
    if uow.is_postgresql:
        query = query.with_for_update(of=Case, skip_locked=skip_locked)
    case = uow.session.scalars(query.execution_options(populate_existing=True)).unique().first()
    if case is None and not skip_locked and task_id is None:
        raise NotFound("case.not_found", number=number or str(case_id))
    return case


def ensure_running(case: Case) -> None:
    if case.status != "running":
        raise CaseNotRunning(number=case.number, status=case.status)


@dataclass(frozen=True)
class Retry:
    """An administrator's retry of a failed case (``cases.retry_case``): journaled as ``case.retried`` in
    the transaction of the step it re-applies, so a retry that is refused or fails again leaves no trace
    but the refusal, and one that succeeds is journaled together with its step."""

    actor: str
    data: dict


def resume(uow: UnitOfWork, case: Case, retry: Retry | None) -> None:
    """Check that the case may take a step: running, or failed and being retried (then it runs again,
    its retry journaled first)."""
    if retry is None:
        ensure_running(case)
        return
    if case.status != "error" or not case.error:
        raise InvalidInput("case.not_failed", number=case.number)
    case.status = "running"
    case.error = None
    history.append(uow, case, "case.retried", actor=retry.actor, data=retry.data)


def definition_of(uow: UnitOfWork, case: Case) -> definitions.DefinitionRecord:
    return definitions.record(uow, case.definition_id)


def process_of(uow: UnitOfWork, case: Case) -> parser.ParsedProcess:
    d = definition_of(uow, case)
    return parser.cached_process(d.sha256, d.key, d.files, d.main_file)


def restore(uow: UnitOfWork, case: Case):
    return serializer.restore(case.state, process_of(uow, case), uow.script_engine)


def finish(uow: UnitOfWork, case: Case, workflow, *, event_type: str, actor: str | None, data: dict,
           signature: bytes | None = None):
    """Store what a step did: state, data snapshot, timers, status, task rows and the journal event.

    Everything is queued in the session and written by one flush at the end (one UPDATE of the case).
    """
    session = uow.session
    with session.no_autoflush:
        runtime.compact(workflow)
        opened, new_rows = sync_tasks(uow, case, workflow)
        case.state = serializer.dump(workflow)
        case.data = runtime.current_data(workflow)
        case.next_timer_due = runtime.next_timer_due(workflow)
        if runtime.is_completed(workflow) and case.status == "running":
            case.status = "completed"
            case.ended_at = uow.now
            data = {**data, "outcome": runtime.outcome(workflow)}     # the end event reached (docs/journal.md)
        if case.status == "running":
            case.due_at = case_due(uow, case, definition_of(uow, case).meta, new_rows)
        if case.restricted:
            access.refresh(uow, case, definition_of(uow, case).meta.get("access") or {}, new_rows)
        event = history.append(uow, case, event_type, actor=actor, data={**data, "opened": opened},
                               state=runtime.fingerprint(workflow), signature=signature)
    try:
        session.flush()
    except StaleDataError as exc:
        raise StepConflict(number=case.number) from exc
    if case.status in checkpoints.ENDED and case.ended_at == uow.now:
        checkpoints.on_case_ended(uow, case)     # the ended chain, signed by the system (docs/audit.md)
        notifications.on_case_ended(uow, case, actor=actor, outcome=data.get("outcome"))
    notifications.on_step(uow, case, event_type=event_type, data=data, tasks=new_rows)
    return event


_OPEN_TASK_IDS = select(Task.id).where(Task.case_id == bindparam("case_id"), Task.state == "ready")
_UNIT_CODE = select(Unit.code).where(Unit.id == bindparam("unit_id"))


def sync_tasks(uow: UnitOfWork, case: Case, workflow) -> tuple[list[dict], list[Task]]:
    """Make the task rows of the case match SpiffWorkflow's READY human tasks.

    Returns what the journal records of the tasks opened, and their new rows. Runs without autoflush:
    a row this step already ended is still 'ready' in the database but not in the session.
    """
    ready = runtime.ready_human_tasks(workflow)
    ready_ids = {t.id for t in ready}
    open_ids = set(uow.session.scalars(_OPEN_TASK_IDS, {"case_id": case.id}))
    for row_id in open_ids - ready_ids:
        row = uow.session.get(Task, row_id)     # usually in the session already (the task just completed)
        if row.state == "ready":
            row.state = "cancelled"
            row.ended_at = uow.now
    elements = definition_of(uow, case).meta["elements"]
    opened, rows = [], []
    for task in ready:
        if task.id in open_ids:
            continue
        meta = elements.get(task.element, {})
        resolved = assignments.resolve(uow, Assignment.from_dict(meta.get("assignment")), case=case,
                                       task_data=task.data, element=meta.get("title") or task.element,
                                       classification=case.classification)
        row = Task(id=task.id, case_id=case.id, element=task.element, title=meta.get("title") or task.element,
                   role=resolved.role, unit_id=resolved.unit_id, candidate_user_id=resolved.candidate_user_id,
                   assignee_id=None, state="ready", created_at=uow.now,
                   due_at=due_from(meta.get("deadline"), uow.now))
        uow.session.add(row)
        rows.append(row)
        opened.append({"task": task.id, "element": task.element, "instance": task.instance,
                       "role": resolved.role, "unit": unit_code(uow, resolved.unit_id),
                       "user": _username(uow, resolved.candidate_user_id)})
    return opened, rows


def due_from(deadline: str | None, start: datetime) -> datetime | None:
    """Due date of a task from its ``deadline`` property (``30WD``, ``P30D``; engine/deadlines.py)."""
    return deadlines.due_at(deadline, start)


def case_due(uow: UnitOfWork, case: Case, meta: dict, new_rows: list[Task] = ()) -> datetime | None:
    """The case's statutory due date (process ``caseDeadline``), with the time spent in steps marked
    ``pausesCaseDeadline`` (a dossier returned to the applicant) left out. Reads task rows as the session
    holds them (this step's changes included)."""
    rule = meta.get("case_deadline")
    if not rule:
        return None
    pausing = [element for element, m in meta["elements"].items() if m.get("pauses_case_deadline")]
    pauses = []
    if pausing:
        rows = {r.id: r for r in uow.session.scalars(
            select(Task).where(Task.case_id == case.id, Task.element.in_(pausing))).all()}
        rows.update({r.id: r for r in new_rows if r.element in pausing})
        pauses = sorted(((r.created_at, r.ended_at) for r in rows.values()), key=lambda pause: pause[0])
    return deadlines.due_at(rule, case.started_at, pauses)


def unit_code(uow: UnitOfWork, unit_id: int | None) -> str | None:
    """The code of a unit, for event data: from the session when the unit is loaded, else a plain column
    read kept for the rest of the transaction (no unit tree is loaded, nothing pending is flushed for it)."""
    if unit_id is None:
        return None
    unit = uow.session.identity_map.get(identity_key(Unit, unit_id))
    if unit is not None:
        return unit.code
    codes = uow.session.info.setdefault("unit_codes", {})
    if unit_id not in codes:
        with uow.session.no_autoflush:
            codes[unit_id] = uow.session.scalar(_UNIT_CODE, {"unit_id": unit_id})
    return codes[unit_id]


def _username(uow: UnitOfWork, user_id: int | None) -> str | None:
    return None if user_id is None else uow.session.get(User, user_id).username


def next_case_number(uow: UnitOfWork, prefix: str) -> str:
    """``PREFIX-YEAR-NNNNNN`` from a per prefix and year counter, locked for the transaction."""
    year = uow.now.year
    return f"{prefix}-{year}-{next_value(uow, CaseSequence, prefix=prefix, year=year):06d}"


def next_value(uow: UnitOfWork, counter, **key) -> int:
    """Add one to the ``last_value`` of the row of ``counter`` (a model) with primary key ``key``, created
    at 0, and return it. The row stays locked until the step's transaction ends (PostgreSQL: ``FOR
    UPDATE``; SQLite: the writing transaction already holds the database): two steps never get the same
    value, and a step that rolls back gives its value back."""
    insert = pg_insert if uow.is_postgresql else sqlite_insert
    uow.session.execute(insert(counter).values(**key, last_value=0).on_conflict_do_nothing(index_elements=list(key)))
    query = select(counter).where(*(getattr(counter, column) == value for column, value in key.items()))
    if uow.is_postgresql:
        query = query.with_for_update()
    row = uow.session.scalars(query.execution_options(populate_existing=True)).one()
    row.last_value += 1
    uow.session.flush()
    return row.last_value


def run_step(uow: UnitOfWork, *, case_id: int | Callable[[], int], action: dict, act: Callable[[], object]):
    """Run ``act`` (which opens and commits ``uow`` itself); if the engine fails inside it, record the
    failure in a transaction of its own and raise :class:`CaseFailed`. ``case_id`` may be a callable
    when only ``act`` finds out which case it is."""
    try:
        return act()
    except StepFailed as failure:
        case_id = case_id() if callable(case_id) else case_id
        step = record_failure(uow, case_id=case_id, action=action, failure=failure)
        raise CaseFailed(step=step, **failure.as_dict()) from None


def record_failure(uow: UnitOfWork, *, case_id: int, action: dict, failure: StepFailed) -> str:
    """Put the case in ``error`` with what failed and the action to retry; returns the step's title."""
    with uow:
        case = lock_case(uow, case_id=case_id)
        step = definition_of(uow, case).element(failure.element).get("title") or failure.element
        error = {**failure.as_dict(), "step": step, "action": action}
        case.status = "error"
        case.error = error
        history.append(uow, case, "case.failed", actor=action.get("actor"), data=error)
        uow.commit()
        return step
