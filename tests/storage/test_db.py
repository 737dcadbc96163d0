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


def test_garbage_file_is_refused_as_not_berdaya(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    assert_refused_untouched(path, NotBerdayaDatabase, "bukan basis data Berdaya")


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("create", [True, False])
def test_a_foreign_wal_database_is_refused_without_litter(tmp_path: Path, create: bool) -> None:
    # A read-only SQLite connection to a WAL file creates -wal/-shm beside it; a refused file
    # must be left exactly as it was, with nothing new in its folder.
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before, listing = path.read_bytes(), _listing(tmp_path)
    with pytest.raises(NotBerdayaDatabase):
        open_database(path, create=create)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == listing


def test_newer_database_refusal_leaves_no_litter(db_path: Path) -> None:
    open_database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    conn.close()
    listing = _listing(db_path.parent)
    with pytest.raises(NewerDatabaseError):
        open_database(db_path)
    assert _listing(db_path.parent) == listing


def test_an_empty_file_is_called_empty_not_missing(tmp_path: Path) -> None:
    path = tmp_path / "kosong.sqlite"
    path.write_bytes(b"")
    with pytest.raises(NotBerdayaDatabase) as info:
        open_database(path, create=False)
    assert info.value.code == "storage.empty"
    assert "kosong" in info.value.user_message
    assert "empty" in info.value.render("en")
    assert path.read_bytes() == b""
    assert _listing(tmp_path) == ["kosong.sqlite"]


def test_missing_file_without_create_is_not_found_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "berdaya.sqlite"
    with pytest.raises(StorageError) as info:
        open_database(path, create=False)
    assert info.value.code == "storage.not_found"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_named_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        open_database(tmp_path)
    assert info.value.code == "storage.not_a_file"


def test_a_nul_byte_in_the_path_is_a_refusal(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        open_database(str(tmp_path / "a\x00b.sqlite"))
    assert info.value.code == "storage.cannot_open"


def test_a_sqlite_header_without_body_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "cut.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\x10")
    assert_refused_untouched(path, CorruptDatabaseError, "rusak")


@pytest.mark.skipif(
    getattr(os, "geteuid", lambda: -1)() == 0, reason="root ignores permission bits"
)
def test_an_unreadable_file_says_no_permission(db_path: Path) -> None:
    open_database(db_path).dispose()
    db_path.chmod(0o000)
    try:
        with pytest.raises(StorageError) as info:
            open_database(db_path)
        assert info.value.code == "storage.no_read_permission"
    finally:
        db_path.chmod(0o644)


def test_a_database_locked_by_another_program_is_named_in_use(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.storage import db as db_module

    open_database(db_path).dispose()
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 50)
    # The app's own driver: two SQLite libraries in one process do not see each other's locks.
    holder = db_module.driver.connect(str(db_path), isolation_level=None)
    try:
        # An exclusive-locking writer (another program) keeps every reader out.
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO setting (key, value) VALUES ('x', '1')")
        with pytest.raises(db_module.DatabaseInUseError) as info:
            open_database(db_path)
        assert info.value.code == "storage.open_in_use"
        assert "sedang dipakai program lain" in info.value.user_message
    finally:
        holder.execute("ROLLBACK")
        holder.close()


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


def test_sqlite_mark_with_a_garbage_header_is_damaged_not_foreign(tmp_path: Path) -> None:
    path = tmp_path / "rusak.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\x13\x37" * 4000)
    assert_refused_untouched(path, CorruptDatabaseError, "rusak")
    assert _listing(tmp_path) == ["rusak.sqlite"]
