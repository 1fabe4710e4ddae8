"""Form fields that name people (``x-widget`` ``member``/``members``): checked against the organisation.

A picker only offers people; a crafted request (or a stale page) can send any text. So the engine
checks, in the step's transaction, that every name is an active user, and what the form asks of them:

* ``"x-holders-of": "ROLE"`` — each holds ROLE in the case's unit now (P1's introducers are party
  members of the applicant's cell);
* ``"x-not-self": true`` — the person filling the form does not name themselves (an applicant cannot
  introduce himself).

docs/designer.md lists the keywords; the refusals are field errors like any other.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from engine.errors import FieldError, InvalidFormData
from engine.models import RoleAssignment, Unit, User
from engine.services import organisation
from engine.uow import UnitOfWork
from engine.views import Actor

WIDGETS = ("member", "members")


def check(uow: UnitOfWork, schema: dict | None, data: dict, *, unit_id: int, actor: Actor) -> None:
    """:raises InvalidFormData: every wrong name, with its field; nothing of the step is kept."""
    errors: list[FieldError] = []
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, dict) or _widget(prop) not in WIDGETS or name not in data:
            continue
        value = data[name]
        usernames = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]
        errors.extend(_check_field(uow, name, prop, usernames, unit_id=unit_id, actor=actor))
    if errors:
        raise InvalidFormData(errors)


def _widget(prop: dict) -> str | None:
    items = prop.get("items")
    return prop.get("x-widget") or (items.get("x-widget") if isinstance(items, dict) else None)


def _check_field(uow: UnitOfWork, name: str, prop: dict, usernames: list[str], *, unit_id: int,
                 actor: Actor) -> list[FieldError]:
    title = prop.get("title") or name
    known = set(uow.session.scalars(select(User.username).where(User.username.in_(usernames),
                                                                User.active.is_(True))))
    role = prop.get("x-holders-of")
    holders = _holders(uow, role, unit_id, usernames) if role else set()
    errors = []
    for username in usernames:
        if username not in known:
            errors.append(FieldError(name, "x-member-unknown", title, {"username": username}))
        elif prop.get("x-not-self") and username == actor.username:
            errors.append(FieldError(name, "x-not-self", title, {"username": username}))
        elif role and username not in holders:
            unit = uow.session.get(Unit, unit_id)
            errors.append(FieldError(name, "x-holders-of", title, {
                "username": username, "role": organisation.role_names(uow).get(role, role), "unit": unit.name}))
    return errors


def _holders(uow: UnitOfWork, role: str, unit_id: int, usernames: list[str]) -> set[str]:
    return set(uow.session.scalars(
        select(User.username).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.username.in_(usernames), RoleAssignment.role == role, RoleAssignment.unit_id == unit_id,
               RoleAssignment.valid_from <= uow.now,
               or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > uow.now))))
