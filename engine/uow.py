"""The unit of work: one database transaction, one clock reading, one script engine.

Every state change of quytrinh happens inside ``with uow:`` and ends in exactly one ``commit()``;
leaving the block without it rolls everything back (cosmicpython, chapter 6). On SQLite a writing
unit of work takes the write lock up front (engine/db.py), on PostgreSQL the case row is locked
``FOR UPDATE`` and its version column checked on write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock, SystemClock
from engine.db import engine_for, is_sqlite
from engine.settings import Settings
from engine.spiff.script_engine import SafeScriptEngine


class UnitOfWork:
    """A reusable factory of transactions: ``with uow: ...; uow.commit()``.

    :param readonly: a reading unit of work never takes SQLite's write lock.
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None, readonly: bool = False,
                 functions: dict[str, Callable] | None = None, engine: Engine | None = None,
                 script_engine: SafeScriptEngine | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.engine = engine or engine_for(settings.resolved_database_url)
        self.readonly = readonly
        bind = self.engine
        if is_sqlite(self.engine) and not readonly:
            bind = self.engine.execution_options(sqlite_immediate=True)
        self._sessions = sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)
        if functions is None:
            from workflows.functions import FUNCTIONS
            functions = FUNCTIONS
        # A subclass may be given (the simulator's branch oracle); it is still the safe engine.
        self.script_engine = script_engine or SafeScriptEngine(functions, timeout_ms=settings.script_timeout_ms)
        self.session: Session | None = None
        self.now: datetime | None = None
        self._depth = 0

    def reader(self) -> "UnitOfWork":
        """A read-only sibling sharing settings, clock and engine."""
        return UnitOfWork(self.settings, clock=self.clock, readonly=True, engine=self.engine,
                          functions=self.script_engine.functions)

    def __enter__(self) -> "UnitOfWork":
        if self.session is not None:
            raise RuntimeError("a unit of work is not re-entrant; finish the current step first")
        self.session = self._sessions()
        self.now = self.clock.now()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.rollback()
        finally:
            self.session.close()
            self.session = None
            self.now = None

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"
