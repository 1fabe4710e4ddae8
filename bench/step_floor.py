"""Where the step ratio's floor lies: the parts every persistent step must do, measured one by one.

    .venv/bin/python bench/step_floor.py [--quick]

The engine core issue asks a persistent step to cost at most 1.5× raw SpiffWorkflow's in-memory
deserialize + complete + serialize (bench/engine_bench.py, ratio 1). This benchmark measures, on the
same model and a database migrated like production:

* the SpiffWorkflow part of quytrinh's step alone (restore without the embedded spec, complete, run,
  dump): what no storage choice can remove;
* the statements one step writes at the least — lock the case, read the task, read the case's open
  task ids, end the task, add the next one, update the case with its version check, append the journal
  event, add the notifications, commit — issued three ways: through the SQLAlchemy ORM as quytrinh's
  services do, as SQLAlchemy Core statements, and as SQL strings handed to the driver.

It prints each figure and the ratio a step would have if it did nothing else than the SpiffWorkflow
part plus those statements. docs/performance.md keeps the figures. Nothing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import bindparam, insert, select, update  # noqa: E402

from engine_bench import FORM_DATA, fresh_database, linear_model, raw_spiff_step_ms  # noqa: E402
from engine.models import Case, CaseEvent, Notification, Task, User  # noqa: E402
from engine.services import cases, definitions, steps  # noqa: E402
from engine.spiff import runtime, serializer  # noqa: E402

BODY = json.dumps({"data": FORM_DATA, "padding": "x" * 600}, ensure_ascii=False)   # a journal body's size


def spiff_part_ms(uow, state: str, process, rounds: int) -> float:
    """quytrinh's SpiffWorkflow work in one step: restore (no spec), complete, run, dump."""
    durations = []
    for _ in range(rounds):
        current = state
        for _ in range(10):
            started = time.perf_counter()
            workflow = serializer.restore(current, process, uow.script_engine)
            ready = runtime.ready_human_tasks(workflow)
            if not ready:
                break
            runtime.complete(workflow, ready[0].id, dict(FORM_DATA))
            current = serializer.dump(workflow)
            durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


class Scratch:
    """A case and its open task in the benchmark database, rewritten by each variant's statements."""

    def __init__(self, uow, number: str) -> None:
        with uow.reader() as reader:
            case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
            self.case_id, self.state, self.data = case.id, case.state, case.data
            self.task_id = reader.session.scalar(select(Task.id).where(Task.case_id == case.id, Task.state == "ready"))
            self.user_id = reader.session.scalar(select(User.id).limit(1))
        self.seq = 1000

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


def orm_ms(uow, s: Scratch, rounds: int) -> float:
    durations = []
    for _ in range(rounds):
        started = time.perf_counter()
        with uow:
            session = uow.session
            case = session.scalars(select(Case).where(Case.id == select(Task.case_id).where(Task.id == s.task_id)
                                                      .scalar_subquery())
                                   .execution_options(populate_existing=True)).unique().one()
            task = session.scalars(select(Task).where(Task.id == s.task_id)
                                   .execution_options(populate_existing=True)).one()
            session.scalars(select(Task.id).where(Task.case_id == case.id, Task.state == "ready")).all()
            task.ended_at = uow.now
            new_id = str(uuid.uuid4())
            session.add(Task(id=new_id, case_id=case.id, element="next", title="Bước sau", role="x",
                             unit_id=None, state="done", created_at=uow.now))
            case.state, case.data = s.state, dict(s.data)
            session.add(CaseEvent(case_id=case.id, seq=s.next_seq(), type="task.completed", at=uow.now, actor="a",
                                  body=BODY, prev_hash="0" * 64, hash="1" * 64))
            session.flush()
            session.execute(_NOTIFY, {"case_id": case.id, "task_id": new_id, "user_id": s.user_id,
                                      "params": {"case": "x"}, "now": uow.now})
            uow.commit()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


_NOTIFY = insert(Notification.__table__).from_select(
    ["user_id", "case_id", "task_id", "kind", "params", "created_at"],
    select(User.id, bindparam("case_id"), bindparam("task_id"), bindparam("kind", "task.assigned"),
           bindparam("params", type_=Notification.__table__.c.params.type),
           bindparam("now", type_=Notification.__table__.c.created_at.type)).where(User.id == bindparam("user_id")))


def core_ms(uow, s: Scratch, rounds: int) -> float:
    """The statements built once with bind parameters (the cheapest SQLAlchemy Core allows)."""
    cases_t, tasks_t, events_t = Case.__table__, Task.__table__, CaseEvent.__table__
    lock = select(cases_t).where(
        cases_t.c.id == select(tasks_t.c.case_id).where(tasks_t.c.id == bindparam("task_id")).scalar_subquery())
    read_task = select(tasks_t).where(tasks_t.c.id == bindparam("task_id"))
    open_ids = select(tasks_t.c.id).where(tasks_t.c.case_id == bindparam("case_id"), tasks_t.c.state == "ready")
    end_task = update(tasks_t).where(tasks_t.c.id == bindparam("task_id")).values(ended_at=bindparam("now"))
    add_task = insert(tasks_t).values(id=bindparam("new_id"), case_id=bindparam("case_id"), element="next",
                                      title="Bước sau", role="x", state="done", created_at=bindparam("now"))
    save_case = update(cases_t).where(cases_t.c.id == bindparam("case_id"), cases_t.c.version == bindparam("old")) \
        .values(state=bindparam("state"), data=bindparam("data"), version=bindparam("new"))
    add_event = insert(events_t).values(case_id=bindparam("case_id"), seq=bindparam("seq"), type="task.completed",
                                        at=bindparam("now"), actor="a", body=BODY, prev_hash="0" * 64, hash="1" * 64)
    engine = uow.engine.execution_options(sqlite_immediate=True)
    durations = []
    for _ in range(rounds):
        now = uow.clock.now()
        started = time.perf_counter()
        with engine.begin() as conn:
            case = conn.execute(lock, {"task_id": s.task_id}).one()
            conn.execute(read_task, {"task_id": s.task_id}).one()
            conn.execute(open_ids, {"case_id": case.id}).all()
            conn.execute(end_task, {"task_id": s.task_id, "now": now})
            new_id = str(uuid.uuid4())
            conn.execute(add_task, {"new_id": new_id, "case_id": case.id, "now": now})
            conn.execute(save_case, {"case_id": case.id, "old": case.version, "new": case.version + 1,
                                     "state": s.state, "data": s.data})
            conn.execute(add_event, {"case_id": case.id, "seq": s.next_seq(), "now": now})
            conn.execute(_NOTIFY, {"case_id": case.id, "task_id": new_id, "user_id": s.user_id,
                                   "params": {"case": "x"}, "now": now})
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def driver_ms(uow, s: Scratch, rounds: int) -> float:
    """The same statements as SQL strings for SQLite's driver (no SQLAlchemy statement objects)."""
    engine = uow.engine.execution_options(sqlite_immediate=True)
    data = json.dumps(s.data, ensure_ascii=False)
    durations = []
    for _ in range(rounds):
        now = uow.clock.now().isoformat()
        started = time.perf_counter()
        with engine.begin() as conn:
            case = conn.exec_driver_sql("SELECT * FROM cases WHERE id = (SELECT case_id FROM tasks WHERE id = ?)",
                                        (s.task_id,)).one()
            conn.exec_driver_sql("SELECT * FROM tasks WHERE id = ?", (s.task_id,)).one()
            conn.exec_driver_sql("SELECT id FROM tasks WHERE case_id = ? AND state = 'ready'", (case.id,)).all()
            conn.exec_driver_sql("UPDATE tasks SET ended_at = ? WHERE id = ?", (now, s.task_id))
            new_id = str(uuid.uuid4())
            conn.exec_driver_sql("INSERT INTO tasks (id, case_id, element, title, role, state, created_at) "
                                 "VALUES (?, ?, 'next', 'Bước sau', 'x', 'done', ?)", (new_id, case.id, now))
            conn.exec_driver_sql("UPDATE cases SET state = ?, data = ?, version = ? WHERE id = ? AND version = ?",
                                 (s.state, data, case.version + 1, case.id, case.version))
            conn.exec_driver_sql("INSERT INTO case_events (case_id, seq, type, at, actor, body, prev_hash, hash) "
                                 "VALUES (?, ?, 'task.completed', ?, 'a', ?, ?, ?)",
                                 (case.id, s.next_seq(), now, BODY, "0" * 64, "1" * 64))
            conn.exec_driver_sql("INSERT INTO notifications (user_id, case_id, task_id, kind, params, created_at) "
                                 "SELECT id, ?, ?, 'task.assigned', ?, ? FROM users WHERE id = ?",
                                 (case.id, new_id, '{"case": "x"}', now, s.user_id))
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, not for the record)")
    quick = parser.parse_args().quick
    folder = Path(tempfile.mkdtemp(prefix="quytrinh-floor-"))
    uow, actor = fresh_database(folder)
    definitions.deploy_file(uow, linear_model(folder / "linear"))
    number = cases.start_case(uow, key="bench_linear", unit_code="HY-TANTIEN-DONG", actor=actor)
    scratch = Scratch(uow, number)
    with uow.reader() as reader:
        process = steps.process_of(reader, reader.session.get(Case, scratch.case_id))
    rounds = 60 if quick else 400

    raw = raw_spiff_step_ms(folder / "linear" / "linear.bpmn", 5 if quick else 30, 10)
    spiff = spiff_part_ms(uow, scratch.state, process, max(rounds // 10, 5))
    figures = {"orm": orm_ms(uow, scratch, rounds), "core": core_ms(uow, scratch, rounds),
               "driver": driver_ms(uow, scratch, rounds)}
    print(f"raw SpiffWorkflow step (deserialize with spec + complete + serialize): {raw:.2f} ms")
    print(f"quytrinh's SpiffWorkflow part (restore without spec + complete + dump): {spiff:.2f} ms")
    for way, label in (("orm", "SQLAlchemy ORM"), ("core", "SQLAlchemy Core"), ("driver", "SQL strings to the driver")):
        print(f"a step's statements and commit, {label}: {figures[way]:.2f} ms; "
              f"SpiffWorkflow part + these = {(spiff + figures[way]) / raw:.2f}x raw (target <= 1.5x)")
    print(json.dumps({"raw_ms": round(raw, 3), "spiff_ms": round(spiff, 3),
                      **{f"{way}_ms": round(ms, 3) for way, ms in figures.items()},
                      **{f"{way}_floor_ratio": round((spiff + ms) / raw, 2) for way, ms in figures.items()},
                      "quick": quick}))


if __name__ == "__main__":
    main()
