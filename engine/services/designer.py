"""The process designer's services: drafts edited in the browser modeler, files uploaded from other tools,
the versions of a procedure and the diff between two of them.

A draft is never run: deploying it goes through :func:`engine.services.definitions.deploy_bundle`, which
validates it exactly like ``quytrinh deploy`` and makes a new immutable version (running cases keep theirs).
Only process designers (role ``process_designer``, in any unit) and administrators may use these services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from sqlalchemy import func, select

from engine.dialects import GENERATED
from engine.errors import InvalidInput, NotAllowed, NotFound, StepConflict
from engine.models import Case, Definition, Draft
from engine.services import definitions, uploads
from engine.services.diff import BundleDiff, diff_bundles
from engine.spiff.parser import Bundle
from engine.uow import UnitOfWork
from engine.views import Actor, DefinitionView

DESIGNER_ROLE = "process_designer"
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class DraftView:
    id: int
    key: str
    name: str
    main_file: str
    base_version: int | None
    revision: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    deployed_version: int | None

    def as_json(self) -> dict:
        return {"id": self.id, "key": self.key, "name": self.name, "main": self.main_file,
                "base_version": self.base_version, "revision": self.revision, "updated_by": self.updated_by,
                "updated_at": self.updated_at.isoformat(), "deployed_version": self.deployed_version}


@dataclass(frozen=True)
class VersionView:
    """A deployed version with the cases that run on it."""

    definition: DefinitionView
    running: int
    cases: int


# Who may design ---------------------------------------------------------------------------------

def can_design(actor: Actor | None) -> bool:
    return actor is not None and (actor.is_admin or any(r.role == DESIGNER_ROLE for r in actor.roles))


def ensure_designer(actor: Actor) -> None:
    """:raises NotAllowed: ``designer.required`` unless the actor designs processes or administers."""
    if not can_design(actor):
        raise NotAllowed("designer.required")


# Drafts -----------------------------------------------------------------------------------------

def create_draft(uow: UnitOfWork, *, actor: Actor, key: str, name: str | None = None,
                 version: int | None = None) -> DraftView:
    """Start a draft from the latest (or given) deployed version of ``key`` (or return the actor's own
    undeployed draft of that version); or, when ``name`` is given and no version of ``key`` exists, from a
    small valid starter diagram (one lane, one step, two forms).

    :raises InvalidInput: a malformed key, a new procedure whose key is taken, a missing name.
    :raises NotFound: no such deployed version.
    """
    ensure_designer(actor)
    key = (key or "").strip()
    with uow:
        exists = uow.session.scalar(select(func.count(Definition.id)).where(Definition.key == key))
        if name is not None:
            name = " ".join(name.split())
            if not _KEY.match(key):
                raise InvalidInput("draft.invalid_key", key=key)
            if exists:
                raise InvalidInput("draft.key_exists", key=key)
            if not name:
                raise InvalidInput("draft.name_required")
            files, main, base = uploads.starter_files(key, name), f"{key}.bpmn", None
        else:
            row = definitions.latest_definition(uow, key, version=version)
            mine = uow.session.scalars(select(Draft).where(
                Draft.key == key, Draft.created_by == actor.username, Draft.base_version == row.version,
                Draft.deployed_version.is_(None)).order_by(Draft.updated_at.desc()).limit(1)).first()
            if mine is not None:   # the designer's unfinished draft of this version: open it again
                return _view(mine)
            files = {n: t for n, t in row.files.items() if not n.startswith(GENERATED)}
            main, name, base = row.main_file, row.name, row.version
        draft = _new_draft(uow, actor=actor, key=key, name=name, main=main, files=files, base=base)
        uow.commit()
        return _view(draft)


def create_draft_from_bundle(uow: UnitOfWork, *, actor: Actor, bundle: Bundle) -> DraftView:
    """Keep uploaded files as a draft, to open them in the modeler (valid or not).

    :raises InvalidInput: a bad file name, too many or too large files, no BPMN file.
    """
    ensure_designer(actor)
    uploads.check_files(bundle.main, bundle.files)
    key, name = uploads.process_of(bundle.files[bundle.main])
    with uow:
        base = uow.session.scalar(select(func.max(Definition.version)).where(Definition.key == key)) if key else None
        draft = _new_draft(uow, actor=actor, key=key or PurePosixPath(bundle.main).stem, name=name or bundle.main,
                           main=bundle.main, files=dict(bundle.files), base=base)
        uow.commit()
        return _view(draft)


def _new_draft(uow: UnitOfWork, *, actor: Actor, key: str, name: str, main: str, files: dict,
               base: int | None) -> Draft:
    draft = Draft(key=key[:128], name=name[:255], main_file=main, files=files, base_version=base, revision=1,
                  created_by=actor.username, created_at=uow.now, updated_by=actor.username, updated_at=uow.now)
    uow.session.add(draft)
    uow.session.flush()
    return draft


def save_draft(uow: UnitOfWork, *, draft_id: int, actor: Actor, main: str, files: dict[str, str],
               expected_revision: int) -> DraftView:
    """Replace a draft's files with the modeler's (validity is not required: a draft may be unfinished).

    :raises InvalidInput: a bad file name, too many or too large files, the main file missing.
    :raises StepConflict: ``draft.changed``: someone saved the draft since ``expected_revision``.
    :raises NotFound: no such draft.
    """
    ensure_designer(actor)
    uploads.check_files(main, files)
    with uow:
        draft = _draft_row(uow, draft_id)
        if draft.revision != expected_revision:
            raise StepConflict("draft.changed", by=draft.updated_by, revision=draft.revision)
        key, name = uploads.process_of(files[main])
        draft.files = dict(files)
        draft.main_file = main
        draft.key = (key or draft.key)[:128]
        draft.name = (name or draft.name)[:255]
        draft.revision += 1
        draft.updated_by = actor.username
        draft.updated_at = uow.now
        draft.deployed_version = None   # what is saved now is not what was deployed
        uow.commit()
        return _view(draft)


def get_draft(uow: UnitOfWork, draft_id: int, *, actor: Actor) -> tuple[DraftView, dict[str, str]]:
    """A draft and its files.

    :raises NotFound: no such draft.
    """
    ensure_designer(actor)
    with uow.reader() as reader:
        draft = _draft_row(reader, draft_id)
        return _view(draft), dict(draft.files)


def list_drafts(uow: UnitOfWork, *, actor: Actor, key: str | None = None) -> list[DraftView]:
    ensure_designer(actor)
    with uow.reader() as reader:
        query = select(Draft).order_by(Draft.updated_at.desc(), Draft.id.desc())
        if key is not None:
            query = query.where(Draft.key == key)
        return [_view(d) for d in reader.session.scalars(query).all()]


def delete_draft(uow: UnitOfWork, *, draft_id: int, actor: Actor) -> None:
    """:raises NotFound: no such draft."""
    ensure_designer(actor)
    with uow:
        uow.session.delete(_draft_row(uow, draft_id))
        uow.commit()


def deploy_draft(uow: UnitOfWork, *, draft_id: int, actor: Actor,
                 expected_revision: int | None = None) -> list[definitions.Deployed]:
    """Deploy a saved draft as a new version of its process(es); the draft records the version it became.

    :raises DefinitionInvalid: every problem (nothing deployed).
    :raises StepConflict: ``draft.changed``: the draft was saved again since ``expected_revision``.
    :raises NotFound: no such draft.
    """
    ensure_designer(actor)
    draft, files = get_draft(uow, draft_id, actor=actor)
    if expected_revision is not None and draft.revision != expected_revision:
        raise StepConflict("draft.changed", by=draft.updated_by, revision=draft.revision)
    deployed = definitions.deploy_bundle(uow, Bundle(main=draft.main_file, files=files), deployed_by=actor.username)
    with uow:
        row = _draft_row(uow, draft_id)
        if row.revision == draft.revision:   # not saved again meanwhile
            mine = next((d for d in deployed if d.key == row.key), deployed[0] if deployed else None)
            row.deployed_version = mine.version if mine else None
            if mine:
                row.key = mine.key
            uow.commit()
    return deployed


def validate_files(uow: UnitOfWork, *, actor: Actor, main: str, files: dict[str, str]) -> definitions.Validation:
    """Check files exactly as a deploy would, writing nothing.

    :raises InvalidInput: a bad file name, too many or too large files.
    :raises DefinitionInvalid: every problem, with file, line and element id.
    """
    ensure_designer(actor)
    uploads.check_files(main, files)
    return definitions.validate_bundle(uow, Bundle(main=main, files=dict(files)))


def deploy_upload(uow: UnitOfWork, *, actor: Actor, bundle: Bundle, replace: bool = False
                  ) -> list[definitions.Deployed]:
    """Deploy files uploaded from another tool (Camunda Modeler, bpmn.io...).

    A file whose process has the key of a deployed procedure would become that procedure's next version
    (what applicants open from then on): that needs ``replace``, the designer's explicit choice.

    :raises InvalidInput: a bad file name, too many or too large files; ``upload.replaces_existing``.
    :raises DefinitionInvalid: every problem (nothing deployed).
    """
    ensure_designer(actor)
    uploads.check_files(bundle.main, bundle.files)
    if not replace:
        existing = {d.key: d for d in definitions.list_definitions(uow, latest_only=True)}
        for key in definitions.validate_bundle(uow, bundle).keys:
            if key in existing and existing[key].sha256 != bundle.sha256:
                raise InvalidInput("upload.replaces_existing", key=key, name=existing[key].name,
                                   version=existing[key].version, next=existing[key].version + 1)
    return definitions.deploy_bundle(uow, bundle, deployed_by=actor.username)


def _draft_row(uow: UnitOfWork, draft_id: int) -> Draft:
    draft = uow.session.get(Draft, draft_id)
    if draft is None:
        raise NotFound("draft.not_found", draft=draft_id)
    return draft


def _view(d: Draft) -> DraftView:
    return DraftView(id=d.id, key=d.key, name=d.name, main_file=d.main_file, base_version=d.base_version,
                     revision=d.revision, created_by=d.created_by, created_at=d.created_at, updated_by=d.updated_by,
                     updated_at=d.updated_at, deployed_version=d.deployed_version)


# Versions and diffs -----------------------------------------------------------------------------

def list_versions(uow: UnitOfWork, *, actor: Actor, key: str) -> list[VersionView]:
    """Every deployed version of a procedure, newest first, with how many cases run on each.

    :raises NotFound: the procedure was never deployed.
    """
    ensure_designer(actor)
    with uow.reader() as reader:
        rows = reader.session.scalars(select(Definition).where(Definition.key == key)
                                      .order_by(Definition.version.desc())).all()
        if not rows:
            raise NotFound("definition.not_found", key=key, version="")
        counts = dict(reader.session.execute(
            select(Case.definition_id, func.count(Case.id)).where(Case.definition_id.in_([r.id for r in rows]))
            .group_by(Case.definition_id)).all())
        running = dict(reader.session.execute(
            select(Case.definition_id, func.count(Case.id))
            .where(Case.definition_id.in_([r.id for r in rows]), Case.status == "running")
            .group_by(Case.definition_id)).all())
        return [VersionView(definition=_definition_view(r), running=running.get(r.id, 0), cases=counts.get(r.id, 0))
                for r in rows]


def _definition_view(row: Definition) -> DefinitionView:
    return DefinitionView(id=row.id, key=row.key, name=row.name, version=row.version, sha256=row.sha256,
                          deployed_at=row.deployed_at, deployed_by=row.deployed_by)


def version_files(uow: UnitOfWork, *, actor: Actor, key: str,
                  version: int) -> tuple[DefinitionView, str, dict[str, str]]:
    """A deployed version, the name of its main BPMN file and its files.

    :raises NotFound: no such version.
    """
    ensure_designer(actor)
    with uow.reader() as reader:
        row = definitions.latest_definition(reader, key, version=version)
        return _definition_view(row), row.main_file, dict(row.files)


def diff_versions(uow: UnitOfWork, *, actor: Actor, key: str, old: int, new: int) -> BundleDiff:
    """What changed from version ``old`` to version ``new`` of a procedure.

    :raises NotFound: either version does not exist.
    """
    _, _, old_files = version_files(uow, actor=actor, key=key, version=old)
    _, _, new_files = version_files(uow, actor=actor, key=key, version=new)
    return diff_bundles(old_files, new_files)


def diff_draft(uow: UnitOfWork, *, actor: Actor, draft_id: int, version: int) -> BundleDiff:
    """What deploying a draft would change against a deployed version of its procedure."""
    draft, files = get_draft(uow, draft_id, actor=actor)
    _, _, old_files = version_files(uow, actor=actor, key=draft.key, version=version)
    return diff_bundles(old_files, files)


__all__ = ["DESIGNER_ROLE", "DraftView", "VersionView", "can_design", "ensure_designer", "create_draft",
           "create_draft_from_bundle", "save_draft", "get_draft", "list_drafts", "delete_draft", "deploy_draft",
           "validate_files", "deploy_upload", "list_versions", "version_files", "diff_versions", "diff_draft"]
