#!/usr/bin/env bash
# Install into .venv and open Berdaya on a fresh synthetic demo database. Used by README.
# The demo database has one account per role (desktop_app/services/demo_accounts.py); the app
# opens logged in as the demo administrator. Passwords: admin/demo-admin,
# operator/demo-operator, lapangan/demo-lapangan, peksos/demo-peksos, pimpinan/demo-pimpinan.
# The command line on it (the file is berdaya-demo/berdaya-demo.sqlite in the temp folder):
#   echo demo-operator | .venv/bin/berdaya --db /tmp/berdaya-demo/berdaya-demo.sqlite \
#     --user operator --password-stdin round list
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh gui
bash scripts/venv.sh
exec .venv/bin/berdaya --demo "$@"
