#!/usr/bin/env bash
# Install quytrinh into .venv/ (and, with --test, everything the test suite needs).
#   scripts/install.sh          the application: Python packages, front-end assets
#   scripts/install.sh --test   plus PostgreSQL, Chromium, LibreOffice, SoftHSM2, openssl, test packages
# Safe to run again: each step only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

# Each package is installed only when its check fails (node and npm may come from elsewhere than
# Debian, e.g. NodeSource, and must not be replaced by Debian's).
declare -A checks=(
  [python3-venv]="python3 -m venv --help"
  [nodejs]="command -v node"
  [npm]="command -v npm"
)
if $want_test; then
  checks+=(
    [postgresql]="command -v pg_ctlcluster && ls /usr/lib/postgresql/*/bin/postgres"
    [chromium]="command -v chromium"
    [libreoffice-writer]="command -v soffice"
    [fonts-liberation]="fc-list | grep -qi 'Liberation Serif'"
    [poppler-utils]="command -v pdftotext"
    [softhsm2]="command -v softhsm2-util"
    [openssl]="command -v openssl"
  )
fi

missing=()
for package in "${!checks[@]}"; do
  bash -c "${checks[$package]}" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! Missing system packages: ${missing[*]} (install them as root, e.g. sudo apt-get install ${missing[*]})" >&2
  fi
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if $want_test; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi

if [[ -f package-lock.json ]]; then
  echo "==> npm ci (front-end assets, served locally)"
  npm ci --silent --no-audit --no-fund
  .venv/bin/python scripts/vendor_assets.py
fi
echo "==> installed: .venv/bin/quytrinh"
