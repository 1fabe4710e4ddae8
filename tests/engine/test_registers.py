"""Registration numbers are the engine's (docs/registers.md): taken inside the step's own transaction, so a step
that fails gives its number back, two clerks at once never get the same one, and a replay re-applies the
recorded number without counting."""

import threading

import pytest
from sqlalchemy import select

from engine.models import RegisterCounter, Unit
from engine.services import cases, definitions, replay
from engine.services.steps import CaseFailed
from engine.uow import UnitOfWork
from tests.bpmn_builder import FORM, script_process, write_bundle
from tests.people import CELL, COMMUNE, Person
from tests.procedures.test_document_flow import INCOMING

REGISTERED_FORM = {**FORM, "required": ["n", "register_number"],
                   "properties": {**FORM["properties"],
                                  "register_number": {"type": "string", "title": "Số đến", "x-register": "incoming"}}}


@pytest.fixture
def numbered(uow, tmp_path):
    """start -> enter (registers the dossier; a script then divides by its n) -> check -> end."""
    bundle = write_bundle(tmp_path / "numbered", "numbered.bpmn", script_process("numbered", "share = 100 / n"),
                          forms={"step.json": REGISTERED_FORM})
    definitions.deploy_file(uow, bundle)
    return "numbered"


def _counters(uow) -> list[tuple[str, str, int, int]]:
    """(unit that keeps the register, register, year, last number given) of every counter."""
    with uow.reader() as reader:
        return [tuple(row) for row in reader.session.execute(
            select(Unit.code, RegisterCounter.register_code, RegisterCounter.year, RegisterCounter.last_value)
            .join(Unit, RegisterCounter.unit_id == Unit.id).order_by(Unit.code, RegisterCounter.register_code))]


def test_a_step_that_fails_gives_its_number_back(people, uow, numbered):
    failing = people.cell_secretary.opens(numbered)
    with pytest.raises(CaseFailed):                      # the number was taken, then the script failed: rolled back
        people.cell_secretary.completes("enter", failing, {"n": 0})
    assert _counters(uow) == []
    other = people.cell_secretary.opens(numbered)
    people.cell_secretary.completes("enter", other, {"n": 4})
    assert people.cell_secretary.sees(other).data["register_number"] == "1"
    cases.retry_case(uow, number=failing, actor=people.admin.actor, corrections={"n": 5})
    assert people.cell_secretary.sees(failing).data["register_number"] == "2"
    assert _counters(uow) == [(CELL, "incoming", 2026, 2)]
    for number in (failing, other):                      # the recorded number is re-applied, nothing is counted
        assert replay.replay_case(uow, number).ok
    assert _counters(uow) == [(CELL, "incoming", 2026, 2)]


def test_clerks_registering_at_the_same_moment_get_consecutive_numbers(settings, clock, uow):
    clerks = 4
    barrier = threading.Barrier(clerks)
    numbers, failures = [], []

    def register():
        own = UnitOfWork(settings, clock=clock)
        clerk = Person(own, "nguyenthivan")
        actor = clerk.actor
        barrier.wait()
        try:
            number = cases.start_case(own, key="document_flow", unit_code=COMMUNE, actor=actor, data=INCOMING)
            numbers.append(clerk.sees(number).data["register_number"])
        except Exception as exc:  # reported by the assertion below
            failures.append(repr(exc))

    threads = [threading.Thread(target=register) for _ in range(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert sorted(numbers, key=int) == ["1", "2", "3", "4"]
