"""`berdaya training list` and `berdaya print attendance-sheet|attendance-recap|certificates`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.services.context import AppContext
from desktop_app.services.training import TrainingService
from tests.training_helpers import make_training


@pytest.fixture
def finished(ctx: AppContext, db_path: Path) -> tuple[Path, str, list[str]]:
    svc = TrainingService(ctx)
    tid, sessions, parts = make_training(ctx, participants=4)
    for p, codes in zip(parts, ["HHHHH", "HHHHA", "HAAAA", "HHHHH"], strict=True):
        for s, c in zip(sessions, codes, strict=True):
            svc.set_attendance(s, p, c)
    svc.set_status(tid, "selesai")
    make_training(ctx, participants=0, title="Pelatihan Menjahit Tahap II", category="Menjahit")
    ctx.close()
    return db_path, tid, sessions


def test_list_json(finished: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture) -> None:
    db, tid, _ = finished
    assert main(["training", "list", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in rows}
    assert by_id[tid]["status"] == "selesai"
    assert by_id[tid]["participants"] == 4 and by_id[tid]["sessions"] == 5
    assert {r["title"] for r in rows} == {
        "Pelatihan Membuat Jajanan Pasar",
        "Pelatihan Menjahit Tahap II",
    }


def test_list_text(finished: tuple[Path, str, list[str]], capsys: pytest.CaptureFixture) -> None:
    db, tid, _ = finished
    assert main(["training", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert tid in out and "Selesai" in out and "Direncanakan" in out


def test_print_attendance_sheet_for_one_session(
    finished: tuple[Path, str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db, tid, sessions = finished
    out = tmp_path / "hadir.pdf"
    args = ["print", "attendance-sheet", "--db", str(db), "--training", tid[:23]]
    assert main([*args, "--session", sessions[1], "-o", str(out)]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert text.count("DAFTAR HADIR PESERTA PELATIHAN") == 1
    assert "1 sesi, 4 peserta" in capsys.readouterr().out


def test_print_all_sheets_and_recap(finished: tuple[Path, str, list[str]], tmp_path: Path) -> None:
    db, tid, _ = finished
    sheet, recap = tmp_path / "hadir.pdf", tmp_path / "rekap.pdf"
    base = ["--db", str(db), "--training", tid]
    assert main(["print", "attendance-sheet", *base, "-o", str(sheet)]) == 0
    assert main(["print", "attendance-recap", *base, "-o", str(recap)]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(sheet).pages)
    assert text.count("DAFTAR HADIR PESERTA PELATIHAN") == 5
    assert "REKAPITULASI" in PdfReader(recap).pages[0].extract_text()


def test_print_certificates_issues_numbers_once(
    finished: tuple[Path, str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db, tid, _ = finished
    out = tmp_path / "sertifikat.pdf"
    args = ["print", "certificates", "--db", str(db), "--training", tid, "-o", str(out)]
    assert main(args) == 0
    assert "3 sertifikat (3 nomor baru diterbitkan)" in capsys.readouterr().out
    assert len(PdfReader(out).pages) == 3
    assert main(args) == 0
    assert "3 sertifikat (0 nomor baru diterbitkan)" in capsys.readouterr().out


def test_refusals_and_bad_input(
    finished: tuple[Path, str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db, _tid, _ = finished
    out = tmp_path / "x.pdf"
    missing = ["print", "certificates", "--db", str(tmp_path / "none.sqlite")]
    assert main([*missing, "--training", "abc", "-o", str(out)]) == 2
    assert (
        main(["print", "certificates", "--db", str(db), "--training", "zzz", "-o", str(out)]) == 2
    )
    assert "tidak ditemukan" in capsys.readouterr().err
    assert main(["training", "list", "--db", str(db), "--json"]) == 0
    planned = next(r for r in json.loads(capsys.readouterr().out) if r["status"] == "direncanakan")
    args = ["print", "certificates", "--db", str(db), "--training", planned["id"], "-o", str(out)]
    assert main(args) == 1
    assert "setelah pelatihan dinyatakan selesai" in capsys.readouterr().err
    sheet = ["print", "attendance-sheet", "--db", str(db), "--training", planned["id"]]
    assert main([*sheet, "-o", str(out)]) == 1
    assert main([*sheet, "-o", str(tmp_path / "x.txt")]) == 2
    assert not out.exists()


def test_refusals_speak_the_chosen_language(
    finished: tuple[Path, str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from desktop_app.i18n import set_language

    db, _tid, _ = finished
    out = tmp_path / "x.pdf"
    try:
        args = ["--lang", "en", "print", "certificates", "--db", str(db), "-o", str(out)]
        assert main([*args, "--training", "zzz"]) == 2
        assert "Training 'zzz' not found" in capsys.readouterr().err
    finally:
        set_language("id")
