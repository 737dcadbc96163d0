"""`berdaya pengguna`: the first administrator, accounts added, changed, disabled, passwords
reset and changed, all from the command line; passwords never as arguments."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.accounts import login
from tests.helpers import PasswordStdin, office_file

ADMIN_PASSWORD = "kunci-kantor-1"


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], *lines: str) -> int:
    """One command with `--password-stdin`: `lines` are its stdin lines."""
    monkeypatch.setattr(sys, "stdin", PasswordStdin(*lines))
    return main([*argv, "--password-stdin"])


def _as(db: Path, username: str, *argv: str) -> list[str]:
    return [*argv, "--db", str(db), "--user", username]


@pytest.fixture
def db(tmp_path: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:  # noqa: ANN001
    """A new office database whose first administrator is sari."""
    path = tmp_path / "kantor.sqlite"
    argv = ["pengguna", "pertama", "sari", "--nama-lengkap", "Sari Wulandari", "--db", str(path)]
    assert _run(monkeypatch, [*argv, "--create"], ADMIN_PASSWORD) == 0
    out = capsys.readouterr().out
    assert "Administrator sari dibuat." in out
    return path


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """An office database from before accounts: data, but no account yet."""
    path = tmp_path / "lama.sqlite"
    with office_file(path):
        pass
    return path


def _add_field_officer(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = _as(db, "sari", "pengguna", "tambah", "budi", "--nama-lengkap", "Budi Santoso")
    argv += ["--peran", "field", "--nip", "198501012010011001"]
    assert _run(monkeypatch, argv, ADMIN_PASSWORD, "sandi-awal-1") == 0


def test_first_administrator_then_login(db: Path) -> None:
    ctx = login(db, "sari", ADMIN_PASSWORD)
    try:
        user = ctx.current_actor()
        assert (user.full_name, str(user.role), user.supervisor) == (
            "Sari Wulandari",
            "admin",
            True,
        )
    finally:
        ctx.close()


def test_first_administrator_only_once(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    argv = ["pengguna", "pertama", "eko", "--nama-lengkap", "Eko", "--db", str(db)]
    assert _run(monkeypatch, argv, "sandi-lain-22") == 1
    assert "sudah memiliki akun" in capsys.readouterr().err


def test_first_administrator_on_a_database_with_data(
    old_db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = old_db
    argv = ["pengguna", "pertama", "admin.dinsos", "--nama", "Admin Dinsos", "--db", str(path)]
    assert _run(monkeypatch, argv, "sandi-admin-1") == 0
    assert main(["round", "list", "--db", str(path)]) == 2  # now it needs a login


def test_a_weak_first_password_creates_nothing(
    tmp_path: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "baru" / "kantor.sqlite"
    argv = ["pengguna", "pertama", "sari", "--nama", "Sari", "--db", str(path), "--create"]
    assert _run(monkeypatch, argv, "pendek") == 2
    assert "minimal 8 karakter" in capsys.readouterr().err
    assert not path.parent.exists()


def test_the_prompt_asks_a_new_password_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import desktop_app.cli

    answers = iter(["sandi-baru-123", "sandi-lain-123"])
    monkeypatch.setattr(desktop_app.cli.getpass, "getpass", lambda prompt="": next(answers))
    path = tmp_path / "kantor.sqlite"
    argv = ["pengguna", "pertama", "sari", "--nama", "Sari", "--db", str(path), "--create"]
    assert main(argv) == 2
    assert "tidak sama" in capsys.readouterr().err
    assert not path.exists()


def test_list_shows_every_account(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    capsys.readouterr()
    assert _run(monkeypatch, _as(db, "sari", "pengguna", "daftar"), ADMIN_PASSWORD) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["Nama", "Nama", "lengkap"]
    budi = next(line for line in lines if line.startswith("budi"))
    assert "Budi Santoso" in budi and "Petugas lapangan" in budi and "198501012010011001" in budi
    argv = _as(db, "sari", "--lang", "en", "pengguna", "daftar", "--json")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["username"] for r in rows] == ["budi", "sari"]
    assert rows[0]["must_change_password"] is True and rows[0]["role"] == "field"
    assert "password_hash" not in rows[0]


def test_only_an_administrator_manages_accounts(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    assert (
        _run(
            monkeypatch, _as(db, "budi", "pengguna", "ganti-sandi"), "sandi-awal-1", "sandi-budi-22"
        )
        == 0
    )
    capsys.readouterr()
    assert _run(monkeypatch, _as(db, "budi", "pengguna", "daftar"), "sandi-budi-22") == 1
    assert "tidak berhak mengelola pengguna" in capsys.readouterr().err
    argv = _as(db, "budi", "pengguna", "tambah", "rina", "--nama", "Rina", "--peran", "admin")
    assert _run(monkeypatch, argv, "sandi-budi-22", "sandi-rina-22") == 1
    assert "tidak berhak" in capsys.readouterr().err


def test_a_new_account_must_change_its_first_password(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    capsys.readouterr()
    assert _run(monkeypatch, _as(db, "budi", "round", "list"), "sandi-awal-1") == 2
    assert "pengguna ganti-sandi --user budi" in capsys.readouterr().err
    argv = _as(db, "budi", "pengguna", "ganti-sandi")
    assert _run(monkeypatch, argv, "sandi-awal-1", "sandi-budi-22") == 0
    assert "Kata sandi Anda diganti." in capsys.readouterr().out
    assert _run(monkeypatch, _as(db, "budi", "round", "list"), "sandi-awal-1") == 2
    assert _run(monkeypatch, _as(db, "budi", "round", "list"), "sandi-budi-22") == 0


def test_add_refuses_bad_input_and_taken_names(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    capsys.readouterr()
    base = _as(db, "sari", "pengguna", "tambah")
    taken = [*base, "budi", "--nama", "Budi Lain", "--peran", "operator"]
    assert _run(monkeypatch, taken, ADMIN_PASSWORD, "sandi-lain-22") == 1
    assert "sudah dipakai" in capsys.readouterr().err
    bad_nip = [*base, "rina", "--nama", "Rina", "--peran", "operator", "--nip", "123"]
    assert _run(monkeypatch, bad_nip, ADMIN_PASSWORD, "sandi-rina-22") == 2
    assert "18 angka" in capsys.readouterr().err
    bad_name = [*base, "R", "--nama", "Rina", "--peran", "operator"]
    assert _run(monkeypatch, bad_name, ADMIN_PASSWORD, "sandi-rina-22") == 2
    bad_role = [*base, "rina", "--nama", "Rina", "--peran", "raja"]
    assert _run(monkeypatch, bad_role, ADMIN_PASSWORD, "sandi-rina-22") == 2  # argparse
    weak = [*base, "rina", "--nama", "Rina", "--peran", "operator"]
    assert _run(monkeypatch, weak, ADMIN_PASSWORD, "rina") == 2


def test_change_disable_enable(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    argv = _as(db, "sari", "pengguna", "ubah", "budi", "--peran", "operator", "--penyelia")
    assert _run(monkeypatch, [*argv, "--nip", ""], ADMIN_PASSWORD) == 0
    capsys.readouterr()
    assert _run(monkeypatch, _as(db, "sari", "pengguna", "daftar", "--json"), ADMIN_PASSWORD) == 0
    budi = json.loads(capsys.readouterr().out)[0]
    assert (budi["role"], budi["supervisor"], budi["nip"]) == ("operator", True, None)

    assert (
        _run(monkeypatch, _as(db, "sari", "pengguna", "nonaktifkan", "budi"), ADMIN_PASSWORD) == 0
    )
    assert "dinonaktifkan" in capsys.readouterr().out
    argv = _as(db, "budi", "pengguna", "ganti-sandi")
    assert _run(monkeypatch, argv, "sandi-awal-1", "sandi-budi-22") == 2
    # Disabling removed budi's wrapped key from the key file: the old password opens nothing.
    assert "kata sandi salah" in capsys.readouterr().err

    argv = _as(db, "sari", "pengguna", "ubah", "budi", "--aktifkan")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD) == 0
    # Enabled again, the account needs a new password from the administrator to open the file.
    argv = _as(db, "sari", "pengguna", "reset-sandi", "budi")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD, "sandi-awal-2") == 0
    argv = _as(db, "budi", "pengguna", "ganti-sandi")
    assert _run(monkeypatch, argv, "sandi-awal-2", "sandi-budi-22") == 0


def test_the_last_administrator_stays(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert (
        _run(monkeypatch, _as(db, "sari", "pengguna", "nonaktifkan", "sari"), ADMIN_PASSWORD) == 1
    )
    assert "administrator aktif terakhir" in capsys.readouterr().err
    argv = _as(db, "sari", "pengguna", "ubah", "sari", "--peran", "operator")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD) == 1


def test_reset_password(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    argv = _as(db, "budi", "pengguna", "ganti-sandi")
    assert _run(monkeypatch, argv, "sandi-awal-1", "sandi-budi-22") == 0
    argv = _as(db, "sari", "pengguna", "reset-sandi", "budi")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD, "sementara-33") == 0
    assert "wajib diganti" in capsys.readouterr().out
    assert _run(monkeypatch, _as(db, "budi", "round", "list"), "sandi-budi-22") == 2
    assert _run(monkeypatch, _as(db, "budi", "round", "list"), "sementara-33") == 2  # change first
    assert "ganti-sandi" in capsys.readouterr().err
    argv = _as(db, "sari", "pengguna", "reset-sandi", "tidak.ada")
    assert _run(monkeypatch, argv, ADMIN_PASSWORD, "sementara-33") == 1
    assert "tidak ditemukan" in capsys.readouterr().err


def test_recovery_needs_an_encrypted_database(
    tmp_path: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # Recovery works with the key file of an encrypted database (storage.keyring); a plain one
    # has no recovery key, and another administrator resets the password instead.
    from desktop_app.commands import users

    monkeypatch.setattr(users, "FIRST_ADMIN_ENCRYPTS", False)
    path = tmp_path / "polos.sqlite"
    argv = ["pengguna", "pertama", "sari", "--nama-lengkap", "Sari Wulandari", "--db", str(path)]
    assert _run(monkeypatch, [*argv, "--create"], ADMIN_PASSWORD) == 0
    capsys.readouterr()
    argv = ["pengguna", "pulihkan", "sari", "--db", str(path)]
    assert _run(monkeypatch, argv, "KUNCI-PEMULIHAN", "sandi-baru-44") == 2
    assert "reset-sandi" in capsys.readouterr().err


def test_a_wrong_recovery_key_is_refused(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    argv = ["pengguna", "pulihkan", "sari", "--db", str(db)]
    assert _run(monkeypatch, argv, "KUNCI-PEMULIHAN", "sandi-baru-44") == 2
    assert "Kunci pemulihan salah" in capsys.readouterr().err


def test_account_commands_on_a_database_without_accounts(
    old_db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = old_db
    assert main(["pengguna", "daftar", "--db", str(path)]) == 0
    assert "pengguna pertama" in capsys.readouterr().out
    argv = ["pengguna", "tambah", "budi", "--nama", "Budi", "--peran", "field", "--db", str(path)]
    assert _run(monkeypatch, argv, "sandi-budi-22") == 2  # never a first account that is no admin
    assert "pengguna pertama" in capsys.readouterr().err
    assert main(["round", "list", "--db", str(path)]) == 0  # still no login needed


def test_the_user_name_is_not_case_sensitive(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _add_field_officer(db, monkeypatch)
    assert _run(monkeypatch, _as(db, "Budi", "round", "list"), "sandi-awal-1") == 2
    assert "--user budi" in capsys.readouterr().err  # still has to change the first password
    argv = _as(db, " BUDI ", "pengguna", "ganti-sandi")
    assert _run(monkeypatch, argv, "sandi-awal-1", "sandi-budi-22") == 0
    assert _run(monkeypatch, _as(db, "Budi", "round", "list"), "sandi-budi-22") == 0


def test_first_administrator_encrypts_and_the_recovery_key_sets_a_new_password(
    tmp_path: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from desktop_app.commands import users

    monkeypatch.setattr(users, "FIRST_ADMIN_ENCRYPTS", True)
    path = tmp_path / "kantor.sqlite"
    argv = ["pengguna", "pertama", "sari", "--nama", "Sari", "--db", str(path), "--create"]
    assert _run(monkeypatch, argv, ADMIN_PASSWORD) == 0
    out = capsys.readouterr().out
    assert "KUNCI PEMULIHAN" in out
    recovery_key = out.split("KUNCI PEMULIHAN", 1)[1].splitlines()[1].strip()
    assert recovery_key
    argv = ["pengguna", "pulihkan", "sari", "--db", str(path)]
    assert _run(monkeypatch, argv, "KUNCI-YANG-SALAH", "sandi-baru-44") == 2
    assert _run(monkeypatch, argv, recovery_key, "sandi-baru-44") == 0
    assert _run(monkeypatch, _as(path, "sari", "round", "list"), ADMIN_PASSWORD) == 2
    assert _run(monkeypatch, _as(path, "sari", "round", "list"), "sandi-baru-44") == 0


def test_a_new_recovery_key_replaces_the_old_one(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert _run(monkeypatch, _as(db, "sari", "pengguna", "kunci-pemulihan"), ADMIN_PASSWORD) == 0
    out = capsys.readouterr().out
    assert "KUNCI PEMULIHAN BARU" in out
    new_key = out.strip().splitlines()[-1].strip()
    argv = ["pengguna", "pulihkan", "sari", "--db", str(db)]
    assert _run(monkeypatch, argv, new_key, "sandi-baru-44") == 0
    capsys.readouterr()
    assert _run(monkeypatch, _as(db, "sari", "round", "list"), "sandi-baru-44") == 0
