"""Importing a field laptop's return bundle of 8,000 receipts at the office, and again.

Targets (issue 6): import <= 1 s, re-import <= 0.2 s, bundle size reported. Beside them, in the
same run and on the same disk, the raw baseline: plain sqlite3 `executemany` of the same receipt
rows and change-log rows into a copy of the same office database, in one durable transaction
(WAL, synchronous=FULL), with no decryption, verification or merging.

    python -m bench.bench_sync [--receipts 8000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.bench_scan import build_registry
from desktop_app.domain.clock import SystemClock
from desktop_app.services.context import open_app
from desktop_app.services.devices import DeviceService
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync import SyncService


def build(workdir: Path, n: int) -> dict:
    """An office with an open round of n KPM, a laptop that joined it and recorded n receipts,
    and the laptop's return bundle."""
    office = open_app(workdir / "office.sqlite", actor="kantor", clock=SystemClock())
    build_registry(office, n)
    dist = DistributionService(office)
    rid = dist.create_round(
        program_code="RASTRADA", name="Rastrada Tahap IV 2025", item="Beras", quantity=30, unit="kg"
    )
    dist.open_round(rid)
    laptop = open_app(workdir / "laptop.sqlite", actor="petugas", clock=SystemClock())
    DeviceService(laptop).export_identity(workdir / "laptop.json")
    devices = DeviceService(office)
    devices.register(devices.read_identity_file(workdir / "laptop.json"), name="LAP01")
    t0 = time.perf_counter()
    checkout = SyncService(office).checkout("LAP01", workdir / "checkout.bdl", round_id=rid)
    t_checkout = time.perf_counter() - t0
    t0 = time.perf_counter()
    SyncService(laptop).join(workdir / "checkout.bdl")
    t_join = time.perf_counter() - t0
    field = DistributionService(laptop)
    t0 = time.perf_counter()
    report = field.receive_batch(rid, [{"code": f"K{i:09d}"} for i in range(n)])
    t_receive = time.perf_counter() - t0
    assert report.ok and len(report.recorded) == n
    t0 = time.perf_counter()
    bundle = SyncService(laptop).export(workdir / "return.bdl")
    t_export = time.perf_counter() - t0
    laptop.close()
    office.close()
    return {
        "round_id": rid,
        "checkout": checkout,
        "bundle": bundle,
        "t_checkout": t_checkout,
        "t_join": t_join,
        "t_receive": t_receive,
        "t_export": t_export,
    }


def bench_import(workdir: Path, bundle: Path) -> tuple[float, float, int]:
    office = open_app(workdir / "office-run.sqlite", actor="kantor", clock=SystemClock())
    svc = SyncService(office)
    t0 = time.perf_counter()
    first = svc.import_bundle(bundle, make_ack=False)
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = svc.import_bundle(bundle, make_ack=False)
    t_again = time.perf_counter() - t0
    assert again.already_imported and first.applied >= 1
    office.close()
    return t_import, t_again, first.applied


def bench_raw(workdir: Path, laptop_db: Path, office_db: Path) -> tuple[float, int]:
    """The same rows, already decoded, written with executemany in one durable transaction."""
    src = sqlite3.connect(laptop_db)
    receipts = src.execute("SELECT * FROM distribution_receipt").fetchall()
    cols = [d[0] for d in src.execute("SELECT * FROM distribution_receipt LIMIT 0").description]
    logs = src.execute(
        "SELECT id, hlc, device_id, actor, at, entity, entity_id, op, changes, source, batch_id "
        "FROM change_log WHERE entity = 'distribution_receipt'"
    ).fetchall()
    src.close()
    target = workdir / "office-raw.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(office_db, target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        f"INSERT INTO distribution_receipt ({', '.join(cols)}) "
        f"VALUES ({', '.join('?' for _ in cols)})",
        receipts,
    )
    conn.executemany(
        "INSERT INTO change_log (id, hlc, device_id, actor, at, entity, entity_id, op, changes, "
        "source, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        logs,
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed, len(receipts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.dir or Path(tmp)
        t0 = time.perf_counter()
        setup = build(workdir, args.receipts)
        t_setup = time.perf_counter() - t0
        office_db = workdir / "office.sqlite"
        with sqlite3.connect(office_db) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(office_db, workdir / "office-run.sqlite")
        raw, raw_rows = bench_raw(workdir, workdir / "laptop.sqlite", office_db)
        t_import, t_again, applied = bench_import(workdir, setup["bundle"].path)
        raw_after, _ = bench_raw(workdir, workdir / "laptop.sqlite", office_db)
    bundle = setup["bundle"]
    result = {
        "receipts": args.receipts,
        "bundle_entries": bundle.entries,
        "bundle_bytes": bundle.size_bytes,
        "bytes_per_receipt": round(bundle.size_bytes / args.receipts, 1),
        "import_s": round(t_import, 3),
        "reimport_s": round(t_again, 3),
        "raw_executemany_s": round(min(raw, raw_after), 3),
        "ratio_import_raw": round(t_import / min(raw, raw_after), 1),
        "checkout_entries": setup["checkout"].entries,
        "checkout_bytes": setup["checkout"].size_bytes,
        "checkout_s": round(setup["t_checkout"], 2),
        "join_s": round(setup["t_join"], 2),
        "export_s": round(setup["t_export"], 2),
        "setup_s": round(t_setup, 1),
        "applied": applied,
        "raw_rows": raw_rows,
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{args.receipts:,} receipts: return bundle {bundle.entries:,} entries, "
        f"{bundle.size_bytes / 1024:,.0f} KiB ({result['bytes_per_receipt']} bytes/receipt)"
    )
    print(
        f"import            {t_import:6.3f} s   target <= 1 s: "
        f"{'OK' if t_import <= 1 else 'MISSED'}"
    )
    print(
        f"re-import         {t_again:6.3f} s   target <= 0.2 s: "
        f"{'OK' if t_again <= 0.2 else 'MISSED'}"
    )
    print(f"raw executemany   {min(raw, raw_after):6.3f} s   (same rows, one durable transaction)")
    print(f"ratio import/raw  {result['ratio_import_raw']:.1f}x")
    print(
        f"checkout {setup['checkout'].entries:,} entries "
        f"{setup['checkout'].size_bytes / 1024:,.0f} KiB in {setup['t_checkout']:.1f} s; "
        f"join {setup['t_join']:.1f} s; export {setup['t_export']:.2f} s; "
        f"setup {t_setup:.0f} s"
    )


if __name__ == "__main__":
    main()
