"""Print one table of the latest benchmark results (bench/.cache/results/*.json) with ratios."""

from __future__ import annotations

import json
import sys

from bench.common import CACHE_DIR


def main() -> int:
    folder = CACHE_DIR / "results"
    rows: list[tuple[str, str, str, str, str, str]] = []
    search_file, startup_file = folder / "search.json", folder / "startup.json"
    if search_file.exists():
        s = json.loads(search_file.read_text())
        svc, raw = s["stats_ms"]["service"], s["stats_ms"]["raw_fts"]
        cpu_svc, cpu_raw = s["cpu_stats_ms"]["service"], s["cpu_stats_ms"]["raw_fts"]
        target = f"<= {s['target_p95_ms']:g} ms"
        rows.append(
            (
                "search p95 / keystroke (wall)",
                f"{svc['p95']:.2f} ms",
                f"{raw['p95']:.2f} ms",
                f"{s['ratio_p95']:.1f}x",
                target,
                "met" if s["met"] else "MISSED",
            )
        )
        rows.append(
            (
                "search p95 / keystroke (CPU)",
                f"{cpu_svc['p95']:.2f} ms",
                f"{cpu_raw['p95']:.2f} ms",
                f"{s['cpu_ratio_p95']:.1f}x",
                target,
                "met" if s["cpu_met"] else "MISSED",
            )
        )
        rows.append(
            (
                "search p50 / keystroke (wall)",
                f"{svc['p50']:.2f} ms",
                f"{raw['p50']:.2f} ms",
                f"{svc['p50'] / raw['p50']:.1f}x",
                "",
                "",
            )
        )
    if startup_file.exists():
        t = json.loads(startup_file.read_text())
        app, base = t["app"], t["baseline"]
        rows.append(
            (
                "start-up to usable (wall, median)",
                f"{app['median_wall_s']:.2f} s",
                f"{base['median_wall_s']:.2f} s",
                f"{t['ratio_wall']:.1f}x",
                f"<= {t['target_s']:g} s",
                "met" if app["median_wall_s"] <= t["target_s"] else "MISSED",
            )
        )
        rows.append(
            (
                "start-up, first run (cold db file)",
                f"{app['first_wall_s']:.2f} s",
                f"{base['first_wall_s']:.2f} s",
                f"{app['first_wall_s'] / base['first_wall_s']:.1f}x",
                f"<= {t['target_s']:g} s",
                "met" if app["first_wall_s"] <= t["target_s"] else "MISSED",
            )
        )
        rows.append(
            (
                "start-up CPU (median)",
                f"{app['median_cpu_s']:.2f} s",
                f"{base['median_cpu_s']:.2f} s",
                f"{t['ratio_cpu']:.1f}x",
                f"<= {t['target_s']:g} s",
                "met" if t["met_time_cpu"] else "MISSED",
            )
        )
        rows.append(
            (
                "resident memory when usable",
                f"{app['max_rss_mb']:.0f} MB",
                f"{base['max_rss_mb']:.0f} MB",
                f"{app['max_rss_mb'] / base['max_rss_mb']:.1f}x",
                f"<= {t['target_rss_mb']:g} MB",
                "met" if t["met_rss"] else "MISSED",
            )
        )
    scan_file = folder / "scan.json"
    if scan_file.exists():
        c = json.loads(scan_file.read_text())
        svc, raw = c["stats_ms"]["service"], c["stats_ms"]["raw_fresh_file"]
        same = c["stats_ms"]["raw_same_file"]
        target = f"<= {c['target_p95_ms']:g} ms"
        rows.append(
            (
                f"scan -> durable receipt p95 ({c['roster']:,} roster)",
                f"{svc['p95']:.2f} ms",
                f"{raw['p95']:.2f} ms",
                f"{svc['p95'] / raw['p95']:.1f}x",
                target,
                "met" if svc["p95"] <= c["target_p95_ms"] else "MISSED",
            )
        )
        rows.append(
            (
                "scan -> receipt p95 vs raw in the same file",
                f"{svc['p95']:.2f} ms",
                f"{same['p95']:.2f} ms",
                f"{svc['p95'] / same['p95']:.1f}x",
                "",
                "",
            )
        )
        rows.append(
            (
                "scan -> receipt CPU per scan",
                f"{c['service_cpu_ms_per_scan']:.2f} ms",
                "",
                "",
                "",
                "",
            )
        )
    import_file = folder / "import.json"
    if import_file.exists():
        m = json.loads(import_file.read_text())
        r = m["results"]
        for key, label in (("seconds", "wall"), ("cpu", "CPU")):
            app = r["import"][key]
            plain = r["read"][key] + r["plain"][key]
            floor = r["read"][key] + r["floor"][key]
            rows.append(
                (
                    f"import {m['rows']:,} rows xlsx vs read+plain insert ({label})",
                    f"{app:.2f} s",
                    f"{plain:.2f} s",
                    f"{app / plain:.1f}x",
                    f"<= {m['target']:g}x",
                    "met" if app / plain <= m["target"] else "MISSED",
                )
            )
            rows.append(
                (
                    f"import vs read+indexed insert+change log ({label})",
                    f"{app:.2f} s",
                    f"{floor:.2f} s",
                    f"{app / floor:.1f}x",
                    "",
                    "",
                )
            )
    export_file = folder / "export.json"
    if export_file.exists():
        e = json.loads(export_file.read_text())
        r = e["results"]
        for key, label in (("seconds", "wall"), ("cpu", "CPU")):
            ratio = r["export"][key] / r["raw"][key]
            rows.append(
                (
                    f"export {e['rows']:,} persons xlsx vs raw XlsxWriter ({label})",
                    f"{r['export'][key]:.2f} s",
                    f"{r['raw'][key]:.2f} s",
                    f"{ratio:.2f}x",
                    f"<= {e['target']:g}x",
                    "met" if ratio <= e["target"] else "MISSED",
                )
            )
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
