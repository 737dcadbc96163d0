"""Test factories: synthetic identity numbers, persons (never real people) and rounds."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain import nik as _nik
from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import AppContext, open_app
from desktop_app.services.demo import DemoOptions, generate_demo
from desktop_app.services.distribution import DistributionService, PointInput
from desktop_app.services.registry import PersonInput
from tests.conftest import FIXED_NOW


def make_nik(birth: date, sex: str = "L", serial: int = 1, region: str = "357201") -> str:
    return _nik.make_nik(region, birth, sex, serial)


def make_kk(serial: int = 1, region: str = "357201", issued: date = date(2015, 3, 10)) -> str:
    return _nik.make_kk(region, issued, serial)


KEPANJENKIDUL = "35.72.01.1001"


def person_input(
    name: str = "Siti Rahayu",
    sex: str = "P",
    birth: date = date(1958, 4, 12),
    serial: int = 1,
    kel: str = KEPANJENKIDUL,
    **overrides: object,
) -> PersonInput:
    """A valid synthetic person whose NIK agrees with its sex and birth date."""
    fields: dict[str, object] = {
        "name": name,
        "sex": sex,
        "nik": make_nik(birth, sex, serial),
        "birth_date": birth,
        "street": "Jl. Kenanga 5",
        "rt": "2",
        "rw": "4",
        "kelurahan_code": kel,
    }
    fields.update(overrides)
    return PersonInput(**fields)  # type: ignore[arg-type]


def draft_round(
    ctx: AppContext,
    *,
    program_code: str = "RASTRADA",
    name: str = "Rastrada Tahap IV 2025",
    item: str = "Beras",
    quantity: float = 30,
    unit: str = "kg",
    code: str | None = None,
    points: Sequence[PointInput] | None = None,
) -> str:
    """A distribution round in draft: 30 kg of rice for Rastrada unless a test needs otherwise."""
    return DistributionService(ctx).create_round(
        program_code=program_code,
        name=name,
        item=item,
        quantity=quantity,
        unit=unit,
        code=code,
        points=points,
    )


def open_round(ctx: AppContext, **round_fields: Any) -> str:
    """A round like `draft_round` (same keywords), opened so the counter can record receipts."""
    rid = draft_round(ctx, **round_fields)
    DistributionService(ctx).open_round(rid)
    return rid


@contextmanager
def office_file(path: Path) -> Iterator[AppContext]:
    """The office database at `path`, opened as the admin at the fixed test time and closed on
    leaving, so that a CLI run afterwards finds it on disk the way the clerk left it."""
    ctx = open_app(path, actor="admin", clock=FixedClock(FIXED_NOW))
    try:
        yield ctx
    finally:
        ctx.close()


def tiny_demo_file(factory: pytest.TempPathFactory, folder: str, today: date) -> Path:
    """A tiny synthetic demo database (seed 7) dated `today`, made once per test module. Without
    the demo accounts: the service tests that use it work below the login."""
    path = factory.mktemp(folder) / "tiny.sqlite"
    generate_demo(path, DemoOptions(scale="tiny", seed=7, today=today, accounts=False))
    return path


@contextmanager
def demo_copy(
    demo_file: Path, tmp_path: Path, today: date
) -> Iterator[tuple[AppContext, sqlite3.Connection]]:
    """A private copy of a demo database (tests may spoil it), its app context on a fixed clock
    and a raw sqlite3 connection for recounting figures."""
    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_file, path)
    ctx = open_app(path, actor="tester", clock=FixedClock(today))
    raw = sqlite3.connect(path)
    try:
        yield ctx, raw
    finally:
        raw.close()
        ctx.close()


def demo_password(username: str) -> str:
    """The documented password of a demo account (services/demo_accounts.py)."""
    from desktop_app.services.demo_accounts import DEMO_ACCOUNTS

    return {account[0]: account[4] for account in DEMO_ACCOUNTS}[username]


def login_as_demo_user(monkeypatch: pytest.MonkeyPatch, username: str = "admin") -> None:
    """Command-line runs in this test log in as a demo account the way a clerk does at a
    terminal: BERDAYA_USER names the account and the password prompt is answered with its demo
    password (still checked against the account). Databases without accounts ask nothing."""
    import desktop_app.cli

    password = demo_password(username)
    monkeypatch.setenv("BERDAYA_USER", username)
    monkeypatch.setattr(desktop_app.cli, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(desktop_app.cli.getpass, "getpass", lambda prompt="": password)


class PasswordStdin:
    """A stdin for `--password-stdin` runs: every line read is the next of `lines`, then EOF."""

    def __init__(self, *lines: str) -> None:
        self._lines = list(lines)

    def readline(self) -> str:
        return self._lines.pop(0) + "\n" if self._lines else ""

    def isatty(self) -> bool:
        return False
