#!/usr/bin/env bash
# Install into .venv and open Berdaya on a fresh synthetic demo database. Used by README.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh gui
bash scripts/venv.sh
exec .venv/bin/berdaya --demo "$@"
