"""The one SQLite driver every connection of the app goes through: SQLCipher.

`sqlcipher3.dbapi2` is sqlite3's API on an SQLite built with SQLCipher: a plain (unencrypted)
database opens with it exactly as with sqlite3, and a keyed one opens once `PRAGMA key` is the
first statement on the connection. Using it everywhere, plain or not, means one set of exception
types (`dbapi.DatabaseError` is NOT `sqlite3.DatabaseError`) and one place that knows how a key
is given to a connection.

The key is the raw 256-bit database key (`x'<hex>'`): SQLCipher then skips its own PBKDF2,
since the key was already stretched by Argon2id when it was unwrapped (storage/keyring.py).

Also here: the files the app writes beside a database with personal data or keys in them
(created owner-only, written atomically), and where the key file of a database lives.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi

__all__ = [
    "KEY_BYTES",
    "Connection",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "connect",
    "dbapi",
    "key_pragma",
    "copy_key_file",
    "create_private",
    "keyring_path",
    "fsync_folder",
    "write_private_atomically",
    "key_literal",
]

KEY_BYTES = 32
KEYS_SUFFIX = ".keys"

Connection = dbapi.Connection
Error = dbapi.Error
DatabaseError = dbapi.DatabaseError
OperationalError = dbapi.OperationalError
IntegrityError = dbapi.IntegrityError


def key_pragma(key: bytes, schema: str = "") -> str:
    """`PRAGMA key` (or `PRAGMA <schema>.key`) giving `key` as a raw key, no derivation."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    prefix = f"{schema}." if schema else ""
    return f"PRAGMA {prefix}key = \"x'{key.hex()}'\""


def key_literal(key: bytes) -> str:
    """The key as the string literal of `ATTACH ... KEY <literal>`."""
    if len(key) != KEY_BYTES:
        raise ValueError("a database key has 32 bytes")
    return f"\"x'{key.hex()}'\""


def connect(
    target: str,
    *,
    key: bytes | None = None,
    uri: bool = False,
    isolation_level: str | None = "",
    timeout: float = 5.0,
    check_same_thread: bool = True,
) -> Connection:
    """A connection to `target`, keyed with `key` when the file is (or is to be) encrypted.

    `isolation_level` is sqlite3's: "" (the default) lets the driver open transactions as
    SQLAlchemy expects, None is autocommit for connections that issue BEGIN themselves.
    SQLCipher writes every failed page decryption to stderr by default; a wrong key is an
    ordinary refusal here, so its log is turned off.
    """
    conn = dbapi.connect(
        target,
        uri=uri,
        isolation_level=isolation_level,
        timeout=timeout,
        check_same_thread=check_same_thread,
    )
    try:
        if key is not None:
            conn.execute(key_pragma(key))
        conn.execute("PRAGMA cipher_log_level = NONE")
    except BaseException:
        conn.close()
        raise
    return conn


def create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600 on POSIX) before SQLite opens
    it: the database and its backups hold every NIK and name. SQLite gives the -wal, -shm and
    -journal files it creates the permissions of the database file, so they follow. Created so
    before any byte is written, not narrowed afterwards; on Windows the per-user folder is what
    protects them."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def write_private_atomically(path: Path, data: bytes) -> None:
    """Write `path` readable by its owner only, all or nothing: a temporary file beside it,
    flushed to the disk, then renamed over the old one (a power cut leaves old or new)."""
    tmp = path.with_name(path.name + ".tmp")
    create_private(tmp)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keyring_path(db_path: Path) -> Path:
    """The key file of database `db_path` (storage/keyring.py): `<db>.keys` beside it."""
    return Path(str(db_path) + KEYS_SUFFIX)


def copy_key_file(source_db: Path, target_db: Path) -> Path | None:
    """Copy the key file of `source_db` beside `target_db` (atomically, 0600); None when the
    source has no key file."""
    source = keyring_path(source_db)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return None
    target = keyring_path(target_db)
    write_private_atomically(target, data)
    return target
