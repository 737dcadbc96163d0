"""Recognised-layout import benchmark: a synthetic Dukcapil SIAK export (24 columns, families of
four with SHDK) through the whole import, beside the plain python-calamine read of the same file.

  read      python-calamine reading every row of the sheet
  dry-run   ImportService.prepare + dry_run (layout recognised, households from KK + SHDK)
  commit    ImportService.prepare + commit into a fresh database

Run from the repository root:  python -m bench.bench_import_layouts [--rows 10000]
Synthetic data only (made-up names and NIKs).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from desktop_app.domain.nik import make_kk, make_nik

HEADER = [
    "Nomor KK", "NIK", "Nama Penduduk", "Status", "Tempat Lahir", "Tanggal Lahir", "Kelamin",
    "NIK Ayah", "Ayah", "NIK Ibu", "Ibu", "Status Kawin", "SHDK", "Agama", "Kecamatan",
    "Desa/Kel", "Alamat", "RW", "RT", "Pendidikan", "Pekerjaan", "Deskripsi Pekerjaan",
    "Gol. Darah", "Cacat",
]  # fmt: skip
_SYLLABLES = ["SU", "KAR", "DI", "WA", "TI", "NAH", "AN", "TO", "RA", "HAR", "JO", "NI", "YAH"]
_SHDK = ["KEPALA KELUARGA", "ISTRI", "ANAK", "ANAK"]


def _name(rnd: random.Random) -> str:
    return " ".join(
        "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))) for _ in range(2)
    )


def write_siak(path: Path, rows: int, seed: int = 18) -> None:
    import xlsxwriter

    rnd = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, HEADER)
    for i in range(rows):
        family, member = divmod(i, 4)
        sex = "L" if member in (0, 2) else "P"
        born = date(1950, 1, 1) + timedelta(days=rnd.randint(0, 365 * 50))
        kk = make_kk("357201", date(2015, 3, 10), family + 1)
        nik = make_nik(f"3572{i // 9999 % 3 + 1:02d}", born, sex, i % 9999 + 1)
        ws.write_row(i + 1, 0, [
            kk, nik, _name(rnd), "HIDUP", "BLITAR", born.strftime("%d-%m-%Y"),
            "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "", "", "", "", "KAWIN", _SHDK[member],
            "ISLAM", "KEPANJENKIDUL", "SENTUL", f"JL. MAWAR {family % 90 + 1}", "002", "001",
            "SLTA/SEDERAJAT", "WIRASWASTA", "", "O", "",
        ])  # fmt: skip
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    import python_calamine

    from desktop_app.services.context import open_app
    from desktop_app.services.importing import ImportOptions, ImportService

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "siak.xlsx"
        write_siak(path, args.rows)
        # Wall and CPU time of this process: on a shared machine the CPU time is the figure
        # that does not depend on what else runs.
        t0, c0 = time.perf_counter(), time.process_time()
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        n = len(list(book.get_sheet_by_index(0).iter_rows())) - 1
        results = {"read": (time.perf_counter() - t0, time.process_time() - c0)}
        for step in ("dry-run", "commit"):
            db = Path(tmp) / f"{step}.db"
            ctx = open_app(db)
            service = ImportService(ctx)
            t0, c0 = time.perf_counter(), time.process_time()
            prepared = service.prepare(path, ImportOptions())
            run = service.dry_run if step == "dry-run" else service.commit
            report = run(prepared)
            results[step] = (time.perf_counter() - t0, time.process_time() - c0)
            assert report.layout == "SIAK Dukcapil", report.layout
            assert report.counts["new"] == n, report.counts
            prepared.close()
            ctx.close()
        print(f"SIAK Dukcapil, {n:,} rows x {len(HEADER)} columns (layout recognised, "
              f"households from KK + SHDK)")  # fmt: skip
        for step, (wall, cpu) in results.items():
            print(
                f"  {step:8} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
                f"{n / cpu:10,.0f} rows per CPU second"
            )


if __name__ == "__main__":
    main()
