"""The Beranda's figures and a monthly report, beside a raw sqlite3 count on the same file.

    python -m bench.bench_dashboard [--db PATH] [--runs 5] [--json OUT]

Measures `ReportingService.dashboard(quality=False)` (what the Beranda waits for first), the
data-quality checks (read apart, and again only after registry changes), the whole dashboard,
and building + writing the monthly Rastrada report as PDF and xlsx. The baseline is one raw
`count(*)` of live Rastrada enrolments in plain sqlite3. Without --db it uses the cached
city-scale database (bench.common.city_db, generated on first use: several minutes).
Targets (issue 16): Beranda <= 0.5 s, monthly report <= 2 s on the city database.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import summary_ms


def timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return summary_ms(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="database file (default: the city database)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.db is None:
        from bench.common import city_db

        args.db = city_db()

    from desktop_app.services.context import open_app
    from desktop_app.services.reporting import Period, ReportingService
    from desktop_app.services.reporting.reports import build_report, write_report

    ctx = open_app(args.db, read_only=True)
    service = ReportingService(ctx)
    month = Period.month_of(service.today())
    out = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))

    def report(suffix: str) -> None:
        doc = build_report(ctx, "bulanan", month, program="RASTRADA")
        write_report(out / f"bulanan.{suffix}", ctx, doc)

    raw = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)

    def baseline() -> None:
        raw.execute(
            "SELECT count(DISTINCT household_id) FROM enrolment WHERE program_code = 'RASTRADA'"
            " AND deleted = 0 AND end_date IS NULL"
        ).fetchone()

    results = {
        "db": str(args.db),
        "persons": raw.execute("SELECT count(*) FROM person").fetchone()[0],
        "baseline_count_ms": timed(baseline, args.runs),
        "beranda_figures_ms": timed(lambda: service.dashboard(quality=False), args.runs),
        "data_quality_ms": timed(service.data_quality, args.runs),
        "dashboard_all_ms": timed(service.dashboard, args.runs),
        "monthly_report_pdf_ms": timed(lambda: report("pdf"), args.runs),
        "monthly_report_xlsx_ms": timed(lambda: report("xlsx"), args.runs),
    }
    raw.close()
    ctx.close()
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"{key:26} p50 {value['p50']:8.1f} ms   max {value['max']:8.1f} ms")
        else:
            print(f"{key:26} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
