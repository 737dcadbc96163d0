"""Opening, checking, migrating and backing up a Berdaya database file.

Nothing connects at import time: `open_database(path)` builds the engine, so tests point it at a
temporary file. Every connection gets WAL, foreign keys, synchronous=FULL (a person was told the
record is saved) and a busy timeout, because the GUI, workers and the CLI may share the file.

Every connection goes through storage/driver.py (SQLCipher). A database is either plain (header
"SQLite format 3") or encrypted with a raw 256-bit key (`open_database(path, key=...)`); the
key comes from the key file beside the database (storage/keyring.py). The same refusals (newer
version, damaged, truncated) apply to an encrypted file once it is keyed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from desktop_app.storage import chain, driver, messages, migrations
from desktop_app.storage.driver import copy_key_file, keyring_path  # re-exported
from desktop_app.storage.errors import (  # re-exported: callers import them from here
    CorruptDatabaseError,
    DatabaseInUseError,
    EncryptedDatabaseError,
    NewerDatabaseError,
    NotBerdayaDatabase,
    ReadOnlyDatabaseError,
    StorageError,
    WriteFailedError,
    WrongKeyError,
    classify_write_error,
)

__all__ = [
    "CorruptDatabaseError",
    "Database",
    "DatabaseInUseError",
    "EncryptedDatabaseError",
    "NewerDatabaseError",
    "NotBerdayaDatabase",
    "OpenResult",
    "ReadOnlyDatabaseError",
    "StorageError",
    "WriteFailedError",
    "WrongKeyError",
    "backup_database",
    "backup_path_for",
    "classify_write_error",
    "copy_key_file",
    "integrity_problem",
    "is_encrypted",
    "keyring_path",
    "open_database",
    "plain_file_has_rows",
    "raw_connect",
    "require_database_file",
    "side_file",
]

BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class OpenResult:
    created: bool
    upgraded_from: int | None
    backup_path: Path | None


class Database:
    """An open Berdaya database: the engine plus what was done when it was opened."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        opened: OpenResult,
        read_only: bool,
        key: bytes | None = None,
    ) -> None:
        self.path = path
        self.engine = engine
        self.opened = opened
        self.read_only = read_only
        # The raw key of an encrypted file (None for a plain one): backups and the background
        # integrity check open their own connections with it.
        self.key = key

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def session(self) -> Session:
        # expire_on_commit=False: services hand plain values to the GUI after the commit.
        return Session(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, never half-written."""
        if self.read_only:
            raise ReadOnlyDatabaseError(messages.OPENED_READ_ONLY)
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

    @contextlib.contextmanager
    def plain(self) -> Iterator[driver.Connection]:
        """A pooled connection's own DB-API (SQLCipher) connection, for reads on hot paths
        (search as you type) where SQLAlchemy's per-statement work costs more than SQLite's.
        Same pool, same pragmas (read-only included); returned to the pool, rolled back, when
        the block ends."""
        fairy = self.engine.raw_connection()
        try:
            conn = fairy.driver_connection
            assert isinstance(conn, driver.Connection)
            yield conn
        finally:
            fairy.close()

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    def dispose(self) -> None:
        self.engine.dispose()


def _set_pragmas(dbapi_conn: driver.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()
    chain.register(dbapi_conn)  # the change-log trigger calls it on every insert


def raw_connect(
    path: Path, read_only: bool = False, inspect: bool = False, key: bytes | None = None
) -> driver.Connection:
    """A DB-API connection; `inspect=True` is a read-only look at a file that may yet be refused.
    `key` opens an encrypted file (or makes a new one encrypted); a plain file ignores it.

    A read-only connection to a WAL database creates -wal and -shm files beside it, so looking at
    a file the user gave by mistake would leave litter beside it. When no journal lies beside
    the file, nobody has it open and the file holds all of its content: it is then read as
    immutable, which creates nothing and takes no locks.
    """
    query = "?mode=ro" if read_only or inspect else ""
    if inspect and _unjournaled(path):
        query = "?mode=ro&immutable=1"
    conn = driver.connect(
        f"{path.resolve().as_uri()}{query}",
        key=_key_for(path, key),
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )
    chain.register(conn)  # migrations append change-log rows: the chain trigger needs it
    return conn


def plain_file_has_rows(path: Path, table: str) -> bool:
    """Whether the plain (unencrypted) database at `path` has a row in `table`, read without
    opening it as Berdaya would (no upgrade, no side files): for a file of an older version,
    which cannot be opened read-only before its upgrade. An unreadable file counts as having
    rows, so the caller's real open says what is wrong with it."""
    try:
        conn = raw_connect(path, inspect=True)
    except (driver.dbapi.Error, OSError, ValueError):
        return True
    try:
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        if conn.execute(exists, (table,)).fetchone() is None:
            return False
        return conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
    except driver.dbapi.Error:
        return True
    finally:
        conn.close()


def _key_for(path: Path, key: bytes | None) -> bytes | None:
    """`key`, unless `path` is a plain SQLite file (which a key would make unreadable)."""
    if key is None:
        return None
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError:
        return key  # not there yet: it is created encrypted
    return None if head == SQLITE_MAGIC else key


SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
MIN_ENCRYPTED_PAGES = 16


def _looks_encrypted(path: Path, header: bytes) -> bool:
    """An SQLCipher file is random bytes from its first one (a salt): it can only be told from
    another program's file by its shape. A key file beside it settles the question; otherwise a
    whole number of 4 KiB pages (SQLCipher's page size), more than a Berdaya schema's worth of
    them (an empty Berdaya database has dozens of tables and indexes, a page or more each),
    and non-text bytes in the salt (a text or CSV file has none)."""
    if not header or header.startswith(SQLITE_MAGIC):
        return False
    if keyring_path(path).exists():
        return True
    try:
        size = path.stat().st_size
    except OSError:
        return False
    pages, rest = divmod(size, 4096)
    return not rest and pages >= MIN_ENCRYPTED_PAGES and any(b < 9 or b > 126 for b in header[:16])


def is_encrypted(path: Path | str) -> bool:
    """Whether `path` holds an encrypted (SQLCipher) database rather than a plain SQLite one.

    Without the key this is a judgement from the file's shape (see `_looks_encrypted`); a
    missing, empty or plain file is not encrypted."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except (OSError, ValueError):
        return False
    return _looks_encrypted(path, header)


def side_file(path: Path, suffix: str) -> Path:
    return Path(str(path) + suffix)


def _unjournaled(path: Path) -> bool:
    return not any(side_file(path, s).exists() for s in ("-wal", "-journal"))


def _path_error(exc: OSError | ValueError, path: Path) -> StorageError:
    """Why a path cannot be read, in the words a clerk needs to fix it."""
    if isinstance(exc, ValueError):  # a NUL byte in the name: no file can have it
        return StorageError(messages.CANNOT_OPEN, str(exc), name=str(path).replace("\x00", "?"))
    if isinstance(exc, IsADirectoryError):
        return StorageError(messages.NOT_A_FILE, str(exc), path=str(path))
    if isinstance(exc, PermissionError):
        # Windows reports a file another program holds open without sharing (Excel, a backup
        # tool) as a permission error: ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33.
        if getattr(exc, "winerror", None) in (32, 33):
            return DatabaseInUseError(messages.OPEN_IN_USE, str(exc), name=path.name)
        return StorageError(messages.NO_READ_PERMISSION, str(exc), name=path.name)
    return StorageError(messages.CANNOT_OPEN, str(exc), name=path.name)


def _file_size(path: Path) -> int | None:
    """The size of the file at `path`, None when there is none; refuses a folder."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        raise _path_error(exc, path) from exc
    if stat.S_ISDIR(info.st_mode):
        raise StorageError(messages.NOT_A_FILE, path=str(path))
    return info.st_size


def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(100)
    except (OSError, ValueError) as exc:
        raise _path_error(exc, path) from exc


def _classify_header(path: Path, header: bytes, key: bytes | None = None) -> bool:
    """Refuse, from the first 100 bytes alone, a file that is not a Berdaya database; True when
    the file is encrypted (its header is then checked only once it is keyed). Given a key, any
    file that is not plain SQLite is taken for encrypted: the key then decides.

    Nothing is opened with SQLite, so nothing is created beside the file. The application id in
    the header is the truth unless a WAL file beside it may hold a newer first page.
    """
    if not header:
        raise NotBerdayaDatabase(messages.EMPTY, name=path.name)
    if _looks_encrypted(path, header) or (key is not None and not header.startswith(SQLITE_MAGIC)):
        return True
    if not header.startswith(SQLITE_MAGIC):
        raise NotBerdayaDatabase(messages.NOT_BERDAYA, name=path.name)
    if len(header) < 100 or not _header_is_sane(header):
        # SQLite's own mark with a broken header after it: a damaged file, not a foreign one.
        raise CorruptDatabaseError(messages.CORRUPT, "damaged header", name=path.name)
    wal_mode = header[18] == 2 and header[19] == 2
    app_id = int.from_bytes(header[68:72], "big", signed=True)
    if app_id != migrations.APPLICATION_ID and not (wal_mode and side_file(path, "-wal").exists()):
        raise NotBerdayaDatabase(messages.NOT_BERDAYA, name=path.name)
    return False


def _header_is_sane(header: bytes) -> bool:
    """The fixed fields every SQLite header has (file format, page size, payload fractions)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_ok = page_size == 1 or (512 <= page_size <= 32768 and page_size & (page_size - 1) == 0)
    versions_ok = header[18] in (1, 2) and header[19] in (1, 2)
    return page_ok and versions_ok and header[21:24] == b"\x40\x20\x20"


def require_database_file(path: Path) -> None:
    """Refuse a path that cannot hold an existing Berdaya database: missing, a folder, empty,
    unreadable, not SQLite, another program's SQLite file. Creates and changes nothing. An
    encrypted file passes: what it holds is known only once the user signs in.

    For callers that must never create a database (the command line); `open_database` does the
    deeper checks (version, integrity, write permission) afterwards.
    """
    size = _file_size(path)
    if size is None:
        raise StorageError(messages.NOT_FOUND, path=str(path))
    _classify_header(path, _read_header(path))


def _inspect(path: Path, key: bytes | None) -> tuple[int, int, bool, bool]:
    """Return (application_id, user_version, has_tables, encrypted) or raise a StorageError."""
    encrypted = _classify_header(path, _read_header(path), key)
    if encrypted and key is None:
        raise EncryptedDatabaseError(messages.ENCRYPTED_LOCKED, name=path.name)
    try:
        conn = raw_connect(path, inspect=True, key=key if encrypted else None)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_tables = (
                conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
                > 0
            )
        finally:
            conn.close()
    except driver.DatabaseError as exc:
        text = str(exc).lower()
        if _is_lock_error(text):
            raise DatabaseInUseError(messages.OPEN_IN_USE, str(exc), name=path.name) from exc
        if encrypted and "not a database" in text:
            assert key is not None
            raise _wrong_key_or_damaged(path, key, str(exc)) from exc
        if "not a database" in text or "malformed" in text:
            # The header says SQLite and Berdaya: what follows it is damaged.
            raise CorruptDatabaseError(messages.CORRUPT, str(exc), name=path.name) from exc
        raise StorageError(messages.CANNOT_OPEN, str(exc), name=path.name) from exc
    return app_id, version, has_tables, encrypted


def _wrong_key_or_damaged(path: Path, key: bytes, detail: str) -> StorageError:
    """SQLCipher says "not a database" both for a wrong key and for a damaged first page. Every
    page fails its authentication with a wrong key; with the right key only damaged pages do,
    so the first two pages tell the cases apart."""
    try:
        conn = raw_connect(path, inspect=True, key=key)
        try:
            failed = conn.execute("PRAGMA cipher_integrity_check").fetchmany(2)
        finally:
            conn.close()
    except driver.DatabaseError:
        failed = []
    pages = (_file_size(path) or 0) // 4096  # SQLCipher's default page size
    if not failed or len(failed) >= min(2, max(1, pages)):
        return WrongKeyError(messages.WRONG_KEY, detail, name=path.name)
    return CorruptDatabaseError(messages.CORRUPT, detail, name=path.name)


def backup_path_for(path: Path, version: int, when: datetime | None = None) -> Path:
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.v{version}.{stamp}.bak{path.suffix}")


def backup_database(source: Path, target: Path, *, key: bytes | None = None) -> Path:
    """Consistent copy while other connections may be writing (SQLite online backup API).

    The copy of an encrypted database (`key`) is encrypted with the same key, and the key file
    beside the source is copied beside the copy (`<target>.keys`): a backup must open on the
    day the laptop's own key file is lost.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    key = _key_for(source, key)
    src = raw_connect(source, read_only=True, key=key)
    try:
        # A backup holds every NIK and name of the registry: readable by its owner only (on
        # POSIX; on Windows the per-user folder is what protects it).
        driver.create_private(tmp)
        dst = driver.connect(str(tmp), key=key)
        try:
            src.backup(dst)
            # A backup is a single file: fold its journal into it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        if key is not None:
            copy_key_file(source, target)
    except (driver.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise classify_write_error(exc) from exc
    finally:
        src.close()
    os.replace(tmp, target)
    return target


def integrity_problem(
    path: Path, *, inspect: bool = False, key: bytes | None = None
) -> str | None:
    """Full page-by-page check (`PRAGMA quick_check`); None when healthy.

    It reads the whole file: about half a second for a city-sized database, seconds when the
    file is not in the OS cache. The GUI therefore runs it in the background after start-up.
    `inspect=True` for a file being opened, which may yet be refused (see `raw_connect`).
    `key` for an encrypted file: every page's authentication code is then checked too.
    """
    conn = raw_connect(path, read_only=True, inspect=inspect, key=key)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except driver.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None if result == "ok" else str(result)


def _check_integrity(path: Path, key: bytes | None) -> None:
    problem = integrity_problem(path, inspect=True, key=key)
    if problem is not None and _is_lock_error(problem):
        raise DatabaseInUseError(messages.OPEN_IN_USE, problem, name=path.name)
    if problem is not None:
        raise CorruptDatabaseError(messages.CORRUPT, problem, name=path.name)


def _check_structure(path: Path, key: bytes | None) -> None:
    """Cheap checks that catch a truncated or damaged file without reading all of it.

    The header records the database size in pages; a file shorter than that lost its end
    (a copy cut short, a full USB stick). Reading the schema catches a damaged first page.
    An encrypted file's header is itself encrypted: SQLCipher checks the size on the first
    read, and a whole number of pages is all the file itself can say.
    """
    try:
        if key is not None:
            conn = raw_connect(path, inspect=True, key=key)
            try:
                page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
                size = path.stat().st_size
                if size % page_size:
                    raise CorruptDatabaseError(
                        messages.CORRUPT, f"{size} bytes is not a whole page", name=path.name
                    )
                conn.execute("PRAGMA page_count").fetchone()
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute("SELECT * FROM setting LIMIT 1").fetchall()
            finally:
                conn.close()
            return
        with path.open("rb") as f:
            header = f.read(100)
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        change_counter = header[24:28]
        valid_for = header[92:96]
        if pages and change_counter == valid_for and path.stat().st_size < pages * page_size:
            raise CorruptDatabaseError(
                messages.CORRUPT,
                f"file has {path.stat().st_size} bytes, header says {pages * page_size}",
                name=path.name,
            )
        conn = raw_connect(path, inspect=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("SELECT * FROM setting LIMIT 1").fetchall()
        finally:
            conn.close()
    except driver.DatabaseError as exc:
        if _is_lock_error(str(exc)):
            raise DatabaseInUseError(messages.OPEN_IN_USE, str(exc), name=path.name) from exc
        raise CorruptDatabaseError(messages.CORRUPT, str(exc), name=path.name) from exc


def _is_lock_error(text: str) -> bool:
    text = text.lower()
    return "database is locked" in text or "busy" in text


def _migrate(path: Path, from_version: int, fresh: bool, key: bytes | None = None) -> None:
    if fresh:
        driver.create_private(path)  # before SQLite writes a byte (see create_private)
    conn = raw_connect(path, key=key)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = OFF")  # DDL steps may rebuild tables
        conn.execute("BEGIN EXCLUSIVE")
        try:
            if fresh:
                conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
            # The steps are typed for sqlite3's connection; SQLCipher's has the same API.
            migrations.upgrade(cast(sqlite3.Connection, conn), from_version)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except (driver.OperationalError, sqlite3.OperationalError) as exc:
        # sqlite3's too: a step written against sqlite3 (the steps' declared type) may raise it.
        raise classify_write_error(exc) from exc
    finally:
        conn.close()


def open_database(
    path: Path | str,
    *,
    key: bytes | None = None,
    create: bool = True,
    read_only: bool = False,
    verify: str = "full",
) -> Database:
    """Open (and create or upgrade) a Berdaya database.

    `key` (32 bytes, from storage/keyring.py) opens an encrypted file, and a database created
    with a key is encrypted from its first byte. A plain file opens without it (the key is then
    not kept: `Database.key` is None). An encrypted file without a key is refused
    (`storage.encrypted_locked`), with a key that does not fit it too (`storage.wrong_key`).

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
    size = _file_size(path)
    created = False
    upgraded_from: int | None = None
    backup: Path | None = None

    if not size:
        if not create:
            # An empty file is "kosong", not "tidak ditemukan": the clerk looks for the wrong
            # thing otherwise.
            if size == 0:
                raise NotBerdayaDatabase(messages.EMPTY, name=path.name)
            raise StorageError(messages.NOT_FOUND, path=str(path))
        if read_only:
            raise ReadOnlyDatabaseError(messages.CANNOT_CREATE, path=str(path))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise classify_write_error(exc) from exc
        try:
            _migrate(path, 0, fresh=True, key=key)
        except BaseException:
            # Never leave a half-created file that would later look like a foreign database.
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
        created = True
        encrypted = key is not None
    else:
        app_id, version, has_tables, encrypted = _inspect(path, key)
        if app_id != migrations.APPLICATION_ID:
            raise NotBerdayaDatabase(messages.NOT_BERDAYA, name=path.name)
        if version > migrations.CURRENT_VERSION:
            raise NewerDatabaseError(
                messages.NEWER,
                name=path.name,
                version=version,
                known=migrations.CURRENT_VERSION,
            )
        file_key = key if encrypted else None
        if verify == "full" or version < migrations.CURRENT_VERSION:
            _check_integrity(path, file_key)
        else:
            _check_structure(path, file_key)
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if not read_only and not writable:
            raise ReadOnlyDatabaseError(messages.FILE_READ_ONLY, name=path.name)
        if version < migrations.CURRENT_VERSION:
            if read_only:
                raise ReadOnlyDatabaseError(messages.UPGRADE_READ_ONLY, name=path.name)
            backup = backup_database(path, backup_path_for(path, version), key=file_key)
            _migrate(path, version, fresh=False, key=file_key)
            upgraded_from = version

    db_key = key if encrypted else None
    engine = _engine(path, db_key)
    if read_only:
        event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA query_only = ON"))
    return Database(path, engine, OpenResult(created, upgraded_from, backup), read_only, db_key)


def _engine(path: Path, key: bytes | None) -> Engine:
    """SQLAlchemy on the SQLCipher driver: `module` so it wraps the driver's exceptions as
    usual, `creator` so the key is the first statement of every connection. Bound parameters
    (NIKs, names) never appear in an SQL error's text, which may reach a log."""
    target = str(path)

    def connect() -> driver.Connection:
        return driver.connect(
            target, key=key, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    engine = create_engine(
        f"sqlite:///{path}", module=driver.dbapi, creator=connect, hide_parameters=True
    )
    event.listen(engine, "connect", _set_pragmas)
    if key is not None:
        event.listen(engine, "connect", _encrypted_cache)
    return engine


# Page cache of an encrypted database's connections, in KiB. SQLCipher decrypts (and checks the
# HMAC of) a page each time it enters the cache, so a page the operating system would serve from
# its own cache for free costs ~10 µs here: 64 MiB keeps a city's hot index and row pages
# decrypted (search 1.77x -> ~1.0x the plain file, bench_encryption). A ceiling per pooled
# connection, filled only as pages are read; an office database is smaller than it.
ENCRYPTED_CACHE_KIB = 65536


def _encrypted_cache(dbapi_conn: driver.Connection, _record: Any) -> None:
    dbapi_conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
