"""As-is versus re-engineered: simulated cycle times of a procedure's two variants.

"Đơn giản hóa trước, số hóa sau" asks each re-engineered procedure to cut processing time by at least
30%. For a procedure folder (``bpmn/<key>/`` with ``<key>.bpmn``, ``<key>_asis.bpmn`` and the
per-step estimates in ``durations.json``), this module runs many simulated cases of each variant
through the real engine — the services, the database (a throw-away SQLite file), the timers — on a
virtual clock, and reports the steps, hand-overs and signatures of each variant, and the cycle times
in working days.

How a simulated case moves:

* each open task takes a duration drawn uniformly between half and one and a half times its estimate
  (``steps``, in working days; 1 day when the file gives none), counted on the working-day calendar;
* the clock jumps to the next completion or the next due timer, whichever comes first, and the engine
  runs it (a timer fires through ``run_due_timers``, as in production);
* a user entitled to the task completes it with schema-valid sample data (engine/sample_data.py);
* at an exclusive or inclusive gateway with probabilities in ``branches`` (per sequence flow; the rest
  goes to the default flow) the branch is drawn: the simulator's script engine answers the gateway's
  conditions accordingly; a gateway without probabilities follows the case's data (sample data takes a
  form's ``examples`` when it has them, so data-driven routes stay consistent).

The same seed gives the same figures.
"""

from __future__ import annotations

import inspect
import json
import logging
import random
import statistics
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from lxml import etree
from sqlalchemy import or_, select

from engine import demo, migrate, sample_data
from engine.clock import FixedClock
from engine.conventions import BPMN, HUMAN_TASKS, lane_of_nodes, local, properties, truthy
from engine.deadlines import VIETNAM
from engine.errors import AssignmentError, QuytrinhError
from engine.models import Case, RoleAssignment, Task, Unit, User
from engine.services import cases, definitions, organisation, steps, tasks
from engine.spiff import runtime
from engine.settings import Settings
from engine.spiff.script_engine import SafeScriptEngine
from engine.uow import UnitOfWork
from workflows import calendar
from workflows.functions import FUNCTIONS

TARGET_REDUCTION = 0.30
START = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)     # Monday 02/03/2026, 08:00 in Hà Nội
MAX_STEPS = 400


@dataclass(frozen=True)
class VariantFigures:
    key: str
    name: str
    steps: int
    handovers: int
    signatures: int
    cases: int
    completed: int
    mean_days: float | None
    median_days: float | None
    p90_days: float | None
    mean_total_days: float | None = None      # statutory waits included
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    procedure: str
    asis: VariantFigures
    reengineered: VariantFigures

    @property
    def reduction(self) -> float | None:
        if not self.asis.mean_days or self.reengineered.mean_days is None:
            return None
        return 1 - self.reengineered.mean_days / self.asis.mean_days

    @property
    def meets_target(self) -> bool:
        return self.reduction is not None and self.reduction >= TARGET_REDUCTION

    def as_json(self) -> dict:
        return {"procedure": self.procedure, "asis": self.asis.__dict__, "reengineered": self.reengineered.__dict__,
                "reduction": None if self.reduction is None else round(self.reduction, 3),
                "meets_target": self.meets_target}


@dataclass
class Estimates:
    steps: dict[str, float] = field(default_factory=dict)
    branches: dict[str, float] = field(default_factory=dict)
    #: who opens the simulated cases, and in which unit (default: a party member of a cell)
    initiator: dict | None = None
    #: timers that are statutory waits, not processing (a probation year, a badge anniversary)
    statutory_waits: tuple[str, ...] = ()

    @classmethod
    def load(cls, folder: Path, process_key: str) -> "Estimates":
        path = folder / "durations.json"
        if not path.is_file():
            return cls()
        top = json.loads(path.read_text(encoding="utf-8"))
        raw = top.get(process_key) if isinstance(top.get(process_key), dict) else top
        return cls(steps={k: float(v) for k, v in (raw.get("steps") or top.get("steps") or {}).items()},
                   branches={k: float(v) for k, v in (raw.get("branches") or top.get("branches") or {}).items()},
                   initiator=raw.get("initiator") or top.get("initiator"),
                   statutory_waits=tuple(raw.get("statutory_waits") or top.get("statutory_waits") or ()))


def compare_all(bpmn_dir: Path, *, cases_per_variant: int = 100, seed: int = 2026) -> list[Comparison]:
    """One comparison per folder that holds both variants."""
    return [compare(bpmn_dir / key, cases_per_variant=cases_per_variant, seed=seed)
            for key in procedures_with_variants(bpmn_dir)]


def compare(folder: Path, *, cases_per_variant: int = 100, seed: int = 2026) -> Comparison:
    """Simulate both variants of the procedure in ``folder`` in a throw-away database."""
    key = folder.name
    with tempfile.TemporaryDirectory(prefix=f"quytrinh-sim-{key}-") as scratch, _quiet_checkpoints():
        settings = Settings(data_dir=scratch, demo=True, demo_password="simulation-only", demo_pin="135790",
                            ca_passphrase="simulation-only-passphrase")
        migrate.upgrade(settings)
        demo.load(UnitOfWork(settings, clock=FixedClock(START - timedelta(days=30))), password="simulation-only",
                  bpmn_dir=Path(scratch) / "no-procedures")
        figures = {}
        for variant in (f"{key}_asis", key):
            path = folder / f"{variant}.bpmn"
            figures[variant] = _simulate(settings, path, variant, Estimates.load(folder, variant),
                                         cases_per_variant, seed)
    return Comparison(procedure=key, asis=figures[f"{key}_asis"], reengineered=figures[key])


@contextmanager
def _quiet_checkpoints():
    """Years of virtual time outlive the throw-away CA's system certificate: a simulated case that ends
    without its signed checkpoint is expected, not worth a warning per case."""
    logger = logging.getLogger("quytrinh.checkpoints")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _simulate(settings: Settings, path: Path, key: str, estimates: Estimates, count: int,
              seed: int) -> VariantFigures:
    clock = FixedClock(START)
    oracle = _BranchOracle(path, estimates)
    uow = UnitOfWork(settings, clock=clock, script_engine=oracle)
    definitions.deploy_file(uow, path, deployed_by="simulation")
    static = static_figures(path, key)
    durations, totals, failures = [], [], []
    for index in range(count):
        rng = random.Random(f"{seed}:{key}:{index}")
        oracle.rng = rng
        clock.set(START + timedelta(days=7 * index))
        try:
            days = _run_case(uow, clock, key, estimates, rng)
        except (QuytrinhError, LookupError, ValueError) as exc:
            fields = "; ".join(f"{e.field}: {e.code}" for e in getattr(exc, "errors", ()))   # a form's wrong fields
            failures.append(f"{type(exc).__name__}: {str(exc)[:160]}{' — ' + fields if fields else ''}")
            continue
        if days is not None:
            durations.append(days[0])
            totals.append(days[1])
    durations.sort()
    return VariantFigures(
        key=key, name=static["name"], steps=static["steps"], handovers=static["handovers"],
        signatures=static["signatures"], cases=count, completed=len(durations),
        mean_days=round(statistics.fmean(durations), 2) if durations else None,
        median_days=round(statistics.median(durations), 2) if durations else None,
        p90_days=round(durations[int(0.9 * (len(durations) - 1))], 2) if durations else None,
        mean_total_days=round(statistics.fmean(totals), 2) if totals else None,
        failures=tuple(sorted(set(failures)))[:5])


def _run_case(uow: UnitOfWork, clock: FixedClock, key: str, estimates: Estimates, rng: random.Random) -> float | None:
    with uow.reader() as reader:
        definition = definitions.latest_definition(reader, key)
        record = definitions.record(reader, definition.id)
        if estimates.initiator:
            initiator, unit = estimates.initiator["username"], estimates.initiator["unit"]
        else:
            initiator, unit = _initiator(reader)
        people, holders = _people_of(reader, unit), _holders_in(reader, unit)
        units = [(u.code, u.level) for u in organisation.list_units(reader)]
    start_schema = record.form(record.meta.get("start_form"))
    opening = sample_data.sample(start_schema, rng=rng, today=_today(clock), people=people, units=units,
                                 holders=holders, me=initiator)
    actor = _actor(uow, initiator)
    if isinstance(opening.get("classification"), int):   # nobody opens a case above their own clearance
        opening["classification"] = min(opening["classification"], actor.clearance)
    number = _open(uow, key, unit, actor, opening)
    due: dict[str, datetime] = {}
    waited = 0.0                      # working days spent only in statutory waits
    for _ in range(MAX_STEPS):
        with uow.reader() as reader:
            case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
            status, timer_due = case.status, case.next_timer_due
            open_tasks = reader.session.execute(
                select(Task.id, Task.element, Task.created_at, Task.role, Task.unit_id, Task.candidate_user_id)
                .where(Task.case_id == case.id, Task.state == "ready").order_by(Task.created_at, Task.id)).all()
            started_at, ended_at = case.started_at, case.ended_at
        if status != "running":
            if status != "completed":
                return None
            total = _working_days(started_at, ended_at)
            return round(max(total - waited, 0.0), 3), total
        for task in open_tasks:
            if task.id not in due:
                due[task.id] = _completion_time(task.created_at, estimates.steps.get(task.element, 1.0), rng)
        candidates = [(due[t.id], 1, t) for t in open_tasks]
        if timer_due is not None:   # a timer fires once its due time has passed
            candidates.append((max(timer_due + timedelta(seconds=1), clock.now()), 0, None))
        if not candidates:
            raise LookupError(f"{number} waits for nothing the simulator can provide (a message?)")
        moment, _, task = min(candidates, key=lambda c: (c[0], c[1]))
        if task is None and not open_tasks and estimates.statutory_waits \
                and set(_waiting(uow, number)) <= set(estimates.statutory_waits):
            waited += _working_days(clock.now(), moment)
        clock.set(max(moment, clock.now()))
        if task is None:
            cases.run_due_timers(uow)
            continue
        _complete(uow, clock, record, task, rng, people, units)
    raise LookupError(f"{number} did not finish within {MAX_STEPS} steps")


def _open(uow: UnitOfWork, key: str, unit: str, actor, opening: dict) -> str:
    """Open the case; a level nobody who must handle it may open is lowered, as the refused clerk would."""
    while True:
        try:
            return cases.start_case(uow, key=key, unit_code=unit, actor=actor, data=opening)
        except AssignmentError as refused:
            level = opening.get("classification")
            if refused.code != "assignment.nobody_cleared" or not isinstance(level, int) or level <= 0:
                raise
            opening = {**opening, "classification": level - 1}


def _waiting(uow: UnitOfWork, number: str) -> tuple[str, ...]:
    """What a case waits for now (timers, messages), read from its stored state."""
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
        return runtime.waiting_elements(steps.restore(reader, case))


def _complete(uow, clock, record, task, rng, people, units) -> None:
    username = _entitled_user(uow, task)
    actor = _actor(uow, username)
    with uow.reader() as reader:     # the people a form offers: of the case's and the step's units, cleared
        case_unit, level = reader.session.execute(select(Unit.code, Case.classification).join(
            Case, Case.unit_id == Unit.id).where(Case.id == select(Task.case_id).where(
                Task.id == task.id).scalar_subquery())).one()
        codes = [case_unit] + ([reader.session.get(Unit, task.unit_id).code] if task.unit_id else [])
        people = [name for name, _full in organisation.people_of(reader, codes, min_clearance=level)] or people
        holders = _holders_in(reader, case_unit)
    data = sample_data.sample(record.task_form(task.element), rng=rng, today=_today(clock), people=people,
                              units=units, holders=holders, me=username)
    extra = {}
    if "pin" in inspect.signature(tasks.complete_task).parameters:
        extra["pin"] = uow.settings.demo_pin
    tasks.complete_task(uow, task_id=task.id, actor=actor, data=data, **extra)


def _completion_time(created: datetime, mean_days: float, rng: random.Random) -> datetime:
    days = rng.uniform(0.5 * mean_days, 1.5 * mean_days) if mean_days > 0 else 0.0
    whole = int(days)
    start = created.astimezone(VIETNAM).date()
    day = calendar.add_working_days(start, whole) if whole else start
    hours = 8 + (days - whole) * 8                      # a working day runs 08:00–16:00 here
    moment = datetime.combine(day, time(0), tzinfo=VIETNAM) + timedelta(hours=hours)
    return max(moment.astimezone(timezone.utc), created + timedelta(minutes=5))


def _working_days(started: datetime, ended: datetime) -> float:
    first, last = started.astimezone(VIETNAM), ended.astimezone(VIETNAM)
    whole = calendar.working_days_between(first.date(), last.date())
    fraction = ((last.hour + last.minute / 60) - (first.hour + first.minute / 60)) / 8
    return round(max(whole + fraction, 0.0), 3)


def _today(clock: FixedClock) -> date:
    return clock.now().astimezone(VIETNAM).date()


def _initiator(uow: UnitOfWork) -> tuple[str, str]:
    """A party member of a cell opens the case (the applicant of most procedures)."""
    row = uow.session.execute(select(User.username, Unit.code).join(RoleAssignment, RoleAssignment.user_id == User.id)
                              .join(Unit, Unit.id == RoleAssignment.unit_id)
                              .where(RoleAssignment.role == "party_member", Unit.level == "cell")
                              .order_by(User.id).limit(1)).first()
    return row.username, row.code


def _holders_in(uow: UnitOfWork, unit_code: str) -> dict[str, list[str]]:
    """role -> the people holding it in the unit (what a form's person fields may name there)."""
    holders: dict[str, list[str]] = {}
    for username, role in uow.session.execute(
            select(User.username, RoleAssignment.role).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .join(Unit, Unit.id == RoleAssignment.unit_id).where(Unit.code == unit_code).order_by(User.username)):
        holders.setdefault(role, []).append(username)
    return holders


def _people_of(uow: UnitOfWork, unit_code: str) -> list[str]:
    return sorted({username for usernames in _holders_in(uow, unit_code).values() for username in usernames})


def _entitled_user(uow: UnitOfWork, task) -> str:
    with uow.reader() as reader:
        if task.candidate_user_id is not None:
            return reader.session.get(User, task.candidate_user_id).username
        username = reader.session.scalar(
            select(User.username).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == task.role, RoleAssignment.unit_id == task.unit_id,
                   or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > reader.now))
            .order_by(User.clearance.desc(), User.id).limit(1))
    if username is None:
        raise LookupError(f"nobody holds {task.role} for step {task.element}")
    return username


def _actor(uow: UnitOfWork, username: str):
    with uow.reader() as reader:
        return organisation.actor_for(reader, username)


class _BranchOracle(SafeScriptEngine):
    """The safe script engine, except that gateway conditions answer the simulator's draw."""

    def __init__(self, path: Path, estimates: Estimates) -> None:
        super().__init__(FUNCTIONS)
        self.rng = random.Random(0)
        self.estimates = estimates
        self.conditions, self.outgoing, self.defaults = _gateways(path)
        self.choices: dict[str, str] = {}

    def evaluate(self, task, expression, external_context=None):
        gateway = task.task_spec.bpmn_id
        flow = self.conditions.get((gateway, (expression or "").strip()))
        steered = any(f in self.estimates.branches for f in self.outgoing.get(gateway, ()))
        if flow is None or not steered:   # no probabilities given: the case's own data decides
            return super().evaluate(task, expression, external_context)
        visit = str(task.id)
        if visit not in self.choices:
            self.choices[visit] = self._draw(gateway)
        return self.choices[visit] == flow

    def _draw(self, gateway: str) -> str:
        """Listed flows take their probability; the rest goes to the default flow, or is shared
        equally by the unlisted flows when the gateway has no default."""
        flows = self.outgoing[gateway]
        weights = {f: self.estimates.branches[f] for f in flows if f in self.estimates.branches}
        rest = max(1.0 - sum(weights.values()), 0.0)
        unlisted = [f for f in flows if f not in weights]
        default = self.defaults.get(gateway)
        receivers = [default] if default in unlisted else unlisted
        for f in unlisted:
            weights[f] = rest / len(receivers) if f in receivers else 0.0
        point, running = self.rng.random() * (sum(weights.values()) or 1.0), 0.0
        for f in flows:
            running += weights[f]
            if point < running:
                return f
        return flows[-1]


def _gateways(path: Path):
    """(gateway, condition text) -> flow id; gateway -> outgoing flows; gateway -> default flow."""
    root = etree.fromstring(path.read_bytes())
    conditions, outgoing, defaults = {}, {}, {}
    gateways = {g.get("id"): g for g in root.iter(f"{BPMN}exclusiveGateway", f"{BPMN}inclusiveGateway")}
    for gateway_id, gateway in gateways.items():
        if gateway.get("default"):
            defaults[gateway_id] = gateway.get("default")
    for flow in root.iter(f"{BPMN}sequenceFlow"):
        source = flow.get("sourceRef")
        if source not in gateways:
            continue
        outgoing.setdefault(source, []).append(flow.get("id"))
        condition = flow.find(f"{BPMN}conditionExpression")
        if condition is not None and (condition.text or "").strip():
            conditions[(source, condition.text.strip())] = flow.get("id")
    return conditions, outgoing, defaults


def static_figures(path: Path, key: str) -> dict:
    """Steps (human tasks), hand-overs (consecutive human steps in different lanes) and signatures."""
    root = etree.fromstring(path.read_bytes())
    process = next(p for p in root.iter(f"{BPMN}process") if p.get("id") == key)
    lanes = lane_of_nodes(process)
    nodes = {n.get("id"): n for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    human = {i for i, n in nodes.items() if local(n.tag) in HUMAN_TASKS}
    successors: dict[str, list[str]] = {}
    for flow in process.iter(f"{BPMN}sequenceFlow"):
        successors.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    for node in process.iter(f"{BPMN}boundaryEvent"):
        successors.setdefault(node.get("attachedToRef"), [])
    handovers = set()
    for start in human:
        seen, stack = set(), list(successors.get(start, []))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in human:
                lane_a, lane_b = lanes.get(start), lanes.get(current)
                if lane_a is not None and lane_b is not None and lane_a.get("id") != lane_b.get("id"):
                    handovers.add((start, current))
                continue
            stack.extend(successors.get(current, []))
    signatures = sum(1 for i in human if truthy(properties(nodes[i]).get("signatureRequired")))
    return {"name": (process.get("name") or key).strip(), "steps": len(human), "handovers": len(handovers),
            "signatures": signatures}


def save(settings: Settings, result: Comparison, *, cases_per_variant: int, seed: int, at: datetime) -> None:
    """Keep a comparison for the designer's page (``data_dir/reports/comparison/<key>.json``)."""
    folder = Path(settings.data_dir) / "reports" / "comparison"
    folder.mkdir(parents=True, exist_ok=True)
    payload = {**result.as_json(), "cases_per_variant": cases_per_variant, "seed": seed, "at": at.isoformat()}
    (folder / f"{result.procedure}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2),
                                                      encoding="utf-8")


def saved(settings: Settings) -> list[dict]:
    """Every kept comparison, by procedure key."""
    folder = Path(settings.data_dir) / "reports" / "comparison"
    if not folder.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def procedures_with_variants(bpmn_dir: Path) -> list[str]:
    return sorted(p.name for p in bpmn_dir.iterdir()
                  if p.is_dir() and (p / f"{p.name}.bpmn").is_file() and (p / f"{p.name}_asis.bpmn").is_file())


def markdown(results: list[Comparison], *, cases_per_variant: int, seed: int) -> str:
    """The comparison report as a Markdown table (docs/comparison.md)."""
    lines = [
        "# As-is and re-engineered procedures compared",
        "",
        f"Simulated with `quytrinh compare` ({cases_per_variant} cases per variant, seed {seed}) through the real "
        "engine on a virtual clock; durations per step from each folder's `durations.json`, in working days "
        "(engine/services/simulation.py explains the method). Days are processing time: waits the rules impose "
        "(a probation year, a badge anniversary, listed as `statutory_waits`) are left out, and shown beside. "
        "Target: at least 30% shorter.",
        "",
        "| procedure | variant | steps | hand-overs | signatures | cases completed | mean days | median | p90 |"
        " with statutory waits | reduction | ≥ 30% |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for label, figures in (("as-is", result.asis), ("re-engineered", result.reengineered)):
            reduction = "" if label == "as-is" or result.reduction is None else f"{result.reduction:.0%}"
            meets = "" if label == "as-is" else ("yes" if result.meets_target else "**no**")
            lines.append(f"| {figures.name} (`{figures.key}`) | {label} | {figures.steps} | {figures.handovers} | "
                         f"{figures.signatures} | {figures.completed}/{figures.cases} | {_num(figures.mean_days)} | "
                         f"{_num(figures.median_days)} | {_num(figures.p90_days)} | {_num(figures.mean_total_days)} | "
                         f"{reduction} | {meets} |")
    failing = [(r, f) for r in results for f in (r.asis, r.reengineered) if f.failures]
    if failing:
        lines += ["", "Simulated cases that did not finish (first reasons):", ""]
        for _, figures in failing:
            lines += [f"- `{figures.key}`: " + "; ".join(figures.failures)]
    return "\n".join(lines) + "\n"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
