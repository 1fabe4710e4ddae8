"""Fixtures of the engine tests: the ``quytrinh`` command line run as a real process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CA_PASSPHRASE, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
QUYTRINH = str(ROOT / ".venv/bin/quytrinh")


@pytest.fixture
def cli(settings):
    """Run ``quytrinh`` on the test database; ``ok=True`` asserts exit 0. Never a traceback."""
    env = {**os.environ, "QUYTRINH_DATABASE_URL": settings.resolved_database_url,
           "QUYTRINH_DATA_DIR": settings.data_dir, "QUYTRINH_DEMO_PASSWORD": DEMO_PASSWORD,
           "QUYTRINH_CA_PASSPHRASE": CA_PASSPHRASE}

    def run(*args, ok=True):
        result = subprocess.run([QUYTRINH, *args], env=env, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in result.stderr + result.stdout
        if ok:
            assert result.returncode == 0, result.stderr
        return result
    return run
