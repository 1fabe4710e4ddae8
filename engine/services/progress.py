"""Where a case stands: the steps done, being worked on and waiting, who holds each open step, and the
diagram to draw them on. Computed from the task rows and the journal (no workflow is restored).

* done: human steps completed (``task.completed`` events' ``element``), timers fired, the start event;
* active: open tasks someone has claimed (or that name one user);
* waiting: open tasks waiting for someone holding the role to pick them up;
* skipped: on an ended case, the steps it never reached (not "pending": nothing will come).

An ended case names its ``outcome``, the end event it reached (journaled by the step that ended it), and
a case sent back for supplement says why (``returns``, engine/services/returns.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import aliased

from engine.models import Case, CaseEvent, Task, Unit, User
from engine.services import definitions, organisation, returns
from engine.services.checkpoints import ENDED
from engine.services.cases import load_visible_case
from engine.spiff import parser
from engine.uow import UnitOfWork
from engine.views import Actor, ReturnNotice

BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
HUMAN = ("userTask", "manualTask")


@dataclass(frozen=True)
class OpenStep:
    task_id: str
    element: str
    title: str
    role: str | None
    role_name: str | None
    unit: str | None
    unit_name: str | None
    user: str | None           # the assignee, or the one user the step names
    user_name: str | None
    claimed: bool
    created_at: datetime
    due_at: datetime | None

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"task": self.task_id, "element": self.element, "title": self.title, "role": self.role,
                "role_name": self.role_name, "unit": self.unit, "unit_name": self.unit_name, "user": self.user,
                "user_name": self.user_name, "claimed": self.claimed, "created_at": _iso(self.created_at),
                "due_at": _iso(self.due_at)}


@dataclass(frozen=True)
class StepLine:
    element: str
    title: str
    state: str                 # done, active, waiting, pending, skipped


@dataclass(frozen=True)
class ProgressView:
    number: str
    title: str
    process_name: str
    status: str
    has_diagram: bool
    done: tuple[str, ...]
    active: tuple[str, ...]
    waiting: tuple[str, ...]
    open_steps: tuple[OpenStep, ...]
    steps: tuple[StepLine, ...]
    started_at: datetime
    ended_at: datetime | None
    events: int
    last_change: datetime | None = None
    error_step: str | None = None
    extra: dict = field(default_factory=dict)
    outcome: str | None = None                    # the title of the end event the case ended on
    returns: tuple[ReturnNotice, ...] = ()        # why open steps were sent back to (the latest last)

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"number": self.number, "status": self.status, "has_diagram": self.has_diagram,
                "done": list(self.done), "active": list(self.active), "waiting": list(self.waiting),
                "open_steps": [s.as_json() for s in self.open_steps], "started_at": _iso(self.started_at),
                "ended_at": _iso(self.ended_at), "events": self.events}


def has_diagram(xml: str) -> bool:
    """True when the BPMN text carries diagram interchange (shapes to draw)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return False
    return root.find(f".//{BPMNDI}BPMNShape") is not None


def case_progress(uow: UnitOfWork, *, number: str, actor: Actor) -> ProgressView:
    """The progress of a case the actor may see. :raises NotFound: unknown or not visible."""
    with uow.reader() as reader:
        case = load_visible_case(reader, actor, number)
        definition = case.definition
        elements = definition.meta.get("elements", {})
        open_steps = _open_steps(reader, case)
        done: list[str] = []
        last_change = outcome = None
        record = definitions.record(reader, case.definition_id)
        hidden = returns.hidden_fields(record, case, actor.clearance)
        open_ids = {s.task_id for s in open_steps}
        notices: list[ReturnNotice] = []
        for event_type, body, at, by in reader.session.execute(
                select(CaseEvent.type, CaseEvent.body, CaseEvent.at, CaseEvent.actor)
                .where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all():
            last_change = at
            data = json.loads(body)["data"]
            outcome = data.get("outcome") or outcome
            if event_type == "case.started":
                done.extend(e for e, m in elements.items() if m.get("kind") == "startEvent")
            elif event_type == "task.completed" and data.get("element"):
                done.append(data["element"])
                notice = returns.from_event(record, data, at=at, actor=by, hidden=hidden) \
                    if open_ids.intersection(o.get("task") for o in data.get("opened") or ()) else None
                if notice is not None:
                    notices.append(notice)
            elif event_type == "timer.fired":
                done.extend(t for t in data.get("timers") or [] if isinstance(t, str))
        active = [s.element for s in open_steps if s.claimed]
        waiting = [s.element for s in open_steps if not s.claimed and s.element not in active]
        done_unique = tuple(dict.fromkeys(done))
        lines = []
        order = _process_order(record)
        for element, meta in sorted(elements.items(), key=lambda item: order.get(item[0], len(order))):
            if meta.get("kind") not in HUMAN:
                continue
            state = ("active" if element in active else "waiting" if element in waiting
                     else "done" if element in done_unique else "skipped" if case.status in ENDED else "pending")
            lines.append(StepLine(element=element, title=meta.get("title") or element, state=state))
        return ProgressView(number=case.number, title=case.title, process_name=definition.name, status=case.status,
                            has_diagram=has_diagram(definition.files.get(definition.main_file, "")),
                            done=done_unique, active=tuple(dict.fromkeys(active)),
                            waiting=tuple(dict.fromkeys(waiting)), open_steps=tuple(open_steps), steps=tuple(lines),
                            started_at=case.started_at, ended_at=case.ended_at, events=case.event_count,
                            last_change=last_change,
                            error_step=(case.error or {}).get("step") or (case.error or {}).get("element"),
                            outcome=_outcome_title(elements, outcome),
                            returns=tuple(returns.with_names(reader, notices)))


def _process_order(record: definitions.DefinitionRecord) -> dict[str, int]:
    """element id -> its place in the process as SpiffWorkflow reads it from the start event (the stored
    ``elements`` mapping has no order on PostgreSQL: JSONB sorts its keys)."""
    process = parser.cached_process(record.sha256, record.key, record.files, record.main_file)
    names = [*process.spec.task_specs, *(n for spec in process.subprocess_specs.values() for n in spec.task_specs)]
    return {name: index for index, name in enumerate(dict.fromkeys(names))}


def _outcome_title(elements: dict, outcome: str | None) -> str | None:
    return (elements.get(outcome) or {}).get("title") or outcome if outcome else None


def outcomes_of_my_cases(uow: UnitOfWork, *, actor: Actor, numbers: list[str]) -> dict[str, str]:
    """number -> the end event each completed case the actor started ended on (the "my requests" list),
    from the journal events that ended them (one query)."""
    if not numbers:
        return {}
    with uow.reader() as reader:
        rows = reader.session.execute(
            select(Case.number, Case.definition_id, CaseEvent.body)
            .join(CaseEvent, (CaseEvent.case_id == Case.id) & (CaseEvent.at == Case.ended_at))
            .where(Case.number.in_(numbers), Case.started_by_id == actor.user_id,
                   Case.classification <= actor.clearance, Case.status == "completed")).all()
        result = {}
        for number, definition_id, body in rows:
            outcome = json.loads(body)["data"].get("outcome")
            if outcome:
                result[number] = _outcome_title(definitions.record(reader, definition_id).meta["elements"], outcome)
        return result


def _open_steps(reader: UnitOfWork, case: Case) -> list[OpenStep]:
    assignee, candidate = aliased(User), aliased(User)
    rows = reader.session.execute(
        select(Task, Unit.code, Unit.name, assignee.username, assignee.full_name, candidate.username,
               candidate.full_name)
        .outerjoin(Unit, Task.unit_id == Unit.id)
        .outerjoin(assignee, Task.assignee_id == assignee.id)
        .outerjoin(candidate, Task.candidate_user_id == candidate.id)
        .where(Task.case_id == case.id, Task.state == "ready").order_by(Task.created_at, Task.id)).all()
    names = organisation.role_names(reader)
    steps = []
    for task, unit_code, unit_name, a_user, a_name, c_user, c_name in rows:
        steps.append(OpenStep(task_id=task.id, element=task.element, title=task.title, role=task.role,
                              role_name=names.get(task.role) if task.role else None, unit=unit_code,
                              unit_name=unit_name, user=a_user or c_user, user_name=a_name or c_name,
                              claimed=task.assignee_id is not None or task.candidate_user_id is not None,
                              created_at=task.created_at, due_at=task.due_at))
    return steps


def case_diagram(uow: UnitOfWork, *, number: str, actor: Actor) -> str:
    """The BPMN text of the case's definition version (what its diagram is drawn from)."""
    with uow.reader() as reader:
        definition = load_visible_case(reader, actor, number).definition
        return definition.files[definition.main_file]


@dataclass(frozen=True)
class FieldInfo:
    title: str
    enum_titles: dict
    widget: str | None = None      # ``member``/``members``/``unit``: the value names people or a unit


def field_titles(uow: UnitOfWork, *, number: str, actor: Actor) -> dict[str, FieldInfo]:
    """Titles (and enum value titles) of every field in the forms of the case's definition, and of the
    variables its scripts compute (the process's ``dataSchemaFilename``)."""
    with uow.reader() as reader:
        definition = load_visible_case(reader, actor, number).definition
        names = [definition.meta.get("start_form")] + [m.get("form") for m in definition.meta["elements"].values()] \
            + [definition.meta.get("data_schema")]
        result: dict[str, FieldInfo] = {}
        for name in names:
            if not name or name not in definition.files:
                continue
            schema = json.loads(definition.files[name])
            for key, prop in (schema.get("properties") or {}).items():
                if isinstance(prop, dict) and key not in result:
                    titles = dict(zip(prop.get("enum") or [], prop.get("x-enum-titles") or []))
                    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
                    result[key] = FieldInfo(title=prop.get("title") or key, enum_titles=titles,
                                            widget=prop.get("x-widget") or items.get("x-widget"))
        return result


def display_names(uow: UnitOfWork, usernames: set[str]) -> dict[str, str]:
    """username -> full name for the people shown on a page (one query)."""
    if not usernames:
        return {}
    with uow.reader() as reader:
        return dict(reader.session.execute(select(User.username, User.full_name)
                                           .where(User.username.in_(sorted(usernames)))).all())


def unit_display_names(uow: UnitOfWork, codes: set[str]) -> dict[str, str]:
    """unit code -> name for the units shown on a page (one query; not the whole tree)."""
    if not codes:
        return {}
    with uow.reader() as reader:
        return dict(reader.session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(sorted(codes)))).all())


def open_steps_of_my_cases(uow: UnitOfWork, *, actor: Actor, numbers: list[str]) -> dict[str, list[OpenStep]]:
    """The open steps of several cases the actor started (the "my requests" list), in one query."""
    if not numbers:
        return {}
    assignee, candidate = aliased(User), aliased(User)
    with uow.reader() as reader:
        names = organisation.role_names(reader)
        rows = reader.session.execute(
            select(Task, Case.number, Unit.code, Unit.name, assignee.username, assignee.full_name,
                   candidate.username, candidate.full_name)
            .join(Case, Task.case_id == Case.id)
            .outerjoin(Unit, Task.unit_id == Unit.id)
            .outerjoin(assignee, Task.assignee_id == assignee.id)
            .outerjoin(candidate, Task.candidate_user_id == candidate.id)
            .where(Case.number.in_(numbers), Case.started_by_id == actor.user_id,
                   Case.classification <= actor.clearance, Task.state == "ready")
            .order_by(Task.created_at, Task.id)).all()
        result: dict[str, list[OpenStep]] = {}
        for task, number, unit_code, unit_name, a_user, a_name, c_user, c_name in rows:
            result.setdefault(number, []).append(OpenStep(
                task_id=task.id, element=task.element, title=task.title, role=task.role,
                role_name=names.get(task.role) if task.role else None, unit=unit_code, unit_name=unit_name,
                user=a_user or c_user, user_name=a_name or c_name,
                claimed=task.assignee_id is not None or task.candidate_user_id is not None,
                created_at=task.created_at, due_at=task.due_at))
        return result
