"""Turning a plain database (and the plain copies of it) into an encrypted one, in place.

`encrypt_database(path, key)` never loses a record: the encrypted copy is written beside the
file (SQLCipher's `sqlcipher_export` into an attached, keyed database), then opened with the
key and compared with the original (quick_check, every table's row count, the schema version
and application id) before it replaces the plain file with a rename. Any failure before that
rename leaves the plain file exactly as it was and removes the half-made copy.

Call it with the database closed (no engine open on it): other connections would keep writing
to the plain file that is being replaced. It refuses when another connection still holds the
file's journal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.storage import driver, messages
from desktop_app.storage.db import (
    SIDE_SUFFIXES,
    StorageError,
    copy_key_file,
    is_encrypted,
    raw_connect,
    side_file,
)

__all__ = ["EncryptResult", "EncryptionError", "encrypt_database", "upgrade_copies"]


class EncryptionError(StorageError):
    """The encrypted copy could not be made or did not verify; the plain file is unchanged."""


@dataclass(frozen=True)
class EncryptResult:
    """What `encrypt_database` did, for the GUI to tell the user.

    `removed_plain`: the plain database was replaced by the encrypted one (False when it was
    encrypted already). `backups_encrypted`: the plain copies now encrypted (each with a copy of
    the key file beside it). `backups_failed`: plain copies left as they were (in use, damaged);
    they still hold names and NIKs in the clear."""

    removed_plain: bool
    backups_encrypted: list[Path] = field(default_factory=list)
    backups_failed: list[Path] = field(default_factory=list)


def upgrade_copies(path: Path) -> list[Path]:
    """The copies `open_database` made beside `path` before upgrades (`backup_path_for`)."""
    return sorted(path.parent.glob(f"{path.stem}.v*.bak{path.suffix}"))


def encrypt_database(path: Path, key: bytes, *, backups: Iterable[Path] = ()) -> EncryptResult:
    """Encrypt the plain database `path` in place with `key`, then the plain copies of it: the
    upgrade copies beside it and `backups` (the daily backups, which storage does not know
    where to find: services/backups.py passes them). Each copy gets the key file beside it.

    Raises EncryptionError (the plain database unchanged) when the database itself cannot be
    converted; a copy that cannot be converted is reported in `backups_failed` instead.
    """
    path = Path(path)
    removed_plain = False
    if not is_encrypted(path):
        _encrypt_file(path, key)
        removed_plain = True
    done: list[Path] = []
    failed: list[Path] = []
    for copy in [*upgrade_copies(path), *backups]:
        if not copy.is_file() or is_encrypted(copy):
            continue
        try:
            _encrypt_file(copy, key)
        except (StorageError, OSError, driver.Error):
            failed.append(copy)
            continue
        copy_key_file(path, copy)
        done.append(copy)
    return EncryptResult(removed_plain, done, failed)


def _encrypt_file(path: Path, key: bytes) -> None:
    tmp = path.with_name(path.name + ".encrypting")
    try:
        _export(path, tmp, key)
        verify_copy(path, tmp, key)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _require_unjournaled(path)
        os.replace(tmp, path)
    except EncryptionError:
        _remove(tmp)
        raise
    except (OSError, driver.Error) as exc:
        _remove(tmp)
        raise EncryptionError(
            messages.ENCRYPT_FAILED, str(exc), name=path.name, reason=type(exc).__name__
        ) from exc
    driver.fsync_folder(path.parent)
    for suffix in SIDE_SUFFIXES:
        # The plain file's journal would be read as the encrypted file's: it was folded into
        # the file before the export and must not outlive it.
        side_file(path, suffix).unlink(missing_ok=True)


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_SUFFIXES):
        side_file(path, suffix).unlink(missing_ok=True)


def _export(path: Path, tmp: Path, key: bytes) -> None:
    driver.create_private(tmp)
    conn = raw_connect(path)
    try:
        # Fold the journal into the file first: the encrypted file must not inherit it.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        conn.execute("ATTACH DATABASE ? AS encrypted KEY " + driver.key_literal(key), (str(tmp),))
        try:
            conn.execute("BEGIN IMMEDIATE")  # no writer slips in while the copy is made
            try:
                conn.execute("SELECT sqlcipher_export('encrypted')")
                # sqlcipher_export copies the schema and rows, not the header's fields.
                conn.execute(f"PRAGMA encrypted.user_version = {version}")
                conn.execute(f"PRAGMA encrypted.application_id = {app_id}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    enc = driver.connect(str(tmp), key=key, isolation_level=None)
    try:
        # The app runs in WAL mode (readers beside the writer); the mode is kept in the file.
        enc.execute("PRAGMA journal_mode = WAL")
    finally:
        enc.close()


def _table_counts(conn: driver.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])  # noqa: S608 - names from the schema
        for name in names
    }


def verify_copy(original: Path, copy: Path, key: bytes) -> None:
    """Refuse (EncryptionError) unless the encrypted `copy` opens with `key`, is whole, and has
    the schema version, application id and row count of every table of the plain `original`."""
    plain = raw_connect(original, inspect=True)
    try:
        expected = (
            _table_counts(plain),
            plain.execute("PRAGMA user_version").fetchone()[0],
            plain.execute("PRAGMA application_id").fetchone()[0],
        )
    finally:
        plain.close()
    enc = raw_connect(copy, inspect=True, key=key)
    try:
        check = enc.execute("PRAGMA quick_check").fetchone()[0]
        actual = (
            _table_counts(enc),
            enc.execute("PRAGMA user_version").fetchone()[0],
            enc.execute("PRAGMA application_id").fetchone()[0],
        )
    finally:
        enc.close()
    if check != "ok" or actual != expected:
        raise EncryptionError(
            messages.ENCRYPT_FAILED,
            f"check {check!r}, copy differs: {actual != expected}",
            name=original.name,
            reason="verifikasi",
        )


def _require_unjournaled(path: Path) -> None:
    """Another connection still open on the plain file keeps its journal (the last one to
    close removes it): replacing the file under it would lose what it writes next."""
    if side_file(path, "-wal").exists() or side_file(path, "-shm").exists():
        raise EncryptionError(
            messages.ENCRYPT_FAILED, "database still open", name=path.name, reason="sedang dipakai"
        )
