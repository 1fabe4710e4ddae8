"""Who may work on a task, and who may see a case.

A step is given either to a role held in a unit found relative to the case's unit (its own unit, its
direct superior, the nearest unit of a level, or a fixed unit), to a role held in the unit named in the
task's data (a transfer's receiving organisation), or to the user named in the task's data (the
applicant, each introducing member). docs/lanes.md has the convention.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from engine.conventions import Assignment
from engine.errors import AssignmentError, NotAllowed, NotFound, TaskClaimedByOther
from engine.models import Case, CaseAccess, Role, RoleAssignment, Task, Unit, User
from engine.services.organisation import ancestors
from engine.uow import UnitOfWork
from engine.views import Actor


@dataclass(frozen=True)
class Resolved:
    role: str | None
    unit_id: int | None
    candidate_user_id: int | None


def resolve(uow: UnitOfWork, assignment: Assignment | None, *, case: Case, task_data: dict,
            element: str, classification: int = 0) -> Resolved:
    """Turn a step's assignment into the role and unit (or the user) its task row will carry.

    :raises AssignmentError: the unit or the user does not exist, or the user named in the data is not
        cleared for the case's ``classification`` (the step would wait for someone who may not open it);
        the step is not started.
    """
    if assignment is None:
        raise AssignmentError("assignment.missing", element=element)
    if assignment.data_field:
        username = task_data.get(assignment.data_field)
        if not isinstance(username, str) or not username:
            raise AssignmentError("assignment.no_user", element=element, field=assignment.data_field)
        user = uow.session.execute(select(User.id, User.clearance)
                                   .where(User.username == username, User.active.is_(True))).first()
        if user is None:
            raise AssignmentError("assignment.unknown_user", element=element, field=assignment.data_field,
                                  username=username)
        if user.clearance < classification:
            raise AssignmentError("assignment.not_cleared", element=element, field=assignment.data_field,
                                  username=username, level=classification)
        return Resolved(role=None, unit_id=None, candidate_user_id=user.id)
    if assignment.unit_field:
        unit_id = data_scope_unit(uow, task_data, assignment.unit_field, element=element).id
    elif assignment.scope == "case":
        unit_id = case.unit_id         # most steps: the case's own unit, without loading it and its ancestors
    else:
        unit = scope_unit(uow, case.unit, assignment.scope)
        if unit is None:
            raise AssignmentError("assignment.no_unit", element=element, scope=assignment.scope,
                                  unit=case.unit.code)
        unit_id = unit.id
    if classification and not _anyone_cleared(uow, assignment.role, unit_id, classification):
        role_name = uow.session.scalar(select(Role.name).where(Role.code == assignment.role)) or assignment.role
        raise AssignmentError("assignment.nobody_cleared", element=element, role=role_name,
                              unit=uow.session.get(Unit, unit_id).name, level=classification)
    return Resolved(role=assignment.role, unit_id=unit_id, candidate_user_id=None)


def roles_missing_in(uow: UnitOfWork, meta: dict, unit_id: int) -> list[str]:
    """The roles a process gives steps to in the case's own unit that nobody holds there now: a case
    opened in that unit would wait for nobody (an admission opened at the central committee)."""
    roles = _case_roles(meta)
    return sorted(roles - {role for _, role in _holdings(uow, roles, unit_id)})


def units_able_to_open(uow: UnitOfWork, meta: dict) -> set[int] | None:
    """The units in which someone holds every case-unit role of a process (None: it names none, any unit)."""
    roles = _case_roles(meta)
    if not roles:
        return None
    held: dict[int, set[str]] = {}
    for unit_id, role in _holdings(uow, roles):
        held.setdefault(unit_id, set()).add(role)
    return {unit_id for unit_id, present in held.items() if present == roles}


def _case_roles(meta: dict) -> set[str]:
    return {a["role"] for m in meta["elements"].values()
            if (a := m.get("assignment")) and a.get("role") and a.get("scope") == "case"}


def _holdings(uow: UnitOfWork, roles: set[str], unit_id: int | None = None) -> set[tuple[int, str]]:
    """(unit, role) of the active people holding one of ``roles`` now."""
    if not roles:
        return set()
    query = (select(RoleAssignment.unit_id, RoleAssignment.role).join(User, User.id == RoleAssignment.user_id)
             .where(RoleAssignment.role.in_(sorted(roles)), RoleAssignment.valid_from <= uow.now,
                    or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now), User.active.is_(True)))
    if unit_id is not None:
        query = query.where(RoleAssignment.unit_id == unit_id)
    return {(row.unit_id, row.role) for row in uow.session.execute(query)}


def _anyone_cleared(uow: UnitOfWork, role: str, unit_id: int, classification: int) -> bool:
    """Someone holds ``role`` in the unit now and may open a case of this classification."""
    return uow.session.scalar(
        select(RoleAssignment.id).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == role, RoleAssignment.unit_id == unit_id, RoleAssignment.valid_from <= uow.now,
               or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now),
               User.active.is_(True), User.clearance >= classification).limit(1)) is not None


def data_scope_unit(uow: UnitOfWork, task_data: dict, field: str, *, element: str) -> Unit:
    """The unit whose code is in the task's data field ``field`` (lane ``scope="data:FIELD"``).

    A transfer's receiving organisation may be in another commune or province and is known only from
    what the member (or the level above it) entered, so the step goes to the role held in that unit.

    :raises AssignmentError: the field is empty or names no unit; the step is not started.
    """
    code = task_data.get(field)
    unit = uow.session.scalar(select(Unit).where(Unit.code == code)) if isinstance(code, str) and code else None
    if unit is None:
        raise AssignmentError("assignment.no_unit", element=element, scope=f"data:{field}",
                              unit=code if isinstance(code, str) else "")
    return unit


def scope_unit(uow: UnitOfWork, case_unit: Unit, scope: str) -> Unit | None:
    if scope == "case":
        return case_unit
    if scope == "parent":
        return case_unit.parent
    if scope.startswith("level:"):
        level = scope[len("level:"):]
        return next((u for u in ancestors(case_unit) if u.level == level), None)
    if scope.startswith("unit:"):
        return uow.session.scalar(select(Unit).where(Unit.code == scope[len("unit:"):]))
    return None


def is_entitled(actor: Actor, task: Task) -> bool:
    """The actor holds the task's role in the task's unit, or is the user the task names."""
    if task.candidate_user_id is not None:
        return task.candidate_user_id == actor.user_id
    return task.role is not None and task.unit_id is not None and actor.holds(task.role, task.unit_id)


def ensure_can_act(actor: Actor, task: Task, case: Case) -> None:
    """:raises NotAllowed: not entitled or not cleared. :raises TaskClaimedByOther: claimed by someone else."""
    if case.classification > actor.clearance:
        raise NotAllowed("case.classified")
    if not is_entitled(actor, task):
        raise NotAllowed("task.not_entitled", task=task.id, role=task.role or "")
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        raise TaskClaimedByOther(task=task.id)


def can_view_case(uow: UnitOfWork, actor: Actor, case: Case) -> bool:
    """Clearance first; then, for a restricted case, only the users its need-to-know set holds
    (engine/services/access.py); for any other case, the starter, anyone holding a role in the case's unit
    or above it, and anyone who has or had a task of the case."""
    if case.classification > actor.clearance:
        return False
    if case.restricted:
        return uow.session.scalar(select(CaseAccess.user_id).where(
            CaseAccess.case_id == case.id, CaseAccess.user_id == actor.user_id)) is not None
    if actor.is_admin or case.started_by_id == actor.user_id:
        return True
    if {u.id for u in ancestors(case.unit)} & actor.unit_ids:
        return True
    involved = uow.session.scalar(select(Task.id).where(
        Task.case_id == case.id,
        (Task.candidate_user_id == actor.user_id) | (Task.assignee_id == actor.user_id)
        | (Task.ended_by_id == actor.user_id)).limit(1))
    return involved is not None


def ensure_can_view(uow: UnitOfWork, actor: Actor, case: Case) -> None:
    if not can_view_case(uow, actor, case):
        # The same answer as for a case that does not exist: nothing leaks about classified cases.
        raise NotFound("case.not_found", number=case.number)
