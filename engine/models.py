"""SQLAlchemy 2 tables of the engine. The schema itself is created by Alembic (engine/migrations).

Rows are private to ``engine/``: services hand out frozen view dataclasses (engine/views.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


# Organisation ---------------------------------------------------------------------------------

class Unit(Base):
    """A party organisation: central, province, commune/ward or cell (no district since 1/7/2025)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    parent: Mapped["Unit | None"] = relationship(remote_side="Unit.id", lazy="joined", join_depth=4)


class Role(Base):
    """A role code that lanes may name (e.g. ``cell_secretary``), with its Vietnamese label."""

    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Highest classification the user may see: 0 thường, 1 mật, 2 tối mật, 3 tuyệt mật.
    clearance: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoleAssignment(Base):
    """A user holds a role in a unit between two moments (kept after it ends, for audits)."""

    __tablename__ = "role_assignments"
    __table_args__ = (Index("ix_role_assignments_role_unit", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[str | None] = mapped_column(String(255))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")


# Definitions ----------------------------------------------------------------------------------

class Definition(Base):
    """One deployed, immutable version of a process: its files are stored verbatim with their hash."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("key", "version"), Index("ix_definitions_key_sha256", "key", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    #: {file name: text}; the main BPMN file first in ``main_file``.
    files: Mapped[dict] = mapped_column(JSONType)
    main_file: Mapped[str] = mapped_column(String(255))
    #: What quytrinh read from the files: per element titles, assignment, forms, flags.
    meta: Mapped[dict] = mapped_column(JSONType)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(64))


# Cases ----------------------------------------------------------------------------------------

class CaseSequence(Base):
    """Per prefix and year counter behind human case numbers such as ``KN-2026-000123``."""

    __tablename__ = "case_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """One process instance (hồ sơ). ``state`` is SpiffWorkflow's JSON without the spec."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_timer_due", "next_timer_due", postgresql_where=text("status = 'running'"),
              sqlite_where=text("status = 'running'")),
        Index("ix_cases_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16))
    classification: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    next_timer_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ``{"code", "params", "action"}`` of the failure that put the case in ``error``.
    error: Mapped[dict | None] = mapped_column(JSONType)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))

    # Steps read the definition through the immutable process cache (definitions.record), never by
    # loading this row: its files are large. The relationship is for views.
    definition: Mapped[Definition] = relationship(lazy="select")
    unit: Mapped[Unit] = relationship(lazy="joined")
    started_by: Mapped[User | None] = relationship(lazy="select")

    __mapper_args__ = {"version_id_col": version}


class Task(Base):
    """Projection of one READY human task of a case, kept after it ends for history and inbox queries."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_role_unit", "role", "unit_id", postgresql_where=text("state = 'ready'"),
              sqlite_where=text("state = 'ready'")),
        Index("ix_tasks_open_candidate", "candidate_user_id", postgresql_where=text("state = 'ready'"),
              sqlite_where=text("state = 'ready'")),
        Index("ix_tasks_open_assignee", "assignee_id", postgresql_where=text("state = 'ready'"),
              sqlite_where=text("state = 'ready'")),
        Index("ix_tasks_case_state", "case_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    element: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    candidate_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")
    candidate_user: Mapped[User | None] = relationship(foreign_keys=[candidate_user_id], lazy="raise")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="raise")


class CaseEvent(Base):
    """One immutable journal entry; ``body`` is the canonical JSON that ``hash`` covers."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: Detached CMS signature over ``body`` for signed steps (signatures issue); empty otherwise.
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


# Web application support (issue 4) -----------------------------------------------------------

class LoginAttempt(Base):
    """One failed password check, kept for a while to throttle guessing across every web worker."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),
                      Index("ix_login_attempts_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A file attached to a case; the bytes live under ``data_dir/attachments`` named by their sha256."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_case", "case_id", "uploaded_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """A message for one user inside the application (new task, returned dossier, approaching deadline)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),
                      UniqueConstraint("user_id", "task_id", "kind"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal API token; only its sha256 is stored (the token itself is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
