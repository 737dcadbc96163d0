#!/usr/bin/env bash
# Run every benchmark and print one table beside the raw baselines. Not part of the tests.
# The first run generates the city-scale demo database (~160,000 persons) into bench/.cache
# (or $BERDAYA_BENCH_CACHE); later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
[ -x .venv/bin/python ] && PY=.venv/bin/python
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$PY" -m bench.bench_search "$@"
echo
"$PY" -m bench.bench_startup
echo
"$PY" -m bench.bench_scan
echo
"$PY" -m bench.bench_import
echo
"$PY" -m bench.bench_export
echo
"$PY" -m bench.report
