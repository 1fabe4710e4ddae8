"""Two clerks complete the same task at the same moment: exactly one wins, the other is told clearly,
and the case goes on. Real threads and real processes against the real database (SQLite or PostgreSQL)."""

import multiprocessing
import threading

import pytest

from engine.errors import StepConflict
from engine.services import history, organisation, tasks
from engine.settings import Settings
from engine.uow import UnitOfWork
from tests.people import CELL, Person
from tests.procedures import P1_START, run_p1, step_data

ROUNDS = 6


@pytest.fixture
def two_board_members(uow):
    with uow:
        organisation.create_user(uow, username="tranvankhoa", full_name="Trần Văn Khoa", password=None, clearance=1)
        organisation.assign_role(uow, username="tranvankhoa", role="party_building_board", unit_code="HY-TANTIEN")
        uow.commit()
    return "hoangvanem", "tranvankhoa"


def _cases_waiting_for_verification(people, count):
    numbers = []
    for _ in range(count):
        number = people.applicant.opens("admission", unit=CELL, data=P1_START)
        run_p1(people, number, until="verify_biography")
        numbers.append(number)
    return numbers


def test_two_clerks_completing_the_same_task_in_threads_one_wins(people, uow, settings, clock, two_board_members):
    numbers = _cases_waiting_for_verification(people, ROUNDS)
    for number in numbers:
        task_id = people.party_building_board.task("verify_biography", number).id
        results = _race_threads(settings, clock, task_id, two_board_members)
        assert sorted(r[0] for r in results) == ["conflict", "ok"], results
        assert all(r[1] in ("task.already_completed", "task.claimed_by_other", "step.conflict", None) for r in results)
        assert people.cell_secretary.task("cell_vote", number)          # the case went on
        assert history.verify_case(uow, number).ok
        completed = [e for e in people.admin.sees(number).events if e.type == "task.completed"
                     and e.data["element"] == "verify_biography"]
        assert len(completed) == 1


def test_two_clerks_completing_the_same_task_in_processes_one_wins(people, uow, settings, two_board_members):
    numbers = _cases_waiting_for_verification(people, 3)
    context = multiprocessing.get_context("spawn")
    for number in numbers:
        task_id = people.party_building_board.task("verify_biography", number).id
        barrier = context.Barrier(2)
        queue = context.Queue()
        workers = [context.Process(target=_complete_in_process,
                                   args=(settings.resolved_database_url, task_id, user, barrier, queue))
                   for user in two_board_members]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        results = [queue.get(timeout=5) for _ in workers]
        assert sorted(r[0] for r in results) == ["conflict", "ok"], results
        assert people.cell_secretary.task("cell_vote", number)
        assert history.verify_case(uow, number).ok


def test_a_double_click_on_complete_completes_once(people, uow, settings, clock):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    task_id = people.applicant.task("submit_application", number).id
    results = _race_threads(settings, clock, task_id, ("nguyenvanan", "nguyenvanan"),
                            data=step_data("submit_application"))
    assert sorted(r[0] for r in results) == ["conflict", "ok"]
    assert [t.element for t in people.cell_secretary.inbox()] == ["review_application"]


def _race_threads(settings, clock, task_id, usernames, data=None):
    barrier = threading.Barrier(len(usernames))
    results = []

    def attempt(username):
        uow = UnitOfWork(settings, clock=clock)
        actor = Person(uow, username).actor
        barrier.wait()
        try:
            tasks.complete_task(uow, task_id=task_id, actor=actor, data=data or step_data("verify_biography"))
            results.append(("ok", None))
        except StepConflict as exc:
            results.append(("conflict", exc.code))

    threads = [threading.Thread(target=attempt, args=(u,)) for u in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _complete_in_process(url, task_id, username, barrier, queue):
    uow = UnitOfWork(Settings(database_url=url))
    actor = Person(uow, username).actor
    barrier.wait()
    try:
        tasks.complete_task(uow, task_id=task_id, actor=actor, data=step_data("verify_biography"))
        queue.put(("ok", None))
    except StepConflict as exc:
        queue.put(("conflict", exc.code))
    except Exception as exc:  # reported to the parent, which fails the test with it
        queue.put(("error", repr(exc)))
