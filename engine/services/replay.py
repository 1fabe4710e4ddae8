"""Deterministic replay of a case from its journal (docs/replay.md).

The journal pins the definition by hash and records every external input in order. Replaying takes
the exact definition the case ran on, starts a fresh SpiffWorkflow instance and re-applies the
inputs with the clock set to each event's time, running the same engine code as the live step
(complete, run until waiting, compact). After every event that changed the workflow it compares the
identifier-free fingerprint of the state with the one the journal recorded. The first difference is
the divergence: a changed input, a changed definition, or a script that is not deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.clock import parse_iso
from engine.errors import NotFound
from engine.models import Case, CaseEvent, Definition
from engine.services import definitions
from engine.spiff import parser, runtime, serializer
from engine.spiff.runtime import StepFailed, step_time
from engine.uow import UnitOfWork

#: Events that record an input to the workflow; the others (claims, failures, retries) change nothing in it.
#: ``case.sent_back`` rebuilds the workflow as it was after an earlier event.
STATE_CHANGING = ("case.started", "task.completed", "timer.fired", "message.received", "signal.received",
                  "case.cancelled", "case.data_corrected")


@dataclass(frozen=True)
class ReplayStep:
    """One replayed event: the fingerprints compared, and what an auditor steps through."""

    seq: int
    type: str
    element: str | None
    recorded: str | None
    replayed: str | None
    active: tuple[str, ...] = ()          # elements waiting after the event (tasks, timers, messages)
    data_after: dict = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.recorded == self.replayed


@dataclass(frozen=True)
class ReplayReport:
    case: str
    definition: str
    steps: tuple[ReplayStep, ...] = field(default=())
    diverged_at: int | None = None
    reason: str | None = None          # definition | input | state | engine
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.diverged_at is None


def replay_case(uow: UnitOfWork, number: str, *, details: bool = True) -> ReplayReport:
    """Replay one case from its journal and report the first divergence, if any.

    ``details`` keeps, for each step, what an auditor steps through (waiting elements, data after it);
    a plain verification does without."""
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        if case_id is None:
            raise NotFound("case.not_found", number=number)
        events = journal_events(reader, case_id)
        if not events or events[0][1] != "case.started":
            return ReplayReport(case=number, definition="", diverged_at=1, reason="input",
                                detail="the journal does not begin with case.started")
        started = events[0][2]["data"]
        definition_hash = started["definition"]
        definition_id = reader.session.scalar(select(Definition.id).where(
            Definition.key == started["key"], Definition.version == started["version"]))
        if definition_id is None:
            return ReplayReport(case=number, definition=definition_hash, diverged_at=1, reason="definition",
                                detail=f"{started['key']} v{started['version']} is not deployed")
        record = definitions.record(reader, definition_id)
    return replay_events(number, record, events, uow.script_engine, details=details)


def replay_events(number: str, record: definitions.DefinitionRecord, events: list[tuple[int, str, dict]],
                  script_engine, *, details: bool = True) -> ReplayReport:
    """Replay parsed journal events on a definition record (also used by the dossier export)."""
    return _replay(number, record, events, script_engine, details=details)[0]


def rebuild(record: definitions.DefinitionRecord, events: list[tuple[int, str, dict]], script_engine,
            *, through_seq: int):
    """The workflow as it was right after event ``through_seq`` (a case sent back to an earlier step).

    :raises LookupError: the journal does not replay up to that point.
    """
    report, workflow = _replay("", record, [e for e in events if e[0] <= through_seq], script_engine)
    if not report.ok:
        raise LookupError(f"replay diverged at #{report.diverged_at}: {report.reason}")
    return workflow


def _replay(number: str, record: definitions.DefinitionRecord, events: list[tuple[int, str, dict]], script_engine,
            *, details: bool = False):
    started = events[0][2]["data"]
    bundle = parser.Bundle(main=record.main_file, files=dict(record.files))
    if bundle.sha256 != started["definition"] or record.sha256 != started["definition"]:
        return ReplayReport(case=number, definition=started["definition"], diverged_at=1, reason="definition",
                            detail="the definition's files no longer match the hash the case started on"), None
    process = parser.cached_process(record.sha256, record.key, record.files, record.main_file)
    workflow = serializer.new_workflow(process, script_engine)
    steps: list[ReplayStep] = []
    skip: frozenset[str] = frozenset()
    for seq, kind, body in events:
        data = body["data"]
        if kind == "case.retried":
            skip = frozenset(data.get("skipped") or ())   # applies to the re-applied action that follows
            continue
        if kind == "case.sent_back":
            try:
                workflow = rebuild(record, events, script_engine, through_seq=data["to_seq"])
            except LookupError as exc:
                return ReplayReport(case=number, definition=record.sha256, steps=tuple(steps), diverged_at=seq,
                                    reason="input", detail=str(exc)), workflow
            runtime.compact(workflow)
        elif kind not in STATE_CHANGING:
            continue
        else:
            try:
                with step_time(parse_iso(body["at"])), runtime.skipping(skip):
                    _apply(workflow, record, kind, data)
            except (StepFailed, Exception) as exc:  # the recorded input no longer applies: that is the finding
                steps.append(ReplayStep(seq, kind, data.get("element"), body.get("state"), None))
                return ReplayReport(case=number, definition=record.sha256, steps=tuple(steps), diverged_at=seq,
                                    reason="input", detail=f"{type(exc).__name__}: {str(exc)[:200]}"), workflow
            skip = frozenset()
            runtime.compact(workflow)
        fingerprint = runtime.fingerprint(workflow)
        step = ReplayStep(seq, kind, data.get("element"), body.get("state"), fingerprint,
                          active=runtime.waiting_elements(workflow) if details else (),
                          data_after=runtime.current_data(workflow) if details else {})
        steps.append(step)
        if not step.ok:
            return ReplayReport(case=number, definition=record.sha256, steps=tuple(steps), diverged_at=seq,
                                reason="state", detail="the state after this event differs from the recorded one"
                                ), workflow
    return ReplayReport(case=number, definition=record.sha256, steps=tuple(steps)), workflow


def journal_events(uow: UnitOfWork, case_id: int) -> list[tuple[int, str, dict]]:
    """(seq, type, parsed body) of every event of a case, in order."""
    rows = uow.session.execute(select(CaseEvent.seq, CaseEvent.type, CaseEvent.body)
                               .where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)).all()
    return [(seq, kind, json.loads(body)) for seq, kind, body in rows]


def _apply(workflow, record: definitions.DefinitionRecord, kind: str, data: dict) -> None:
    if kind == "case.started":
        runtime.start(workflow, data["input"])
    elif kind == "task.completed":
        task_id = _ready_task(workflow, data["element"], data.get("instance"))
        into = record.element(data["element"]).get("output_variable")
        runtime.complete(workflow, task_id, data["input"], into=into)
    elif kind == "timer.fired":
        runtime.fire_timers(workflow)
    elif kind == "message.received":
        runtime.send_message(workflow, data["name"], data["payload"])
    elif kind == "signal.received":
        runtime.send_signal(workflow, data["name"], data["payload"])
    elif kind == "case.cancelled":
        runtime.cancel(workflow)
    elif kind == "case.data_corrected":
        runtime.correct_data(workflow, data["changes"])


def _ready_task(workflow, element: str, instance: str | None) -> str:
    for task in runtime.ready_human_tasks(workflow):
        if task.element == element and task.instance == instance:
            return task.id
    raise LookupError(f"no ready task {element!r} (instance {instance!r}) to complete")
