"""Opening, checking, migrating and backing up a Berdaya database file.

Nothing connects at import time: `open_database(path)` builds the engine, so tests point it at a
temporary file. Every connection gets WAL, foreign keys, synchronous=FULL (a person was told the
record is saved) and a busy timeout, because the GUI, workers and the CLI may share the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from desktop_app.storage import migrations

BUSY_TIMEOUT_MS = 5000


class StorageError(Exception):
    """A problem with the database file; `user_message` is Indonesian text for the clerk."""

    exit_code = 2

    def __init__(self, user_message: str, detail: str = "") -> None:
        super().__init__(user_message if not detail else f"{user_message} ({detail})")
        self.user_message = user_message
        self.detail = detail


class NotBerdayaDatabase(StorageError):
    pass


class NewerDatabaseError(StorageError):
    pass


class CorruptDatabaseError(StorageError):
    pass


class ReadOnlyDatabaseError(StorageError):
    pass


class WriteFailedError(StorageError):
    """A write could not be completed (disk full, locked file); nothing was saved."""


def _msg_not_berdaya(path: Path) -> str:
    return (
        f"Berkas {path.name} bukan basis data Berdaya. Pilih berkas lain; berkas ini tidak diubah."
    )


def classify_write_error(exc: BaseException) -> WriteFailedError:
    """Turn a low-level failure during a write into a message a clerk understands."""
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "disk is full" in text:
        msg = (
            "Penyimpanan gagal: disk penuh. Kosongkan ruang disk lalu coba lagi; "
            "tidak ada yang tersimpan."
        )
    elif "locked" in text or "busy" in text:
        msg = (
            "Penyimpanan gagal: basis data sedang dipakai program lain. Coba lagi sebentar lagi; "
            "tidak ada yang tersimpan."
        )
    elif "readonly" in text or "read-only" in text:
        msg = "Penyimpanan gagal: basis data hanya-baca. Tidak ada yang tersimpan."
    else:
        msg = "Penyimpanan gagal; tidak ada yang tersimpan."
    return WriteFailedError(msg, str(exc))


@dataclass(frozen=True)
class OpenResult:
    created: bool
    upgraded_from: int | None
    backup_path: Path | None


class Database:
    """An open Berdaya database: the engine plus what was done when it was opened."""

    def __init__(self, path: Path, engine: Engine, opened: OpenResult, read_only: bool) -> None:
        self.path = path
        self.engine = engine
        self.opened = opened
        self.read_only = read_only

    def session(self) -> Session:
        # expire_on_commit=False: services hand plain values to the GUI after the commit.
        return Session(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, never half-written."""
        if self.read_only:
            raise ReadOnlyDatabaseError(
                "Basis data dibuka hanya-baca; perubahan tidak dapat disimpan."
            )
        session = self.session()
        try:
            yield session
            session.commit()
        except StorageError:
            session.rollback()
            raise
        except (OperationalError, SADatabaseError, OSError) as exc:
            session.rollback()
            raise classify_write_error(getattr(exc, "orig", None) or exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def dispose(self) -> None:
        self.engine.dispose()


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _raw_connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}{'?mode=ro' if read_only else ''}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    return conn


def _inspect(path: Path) -> tuple[int, int, bool]:
    """Return (application_id, user_version, has_tables) or raise a StorageError."""
    try:
        conn = _raw_connect(path, read_only=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = (
                conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
                > 0
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise CorruptDatabaseError(
                f"Berkas {path.name} rusak atau bukan basis data. Berkas tidak diubah; "
                "pulihkan dari cadangan.",
                str(exc),
            ) from exc
        raise StorageError(f"Berkas {path.name} tidak dapat dibuka.", str(exc)) from exc
    return app_id, version, has_tables


def backup_path_for(path: Path, version: int, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.v{version}.{stamp}.bak{path.suffix}")


def backup_database(source: Path, target: Path) -> Path:
    """Consistent copy while other connections may be writing (SQLite online backup API)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    src = _raw_connect(source, read_only=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            # A backup is a single file: fold its journal into it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise classify_write_error(exc) from exc
    finally:
        src.close()
    os.replace(tmp, target)
    return target


_CORRUPT = "Basis data {name} rusak. Berkas tidak diubah; pulihkan dari cadangan."


def integrity_problem(path: Path) -> str | None:
    """Full page-by-page check (`PRAGMA quick_check`); None when healthy.

    It reads the whole file: about half a second for a city-sized database, seconds when the
    file is not in the OS cache. The GUI therefore runs it in the background after start-up.
    """
    conn = _raw_connect(path, read_only=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None if result == "ok" else str(result)


def _check_integrity(path: Path) -> None:
    problem = integrity_problem(path)
    if problem is not None:
        raise CorruptDatabaseError(_CORRUPT.format(name=path.name), problem)


def _check_structure(path: Path) -> None:
    """Cheap checks that catch a truncated or damaged file without reading all of it.

    The header records the database size in pages; a file shorter than that lost its end
    (a copy cut short, a full USB stick). Reading the schema catches a damaged first page.
    """
    try:
        with path.open("rb") as f:
            header = f.read(100)
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        change_counter = header[24:28]
        valid_for = header[92:96]
        if pages and change_counter == valid_for and path.stat().st_size < pages * page_size:
            raise CorruptDatabaseError(
                _CORRUPT.format(name=path.name),
                f"file has {path.stat().st_size} bytes, header says {pages * page_size}",
            )
        conn = _raw_connect(path, read_only=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("SELECT * FROM setting LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(_CORRUPT.format(name=path.name), str(exc)) from exc


def _migrate(path: Path, from_version: int, fresh: bool) -> None:
    conn = _raw_connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = OFF")  # DDL steps may rebuild tables
        conn.execute("BEGIN EXCLUSIVE")
        try:
            if fresh:
                conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
            migrations.upgrade(conn, from_version)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        raise classify_write_error(exc) from exc
    finally:
        conn.close()


def open_database(
    path: Path | str, *, create: bool = True, read_only: bool = False, verify: str = "full"
) -> Database:
    """Open (and create or upgrade) a Berdaya database.

    Refuses, with a StorageError carrying an Indonesian message, a file that is not a Berdaya
    database, is corrupt, or was written by a newer version. An older database is copied to a
    backup beside it before it is upgraded.

    `verify="full"` reads every page before opening; `verify="structure"` only runs the cheap
    checks, for callers that run `integrity_problem()` in the background (the GUI's start-up).
    A database about to be upgraded is always checked in full first.
    """
    if verify not in ("full", "structure"):
        raise ValueError(f"unknown verify mode {verify!r}")
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0
    created = False
    upgraded_from: int | None = None
    backup: Path | None = None

    if not exists:
        if not create:
            raise StorageError(f"Basis data {path} tidak ditemukan.")
        if read_only:
            raise ReadOnlyDatabaseError(f"Basis data {path} tidak ada dan tidak dapat dibuat.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise classify_write_error(exc) from exc
        try:
            _migrate(path, 0, fresh=True)
        except BaseException:
            # Never leave a half-created file that would later look like a foreign database.
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        created = True
    else:
        app_id, version, has_tables = _inspect(path)
        if app_id != migrations.APPLICATION_ID:
            raise NotBerdayaDatabase(_msg_not_berdaya(path))
        if version > migrations.CURRENT_VERSION:
            raise NewerDatabaseError(
                f"Basis data {path.name} dibuat oleh versi Berdaya yang lebih baru "
                f"(skema {version}, versi ini mengenal sampai {migrations.CURRENT_VERSION}). "
                "Perbarui aplikasi Berdaya; berkas tidak diubah."
            )
        if verify == "full" or version < migrations.CURRENT_VERSION:
            _check_integrity(path)
        else:
            _check_structure(path)
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if not read_only and not writable:
            raise ReadOnlyDatabaseError(
                f"Basis data {path.name} hanya-baca (tidak ada izin menulis). "
                "Salin ke folder lain atau buka dalam mode hanya-baca."
            )
        if version < migrations.CURRENT_VERSION:
            if read_only:
                raise ReadOnlyDatabaseError(
                    f"Basis data {path.name} perlu diperbarui tetapi dibuka hanya-baca."
                )
            backup = backup_database(path, backup_path_for(path, version))
            _migrate(path, version, fresh=False)
            upgraded_from = version

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _set_pragmas)
    if read_only:
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA query_only = ON"))
    return Database(path, engine, OpenResult(created, upgraded_from, backup), read_only)
