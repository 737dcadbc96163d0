"""`berdaya export` with restricted data and masked NIKs; `berdaya laporan-insiden`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from pypdf import PdfReader

from desktop_app.cli import main
from desktop_app.domain.access import Actor, Role
from desktop_app.services.accounts import AccountInput, AccountService
from desktop_app.services.context import open_app
from desktop_app.services.registry import PersonInput, RegistryService
from tests.helpers import make_nik

CHILD_NIK = make_nik(date(2012, 7, 8), "L", 3)
ADULT_NIK = make_nik(date(1970, 3, 4), "L", 1)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    ctx = open_app(path)
    try:
        reg = RegistryService(ctx)
        reg.create_person(
            PersonInput(name="WARGA UJI", sex="L", nik=ADULT_NIK, birth_date=date(1970, 3, 4))
        )
        child = reg.create_person(
            PersonInput(name="ANAK UJI", sex="L", nik=CHILD_NIK, birth_date=date(2012, 7, 8))
        )
        reg.enrol("ABH", person_id=child, details={"role": "korban"})
    finally:
        ctx.close()
    return path


@pytest.fixture
def as_role(db: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Run the commands logged in (the CLI's real login) as an account of `role`."""
    import desktop_app.cli

    def use(role: Role) -> None:
        username, password = f"uji.{role.value}".replace("_", "-"), "sandi-uji-123"
        ctx = open_app(db)
        try:
            accounts = AccountService(ctx)
            if not ctx.accounts_exist:
                admin = AccountInput("uji.admin", "Uji Admin", Role.ADMIN)
                accounts.add_account(admin, password, must_change_password=False)
            ctx.set_user(Actor("uji.admin", "Uji Admin", Role.ADMIN))
            if role is not Role.ADMIN:
                data = AccountInput(username, f"Uji {role.value}", role)
                accounts.add_account(data, password, must_change_password=False)
        finally:
            ctx.close()
        monkeypatch.setenv("BERDAYA_USER", "uji.admin" if role is Role.ADMIN else username)
        monkeypatch.setattr(desktop_app.cli, "_stdin_is_terminal", lambda: True)
        monkeypatch.setattr(desktop_app.cli.getpass, "getpass", lambda prompt="": password)

    return use


def test_export_of_abh_without_the_permission_is_refused(
    db: Path, tmp_path: Path, capsys, as_role
) -> None:
    as_role(Role.OPERATOR)
    out = tmp_path / "abh.xlsx"
    assert main(["export", "--db", str(db), "--program", "ABH", "-o", str(out)]) == 2
    assert "tidak boleh mengekspor data terbatas" in capsys.readouterr().err
    assert not out.exists()
    args = ["--lang", "en", "export", "--db", str(db), "--program", "ABH", "-o", str(out)]
    assert main(args) == 2
    assert "may not export restricted data" in capsys.readouterr().err


def test_restricted_export_reads_its_password_from_stdin(
    db: Path, tmp_path: Path, capsys, as_role, monkeypatch
) -> None:
    as_role(Role.SOCIAL_WORKER)
    out = tmp_path / "abh.xlsx"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing given
    assert main(["export", "--db", str(db), "--program", "ABH", "-o", str(out)]) == 2
    assert "beri kata sandi" in capsys.readouterr().err
    csv_out = tmp_path / "abh.csv"
    assert main(["export", "--db", str(db), "--program", "ABH", "-o", str(csv_out)]) == 2
    assert "tidak dapat diekspor ke CSV" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("sandi-rahasia-9\n"))
    args = ["export", "--db", str(db), "--program", "ABH", "-o", str(out)]
    assert main([*args, "--file-password-stdin"]) == 0
    assert "dilindungi kata sandi" in capsys.readouterr().out
    with out.open("rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        office.load_key(password="sandi-rahasia-9")
        plain = io.BytesIO()
        office.decrypt(plain)
    ws = openpyxl.load_workbook(plain).active
    assert ws is not None and ws["A2"].value == CHILD_NIK  # a social worker's preset: full NIK


def test_export_masks_nik_on_request(db: Path, tmp_path: Path, capsys, as_role) -> None:
    as_role(Role.OPERATOR)
    out = tmp_path / "warga.csv"
    assert main(["export", "--db", str(db), "--query", "WARGA", "-o", str(out)]) == 0
    assert "NIK disamarkan" in capsys.readouterr().out  # the operator's preset
    assert ADULT_NIK not in out.read_text(encoding="utf-8-sig")
    args = ["export", "--db", str(db), "--query", "WARGA", "--full-nik", "-o", str(out)]
    assert main(args) == 0
    assert ADULT_NIK in out.read_text(encoding="utf-8-sig")


def test_incident_report_command(db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "insiden.pdf"
    args = ["laporan-insiden", "--db", str(db), "--perangkat", "lap02", "-o", str(out)]
    assert main([*args, "--diketahui", "2026-12-05 08:30", "--uraian", "Tas hilang"]) == 0
    assert out.read_bytes().startswith(b"%PDF") and "insiden.pdf" in capsys.readouterr().out
    text = "".join(page.extract_text() or "" for page in PdfReader(out).pages)
    # The time typed is office time; the notice is due 3×24 h later.
    assert "5 Desember 2026 pukul 08.30 WIB" in text
    assert "8 Desember 2026 pukul 08.30 WIB" in text
    assert main([*args[:-1], str(tmp_path / "x.txt")]) == 2
    bad = ["laporan-insiden", "--db", str(db), "--perangkat", "laptop-02", "-o", str(out)]
    assert main(bad) == 2
    assert "LAP02" in capsys.readouterr().err
    assert main([*args, "--diketahui", "kemarin"]) == 2


def test_incident_report_needs_an_administrator(db: Path, tmp_path: Path, capsys, as_role) -> None:
    as_role(Role.FIELD)
    out = tmp_path / "insiden.pdf"
    assert main(["laporan-insiden", "--db", str(db), "-o", str(out)]) == 1
    assert "tidak berhak" in capsys.readouterr().err and not out.exists()
