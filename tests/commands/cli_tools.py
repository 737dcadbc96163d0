"""Helpers for the command-line safety and fuzz tests: every leaf command of the real parser,
with the required arguments filled in, so a new command is covered without editing a list."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from desktop_app.cli import build_parser

# Commands that do not refuse a missing --db the usual way: `demo` creates by design, `check`
# reports an unusable file (exit 2) in its own format.
CREATING = {("demo",)}


def leaf_commands(
    parser: argparse.ArgumentParser | None = None, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    parser = parser or build_parser()
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += leaf_commands(sub, (*prefix, name))
            return found
    return [(prefix, parser)]


def _value(action: argparse.Action, folder: Path) -> str:
    if action.choices:
        return str(next(iter(action.choices)))
    if action.type in (int, float):
        return "1"
    if action.type is Path:
        return str(folder / f"{action.dest}.txt")
    return "x"


def required_argv(parser: argparse.ArgumentParser, folder: Path) -> list[str]:
    """The smallest argument list the parser accepts (required options, positionals)."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            argv.append(_value(action, folder))
        elif action.required:
            argv += [action.option_strings[0], _value(action, folder)]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            first = group._group_actions[0]
            argv.append(first.option_strings[0])
            if first.nargs != 0:  # a flag (store_true) takes no value
                argv.append(_value(first, folder))
    return argv


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def change_count(path: Path) -> int:
    """Rows in the change log: any saved change adds one."""
    from desktop_app.storage import driver
    from desktop_app.storage.keyring import Keyring
    from tests.helpers import demo_password

    # The demo databases are encrypted: their administrator's demo password gives the key.
    key = None
    if Keyring.exists(path):
        key = Keyring.load(path).unlock("admin", demo_password("admin"))
    conn = driver.connect(f"{path.resolve().as_uri()}?mode=ro", key=key, uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM change_log").fetchone()[0])
    finally:
        conn.close()
