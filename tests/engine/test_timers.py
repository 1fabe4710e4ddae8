"""Timers follow the injected clock; a due timer fires exactly once, whatever restarts or how many
workers; the worker command fires real-time timers."""

import os
from datetime import date, timedelta
import subprocess
import threading
import time
from pathlib import Path

from sqlalchemy import select

from engine import deadlines
from engine.clock import SystemClock
from engine.models import Case
from engine.services import cases, definitions
from engine.spiff import parser
from engine.uow import UnitOfWork
from tests.bpmn_builder import flow, process, user_task, write_bundle
from tests.people import CELL
from tests.procedures import P1_START, run_p1

ROOT = Path(__file__).resolve().parents[2]


def _p1_waiting_for_ceremony(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="admission_ceremony")
    return number


def _timer_events(people, number):
    return [e for e in people.admin.sees(number).events if e.type == "timer.fired"]


def test_an_overdue_ceremony_is_escalated_to_the_committee_office_once(people, uow, clock):
    number = _p1_waiting_for_ceremony(people)
    with uow.reader() as reader:
        due = reader.session.scalar(select(Case.next_timer_due).where(Case.number == number))
    # 30 working days from Thursday 26/11/2026, weekends and 01/01/2027 skipped: the end of Friday 08/01/2027
    assert due == deadlines.due_at("30WD", clock.now())
    assert deadlines.last_day(due) == date(2027, 1, 8) and due.hour == 17
    assert cases.run_due_timers(uow) == 0           # not yet
    clock.set(due - timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 0
    clock.set(due + timedelta(minutes=1))
    assert cases.run_due_timers(uow) == 1
    assert cases.run_due_timers(uow) == 0           # never twice
    assert people.committee_office.task("remind_ceremony", number)
    assert people.cell_secretary.task("admission_ceremony", number)   # non-interrupting: still open
    assert [e.data["timers"] for e in _timer_events(people, number)] == [["ceremony_overdue"]]


def test_a_timer_that_fell_due_while_nothing_ran_fires_once_after_restart(people, settings, clock):
    number = _p1_waiting_for_ceremony(people)
    clock.advance(days=60)                          # the server was down for two months
    parser._CACHE.clear()                           # a new process: nothing parsed, nothing cached
    restarted = UnitOfWork(settings, clock=clock)
    assert cases.run_due_timers(restarted) == 1
    assert cases.run_due_timers(UnitOfWork(settings, clock=clock)) == 0
    assert len(_timer_events(people, number)) == 1


def test_several_workers_fire_each_due_timer_exactly_once(people, settings, clock):
    numbers = [_p1_waiting_for_ceremony(people) for _ in range(4)]
    clock.advance(days=60)
    barrier = threading.Barrier(3)

    def worker():
        uow = UnitOfWork(settings, clock=clock)
        barrier.wait()
        cases.run_due_timers(uow)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [len(_timer_events(people, n)) for n in numbers] == [1, 1, 1, 1]


def test_the_worker_command_fires_a_real_time_timer_once(people, settings, tmp_path):
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            '<bpmn:intermediateCatchEvent id="wait" name="Chờ"><bpmn:incoming>f1</bpmn:incoming>'
            '<bpmn:outgoing>f2</bpmn:outgoing><bpmn:timerEventDefinition id="t"><bpmn:timeDuration>PT1S'
            '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n'
            + user_task("after", "Sau khi hết giờ", "f2", "f3")
            + '<bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "wait") + flow("f2", "wait", "after") + flow("f3", "after", "end"))
    path = write_bundle(tmp_path / "timer", "timer.bpmn", process("wait_a_second", body,
                                                                  lane_nodes=["start", "wait", "after", "end"]))
    real_time = UnitOfWork(settings, clock=SystemClock())
    definitions.deploy_file(real_time, path)
    from tests.people import Person
    number = cases.start_case(real_time, key="wait_a_second", unit_code=CELL,
                              actor=Person(real_time, "phamthidung").actor)
    time.sleep(1.2)
    env = {**os.environ, "QUYTRINH_DATABASE_URL": settings.resolved_database_url}
    command = [str(ROOT / ".venv/bin/quytrinh"), "worker", "--once"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0 and "1 hồ sơ" in first.stdout, first.stderr
    assert second.returncode == 0 and "0 hồ sơ" in second.stdout
    view = cases.get_case(real_time, number=number)
    assert [t.element for t in view.open_tasks] == ["after"]
    assert [e.type for e in view.events].count("timer.fired") == 1
