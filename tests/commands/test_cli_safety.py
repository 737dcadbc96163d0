"""The command line never creates a database by accident, names why a file cannot be used, and
never ends in a traceback: a wrong --db, a closed pipe, a file name that is not text."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import _GuardedStream, build_parser, main
from desktop_app.services.accounts import login
from desktop_app.services.exporter import ExportService
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.storage.db import copy_key_file
from tests.commands.cli_tools import (
    CREATING,
    change_count,
    digest,
    leaf_commands,
    listing,
    required_argv,
)
from tests.helpers import PasswordStdin, demo_password

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [path for path, _ in leaf_commands() if path not in CREATING]


def _argv(command: tuple[str, ...], folder: Path) -> list[str]:
    parser = dict(leaf_commands())[command]
    return [*command, *required_argv(parser, folder)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    assert main(["demo", "--db", str(path), "--scale", "tiny"]) == 0
    return path


def test_the_command_list_is_found() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"import", "export", "round list", "sync import", "print receipts"} <= names


def test_every_subcommand_db_option_keeps_a_db_given_before_it() -> None:
    # A subcommand's own default would overwrite `berdaya --db F CMD`: every --db is SUPPRESS.
    for command, parser in leaf_commands(build_parser()):
        for action in parser._actions:
            if action.dest in ("db", "create"):
                assert action.default is argparse.SUPPRESS, command


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c))
def test_a_missing_db_is_refused_and_nothing_is_created(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "typo" / "berdaya.sqlite"
    argv = _argv(command, tmp_path)
    before = listing(tmp_path)
    assert main([*argv, "--db", str(target)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if command != ("check",):
        assert "tidak ditemukan" in err and "--create" in err
    assert listing(tmp_path) == before
    # The same with --db before the subcommand, and in English.
    assert main(["--lang", "en", "--db", str(target), *argv]) == 2
    err = capsys.readouterr().err
    if command != ("check",):
        assert "was not found" in err
    assert listing(tmp_path) == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "kosong"),
        (os.urandom(4096), "bukan basis data Berdaya"),
        (b"PK\x03\x04 a spreadsheet, not a database" * 50, "bukan basis data Berdaya"),
    ],
    ids=["empty", "random-bytes", "zip"],
)
@pytest.mark.parametrize(
    "command", [("import",), ("export",), ("round", "list"), ("sync", "import"), ("backup",)]
)
def test_a_file_that_is_not_a_database_is_named_and_left_alone(
    command: tuple[str, ...],
    content: bytes,
    says: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "berdaya.sqlite"
    path.write_bytes(content)
    before, files = digest(path), listing(tmp_path)
    assert main([*_argv(command, tmp_path), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert "tidak ditemukan" not in err
    assert digest(path) == before
    assert listing(tmp_path) == files  # no -wal, -shm or -journal beside it


def test_check_names_an_empty_file_empty(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "kosong.sqlite"
    path.write_bytes(b"")
    assert main(["check", "--db", str(path)]) == 2
    assert "kosong" in capsys.readouterr().err
    assert listing(tmp_path) == ["kosong.sqlite"]


def test_a_locked_database_is_named_in_use(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.storage import db as db_module
    from desktop_app.storage.keyring import Keyring

    path = tmp_path / "locked.sqlite"
    shutil.copy(demo_db, path)
    db_module.copy_key_file(demo_db, path)  # the demo is encrypted: its key file goes along
    key = Keyring.load(path).unlock("admin", demo_password("admin"))
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 50)
    # The app's own driver: two SQLite libraries in one process do not see each other's locks.
    holder = db_module.driver.connect(str(path), key=key, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO setting (key, value) VALUES ('lock', '1')")
        assert main(["round", "list", "--db", str(path)]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "sedang dipakai program lain" in capsys.readouterr().err


def test_import_into_a_mistyped_db_creates_no_second_registry(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    sheet = tmp_path / "daftar.csv"
    sheet.write_text("NIK;NAMA\n3572015005900001;Contoh Satu\n", encoding="utf-8")
    wrong = tmp_path / "berdaya.sqlte"
    assert main(["import", str(sheet), "--db", str(wrong), "--json"]) == 2
    captured = capsys.readouterr()
    assert '"error": "cli.db_missing"' in captured.out
    assert not wrong.exists()
    assert listing(tmp_path) == ["daftar.csv"]


def test_create_makes_a_new_database_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "baru" / "berdaya.sqlite"
    assert main(["round", "list", "--db", str(path)]) == 2
    assert not path.parent.exists()
    assert main(["--create", "round", "list", "--db", str(path)]) == 0
    assert path.exists()
    assert main(["round", "list", "--db", str(path)]) == 0  # now it exists


def test_a_refused_command_removes_the_database_it_created(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bundle = tmp_path / "kiriman.bdl"
    bundle.write_bytes(os.urandom(2000))
    path = tmp_path / "lapangan" / "baru" / "berdaya.sqlite"
    before = listing(tmp_path)
    assert main(["sync", "import", str(bundle), "--db", str(path), "--create"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert listing(tmp_path) == before  # no database, no -wal/-shm, no folders


def test_a_refused_command_leaves_an_existing_database_in_place(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "kantor.sqlite"
    shutil.copy(demo_db, path)
    copy_key_file(demo_db, path)  # an encrypted database needs its key file
    changes = change_count(path)
    bundle = tmp_path / "kiriman.bdl"
    bundle.write_bytes(os.urandom(2000))
    assert main(["sync", "import", str(bundle), "--db", str(path), "--create"]) == 2
    assert path.exists() and change_count(path) == changes


def test_db_before_or_after_the_subcommand(
    tmp_path: Path, demo_db: Path, capsys: pytest.CaptureFixture
) -> None:
    fresh = tmp_path / "demo.sqlite"
    assert main(["--db", str(fresh), "demo", "--scale", "tiny"]) == 0
    assert "required" not in capsys.readouterr().err
    assert main(["--db", str(demo_db), "round", "list", "--json"]) == 0
    before = capsys.readouterr().out
    assert main(["round", "list", "--json", "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out == before


def test_demo_without_db_is_one_sentence(capsys: pytest.CaptureFixture) -> None:
    assert main(["demo", "--scale", "tiny"]) == 2
    err = capsys.readouterr().err
    assert "--db" in err and "usage" not in err


def test_export_with_a_search_writes_every_match(demo_db: Path, tmp_path: Path) -> None:
    ctx = login(demo_db, "admin", demo_password("admin"))
    try:
        flt = PersonFilter(query="a", max_matches=3)  # the screen's cap, made tiny
        matches = RegistryService(ctx).count_persons(PersonFilter(query="a"))
        table = ExportService(ctx).persons_table(flt)
        assert matches > 3 and table.count == matches == len(list(table.rows))
    finally:
        ctx.close()


def test_export_query_through_the_cli_is_not_cut(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = login(demo_db, "admin", demo_password("admin"))
    try:
        expected = RegistryService(ctx).count_persons(PersonFilter(query="a"))
    finally:
        ctx.close()
    # The matches include people in restricted programs: only a password-protected xlsx.
    out = tmp_path / "orang.xlsx"
    monkeypatch.setattr("sys.stdin", PasswordStdin("sandi-berkas-1"))
    args = ["export", "--db", str(demo_db), "--query", "a", "-o", str(out)]
    assert main([*args, "--file-password-stdin"]) == 0
    assert f"({expected} baris; dilindungi kata sandi)" in capsys.readouterr().out


def test_an_argument_that_is_not_text_is_refused(
    demo_db: Path, capsys: pytest.CaptureFixture
) -> None:
    # "\udcff" is how Python hands over the byte 0xFF of a Latin-1 file name on Linux.
    assert main(["import", "daftar\udcff.csv", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert "UTF-8" in err and "\\xff" in err
    assert main(["export", "--db", str(demo_db), "--query", "a\x00b", "-o", "x.csv"]) == 2
    assert main(["--lang", "en", "export", "--query", "\ud800"]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


def test_non_utf8_bytes_on_the_real_command_line(demo_db: Path, tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "desktop_app", "import", b"daftar\xff.csv", "--db", demo_db]
    done = subprocess.run(argv, cwd=tmp_path, env=_env(), capture_output=True, timeout=120)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"UTF-8" in done.stderr


def test_json_into_a_closed_pipe_ends_quietly(demo_db: Path, tmp_path: Path) -> None:
    # The reader is gone before the command writes: every write meets a broken pipe.
    argv = [sys.executable, "-m", "desktop_app", "round", "list", "--json", "--db", str(demo_db)]
    argv += ["--password-stdin"]  # BERDAYA_USER names the demo account (tests/commands/conftest)
    proc = subprocess.Popen(
        argv,
        cwd=tmp_path,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(demo_password("admin").encode() + b"\n")
    proc.stdin.close()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0
    assert err == b""


def test_large_json_into_head_ends_quietly(demo_db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "besar.csv"
    rows = "".join(f"{i:016d};Orang {i}\n" for i in range(3000))
    sheet.write_text("NIK;NAMA\n" + rows, encoding="utf-8")
    if shutil.which("head") is None:
        pytest.skip("no head(1) here")
    script = (
        f'echo "{demo_password("admin")}" | "{sys.executable}" -m desktop_app import "{sheet}"'
        f' --db "{demo_db}" --password-stdin --dry-run --json'
        ' | head -c 1 >/dev/null; echo "${PIPESTATUS[1]}"'
    )
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=_env(), capture_output=True, timeout=300
    )
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr
    assert done.stderr == b""
    assert done.stdout.strip() == b"1"  # the import's own exit code: rows were rejected


class _ClosedPipe:
    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


class _Ascii:
    encoding = "ascii"

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        text.encode("ascii")
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_the_guarded_stream_drops_output_for_a_gone_reader_and_escapes_the_rest() -> None:
    gone = _GuardedStream(_ClosedPipe())  # type: ignore[arg-type]
    assert gone.write("x" * 100) == 100
    gone.flush()
    assert gone.reader_gone
    console = _Ascii()
    _GuardedStream(console).write("Kelurahan Sukorejo — Blitar")  # type: ignore[arg-type]
    assert console.parts == ["Kelurahan Sukorejo \\u2014 Blitar"]
