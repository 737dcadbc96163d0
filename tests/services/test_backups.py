"""Automatic daily backups: once a day, retention deletes only the oldest of our own files,
failures are reported (never raised), and the reminder logic on a fixed calendar."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app.services import backups
from desktop_app.services.backups import DailyBackup, daily_backup, existing_backups
from desktop_app.services.context import AppContext
from desktop_app.services.registry import RegistryService
from tests.helpers import person_input

DAY = date(2026, 11, 20)


def fake_backup(folder: Path, day: date, stem: str = "berdaya") -> Path:
    path = folder / f"{stem}-{day:%Y%m%d}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"old copy")
    return path


def test_first_start_of_the_day_makes_one_consistent_backup(ctx: AppContext, tmp_path: Path):
    RegistryService(ctx).create_person(person_input())
    folder = tmp_path / "cadangan"
    first = daily_backup(ctx, folder, keep=14, today=DAY)
    assert first.ok and first.made == folder / "berdaya-20261120.sqlite"
    assert first.last == DAY and not first.reminder()
    with sqlite3.connect(first.made) as conn:  # a complete, readable database on its own
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 1
    assert not list(folder.glob("*.partial"))

    again = daily_backup(ctx, folder, keep=14, today=DAY)
    assert again.made is None and again.already == first.made and again.removed == ()
    assert len(existing_backups(folder, "berdaya")) == 1


def test_default_folder_is_beside_the_database(ctx: AppContext):
    result = daily_backup(ctx, today=DAY)
    assert result.folder == ctx.db.path.resolve().parent / "cadangan"
    assert result.made is not None and result.made.exists()


def test_retention_deletes_only_the_oldest_of_our_own_files(ctx: AppContext, tmp_path: Path):
    folder = tmp_path / "cadangan"
    old = [fake_backup(folder, DAY - timedelta(days=n)) for n in range(1, 6)]  # 5 older days
    other_db = fake_backup(folder, DAY - timedelta(days=30), stem="lain")
    by_hand = folder / "berdaya-sebelum-upgrade.sqlite"
    by_hand.write_bytes(b"kept")
    not_a_date = folder / "berdaya-20261399.sqlite"
    not_a_date.write_bytes(b"kept")

    result = daily_backup(ctx, folder, keep=3, today=DAY)

    assert result.ok and result.made is not None
    # Today's + the two newest old ones remain; the three oldest went, oldest first.
    assert sorted(result.removed) == sorted(old[2:])
    remaining = [p for _d, p in existing_backups(folder, "berdaya")]
    assert remaining == [old[1], old[0], result.made]
    assert other_db.exists() and by_hand.exists() and not_a_date.exists()


def test_a_failed_backup_is_reported_not_raised_and_deletes_nothing(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "cadangan"
    old = [fake_backup(folder, DAY - timedelta(days=n)) for n in range(3, 8)]

    def disk_full(_source: Path, _target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "backup", disk_full)
    result = daily_backup(ctx, folder, keep=2, today=DAY)

    assert not result.ok and result.error is not None
    assert result.error.code == "storage.disk_full"
    assert result.made is None and result.removed == ()
    assert all(p.exists() for p in old)  # a failing disk must not also eat the good copies
    assert result.last == DAY - timedelta(days=3) and result.reminder()


def test_an_unexpected_failure_is_a_coded_refusal(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(_source: Path, _target: Path) -> Path:
        raise RuntimeError("boom")

    monkeypatch.setattr(backups, "backup", broken)
    result = daily_backup(ctx, tmp_path / "c", today=DAY)
    assert result.error is not None and result.error.code == "backup.failed"
    assert result.last is None and result.reminder()


def test_an_unwritable_folder_is_reported(ctx: AppContext, tmp_path: Path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = daily_backup(ctx, blocker / "cadangan", today=DAY)
    assert not result.ok and result.error is not None and result.error.code.startswith("storage.")


def test_backup_folder_falls_back_when_beside_is_not_writable(tmp_path: Path):
    blocker = tmp_path / "cadangan"
    blocker.write_text("a file where the folder would go")
    fallback = tmp_path / "user" / "cadangan"
    assert backups.backup_folder(tmp_path / "berdaya.sqlite", fallback) == fallback


@pytest.mark.parametrize(
    ("last", "error", "expected"),
    [
        (DAY, False, False),
        (DAY - timedelta(days=1), False, False),  # not started yet today: not old
        (DAY - timedelta(days=2), False, True),
        (None, False, True),
        (DAY, True, True),
    ],
)
def test_reminder_on_a_fixed_calendar(last: date | None, error: bool, expected: bool):
    from desktop_app.domain.errors import Refusal

    outcome = DailyBackup(
        folder=Path("x"),
        today=DAY,
        last=last,
        error=Refusal(backups.BACKUP_FAILED, reason="x") if error else None,
    )
    assert outcome.reminder() is expected


def test_plan_retention_keeps_at_least_one():
    items = [(DAY - timedelta(days=n), Path(f"{n}")) for n in range(4)]
    assert backups.plan_retention(items, 0) == [Path("3"), Path("2"), Path("1")]
    assert backups.plan_retention(items, 10) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_backup_is_readable_by_its_owner_only(ctx: AppContext, tmp_path: Path):
    # It carries every NIK and name of the registry, like the database itself.
    outcome = daily_backup(ctx, tmp_path / "cadangan", keep=3, today=date(2026, 12, 5))
    assert outcome.made is not None
    assert outcome.made.stat().st_mode & 0o077 == 0
