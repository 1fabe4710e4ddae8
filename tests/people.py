"""Test helpers that act as the demo people, so tests read like the procedure they check:

    case = people.applicant.opens("admission", unit="HY-TANTIEN-DONG", data=P1_START)
    people.cell_secretary.completes("review_application", case, {"review_decision": "approve", ...})
"""

from __future__ import annotations

from engine.services import cases, organisation, tasks
from engine.uow import UnitOfWork
from engine.views import Actor, CaseView, TaskView

CELL = "HY-TANTIEN-DONG"
OTHER_CELL = "HY-TANTIEN-TAY"
COMMUNE = "HY-TANTIEN"
OTHER_COMMUNE_CELL = "HY-HONGCHAU-KP1"

NICKNAMES = {
    "admin": "quantri",
    "applicant": "nguyenvanan",
    "introducer1": "tranthibinh",
    "introducer2": "levancuong",
    "cell_secretary": "phamthidung",
    "party_building_board": "hoangvanem",
    "standing_board": "vuthiphuong",
    "committee_office": "dangvangiang",
    "auditor": "buithihoa",
    "other_cell_secretary": "ngothikhanh",
    "other_commune_secretary": "dothilan",
    "cipher_office": "lyvanminh",
    "designer": "ngovanthiet",
}


class Person:
    def __init__(self, uow: UnitOfWork, username: str) -> None:
        self.uow = uow
        self.username = username

    @property
    def actor(self) -> Actor:
        with self.uow.reader() as reader:
            return organisation.actor_for(reader, self.username)

    def opens(self, key: str, *, unit: str = CELL, data: dict | None = None, classification: int | None = None) -> str:
        return cases.start_case(self.uow, key=key, unit_code=unit, actor=self.actor, data=data,
                                classification=classification)

    def inbox(self, **filters) -> list[TaskView]:
        return tasks.list_tasks(self.uow, actor=self.actor, per_page=200, **filters).items

    def task(self, element: str, case: str | None = None) -> TaskView:
        found = [t for t in self.inbox() if t.element == element and (case is None or t.case == case)]
        assert found, f"{self.username} has no task {element!r} for {case}: {[t.element for t in self.inbox()]}"
        return found[0]

    def claims(self, element: str, case: str | None = None) -> TaskView:
        return tasks.claim_task(self.uow, task_id=self.task(element, case).id, actor=self.actor)

    def completes(self, element: str, case: str | None = None, data: dict | None = None, **kwargs) -> str:
        """Complete a step; a signed step is signed with the demo PIN unless ``pin=`` says otherwise."""
        from tests.conftest import DEMO_PIN
        kwargs.setdefault("pin", DEMO_PIN)
        task = self.task(element, case)
        return tasks.complete_task(self.uow, task_id=task.id, actor=self.actor, data=data or {}, **kwargs)

    def sees(self, number: str) -> CaseView:
        return cases.get_case(self.uow, number=number, actor=self.actor)


class People:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def __getattr__(self, name: str) -> Person:
        if name.startswith("_"):
            raise AttributeError(name)
        return Person(self.uow, NICKNAMES.get(name, name))

    def __call__(self, username: str) -> Person:
        return Person(self.uow, username)
