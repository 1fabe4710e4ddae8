"""Every BPMN file of the external corpus (../shared/corpus/bpmn, 95 files drawn in other tools) goes
through validate -> deploy -> a case driven to its end by the real services, or is refused naming the
element and line. No file may raise anything but a refusal or a recorded case failure; the table of
results is written to docs/interop.md.

The test acts as the administrator of docs/interop.md: it binds the corpus's group, user and lane names
to demo roles and its service bindings to functions registered for the test. It never binds what the
linter refuses (a step without a form, a task without a type): those files are counted as refused.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.util.task import TaskState

from engine.errors import DefinitionInvalid, QuytrinhError
from engine.models import Case, RoleAssignment, Task, User
from engine.services import cases, definitions, organisation, steps, tasks
from engine.spiff import parser
from tests.people import CELL
from webapp import messages
from workflows import functions, interop

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "interop.md"
START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"
SECONDS_PER_FILE = 30
STEPS_PER_FILE = 150

_CELL_SECRETARY = "cell_secretary@case"
_BOARD = "standing_board@parent"
_OFFICE = "committee_office@parent"
#: Lanes, groups and users of the corpus -> demo roles (what an administrator would declare).
CORPUS_ASSIGNMENTS = {
    **{name: _OFFICE for name in ("Accountant", "accounting", "accountancy", "HR", "HR Department",
                                  "Recruitment", "Team Assistant", "clerks")},
    **{name: _BOARD for name in ("Approver", "Approver1", "Approver2", "Approver3", "Manager", "Supervisor",
                                 "Management", "management", "teamleaders", "Head of Market Service",
                                 "Hiring manager", "Responsible Manager")},
    **{name: _CELL_SECRETARY for name in ("A", "B", "C", "Lane 1", "Test", "Operator", "Automated",
                                          "Responsible Person", "Responsible Department", "engineering",
                                          "riskteam", "Corporate Account Manager",
                                          "Private Customer Account Manager", "demo", "kermit", "admin")},
    "*": _CELL_SECRETARY,      # imported steps that name nobody
}


def corpus_service() -> dict:
    """Stands for a delegate, external worker or connector of the corpus: sets nothing."""
    return {}


def corpus_post(announcement) -> dict:
    """Stands for ``#{jobAnnouncementService.postTo...(jobAnnouncementId)}``."""
    return {"posted": str(announcement)}


def corpus_requester(announcement) -> str:
    """Stands for ``#{jobAnnouncementService.findRequester(jobAnnouncementId)}``: the user who asked for the
    announcement, here the demo applicant who opened the case."""
    return "nguyenvanan"


def corpus_editor(announcement) -> str:
    """Stands for ``#{jobAnnouncementService.findEditor(jobAnnouncementId)}``: the user who described the job
    (the ``engineering`` group's step), here the cell secretary who holds that role."""
    return "phamthidung"


def _service_bindings() -> dict[str, str]:
    keys = ["class:org.camunda.bpm.example.JsonJavaDelegate",
            "class:org.camunda.bpm.example.invoice.service.ArchiveInvoiceService",
            "class:org.camunda.bpm.pa.service.AddVariablesService", "class:org.flowable.delegate.CreditAdviceDelegate",
            "delegateExpression:archiveService"]
    keys += [f"topic:{t}" for t in ("creditScoreChecker", "emailService", "invoiceArchiver", "invoiceCreator",
                                    "loanGranter", "requestRejecter")]
    keys += [f"type:{t}" for t in ("calculateScore", "cancelApplication", "emailService", "issuePolicy",
                                   "notifyCustomerDelay", "rejectPolicy", "reportFraud", "update")]
    bound = {key: "corpus_service" for key in keys}
    for method in ("notifyAboutPostings", "postToFacebook", "postToTwitter", "postToWebsite"):
        bound[f"expression:jobAnnouncementService.{method}"] = "corpus_post"
    bound["expression:jobAnnouncementService.findRequester"] = "corpus_requester"
    bound["expression:jobAnnouncementService.findEditor"] = "corpus_editor"
    return bound


@pytest.fixture
def corpus_bindings(monkeypatch):
    monkeypatch.setattr(interop, "ASSIGNMENTS", CORPUS_ASSIGNMENTS)
    monkeypatch.setattr(interop, "SERVICES", _service_bindings())
    monkeypatch.setitem(functions.FUNCTIONS, "corpus_service", corpus_service)
    monkeypatch.setitem(functions.FUNCTIONS, "corpus_post", corpus_post)
    monkeypatch.setitem(functions.FUNCTIONS, "corpus_requester", corpus_requester)
    monkeypatch.setitem(functions.FUNCTIONS, "corpus_editor", corpus_editor)
    parser._CACHE.clear()
    yield
    parser._CACHE.clear()


def test_every_corpus_file_deploys_or_is_refused_and_deployed_ones_run(shared_dir, corpus_bindings, uow, clock):
    corpus = shared_dir / "corpus" / "bpmn"
    files = sorted(p for p in corpus.glob("*/*") if p.suffix in (".bpmn", ".xml"))
    assert len(files) == 95, "the corpus changed: update docs/interop.md's figures"
    rows, tracebacks = [], []
    for path in files:
        name = str(path.relative_to(corpus))
        try:
            rows.append((name, *_run_file(uow, clock, path)))
        except Exception as exc:  # noqa: BLE001 -- the test's point: nothing but a refusal or a case failure
            import traceback
            tracebacks.append(f"{name}: {traceback.format_exc()}")
            rows.append((name, "traceback", f"{type(exc).__name__}: {str(exc)[:120]}"))
    _write_report(rows)
    results = [r[1] for r in rows]
    executable = sum(1 for r in rows if not r[2].startswith("process.not_executable"))
    print(f"\ncorpus: {results.count('ran to end')} of {executable} files with an executable process ran to "
          f"the end; {results.count('refused')} refused, {results.count('stopped')} stopped, "
          f"{len(tracebacks)} tracebacks")
    assert tracebacks == [], "\n".join(tracebacks)
    assert all(r[1] in ("ran to end", "refused", "stopped") for r in rows)
    # what the corpus proves today; a change that lowers it is a regression (docs/interop.md)
    assert results.count("ran to end") >= 15


_CODES: dict[str, list[str]] = {}   # the problem codes of each refused file, for the summary


def _run_file(uow, clock, path: Path) -> tuple[str, str]:
    bundle = parser.bundle_from_path(path)
    try:
        deployed = definitions.deploy_bundle(uow, bundle, deployed_by="corpus")
    except DefinitionInvalid as refused:
        problems = sorted(refused.problems, key=lambda p: (p.line == 0, p.file, p.line))
        for problem in problems:  # every refusal names where: the line, and the element
            assert problem.line > 0 and (problem.element or problem.code == "flow.missing_id"), problem
        first = problems[0]
        codes = sorted({p.code for p in problems})
        reason = f"{first.code} at {first.element or '-'}:{first.line}"
        others = ", ".join(c for c in codes if c != first.code)
        more = f" (+{len(problems) - 1}{': ' + others if others else ''})" if len(problems) > 1 else ""
        assert messages.problem_message(first) != first.code, f"no Vietnamese text for {first.code}"
        _CODES[bundle.main + str(path)] = codes
        return "refused", reason + more
    key = deployed[0].key
    result = _drive(uow, clock, key, timers_first=False)
    if result[0] != "ran to end":  # a diagram may need its timer to fire while people work: try that too
        second = _drive(uow, clock, key, timers_first=True)
        result = (second[0], "with timers fired first") if second[0] == "ran to end" else result
    return result


def _drive(uow, clock, key: str, *, timers_first: bool) -> tuple[str, str]:
    applicant = _actor(uow, "nguyenvanan")
    started = time.monotonic()
    view, _files, meta = definitions.get_definition(uow, key)
    with uow.reader() as reader:
        record = definitions.record(reader, view.id)
    start_schema = record.form(meta.get("start_form"))
    try:
        number = cases.start_case(uow, key=key, unit_code=CELL, actor=applicant, data=_data(start_schema, 0, []))
    except steps.CaseFailed as failed:
        return "stopped", f"failed at start: {failed.params.get('reason')} at {failed.params.get('element')}"
    except QuytrinhError as refused:
        return "stopped", f"refused at start: {refused.code} {refused.params}"
    visits: dict[str, int] = {}
    literals = sorted(set(re.findall(r"(?:==|!=|\beq\b)\s*['\"]([^'\"]{1,40})['\"]", "\n".join(record.files.values()))))
    for _ in range(STEPS_PER_FILE):
        if time.monotonic() - started > SECONDS_PER_FILE:
            return "stopped", f"time box of {SECONDS_PER_FILE} s"
        with uow.reader() as reader:
            case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
            status, error, due = case.status, case.error, case.next_timer_due
            open_tasks = [(t.id, t.element, _username_for(reader, t)) for t in reader.session.scalars(
                select(Task).where(Task.case_id == case.id, Task.state == "ready").order_by(Task.created_at, Task.id))]
            workflow = steps.restore(reader, case) if status == "running" else None
            finished = steps.restore(reader, case) if status == "completed" else None
        if status == "completed":
            if _reached_end_event(finished):
                return "ran to end", ""
            return "stopped", "completed without reaching an end event"
        if status != "running":
            error = error or {}
            return "stopped", f"case {status}: {error.get('reason', '')} at {error.get('element', '')}"
        try:
            if timers_first and due is not None:
                clock.set(max(due, clock.now()) + timedelta(seconds=1))
                cases.run_due_timers(uow)
                timers_first = False   # once: then people work again
                continue
            if open_tasks:
                task_id, element, username = open_tasks[0]
                visits[element] = visits.get(element, 0) + 1
                tasks.complete_task(uow, task_id=task_id, actor=_actor(uow, username),
                                    data=_data(record.task_form(element), visits[element] - 1, literals))
                continue
            waiting = _waiting_events(workflow)
            if waiting:
                kind, name = waiting[0]
                send = cases.send_message if kind == "message" else cases.send_signal
                send(uow, number=number, name=name, payload={}, actor=None)
                continue
            if due is not None:
                clock.set(max(due, clock.now()) + timedelta(seconds=1))
                cases.run_due_timers(uow)
                continue
        except steps.CaseFailed:
            continue  # recorded on the case; the next turn reports it
        except QuytrinhError as refused:
            return "stopped", f"{refused.code}"
        return "stopped", "waits for nothing the test can give"
    return "stopped", f"step cap of {STEPS_PER_FILE}"


def _actor(uow, username):
    with uow.reader() as reader:
        return organisation.actor_for(reader, username)


def _username_for(reader, task: Task) -> str:
    """Someone entitled to the task: its named user, or the first holder of its role in its unit."""
    if task.candidate_user_id is not None:
        return reader.session.get(User, task.candidate_user_id).username
    holder = reader.session.scalars(select(RoleAssignment).where(
        RoleAssignment.role == task.role, RoleAssignment.unit_id == task.unit_id,
        RoleAssignment.valid_to.is_(None)).order_by(RoleAssignment.id)).first()
    assert holder is not None, f"nobody holds {task.role} in unit {task.unit_id}"
    return reader.session.get(User, holder.user_id).username


def _waiting_events(workflow) -> list[tuple[str, str]]:
    found = []
    for spiff_task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(spiff_task.task_spec, "event_definition", None)
        for each in getattr(definition, "event_definitions", None) or [definition]:
            if isinstance(each, MessageEventDefinition):
                found.append(("message", each.name))
            elif isinstance(each, SignalEventDefinition):
                found.append(("signal", each.name))
    return found


def _reached_end_event(workflow) -> bool:
    return any(isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED
               for t in workflow.tasks.values())


def _data(schema: dict | None, visit: int, literals: list[str] = ()) -> dict:
    """Schema-valid data; the n-th visit of a step picks the n-th choice, so loops end. A free text field
    takes, in turn, the string literals the diagram's conditions compare with ('Yes', 'Accept'...)."""
    if not schema:
        return {}
    return {name: _value(field, visit, literals) for name, field in (schema.get("properties") or {}).items()}


def _value(field: dict, visit: int, literals=()):
    if "enum" in field:
        return field["enum"][visit % len(field["enum"])]
    if "const" in field:
        return field["const"]
    kind = field.get("type", "string")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "boolean":
        return visit % 2 == 0
    if kind in ("integer", "number"):
        return max(field.get("minimum", 1), 1) if "maximum" not in field else field.get("minimum", field["maximum"])
    if kind == "array":
        return [_value(field.get("items", {}), visit) for _ in range(field.get("minItems", 0))]
    if kind == "object":
        return _data(field, visit, literals)
    formats = {"date": "2026-11-26", "date-time": "2026-11-26T08:00:00+07:00", "email": "a@example.vn"}
    if field.get("format") in formats:
        return formats[field["format"]]
    choices = [*literals, "x" * max(field.get("minLength", 1), 1)]
    return choices[visit % len(choices)]


def _write_report(rows: list[tuple[str, str, str]]) -> None:
    executable = [r for r in rows if not r[2].startswith("process.not_executable")]
    ran = [r for r in rows if r[1] == "ran to end"]
    refused = [r for r in rows if r[1] == "refused"]
    lines = [START, "",
             f"**{len(rows)} files: {len(rows) - len(refused)} deployed, {len(refused)} refused "
             f"({len(rows) - len(executable)} of them because no process is executable); "
             f"{len(ran)} of the {len(executable)} files with an executable process ran to an end event; "
             f"{sum(1 for r in rows if r[1] == 'traceback')} tracebacks.**", "",
             "| file | result | reason (first problem, then the other codes) |", "|---|---|---|"]
    for name, result, reason in rows:
        lines.append(f"| `{name}` | {result} | {reason.replace('|', '/')} |")
    counts: dict[str, int] = {}
    for codes in _CODES.values():
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
    lines += ["", "Files refused, by the problems found in them (a file counts once per kind of problem):", "",
              "| problem | files |", "|---|---|"]
    lines += [f"| `{code}` | {n} |" for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    lines += ["", END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Files from other tools\n\n{START}\n{END}\n"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    DOC.write_text(pattern.sub(lambda _m: "\n".join(lines), text), encoding="utf-8")
