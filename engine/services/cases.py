"""RuntimeService: open cases, deliver messages and signals, fire due timers, cancel, retry, repair."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import forms
from engine.deadlines import VIETNAM
from engine.errors import InvalidFormData, InvalidInput, NotAllowed, NotFound
from engine.models import Case, CaseEvent, Definition, Task, Unit
from engine.services import (access, assignments, definitions, history, organisation, people_fields, redaction,
                             registers, steps)
from engine.services.definitions import latest_definition
from engine.spiff import parser, runtime, serializer
from engine.spiff.runtime import step_time
from engine.uow import UnitOfWork
from engine.views import Actor, CaseView, TaskView

#: Fields the engine puts in every case's opening data; designers may rely on them in diagrams.
SYSTEM_FIELDS = ("initiator", "case_number", "case_unit")


def start_case(uow: UnitOfWork, *, key: str, unit_code: str, actor: Actor, data: dict | None = None,
               classification: int | None = None, version: int | None = None, token: str | None = None) -> str:
    """Open a case of the latest (or given) version of a process in a unit; returns its number.

    Writes the case, its first tasks and a ``case.started`` event carrying the definition's hash and the
    opening data, with the numbers of its register fields (engine/services/registers.py). ``token``
    identifies the form that asks (a double click sends it twice): the same token from the same person
    opens one case, and asking again returns its number.
    :raises InvalidFormData: the opening data does not match the start form.
    """
    if token:
        opened = _opened_with(uow, token, actor)
        if opened:
            return opened
    try:
        return _start_case(uow, key=key, unit_code=unit_code, actor=actor, data={} if data is None else data,
                           classification=classification, version=version, token=token)
    except IntegrityError:
        if not token:
            raise
        opened = _opened_with(uow, token, actor)
        if opened is None:
            raise InvalidInput("case.open_token_used") from None
        return opened          # the same form, sent twice at once: the other request opened it


#: How far back a request sent again with the same content counts as the same request (``same_request``).
SAME_REQUEST_WINDOW = timedelta(hours=24)


@dataclasses.dataclass(frozen=True)
class SameRequest:
    number: str
    started_at: datetime


def same_request(uow: UnitOfWork, *, key: str, unit_code: str, actor: Actor, data: dict,
                 token: str | None = None) -> SameRequest | None:
    """A running case this person opened in the last day, of the same process in the same unit, whose
    opening data had every value of ``data``: what a form sent again after Back or a reload opens a second
    time. The one-time ``token`` covers a double click; it cannot cover Back, which fetches the form anew
    (every page is no-store). None when ``token`` already opened a case: that request is not new."""
    if token and _opened_with(uow, token, actor):
        return None
    typed = {k: v for k, v in data.items() if k not in SYSTEM_FIELDS}
    with uow.reader() as reader:
        rows = reader.session.execute(
            select(Case.number, Case.started_at, CaseEvent.body)
            .join(Definition, Definition.id == Case.definition_id).join(Unit, Unit.id == Case.unit_id)
            .join(CaseEvent, (CaseEvent.case_id == Case.id) & (CaseEvent.seq == 1))
            .where(Definition.key == key, Unit.code == unit_code, Case.started_by_id == actor.user_id,
                   Case.status == "running", Case.started_at >= reader.now - SAME_REQUEST_WINDOW)
            .order_by(Case.started_at.desc()).limit(20)).all()
    for number, started_at, body in rows:
        opening = json.loads(body)["data"].get("input") or {}
        if all(opening.get(k) == v for k, v in typed.items()):
            return SameRequest(number=number, started_at=started_at)
    return None


def _opened_with(uow: UnitOfWork, token: str, actor: Actor) -> str | None:
    with uow.reader() as reader:
        return reader.session.scalar(select(Case.number).where(Case.open_token == token,
                                                               Case.started_by_id == actor.user_id))


def _start_case(uow: UnitOfWork, *, key: str, unit_code: str, actor: Actor, data: dict, classification: int | None,
                version: int | None, token: str | None) -> str:
    with uow:
        definition = latest_definition(uow, key, version=version)
        unit = organisation.unit_by_code(uow, unit_code)
        meta = definition.meta
        if classification is None and isinstance(data.get("classification"), int):
            classification = data["classification"]        # a start form may ask for the level (P12)
        # The process's level is a floor: a denunciation is never opened as "thường".
        level = max(meta.get("classification", 0), 0 if classification is None else classification)
        if not 0 <= level <= 3:
            raise InvalidInput("case.invalid_classification", classification=level)
        if level > actor.clearance:
            raise NotAllowed("case.classified")
        missing = assignments.roles_missing_in(uow, meta, unit.id)
        if missing:
            raise InvalidInput("case.unit_cannot_process", process=definition.name, unit=unit.name,
                               role=organisation.role_names(uow).get(missing[0], missing[0]))
        user_data = {k: v for k, v in data.items() if k not in SYSTEM_FIELDS}
        start_schema = parser.form_schema(definition.files, meta.get("start_form"))
        clean = people_fields.checked(
            uow, start_schema, user_data, unit_id=unit.id, actor=actor,
            fill=lambda: registers.fill(uow, schema=start_schema, data=user_data, unit_id=unit.id, classification=level)
            if start_schema is not None else copy.deepcopy(user_data))
        access.ensure_named_cleared(uow, meta.get("access"), clean, level, step=meta.get("name") or key)
        number = steps.next_case_number(uow, meta["case_prefix"])
        opening = {**clean, "initiator": actor.username, "case_number": number, "case_unit": unit.code}
        case = Case(number=number, definition=definition, unit=unit, status="running", classification=level,
                    title=_title(meta, opening, definition.name), data={}, state="", started_at=uow.now,
                    started_by_id=actor.user_id, event_count=0, head_hash=history.journal.GENESIS,
                    restricted=access.is_restricted(meta.get("access"), level), open_token=token or None)
        uow.session.add(case)
        uow.session.flush()
        workflow = serializer.new_workflow(steps.process_of(uow, case), uow.script_engine)
        try:
            with step_time(uow.now):
                runtime.start(workflow, opening)
        except runtime.StepFailed as failure:
            step = definition.meta["elements"].get(failure.element, {}).get("title") or failure.element
            raise steps.CaseFailed(step=step, **failure.as_dict()) from None
        steps.finish(uow, case, workflow, event_type="case.started", actor=actor.username,
                     data={"definition": definition.sha256, "key": definition.key, "version": definition.version,
                           "unit": unit.code, "classification": level, "input": opening})
        uow.commit()
        return number


def _title(meta: dict, data: dict, default: str) -> str:
    template = meta.get("case_title")
    if not template:
        return default
    # Plain {field} substitution: no attribute access, no format specs.
    return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: str(data.get(m.group(1), "")), template)[:255]


def send_message(uow: UnitOfWork, *, number: str, name: str, payload: dict, actor: Actor | None,
                 retry: steps.Retry | None = None) -> None:
    """Deliver a BPMN message to a case that waits for it."""
    _external_step(uow, number, "message.received", actor, {"name": name, "payload": payload},
                   lambda wf: runtime.send_message(wf, name, payload), retry)


def send_signal(uow: UnitOfWork, *, number: str, name: str, payload: dict | None, actor: Actor | None,
                retry: steps.Retry | None = None) -> None:
    _external_step(uow, number, "signal.received", actor, {"name": name, "payload": payload or {}},
                   lambda wf: runtime.send_signal(wf, name, payload or {}), retry)


def _external_step(uow: UnitOfWork, number: str, event_type: str, actor: Actor | None, data: dict, apply,
                   retry: steps.Retry | None) -> None:
    case_id = _case_id(uow, number)
    username = actor.username if actor else None
    action = {"type": event_type, "actor": username, **data}

    def act():
        with uow:
            case = steps.lock_case(uow, case_id=case_id)
            if actor is not None and not assignments.can_view_case(uow, actor, case):
                raise NotFound("case.not_found", number=number)
            steps.resume(uow, case, retry)
            workflow = steps.restore(uow, case)
            with step_time(uow.now):
                apply(workflow)
            steps.finish(uow, case, workflow, event_type=event_type, actor=username, data=data)
            uow.commit()

    steps.run_step(uow, case_id=case_id, action=action, act=act)


def due_timer_cases(uow: UnitOfWork, *, limit: int = 100) -> list[int]:
    """Ids of running cases with a timer due now (several workers: PostgreSQL skips locked rows)."""
    with uow:
        # Strictly past, as SpiffWorkflow itself compares (a timer due at this very instant fires next).
        query = (select(Case.id).where(Case.status == "running", Case.next_timer_due.is_not(None),
                                       Case.next_timer_due < uow.now)
                 .order_by(Case.next_timer_due).limit(limit))
        return list(uow.session.scalars(query).all())


def fire_timers(uow: UnitOfWork, case_id: int, *, retry: steps.Retry | None = None) -> list[str]:
    """Fire the due timers of one case in one step; returns the timer elements fired.

    A timer is journaled as ``timer.fired`` in the same transaction that moves the case on, so a timer
    that fell due while nothing ran fires exactly once, however many workers look at it. ``retry``: an
    administrator re-fires the timers whose firing failed (``retry_case``).
    """
    fired: list[str] = []

    def act():
        with uow:
            case = steps.lock_case(uow, case_id=case_id, skip_locked=retry is None)
            if retry is not None:
                steps.resume(uow, case, retry)
            elif case is None or case.status != "running" or case.next_timer_due is None \
                    or case.next_timer_due >= uow.now:
                return  # another worker took it, or nothing is due any more
            workflow = steps.restore(uow, case)
            with step_time(uow.now):
                fired.extend(runtime.fire_timers(workflow))
            steps.finish(uow, case, workflow, event_type="timer.fired", actor=None, data={"timers": fired})
            uow.commit()

    steps.run_step(uow, case_id=case_id, action={"type": "timer.fired", "actor": None}, act=act)
    return fired


def run_due_timers(uow: UnitOfWork, *, limit: int = 100) -> int:
    """One pass of the timer worker; returns how many cases had timers fired."""
    count = 0
    for case_id in due_timer_cases(uow, limit=limit):
        try:
            if fire_timers(uow, case_id):
                count += 1
        except steps.CaseFailed:
            count += 1  # recorded on the case; the worker goes on with the others
    return count


def cancel_case(uow: UnitOfWork, *, number: str, actor: Actor, reason: str) -> None:
    """Stop a running case for a stated reason; its open tasks are withdrawn."""
    if not reason.strip():
        raise InvalidInput("case.reason_required")
    with uow:
        case = steps.lock_case(uow, number=number)
        assignments.ensure_can_view(uow, actor, case)
        if not (actor.is_admin or case.started_by_id == actor.user_id):
            raise NotAllowed("case.cancel_not_allowed")
        if case.status not in ("running", "error"):
            raise InvalidInput("case.not_running", number=number, status=case.status)
        workflow = steps.restore(uow, case)
        runtime.cancel(workflow)
        case.status = "cancelled"
        case.ended_at = uow.now
        steps.finish(uow, case, workflow, event_type="case.cancelled", actor=actor.username, data={"reason": reason})
        uow.commit()


def correct_data(uow: UnitOfWork, *, number: str, actor: Actor, changes: dict, reason: str) -> None:
    """An administrator's repair: overwrite data of a running or failed case, journaled with a reason."""
    if not actor.is_admin:
        raise NotAllowed("admin.required")
    if not reason.strip():
        raise InvalidInput("case.reason_required")
    if not changes:
        raise InvalidInput("case.no_changes")
    with uow:
        case = steps.lock_case(uow, number=number)
        if case.status not in ("running", "error"):
            raise InvalidInput("case.not_running", number=number, status=case.status)
        _check_corrections(uow, steps.definition_of(uow, case), case.data, changes)
        workflow = steps.restore(uow, case)
        runtime.correct_data(workflow, changes)
        steps.finish(uow, case, workflow, event_type="case.data_corrected", actor=actor.username,
                     data={"changes": changes, "reason": reason})
        uow.commit()


def _check_corrections(uow: UnitOfWork, definition: definitions.DefinitionRecord, current: dict,
                       changes: dict) -> None:
    """A correction names fields of the process's forms (not the engine's own, such as the case number)
    and gives each a value its form accepts, and keeps what the forms say of fields together (a count not
    above another, a date not after the day or before another) for the case's data as corrected.

    :raises InvalidInput: ``case.unknown_fields``. :raises InvalidFormData: a value its form refuses."""
    fields = definition.field_schemas()
    unknown = sorted(name for name in changes if name not in fields or name in SYSTEM_FIELDS)
    if unknown:
        raise InvalidInput("case.unknown_fields", fields=", ".join(unknown))
    forms.validate({"type": "object", "properties": {name: fields[name] for name in changes}}, changes)
    corrected = {**current, **changes}
    errors = {}
    with forms.on_day(uow.now.astimezone(VIETNAM).date()):
        for schema in definition.form_schemas():
            together = forms.cross_field_rules(schema, touching=changes)
            involved = {name for rule in together.values() for pair in rule.items() for name in pair} & set(corrected)
            if together:
                rules = {"type": "object", **together,
                         "properties": {name: (schema.get("properties") or {}).get(name, {}) for name in involved}}
                for error in forms.field_errors(rules, {name: corrected[name] for name in involved}):
                    errors.setdefault((error.field, error.code), error)
    if errors:
        raise InvalidFormData(list(errors.values()))


def retry_case(uow: UnitOfWork, *, number: str, actor: Actor, corrections: dict | None = None,
               skip: bool = False, reason: str = "") -> None:
    """Re-apply the action that failed (a completion, a timer, a message) on a case in ``error``.

    ``corrections`` overwrite fields of a failed completion's form data (the usual fix when the data
    made a script fail); ``skip`` re-applies it with the failed script skipped (a repair that needs a
    reason). The retry is journaled in the transaction of the re-applied step: a retry that is refused
    (the corrections do not fit the form) or fails again changes nothing but the failure it records.
    """
    if not actor.is_admin:
        raise NotAllowed("admin.required")
    if skip and not reason.strip():
        raise InvalidInput("case.reason_required")
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
        if case is None:
            raise NotFound("case.not_found", number=number)
        if case.status != "error" or not case.error:
            raise InvalidInput("case.not_failed", number=number)
        action = dict(case.error["action"])
        skipped = [case.error["element"]] if skip else []
    retry = steps.Retry(actor=actor.username, data={"action": action, "corrections": corrections or {},
                                                    "skipped": skipped, "reason": reason})
    with runtime.skipping(skipped):
        _reapply(uow, number, action, corrections, retry)


def _reapply(uow: UnitOfWork, number: str, action: dict, corrections: dict | None, retry: steps.Retry) -> None:
    kind = action["type"]
    if kind == "task.completed":
        from engine.services.tasks import complete_task
        original = organisation_actor(uow, action["actor"])
        complete_task(uow, task_id=action["task"], actor=original, data={**action["data"], **(corrections or {})},
                      retry=retry)
    elif kind == "timer.fired":
        fire_timers(uow, _case_id(uow, number), retry=retry)
    elif kind in ("message.received", "signal.received"):
        sender = organisation_actor(uow, action["actor"]) if action.get("actor") else None
        send = send_message if kind == "message.received" else send_signal
        send(uow, number=number, name=action["name"], payload=action["payload"], actor=sender, retry=retry)


def organisation_actor(uow: UnitOfWork, username: str) -> Actor:
    with uow.reader() as reader:
        return organisation.actor_for(reader, username)


def _case_id(uow: UnitOfWork, number: str) -> int:
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        if case_id is None:
            raise NotFound("case.not_found", number=number)
        return case_id


# Reading -------------------------------------------------------------------------------------

def load_visible_case(uow: UnitOfWork, actor: Actor, number: str) -> Case:
    case = uow.session.scalars(select(Case).where(Case.number == number)).unique().first()
    if case is None:
        raise NotFound("case.not_found", number=number)
    assignments.ensure_can_view(uow, actor, case)
    return case


def get_case(uow: UnitOfWork, *, number: str, actor: Actor | None = None, with_events: bool = True) -> CaseView:
    """A case with its open tasks and journal; ``actor=None`` is the administrator's CLI view."""
    with uow.reader() as reader:
        if actor is None:
            case = reader.session.scalars(select(Case).where(Case.number == number)).unique().first()
            if case is None:
                raise NotFound("case.not_found", number=number)
        else:
            case = load_visible_case(reader, actor, number)
        from engine.services.tasks import task_views
        open_tasks = task_views(reader, actor, [Task.case_id == case.id, Task.state == "ready"])
        events = history.events_of(reader, case.id) if with_events else []
        view = case_view(case, open_tasks, events)
        if actor is not None:
            view = _redacted_for(reader, case, view, actor.clearance)
        return view


def _redacted_for(reader: UnitOfWork, case: Case, view: CaseView, clearance: int) -> CaseView:
    """The case as a reader of ``clearance`` may see it: fields classified above it (``x-confidential``, the
    denouncer of a P10 case) and the values they hold read ``[đã che]`` in its data and journal
    (engine/services/redaction.py; the same rule as the auditor's step-through and the dossier)."""
    record = definitions.record(reader, case.definition_id)
    policy = redaction.policy_for(record.files, case.classification, clearance,
                                  [view.data] + [e.data for e in view.events], cache_key=record.sha256)
    if not policy.active:
        return view
    return dataclasses.replace(
        view, title=redaction.redact(view.title, policy)[0], data=redaction.redact(view.data, policy)[0],
        events=tuple(dataclasses.replace(e, data=redaction.redact(e.data, policy)[0]) for e in view.events))


def case_view(case: Case, open_tasks: list[TaskView], events) -> CaseView:
    d = case.definition
    return CaseView(number=case.number, title=case.title, process=d.key, process_name=d.name, version=d.version,
                    definition_sha256=d.sha256, status=case.status, unit=case.unit.code, unit_name=case.unit.name,
                    classification=case.classification, data=case.data, started_at=case.started_at,
                    started_by=case.started_by.username if case.started_by else None, ended_at=case.ended_at,
                    due_at=case.due_at, error=case.error, state_version=case.version,
                    open_tasks=tuple(open_tasks), events=tuple(events))


def list_cases(uow: UnitOfWork, *, actor: Actor, started_by_me: bool = False, status: str | None = None,
               limit: int = 50, offset: int = 0) -> list[CaseView]:
    """Cases the actor may see, newest first (clearance and unit scope applied in the query)."""
    with uow.reader() as reader:
        query = select(Case).where(access.visible_condition(reader, actor))
        if started_by_me:
            query = query.where(Case.started_by_id == actor.user_id)
        if status:
            query = query.where(Case.status == status)
        rows = reader.session.scalars(query.order_by(Case.started_at.desc(), Case.id.desc())
                                      .limit(limit).offset(offset)).unique().all()
        return [case_view(c, [], []) for c in rows]


def _units_below(uow: UnitOfWork, unit_ids: frozenset[int]) -> list[int]:
    """The actor's units and every unit under them (the unit tree is small: walk it in memory)."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in uow.session.execute(select(Unit.id, Unit.parent_id)).all():
        children.setdefault(parent_id, []).append(unit_id)
    result, stack = set(), list(unit_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id in result:
            continue
        result.add(unit_id)
        stack.extend(children.get(unit_id, []))
    return sorted(result)
