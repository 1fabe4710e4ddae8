"""RepositoryService: validate and deploy BPMN bundles as immutable, hash-identified versions."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import DefinitionInvalid, NotFound, Problem
from engine.models import Definition
from engine.services import organisation
from engine.spiff import parser
from engine.uow import UnitOfWork
from engine.views import DefinitionView


@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    sha256: str
    new: bool


@dataclass(frozen=True)
class Validation:
    """What a valid bundle would deploy, and what the rewrite of a file from another tool did to it."""

    keys: list[str]
    notes: list[Problem]


def validate_file(uow: UnitOfWork, path: str | Path) -> list[str]:
    """Check a BPMN file (with its forms) without deploying it; returns the process keys it would deploy.

    :raises DefinitionInvalid: every problem, with file, line and element id.
    """
    return validate_bundle(uow, parser.bundle_from_path(path)).keys


def validate_bundle(uow: UnitOfWork, bundle: parser.Bundle) -> Validation:
    """Check files held in memory (the modeler's current diagram) exactly as a deploy would; writes nothing.

    :raises DefinitionInvalid: every problem, with file, line and element id.
    """
    try:
        with uow.reader() as reader:
            roles = organisation.known_roles(reader)
    except SQLAlchemyError:  # no database yet: check everything but the role names
        roles = set()
    processes = parser.parse_bundle(bundle, known_roles=roles or None, functions=uow.script_engine.functions)
    notes = [Problem(**n) for n in (processes[0].meta.get("notes", []) if processes else [])]
    return Validation(keys=[p.key for p in processes], notes=notes)


def deploy_file(uow: UnitOfWork, path: str | Path, *, deployed_by: str | None = None) -> list[Deployed]:
    return deploy_bundle(uow, parser.bundle_from_path(path), deployed_by=deployed_by)


def deploy_bundle(uow: UnitOfWork, bundle: parser.Bundle, *, deployed_by: str | None = None) -> list[Deployed]:
    """Deploy every executable process of a bundle as a new version, unless the latest version of that
    process already has the same files (then that version is returned). All or nothing.

    :raises DefinitionInvalid: the bundle was refused; nothing was written.
    """
    sha256 = bundle.sha256
    with uow:
        roles = organisation.known_roles(uow)
        processes = parser.parse_bundle(bundle, known_roles=roles or None, functions=uow.script_engine.functions)
        results = []
        for process in processes:
            latest = _latest_row(uow, process.key)
            if latest is not None and latest.sha256 == sha256:
                results.append(Deployed(process.key, latest.version, sha256, new=False))
                continue
            version = (latest.version if latest else 0) + 1
            # Forms generated from another tool's formData are stored beside the original files (they do not
            # count in the sha256, and re-parsing the originals makes them again: engine/dialects.py).
            files = {**bundle.files, **process.generated_files}
            uow.session.add(Definition(key=process.key, version=version, name=process.name, sha256=sha256,
                                       files=files, main_file=bundle.main, meta=process.meta,
                                       deployed_at=uow.now, deployed_by=deployed_by))
            results.append(Deployed(process.key, version, sha256, new=True))
        uow.session.flush()
        uow.commit()
    return results


@dataclass(frozen=True)
class DefinitionRecord:
    """A deployed version as plain, immutable values, cached per process: definitions never change
    after deploy, so no step needs to load a definition row (and its files) from the database."""

    id: int
    key: str
    version: int
    name: str
    sha256: str
    files: MappingProxyType
    main_file: str
    meta: MappingProxyType
    _forms: dict = field(default_factory=dict, compare=False, repr=False)

    def element(self, element_id: str) -> dict:
        return self.meta["elements"].get(element_id, {})

    def form(self, name: str | None) -> dict | None:
        """A form's JSON Schema by file name (parsed once)."""
        if not name:
            return None
        if name not in self._forms:
            self._forms[name] = json.loads(self.files[name])
        return self._forms[name]

    def task_form(self, element_id: str) -> dict | None:
        return self.form(self.element(element_id).get("form"))

    def form_schemas(self) -> list[dict]:
        """The process's forms (start form, then the steps') and its computed variables' schema
        (``dataSchemaFilename``), each once."""
        names = [self.meta.get("start_form"), *(m.get("form") for m in self.meta["elements"].values()),
                 self.meta.get("data_schema")]
        return [self.form(name) or {} for name in dict.fromkeys(names) if name and name in self.files]

    def field_schemas(self) -> dict[str, dict]:
        """Every field of the process's forms and of its computed variables: name -> its JSON Schema (the
        first form that defines it)."""
        fields: dict[str, dict] = {}
        for schema in self.form_schemas():
            for key, prop in (schema.get("properties") or {}).items():
                if isinstance(prop, dict):
                    fields.setdefault(key, prop)
        return fields


_RECORDS: "OrderedDict[tuple[str, int], DefinitionRecord]" = OrderedDict()
_RECORDS_LOCK = threading.Lock()
_RECORDS_SIZE = 512


def record(uow: UnitOfWork, definition_id: int) -> DefinitionRecord:
    """The immutable record of a deployed version, from the process cache or loaded once."""
    key = (uow.engine.url.render_as_string(hide_password=True), definition_id)
    with _RECORDS_LOCK:
        found = _RECORDS.get(key)
        if found is not None:
            return found
    row = uow.session.get(Definition, definition_id)
    if row is None:
        raise NotFound("definition.not_found", key=str(definition_id), version="")
    loaded = DefinitionRecord(id=row.id, key=row.key, version=row.version, name=row.name, sha256=row.sha256,
                              files=MappingProxyType(dict(row.files)), main_file=row.main_file,
                              meta=MappingProxyType(dict(row.meta)))
    with _RECORDS_LOCK:
        _RECORDS[key] = loaded
        while len(_RECORDS) > _RECORDS_SIZE:
            _RECORDS.popitem(last=False)
    return loaded


def forget_cached() -> None:
    """Empty the process cache: only for a database whose definitions were deleted (test truncation)."""
    with _RECORDS_LOCK:
        _RECORDS.clear()


def _latest_row(uow: UnitOfWork, key: str) -> Definition | None:
    return uow.session.scalars(select(Definition).where(Definition.key == key)
                               .order_by(Definition.version.desc()).limit(1)).first()


def latest_definition(uow: UnitOfWork, key: str, *, version: int | None = None) -> Definition:
    """The row of the latest (or the given) version of a process, within the caller's unit of work."""
    query = select(Definition).where(Definition.key == key)
    row = (uow.session.scalars(query.where(Definition.version == version)).first() if version is not None
           else _latest_row(uow, key))
    if row is None:
        raise NotFound("definition.not_found", key=key, version=version or "")
    return row


def list_definitions(uow: UnitOfWork, *, latest_only: bool = False) -> list[DefinitionView]:
    with uow.reader() as reader:
        query = select(Definition).order_by(Definition.key, Definition.version)
        if latest_only:
            newest = select(Definition.key, func.max(Definition.version).label("v")).group_by(Definition.key).subquery()
            query = query.join(newest, (Definition.key == newest.c.key) & (Definition.version == newest.c.v))
        return [_view(d) for d in reader.session.scalars(query).all()]


def get_definition(uow: UnitOfWork, key: str, version: int | None = None) -> tuple[DefinitionView, dict, dict]:
    """A definition's view, its files and its metadata (for diagrams, forms and diffs)."""
    with uow.reader() as reader:
        row = latest_definition(reader, key, version=version)
        return _view(row), dict(row.files), dict(row.meta)


def _view(d: Definition) -> DefinitionView:
    return DefinitionView(id=d.id, key=d.key, name=d.name, version=d.version, sha256=d.sha256,
                          deployed_at=d.deployed_at, deployed_by=d.deployed_by)


__all__ = ["Deployed", "DefinitionInvalid", "Validation", "validate_file", "validate_bundle", "deploy_file",
           "deploy_bundle", "latest_definition",
           "list_definitions", "get_definition"]
