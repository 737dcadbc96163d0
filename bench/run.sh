#!/usr/bin/env bash
# Run every benchmark and print one table beside the raw baselines (bench/report.py: issue 17's
# rows, project / baseline / ratio / target, CPU time beside wall time). Not part of the tests.
# The first run generates the city-scale demo database (~160,000 persons) into bench/.cache
# (or $BERDAYA_BENCH_CACHE); later runs reuse it. Each benchmark writes its JSON results into
# the cache's results/ folder; the report reads them from there.
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
"$PY" -m bench.bench_documents
echo
"$PY" -m bench.bench_encryption
echo
RESULTS=${BERDAYA_BENCH_CACHE:-bench/.cache}/results
mkdir -p "$RESULTS"
# bench_sync prints its results as JSON on stdout (--json); keep them for the report.
"$PY" -m bench.bench_sync --json | tee "$RESULTS/sync.json.partial"
mv "$RESULTS/sync.json.partial" "$RESULTS/sync.json"
echo
"$PY" -m bench.report
