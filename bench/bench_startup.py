"""Cold start to a usable main window on the city database, and resident memory.

Each sample is a fresh interpreter running bench/startup_driver.py, which does what
`berdaya --db X` does and reports when the window is usable: painted, with the Registri tab's
first page of persons on screen (QT_QPA_PLATFORM=offscreen). The baseline is the same
interpreter importing PySide6 and showing an empty QMainWindow. The first sample of each kind
runs with the database file evicted from the operating system's page cache (posix_fadvise), the
closest to a cold start that does not disturb other programs; later samples are warm.

    python -m bench.bench_startup [--runs 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import CACHE_DIR, city_db

TARGET_S = 2.0
TARGET_RSS_MB = 300.0


def evict(path: Path) -> bool:
    """Drop one file's pages from the OS page cache (Linux); False where unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return True


def sample(db: Path, baseline: bool) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "bench.startup_driver"]
    cmd += ["--baseline"] if baseline else ["--db", str(db)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, env=env, cwd=Path(__file__).parent.parent, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wall = time.perf_counter() - started  # process launch to usable, as the clerk sees it
    proc.wait(timeout=60)
    result = json.loads(line)
    result["wall_s"] = wall
    return result


def run(runs: int) -> dict:
    db = city_db()
    results: dict[str, list[dict]] = {"app": [], "baseline": []}
    cold: dict[str, bool] = {}
    for i in range(runs):
        for kind in ("baseline", "app"):
            if i == 0:
                cold[kind] = evict(db)
            results[kind].append(sample(db, kind == "baseline"))

    def stats(kind: str) -> dict:
        rows = results[kind]
        walls = [r["wall_s"] for r in rows]
        return {
            "first_wall_s": walls[0],
            "median_wall_s": statistics.median(walls),
            "max_wall_s": max(walls),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in rows),
            "median_rss_mb": statistics.median(r["rss_mb"] for r in rows),
            "max_rss_mb": max(r["rss_mb"] for r in rows),
            "marks_first": rows[0]["marks"],
            "marks_median": {
                k: statistics.median(r["marks"][k] for r in rows if k in r["marks"])
                for k in rows[0]["marks"]
            },
            "cpu_marks_median": {
                k: statistics.median(r["cpu_marks"][k] for r in rows if k in r["cpu_marks"])
                for k in rows[0]["cpu_marks"]
            },
        }

    app, base = stats("app"), stats("baseline")
    return {
        "database": str(db),
        "runs": runs,
        "cold_first_sample": cold,
        "load_average": os.getloadavg()[0],
        "app": app,
        "baseline": base,
        "rows_shown": results["app"][0].get("rows_shown"),
        "ratio_wall": app["median_wall_s"] / base["median_wall_s"],
        "ratio_cpu": app["median_cpu_s"] / base["median_cpu_s"],
        "target_s": TARGET_S,
        "target_rss_mb": TARGET_RSS_MB,
        "met_time": app["max_wall_s"] <= TARGET_S,
        "met_time_cpu": app["median_cpu_s"] <= TARGET_S,
        "met_rss": app["max_rss_mb"] <= TARGET_RSS_MB,
        "samples": results,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, default=CACHE_DIR / "results" / "startup.json")
    args = parser.parse_args()
    result = run(args.runs)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    app, base = result["app"], result["baseline"]
    print(
        f"start-up of the city database, {result['runs']} runs "
        f"(first one with the database evicted from the page cache; load average "
        f"{result['load_average']:.1f})"
    )
    for name, s in (("app", app), ("baseline", base)):
        print(
            f"  {name:<9} first {s['first_wall_s']:5.2f} s  median {s['median_wall_s']:5.2f} s  "
            f"max {s['max_wall_s']:5.2f} s  CPU {s['median_cpu_s']:5.2f} s  "
            f"RSS {s['median_rss_mb']:6.1f} MB (max {s['max_rss_mb']:.1f})"
        )
    marks = "  ".join(f"{k} {v:.2f}" for k, v in app["marks_median"].items())
    print(f"  app phases, wall s since interpreter start (median): {marks}")
    marks = "  ".join(f"{k} {v:.2f}" for k, v in app["cpu_marks_median"].items())
    print(f"  app phases, process CPU s (median):                {marks}")
    verdict = {True: "met", False: "MISSED"}
    print(
        f"  ratio app / baseline: wall {result['ratio_wall']:.1f}x, CPU {result['ratio_cpu']:.1f}x;"
        f" target <= {TARGET_S:g} s: wall {verdict[result['met_time']]}, "
        f"CPU {verdict[result['met_time_cpu']]}; RSS <= {TARGET_RSS_MB:g} MB: "
        f"{verdict[result['met_rss']]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
