#!/usr/bin/env bash
# Install into .venv and run the whole test suite plus the lint. Used by README and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
bash scripts/system-deps.sh test
bash scripts/venv.sh test,lint
.venv/bin/ruff check desktop_app tests bench
bash scripts/lint-workflows.sh  # actionlint + zizmor (offline) over .github/workflows
.venv/bin/mypy  # domain, storage, services, documents (pyproject.toml [tool.mypy])
.venv/bin/python -m pytest -q "$@"
