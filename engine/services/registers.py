"""Registration numbers (sổ đăng ký): the engine, not the clerk, numbers a form's register fields.

A field marked ``x-register`` (docs/registers.md) names a register of workflows/registers.py. When a
step's data enters the engine (a case opened, a task completed), the register fields the form requires
are numbered from the counter of (the unit the step is given to, the register — its secret counterpart for a
classified case —, the year in Vietnam), inside the step's own transaction: the number and the step
commit together or not at all, so the register has no gap and no duplicate however many clerks work at
once. The number is part of the step's recorded input, so a replay re-applies it and never counts.
"""

from __future__ import annotations

import copy
from typing import Mapping

from sqlalchemy import select

from engine import forms
from engine.deadlines import VIETNAM
from engine.errors import InvalidInput
from engine.models import RegisterCounter, Unit
from engine.services import steps
from engine.uow import UnitOfWork
from workflows import registers


def fill(uow: UnitOfWork, *, schema: dict | None, data: dict, unit_id: int, classification: int,
         current: Mapping | None = None, cache_key: object | None = None) -> dict:
    """Validate a step's data and number its register fields; returns the data to record.

    ``unit_id`` is the unit that keeps the register: the unit the step is given to (the commune's office
    issuing a cell's admission decision), the case's unit for a start form or a step given to a person.

    A register field the case's ``current`` data already holds keeps that value (a step that comes
    round again, such as a secret dispatch redone after a wrong envelope: one document, one entry).
    Fields naming the same register in one step share one number. The form is judged on the day of the
    step in Vietnam (``x-not-after: today``), from the engine's clock, so a replay judges it the same.

    :raises InvalidFormData: every wrong field, a value typed into a register field among them.
    :raises InvalidInput: ``register.cannot_number``: the register's format needs a document type or an
        issuer abbreviation the case does not give.
    """
    with forms.on_day(uow.now.astimezone(VIETNAM).date()):
        return _fill(uow, schema=schema, data=data, unit_id=unit_id, classification=classification,
                     current=current, cache_key=cache_key)


def _fill(uow: UnitOfWork, *, schema: dict | None, data: dict, unit_id: int, classification: int,
          current: Mapping | None, cache_key: object | None) -> dict:
    """:func:`fill` on the day its caller set."""
    if not forms.register_fields(schema):
        return forms.validate(schema, data, cache_key=cache_key)
    needed = forms.check_typed(schema, data, cache_key=cache_key)
    if not needed:
        return copy.deepcopy(data)
    current = current or {}
    context = {**current, **data}
    filled = dict(data)
    numbers: dict[str, int] = {}
    year = uow.now.astimezone(VIETNAM).year
    level = uow.session.scalar(select(Unit.level).where(Unit.id == unit_id))   # the issuer of "15-CV/ĐU"
    for field in sorted(needed, key=lambda f: f.register):   # one locking order for every step
        if current.get(field.name):
            filled[field.name] = current[field.name]
            continue
        register = registers.register_for(field.register, classification)
        if register.code not in numbers:
            numbers[register.code] = steps.next_value(uow, RegisterCounter, unit_id=unit_id,
                                                      register_code=register.code, year=year)
        try:
            filled[field.name] = registers.number_text(register, numbers[register.code], data=context,
                                                       unit_level=level, ordinal=field.ordinal,
                                                       document_type=field.document_type)
        except registers.CannotNumber as missing:
            raise InvalidInput("register.cannot_number", register=register.name, what=missing.what,
                               value=missing.value or "") from None
    return forms.validate(schema, filled, cache_key=cache_key)
