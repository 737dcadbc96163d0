"""Automatic daily backups of the database file.

On the first start of a day the app copies its database (SQLite online backup: consistent while
the counter keeps writing) to ``<folder>/<name>-YYYYMMDD.sqlite``, then keeps the newest `keep`
of those files and deletes older ones. It only ever deletes files it named itself, and never on
a day whose backup failed (a failing disk must not also eat the good copies).

A failure is reported in the result, never raised: a full USB disk must not stop the counter.
The GUI reads the result and reminds in the status bar (`DailyBackup.reminder`).

The backup of an encrypted database is encrypted with the same key and has a copy of the key
file beside it (`<backup>.keys`, storage/db.py `backup_database`); `restore_backup` puts both
back. `encrypt_database_and_backups` converts a plain database and every plain copy of it the
app made (upgrade copies, daily backups) when encryption is switched on.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from desktop_app.domain.errors import Msg, Refusal
from desktop_app.services.context import AppContext
from desktop_app.storage import driver
from desktop_app.storage.db import (
    SIDE_SUFFIXES,
    Database,
    backup_database,
    classify_write_error,
    keyring_path,
    require_database_file,
    side_file,
)
from desktop_app.storage.encryption import EncryptResult, encrypt_database

__all__ = [
    "BACKUP_FAILED",
    "DEFAULT_KEEP",
    "FOLDER_NAME",
    "MAX_KEEP",
    "REMIND_AFTER_DAYS",
    "DailyBackup",
    "backup",
    "backup_folder",
    "backup_now",
    "daily_backup",
    "encrypt_database_and_backups",
    "existing_backups",
    "known_backups",
    "plan_retention",
    "restore_backup",
]

FOLDER_NAME = "cadangan"
DEFAULT_KEEP = 14
MAX_KEEP = 365
# The newest backup may be from yesterday (the app was not started yet today, or the backup is
# still running); older than this, the status bar reminds.
REMIND_AFTER_DAYS = 1

BACKUP_FAILED = Msg(
    "backup.failed",
    "Cadangan tidak dapat dibuat: {reason}",
    "The backup could not be made: {reason}",
)

# Two windows (or a rebuilt one) starting the day's backup at once share one copy.
_lock = threading.Lock()


@dataclass(frozen=True)
class DailyBackup:
    """What `daily_backup` did. `last` is the newest backup in the folder afterwards."""

    folder: Path
    today: date
    made: Path | None = None  # today's new backup
    already: Path | None = None  # today's backup existed before: nothing copied
    removed: tuple[Path, ...] = ()
    last: date | None = None
    error: Refusal | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def age_days(self) -> int | None:
        return None if self.last is None else (self.today - self.last).days

    def reminder(self, remind_after_days: int = REMIND_AFTER_DAYS) -> bool:
        """Whether the status bar should remind: the backup failed or the newest is too old."""
        age = self.age_days()
        return self.error is not None or age is None or age > remind_after_days


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-(\d{{8}})\.sqlite$")


def existing_backups(folder: Path, stem: str) -> list[tuple[date, Path]]:
    """The daily backups of database `stem` in `folder`, oldest first. Files whose name does not
    carry a real date are not ours and are left alone."""
    if not folder.is_dir():
        return []
    pattern = _pattern(stem)
    found: list[tuple[date, Path]] = []
    for entry in folder.iterdir():
        match = pattern.match(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            day = datetime.strptime(match.group(1), "%Y%m%d").date()
        except ValueError:
            continue
        found.append((day, entry))
    return sorted(found)


def plan_retention(backups: list[tuple[date, Path]], keep: int) -> list[Path]:
    """The backups to delete so that the newest `keep` remain (at least one is always kept)."""
    keep = max(1, keep)
    ordered = sorted(backups)
    return [path for _day, path in ordered[: max(0, len(ordered) - keep)]]


def _writable_folder(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _user_folder() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("Berdaya", "Berdaya")) / FOLDER_NAME


def backup_folder(db_path: Path, fallback: Path | None = None) -> Path:
    """``cadangan`` beside the database; where that folder cannot be written (a database in a
    read-only share or Program Files), ``cadangan`` in the per-user data folder."""
    beside = db_path.resolve().parent / FOLDER_NAME
    if _writable_folder(beside):
        return beside
    return fallback if fallback is not None else _user_folder()


def known_backups(db_path: Path, fallback: Path | None = None) -> list[Path]:
    """Every daily backup of `db_path` the app may have made: in ``cadangan`` beside it and in
    the per-user fallback folder. Creates no folder."""
    folders = [db_path.resolve().parent / FOLDER_NAME, fallback or _user_folder()]
    found: list[Path] = []
    for folder in dict.fromkeys(folders):
        found.extend(path for _day, path in existing_backups(folder, db_path.stem))
    return found


def encrypt_database_and_backups(
    db_path: Path, key: bytes, fallback: Path | None = None
) -> EncryptResult:
    """Encrypt the plain database `db_path` in place with `key` (close it first), then its
    upgrade copies and daily backups, each with a copy of the key file beside it (see
    storage/encryption.py: the plain file goes only once the encrypted one verifies)."""
    return encrypt_database(db_path, key, backups=known_backups(db_path, fallback))


def backup(db: Database, target: Path) -> Path:
    """A consistent copy of the open database `db` at `target`, encrypted like the database
    (same key) and with its key file beside it."""
    return backup_database(db.path, target, key=db.key)


def backup_now(ctx: AppContext, target: Path) -> Path:
    """A backup of `ctx`'s open database at `target` (the "Cadangkan" menu)."""
    return backup(ctx.db, target)


def restore_backup(backup: Path, target: Path) -> Path:
    """Put `backup` in place of the database `target` (which must not be open), with the key
    file beside the backup when there is one: an encrypted backup opens only with it.

    The stale journal of the replaced database is removed: it belongs to the old file.
    """
    require_database_file(backup)
    partial = target.with_name(target.name + ".partial")
    try:
        driver.create_private(partial)
        with open(backup, "rb") as src, open(partial, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if keyring_path(backup).exists():
            driver.write_private_atomically(keyring_path(target), keyring_path(backup).read_bytes())
        for suffix in SIDE_SUFFIXES:
            side_file(target, suffix).unlink(missing_ok=True)
        os.replace(partial, target)
        driver.fsync_folder(target.parent)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise classify_write_error(exc) from exc
    return target


def daily_backup(
    ctx: AppContext,
    folder: Path | None = None,
    keep: int = DEFAULT_KEEP,
    today: date | None = None,
) -> DailyBackup:
    """Make today's backup of `ctx`'s database unless one exists, then apply the retention.

    Never raises for a backup problem: the result carries the refusal instead.
    """
    source = ctx.db.path
    day = today or ctx.clock.today()
    stem = source.stem
    with _lock:
        try:
            target_folder = folder or backup_folder(source)
        except OSError as exc:  # resolving the path itself failed (a vanished network share)
            return DailyBackup(folder=folder or source.parent, today=day, error=_failure(exc))
        before = existing_backups(target_folder, stem)
        todays = [path for d, path in before if d == day]
        if todays:
            return DailyBackup(
                folder=target_folder, today=day, already=todays[0], last=before[-1][0]
            )
        target = target_folder / f"{stem}-{day:%Y%m%d}.sqlite"
        try:
            made = backup(ctx.db, target)
        except Exception as exc:  # noqa: BLE001 - reported, never raised (see module doc)
            newest = max((d for d, _ in before), default=None)
            return DailyBackup(folder=target_folder, today=day, last=newest, error=_failure(exc))
        after = existing_backups(target_folder, stem)
        removed: list[Path] = []
        for path in plan_retention(after, keep):
            if path == made:
                continue
            try:
                path.unlink()
            except OSError:
                continue  # a copy open in another program: try again tomorrow
            keyring_path(path).unlink(missing_ok=True)
            removed.append(path)
        newest = max((d for d, _ in after), default=day)
        return DailyBackup(
            folder=target_folder, today=day, made=made, removed=tuple(removed), last=newest
        )


def _failure(exc: BaseException) -> Refusal:
    if isinstance(exc, Refusal):
        return exc
    if isinstance(exc, OSError):  # disk full, read-only, in use: the storage layer's words
        return classify_write_error(exc)
    return Refusal(BACKUP_FAILED, reason=str(exc) or type(exc).__name__)
