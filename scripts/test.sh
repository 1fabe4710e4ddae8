#!/usr/bin/env bash
# Install everything (PostgreSQL, Chromium, LibreOffice, SoftHSM2, Python and npm packages) and run
# the whole test suite twice: on SQLite, then on PostgreSQL (a local server started here).
# Extra arguments go to pytest (e.g. scripts/test.sh -m "not slow" for a quicker local run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test

workers=${QUYTRINH_TEST_WORKERS:-2}
export PYTHONDONTWRITEBYTECODE=1
# Every outside program (openssl, LibreOffice, pdftotext, Chromium) was installed above: a test that finds one
# missing fails here instead of skipping (tests/tools.py).
export QUYTRINH_TEST_REQUIRE_TOOLS=1

echo "==> migrations agree with the models"
check_dir=$(mktemp -d)
QUYTRINH_DATA_DIR=$check_dir .venv/bin/quytrinh db upgrade >/dev/null
QUYTRINH_DATA_DIR=$check_dir .venv/bin/quytrinh db check
rm -rf "$check_dir"

echo "==> test suite on SQLite"
.venv/bin/python -m pytest -n "$workers" -p no:cacheprovider "$@"

echo "==> test suite on PostgreSQL"
pg_url=$(scripts/start_postgres.sh)
QUYTRINH_TEST_DATABASE_URL=$pg_url .venv/bin/python -m pytest -n "$workers" -p no:cacheprovider \
  -m "not browser" "$@"
echo "==> all tests passed on SQLite and PostgreSQL"
