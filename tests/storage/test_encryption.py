"""Encryption at rest: an encrypted database, its backups and its key file hold no name or NIK in
the clear; keyed opens refuse a missing or wrong key and still find damaged or newer files;
converting a plain database keeps every row or changes nothing."""

from __future__ import annotations

import os
import secrets
import stat
from datetime import date
from pathlib import Path

import pytest

from desktop_app.domain.clock import FixedClock
from desktop_app.services import backups
from desktop_app.services.context import AppContext, open_app
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.storage import driver, encryption, migrations
from desktop_app.storage.db import (
    CorruptDatabaseError,
    EncryptedDatabaseError,
    NewerDatabaseError,
    StorageError,
    WrongKeyError,
    backup_path_for,
    integrity_problem,
    is_encrypted,
    keyring_path,
    open_database,
    require_database_file,
)
from desktop_app.storage.encryption import EncryptionError, encrypt_database
from desktop_app.storage.keyring import Argon2Params, Keyring
from tests.helpers import person_input

# Cheap Argon2id for tests: the cost is the benchmark's business (bench/bench_encryption.py).
FAST = Argon2Params(time_cost=1, memory_cost=8 * 1024, parallelism=1)

PEOPLE = [
    ("Siti Rahayu", "P", date(1958, 4, 12), 1),
    ("Bambang Sulistyo", "L", date(1961, 9, 3), 2),
    ("Wulandari Puspitasari", "P", date(1990, 1, 30), 3),
]


def _fill(ctx: AppContext) -> list[str]:
    """Synthetic persons; returns the NIKs."""
    reg = RegistryService(ctx)
    niks = []
    for name, sex, birth, serial in PEOPLE:
        inp = person_input(name=name, sex=sex, birth=birth, serial=serial)
        reg.create_person(inp)
        niks.append(str(inp.nik))
    return niks


def _files_bytes(path: Path) -> bytes:
    """The bytes of a database and every journal beside it."""
    return b"".join(
        p.read_bytes()
        for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm")))
        if p.exists()
    )


def _secrets_in(data: bytes, niks: list[str]) -> list[str]:
    words = [*niks, *(name for name, *_ in PEOPLE), "Rahayu", "Bambang"]
    return [w for w in words if w.encode() in data]


@pytest.fixture
def key() -> bytes:
    return secrets.token_bytes(32)


def test_the_plain_database_shows_names_and_niks_the_encrypted_one_does_not(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    plain_path, enc_path = tmp_path / "plain.sqlite", tmp_path / "enc.sqlite"
    plain = open_app(plain_path, clock=clock)
    niks = _fill(plain)
    plain.close()
    assert _secrets_in(_files_bytes(plain_path), niks)  # the grep does find plain text

    enc = open_app(enc_path, clock=clock, key=key)
    assert enc.db.encrypted and enc.db.opened.created
    _fill(enc)
    assert _secrets_in(_files_bytes(enc_path), niks) == []  # open: the WAL too
    enc.close()
    assert _secrets_in(_files_bytes(enc_path), niks) == []
    assert is_encrypted(enc_path) and not is_encrypted(plain_path)
    assert not enc_path.read_bytes().startswith(b"SQLite format 3")


def test_files_are_readable_by_their_owner_only(tmp_path: Path, key: bytes, clock: FixedClock):
    if os.name != "posix":
        pytest.skip("POSIX permission bits")
    path = tmp_path / "office.sqlite"
    ctx = open_app(path, clock=clock, key=key)
    _fill(ctx)
    Keyring.create(path, "admin", "kata-sandi", params=FAST)
    made = backups.daily_backup(ctx, tmp_path / "cadangan", today=date(2026, 11, 20)).made
    assert made is not None
    files = [path, Path(f"{path}-wal"), keyring_path(path), made, keyring_path(made)]
    ctx.close()
    for file in files:
        if file.exists():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_an_encrypted_database_without_a_key_is_locked(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    path = tmp_path / "office.sqlite"
    open_app(path, clock=clock, key=key).close()
    require_database_file(path)  # the command line may then ask for the password
    before = path.read_bytes()
    with pytest.raises(EncryptedDatabaseError) as info:
        open_database(path)
    assert info.value.code == "storage.encrypted_locked"
    assert "terenkripsi" in info.value.message
    with pytest.raises(WrongKeyError) as wrong:
        open_database(path, key=secrets.token_bytes(32))
    assert wrong.value.code == "storage.wrong_key" and wrong.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office.sqlite"]


def test_a_key_file_alone_marks_a_file_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    path.write_bytes(b"not a database, but a key file lies beside it" * 30)
    assert not is_encrypted(path)
    Keyring.create(path, "admin", "x", params=FAST)
    assert is_encrypted(path)


def test_a_plain_database_opens_although_a_key_is_given(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    path = tmp_path / "office.sqlite"
    open_app(path, clock=clock).close()
    db = open_database(path, key=key)
    assert not db.encrypted and db.key is None
    db.dispose()


def _encrypted_with_rows(tmp_path: Path, key: bytes) -> Path:
    path = tmp_path / "office.sqlite"
    db = open_database(path, key=key)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x)")
        conn.exec_driver_sql(
            "INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
            "WHERE i < 3000) SELECT randomblob(300) FROM n"
        )
    db.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def test_a_newer_encrypted_database_is_refused(tmp_path: Path, key: bytes) -> None:
    path = tmp_path / "office.sqlite"
    open_database(path, key=key).dispose()
    conn = driver.connect(str(path), key=key, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    conn.close()
    with pytest.raises(NewerDatabaseError) as info:
        open_database(path, key=key)
    assert info.value.code == "storage.newer_version"


@pytest.mark.parametrize("verify", ["full", "structure"])
def test_a_truncated_encrypted_database_is_refused(tmp_path: Path, key: bytes, verify: str):
    path = _encrypted_with_rows(tmp_path, key)
    for cut in (path.stat().st_size // 2, path.stat().st_size // 2 + 100):
        damaged = tmp_path / f"cut{cut}.sqlite"
        damaged.write_bytes(path.read_bytes()[:cut])
        with pytest.raises(CorruptDatabaseError) as info:
            open_database(damaged, key=key, verify=verify)
        assert info.value.code == "storage.corrupt"


def test_tampered_bytes_in_an_encrypted_database_are_found(tmp_path: Path, key: bytes) -> None:
    path = _encrypted_with_rows(tmp_path, key)
    data = bytearray(path.read_bytes())
    data[4096 * 40 + 700] ^= 0x01  # one bit in a data page
    path.write_bytes(bytes(data))
    assert integrity_problem(path, key=key) is not None
    with pytest.raises(CorruptDatabaseError):
        open_database(path, key=key)


def test_a_damaged_first_page_is_damage_not_a_wrong_key(tmp_path: Path, key: bytes) -> None:
    path = _encrypted_with_rows(tmp_path, key)
    data = bytearray(path.read_bytes())
    data[500] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError) as info:
        open_database(path, key=key)
    assert info.value.code == "storage.corrupt"


def test_search_works_on_an_encrypted_database(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    ctx = open_app(tmp_path / "office.sqlite", clock=clock, key=key)
    try:
        niks = _fill(ctx)
        reg = RegistryService(ctx)
        page = reg.search_page(PersonFilter(query="rahayu"))
        assert [r.name for r in page.rows] == ["Siti Rahayu"]
        page = reg.search_page(PersonFilter(query=niks[1][:10]))
        assert [r.name for r in page.rows] == ["Bambang Sulistyo"]
        assert [r.name for r in reg.person_rows(reg.person_ids(PersonFilter(query="puspita")))] == [
            "Wulandari Puspitasari"
        ]
    finally:
        ctx.close()


def test_an_upgrade_copy_of_an_encrypted_database_is_encrypted_with_its_key_file(
    tmp_path: Path, key: bytes, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "office.sqlite"
    ctx = open_app(path, clock=clock, key=key)
    niks = _fill(ctx)
    ctx.close()
    Keyring.create(path, "admin", "x", params=FAST)
    current = migrations.CURRENT_VERSION
    monkeypatch.setitem(migrations.STEPS, current + 1, lambda conn: None)
    monkeypatch.setattr(migrations, "CURRENT_VERSION", current + 1)
    db = open_database(path, key=key)
    db.dispose()
    copy = db.opened.backup_path
    assert copy is not None and copy == backup_path_for(path, current, None).with_name(copy.name)
    assert is_encrypted(copy) and _secrets_in(copy.read_bytes(), niks) == []
    assert keyring_path(copy).read_bytes() == keyring_path(path).read_bytes()
    assert _secrets_in(keyring_path(copy).read_bytes(), niks) == []
    conn = driver.connect(str(copy), key=key)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    conn.close()


def test_daily_backup_of_an_encrypted_database_and_its_restore(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "office.sqlite"
    _keyring, key, _recovery = Keyring.create(path, "admin", "x", params=FAST)
    ctx = open_app(path, clock=clock, key=key)
    niks = _fill(ctx)
    result = backups.daily_backup(ctx, tmp_path / "cadangan", today=date(2026, 11, 20))
    ctx.close()
    made = result.made
    assert made is not None and result.ok
    assert is_encrypted(made) and _secrets_in(made.read_bytes(), niks) == []
    assert keyring_path(made).exists()
    assert _secrets_in(keyring_path(made).read_bytes(), niks) == []

    # The laptop's database and key file are lost; the backup folder survives.
    for p in tmp_path.glob("office.sqlite*"):
        p.unlink()
    backups.restore_backup(made, path)
    db_key = Keyring.load(path).unlock("admin", "x")
    ctx = open_app(path, clock=clock, key=db_key)
    try:
        reg = RegistryService(ctx)
        assert len(reg.person_ids(PersonFilter())) == len(PEOPLE)
    finally:
        ctx.close()


def _plain_with_people(path: Path, clock: FixedClock) -> list[str]:
    ctx = open_app(path, clock=clock)
    niks = _fill(ctx)
    ctx.close()
    return niks


def _counts(path: Path, key: bytes | None) -> dict[str, int]:
    conn = driver.connect(str(path), key=key)
    try:
        return encryption._table_counts(conn)
    finally:
        conn.close()


def test_converting_keeps_every_row_and_removes_the_plain_file(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    path = tmp_path / "office.sqlite"
    niks = _plain_with_people(path, clock)
    upgrade_copy = backup_path_for(path, 3)
    upgrade_copy.write_bytes(path.read_bytes())
    daily = tmp_path / "cadangan" / "office-20261119.sqlite"
    daily.parent.mkdir()
    daily.write_bytes(path.read_bytes())
    Keyring.create(path, "admin", "x", params=FAST)
    before = _counts(path, None)
    assert before["person"] == len(PEOPLE)

    result = backups.encrypt_database_and_backups(path, key, fallback=tmp_path / "none")

    assert result.removed_plain
    assert sorted(result.backups_encrypted) == sorted([upgrade_copy, daily])
    assert result.backups_failed == []
    assert _counts(path, key) == before
    for file in (path, upgrade_copy, daily):
        assert is_encrypted(file) and _secrets_in(_files_bytes(file), niks) == []
    for copy in (upgrade_copy, daily):
        assert keyring_path(copy).read_bytes() == keyring_path(path).read_bytes()
        assert _counts(copy, key) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("office.sqlite")) == [
        "office.sqlite",
        "office.sqlite.keys",
    ]
    ctx = open_app(path, clock=clock, key=key)
    try:
        assert {r.name for r in RegistryService(ctx).search_page(PersonFilter()).rows} == {
            name for name, *_ in PEOPLE
        }
    finally:
        ctx.close()
    # Once more: nothing left to do.
    again = encrypt_database(path, key)
    assert not again.removed_plain and again.backups_encrypted == []


def test_a_failed_conversion_leaves_the_plain_database_unchanged(
    tmp_path: Path, key: bytes, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "office.sqlite"
    _plain_with_people(path, clock)
    before, listing = path.read_bytes(), sorted(p.name for p in tmp_path.iterdir())

    def fails(original: Path, copy: Path, key: bytes) -> None:
        raise EncryptionError(
            encryption.messages.ENCRYPT_FAILED, "test", name=original.name, reason="verifikasi"
        )

    monkeypatch.setattr(encryption, "verify_copy", fails)
    with pytest.raises(EncryptionError) as info:
        encrypt_database(path, key)
    assert info.value.code == "storage.encrypt_failed" and info.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    open_database(path).dispose()  # still the plain database


def test_a_copy_that_does_not_match_is_not_accepted(tmp_path: Path, key: bytes, clock) -> None:
    path = tmp_path / "office.sqlite"
    _plain_with_people(path, clock)
    other = tmp_path / "other.sqlite"
    open_database(other, key=key).dispose()
    with pytest.raises(EncryptionError):
        encryption.verify_copy(path, other, key)


def test_conversion_refuses_while_the_database_is_open(
    tmp_path: Path, key: bytes, clock: FixedClock
) -> None:
    path = tmp_path / "office.sqlite"
    ctx = open_app(path, clock=clock)
    try:
        _fill(ctx)
        with ctx.db.engine.connect() as conn:  # a reader holds the journal open
            conn.exec_driver_sql("SELECT count(*) FROM person").fetchall()
            with pytest.raises(StorageError):
                encrypt_database(path, key)
    finally:
        ctx.close()
    assert not is_encrypted(path)
    open_database(path).dispose()
