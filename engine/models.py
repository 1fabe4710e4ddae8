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


class RegisterCounter(Base):
    """Per unit, register and year counter behind registration numbers (sổ đăng ký; docs/registers.md)."""

    __tablename__ = "register_counters"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    register_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """One process instance (hồ sơ). ``state`` is SpiffWorkflow's JSON without the spec."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_timer_due", "next_timer_due", postgresql_where=text("status = 'running'"),
              sqlite_where=text("status = 'running'")),
        Index("ix_cases_unit_status", "unit_id", "status"),
        Index("ix_cases_open_token", "open_token", unique=True),
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
    #: The token of the form that opened the case: the same form sent twice opens it once (migration 0008).
    open_token: Mapped[str | None] = mapped_column(String(64))
    #: A classified case of a need-to-know process: only the users in ``case_access`` may see it.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    # Steps read the definition through the immutable process cache (definitions.record), never by
    # loading this row: its files are large. The relationship is for views.
    definition: Mapped[Definition] = relationship(lazy="select")
    unit: Mapped[Unit] = relationship(lazy="joined")
    started_by: Mapped[User | None] = relationship(lazy="select")

    __mapper_args__ = {"version_id_col": version}


class CaseAccess(Base):
    """Who may see a restricted (need-to-know) case now; recomputed by every step of the case."""

    __tablename__ = "case_access"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)


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
    #: ``actor`` is indexed for the auditors' search by who acted (migration 0006).
    __table_args__ = (UniqueConstraint("case_id", "seq"), Index("ix_case_events_actor", "actor", "case_id"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: Detached CMS signature over the canonical JSON of ``data.signed`` (the decision) for signed steps
    #: (docs/signatures.md); empty otherwise.
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


# Signatures and documents (issues 4 and 5) ---------------------------------------------------

class Authority(Base):
    """One certificate authority of the installation (``root`` or ``issuing``), its key sealed under
    ``QUYTRINH_CA_PASSPHRASE``. The issuing CA also holds the CRL it last published."""

    __tablename__ = "certificate_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))             # root | issuing
    subject: Mapped[str] = mapped_column(String(255))
    certificate_pem: Mapped[str] = mapped_column(Text)
    sealed_key: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))           # of the certificate's DER
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    crl_number: Mapped[int] = mapped_column(Integer, default=0)
    crl_der: Mapped[bytes | None] = mapped_column(LargeBinary)
    crl_this_update: Mapped[datetime | None] = mapped_column(UTCDateTime)
    crl_next_update: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SigningKey(Base):
    """A signing key pair: sealed under the holder's PIN (``software``), on a PKCS#11 token (``pkcs11``,
    only labels are stored), or the engine's own key sealed under the CA passphrase (``system``)."""

    __tablename__ = "user_keys"
    __table_args__ = (Index("ix_user_keys_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    storage: Mapped[str] = mapped_column(String(16))          # software | pkcs11 | system
    sealed_key: Mapped[str | None] = mapped_column(Text)
    token_label: Mapped[str | None] = mapped_column(String(64))
    key_label: Mapped[str | None] = mapped_column(String(128))
    public_key_pem: Mapped[str] = mapped_column(Text)
    public_key_sha256: Mapped[str] = mapped_column(String(64))  # of the SubjectPublicKeyInfo DER
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))   # the P11 case that made it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PinCounter(Base):
    """Wrong PINs in a row for one software key; written in a transaction of its own, so a step that
    rolls back cannot reset it (signatures/pin.py)."""

    __tablename__ = "pin_counters"

    key_id: Mapped[int] = mapped_column(ForeignKey("user_keys.id"), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Certificate(Base):
    """A certificate the issuing CA issued; ``serial`` is upper-case hex (up to 159 bits: text, not BIGINT).

    A user certificate signs once activated and until revoked or expired; ``kind = 'system'`` is the
    engine's own certificate (checkpoints, organisation seals)."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_user", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))             # user | system
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    key_id: Mapped[int] = mapped_column(ForeignKey("user_keys.id"))
    authority_id: Mapped[int] = mapped_column(ForeignKey("certificate_authorities.id"))
    subject_name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    position: Mapped[str | None] = mapped_column(String(255))
    certificate_pem: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))           # of the certificate's DER
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str | None] = mapped_column(String(64))
    issue_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(32))
    invalid_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


class Document(Base):
    """One version of a generated document of a case (never overwritten: a re-render adds a version).

    The bytes live in the attachments' blob store under their sha256; ``signature`` is the detached CMS
    (``.p7s``) over them when the step was signed (``signature_kind = 'person'``) or sealed with the
    engine's certificate (``'seal'``)."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("case_id", "key", "version"), Index("ix_documents_case", "case_id", "event_seq"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    element: Mapped[str] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(36))
    event_seq: Mapped[int] = mapped_column(Integer)           # the journal event that produced it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str | None] = mapped_column(String(255))
    signer_position: Mapped[str | None] = mapped_column(String(255))
    signer_title: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signature_kind: Mapped[str | None] = mapped_column(String(16))    # person | seal
    certificate_serial: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


# Designer ---------------------------------------------------------------------------------------

class Draft(Base):
    """A procedure being edited in the designer: its files as last saved, not deployed (and not run).

    Deploying a draft makes a new immutable :class:`Definition` version; the draft keeps the number of the
    version it became. ``revision`` grows by one per save, so an editor holding an older revision cannot
    overwrite a colleague's save."""

    __tablename__ = "designer_drafts"
    __table_args__ = (Index("ix_designer_drafts_key", "key", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    main_file: Mapped[str] = mapped_column(String(255))
    #: {file name: text}, as in :attr:`Definition.files`
    files: Mapped[dict] = mapped_column(JSONType)
    base_version: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_version: Mapped[int | None] = mapped_column(Integer)


# Auditor: signed checkpoints, access log, electronic archive (migration 0006, docs/audit.md) ------

class Checkpoint(Base):
    """A signed statement of journal heads, append-only: one case's whole chain when it ends
    (``kind = 'case'``), or every chain that grew since it was last covered (``'daily'``).

    ``body`` is the canonical JSON the system certificate signed (``signature``, detached CMS); the
    checkpoints form a chain of their own (``seq``, ``prev`` = sha256 of the previous body), so a removed
    checkpoint is noticed too."""

    __tablename__ = "journal_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(16))                  # case | daily
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    day: Mapped[str | None] = mapped_column(String(10))            # local date (Asia/Ho_Chi_Minh) of a daily one
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    entries: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str] = mapped_column(String(64))
    certificate_serial: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class CheckpointEntry(Base):
    """One chain covered by a checkpoint: the case, how many events, the hash of the last (append-only)."""

    __tablename__ = "checkpoint_entries"
    __table_args__ = (Index("ix_checkpoint_entries_case", "case_id", "events"),)

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("journal_checkpoints.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))


class AccessLogEntry(Base):
    """One read of a case, a search or a dossier by someone (append-only): who, when, what."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_user_at", "user_id", "at"),
                      Index("ix_access_log_case_at", "case_id", "at"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    case_number: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))               # ok | denied
    channel: Mapped[str] = mapped_column(String(16))               # web | cli | api
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSONType)


class ArchiveRecord(Base):
    """A closed case filed in the electronic archive (hồ sơ lưu trữ điện tử), append-only.

    The dossier (ZIP, docs/audit.md) is stored in the blob store under ``dossier_sha256``; ``body`` is the
    canonical JSON of the record that the system certificate sealed (``signature``)."""

    __tablename__ = "archive_records"
    __table_args__ = (Index("ix_archive_records_unit_year", "unit_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    case_number: Mapped[str] = mapped_column(String(32))
    file_code: Mapped[str] = mapped_column(String(96), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    process_key: Mapped[str] = mapped_column(String(128))
    unit_code: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    classification: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))                # the case's: completed | cancelled
    retention: Mapped[str] = mapped_column(String(16))             # P10Y, permanent
    retain_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filed_by: Mapped[str] = mapped_column(String(64))
    dossier_sha256: Mapped[str] = mapped_column(String(64))
    dossier_size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    body: Mapped[str] = mapped_column(Text)
    certificate_serial: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
