"""Shared helpers for the benchmarks: the cached city-scale database and percentiles."""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

CACHE_DIR = Path(os.environ.get("BERDAYA_BENCH_CACHE", Path(__file__).parent / ".cache"))
CITY_SEED = 2025
# A fixed reference date keeps the cached database identical wherever it is regenerated.
CITY_TODAY = date(2026, 1, 5)


def city_db() -> Path:
    """The city-scale demo database (~160,000 persons), generated once into the cache."""
    path = CACHE_DIR / f"city-seed{CITY_SEED}.sqlite"
    if path.exists():
        return path
    from desktop_app.services.demo import DemoOptions, generate_demo

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.sqlite")
    for leftover in CACHE_DIR.glob(partial.name + "*"):
        leftover.unlink()
    print(f"Generating the city-scale database into {path} …", file=sys.stderr)
    started = time.perf_counter()
    summary = generate_demo(partial, DemoOptions(scale="city", seed=CITY_SEED, today=CITY_TODAY))
    _checkpoint(partial)
    partial.rename(path)
    print(
        f"  {summary['persons']} persons, {summary['households']} households in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return path


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
