"""Form fields that name people (``x-widget`` ``member``/``members``) or a party unit (``x-widget`` ``unit``):
checked against the organisation.

A picker only offers people or units; a crafted request (or a stale page) can send any text. So the engine
checks, in the step's transaction, that every name is an active user, and what the form asks of them:

* ``"x-holders-of": "ROLE"`` — each holds ROLE in the case's unit now (P1's introducers are party
  members of the applicant's cell);
* ``"x-not-self": true`` — the person filling the form does not name themselves (an applicant cannot
  introduce himself);

and that a unit code names a unit, of ``x-unit-level`` when the field has one, where ``x-unit-where`` says
it must lie relative to the case's unit (a transfer "inside the commune" goes to another cell of that
commune: a commune chosen there would give the receiving step to a cell secretary nobody can be).

docs/designer.md lists the keywords; the refusals are field errors like any other.
"""

from __future__ import annotations

from typing import Callable

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
        if not isinstance(prop, dict) or name not in data:
            continue
        value = data[name]
        if _widget(prop) in WIDGETS:
            usernames = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]
            errors.extend(_check_field(uow, name, prop, usernames, unit_id=unit_id, actor=actor))
        elif _widget(prop) == "unit" and isinstance(value, str) and value:
            errors.extend(_check_unit(uow, name, prop, value, data, unit_id=unit_id))
    if errors:
        raise InvalidFormData(errors)


def checked(uow: UnitOfWork, schema: dict | None, data: dict, *, unit_id: int, actor: Actor,
            fill: Callable[[], dict]) -> dict:
    """``fill()`` (the form's own rules and its register numbers), then :func:`check` on what it returns.
    When the form refuses the data, what the organisation refuses of the same data is said too: a person
    sees every wrong field at once, not one kind after the other.

    :raises InvalidFormData: every wrong field of either kind."""
    try:
        clean = fill()
    except InvalidFormData as refused:
        try:
            check(uow, schema, data if isinstance(data, dict) else {}, unit_id=unit_id, actor=actor)
        except InvalidFormData as also:
            named = {error.field for error in refused.errors}
            raise InvalidFormData([*refused.errors, *(e for e in also.errors if e.field not in named)]) from None
        raise
    check(uow, schema, clean, unit_id=unit_id, actor=actor)
    return clean


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


def _check_unit(uow: UnitOfWork, name: str, prop: dict, code: str, data: dict, *, unit_id: int) -> list[FieldError]:
    title = prop.get("title") or name
    unit = _unit(uow, code)
    if unit is None:
        return [FieldError(name, "x-unit-unknown", title, {"code": code})]
    rule = where_rule(prop.get("x-unit-where"), data)
    level = rule.get("level") or prop.get("x-unit-level")
    if level and unit.level != level:
        return [FieldError(name, "x-unit-level", title, {"unit": unit.name, "unit_level": level})]
    chain = organisation.ancestors(unit)
    case_chain = organisation.ancestors(uow.session.get(Unit, unit_id))
    ours = {u.level: u for u in case_chain}
    if rule.get("within") in ours and ours[rule["within"]] not in chain:
        return [FieldError(name, "x-unit-within", title, {"unit": unit.name, "other": ours[rule["within"]].name})]
    if rule.get("outside") in ours and ours[rule["outside"]] in chain:
        return [FieldError(name, "x-unit-outside", title, {"unit": unit.name, "other": ours[rule["outside"]].name})]
    mine = case_chain[0] if rule.get("not") == "case" else ours.get(rule.get("not"))
    if mine is not None and unit.id == mine.id:
        return [FieldError(name, "x-unit-not", title, {"unit": unit.name})]
    inner = _unit(uow, data.get(rule.get("contains"))) if rule.get("contains") else None
    if inner is not None and unit not in organisation.ancestors(inner):
        return [FieldError(name, "x-unit-contains", title, {"unit": unit.name, "other": inner.name})]
    return []


def where_rule(where: object, data: dict) -> dict:
    """The rule of ``x-unit-where`` for this data: the rule itself, or, with ``"by": FIELD``, the rule
    named by that field's value (none when the value names none)."""
    if not isinstance(where, dict):
        return {}
    if "by" in where:
        chosen = where.get(str(data.get(where["by"])))
        return chosen if isinstance(chosen, dict) else {}
    return where


def _unit(uow: UnitOfWork, code: object) -> Unit | None:
    return uow.session.scalar(select(Unit).where(Unit.code == code)) if isinstance(code, str) and code else None
