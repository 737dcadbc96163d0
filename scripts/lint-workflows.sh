#!/usr/bin/env bash
# Lint the GitHub Actions workflows offline: actionlint (syntax, expressions, runner labels,
# deprecated actions) and zizmor (security: unpinned actions, template injection, credential
# persistence, cache poisoning). Exits non-zero on any finding. Needs no network and no token.
# Usage: bash scripts/lint-workflows.sh   (BIN=/path/to/venv/bin to use other tools)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
for tool in actionlint zizmor; do
    [ -x "$BIN/$tool" ] || { echo "lint-workflows: $BIN/$tool missing (pip install -e '.[lint]')" >&2; exit 2; }
done
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
[ "${#workflows[@]}" -gt 0 ] || { echo "lint-workflows: no workflow files" >&2; exit 2; }
"$BIN/actionlint" -no-color "${workflows[@]}"
# --offline: no GitHub API calls (no token read); the audits that need the API are skipped.
env -u GH_TOKEN -u GITHUB_TOKEN -u ZIZMOR_GITHUB_TOKEN \
    "$BIN/zizmor" --offline --no-progress --color never "${workflows[@]}"
echo "lint-workflows: ${#workflows[@]} workflow(s) clean"
