"""Engine benchmarks for the engine core issue; prints figures and the three ratios, measured in one run.

    .venv/bin/python bench/engine_bench.py [--quick]

1. step ratio: one persistent step through ``tasks.complete_task`` on SQLite (lock, restore, validate,
   complete, run, compact, store, project tasks, journal, commit) ÷ raw SpiffWorkflow doing, in memory,
   deserialize + complete + do_engine_steps + serialize of the same model (target ≤ 1.5×);
2. length ratio: the cost of one step at step 500 of a looping case ÷ at step 5 (target ≤ 1.3×);
3. inbox ratio: the inbox query with 10^6 task rows ÷ with 10^4 (target ≤ 1.5×).

Medians of repeated runs; wall-clock figures are for reading, never asserted by tests.
docs/performance.md keeps the figures and the machine they were measured on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.parser import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from engine import demo, migrate  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.models import Case, Task, Unit  # noqa: E402
from engine.services import cases, definitions, organisation, tasks  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.uow import UnitOfWork  # noqa: E402
from tests.bpmn_builder import flow, process, user_task, write_bundle  # noqa: E402

FORM_DATA = {"note": "Đã kiểm tra hồ sơ, đủ điều kiện.", "n": 3, "text": "Ý kiến của chi ủy."}


def linear_model(folder: Path, steps: int = 10) -> Path:
    body = '<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>\n'
    for i in range(steps):
        body += user_task(f"step_{i}", f"Bước {i + 1}", f"f{i}", f"f{i + 1}")
        body += flow(f"f{i}", "start" if i == 0 else f"step_{i - 1}", f"step_{i}")
    body += f'<bpmn:endEvent id="end"><bpmn:incoming>f{steps}</bpmn:incoming></bpmn:endEvent>\n'
    body += flow(f"f{steps}", f"step_{steps - 1}", "end")
    nodes = ["start", *[f"step_{i}" for i in range(steps)], "end"]
    return write_bundle(folder, "linear.bpmn", process("bench_linear", body, lane_nodes=nodes))


def loop_model(folder: Path) -> Path:
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + user_task("work", "Xử lý", "f1", "f2").replace("<bpmn:incoming>f1</bpmn:incoming>",
                                                             "<bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming>")
            + '<bpmn:exclusiveGateway id="again" default="f4"><bpmn:incoming>f2</bpmn:incoming>'
              '<bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>\n'
            + '<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "work") + flow("f2", "work", "again") + flow("f3", "again", "end", "n == 0")
            + flow("f4", "again", "work"))
    return write_bundle(folder, "loop.bpmn", process("bench_loop", body, lane_nodes=["start", "work", "again", "end"]))


def fresh_database(folder: Path) -> tuple[UnitOfWork, object]:
    settings = Settings(data_dir=str(folder))
    migrate.upgrade(settings)
    clock = FixedClock(datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc))
    uow = UnitOfWork(settings, clock=clock)
    demo.load(uow, password="bench-password", bpmn_dir=folder / "none")
    with uow.reader() as reader:
        actor = organisation.actor_for(reader, "phamthidung")
    return uow, actor


# 1. persistent step vs raw SpiffWorkflow ------------------------------------------------------

def raw_spiff_step_ms(path: Path, instances: int, steps: int) -> float:
    """SpiffWorkflow as documented: default parser, serializer (spec embedded) and script engine."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    spec, subprocesses = parser.get_spec("bench_linear"), parser.get_subprocess_specs("bench_linear")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    durations = []
    for _ in range(instances):
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        for _ in range(steps):
            started = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(dict(FORM_DATA))
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def quytrinh_step_ms(uow: UnitOfWork, actor, instances: int, steps: int) -> float:
    durations = []
    for _ in range(instances):
        number = cases.start_case(uow, key="bench_linear", unit_code="HY-TANTIEN-DONG", actor=actor)
        for _ in range(steps):
            task_id = _open_task(uow, number)
            started = time.perf_counter()
            tasks.complete_task(uow, task_id=task_id, actor=actor, data=dict(FORM_DATA))
            durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def _open_task(uow: UnitOfWork, number: str) -> str:
    with uow.reader() as reader:
        return reader.session.scalar(select(Task.id).join(Case, Task.case_id == Case.id)
                                     .where(Case.number == number, Task.state == "ready"))


# 2. step cost along a long case ----------------------------------------------------------------

def step_cost_along_case(uow: UnitOfWork, actor, length: int, window: int, cases_count: int) -> tuple[float, float]:
    early, late = [], []
    for _ in range(cases_count):
        number = cases.start_case(uow, key="bench_loop", unit_code="HY-TANTIEN-DONG", actor=actor)
        for step in range(1, length + window + 1):
            task_id = _open_task(uow, number)
            started = time.perf_counter()
            tasks.complete_task(uow, task_id=task_id, actor=actor, data={"n": 1})
            elapsed = time.perf_counter() - started
            if 5 - window // 2 <= step < 5 + window - window // 2:
                early.append(elapsed)
            if length - window // 2 <= step < length + window - window // 2:
                late.append(elapsed)
    return statistics.median(early) * 1000, statistics.median(late) * 1000


# 3. inbox query with many task rows ------------------------------------------------------------

def inbox_query_ms(uow: UnitOfWork, actor, repeats: int) -> float:
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        page = tasks.list_tasks(uow, actor=actor, per_page=50)
        durations.append(time.perf_counter() - started)
    assert page.items, "the inbox must not be empty"
    return statistics.median(durations) * 1000


def fill_tasks(uow: UnitOfWork, target_rows: int, definition_id: int) -> None:
    """Grow the task table to ``target_rows``: finished tasks of many cases in every unit, plus open tasks
    of other units and roles, so the inbox's own result stays the same size."""
    rng = random.Random(7)
    with uow:
        units = uow.session.scalars(select(Unit.id)).all()
        have = uow.session.scalar(select(Task.id).limit(1).offset(0)) is not None
        existing = len(uow.session.scalars(select(Task.id)).all()) if have else 0
        now = uow.now
        per_case = 10
        batch_cases, batch_tasks = [], []
        next_case = uow.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
        while existing < target_rows:
            next_case += 1
            batch_cases.append({"id": next_case, "number": f"BENCH-{next_case:09d}", "definition_id": definition_id,
                                "unit_id": rng.choice(units), "status": "completed", "classification": 0,
                                "title": "Hồ sơ mẫu", "data": {}, "state": "{}", "version": 1,
                                "started_at": now, "event_count": 0, "head_hash": "0" * 64})
            for i in range(per_case):
                open_row = rng.random() < 0.05
                batch_tasks.append({"id": str(uuid.uuid4()), "case_id": next_case, "element": f"step_{i}",
                                    "title": f"Bước {i + 1}", "role": rng.choice(["party_member", "standing_board",
                                                                                "committee_office", "cell_secretary"]),
                                    "unit_id": rng.choice(units[:-1]) if open_row else rng.choice(units),
                                    "state": "ready" if open_row else "completed", "created_at": now - timedelta(days=i)})
            existing += per_case
            if len(batch_tasks) >= 50_000:
                _flush(uow, batch_cases, batch_tasks)
        _flush(uow, batch_cases, batch_tasks)
        uow.commit()


#: Roles the benchmark user (a cell secretary and party member) does not hold anywhere.
OTHER_ROLES = ("standing_board", "committee_office", "records_clerk", "inspection_committee")


def _flush(uow, batch_cases, batch_tasks):
    # Open rows never land in one of the benchmark user's own roles, so her inbox stays the same size.
    for row in batch_tasks:
        if row["state"] == "ready":
            row["role"] = OTHER_ROLES[hash(row["id"]) % len(OTHER_ROLES)]
    if batch_cases:
        uow.session.execute(insert(Case), batch_cases)
    if batch_tasks:
        uow.session.execute(insert(Task), batch_tasks)
    batch_cases.clear()
    batch_tasks.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not for the record)")
    args = parser.parse_args()
    quick = args.quick
    folder = Path(tempfile.mkdtemp(prefix="quytrinh-bench-"))
    uow, actor = fresh_database(folder)
    definitions.deploy_file(uow, linear_model(folder / "linear"))
    definitions.deploy_file(uow, loop_model(folder / "loop"))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, SQLite file in {folder}")

    instances = 5 if quick else 30
    raw = raw_spiff_step_ms(folder / "linear" / "linear.bpmn", instances, 10)
    ours = quytrinh_step_ms(uow, actor, instances, 10)
    print(f"1. step: raw SpiffWorkflow in memory + serialize + deserialize {raw:.2f} ms; "
          f"quytrinh persistent step on SQLite {ours:.2f} ms; ratio {ours / raw:.2f}x (target <= 1.5x)")

    length = 100 if quick else 500
    early, late = step_cost_along_case(uow, actor, length, 10, 1 if quick else 3)
    print(f"2. long case: step 5 {early:.2f} ms; step {length} {late:.2f} ms; ratio {late / early:.2f}x "
          f"(target <= 1.3x)")

    small, large = (10_000, 100_000) if quick else (10_000, 1_000_000)
    with uow.reader() as reader:
        definition_id = reader.session.scalar(select(Case.definition_id).limit(1))
    for _ in range(20):   # the benchmark user's own open tasks: the same 20 at both sizes
        cases.start_case(uow, key="bench_linear", unit_code="HY-TANTIEN-DONG", actor=actor)
    fill_tasks(uow, small, definition_id)
    at_small = inbox_query_ms(uow, actor, 30)
    fill_tasks(uow, large, definition_id)
    at_large = inbox_query_ms(uow, actor, 30)
    print(f"3. inbox: {small:,} task rows {at_small:.2f} ms; {large:,} task rows {at_large:.2f} ms; "
          f"ratio {at_large / at_small:.2f}x (target <= 1.5x)")
    print(json.dumps({"step_ratio": round(ours / raw, 2), "length_ratio": round(late / early, 2),
                      "inbox_ratio": round(at_large / at_small, 2), "raw_ms": round(raw, 3),
                      "step_ms": round(ours, 3), "quick": quick}))


if __name__ == "__main__":
    main()
