"""Need to know: who may see a restricted case.

A process may declare ``access="need_to_know"`` (P10 denunciations, P12 classified documents, secret
telegrams). A classified case of such a process is *restricted*: holding a role in its unit or above no
longer shows it, and neither does being an administrator. Only these users see it, each only with the
clearance for its level (docs/lanes.md, "Need to know"):

* the user who opened it;
* whoever may work on one of its open tasks (the named user, the claimant, the holders of its role in
  its unit) — past tasks do not count, so a recalled telegram stops being readable;
* the users named in its current data fields listed in ``accessFields``;
* the holders of the custodian roles in ``accessRoles`` (``records_clerk@case``, ``inspection_committee@parent``);
* never the users named in the fields listed in ``excludedFields`` (the accused).

The set is recomputed by every step of the case, in the step's transaction, into ``case_access``, so
lists and searches filter it in SQL like any other visibility rule.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, insert, or_, select, tuple_

from engine.conventions import parse_assignment
from engine.errors import AssignmentError
from engine.models import Case, CaseAccess, RoleAssignment, Task, User
from engine.services.assignments import scope_unit
from engine.uow import UnitOfWork
from engine.views import Actor

NEED_TO_KNOW = "need_to_know"


def is_restricted(policy: dict | None, classification: int) -> bool:
    return bool(policy) and policy.get("policy") == NEED_TO_KNOW and classification >= 1


def refresh(uow: UnitOfWork, case: Case, policy: dict, new_rows: list[Task]) -> None:
    """Recompute who may see a restricted case after a step (the caller flushes)."""
    session = uow.session
    open_rows = [r for r in session.scalars(select(Task).where(Task.case_id == case.id, Task.state == "ready"))
                 if r.state == "ready"] + [r for r in new_rows if r.state == "ready"]
    users = {case.started_by_id} | {r.candidate_user_id for r in open_rows} | {r.assignee_id for r in open_rows}
    holders = {(r.role, r.unit_id) for r in open_rows if r.role and r.unit_id is not None}
    for role in policy.get("roles", ()):
        assignment = parse_assignment(role=role)
        unit = scope_unit(uow, case.unit, assignment.scope)
        if unit is not None:
            holders.add((assignment.role, unit.id))
    if holders:
        users |= set(session.scalars(select(RoleAssignment.user_id).where(
            tuple_(RoleAssignment.role, RoleAssignment.unit_id).in_(sorted(holders)),
            RoleAssignment.valid_from <= uow.now,
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now))).all())
    users |= _named(uow, case.data, policy.get("fields", ()))
    users -= _named(uow, case.data, policy.get("excluded", ()))
    users.discard(None)
    cleared = set(session.scalars(select(User.id).where(User.id.in_(users), User.active.is_(True),
                                                         User.clearance >= case.classification)).all()) if users else set()
    session.execute(delete(CaseAccess).where(CaseAccess.case_id == case.id))
    if cleared:
        session.execute(insert(CaseAccess), [{"case_id": case.id, "user_id": u} for u in sorted(cleared)])


def ensure_named_cleared(uow: UnitOfWork, policy: dict | None, data: dict, classification: int, *, step: str) -> None:
    """People a step names in an ``accessFields`` field of a restricted case must be cleared for it: naming
    someone who could never open the case (a verification team member) is refused, as a step given to them
    would be (``assignment.not_cleared``).

    :raises AssignmentError: naming the field and the person.
    """
    if not is_restricted(policy, classification):
        return
    for name in policy.get("fields", ()):
        value = data.get(name)
        usernames = sorted({v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v})
        if not usernames:
            continue
        uncleared = uow.session.scalars(select(User.username).where(
            User.username.in_(usernames), User.clearance < classification).order_by(User.username)).first()
        if uncleared is not None:
            raise AssignmentError("assignment.not_cleared", element=step, field=name, username=uncleared,
                                  level=classification)


def _named(uow: UnitOfWork, data: dict, fields) -> set[int]:
    usernames = set()
    for name in fields:
        value = (data or {}).get(name)
        values = value if isinstance(value, list) else [value]
        usernames |= {v for v in values if isinstance(v, str) and v}
    if not usernames:
        return set()
    return set(uow.session.scalars(select(User.id).where(User.username.in_(sorted(usernames)))).all())


def visible_condition(uow: UnitOfWork, actor: Actor):
    """The SQL condition "the actor may see this case" for lists and searches (clearance included)."""
    from engine.services.cases import _units_below
    restricted = Case.id.in_(select(CaseAccess.case_id).where(CaseAccess.user_id == actor.user_id))
    if actor.is_admin:
        open_cases = Case.restricted.is_(False)
    else:
        involved = select(Task.case_id).where((Task.candidate_user_id == actor.user_id)
                                              | (Task.assignee_id == actor.user_id)
                                              | (Task.ended_by_id == actor.user_id))
        open_cases = and_(Case.restricted.is_(False),
                          or_(Case.unit_id.in_(_units_below(uow, actor.unit_ids)),
                              Case.started_by_id == actor.user_id, Case.id.in_(involved)))
    return and_(Case.classification <= actor.clearance,
                or_(open_cases, and_(Case.restricted.is_(True), restricted)))


