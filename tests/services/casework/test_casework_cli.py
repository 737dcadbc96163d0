"""`berdaya casework ...` and the casework documents under `berdaya print`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext
from tests.services.casework.conftest import PersonMaker


@pytest.fixture
def cases(ctx: AppContext, svc: CaseworkService, person: PersonMaker) -> dict[str, str]:
    sihore = svc.open_case(
        person("SIHORE", name="Mbah Karto"), "SIHORE", opened_on=date(2026, 9, 1), carer="Bu Ani"
    )
    svc.record_visit(sihore, services=["obat"], condition="baik", visited_on=date(2026, 10, 6))
    abh = svc.open_case(person("ABH", name="Dimas Prasetyo"), "ABH", opened_on=date(2026, 9, 1))
    dis = svc.open_case(person("DISABILITAS"), "DISABILITAS")
    device = svc.request_device(dis, "kruk")
    svc.hand_over_device(device)
    return {
        "sihore": sihore,
        "abh": abh,
        "device": device,
        "pending": svc.request_device(dis, "walker"),
    }


def test_list_and_overdue(
    db_path: Path, cases: dict[str, str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["casework", "list", "--db", str(db_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} >= {cases["sihore"], cases["abh"]}
    assert main(["casework", "list", "--db", str(db_path), "--program", "abh"]) == 0
    out = capsys.readouterr().out
    assert "Dimas Prasetyo" in out and "Mbah Karto" not in out
    assert main(["casework", "overdue", "--db", str(db_path)]) == 0
    assert "Mbah Karto" in capsys.readouterr().out


def test_print_documents(db_path: Path, cases: dict[str, str], tmp_path: Path) -> None:
    db = ["--db", str(db_path)]
    assert (
        main(["print", "sihore-recap", *db, "--month", "2026-10", "-o", str(tmp_path / "r.pdf")])
        == 0
    )
    assert (
        main(["print", "sihore-recap", *db, "--month", "2026-10", "-o", str(tmp_path / "r.xlsx")])
        == 0
    )
    card = ["print", "visit-card", *db, "--case", cases["sihore"][:30], "--month", "2026-10"]
    assert main([*card, "-o", str(tmp_path / "k.pdf")]) == 0
    assert (
        main(
            [
                "print",
                "device-receipt",
                *db,
                "--device",
                cases["device"],
                "-o",
                str(tmp_path / "t.pdf"),
            ]
        )
        == 0
    )
    assert (
        main(
            ["print", "hearing-summary", *db, "--case", cases["abh"], "-o", str(tmp_path / "h.pdf")]
        )
        == 0
    )
    assert {p.name for p in tmp_path.glob("*.*")} >= {"r.pdf", "r.xlsx", "k.pdf", "t.pdf", "h.pdf"}


def test_refusals_and_bad_input(
    db_path: Path, cases: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = ["--db", str(db_path)]
    out = str(tmp_path / "x.pdf")
    assert main(["print", "sihore-recap", *db, "--month", "Oktober", "-o", out]) == 2
    assert (
        main(["print", "sihore-recap", *db, "--month", "2026-10", "-o", str(tmp_path / "x.txt")])
        == 2
    )
    assert main(["print", "hearing-summary", *db, "--case", "zzz", "-o", out]) == 2
    assert main(["print", "hearing-summary", *db, "--case", cases["sihore"], "-o", out]) == 1
    assert main(["print", "device-receipt", *db, "--device", cases["pending"], "-o", out]) == 1
    assert "diserahkan" in capsys.readouterr().err
