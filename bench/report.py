"""Print the latest benchmark results (bench/.cache/results/*.json) as one table: Berdaya beside
its raw baseline and their ratio, CPU time beside wall time, and the target.

The first block is issue 17's table, row by row; the targets there are about CPU time (what the
work costs; on a shared machine wall time also counts the wait for a core), so "met"/"MISSED"
judges the CPU column. The second block holds the other benchmarks' figures.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import CACHE_DIR

# Issue 17's targets. A results file may carry an older issue's target; this table holds every
# row to the issue's.
SEARCH_P95_MS = 2.0
SCAN_P95_MS = 1.0
IMPORT_RATIO = 2.0
IMPORT_RSS_RATIO = 1.5
RECEIPTS_S = 15.0
LIST_RATIO = 1.1
BUNDLE_S = 0.5
BUNDLE_RECEIPTS = 8000


@dataclass(frozen=True)
class Figure:
    """One clock's measurement: Berdaya's value and its baseline's (None where there is none)."""

    ours: float
    base: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.ours / self.base if self.base else None


@dataclass(frozen=True)
class Line:
    label: str
    unit: str
    cpu: Figure | None
    wall: Figure | None
    target: str = ""
    met: bool | None = None
    digits: int = 2


Cells = tuple[str, ...]
HEADER: Cells = (
    "work",
    "CPU Berdaya",
    "baseline",
    "ratio",
    "wall Berdaya",
    "baseline",
    "ratio",
    "target (CPU)",
    "",
)


def _cells(line: Line) -> Cells:
    def clock(f: Figure | None) -> list[str]:
        if f is None:
            return ["-", "", ""]
        base = "-" if f.base is None else f"{f.base:.{line.digits}f} {line.unit}"
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}x"
        return [f"{f.ours:.{line.digits}f} {line.unit}", base, ratio]

    verdict = "" if line.met is None else "met" if line.met else "MISSED"
    return (line.label, *clock(line.cpu), *clock(line.wall), line.target, verdict)


def _results(folder: Path, name: str) -> dict | None:
    """A benchmark's latest results file, None where it has not been run (or is unreadable)."""
    path = folder / f"{name}.json"
    try:
        return json.loads(path.read_text()) if path.exists() else None
    except (OSError, ValueError):
        return None


def _missing(label: str, command: str, target: str) -> Line:
    return Line(f"{label} — not run ({command})", "", None, None, target)


# --- issue 17, row by row ------------------------------------------------------------------------


def search_lines(s: dict) -> list[Line]:
    """The keystroke's page (`search_page`, 100 rows as issue 17 measured it, and the Registri
    tab's 50) beside the FTS5 query for the same page; older result files have `service`."""
    stats, cpu = s["stats_ms"], s["cpu_stats_ms"]
    raw_name = "raw_fts_page" if "raw_fts_page" in stats else "raw_fts"
    rows = [("service_page", "search p95 / keystroke (100 rows) vs FTS5 page query")]
    rows.append(("service_page_tab", "same, the Registri tab's keystroke (50 rows)"))
    if "service_page" not in stats:
        rows = [("service", "search p95 / keystroke vs FTS5 query")]
    lines = []
    for name, label in rows:
        if name not in stats:
            continue
        lines.append(
            Line(
                label,
                "ms",
                Figure(cpu[name]["p95"], cpu[raw_name]["p95"]),
                Figure(stats[name]["p95"], stats[raw_name]["p95"]),
                f"<= {SEARCH_P95_MS:g} ms",
                cpu[name]["p95"] <= SEARCH_P95_MS,
            )
        )
    return lines


def scan_lines(c: dict) -> list[Line]:
    svc, same = c["stats_ms"]["service"], c["stats_ms"]["raw_same_file"]
    label = f"scan -> receipt p95 ({c['roster']:,}) vs 1-row insert"
    target = f"<= {SCAN_P95_MS:g} ms"
    if cpu := c.get("cpu_stats_ms"):  # per-scan CPU percentiles, where the benchmark records them
        cpu_svc = cpu["service"]["p95"]
        base = cpu.get("raw_same_file", {}).get("p95")
        return [
            Line(
                label,
                "ms",
                Figure(cpu_svc, base),
                Figure(svc["p95"], same["p95"]),
                target,
                cpu_svc <= SCAN_P95_MS,
            )
        ]
    # Older results: CPU only as a mean per scan; judge the wall p95 then.
    return [
        Line(label, "ms", None, Figure(svc["p95"], same["p95"]), target + " (wall)",
             svc["p95"] <= SCAN_P95_MS),
        Line("  scan CPU per scan (mean)", "ms", Figure(c["service_cpu_ms_per_scan"]), None),
    ]  # fmt: skip


def import_lines(m: dict) -> list[Line]:
    r = m["results"]

    def both(key: str) -> Figure:
        return Figure(r["import"][key], r["read"][key] + r["plain"][key])

    cpu = both("cpu")
    # The baseline's memory is that of its larger step (each step runs in its own process).
    rss_base = max(r["read"]["peak_rss_mb"], r["plain"]["peak_rss_mb"])
    rss = Figure(r["import"]["peak_rss_mb"], rss_base)
    return [
        Line(
            f"import {m['rows']:,}-row xlsx vs read + executemany",
            "s",
            cpu,
            both("seconds"),
            f"<= {IMPORT_RATIO:g}x",
            (cpu.ratio or 0) <= IMPORT_RATIO,
        ),
        Line(
            "  same, peak RSS (memory, not time)",
            "MB",
            rss,
            None,
            f"<= {IMPORT_RSS_RATIO:g}x",
            (rss.ratio or 0) <= IMPORT_RSS_RATIO,
            digits=0,
        ),
    ]


def receipts_lines(d: dict) -> list[Line]:
    rec = d.get("receipts")
    if not rec:
        return [_missing("receipts in one PDF", "bench.bench_documents", f"<= {RECEIPTS_S:g} s")]
    count = d["receipt_count"]
    cpu = rec["berdaya_cpu_s"]
    target_count = rec.get("target_receipts", 7716)
    return [
        Line(
            f"{count:,} receipts in one PDF vs plain canvas",
            "s",
            Figure(cpu, rec["baseline_cpu_s"]),
            Figure(rec["berdaya_wall_s"], rec["baseline_wall_s"]),
            f"<= {RECEIPTS_S:g} s"
            + ("" if count == target_count else f" at {target_count:,}, pro rata"),
            cpu / count * target_count <= RECEIPTS_S,
            digits=1,
        )
    ]


def list_lines(d: dict) -> list[Line]:
    lst = d["list"]
    return [
        Line(
            f"daftar penerimaan {d['rows']:,} rows vs chunked RL",
            "s",
            Figure(lst["berdaya_cpu_s"], lst["baseline_cpu_s"]),
            Figure(lst["berdaya_wall_s"], lst["baseline_wall_s"]),
            f"<= {LIST_RATIO:g}x",
            lst["ratio_cpu"] <= LIST_RATIO,
        )
    ]


def sync_lines(y: dict) -> list[Line]:
    count = y["receipts"]
    return [
        Line(
            f"return bundle {count:,} receipts vs executemany",
            "s",
            Figure(y["import_cpu_s"], y["raw_cpu_s"]),
            Figure(y["import_wall_s"], y["raw_wall_s"]),
            f"<= {BUNDLE_S:g} s"
            + ("" if count == BUNDLE_RECEIPTS else f" at {BUNDLE_RECEIPTS:,}, pro rata"),
            y["import_cpu_s"] / count * BUNDLE_RECEIPTS <= BUNDLE_S,
            digits=3,
        ),
        Line(
            "  re-import of the same bundle",
            "s",
            Figure(y["reimport_cpu_s"]),
            Figure(y["reimport_wall_s"]),
            digits=3,
        ),
    ]


# (results file, lines, command to produce it, label and target when it is missing)
ISSUE_ROWS: list[tuple[str, Callable[[dict], list[Line]], str, str, str]] = [
    ("search", search_lines, "bench.bench_search", "search p95", f"<= {SEARCH_P95_MS:g} ms"),
    ("scan", scan_lines, "bench.bench_scan", "scan -> receipt p95", f"<= {SCAN_P95_MS:g} ms"),
    ("import", import_lines, "bench.bench_import", "import xlsx", f"<= {IMPORT_RATIO:g}x"),
    ("documents", receipts_lines, "bench.bench_documents", "receipts", f"<= {RECEIPTS_S:g} s"),
    ("documents", list_lines, "bench.bench_documents", "daftar penerimaan", f"<= {LIST_RATIO:g}x"),
    ("sync", sync_lines, "bench.bench_sync", "return bundle", f"<= {BUNDLE_S:g} s"),
]


# --- the other benchmarks ------------------------------------------------------------------------


def other_lines(folder: Path) -> list[Line]:
    lines: list[Line] = []
    if t := _results(folder, "startup"):
        app, base = t["app"], t["baseline"]
        target = f"<= {t['target_s']:g} s"
        lines += [
            Line("start-up to usable (median)", "s",
                 Figure(app["median_cpu_s"], base["median_cpu_s"]),
                 Figure(app["median_wall_s"], base["median_wall_s"]), target,
                 t["met_time_cpu"]),
            Line("  first run (cold database file)", "s", None,
                 Figure(app["first_wall_s"], base["first_wall_s"]), target + " (wall)",
                 app["first_wall_s"] <= t["target_s"]),
            Line("  resident memory when usable", "MB",
                 Figure(app["max_rss_mb"], base["max_rss_mb"]), None,
                 f"<= {t['target_rss_mb']:g} MB", t["met_rss"], digits=0),
        ]  # fmt: skip
    if m := _results(folder, "import"):
        r = m["results"]
        lines.append(
            Line("import vs read + indexed insert + change log", "s",
                 Figure(r["import"]["cpu"], r["read"]["cpu"] + r["floor"]["cpu"]),
                 Figure(r["import"]["seconds"], r["read"]["seconds"] + r["floor"]["seconds"]))
        )  # fmt: skip
    if e := _results(folder, "export"):
        r = e["results"]
        cpu = Figure(r["export"]["cpu"], r["raw"]["cpu"])
        lines.append(
            Line(f"export {e['rows']:,} persons xlsx vs raw XlsxWriter", "s", cpu,
                 Figure(r["export"]["seconds"], r["raw"]["seconds"]),
                 f"<= {e['target']:g}x", (cpu.ratio or 0) <= e["target"])
        )  # fmt: skip
    if d := _results(folder, "documents"):
        for layout, label in (("half_a4", "half-A4"), ("thermal58", "thermal 58 mm")):
            if other := d.get(f"receipts_{layout}"):
                lines.append(
                    Line(f"{d['receipt_count']:,} receipts, {label} layout", "s",
                         Figure(other["cpu_s"]), Figure(other["wall_s"]), digits=1)
                )  # fmt: skip
        if lo := d.get("libreoffice"):
            lst = d["list"]
            lines.append(
                Line("daftar penerimaan vs LibreOffice Calc xlsx -> PDF", "s",
                     Figure(lst["berdaya_cpu_s"], lo["cpu_s"]),
                     Figure(lst["berdaya_wall_s"], lo["wall_s"]), "faster",
                     lst["berdaya_cpu_s"] < lo["cpu_s"])
            )  # fmt: skip
    return lines


def table(lines: list[Line]) -> list[str]:
    rows = [HEADER, *(_cells(line) for line in lines)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    rule = tuple("-" * w for w in widths)
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [rows[0], rule, *rows[1:]]
    ]


def main(argv: list[str] | None = None) -> int:
    folder = Path(argv[0]) if argv else CACHE_DIR / "results"
    issue: list[Line] = []
    found = 0
    for name, make, command, label, target in ISSUE_ROWS:
        if (data := _results(folder, name)) is not None:
            found += 1
            issue += make(data)
        else:
            issue.append(_missing(label, command, target))
    others = other_lines(folder)
    if not found and not others:
        print("No results yet: run bench/run.sh.", file=sys.stderr)
        return 1
    load = os.getloadavg()
    print(f"Issue 17 (results in {folder}; load average now {load[0]:.1f}):")
    print("\n".join(table(issue)))
    if others:
        print()
        print("Other benchmarks:")
        print("\n".join(table(others)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
