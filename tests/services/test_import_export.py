"""Export of views to .xlsx/.csv: spreadsheet rules, filters, rounds, trainings, logging."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.exporter import Column, ExportService, Table, export_table
from desktop_app.services.importing import ImportKind, ImportOptions, ImportService
from desktop_app.services.registry import PersonFilter
from desktop_app.services.training import TrainingService
from desktop_app.storage.models import ChangeLog
from tests.services.distribution_fixtures import build_world
from tests.services.import_files import HEADER, person_row, xlsx
from tests.training_helpers import make_training


@pytest.fixture
def exporter(ctx: AppContext) -> ExportService:
    return ExportService(ctx)


def load(ctx: AppContext, tmp_path: Path, n: int = 6) -> None:
    rows = [HEADER] + [
        person_row(i, date(1950 + i, 2, i), "LP"[i % 2], kk_serial=i,
                   kelurahan=["Sentul", "Bendo"][i % 2])
        for i in range(1, n + 1)
    ]  # fmt: skip
    service = ImportService(ctx)
    prepared = service.prepare(
        xlsx(tmp_path / "awal.xlsx", rows), ImportOptions(kind=ImportKind.HOUSEHOLDS)
    )
    service.commit(prepared)
    prepared.close()


def test_xlsx_follows_the_spreadsheet_rules(ctx, exporter: ExportService, tmp_path: Path):
    load(ctx, tmp_path)
    out = tmp_path / "orang.xlsx"
    result = exporter.export(exporter.persons_table(PersonFilter()), out)
    assert result.rows == 6
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws is not None
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:O7"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["NIK", "NO KK", "NAMA", "JENIS KELAMIN", "TEMPAT LAHIR", "TANGGAL LAHIR"]
    nik = ws["A2"]
    assert isinstance(nik.value, str) and len(nik.value) == 16 and nik.number_format == "@"
    born = ws["F2"]
    assert isinstance(born.value, datetime) and born.number_format == "dd-mm-yyyy"
    assert ws.column_dimensions["A"].width >= 18
    assert ws.column_dimensions["C"].width >= 30


def test_csv_is_excel_friendly(ctx, exporter: ExportService, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    out = tmp_path / "orang.csv"
    exporter.export(exporter.persons_table(PersonFilter()), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 correctly
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    start = lines.index([])  # the notice lines first, then a blank line
    assert lines[0][0] == "# Berkas" and any("DATA PRIBADI" in line[-1] for line in lines[:start])
    rows = lines[start + 1 :]
    assert rows[0][0] == "NIK" and len(rows) == 7
    assert rows[1][5].count("-") == 2  # dd-mm-yyyy


def test_export_keeps_the_view_filter(ctx, exporter: ExportService, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    bendo = ctx.regions.match_name("Bendo").code
    table = exporter.persons_table(PersonFilter(kelurahan_code=bendo))
    out = tmp_path / "bendo.xlsx"
    assert exporter.export(table, out).rows == 3
    ws = openpyxl.load_workbook(out).active
    assert ws is not None and {ws.cell(r, 10).value for r in range(2, 5)} == {"Bendo"}
    households = exporter.households_table(PersonFilter(kelurahan_code=bendo))
    assert exporter.export(households, tmp_path / "kpm.xlsx").rows == 3


def test_every_export_is_logged(ctx, exporter: ExportService, tmp_path: Path) -> None:
    load(ctx, tmp_path)
    exporter.export(exporter.persons_table(PersonFilter(query="WARGA")), tmp_path / "a.xlsx")
    with ctx.db.session() as s:
        entry = s.exec(select(ChangeLog).where(ChangeLog.op == "export")).one()
    assert entry.source == "a.xlsx" and entry.actor == "tester"
    assert '"persons"' in entry.changes and "WARGA" in entry.changes


def test_a_failed_or_cancelled_export_leaves_no_file(tmp_path: Path) -> None:
    def rows():  # noqa: ANN202
        yield ("3572011201600001",)
        raise RuntimeError("disk penuh")

    out = tmp_path / "gagal.xlsx"
    with pytest.raises(RuntimeError):
        export_table(Table("X", [Column("NIK", "id")], rows()), out)
    assert not out.exists()
    with pytest.raises(ServiceError, match="tidak didukung"):
        export_table(Table("X", [Column("NIK", "id")], []), tmp_path / "a.pdf")


def test_round_checklist(ctx: AppContext, exporter: ExportService, tmp_path: Path) -> None:
    world = build_world(ctx)
    svc = DistributionService(ctx)
    rid = svc.create_round(
        program_code="RASTRADA", name="Rastrada Tahap IV 2025", item="Beras", quantity=30,
        unit="kg",
    )  # fmt: skip
    svc.open_round(rid)
    svc.receive_code(rid, world.families[0].kk)
    rnd = svc.get_round(rid)
    out = tmp_path / "tahap.xlsx"
    result = exporter.export(exporter.round_table(rnd.code), out)
    assert result.rows == len(world.families)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None and ws.title == rnd.code
    header = [c.value for c in ws[1]]
    status = {ws.cell(r, header.index("STATUS") + 1).value for r in range(2, ws.max_row + 1)}
    assert status == {"Belum", svc.scan(rid, world.families[0].kk).status_label}
    received = [
        ws.cell(r, header.index("WAKTU DITERIMA") + 1).value for r in range(2, ws.max_row + 1)
    ]
    assert sum(isinstance(v, datetime) for v in received) == 1
    with pytest.raises(ServiceError):
        exporter.round_table("TIDAK-ADA")


def test_training_attendance(ctx: AppContext, exporter: ExportService, tmp_path: Path) -> None:
    training_id, sessions, participants = make_training(ctx, participants=3, sessions=4)
    svc = TrainingService(ctx)
    for session in sessions[:3]:
        svc.set_attendance(session, participants[0], "H")
    svc.set_attendance(sessions[0], participants[1], "S")
    out = tmp_path / "hadir.xlsx"
    assert exporter.export(exporter.training_table(training_id[:8]), out).rows == 3
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[6] == "SESI 1 (16-11-2026)" and header[-3:] == [
        "HADIR",
        "PERSEN HADIR",
        "MEMENUHI SYARAT",
    ]
    rows = {ws.cell(r, 3).value: [c.value for c in ws[r]] for r in range(2, 5)}
    counts = sorted(row[-3] for row in rows.values())
    assert counts == [0, 0, 3]
    assert any(row[6] == "S" for row in rows.values())
