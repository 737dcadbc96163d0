from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from desktop_app.storage import migrations
from desktop_app.storage.db import (
    CorruptDatabaseError,
    NewerDatabaseError,
    NotBerdayaDatabase,
    ReadOnlyDatabaseError,
    StorageError,
    WriteFailedError,
    integrity_problem,
    open_database,
)


def test_fresh_database_has_pragmas_and_version(db_path: Path) -> None:
    db = open_database(db_path)
    assert db.opened.created
    assert db.schema_version() == migrations.CURRENT_VERSION
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 5000
        assert (
            conn.exec_driver_sql("PRAGMA application_id").scalar_one() == migrations.APPLICATION_ID
        )
    db.dispose()


def test_reopen_does_not_migrate_or_back_up(db_path: Path) -> None:
    open_database(db_path).dispose()
    db = open_database(db_path)
    assert (
        not db.opened.created and db.opened.upgraded_from is None and db.opened.backup_path is None
    )
    db.dispose()


def assert_refused_untouched(path: Path, error: type[StorageError], says: str = "") -> None:
    """Opening `path` fails with `error` (whose message says `says`); the file stays as it was."""
    before = path.read_bytes()
    with pytest.raises(error) as info:
        open_database(path)
    assert says in info.value.user_message
    assert path.read_bytes() == before


def test_newer_database_is_refused_and_untouched(db_path: Path) -> None:
    open_database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    conn.close()
    assert_refused_untouched(db_path, NewerDatabaseError, "lebih baru")


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert_refused_untouched(path, NotBerdayaDatabase, "bukan basis data Berdaya")


def test_garbage_file_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    assert_refused_untouched(path, CorruptDatabaseError)


def test_truncated_database_is_refused(db_path: Path, tmp_path: Path) -> None:
    _filled_database(db_path)
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(db_path.read_bytes()[: db_path.stat().st_size // 2])
    with pytest.raises(CorruptDatabaseError):
        open_database(cut)


def test_read_only_file_is_refused_for_writing(db_path: Path) -> None:
    open_database(db_path).dispose()
    db_path.chmod(0o444)
    try:
        if getattr(os, "geteuid", lambda: -1)() == 0:
            # root ignores permission bits; a read-only open must still refuse writes.
            db = open_database(db_path, read_only=True)
            with pytest.raises(ReadOnlyDatabaseError), db.transaction():
                pass
            db.dispose()
        else:
            with pytest.raises(ReadOnlyDatabaseError):
                open_database(db_path)
    finally:
        db_path.chmod(0o644)


def test_failed_write_rolls_back_everything(db_path: Path) -> None:
    db = open_database(db_path)
    with pytest.raises(WriteFailedError), db.transaction() as session:
        session.connection().exec_driver_sql("INSERT INTO setting (key, value) VALUES ('a', '1')")
        # A second writer holding the lock makes the commit fail like a locked file would.
        session.connection().exec_driver_sql("INSERT INTO nonexistent VALUES (1)")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM setting WHERE key='a'").scalar_one() == 0
    db.dispose()


def test_failed_creation_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new.sqlite"

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setitem(migrations.STEPS, 1, broken)
    with pytest.raises(WriteFailedError) as info:
        open_database(path)
    assert "disk penuh" in info.value.user_message
    assert not path.exists()


def _filled_database(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x)")
        conn.exec_driver_sql(
            "INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
            "WHERE i < 3000) SELECT randomblob(300) FROM n"
        )
    db.dispose()  # the last connection folds the WAL into the file


def test_structure_check_refuses_a_truncated_file_without_reading_it_all(
    db_path: Path, tmp_path: Path
) -> None:
    _filled_database(db_path)
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(db_path.read_bytes()[: db_path.stat().st_size * 2 // 3])
    with pytest.raises(CorruptDatabaseError):
        open_database(cut, verify="structure")


def test_damage_inside_the_file_is_found_by_the_full_check(db_path: Path) -> None:
    _filled_database(db_path)
    data = bytearray(db_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Overwrite a few b-tree pages in the middle: the header and schema stay intact.
    middle = (len(data) // page_size // 2) * page_size
    data[middle : middle + 3 * page_size] = b"\xa5" * (3 * page_size)
    db_path.write_bytes(bytes(data))
    db = open_database(db_path, verify="structure")  # cheap checks pass…
    db.dispose()
    assert integrity_problem(db_path) is not None  # …the background check does not
    with pytest.raises(CorruptDatabaseError):
        open_database(db_path)  # and the default full check refuses it
