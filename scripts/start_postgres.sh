#!/usr/bin/env bash
# Start a local PostgreSQL for the test suite and print its URL (idempotent: cluster already online,
# role or database already there are fine). Recipe: ../shared/notes/machine-setup.md.
set -euo pipefail
role=${QT_PG_ROLE:-qt}
password=${QT_PG_PASSWORD:-qt}
database=${QT_PG_DATABASE:-qt_test}
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "online"; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='$role'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role $role login password '$password' superuser\"" >&2
su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$database'\"" | grep -q 1 \
  || su postgres -c "createdb -O $role $database" >&2
echo "postgresql+psycopg://$role:$password@127.0.0.1:5432/$database"
