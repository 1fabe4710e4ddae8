"""Operations on one restored SpiffWorkflow instance; the services wrap each in a unit of work.

Everything here is in memory and deterministic given the inputs and the clock: the services
journal the inputs, and the auditor's replay calls these same functions.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _timer_module
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
# The events a case is sent must be of the classes SpiffBpmnParser gives its catching events: SpiffWorkflow
# matches an event to a waiting task by class identity, so a base-class message is caught by nothing.
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition, SignalEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import InvalidInput, NotFound, ScriptError, TaskAlreadyCompleted
from engine.spiff import stepclock
from engine.spiff.script_engine import script_error_of

# SpiffWorkflow reads the time with datetime.now() inside its timer module and offers no clock to
# inject (notes §4). quytrinh sets the step's time in a context variable (engine/spiff/stepclock.py) and
# the timer module sees it through this subclass, so timers follow the unit of work's clock, in tests and
# in replays alike.
class _StepDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        moment = stepclock.current()
        if moment is None:
            return datetime.now(tz)
        return moment.astimezone(tz) if tz is not None else moment.astimezone(timezone.utc).replace(tzinfo=None)


_timer_module.datetime = _StepDatetime
step_time = stepclock.step_time
skipping = stepclock.skipping


class StepFailed(Exception):
    """The engine could not advance: a script, condition or timer expression failed."""

    def __init__(self, element: str, error: ScriptError | None, detail: str) -> None:
        super().__init__(f"{element}: {detail}")
        self.element = element
        self.error = error
        self.detail = detail

    def as_dict(self) -> dict:
        """``reason`` is the error code of what failed (``script.limit``...), with its parameters."""
        return {"element": self.element, "reason": self.error.code if self.error else "engine.failed",
                "reason_params": dict(self.error.params) if self.error else {"detail": self.detail}}


@dataclass(frozen=True)
class HumanTask:
    """A READY user or manual task, in plain values."""

    id: str
    element: str
    data: dict
    instance: str | None   # multi-instance key or index, None for a single task


# Advancing -----------------------------------------------------------------------------------

def start(workflow: BpmnWorkflow, data: dict) -> None:
    """Put the opening data on the start task and run until the first wait."""
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(data))
    _advance(workflow)


def complete(workflow: BpmnWorkflow, task_id: str, data: dict, *, into: str | None = None) -> HumanTask:
    """Complete a READY human task with form data (merged into the task's data, or stored whole under
    ``into``) and run until the next wait."""
    task = _ready_human_task(workflow, task_id)
    done = _human(task)
    if into:
        task.data[into] = copy.deepcopy(data)
    else:
        task.data.update(copy.deepcopy(data))
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise _failed(exc, task.task_spec.bpmn_id) from exc
    _advance(workflow)
    return done


def send_message(workflow: BpmnWorkflow, name: str, payload: dict) -> None:
    """Deliver a message; its payload becomes case data, as in Camunda, unless the catching event names a
    ``messageVariable`` to hold it (SpiffWorkflow alone would then drop an unnamed payload)."""
    event = BpmnEvent(MessageEventDefinition(name), copy.deepcopy(payload))
    for task in list(workflow.event_manager.tasks.values()):
        definition = task.task_spec.event_definition
        if definition.catches(task, event) and getattr(definition, "message_var", None) is None:
            task.data.update(copy.deepcopy(payload))
    try:
        workflow.send_event(event)
    except WorkflowException as exc:
        if "not waiting" in str(exc).lower() or "no task" in str(exc).lower():
            raise InvalidInput("message.not_waiting", name=name) from exc
        raise _failed(exc, "") from exc
    _advance(workflow)


def send_signal(workflow: BpmnWorkflow, name: str, payload: dict | None = None) -> None:
    try:
        workflow.send_event(BpmnEvent(SignalEventDefinition(name), copy.deepcopy(payload or {})))
    except WorkflowException as exc:
        if "not waiting" in str(exc).lower():
            raise InvalidInput("signal.not_waiting", name=name) from exc
        raise _failed(exc, "") from exc
    _advance(workflow)


def fire_timers(workflow: BpmnWorkflow) -> list[str]:
    """Fire the timers due at the step time; returns the element ids that fired."""
    before = {str(t.id): t.task_spec.bpmn_id for t in _waiting_timer_tasks(workflow)}
    _advance(workflow)
    after = {str(t.id) for t in _waiting_timer_tasks(workflow)}
    fired = []
    for task_id, element in before.items():
        task = workflow.get_task_from_id(UUID(task_id)) if UUID(task_id) in _all_task_ids(workflow) else None
        if task_id not in after and (task is None or task.state == TaskState.COMPLETED):
            fired.append(element)
    return sorted(fired)


def cancel(workflow: BpmnWorkflow) -> None:
    workflow.cancel()


def correct_data(workflow: BpmnWorkflow, changes: dict) -> None:
    """Overwrite keys of the data of every waiting or ready task (an administrator's repair)."""
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        task.data.update(copy.deepcopy(changes))


def _advance(workflow: BpmnWorkflow) -> None:
    """Run engine steps until nothing more can run, firing timers that are due (notes §4: a single
    ``do_engine_steps`` leaves an expired timer READY but not run)."""
    try:
        for _ in range(100):
            workflow.refresh_timers()
            before = _progress_marker(workflow)
            workflow.do_engine_steps()
            if _progress_marker(workflow) == before:
                break
    except SpiffWorkflowException as exc:
        raise _failed(exc, getattr(getattr(getattr(exc, "task", None), "task_spec", None), "bpmn_id", "")) from exc


def _progress_marker(workflow: BpmnWorkflow) -> tuple:
    return tuple(sorted((str(t.id), t.state) for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)))


def _failed(exc: BaseException, element: str) -> StepFailed:
    task = getattr(exc, "task", None)
    if task is not None and getattr(task, "task_spec", None) is not None:
        element = task.task_spec.bpmn_id or element
    return StepFailed(element or "", script_error_of(exc), str(exc)[:300])


# Reading -------------------------------------------------------------------------------------

def ready_human_tasks(workflow: BpmnWorkflow) -> list[HumanTask]:
    return [_human(t) for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def _human(task) -> HumanTask:
    instance = task.internal_data.get("key_or_index")
    return HumanTask(id=str(task.id), element=task.task_spec.bpmn_id, data=task.data,
                     instance=None if instance is None else str(instance))


def _ready_human_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, KeyError, TypeError):
        task = None
    if task is None:
        raise NotFound("task.not_found", task=str(task_id))
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskAlreadyCompleted(task=str(task_id))
    return task


def _waiting_timer_tasks(workflow: BpmnWorkflow):
    return [t for t in workflow.get_tasks(state=TaskState.WAITING)
            if t.internal_data.get("event_value") is not None]


def _all_task_ids(workflow: BpmnWorkflow) -> set:
    ids = set(workflow.tasks)
    for sub in workflow.subprocesses.values():
        ids |= set(sub.tasks)
    return ids


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest due time of a waiting timer (None when nothing waits on time)."""
    due = []
    for event in workflow.waiting_events():
        value = event.value
        if isinstance(value, dict):
            value = value.get("next")
        if isinstance(value, str):
            try:
                due.append(_timer_module.TimerEventDefinition.get_datetime(value))
            except ValueError:
                continue
        elif value is None and event.event_type == "MultipleEventDefinition":
            # Event-based gateways do not expose their timer (notes §4); poll them every minute.
            due.append(stepclock.current() or datetime.now(timezone.utc))
    return min(due).astimezone(timezone.utc) if due else None


def waiting_elements(workflow: BpmnWorkflow) -> tuple[str, ...]:
    """Element ids of the tasks that wait for a person, a timer or a message (what a diagram highlights)."""
    found = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
             if t.task_spec.bpmn_id}
    return tuple(sorted(found))


def waiting_messages(workflow: BpmnWorkflow) -> list[str]:
    return sorted({e.name for e in workflow.waiting_events() if e.event_type in ("MessageEventDefinition",)})


def is_completed(workflow: BpmnWorkflow) -> bool:
    return workflow.is_completed()


def outcome(workflow: BpmnWorkflow) -> str | None:
    """The end event a completed workflow ended on (its element id): the last one of the process itself
    reached, preferring one not reached through a non-interrupting boundary event (the reminder of an
    overdue step ends a side branch, not the case). None while the workflow runs."""
    if not workflow.is_completed():
        return None
    reached = [t for t in workflow.tasks.values()
               if isinstance(t.task_spec, EndEvent) and t.has_state(TaskState.COMPLETED) and t.task_spec.bpmn_id]
    main = [t for t in reached if not _after_side_branch(t)]
    last = max(main or reached, key=lambda t: t.last_state_change, default=None)
    return None if last is None else last.task_spec.bpmn_id


def _after_side_branch(task) -> bool:
    parent = task.parent
    while parent is not None:
        if isinstance(parent.task_spec, BoundaryEvent) and not parent.task_spec.cancel_activity:
            return True
        parent = parent.parent
    return False


def current_data(workflow: BpmnWorkflow) -> dict:
    """The data a clerk should see now: the workflow's data once complete, else the data of the
    tasks that wait, merged in a stable order."""
    if workflow.is_completed():
        return copy.deepcopy(workflow.data) or _last_completed_data(workflow)
    merged: dict = {}
    tasks = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR)
    for task in sorted(tasks, key=lambda t: (t.task_spec.name, str(t.internal_data.get("key_or_index", "")))):
        merged.update(task.data)
    return copy.deepcopy(merged)


def _last_completed_data(workflow: BpmnWorkflow) -> dict:
    done = workflow.get_tasks(state=TaskState.COMPLETED)
    return copy.deepcopy(max(done, key=lambda t: t.last_state_change).data) if done else {}


# Keeping the state small ---------------------------------------------------------------------

KEEP_ABOVE = 2


def compact(workflow: BpmnWorkflow) -> int:
    """Drop finished history above the lowest common ancestor of all unfinished tasks.

    SpiffWorkflow keeps every task ever run in its tree, so a case that loops back grows its state and
    every step's cost with its length (notes §7, spiff-arena#2718). quytrinh's history is the journal,
    not the tree, so the tree is cut above the point where every live branch meets, keeping
    ``KEEP_ABOVE`` ancestors for gateways that look at their parents. Returns the tasks dropped.
    """
    unfinished = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not unfinished:
        return 0
    paths = [_path_from_root(t) for t in unfinished]
    common = paths[0]
    for path in paths[1:]:
        limit = min(len(common), len(path))
        i = 0
        while i < limit and common[i] is path[i]:
            i += 1
        common = common[:i]
    if len(common) <= KEEP_ABOVE + 1:
        return 0
    new_root = common[-1 - KEEP_ABOVE]
    keep = set()
    stack = [new_root]
    while stack:
        task = stack.pop()
        keep.add(task.id)
        stack.extend(task.children)
    dropped = [tid for tid in workflow.tasks if tid not in keep]
    for tid in dropped:
        del workflow.tasks[tid]
    new_root._parent = None
    workflow.task_tree = new_root
    _drop_orphan_subprocesses(workflow)
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = None
    return len(dropped)


def _drop_orphan_subprocesses(workflow: BpmnWorkflow) -> None:
    while True:
        alive = set(workflow.tasks)
        for sub in workflow.subprocesses.values():
            alive |= set(sub.tasks)
        orphans = [sid for sid in workflow.subprocesses if sid not in alive]
        if not orphans:
            return
        for sid in orphans:
            del workflow.subprocesses[sid]


def _path_from_root(task) -> list:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def fingerprint(workflow: BpmnWorkflow) -> str:
    """An identifier-free digest of the state: spec, state and data of every task, and the
    workflow's data. Two runs that took the same inputs in the same order agree on it."""
    rows = []
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.tasks.values():
            rows.append([wf.spec.name, task.task_spec.name, int(task.state),
                         json.dumps(task.data, sort_keys=True, default=str, ensure_ascii=False)])
    rows.sort()
    body = json.dumps([rows, json.loads(json.dumps(workflow.data, sort_keys=True, default=str))],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
