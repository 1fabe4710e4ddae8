"""Auditor benchmarks (auditor issue): prints figures and two ratios measured in one run.

    .venv/bin/python bench/audit_bench.py [--quick]

1. replay ratio: replaying a 50-step case from its journal (``replay.replay_case``: load the events,
   rebuild on the pinned definition, compare the fingerprint after every step) ÷ running the same case
   in memory with the same engine code and no database (target ≤ 1.5×);
2. verification ratio: journal verification (``journal.verify_chain`` over the stored events) ÷ raw
   ``hashlib.sha256`` over the same bytes (target ≤ 3×).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.engine_bench import _open_task, fresh_database, loop_model  # noqa: E402
from engine import journal  # noqa: E402
from engine.clock import iso  # noqa: E402
from engine.models import Case, CaseEvent  # noqa: E402
from engine.services import cases, definitions, replay, tasks  # noqa: E402
from engine.spiff import parser, runtime, serializer  # noqa: E402
from engine.spiff.script_engine import SafeScriptEngine  # noqa: E402


def build_case(uow, actor, steps: int) -> str:
    number = cases.start_case(uow, key="bench_loop", unit_code="HY-TANTIEN-DONG", actor=actor)
    for step in range(steps):
        tasks.complete_task(uow, task_id=_open_task(uow, number), actor=actor, data={"n": 0 if step == steps - 1 else 1})
    return number


def in_memory_ms(path: Path, steps: int, repeats: int) -> float:
    process = parser.parse_bundle(parser.bundle_from_path(path))[0]
    engine = SafeScriptEngine()
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        workflow = serializer.new_workflow(process, engine)
        runtime.start(workflow, {"initiator": "phamthidung"})
        for step in range(steps):
            task = runtime.ready_human_tasks(workflow)[0]
            runtime.complete(workflow, task.id, {"n": 0 if step == steps - 1 else 1})
            runtime.compact(workflow)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def replay_ms(uow, number: str, repeats: int) -> float:
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        report = replay.replay_case(uow, number, details=False)
        durations.append(time.perf_counter() - started)
        assert report.ok, report
    return statistics.median(durations) * 1000


def verification(uow, repeats: int) -> tuple[float, float, int, int]:
    with uow.reader() as reader:
        rows = reader.session.execute(select(Case.number, CaseEvent.seq, CaseEvent.type, CaseEvent.at, CaseEvent.actor,
                                             CaseEvent.body, CaseEvent.prev_hash, CaseEvent.hash)
                                      .join(Case, Case.id == CaseEvent.case_id)
                                      .order_by(CaseEvent.case_id, CaseEvent.seq)).all()
    chains: dict[str, list] = {}
    for r in rows:
        chains.setdefault(r.number, []).append(journal.StoredEvent(seq=r.seq, type=r.type, at=iso(r.at), actor=r.actor,
                                                                   body=r.body, prev_hash=r.prev_hash, hash=r.hash))
    payload = [event.body.encode("utf-8") for events in chains.values() for event in events]
    verify_times, raw_times = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        for number, events in chains.items():
            assert journal.verify_chain(number, events) is None
        verify_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for body in payload:
            hashlib.sha256(body).hexdigest()
        raw_times.append(time.perf_counter() - started)
    return statistics.median(verify_times) * 1000, statistics.median(raw_times) * 1000, len(payload), \
        sum(len(b) for b in payload)


def main() -> None:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_.add_argument("--quick", action="store_true")
    args = parser_.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="quytrinh-audit-bench-"))
    uow, actor = fresh_database(folder)
    model = loop_model(folder / "loop")
    definitions.deploy_file(uow, model)
    steps = 50
    number = build_case(uow, actor, steps)
    repeats = 5 if args.quick else 20
    memory = in_memory_ms(model, steps, repeats)
    replayed = replay_ms(uow, number, repeats)
    print(f"1. replay of a {steps}-step case {replayed:.1f} ms; the same case in memory {memory:.1f} ms; "
          f"ratio {replayed / memory:.2f}x (target <= 1.5x)")
    for _ in range(10 if args.quick else 60):
        build_case(uow, actor, 20)
    verify, raw, events, size = verification(uow, repeats)
    print(f"2. journal verification of {events:,} events ({size / 1024:.0f} KiB) {verify:.1f} ms; raw sha256 "
          f"{raw:.1f} ms; ratio {verify / raw:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
