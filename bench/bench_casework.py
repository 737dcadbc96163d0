"""Casework: opening a case with a year of activities, and the monthly Si Hore recap, each beside
a raw baseline (plain sqlite3 for the case, plain ReportLab for the recap PDF).

    python -m bench.bench_casework [--db PATH] [--runs 20] [--json OUT]

Works on a copy of an office-scale demo database (default: generated once into the bench cache,
about a minute) to which one Si Hore client with a year of daily visits (365 activities, through
`CaseworkService.record_visit`) is added, so the case opened is the heaviest the office has.
Opening a case includes its access-log row (a restricted record's opening is always logged).
Targets (issue 15): opening a case with a year of activities <= 50 ms; the monthly Si Hore recap
<= 1 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import CACHE_DIR, summary_ms

OFFICE_TODAY = date(2026, 11, 20)


def timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    fn()  # warm: first-use costs (region names, statement compilation) are not per opening
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return summary_ms(values)


def office_db() -> Path:
    path = CACHE_DIR / "casework-office.sqlite"
    if not path.exists():
        from desktop_app.services.demo import DemoOptions, generate_demo

        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.sqlite")
        partial.unlink(missing_ok=True)
        generate_demo(
            partial, DemoOptions(scale="office", seed=2025, today=OFFICE_TODAY, accounts=False)
        )
        conn = sqlite3.connect(partial)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        partial.rename(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="office-scale database (default: generated)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    source = args.db or office_db()

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table

    from desktop_app.domain.clock import FixedClock
    from desktop_app.services.casework import CaseworkService
    from desktop_app.services.context import open_app

    work = Path(tempfile.mkdtemp(prefix="bench-casework-"))
    db = work / "office.sqlite"
    shutil.copy(source, db)
    raw = sqlite3.connect(db)
    today = date.fromisoformat(
        raw.execute("SELECT max(done_on) FROM case_activity").fetchone()[0] or "2026-11-20"
    )
    raw.close()
    ctx = open_app(
        db, clock=FixedClock(datetime(today.year, today.month, today.day, 3, tzinfo=UTC))
    )
    svc = CaseworkService(ctx)
    # The heaviest case: a client visited every day for a year.
    person = (
        sqlite3.connect(db)
        .execute(
            "SELECT person_id FROM enrolment WHERE program_code = 'SIHORE' AND person_id NOT IN "
            "(SELECT person_id FROM case_file WHERE status = 'aktif') LIMIT 1"
        )
        .fetchone()
    )
    if person is None:
        row = (
            sqlite3.connect(db)
            .execute(
                "SELECT id FROM case_file WHERE program_code = 'SIHORE' AND status = 'aktif' "
                "LIMIT 1"
            )
            .fetchone()
        )
        svc.close_case(row[0], "lainnya")
        person = (
            sqlite3.connect(db)
            .execute("SELECT person_id FROM case_file WHERE id = ?", (row[0],))
            .fetchone()
        )
    first = today - timedelta(days=364)
    case_id = svc.open_case(person[0], "SIHORE", opened_on=first, carer="Pendamping Bench",
                            visit_every_days=1)  # fmt: skip
    started = time.perf_counter()
    for n in range(365):
        svc.record_visit(
            case_id,
            services=["makanan", "obat"] if n % 2 else ["kebersihan_diri", "cek_kesehatan"],
            condition="stabil",
            visited_on=first + timedelta(days=n),
        )
    visit_ms = (time.perf_counter() - started) * 1000 / 365
    activities = len(svc.get_case(case_id).activities)

    raw = sqlite3.connect(db)

    def baseline_case() -> None:
        raw.execute("SELECT * FROM case_file WHERE id = ?", (case_id,)).fetchone()
        raw.execute(
            "SELECT id, kind, done_on, worker, notes, follow_up_on, target, details "
            "FROM case_activity WHERE case_id = ? AND deleted = 0 ORDER BY done_on DESC",
            (case_id,),
        ).fetchall()

    month = today.replace(day=1) - timedelta(days=1)  # the last whole month
    recap = svc.monthly_recap(month.year, month.month)

    def baseline_pdf() -> None:
        rows = [["No", "Nama", "Kelurahan", "Pendamping", "Kunjungan", "Rencana"]]
        rows += [
            [str(i), c.name, c.kelurahan, c.carer, str(c.visits), str(c.expected)]
            for i, c in enumerate(recap.clients, 1)
        ]
        SimpleDocTemplate(str(work / "plain.pdf"), pagesize=landscape(A4)).build([Table(rows)])

    results = {
        "db": str(source),
        "case_activities": activities,
        "sihore_clients": len(recap.clients),
        "recap_visits": recap.total_visits,
        "record_visit_ms_mean": round(visit_ms, 2),
        "baseline_case_sqlite_ms": timed(baseline_case, args.runs),
        "open_case_ms": timed(lambda: svc.get_case(case_id), args.runs),
        "recap_data_ms": timed(lambda: svc.monthly_recap(month.year, month.month), args.runs),
        "baseline_plain_reportlab_ms": timed(baseline_pdf, max(3, args.runs // 4)),
        "recap_pdf_ms": timed(
            lambda: svc.recap_pdf(month.year, month.month, work / "rekap.pdf"),
            max(3, args.runs // 4),
        ),
        "recap_xlsx_ms": timed(
            lambda: svc.recap_xlsx(month.year, month.month, work / "rekap.xlsx"),
            max(3, args.runs // 4),
        ),
    }
    raw.close()
    ctx.close()
    shutil.rmtree(work, ignore_errors=True)
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"{key:28} p50 {value['p50']:8.1f} ms   p95 {value['p95']:8.1f} ms")
        else:
            print(f"{key:28} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
