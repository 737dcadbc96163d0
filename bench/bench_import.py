"""Import benchmark: a 160,000-row .xlsx through the whole import, beside raw baselines.

Baselines, timed in the same run on the same file:
  read     python-calamine reading every row of the sheet (the fastest maintained reader)
  plain    sqlite3 executemany inserting those rows into a table without indexes
  schema   sqlite3 executemany inserting them into the application's person table (its six
           indexes and the trigram search index filled in one statement, as the app does)
  floor    schema, plus one change-log row per person: the writes the design requires (audit
           trail and sync stream). The rows' values and JSON are built before the clock; the
           clock includes hashing them into the device's chain (chain.chain_rows: the head read
           and one SHA-256 per row, as the app's bulk writes do) and their executemany with
           prev_hash and hash filled, so the chain trigger does not fire
The import is `ImportService.prepare` + `commit` (what `berdaya import` runs): cleaning and
validating every cell, matching NIKs against the registry, planning, one transaction with a
change-log row per person. Target (issue 17): import CPU <= 2 x (read + plain), peak RSS
<= 1.5 x the baseline's. By default three sizes (10,000, 50,000, 160,000 rows) are measured so
that the growth per row is visible, each beside its own baseline in the same run.

Each measurement runs in a fresh process so that peak RSS (memory) is its own.

Run from the repository root:  python -m bench.bench_import [--rows 160000] [--json out.json]
Synthetic data only (made-up names and NIKs).
"""

from __future__ import annotations

import argparse
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
    PERSON_COLUMNS,
    Stopwatch,
    best_run,
    file_bench_args,
    insert_persons,
    remove_sqlite,
    report_child,
    run_child,
)
from desktop_app.storage import chain

HEADER = [
    "NO", "NIK", "NO KK", "NAMA", "JENIS KELAMIN", "TEMPAT LAHIR", "TANGGAL LAHIR", "ALAMAT",
    "RT", "RW", "KELURAHAN", "KECAMATAN", "HUBUNGAN KELUARGA",
]  # fmt: skip
KELURAHAN = [
    ("Sentul", "Kepanjenkidul", "35.72.01"), ("Kauman", "Kepanjenkidul", "35.72.01"),
    ("Bendo", "Kepanjenkidul", "35.72.01"), ("Karang Tengah", "Sananwetan", "35.72.03"),
    ("Gedog", "Sananwetan", "35.72.03"), ("Tlumpu", "Sukorejo", "35.72.02"),
    ("Pakunden", "Sukorejo", "35.72.02"),
]  # fmt: skip


def make_file(path: Path, rows: int) -> None:
    import xlsxwriter

    rnd = random.Random(2026)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("DATA")
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, HEADER)
    for i in range(rows):
        r = i + 1
        # A unique made-up NIK per row: (birth date, serial) never repeats.
        born = date(1940, 1, 1) + timedelta(days=(i * 7919) % 28000)
        serial = i // 28000 + 1
        sex = rnd.choice("LP")
        kel, kec, district = KELURAHAN[i % len(KELURAHAN)]
        day = born.day + (40 if sex == "P" else 0)
        nik = f"{district.replace('.', '')}{day:02d}{born:%m%y}{serial:04d}"
        kk = f"{district.replace('.', '')}1003{(i // 4) % 100:02d}{i // 4 % 9999 + 1:04d}"
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, nik)
        ws.write_string(r, 2, kk)
        ws.write_string(r, 3, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}")
        ws.write_string(r, 4, sex)
        ws.write_string(r, 5, "BLITAR")
        ws.write_datetime(r, 6, datetime(born.year, born.month, born.day), date_fmt)
        ws.write_string(r, 7, f"JL. MAWAR NO. {i % 300 + 1}")
        ws.write_string(r, 8, f"{i % 12 + 1:03d}")
        ws.write_string(r, 9, f"{i % 7 + 1:03d}")
        ws.write_string(r, 10, kel)
        ws.write_string(r, 11, kec)
        ws.write_string(r, 12, "KEPALA KELUARGA" if i % 4 == 0 else "ANAK")
    wb.close()


# -- the measured steps (each run in its own process) -----------------------------------------


def step_read(path: Path) -> dict:
    import python_calamine

    clock = Stopwatch()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = list(book.get_sheet_by_index(0).iter_rows())
    return clock.result(rows=len(rows) - 1)


def step_plain(path: Path, db: Path) -> dict:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = [
        tuple(r[1:8]) + (r[6].isoformat(),) + tuple(r[8:])
        for r in list(book.get_sheet_by_index(0).iter_rows())[1:]
    ]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"CREATE TABLE p ({', '.join(f'c{i}' for i in range(13))})")
    clock = Stopwatch()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO p VALUES ({', '.join('?' * 13)})", rows)
    conn.execute("COMMIT")
    return clock.result(rows=len(rows))


def step_schema(path: Path, db: Path, with_log: bool = False) -> dict:
    import python_calamine

    from desktop_app.domain.ids import new_id
    from desktop_app.services.context import open_app

    open_app(db).close()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    codes = {k: f"{d}.100{i % 7 + 1}" for i, (k, _, d) in enumerate(KELURAHAN)}
    now = datetime(2026, 11, 20).isoformat(" ")
    rows = [
        (new_id(), r[1], r[3], r[4], r[5], r[6].isoformat(), r[7], r[8], r[9], codes[r[10]],
         now, now, 0, "hlc", "aktif")
        for r in list(book.get_sheet_by_index(0).iter_rows())[1:]
    ]  # fmt: skip
    logs = []
    if with_log:
        # The change-log rows the application writes with each person, built before the clock.
        names = PERSON_COLUMNS
        for i, row in enumerate(rows):
            changes = json.dumps({k: [None, v] for k, v in zip(names, row, strict=True)})
            logs.append((new_id(), f"{i:020d}", "dev", "bench", now, "person", row[0], "create",
                         changes, "daftar.xlsx", "batch"))  # fmt: skip
    conn = sqlite3.connect(db, isolation_level=None)
    chain.register(conn)  # the trigger would hash rows inserted without one (storage/chain.py)
    conn.execute("PRAGMA synchronous = FULL")
    clock = Stopwatch()
    conn.execute("BEGIN")
    insert_persons(conn, rows)
    if logs:
        # Hashed in the transaction, as services/bulk.py does: part of the required work.
        conn.executemany(
            "INSERT INTO change_log (id, hlc, device_id, actor, at, entity, entity_id, op,"
            " changes, source, batch_id, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            chain.chain_rows(conn, "dev", logs),
        )
    conn.execute("COMMIT")
    return clock.result(rows=len(rows))


def step_import(path: Path, db: Path, dry_run: bool = False) -> dict:
    from desktop_app.services.context import open_app
    from desktop_app.services.importing import ImportOptions, ImportService

    ctx = open_app(db)
    service = ImportService(ctx)
    clock = Stopwatch()
    prepared = service.prepare(path, ImportOptions())
    report = service.dry_run(prepared) if dry_run else service.commit(prepared)
    measured = clock.result()
    prepared.close()
    ctx.close()
    return {**measured, "rows": len(report.rows), "counts": report.counts}


def child(args: argparse.Namespace) -> None:
    path, db = Path(args.file), Path(args.db)
    if args.step == "read":
        result = step_read(path)
    elif args.step == "plain":
        result = step_plain(path, db)
    elif args.step in ("schema", "floor"):
        result = step_schema(path, db, with_log=args.step == "floor")
    else:
        result = step_import(path, db, dry_run=args.step == "dry-run")
    report_child(result)


def run_step(step: str, path: Path, workdir: Path) -> dict:
    db = workdir / f"{step}-{time.time_ns()}.sqlite"
    result = run_child(__file__, step, "--file", str(path), "--db", str(db))
    remove_sqlite(db)
    return result


SIZES = (10_000, 50_000, 160_000)  # scaling points: growth per row is visible between them
TARGET = 2.0  # import CPU <= 2 x (read + plain insert), issue 17
RSS_TARGET = 1.5  # import peak RSS <= 1.5 x the baseline's (calamine read + executemany)


def _measure_size(rows: int, steps: tuple[str, ...], repeat: int, workdir: Path) -> dict:
    path = workdir / f"daftar-{rows}.xlsx"
    t = time.perf_counter()
    make_file(path, rows)
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB, made in "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    results: dict[str, dict] = {}
    for step in steps:
        runs = [run_step(step, path, workdir) for _ in range(repeat)]
        best = best_run(runs)
        results[step] = best
        print(f"{rows:>8,} {step:8s} wall {best['seconds']:7.2f} s  cpu {best['cpu']:7.2f} s  "
              f"peak RSS {best['peak_rss_mb']:5.0f} MB")  # fmt: skip
    path.unlink()
    return results


def _point(rows: int, results: dict[str, dict]) -> dict:
    """One scaling point: the import beside its baseline (read + plain insert) of the same run."""
    imp, read, plain = results["import"], results["read"], results["plain"]
    base_cpu = read["cpu"] + plain["cpu"]
    base_wall = read["seconds"] + plain["seconds"]
    return {
        "rows": rows,
        "import_cpu": imp["cpu"],
        "import_wall": imp["seconds"],
        "baseline_cpu": base_cpu,
        "baseline_wall": base_wall,
        "ratio_cpu": imp["cpu"] / base_cpu,
        "ratio_wall": imp["seconds"] / base_wall,
        "import_us_per_row_cpu": imp["cpu"] / rows * 1e6,
        "baseline_us_per_row_cpu": base_cpu / rows * 1e6,
        # The baseline's memory is the plain step's: calamine's parsed sheet plus the rows.
        "import_rss_mb": imp["peak_rss_mb"],
        "baseline_rss_mb": plain["peak_rss_mb"],
        "ratio_rss": imp["peak_rss_mb"] / plain["peak_rss_mb"],
    }


def _table(points: list[dict]) -> None:
    print()
    print(
        f"{'rows':>8} | {'import cpu / wall':>18} | {'read+plain cpu / wall':>22} | "
        f"{'ratio cpu (wall)':>16} | {'us/row cpu':>10} | {'RSS import / base':>18} | target"
    )
    for p in points:
        ok = p["ratio_cpu"] <= TARGET and p["ratio_rss"] <= RSS_TARGET
        print(
            f"{p['rows']:>8,} | {p['import_cpu']:7.2f} / {p['import_wall']:7.2f} s | "
            f"{p['baseline_cpu']:9.2f} / {p['baseline_wall']:7.2f} s | "
            f"{p['ratio_cpu']:6.2f}x ({p['ratio_wall']:4.2f}x) | "
            f"{p['import_us_per_row_cpu']:10.1f} | "
            f"{p['import_rss_mb']:5.0f} / {p['baseline_rss_mb']:4.0f} MB {p['ratio_rss']:4.2f}x"
            f" | <= {TARGET:g}x cpu, <= {RSS_TARGET:g}x RSS: {'met' if ok else 'NOT met'}"
        )
    print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")  # fmt: skip


def main() -> None:
    args = file_bench_args("import", "file", "db")
    if args.child:
        args.step = args.child
        child(args)
        return
    workdir = Path(tempfile.mkdtemp(prefix="berdaya-bench-import-"))
    # --rows N measures one size with every baseline; the default measures the scaling points,
    # the largest one with every baseline.
    sizes = (args.rows,) if args.rows != 160_000 else SIZES
    points: list[dict] = []
    results: dict[str, dict] = {}
    for rows in sizes:
        full = rows == sizes[-1]
        steps = ("read", "plain", "schema", "floor", "dry-run", "import") if full else (
            "read", "plain", "import")  # fmt: skip
        results = _measure_size(rows, steps, args.repeat, workdir)
        points.append(_point(rows, results))

    def ratio(key: str, baseline: tuple[str, ...]) -> float:
        return results["import"][key] / sum(results[b][key] for b in baseline)

    summary = {
        "rows": sizes[-1],
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "results": results,
        "scaling": points,
        "wall_import_vs_read_plain": ratio("seconds", ("read", "plain")),
        "wall_import_vs_read_schema": ratio("seconds", ("read", "schema")),
        "cpu_import_vs_read_plain": ratio("cpu", ("read", "plain")),
        "cpu_import_vs_read_schema": ratio("cpu", ("read", "schema")),
        "wall_import_vs_read_floor": ratio("seconds", ("read", "floor")),
        "cpu_import_vs_read_floor": ratio("cpu", ("read", "floor")),
        "rss_import_vs_read": results["import"]["peak_rss_mb"] / results["read"]["peak_rss_mb"],
        "rss_import_vs_read_plain": points[-1]["ratio_rss"],
        "target": TARGET,
        "rss_target": RSS_TARGET,
    }
    _table(points)
    for key in ("wall", "cpu"):
        print(f"{key:4s} import / (read + schema insert) = "
              f"{summary[f'{key}_import_vs_read_schema']:.2f}")  # fmt: skip
        print(f"{key:4s} import / (read + schema + log)  = "
              f"{summary[f'{key}_import_vs_read_floor']:.2f}")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
