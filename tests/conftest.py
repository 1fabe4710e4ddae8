"""Fixtures for every test: a real database (SQLite by default, PostgreSQL with
``QUYTRINH_TEST_DATABASE_URL``), the schema from Alembic, the demo organisation, a frozen clock.

SQLite: the schema and demo data are built once per session into a template file that each test
copies. PostgreSQL: each xdist worker gets its own database, truncated and reloaded per test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import demo, migrate
from engine.clock import FixedClock
from engine.db import engine_for
from engine.models import Base
from engine.services import definitions
from engine.settings import Settings
from engine.uow import UnitOfWork
from tests.people import People

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PASSWORD = "mat-khau-thu-nghiem"
DEMO_PIN = "246810"
CA_PASSPHRASE = "test-ca-passphrase"
LOADED_AT = datetime(2026, 1, 5, 1, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)   # 08:00 in Hà Nội
PG_URL = os.environ.get("QUYTRINH_TEST_DATABASE_URL")


def pytest_report_header(config):
    return f"quytrinh database: {'PostgreSQL ' + _redact(PG_URL) if PG_URL else 'SQLite (temporary files)'}"


def _redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (seeds, corpus, domain notes). CI always has it; a user's own clone may not."""
    if not SHARED.is_dir():
        pytest.skip(f"skipped: {SHARED} is absent (the shared materials are not part of this clone)")
    return SHARED


def _pg_database(action: str, name: str) -> None:
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if action == "create":
            connection.execute(text(f'create database "{name}"'))
        else:
            connection.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


def _run_database_name() -> str:
    """One database per xdist worker and run, so parallel runs on one server never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)[:8]
    return f"{make_url(PG_URL).database}_{worker}_{run}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """SQLite: path of a migrated database holding the demo data. PostgreSQL: the worker's URL, migrated."""
    if PG_URL:
        name = _run_database_name()
        _pg_database("create", name)
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(Settings(database_url=url))
        yield url
        engine_for(url).dispose()
        _pg_database("drop", name)
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    settings = Settings(database_url=f"sqlite:///{path}", demo_pin=DEMO_PIN, ca_passphrase=CA_PASSPHRASE)
    migrate.upgrade(settings)
    demo.load(UnitOfWork(settings, clock=FixedClock(LOADED_AT)), password=DEMO_PASSWORD)
    engine_for(settings.resolved_database_url).dispose()
    yield path


@pytest.fixture
def settings(tmp_path, database_template) -> Settings:
    common = dict(data_dir=str(tmp_path / "data"), demo_password=DEMO_PASSWORD, demo_pin=DEMO_PIN,
                  secret_key="test-secret-key", ca_passphrase=CA_PASSPHRASE)
    if PG_URL:
        url = database_template
        engine = engine_for(url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"truncate {tables} restart identity cascade"))
        definitions.forget_cached()   # ids restart: cached definitions of the previous test are gone
        result = Settings(database_url=url, **common)
        demo.load(UnitOfWork(result, clock=FixedClock(LOADED_AT)), password=DEMO_PASSWORD)
        yield result
        return
    db = tmp_path / "quytrinh.sqlite3"
    shutil.copy(database_template, db)
    result = Settings(database_url=f"sqlite:///{db}", **common)
    yield result
    engine_for(result.resolved_database_url).dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def uow(settings, clock) -> UnitOfWork:
    return UnitOfWork(settings, clock=clock)


@pytest.fixture
def people(uow) -> People:
    return People(uow)
