"""Every released schema version must still open, upgrade with a backup, and keep its data."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.services.context import open_app
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.storage import migrations
from desktop_app.storage.db import open_database

DATA = Path(__file__).resolve().parent.parent / "data"
GOLDEN = sorted(DATA.glob("berdaya-schema-v*.sqlite"))


def test_a_golden_database_exists_for_version_1() -> None:
    assert (DATA / "berdaya-schema-v1.sqlite") in GOLDEN


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.stem)
def test_golden_database_opens_and_upgrades(golden: Path, tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    shutil.copy(golden, path)
    old_version = sqlite3.connect(golden).execute("PRAGMA user_version").fetchone()[0]
    ctx = open_app(path)
    try:
        assert ctx.db.schema_version() == migrations.CURRENT_VERSION
        if old_version < migrations.CURRENT_VERSION:
            backup = ctx.db.opened.backup_path
            assert backup is not None and backup.exists()
            assert (
                sqlite3.connect(backup).execute("PRAGMA user_version").fetchone()[0] == old_version
            )
        reg = RegistryService(ctx)
        names = {r.name for r in reg.person_rows(reg.person_ids(PersonFilter()))}
        assert names == {"Contoh Kepala", "Contoh Istri"}
        assert [r.name for r in reg.person_rows(reg.person_ids(PersonFilter(query="kepala")))] == [
            "Contoh Kepala"
        ]
        households = reg.household_rows(reg.household_ids(PersonFilter(program_code="RASTRADA")))
        assert [h.head_name for h in households] == ["Contoh Kepala"]
    finally:
        ctx.close()


def with_next_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: Callable[[sqlite3.Connection], None]
) -> tuple[Path, int]:
    """A copy of the v1 golden database brought to the current version, and `step` installed as
    the upgrade to a version after it. Returns the copy and the (still) current version."""
    path = tmp_path / "office.sqlite"
    shutil.copy(DATA / "berdaya-schema-v1.sqlite", path)
    open_database(path).dispose()  # bring it to the current version first
    current = migrations.CURRENT_VERSION
    monkeypatch.setitem(migrations.STEPS, current + 1, step)
    monkeypatch.setattr(migrations, "CURRENT_VERSION", current + 1)
    return path, current


def test_upgrade_step_backs_up_first_and_runs_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def next_step(conn: sqlite3.Connection) -> None:
        """Adds a column, like a real future step would."""
        calls.append(1)
        conn.execute("ALTER TABLE person ADD COLUMN future_field VARCHAR")

    path, current = with_next_step(tmp_path, monkeypatch, next_step)
    db = open_database(path)
    assert calls == [1] and db.opened.upgraded_from == current
    assert db.schema_version() == current + 1
    assert db.opened.backup_path is not None and db.opened.backup_path.exists()
    db.dispose()


def test_failed_upgrade_leaves_the_old_database_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_step(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE person ADD COLUMN half_done VARCHAR")
        raise sqlite3.OperationalError("database or disk is full")

    path, current = with_next_step(tmp_path, monkeypatch, broken_step)
    with pytest.raises(Exception) as info:
        open_database(path)
    assert "disk penuh" in getattr(info.value, "user_message", "")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    columns = {row[1] for row in conn.execute("PRAGMA table_info(person)")}
    assert "half_done" not in columns
    conn.close()
