"""The organisation model: units, roles, users and the roles users hold in units."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.models import Role, RoleAssignment, Unit, User
from engine.passwords import check_password, hash_password
from engine.uow import UnitOfWork
from engine.views import Actor, RoleHeld, UnitView, UserView

LEVELS = ("central", "province", "commune", "cell")


def create_unit(uow: UnitOfWork, *, code: str, name: str, level: str, parent_code: str | None = None) -> UnitView:
    """Add a unit under ``parent_code``; a unit's level is strictly below its parent's."""
    if level not in LEVELS:
        raise InvalidInput("unit.invalid_level", level=level)
    parent = unit_by_code(uow, parent_code) if parent_code else None
    if parent is not None and LEVELS.index(level) <= LEVELS.index(parent.level):
        raise InvalidInput("unit.invalid_parent", level=level, parent=parent.code)
    if uow.session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise InvalidInput("unit.exists", code=code)
    unit = Unit(code=code, name=name, level=level, parent_id=parent.id if parent else None)
    uow.session.add(unit)
    uow.session.flush()
    return _unit_view(unit, parent)


def create_role(uow: UnitOfWork, *, code: str, name: str) -> None:
    if uow.session.get(Role, code) is None:
        uow.session.add(Role(code=code, name=name))
        uow.session.flush()


def create_user(uow: UnitOfWork, *, username: str, full_name: str, password: str | None,
                clearance: int = 0, is_admin: bool = False, password_hash: str | None = None) -> User:
    """Add a user; ``password_hash`` lets a bulk load hash a shared demo password once."""
    if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput("user.exists", username=username)
    if not 0 <= clearance <= 3:
        raise InvalidInput("user.invalid_clearance", clearance=clearance)
    user = User(username=username, full_name=full_name, clearance=clearance, is_admin=is_admin,
                password_hash=password_hash or (hash_password(password) if password else None), active=True,
                created_at=uow.now)
    uow.session.add(user)
    uow.session.flush()
    return user


def assign_role(uow: UnitOfWork, *, username: str, role: str, unit_code: str, position: str | None = None) -> None:
    """Give a user a role in a unit from now on."""
    user = user_by_username(uow, username)
    if uow.session.get(Role, role) is None:
        raise InvalidInput("role.unknown", role=role)
    unit = unit_by_code(uow, unit_code)
    uow.session.add(RoleAssignment(user_id=user.id, role=role, unit_id=unit.id, position=position,
                                   valid_from=uow.now, valid_to=None))
    uow.session.flush()


def end_role(uow: UnitOfWork, *, username: str, role: str, unit_code: str) -> None:
    """End a role assignment now; the row stays, so audits can tell who held the role when."""
    user = user_by_username(uow, username)
    unit = unit_by_code(uow, unit_code)
    rows = uow.session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role == role, RoleAssignment.unit_id == unit.id,
        RoleAssignment.valid_to.is_(None))).all()
    if not rows:
        raise NotFound("role_assignment.not_found", username=username, role=role, unit=unit_code)
    for row in rows:
        row.valid_to = uow.now


def unit_by_code(uow: UnitOfWork, code: str) -> Unit:
    unit = uow.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound("unit.not_found", code=code)
    return unit


def user_by_username(uow: UnitOfWork, username: str) -> User:
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound("user.not_found", username=username)
    return user


def active_assignments(uow: UnitOfWork, user_ids: list[int] | None = None):
    query = select(RoleAssignment).where(RoleAssignment.valid_from <= uow.now,
                                         or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now))
    if user_ids is not None:
        query = query.where(RoleAssignment.user_id.in_(user_ids))
    return uow.session.scalars(query.order_by(RoleAssignment.id)).all()


def actor_for(uow: UnitOfWork, username: str) -> Actor:
    """The acting user with the roles they hold now."""
    user = user_by_username(uow, username)
    return _actor(uow, user)


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor:
    """Check a password; the same error for an unknown user and a wrong password."""
    user = uow.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password(user.password_hash, password):
        raise NotAllowed("auth.invalid_credentials")
    return _actor(uow, user)


def _actor(uow: UnitOfWork, user: User) -> Actor:
    roles = tuple(RoleHeld(role=a.role, unit_id=a.unit_id, unit_code=a.unit.code)
                  for a in active_assignments(uow, [user.id]))
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name, clearance=user.clearance,
                 is_admin=user.is_admin, roles=roles)


def list_users(uow: UnitOfWork) -> list[UserView]:
    users = uow.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username)).all()
    by_user: dict[int, list[dict]] = {}
    for a in active_assignments(uow, [u.id for u in users]):
        by_user.setdefault(a.user_id, []).append({"role": a.role, "unit": a.unit.code})
    return [UserView(username=u.username, name=u.full_name, clearance=u.clearance,
                     roles=tuple(by_user.get(u.id, []))) for u in users]


def list_units(uow: UnitOfWork) -> list[UnitView]:
    units = uow.session.scalars(select(Unit).order_by(Unit.code)).all()
    return [_unit_view(u, u.parent) for u in units]


def people_of(uow: UnitOfWork, unit_codes: Sequence[str] = (), *, min_clearance: int = 0) -> list[tuple[str, str]]:
    """(username, full name) of the people who hold a role now in one of the units or any unit under them
    (everyone who holds a role, without units), cleared at least ``min_clearance`` (a classified case's
    level): the choices of a form field that picks members."""
    assignments = [a for a in active_assignments(uow) if a.user.clearance >= min_clearance]
    if unit_codes:
        roots = {unit_by_code(uow, code).id for code in unit_codes}
        assignments = [a for a in assignments if roots & {u.id for u in ancestors(a.unit)}]
    people = {a.user.username: a.user.full_name for a in assignments if a.user.active}
    return sorted(people.items(), key=lambda item: (item[1].split()[-1], item[1]))


def known_roles(uow: UnitOfWork) -> set[str]:
    return set(uow.session.scalars(select(Role.code)).all())


def role_names(uow: UnitOfWork) -> dict[str, str]:
    return {r.code: r.name for r in uow.session.scalars(select(Role)).all()}


def ancestors(unit: Unit) -> list[Unit]:
    """The unit and its superiors, nearest first."""
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    return chain


def _unit_view(unit: Unit, parent: Unit | None) -> UnitView:
    return UnitView(id=unit.id, code=unit.code, name=unit.name, level=unit.level,
                    parent_code=parent.code if parent else None)
