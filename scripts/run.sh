#!/usr/bin/env bash
# Install everything and run quytrinh on its embedded default: SQLite in instance/, the demo
# organisation and users, every procedure under bpmn/ deployed, at http://127.0.0.1:5000.
# Demo mode only: the demo password, PIN and CA passphrase below are for the demo data and nothing else
# (a PIN such as 123456 is refused by the PIN policy: no runs of digits).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh

export QUYTRINH_DEMO=${QUYTRINH_DEMO:-true}
export QUYTRINH_DEMO_PASSWORD=${QUYTRINH_DEMO_PASSWORD:-demo2026}
export QUYTRINH_DEMO_PIN=${QUYTRINH_DEMO_PIN:-246810}
export QUYTRINH_CA_PASSPHRASE=${QUYTRINH_CA_PASSPHRASE:-demo-ca-passphrase-not-for-real-use}
export QUYTRINH_DATA_DIR=${QUYTRINH_DATA_DIR:-$PWD/instance}
host=${QUYTRINH_HOST:-127.0.0.1}
port=${QUYTRINH_PORT:-5000}

.venv/bin/quytrinh db upgrade
.venv/bin/quytrinh demo load
.venv/bin/quytrinh worker &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT INT TERM
echo "==> quytrinh: http://$host:$port  (demo users: see README; password: $QUYTRINH_DEMO_PASSWORD; signing PIN: $QUYTRINH_DEMO_PIN)"
.venv/bin/quytrinh serve --host "$host" --port "$port"
