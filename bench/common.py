"""Shared helpers for the benchmarks: the cached city-scale database, percentiles, and the
child-process steps of the import and export benchmarks."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("BERDAYA_BENCH_CACHE", Path(__file__).parent / ".cache"))
CITY_SEED = 2025
# A fixed reference date keeps the cached database identical wherever it is regenerated.
CITY_TODAY = date(2026, 1, 5)


def city_db() -> Path:
    """The city-scale demo database (~160,000 persons), generated once into the cache."""
    path = CACHE_DIR / f"city-seed{CITY_SEED}.sqlite"
    if path.exists():
        _upgrade(path)
        return path
    from desktop_app.services.demo import DemoOptions, generate_demo

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.sqlite")
    for leftover in CACHE_DIR.glob(partial.name + "*"):
        leftover.unlink()
    print(f"Generating the city-scale database into {path} …", file=sys.stderr)
    started = time.perf_counter()
    summary = generate_demo(
        partial, DemoOptions(scale="city", seed=CITY_SEED, today=CITY_TODAY, accounts=False)
    )
    _checkpoint(partial)
    partial.rename(path)
    print(
        f"  {summary['persons']} persons, {summary['households']} households in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return path


def _upgrade(path: Path) -> None:
    """Bring a database cached by an older version to the current schema once: the benchmarks
    open it read-only, which refuses a file that needs an upgrade."""
    from desktop_app.storage.migrations import CURRENT_VERSION

    conn = sqlite3.connect(path)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    if version >= CURRENT_VERSION:
        return
    from desktop_app.services.context import open_app

    print(f"Upgrading {path.name} from schema {version} to {CURRENT_VERSION} …", file=sys.stderr)
    open_app(path).close()
    _checkpoint(path)


def _checkpoint(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(pct / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


# Made-up name parts for synthetic persons.
FIRST = ["SITI", "BUDI", "AHMAD", "DEWI", "SRI", "AGUS", "EKO", "NUR", "RINA", "JOKO", "ANI"]
LAST = ["RAHAYU", "SANTOSO", "WIBOWO", "LESTARI", "HIDAYAT", "SETIAWAN", "PURNOMO", "WATI"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, step: str, *args: str) -> dict:
    """Run the benchmark `script` (a bench/ file) as `-m bench.NAME --child step *args` in a fresh
    process from the repository root, so it imports the app and bench.common as the parent does;
    its last stdout line is the result."""
    proc = subprocess.run(
        [sys.executable, "-m", f"bench.{Path(script).stem}", "--child", step, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best_run(runs: list[dict]) -> dict:
    """The fastest run by wall time, with the least CPU and the highest peak RSS of all runs."""
    best = min(runs, key=lambda r: r["seconds"])
    best["cpu"] = min(r["cpu"] for r in runs)
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def remove_sqlite(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


# The person columns the import and export benchmarks write straight into the schema.
PERSON_COLUMNS = (
    "id", "nik", "name", "sex", "birth_place", "birth_date", "street", "rt", "rw",
    "kelurahan_code", "created_at", "updated_at", "deleted", "hlc", "status",
)  # fmt: skip


def insert_persons(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Insert person rows (in PERSON_COLUMNS order) in the caller's transaction, the trigram
    search index filled in one statement afterwards as the app's bulk path does, instead of
    row by row through the insert trigger."""
    from desktop_app.storage import search

    trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND name='person_fts_ai'"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER person_fts_ai")
    conn.executemany(
        f"INSERT INTO person ({', '.join(PERSON_COLUMNS)})"
        f" VALUES ({','.join('?' * len(PERSON_COLUMNS))})",
        rows,
    )
    conn.execute(
        "INSERT INTO person_fts(rowid, body) SELECT p.rowid, "
        + search._BODY.format(p="p")
        + " FROM person p"
    )
    conn.execute(trigger)


class Stopwatch:
    """Wall-clock and CPU time since it was made: what every measured step reports."""

    def __init__(self) -> None:
        self.start, self.cpu = time.perf_counter(), time.process_time()

    def result(self, **extra: object) -> dict:
        return {
            "seconds": time.perf_counter() - self.start,
            "cpu": time.process_time() - self.cpu,
            **extra,
        }


def file_bench_args(results_name: str, *child_paths: str) -> argparse.Namespace:
    """The options of the file benchmarks (import, export): size, repeats, results file, and the
    `--child STEP` a measured step runs as, with the paths it is given (`child_paths`)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=160_000)
    parser.add_argument("--repeat", type=int, default=2)
    results = CACHE_DIR / "results" / f"{results_name}.json"
    parser.add_argument("--json", type=Path, default=results, help="results file")
    parser.add_argument("--child")
    for name in child_paths:
        parser.add_argument(f"--{name}")
    return parser.parse_args()


def report_child(result: dict) -> None:
    """A child step's answer to `run_child`: its result and its own peak RSS, as the last line."""
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
