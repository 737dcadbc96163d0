"""`berdaya import` and `berdaya export`: exit codes, reports, database unchanged on failure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.services.context import open_app
from tests.services.import_files import HEADER, csv_file, person_row, xlsx

BORN = date(1960, 1, 12)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    open_app(path).close()
    return path


def change_log_size(db: Path) -> int:
    ctx = open_app(db)
    try:
        with ctx.db.engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar_one())
    finally:
        ctx.close()


def good_file(tmp_path: Path, n: int = 3) -> Path:
    data = [HEADER] + [person_row(i, BORN, kk_serial=i) for i in range(1, n + 1)]
    return xlsx(tmp_path / "baik.xlsx", data)


def bad_rows_file(tmp_path: Path) -> Path:
    broken = person_row(9, BORN)
    broken[1] = 3.57201e15
    return xlsx(tmp_path / "campur.xlsx", [HEADER, person_row(1, BORN), broken])


def test_import_everything_exits_0(db: Path, tmp_path: Path, capsys) -> None:
    assert main(["import", str(good_file(tmp_path)), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "baru 3" in out and "Tersimpan: 3 baris" in out


def test_rejected_rows_exit_1_and_import_nothing(db: Path, tmp_path: Path, capsys) -> None:
    before = change_log_size(db)
    assert main(["import", str(bad_rows_file(tmp_path)), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "baris 3" in out and "3.57201E+15" in out and "--accept-valid" in out
    assert change_log_size(db) == before


def test_accept_valid_imports_the_valid_rows_and_still_exits_1(db: Path, tmp_path: Path) -> None:
    rejected = tmp_path / "ditolak.xlsx"
    args = ["import", str(bad_rows_file(tmp_path)), "--db", str(db), "--accept-valid"]
    assert main([*args, "--rejected", str(rejected)]) == 1
    assert change_log_size(db) == 1
    ws = openpyxl.load_workbook(rejected).active
    assert ws is not None and ws.max_row == 2


def test_dry_run_json(db: Path, tmp_path: Path, capsys) -> None:
    code = main(["import", str(bad_rows_file(tmp_path)), "--db", str(db), "--dry-run", "--json"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["new"] == 1 and data["counts"]["rejected"] == 1
    assert data["mapping"]["nik"] == "B (NIK)"
    assert data["rows"][1]["status"] == "rejected" and data["exit_code"] == 1
    assert change_log_size(db) == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda p: (p / "bukan.xlsx", p.joinpath("bukan.xlsx").write_bytes(b"\x89PNG\r\n\x00\x00")),
        lambda p: (p / "kosong.csv", p.joinpath("kosong.csv").write_bytes(b"")),
        lambda p: (p / "judul.xlsx", xlsx(p / "judul.xlsx", [["Laporan"], ["Total", 3]])),
        lambda p: (p / "hilang.xlsx", None),
    ],
    ids=["not-a-spreadsheet", "empty", "no-header", "missing"],
)
def test_unusable_files_exit_2_with_one_message(db: Path, tmp_path: Path, capsys, make) -> None:
    path, _ = make(tmp_path)
    before = change_log_size(db)
    assert main(["import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert path.name in err and len(err.splitlines()) == 1
    assert change_log_size(db) == before


def test_wrong_sheet_exits_2(db: Path, tmp_path: Path, capsys) -> None:
    assert main(["import", str(good_file(tmp_path)), "--db", str(db), "--sheet", "Lain"]) == 2
    assert "Lembar 'Lain' tidak ada" in capsys.readouterr().err


def test_mapping_file_and_header_row(db: Path, tmp_path: Path, capsys) -> None:
    data = [["Daftar"], ["Kode", "Nama Warga", "Nomor Identitas", "Kelamin"]]
    data.append(["A1", "SITI", "3572015201600001", "P"])
    path = xlsx(tmp_path / "aneh.xlsx", data)
    mapping = tmp_path / "pemetaan.json"
    mapping.write_text(
        json.dumps({"header_row": 2, "columns": {"nik": "C", "name": "Nama Warga", "sex": "D"}})
    )
    args = ["import", str(path), "--db", str(db), "--mapping", str(mapping)]
    assert main(args) == 0
    assert "baru 1" in capsys.readouterr().out


def test_enrolments_need_a_known_program(db: Path, tmp_path: Path, capsys) -> None:
    args = ["import", str(good_file(tmp_path)), "--db", str(db), "--kind", "enrolments"]
    assert main([*args, "--program", "XYZ"]) == 2
    assert main(args) == 2  # no program at all
    assert main([*args, "--program", "rapelan"]) == 0


def table_lines(path: Path) -> list[str]:
    """An exported csv's table: the lines after the notice (what the file holds) and its blank
    line."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("# Berkas;")
    return lines[lines.index("") + 1 :]


def test_export_persons_and_households(db: Path, tmp_path: Path) -> None:
    main(["import", str(good_file(tmp_path)), "--db", str(db), "--kind", "households"])
    out = tmp_path / "orang.xlsx"
    assert main(["export", "--db", str(db), "--what", "persons", "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out).active
    assert ws is not None and ws.max_row == 4
    kpm = tmp_path / "kpm.csv"
    assert main(["export", "--db", str(db), "--what", "households", "-o", str(kpm)]) == 0
    assert table_lines(kpm)[0].startswith("NO KK;NIK;")
    filtered = tmp_path / "bendo.csv"
    args = ["export", "--db", str(db), "--kelurahan", "Bendo", "-o", str(filtered)]
    assert main(args) == 0
    assert len(table_lines(filtered)) == 1  # header only


def test_export_refuses_unknown_region_and_format(db: Path, tmp_path: Path, capsys) -> None:
    args = ["export", "--db", str(db), "--kelurahan", "Atlantis", "-o", str(tmp_path / "a.xlsx")]
    assert main(args) == 2
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "a.pdf")]) == 2
    assert not (tmp_path / "a.pdf").exists()


def test_csv_import_from_the_cli(db: Path, tmp_path: Path) -> None:
    rows = [HEADER] + [person_row(i, BORN) for i in (1, 2)]
    path = csv_file(tmp_path / "daftar.csv", rows, delimiter=",", encoding="cp1252")
    assert main(["import", str(path), "--db", str(db)]) == 0


def test_export_round_and_training(db: Path, tmp_path: Path, capsys) -> None:
    from desktop_app.services.distribution import DistributionService
    from tests.services.distribution_fixtures import build_world
    from tests.training_helpers import make_training

    ctx = open_app(db)
    try:
        build_world(ctx)
        svc = DistributionService(ctx)
        rid = svc.create_round(
            program_code="RASTRADA", name="Tahap I", item="Beras", quantity=10, unit="kg"
        )
        svc.open_round(rid)
        code = svc.get_round(rid).code
        training_id, _, _ = make_training(ctx, participants=2, sessions=2)
    finally:
        ctx.close()
    out = tmp_path / "tahap.csv"
    args = ["export", "--db", str(db), "--what", "round", "--round", code, "-o", str(out)]
    assert main(args) == 0
    assert table_lines(out)[0].startswith("NO;NIK;NO KK;NAMA")
    out = tmp_path / "hadir.xlsx"
    args = ["export", "--db", str(db), "--what", "training", "--training", training_id]
    assert main([*args, "-o", str(out)]) == 0
    assert main(["export", "--db", str(db), "--what", "round", "-o", str(out)]) == 2
    assert "--round" in capsys.readouterr().err
