#!/usr/bin/env bash
# Create .venv (once) and install the project into it with the given extras, e.g. `test`.
# Usage: bash scripts/venv.sh [EXTRAS]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [ -n "${1:-}" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$1]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
