"""`berdaya round|receive|print` for rounds: output and exit codes 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.context import open_app
from desktop_app.services.distribution import DistributionService
from tests.helpers import office_file
from tests.services.distribution_fixtures import World, build_world


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, World]:
    path = tmp_path / "office.sqlite"
    with office_file(path) as ctx:
        world = build_world(ctx)
    return path, world


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def open_rst4(capsys: pytest.CaptureFixture[str], p: str, name: str) -> None:
    """`round create` then `round open` for 30 kg of Rastrada rice: round RST4, open."""
    run(capsys, "round", "create", "--db", p, "--program", "RASTRADA", "--name", name,
        "--item", "Beras", "--qty", "30", "--unit", "kg")  # fmt: skip
    run(capsys, "round", "open", "--db", p, "--round", "RST4")


def test_round_lifecycle_and_receive(db, capsys):
    path, world = db
    p = str(path)
    code, out, _ = run(
        capsys, "round", "create", "--db", p, "--program", "RASTRADA", "--name",
        "Rastrada Tahap IV 2025", "--item", "Beras", "--qty", "30", "--unit", "kg",
    )  # fmt: skip
    assert code == 0 and "RST4" in out and "21 titik" in out
    code, out, _ = run(capsys, "round", "list", "--db", p, "--json")
    rounds = json.loads(out)
    assert code == 0 and rounds[0]["status"] == "draft" and rounds[0]["code"] == "RST4"

    code, _, err = run(
        capsys, "receive", "--db", p, "--round", "RST4", "--kk", world.families[0].kk
    )
    assert code == 1 and "belum dibuka" in err

    code, out, _ = run(capsys, "round", "open", "--db", p, "--round", "RST4")
    assert code == 0 and f"{len(world.families)} penerima" in out

    fam = world.families[0]
    code, out, err = run(capsys, "receive", "--db", p, "--round", "rst4", "--kk", fam.kk)
    assert code == 0 and out.strip() == "RST4-KANTOR-000001" and fam.head_name in err

    code, out, err = run(capsys, "receive", "--db", p, "--round", "RST4", "--nik", fam.head_nik)
    assert code == 1 and out == "" and "SUDAH MENERIMA" in err

    other = world.families[2]
    wife_id, wife_nik, wife = other.members[0]
    code, out, _ = run(
        capsys, "receive", "--db", p, "--round", "RST4", "--nik", other.head_nik,
        "--proxy-name", wife, "--proxy-nik", wife_nik, "--proxy-relation", "same_kk",
    )  # fmt: skip
    assert code == 0 and out.strip() == "RST4-KANTOR-000002"

    code, out, _ = run(capsys, "round", "show", "--db", p, "--round", "RST4")
    assert code == 0 and f"2 / {len(world.families)} diterima" in out

    code, out, _ = run(capsys, "round", "close", "--db", p, "--round", "RST4")
    assert code == 0
    code, _, err = run(
        capsys, "receive", "--db", p, "--round", "RST4", "--kk", world.families[1].kk
    )
    assert code == 1 and "ditutup" in err


def test_unusable_input_exits_2(db, capsys, tmp_path: Path):
    path, world = db
    p = str(path)
    assert run(capsys, "round", "create", "--db", p, "--program", "NOPE", "--name", "x",
               "--item", "Beras", "--qty", "1", "--unit", "kg")[0] == 2  # fmt: skip
    assert run(capsys, "round", "create", "--db", p, "--program", "RASTRADA", "--name", "x",
               "--item", "Beras", "--qty", "1", "--unit", "kg",
               "--points", str(tmp_path / "missing.csv"))[0] == 2  # fmt: skip
    assert run(capsys, "round", "list", "--db", str(tmp_path / "nothing.sqlite"))[0] == 2
    open_rst4(capsys, p, "Tahap 4")
    code, _, err = run(capsys, "receive", "--db", p, "--round", "RST4", "--nik", "12345")
    assert code == 2 and "16 digit" in err
    code, _, err = run(
        capsys, "receive", "--db", p, "--round", "RST4", "--kk", world.families[0].kk,
        "--proxy-name", "Budi", "--proxy-nik", "99", "--proxy-relation", "surat_kuasa",
    )  # fmt: skip
    assert code == 2 and "NIK pengambil" in err
    # Well-formed but unknown: refused (1), not unusable.
    code, _, err = run(capsys, "receive", "--db", p, "--round", "RST4", "--nik", "3572019999990001")
    assert code == 1 and "tidak ditemukan" in err
    # argparse: neither --nik nor --kk nor --card; main() returns its exit code, no SystemExit
    assert main(["receive", "--db", p, "--round", "RST4"]) == 2
    capsys.readouterr()


def test_scan_log_all_or_nothing(db, capsys, tmp_path: Path):
    path, world = db
    p = str(path)
    open_rst4(capsys, p, "Tahap 4")
    fams = world.families
    log = tmp_path / "scan.csv"
    log.write_text(
        f"kode;wakil_nama;wakil_nik;hubungan\n{fams[0].kk};;;\n3572019999990001;;;\n"
        f"{fams[1].kk};;;\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "receive", "--db", p, "--round", "RST4", "--from-csv", str(log))
    assert code == 1 and "tidak ada yang dicatat" in err
    assert "baris 3: DITOLAK" in out and "baris 2: OK" in out
    ctx = open_app(path)
    try:
        assert (
            DistributionService(ctx).totals(DistributionService(ctx).get_round("RST4").id).received
            == 0
        )
    finally:
        ctx.close()
    wife_id, wife_nik, wife = fams[2].members[0]
    log.write_text(
        f"kode;wakil_nama;wakil_nik;hubungan\n{fams[0].kk};;;\n{fams[2].kk};{wife};{wife_nik};kk\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "receive", "--db", p, "--round", "RST4", "--from-csv", str(log))
    assert code == 0 and "RST4-KANTOR-000001" in out and "RST4-KANTOR-000002" in out
    log.write_text("nama\nx\n", encoding="utf-8")
    code, _, err = run(capsys, "receive", "--db", p, "--round", "RST4", "--from-csv", str(log))
    assert code == 2 and "kolom kode" in err


def test_print_documents(db, capsys, tmp_path: Path):
    path, world = db
    p = str(path)
    run(capsys, "round", "create", "--db", p, "--program", "RASTRADA", "--name", "Tahap 4",
        "--item", "Beras", "--qty", "30", "--unit", "kg")  # fmt: skip
    code, out, _ = run(capsys, "print", "cards", "--db", p, "--round", "RST4",
                       "-o", str(tmp_path / "cards.pdf"))  # fmt: skip
    assert code == 0 and (tmp_path / "cards.pdf").exists()
    run(capsys, "round", "open", "--db", p, "--round", "RST4")
    run(capsys, "receive", "--db", p, "--round", "RST4", "--kk", world.families[0].kk)
    for document in ("list", "receipts", "bast", "recap"):
        target = tmp_path / f"{document}.pdf"
        code, out, err = run(capsys, "print", document, "--db", p, "--round", "RST4", "-o",
                             str(target))  # fmt: skip
        assert code == 0, err
        assert target.read_bytes().startswith(b"%PDF") and "PDF tersimpan" in out
    code, out, _ = run(capsys, "print", "list", "--db", p, "--round", "RST4", "--point", "1",
                       "-o", str(tmp_path / "p1.pdf"))  # fmt: skip
    assert code == 0
    code, _, err = run(capsys, "print", "list", "--db", p, "--round", "RST4", "--point", "99",
                       "-o", str(tmp_path / "p99.pdf"))  # fmt: skip
    assert code == 1 and "tidak ditemukan" in err


def test_receive_with_a_members_nik_records_that_member(db, capsys):
    """`receive --nik <the wife's NIK>` records her collecting, never the head in person."""
    path, world = db
    p = str(path)
    open_rst4(capsys, p, "Rastrada Tahap IV 2025")
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    code, out, err = run(
        capsys, "receive", "--db", p, "--round", "RST4", "--nik", wife_nik, "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert (data["recipient"], data["collector"], data["relation"]) == (
        fam.head_name,
        wife,
        "same_kk",
    )


def test_print_bast_with_handover_date_and_stock_then_a_copy(db, capsys, tmp_path: Path):
    path, world = db
    p = str(path)
    open_rst4(capsys, p, "Tahap 4")
    run(capsys, "receive", "--db", p, "--round", "RST4", "--kk", world.families[0].kk)
    out_pdf = str(tmp_path / "bast.pdf")
    code, out, err = run(capsys, "print", "bast", "--db", p, "--round", "RST4", "--point", "1",
                         "--received", "2.310", "-o", out_pdf)  # fmt: skip
    assert code == 0, err
    assert "BAST BAST/RST4/" in out and "/001 (baru)" in out
    code, out, err = run(capsys, "print", "bast", "--db", p, "--round", "RST4", "--point", "1",
                         "--received", "2310", "-o", out_pdf)  # fmt: skip
    assert code == 0 and "/001 (salinan)" in out
    code, _, err = run(capsys, "print", "bast", "--db", p, "--round", "RST4", "--point", "1",
                       "--handover-date", "2999-01-01", "-o", out_pdf)  # fmt: skip
    assert code == 1 and "belum tiba" in err
