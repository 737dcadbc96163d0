"""The key file: the database key wrapped per user and for a recovery key, wrong passwords,
the growing lock-out counted in the file, and no user enumeration."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from desktop_app.domain.access import lockout_seconds
from desktop_app.storage.keyring import (
    Argon2Params,
    Keyring,
    KeyringError,
    format_recovery_key,
    keyring_path,
)

FAST = Argon2Params(time_cost=1, memory_cost=8 * 1024, parallelism=1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "office.sqlite"


def _create(db: Path, clock: FakeClock) -> tuple[Keyring, bytes, str]:
    return Keyring.create(db, "Admin", "benar-sekali", clock=clock, params=FAST)


def _load(db: Path, clock: FakeClock) -> Keyring:
    return Keyring.load(db, clock=clock, params=FAST)


def test_create_then_unlock_by_password_and_by_recovery_key(db: Path, clock: FakeClock) -> None:
    assert not Keyring.exists(db)
    keyring, db_key, recovery = _create(db, clock)
    assert Keyring.exists(db) and keyring_path(db) == Path(f"{db}.keys")
    assert len(db_key) == 32
    groups = recovery.split("-")
    assert len(groups) == 6 and all(len(g) == 5 for g in groups)  # 30 base32 chars: 150 bits
    again = _load(db, clock)
    assert again.usernames() == ["admin"]
    assert again.unlock("admin", "benar-sekali") == db_key
    assert again.unlock("  ADMIN ", "benar-sekali") == db_key  # names: case and spaces ignored
    assert again.unlock_with_recovery(recovery) == db_key
    assert again.unlock_with_recovery(recovery.replace("-", "").lower()) == db_key
    assert again.unlock_with_recovery(" ".join(groups)) == db_key


def test_the_key_file_holds_no_key_or_password(db: Path, clock: FakeClock) -> None:
    _keyring, db_key, recovery = _create(db, clock)
    raw = keyring_path(db).read_bytes()
    for secret in (db_key, db_key.hex().encode(), b"benar-sekali", recovery.encode()):
        assert secret not in raw
    data = json.loads(raw)
    entry = data["users"]["admin"]
    assert entry["kdf"] == "argon2id" and {"t", "m", "p", "salt", "box"} <= set(entry)


def test_a_wrong_password_and_an_unknown_user_get_the_same_refusal(
    db: Path, clock: FakeClock
) -> None:
    _create(db, clock)
    keyring = _load(db, clock)
    codes = []
    for name in ("admin", "nobody"):
        with pytest.raises(KeyringError) as info:
            keyring.unlock(name, "salah")
        codes.append((info.value.code, info.value.message))
    assert codes[0] == codes[1] == ("auth.wrong_password", codes[0][1])
    assert codes[0][1]


def test_an_unknown_user_costs_an_argon2_run(db: Path, clock: FakeClock) -> None:
    slow = Argon2Params(time_cost=2, memory_cost=32 * 1024, parallelism=1)
    Keyring.create(db, "admin", "benar", clock=clock, params=slow)
    keyring = Keyring.load(db, clock=clock, params=slow)

    def cost(name: str) -> float:
        start = time.process_time()
        with pytest.raises(KeyringError):
            keyring.unlock(name, "salah")
        return time.process_time() - start

    known = min(cost("admin") for _ in range(3))
    unknown = min(cost(f"nobody{i}") for i in range(3))
    assert unknown > known / 3  # same order of cost: the time does not tell the name is unknown


def test_failures_lock_out_with_a_growing_delay_counted_in_the_file(
    db: Path, clock: FakeClock
) -> None:
    _create(db, clock)
    keyring = _load(db, clock)
    waits = []
    for attempt in range(1, 7):
        with pytest.raises(KeyringError) as info:
            keyring.unlock("admin", "salah")
        assert info.value.code == "auth.wrong_password"
        waits.append(keyring.seconds_locked("admin"))
        assert waits[-1] == lockout_seconds(attempt)
        if waits[-1]:
            # While locked out even the right password is refused, with the wait.
            with pytest.raises(KeyringError) as locked:
                keyring.unlock("admin", "benar-sekali")
            assert locked.value.code == "auth.locked_out"
            assert locked.value.params["seconds"] == waits[-1]
            # Another process reading the file sees the same lock-out.
            assert _load(db, clock).seconds_locked("admin") == waits[-1]
            clock.now += waits[-1]
    assert waits[:3] == [0, 0, 0] and waits[3] > 0 and waits[4] > waits[3] and waits[5] > waits[4]
    assert keyring.failures("admin") == 6
    assert keyring.unlock("admin", "benar-sekali")
    assert keyring.failures("admin") == 0 and _load(db, clock).failures("admin") == 0


def test_an_unknown_name_is_locked_out_like_a_real_one(db: Path, clock: FakeClock) -> None:
    _create(db, clock)
    keyring = _load(db, clock)
    for _ in range(4):
        with pytest.raises(KeyringError):
            keyring.unlock("nobody", "salah")
    with pytest.raises(KeyringError) as info:
        keyring.unlock("nobody", "salah")
    assert info.value.code == "auth.locked_out"


def test_set_user_remove_user_and_password_change(db: Path, clock: FakeClock) -> None:
    keyring, db_key, _recovery = _create(db, clock)
    keyring.set_user("Operator", "op-1", db_key)
    assert _load(db, clock).usernames() == ["admin", "operator"]
    assert _load(db, clock).unlock("operator", "op-1") == db_key
    keyring.set_user("operator", "op-2", db_key)  # a password change re-wraps
    with pytest.raises(KeyringError):
        _load(db, clock).unlock("operator", "op-1")
    assert _load(db, clock).unlock("operator", "op-2") == db_key
    keyring.remove_user("operator")
    keyring.remove_user("never-was")
    with pytest.raises(KeyringError) as info:
        _load(db, clock).unlock("operator", "op-2")
    assert info.value.code == "auth.wrong_password"
    assert keyring.usernames() == ["admin"]


def test_changes_refuse_a_key_that_is_not_this_databases(db: Path, clock: FakeClock) -> None:
    keyring, db_key, recovery = _create(db, clock)
    before = keyring_path(db).read_bytes()
    for change in (
        lambda: keyring.set_user("x", "y", bytes(32)),
        lambda: keyring.rotate_recovery(bytes(32)),
    ):
        with pytest.raises(KeyringError) as info:
            change()
        assert info.value.code == "storage.keyring_key_mismatch"
    assert keyring_path(db).read_bytes() == before
    assert keyring.unlock_with_recovery(recovery) == db_key


def test_rotating_the_recovery_key_retires_the_old_one(db: Path, clock: FakeClock) -> None:
    keyring, db_key, old = _create(db, clock)
    new = keyring.rotate_recovery(db_key)
    assert new != old and format_recovery_key(new) == new
    with pytest.raises(KeyringError) as info:
        _load(db, clock).unlock_with_recovery(old)
    assert info.value.code == "auth.wrong_recovery_key"
    assert _load(db, clock).unlock_with_recovery(new) == db_key


def test_a_user_added_elsewhere_survives_a_failure_counted_here(db: Path, clock: FakeClock) -> None:
    gui, db_key, _ = _create(db, clock)
    cli = _load(db, clock)
    gui.set_user("operator", "op", db_key)
    with pytest.raises(KeyringError):
        cli.unlock("admin", "salah")  # cli saves its count after re-reading the file
    assert _load(db, clock).usernames() == ["admin", "operator"]


def test_create_refuses_to_replace_a_key_file(db: Path, clock: FakeClock) -> None:
    _create(db, clock)
    before = keyring_path(db).read_bytes()
    with pytest.raises(KeyringError) as info:
        _create(db, clock)
    assert info.value.code == "storage.keyring_exists"
    assert keyring_path(db).read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"", b"{not json", b'{"format": 1}', b'{"format": 99, "users": {}}', b"\xff\xfe"]
)
def test_a_damaged_key_file_is_a_coded_refusal(db: Path, clock: FakeClock, content: bytes) -> None:
    keyring_path(db).write_bytes(content)
    with pytest.raises(KeyringError) as info:
        Keyring.load(db)
    assert info.value.code == "storage.keyring_damaged" and info.value.message


def test_a_tampered_entry_does_not_unlock(db: Path, clock: FakeClock) -> None:
    _create(db, clock)
    data = json.loads(keyring_path(db).read_text())
    box = bytearray(data["users"]["admin"]["box"].encode())
    box[10] = ord("A") if box[10] != ord("A") else ord("B")
    data["users"]["admin"]["box"] = box.decode()
    keyring_path(db).write_text(json.dumps(data))
    with pytest.raises(KeyringError) as info:
        _load(db, clock).unlock("admin", "benar-sekali")
    assert info.value.code == "auth.wrong_password"


def test_a_missing_key_file_is_a_coded_refusal(db: Path) -> None:
    with pytest.raises(KeyringError) as info:
        Keyring.load(db)
    assert info.value.code == "storage.keyring_missing"


def test_the_default_parameters_are_stated_and_stored_per_entry(db: Path, clock) -> None:
    keyring, _key, _rec = Keyring.create(db, "admin", "x", clock=clock, params=FAST)
    entry = json.loads(keyring_path(db).read_text())["users"]["admin"]
    assert Argon2Params.from_json(entry) == FAST
    default = Argon2Params()
    assert (default.time_cost, default.memory_cost, default.parallelism) == (3, 128 * 1024, 2)
