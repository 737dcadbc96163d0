#!/usr/bin/env bash
# Install into .venv and open Berdaya on a fresh synthetic demo database. Used by README.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/berdaya --demo "$@"
