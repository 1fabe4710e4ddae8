"""Whom a task may be delegated to: the other people holding its role in its unit, cleared for its case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from engine.errors import NotFound
from engine.models import Case, RoleAssignment, Task, User
from engine.services import assignments
from engine.uow import UnitOfWork
from engine.views import Actor


@dataclass(frozen=True)
class ColleagueView:
    username: str
    full_name: str


def colleagues_for_task(uow: UnitOfWork, *, task_id: str, actor: Actor) -> list[ColleagueView]:
    """Colleagues the actor could delegate an open task to (empty for a task that names one user).

    :raises NotFound: the task does not exist or the actor is not entitled to it.
    """
    with uow.reader() as reader:
        task = reader.session.get(Task, str(task_id))
        if task is None or not assignments.is_entitled(actor, task):
            raise NotFound("task.not_found", task=str(task_id))
        if task.state != "ready" or task.role is None or task.unit_id is None:
            return []
        classification = reader.session.scalar(select(Case.classification).where(Case.id == task.case_id))
        if classification > actor.clearance:
            raise NotFound("task.not_found", task=str(task_id))
        rows = reader.session.execute(
            select(User.username, User.full_name).join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == task.role, RoleAssignment.unit_id == task.unit_id,
                   RoleAssignment.valid_from <= reader.now,
                   or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > reader.now),
                   User.active.is_(True), User.clearance >= classification, User.id != actor.user_id)
            .distinct().order_by(User.full_name)).all()
        return [ColleagueView(username=u, full_name=n) for u, n in rows]
