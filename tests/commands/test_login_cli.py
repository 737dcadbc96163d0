"""Commands on a database with accounts log in first: `--user` (or BERDAYA_USER) and the password
from a prompt or `--password-stdin`; every failed login exits 2 with its reason and opens
nothing. A database without accounts works as before."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.accounts import AccountService, login
from desktop_app.services.demo_accounts import DEMO_ACCOUNTS
from desktop_app.storage.db import copy_key_file
from tests.commands.cli_tools import CREATING, change_count, leaf_commands, required_argv
from tests.helpers import PasswordStdin, demo_password, login_as_demo_user, office_file


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("login") / "demo.sqlite"
    assert main(["demo", "--db", str(path), "--scale", "tiny"]) == 0
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kantor.sqlite"
    shutil.copy(demo_file, path)
    copy_key_file(demo_file, path)  # an encrypted database needs its key file
    return path


def _stdin(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr(sys, "stdin", PasswordStdin(*lines))


def test_the_demo_has_one_account_per_role_with_its_documented_password(db: Path) -> None:
    for username, full_name, role, _nip, password in DEMO_ACCOUNTS:
        ctx = login(db, username, password)
        try:
            user = ctx.current_actor()
            assert (user.full_name, user.role) == (full_name, role)
            assert not AccountService(ctx).must_change_password(username)
        finally:
            ctx.close()


def test_password_stdin_logs_in_before_or_after_the_subcommand(
    db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _stdin(monkeypatch, "demo-operator")
    argv = ["--db", str(db), "--user", "operator", "--password-stdin", "round", "list"]
    assert main(argv) == 0
    listed = capsys.readouterr().out
    assert "RST4" in listed
    _stdin(monkeypatch, "demo-operator")
    argv = ["round", "list", "--db", str(db), "--user", "operator", "--password-stdin"]
    assert main(argv) == 0
    assert capsys.readouterr().out == listed


def test_the_user_may_come_from_the_environment(
    db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("BERDAYA_USER", "pimpinan")
    _stdin(monkeypatch, "demo-pimpinan")
    assert main(["round", "list", "--db", str(db), "--password-stdin"]) == 0
    assert "RST4" in capsys.readouterr().out


def test_the_prompt_asks_for_the_password_on_a_terminal(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import desktop_app.cli

    asked: list[str] = []

    def answer(prompt: str = "") -> str:
        asked.append(prompt)
        return "demo-lapangan"

    monkeypatch.setattr(desktop_app.cli.getpass, "getpass", answer)
    assert main(["round", "list", "--db", str(db), "--user", "lapangan"]) == 0
    assert asked == ["Kata sandi lapangan: "]


def test_no_user_is_refused_with_exit_2(
    db: Path, no_login: None, capsys: pytest.CaptureFixture
) -> None:
    changes = change_count(db)
    assert main(["round", "list", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "memakai akun" in err and "--user NAMA" in err and "Traceback" not in err
    assert main(["--lang", "en", "round", "list", "--db", str(db)]) == 2
    assert "uses accounts" in capsys.readouterr().err
    assert change_count(db) == changes


def test_no_terminal_and_no_password_stdin_is_refused(
    db: Path, no_login: None, capsys: pytest.CaptureFixture
) -> None:
    assert main(["round", "list", "--db", str(db), "--user", "admin"]) == 2
    assert "--password-stdin" in capsys.readouterr().err


def test_an_empty_stdin_is_refused(
    db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _stdin(monkeypatch)
    assert main(["round", "list", "--db", str(db), "--user", "admin", "--password-stdin"]) == 2
    assert "stdin" in capsys.readouterr().err


def test_a_wrong_password_exits_2_with_the_reason(
    db: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    argv = ["round", "list", "--db", str(db), "--user", "operator", "--password-stdin"]
    _stdin(monkeypatch, "demo-admin")
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == "Nama pengguna atau kata sandi salah."
    assert captured.out == ""
    _stdin(monkeypatch, "salah-sekali")
    assert main(["--lang", "en", *argv]) == 2
    assert capsys.readouterr().err.strip() == "Wrong user name or password."
    _stdin(monkeypatch, "demo-operator")
    assert main(["round", "list", "--db", str(db), "--user", "tidak.ada", "--password-stdin"]) == 2
    assert "salah" in capsys.readouterr().err  # an unknown name reads like a wrong password


@pytest.mark.parametrize(
    ("command", "username"),
    [
        (["round", "list"], "operator"),
        # `pengguna daftar` opens read-only; guessing through it still ends in the lock-out.
        (["pengguna", "daftar"], "admin"),
    ],
)
def test_repeated_wrong_passwords_lock_the_account_out(
    db: Path,
    no_login: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    command: list[str],
    username: str,
) -> None:
    argv = [*command, "--db", str(db), "--user", username, "--password-stdin"]
    for _ in range(4):
        _stdin(monkeypatch, "tebakan-salah")
        assert main(argv) == 2
    capsys.readouterr()
    _stdin(monkeypatch, f"demo-{username}")  # right, but too soon
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Terlalu banyak kata sandi salah" in err and "detik" in err


def test_a_disabled_account_cannot_log_in(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert main(["pengguna", "nonaktifkan", "peksos", "--db", str(db)]) == 0
    login_as_demo_user(monkeypatch, "peksos")
    assert main(["round", "list", "--db", str(db)]) == 2
    # Disabling removed the account's wrapped key from the key file: its password opens nothing.
    assert "kata sandi salah" in capsys.readouterr().err


# Commands that run without a login: `check` reads only the file's health and table counts,
# `pengguna pertama` makes the first account, `pengguna pulihkan` opens with the recovery key.
WITHOUT_LOGIN = {("check",), ("pengguna", "pertama"), ("pengguna", "pulihkan")}
LOGGED_IN = [
    (command, parser)
    for command, parser in leaf_commands()
    if command not in CREATING and command not in WITHOUT_LOGIN
]


@pytest.mark.parametrize(("command", "parser"), LOGGED_IN, ids=["-".join(c) for c, _ in LOGGED_IN])
def test_every_command_logs_in_before_it_reads_the_database(
    command: tuple[str, ...],
    parser: argparse.ArgumentParser,
    demo_file: Path,
    tmp_path: Path,
    no_login: None,
    capsys: pytest.CaptureFixture,
) -> None:
    # A new command that opened the database another way would skip the login: this finds it.
    db = tmp_path / "kantor.sqlite"
    shutil.copy(demo_file, db)
    copy_key_file(demo_file, db)  # an encrypted database needs its key file
    argv = [*command, *required_argv(parser, tmp_path), "--db", str(db)]
    assert main(argv) == 2
    assert "--user NAMA" in capsys.readouterr().err


def test_commands_on_the_file_itself_log_in_too(
    db: Path, tmp_path: Path, no_login: None, capsys: pytest.CaptureFixture
) -> None:
    # A backup is every person's data: it needs a login like any other command.
    out = tmp_path / "cadangan.sqlite"
    assert main(["backup", "--db", str(db), "-o", str(out)]) == 2
    assert "--user" in capsys.readouterr().err
    assert not out.exists()


def test_export_needs_a_login(
    db: Path, tmp_path: Path, no_login: None, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "orang.csv"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 2
    assert not out.exists()


def test_a_database_without_accounts_needs_no_login(
    tmp_path: Path, no_login: None, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "lama.sqlite"
    with office_file(path):
        pass
    assert main(["round", "list", "--db", str(path)]) == 0
    assert main(["--create", "round", "list", "--db", str(tmp_path / "baru.sqlite")]) == 0


def test_a_field_officer_cannot_export_children_in_conflict_with_the_law(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    login_as_demo_user(monkeypatch, "lapangan")
    out = tmp_path / "abh.csv"
    assert main(["export", "--program", "ABH", "--db", str(db), "-o", str(out)]) != 0
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_demo_passwords_are_the_documented_ones() -> None:
    assert demo_password("operator") == "demo-operator"
    assert {account[0] for account in DEMO_ACCOUNTS} == {
        "admin",
        "operator",
        "lapangan",
        "peksos",
        "pimpinan",
    }


def test_the_gui_demo_builds_its_accounts_and_gives_them_to_an_old_demo_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import desktop_app.cli
    import desktop_app.gui.app
    from desktop_app.services.demo import DemoOptions, generate_demo

    opened: list[Path] = []

    def run_app(path: Path, lang: str | None = None, demo: bool | None = None) -> int:
        opened.append(path)
        return 0

    monkeypatch.setattr(desktop_app.gui.app, "run_app", run_app)
    old_demo = tmp_path / "berdaya-demo" / "berdaya-demo.sqlite"
    monkeypatch.setattr(desktop_app.cli, "demo_db_path", lambda: old_demo)
    generate_demo(old_demo, DemoOptions(scale="tiny", seed=7, accounts=False))
    assert not desktop_app.cli.uses_accounts(old_demo)
    assert main(["--demo"]) == 0
    assert opened == [old_demo]
    assert desktop_app.cli.uses_accounts(old_demo)
    login(old_demo, "admin", demo_password("admin")).close()
    # A database named with --db is never given the demo's known passwords.
    other = tmp_path / "kantor.sqlite"
    with office_file(other):
        pass
    assert main(["--demo", "--db", str(other)]) == 0
    assert not desktop_app.cli.uses_accounts(other)


def test_an_encrypted_demo_logs_in_every_role(
    tmp_path: Path, no_login: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from desktop_app.services import demo

    monkeypatch.setattr(demo, "DEMO_ENCRYPTED", True)
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path), "--scale", "tiny"]) == 0
    for username, *_rest, password in DEMO_ACCOUNTS:
        _stdin(monkeypatch, password)
        argv = ["--db", str(path), "--user", username, "--password-stdin", "round", "list"]
        assert main(argv) == 0, username
    _stdin(monkeypatch, "demo-admin")
    argv = ["--db", str(path), "--user", "operator", "--password-stdin", "round", "list"]
    assert main(argv) == 2
