"""Frozen view objects: what services return to the CLI, the web app and tests.

No SQLAlchemy row and no SpiffWorkflow object leaves ``engine/``; these carry plain values and the
decisions a page needs (``can_claim``, ``can_complete``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

CLASSIFICATIONS = ("normal", "confidential", "secret", "top_secret")  # thường, mật, tối mật, tuyệt mật
STATUSES = ("running", "completed", "cancelled", "error")


@dataclass(frozen=True)
class RoleHeld:
    role: str
    unit_id: int
    unit_code: str


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the roles they hold now."""

    user_id: int
    username: str
    full_name: str
    clearance: int
    is_admin: bool
    roles: tuple[RoleHeld, ...] = ()

    def holds(self, role: str, unit_id: int) -> bool:
        return any(r.role == role and r.unit_id == unit_id for r in self.roles)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(r.unit_id for r in self.roles)


@dataclass(frozen=True)
class UnitView:
    id: int
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class UserView:
    username: str
    name: str
    clearance: int
    roles: tuple[dict, ...]

    def as_json(self) -> dict:
        return {"username": self.username, "name": self.name, "roles": list(self.roles)}


@dataclass(frozen=True)
class DefinitionView:
    id: int
    key: str
    name: str
    version: int
    sha256: str
    deployed_at: datetime
    deployed_by: str | None

    def as_json(self) -> dict:
        return {"key": self.key, "name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True)
class ReturnNotice:
    """A step sent the case back for supplement (its ``x-decision`` was ``return``): which step, who,
    when, and the reasons given (its fields marked ``x-reason``) as (field title, text)."""

    step: str
    decision: str
    reasons: tuple[tuple[str, str], ...]
    at: datetime
    actor: str | None
    actor_name: str | None
    tasks: tuple[str, ...]          # the tasks it opened (the steps the case was returned to)
    returned_to: tuple[str, ...] = ()     # the titles of those steps: who has to supplement it


@dataclass(frozen=True)
class TaskView:
    id: str
    case: str
    case_title: str
    process: str
    process_name: str
    element: str
    title: str
    role: str | None
    unit: str | None
    unit_name: str | None
    assignee: str | None
    candidate: str | None
    state: str
    created_at: datetime
    due_at: datetime | None
    classification: int
    applicant: str | None = None
    can_claim: bool = False
    can_complete: bool = False
    form: dict | None = None
    signature_required: bool = False
    decisions: tuple[str, ...] = ()
    instructions: str = ""
    case_version: int | None = None
    ended_at: datetime | None = None
    returned: ReturnNotice | None = None     # why the case came back to this step (get_task(with_return=True))

    def as_json(self, *, detail: bool = False) -> dict:
        data = {"id": self.id, "case": self.case, "element": self.element, "title": self.title,
                "role": self.role, "unit": self.unit, "assignee": self.assignee}
        if detail:
            data.update(form=self.form, signature_required=self.signature_required, state=self.state,
                        candidate=self.candidate, decisions=list(self.decisions), instructions=self.instructions,
                        due_at=_iso(self.due_at), created_at=_iso(self.created_at), process=self.process)
        return data


@dataclass(frozen=True)
class EventView:
    seq: int
    type: str
    at: datetime
    actor: str | None
    data: dict
    hash: str
    signed: bool = False

    def as_json(self) -> dict:
        return {"seq": self.seq, "type": self.type, "at": _iso(self.at), "actor": self.actor,
                "data": self.data, "hash": self.hash}


@dataclass(frozen=True)
class CaseView:
    number: str
    title: str
    process: str
    process_name: str
    version: int
    definition_sha256: str
    status: str
    unit: str
    unit_name: str
    classification: int
    data: dict
    started_at: datetime
    started_by: str | None
    ended_at: datetime | None
    due_at: datetime | None
    error: dict | None
    state_version: int
    open_tasks: tuple[TaskView, ...] = ()
    events: tuple[EventView, ...] = field(default=())

    def as_json(self) -> dict:
        return {"number": self.number, "process": self.process, "version": self.version, "status": self.status,
                "unit": self.unit, "data": self.data, "title": self.title, "classification": self.classification,
                "started_by": self.started_by, "started_at": _iso(self.started_at), "ended_at": _iso(self.ended_at),
                "error": self.error, "open_tasks": [t.as_json() for t in self.open_tasks],
                "events": [e.as_json() for e in self.events]}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    from engine.clock import iso
    return iso(moment)


__all__ = [name for name in dir() if name.endswith("View")] + ["Actor", "RoleHeld", "asdict"]
