"""Print one table of the latest benchmark results (bench/.cache/results/*.json) with ratios."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.common import CACHE_DIR

Row = tuple[str, str, str, str, str, str]
# The import and export benchmarks report both clocks: results field, label.
_CLOCKS = (("seconds", "wall"), ("cpu", "CPU"))


def _row(
    label: str,
    ours: float,
    base: float,
    unit: str,
    *,
    digits: int = 2,
    ratio: float | None = None,
    ratio_digits: int = 1,
    target: str = "",
    met: bool | None = None,
) -> Row:
    """One line of the table: Berdaya's figure beside the baseline's, their ratio (computed unless
    the results file has it), the target and whether it was met (blank where there is none)."""
    shown = ours / base if ratio is None else ratio
    verdict = "" if met is None else "met" if met else "MISSED"
    return (
        label,
        f"{ours:.{digits}f} {unit}",
        f"{base:.{digits}f} {unit}",
        f"{shown:.{ratio_digits}f}x",
        target,
        verdict,
    )


def _results(folder: Path, name: str) -> dict | None:
    """A benchmark's latest results file, None where it has not been run."""
    path = folder / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main() -> int:
    folder = CACHE_DIR / "results"
    rows: list[Row] = []
    if s := _results(folder, "search"):
        svc, raw = s["stats_ms"]["service"], s["stats_ms"]["raw_fts"]
        cpu_svc, cpu_raw = s["cpu_stats_ms"]["service"], s["cpu_stats_ms"]["raw_fts"]
        target = f"<= {s['target_p95_ms']:g} ms"
        rows += [
            _row("search p95 / keystroke (wall)", svc["p95"], raw["p95"], "ms",
                 ratio=s["ratio_p95"], target=target, met=s["met"]),
            _row("search p95 / keystroke (CPU)", cpu_svc["p95"], cpu_raw["p95"], "ms",
                 ratio=s["cpu_ratio_p95"], target=target, met=s["cpu_met"]),
            _row("search p50 / keystroke (wall)", svc["p50"], raw["p50"], "ms"),
        ]  # fmt: skip
    if t := _results(folder, "startup"):
        app, base = t["app"], t["baseline"]
        target = f"<= {t['target_s']:g} s"
        rows += [
            _row("start-up to usable (wall, median)", app["median_wall_s"],
                 base["median_wall_s"], "s", ratio=t["ratio_wall"], target=target,
                 met=app["median_wall_s"] <= t["target_s"]),
            _row("start-up, first run (cold db file)", app["first_wall_s"],
                 base["first_wall_s"], "s", target=target,
                 met=app["first_wall_s"] <= t["target_s"]),
            _row("start-up CPU (median)", app["median_cpu_s"], base["median_cpu_s"], "s",
                 ratio=t["ratio_cpu"], target=target, met=t["met_time_cpu"]),
            _row("resident memory when usable", app["max_rss_mb"], base["max_rss_mb"], "MB",
                 digits=0, target=f"<= {t['target_rss_mb']:g} MB", met=t["met_rss"]),
        ]  # fmt: skip
    if c := _results(folder, "scan"):
        svc, raw = c["stats_ms"]["service"], c["stats_ms"]["raw_fresh_file"]
        same = c["stats_ms"]["raw_same_file"]
        rows += [
            _row(f"scan -> durable receipt p95 ({c['roster']:,} roster)", svc["p95"],
                 raw["p95"], "ms", target=f"<= {c['target_p95_ms']:g} ms",
                 met=svc["p95"] <= c["target_p95_ms"]),
            _row("scan -> receipt p95 vs raw in the same file", svc["p95"], same["p95"], "ms"),
            ("scan -> receipt CPU per scan", f"{c['service_cpu_ms_per_scan']:.2f} ms",
             "", "", "", ""),
        ]  # fmt: skip
    if m := _results(folder, "import"):
        r = m["results"]
        for key, label in _CLOCKS:
            app = r["import"][key]
            plain = r["read"][key] + r["plain"][key]
            floor = r["read"][key] + r["floor"][key]
            rows += [
                _row(f"import {m['rows']:,} rows xlsx vs read+plain insert ({label})", app,
                     plain, "s", target=f"<= {m['target']:g}x",
                     met=app / plain <= m["target"]),
                _row(f"import vs read+indexed insert+change log ({label})", app, floor, "s"),
            ]  # fmt: skip
    if e := _results(folder, "export"):
        r = e["results"]
        for key, label in _CLOCKS:
            ratio = r["export"][key] / r["raw"][key]
            rows.append(
                _row(f"export {e['rows']:,} persons xlsx vs raw XlsxWriter ({label})",
                     r["export"][key], r["raw"][key], "s", ratio_digits=2,
                     target=f"<= {e['target']:g}x", met=ratio <= e["target"])
            )  # fmt: skip
    if not rows:
        print("No results yet: run bench/run.sh.", file=sys.stderr)
        return 1
    header = ("benchmark", "Berdaya", "baseline", "ratio", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
