"""A crash in the middle of a step writes nothing: the process is killed (os._exit, no cleanup, no
rollback from Python) after part or all of the step was flushed to the database but before commit."""

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import select

from engine.models import Case, CaseEvent, Task
from engine.services import history
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data

CRASH_POINTS = {
    # after the new state is flushed, while the task rows are being written
    "during_task_sync": "engine.services.steps.sync_tasks",
    # after every row of the step is flushed, just before commit
    "before_commit": "engine.uow.UnitOfWork.commit",
}

CHILD = textwrap.dedent('''
    import os, sys, json
    import engine.services.steps as steps_module
    import engine.uow as uow_module
    from engine.settings import Settings
    from engine.uow import UnitOfWork
    from engine.services import organisation, tasks

    url, task_id, point, data = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])

    def crash(uow, *args, **kwargs):  # both crash points take the unit of work first
        uow.session.flush()
        os._exit(3)

    if point == "engine.services.steps.sync_tasks":
        steps_module.sync_tasks = crash
    else:
        uow_module.UnitOfWork.commit = crash
    uow = UnitOfWork(Settings(database_url=url))
    with uow.reader() as reader:
        actor = organisation.actor_for(reader, "hoangvanem")
    tasks.complete_task(uow, task_id=task_id, actor=actor, data=data)
    os._exit(0)
''')


@pytest.mark.parametrize("point", sorted(CRASH_POINTS))
def test_a_crash_in_the_middle_of_a_step_leaves_the_case_as_it_was(point, people, uow, settings):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="verify_biography")
    task_id = people.party_building_board.task("verify_biography", number).id
    before = _snapshot(uow, number)
    import json
    child = subprocess.run([sys.executable, "-c", CHILD, settings.resolved_database_url, task_id, CRASH_POINTS[point],
                            json.dumps(step_data("verify_biography"))], capture_output=True, text=True, timeout=120)
    assert child.returncode == 3, child.stderr
    assert _snapshot(uow, number) == before
    # and the step can simply be done again
    people.party_building_board.completes("verify_biography", number, step_data("verify_biography"))
    assert people.cell_secretary.task("cell_vote", number)
    assert history.verify_case(uow, number).ok


def _snapshot(uow, number):
    with uow.reader() as reader:
        case = reader.session.scalars(select(Case).where(Case.number == number)).unique().one()
        rows = reader.session.execute(select(Task.id, Task.state).where(Task.case_id == case.id)
                                      .order_by(Task.id)).all()
        events = reader.session.scalars(select(CaseEvent.hash).where(CaseEvent.case_id == case.id)
                                        .order_by(CaseEvent.seq)).all()
        return {"version": case.version, "state": case.state, "status": case.status, "tasks": [tuple(r) for r in rows],
                "events": list(events)}
