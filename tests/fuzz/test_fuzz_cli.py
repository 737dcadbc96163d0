"""Fuzz: random and boundary arguments through every command, in-process.

The property, for every argument list: an exit code of 0, 1 or 2 with something said, never a
traceback nor the "unexpected error" net; after a refusal the database holds no new change; a
file that is not a database is left byte for byte as it was with nothing new beside it; a
database created with --create by a refused command is gone again.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop_app.cli import main
from tests.commands.cli_tools import change_count, leaf_commands, listing, required_argv

# `demo` fills a database (seconds each); it has its own tests.
COMMANDS = [(path, parser) for path, parser in leaf_commands() if path != ("demo",)]

BOUNDARY = [
    "",
    " ",
    "-",
    "--",
    "-1",
    "0",
    "1",
    "99999999999999999999999",
    "1e309",
    "nan",
    "RST4",
    "2025-02-30",
    "3572015005900001",
    "x" * 5000,
    "é ñ 漢字 🙂",
    "daftar\udcff.csv",  # a Latin-1 file name as Python sees it on Linux
    "a\x00b",
    "{0} {name} %s %(x)s",
    "'; DROP TABLE person; --",
    '"*" OR NEAR(',
    "\t\r\n",
]
# Values never hold "/" or "\\": an absolute or parent path would let `-o` write outside the
# test's folder.
TEXT = st.text(
    alphabet=st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",)), max_size=30
)
VALUES = st.one_of(st.sampled_from(BOUNDARY), TEXT)


@pytest.fixture(scope="module")
def arena(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A folder with a real database and files that only look like one; the fuzz runs in it."""
    folder = tmp_path_factory.mktemp("fuzz")
    real = folder / "kantor.sqlite"
    assert main(["demo", "--db", str(real), "--scale", "tiny"]) == 0
    (folder / "kosong.sqlite").write_bytes(b"")
    (folder / "acak.sqlite").write_bytes(os.urandom(8192))
    (folder / "lembar.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    (folder / "folder.sqlite").mkdir()
    previous = Path.cwd()
    os.chdir(folder)  # relative -o/FILE values land here
    try:
        yield {
            "real": real,
            "empty": folder / "kosong.sqlite",
            "random": folder / "acak.sqlite",
            "xlsx": folder / "lembar.xlsx",
            "folder": folder / "folder.sqlite",
            "missing": folder / "tidak-ada" / "berdaya.sqlite",
        }
    finally:
        os.chdir(previous)


@st.composite
def command_lines(draw: st.DrawFn, files: dict[str, Path]) -> tuple[list[str], str]:
    """A command with its required arguments (most values replaced by random ones), some of
    its options with random values, and now and then a stray token."""
    path, parser = draw(st.sampled_from(COMMANDS))
    # --create has its own test below: here a missing database must stay missing.
    options = [o for o in _options(parser) if o != "--create"]
    value = st.one_of(VALUES, st.sampled_from([str(p) for p in files.values()]))
    base = required_argv(parser, files["real"].parent)
    args = [t if t.startswith("-") or draw(st.booleans()) else draw(value) for t in base]
    for option, text in draw(st.lists(st.tuples(st.sampled_from(options), value), max_size=3)):
        args += [option, text]
    if draw(st.integers(0, 4)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(value))
    target = draw(st.sampled_from(["real", "real", "real", *sorted(files)]))
    front = draw(st.sampled_from([[], ["--lang", "en"], ["--lang", "id"]]))
    db = ["--db", str(files[target])]
    if draw(st.booleans()):
        return [*front, *db, *path, *args], target
    return [*front, *path, *args, *db], target


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help")]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _short(argv: list[str]) -> list[str]:
    return [a if len(a) < 80 else a[:60] + f"…({len(a)})" for a in argv]


def _check_outcome(code: int, out: str, err: str, argv: list[str]) -> None:
    assert code in (0, 1, 2), _short(argv)
    assert "Traceback" not in err, (_short(argv), err[-2000:])
    assert "kesalahan tak terduga" not in err and "unexpected error" not in err, (
        _short(argv),
        err[-600:],
    )
    if code:
        assert (out + err).strip(), _short(argv)  # a refusal says something


@settings(
    max_examples=int(os.environ.get("BERDAYA_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_arguments_end_in_a_sentence_and_change_nothing_when_refused(
    arena: dict[str, Path], data: st.DataObject
) -> None:
    argv, target = data.draw(command_lines(arena))
    fakes = {k: arena[k].read_bytes() for k in ("empty", "random", "xlsx")}
    before_files = set(listing(arena["real"].parent))
    changes = change_count(arena["real"])

    code, out, err = _run(argv)

    _check_outcome(code, out, err, argv)
    if code:
        assert change_count(arena["real"]) == changes, (argv, err)
        assert {k: arena[k].read_bytes() for k in fakes} == fakes, argv
    for key, content in fakes.items():  # a success may have written over one (`-o acak.sqlite`)
        arena[key].write_bytes(content)
    new_files = set(listing(arena["real"].parent)) - before_files
    litter = [f for f in new_files if f.endswith(("-wal", "-shm", "-journal"))]
    assert not [f for f in litter if not f.startswith("kantor.sqlite")], (argv, litter)
    event(f"exit {code}")
    missing = arena["missing"]
    if target == "missing" and argv.count(str(missing)) == 1:  # only as --db, not as -o
        assert not missing.exists() and not missing.parent.exists(), _short(argv)
    if missing.parent.exists():  # an output written there by a successful command
        _remove_database(missing)


@settings(
    max_examples=int(os.environ.get("BERDAYA_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_create_then_refused_leaves_no_database(
    arena: dict[str, Path], data: st.DataObject
) -> None:
    path, parser = data.draw(st.sampled_from(COMMANDS))
    options = _options(parser)
    tail = data.draw(
        st.lists(st.one_of(st.sampled_from(options or ["--json"]), VALUES), max_size=6)
    )
    fresh = arena["real"].parent / "baru" / "berdaya.sqlite"
    argv = [*path, *tail, "--db", str(fresh), "--create"]

    code, out, err = _run(argv)

    _check_outcome(code, out, err, argv)
    if code == 2:
        assert not fresh.parent.exists(), (argv, err)
    _remove_database(fresh)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(path.parent, ignore_errors=True)
