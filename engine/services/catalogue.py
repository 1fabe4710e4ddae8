"""The catalogue of procedures an applicant may open: latest deployed versions with their start forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.errors import NotFound
from engine.services import assignments, definitions, organisation
from engine.spiff import parser
from engine.uow import UnitOfWork
from engine.views import UnitView


@dataclass(frozen=True)
class ProcedureView:
    key: str
    name: str
    version: int
    documentation: str
    classification: int
    start_form: dict | None = None

    def as_json(self) -> dict:
        return {"key": self.key, "name": self.name, "version": self.version,
                "classification": self.classification, "start_form": self.start_form}


def list_procedures(uow: UnitOfWork) -> list[ProcedureView]:
    """The latest version of every deployed process, by name."""
    with uow.reader() as reader:
        rows = [definitions.latest_definition(reader, d.key)
                for d in definitions.list_definitions(uow, latest_only=True)]
        return sorted((_view(r, with_form=False) for r in rows), key=lambda p: p.name)


def get_procedure(uow: UnitOfWork, key: str) -> ProcedureView:
    """The latest version of one process with its start form (JSON Schema).

    :raises NotFound: ``definition.not_found``.
    """
    with uow.reader() as reader:
        return _view(definitions.latest_definition(reader, key), with_form=True)


def _view(row, *, with_form: bool) -> ProcedureView:
    meta = row.meta
    form = parser.form_schema(row.files, meta.get("start_form")) if with_form else None
    return ProcedureView(key=row.key, name=row.name, version=row.version, documentation=meta.get("documentation", ""),
                         classification=int(meta.get("classification", 0) or 0), start_form=form)


def list_units(uow: UnitOfWork) -> list[UnitView]:
    """Every unit, parents before children (the order of the organisation tree)."""
    with uow.reader() as reader:
        units = organisation.list_units(reader)
    children: dict[str | None, list[UnitView]] = {}
    for unit in units:
        children.setdefault(unit.parent_code, []).append(unit)
    ordered: list[UnitView] = []

    def walk(parent: str | None) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.name):
            ordered.append(unit)
            walk(unit.code)

    walk(None)
    return ordered


def start_units(uow: UnitOfWork, key: str) -> list[UnitView]:
    """The units where a case of the process can be opened — someone there holds every role its steps in
    the case's own unit need (``assignments.units_able_to_open``) — in the order of the tree."""
    with uow.reader() as reader:
        able = assignments.units_able_to_open(reader, definitions.latest_definition(reader, key).meta)
    return [unit for unit in list_units(uow) if able is None or unit.id in able]


def ensure_unit(uow: UnitOfWork, code: str) -> None:
    if not any(u.code == code for u in list_units(uow)):
        raise NotFound("unit.not_found", code=code)


def form_choices(uow: UnitOfWork, *, unit_codes: Sequence[str] = (), units: list[UnitView] | None = None,
                 classification: int = 0) -> tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str], ...]]:
    """What a form's pickers offer: every unit of the tree as (code, name, level), and as (username, full
    name) the people of the given units and the units under them — for a step, the case's unit and the
    step's own (the commune's inspection committee picks its verification team for a case of a cell) —,
    everyone holding a role when no unit is given (a start form); only those cleared for the case's
    ``classification``."""
    units = units if units is not None else list_units(uow)
    with uow.reader() as reader:
        people = organisation.people_of(reader, unit_codes, min_clearance=classification)
    return tuple((u.code, u.name, u.level) for u in units), tuple(people)
