#!/usr/bin/env bash
# Install into .venv and run the whole test suite plus the lint. Used by README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/ruff check desktop_app tests $([ -d bench ] && echo bench)
.venv/bin/python -m pytest -q "$@"
