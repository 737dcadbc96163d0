"""Export benchmark: 160,000 persons to .xlsx, beside a raw XlsxWriter write of the same cells.

  raw     XlsxWriter (constant_memory, as the app uses it) writing the very cells the export
          writes, from a list already in memory: strings as strings, dates as dates.
  export  `ExportService.persons_table(PersonFilter())` + `export` (what `berdaya export` runs):
          the registry query in pages, the adapter, header format, frozen row, autofilter,
          widths, NIK as text, and the change-log entry for the export.
Target: export <= 1.3 x raw. Each step runs in a fresh process (peak RSS is its own).

Run from the repository root:  python -m bench.bench_export [--rows 160000] [--json out.json]
Synthetic data only (made-up names and NIKs).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.common import (
    FIRST,
    LAST,
    Stopwatch,
    best_run,
    file_bench_args,
    insert_persons,
    remove_sqlite,
    report_child,
    run_child,
)


def make_registry(db: Path, rows: int) -> None:
    """A registry of `rows` persons, written straight into the schema (fast set-up only)."""
    from desktop_app.domain.ids import new_id
    from desktop_app.services.context import open_app

    ctx = open_app(db)
    kelurahan = [r.code for r in ctx.regions.kelurahan()]
    ctx.close()
    rnd = random.Random(7)
    now = datetime(2026, 11, 20).isoformat(" ")
    data = []
    for i in range(rows):
        born = date(1940, 1, 1) + timedelta(days=(i * 7919) % 28000)
        sex = rnd.choice("LP")
        day = born.day + (40 if sex == "P" else 0)
        nik = f"357201{day:02d}{born:%m%y}{i // 28000 + 1:04d}"
        data.append(
            (new_id(), nik, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", sex, "BLITAR",
             born.isoformat(), f"JL. MAWAR NO. {i % 300 + 1}", f"{i % 12 + 1:03d}",
             f"{i % 7 + 1:03d}", kelurahan[i % len(kelurahan)], now, now, 0, "hlc", "aktif")
        )  # fmt: skip
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    insert_persons(conn, data)
    conn.execute("COMMIT")
    conn.close()


def step_raw(db: Path, out: Path) -> dict:
    import xlsxwriter

    from desktop_app.services.context import open_app
    from desktop_app.services.exporter import PERSON_COLUMNS, ExportService
    from desktop_app.services.registry import PersonFilter

    # The cells, materialised before the clock starts: the baseline is the write alone.
    ctx = open_app(db)
    rows = list(ExportService(ctx).persons_table(PersonFilter()).rows)
    ctx.close()
    clock = Stopwatch()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Orang")
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, [c.header for c in PERSON_COLUMNS])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                ws.write_datetime(r, c, value, date_fmt)
            else:
                ws.write_string(r, c, value)
    wb.close()
    return clock.result(rows=len(rows))


def step_export(db: Path, out: Path) -> dict:
    from desktop_app.services.context import open_app
    from desktop_app.services.exporter import ExportService
    from desktop_app.services.registry import PersonFilter

    ctx = open_app(db)
    clock = Stopwatch()
    service = ExportService(ctx)
    result = service.export(service.persons_table(PersonFilter()), out)
    measured = clock.result()
    ctx.close()
    return {**measured, "rows": result.rows}


def run_step(step: str, db: Path, workdir: Path) -> dict:
    out = workdir / f"{step}-{time.time_ns()}.xlsx"
    result = run_child(__file__, step, "--db", str(db), "--out", str(out))
    result["file_mb"] = out.stat().st_size / 1e6
    out.unlink()
    return result


def main() -> None:
    args = file_bench_args("export", "db", "out")
    if args.child:
        step = step_raw if args.child == "raw" else step_export
        report_child(step(Path(args.db), Path(args.out)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="berdaya-bench-export-"))
    db = workdir / "registry.sqlite"
    t = time.perf_counter()
    make_registry(db, args.rows)
    print(f"registry of {args.rows} persons made in {time.perf_counter() - t:.1f} s")
    results = {}
    for step in ("raw", "export"):
        runs = [run_step(step, db, workdir) for _ in range(args.repeat)]
        best = best_run(runs)
        results[step] = best
        print(f"{step:7s} wall {best['seconds']:7.2f} s  cpu {best['cpu']:7.2f} s  "
              f"peak RSS {best['peak_rss_mb']:5.0f} MB  {best['file_mb']:.1f} MB")  # fmt: skip
    wall = results["export"]["seconds"] / results["raw"]["seconds"]
    cpu = results["export"]["cpu"] / results["raw"]["cpu"]
    print(f"export / raw: wall {wall:.2f}, cpu {cpu:.2f} (target <= 1.3)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"rows": args.rows, "cpu_count": os.cpu_count(),
                   "load_average": os.getloadavg(), "results": results,
                   "wall_export_vs_raw": wall, "cpu_export_vs_raw": cpu, "target": 1.3}  # fmt: skip
        args.json.write_text(json.dumps(summary, indent=2))
    remove_sqlite(db)


if __name__ == "__main__":
    main()
