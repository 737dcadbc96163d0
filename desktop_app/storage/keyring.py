"""The key file beside an encrypted database: the database key, wrapped once per user and once
for the recovery key.

The database is encrypted with a random 256-bit key (storage/db.py, SQLCipher). That key is
never stored as it is: each user's password, stretched with Argon2id (a fresh 16-byte salt per
entry, the cost parameters stored beside it so they can be raised later), seals a copy of it
with NaCl's SecretBox (XSalsa20-Poly1305: a wrong password fails the authentication, it does not
give a wrong key). The recovery key, shown once when the key file is made, seals one more copy.

The file is `<db>.keys`, JSON, readable by its owner only and always replaced whole (temporary
file, fsync, rename). Because the database cannot be read before a key is unwrapped, the count
of wrong passwords per user name lives here too, with the growing wait of
`domain.access.lockout_seconds`. An unknown user name costs the same Argon2id run and gives the
same refusal as a wrong password, and is counted the same way: nothing tells a guesser which
names exist.

Nothing in the file is secret on its own: the salts, the sealed keys and a keyed check value of
the database key (so that `set_user` refuses a key that is not this database's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.secret
import nacl.utils
from argon2.low_level import Type, hash_secret_raw

from desktop_app.domain.access import lockout_seconds
from desktop_app.storage import messages
from desktop_app.storage.db import StorageError, keyring_path
from desktop_app.storage.driver import KEY_BYTES, write_private_atomically

__all__ = [
    "DEFAULT_PARAMS",
    "RECOVERY_GROUPS",
    "Argon2Params",
    "Keyring",
    "KeyringError",
    "format_recovery_key",
    "keyring_path",
    "normalise_recovery_key",
]

FORMAT = 1
SALT_BYTES = 16
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8 to misread
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LEN = 5  # 30 characters of 5 bits: 150 bits
# Wrong-password counts of names nobody has (a guesser's typos) are kept, but not without end.
MAX_FAILURE_ENTRIES = 200
_CHECK_LABEL = b"berdaya key check v1"


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost: `memory_cost` in KiB. The defaults take about 0.2 s of wall time on the
    2-core build machine (0.3 s of CPU), slow enough to make each guess at a copied key file
    expensive, fast enough for a clerk's login (target: 0.5 s from password to open database)."""

    time_cost: int = 3
    memory_cost: int = 128 * 1024
    parallelism: int = 2

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return hash_secret_raw(
            secret,
            salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            hash_len=nacl.secret.SecretBox.KEY_SIZE,
            type=Type.ID,
        )

    def as_json(self) -> dict[str, int]:
        return {"t": self.time_cost, "m": self.memory_cost, "p": self.parallelism}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Argon2Params:
        return cls(int(data["t"]), int(data["m"]), int(data["p"]))


DEFAULT_PARAMS = Argon2Params()


class KeyringError(StorageError):
    """A refusal about the key file: a wrong password (`auth.wrong_password`), a lock-out
    (`auth.locked_out`, with `seconds`), a wrong recovery key, a damaged or missing file."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise_user(username: str) -> str:
    """The key file's spelling of a user name: case and surrounding spaces do not matter."""
    return username.strip().casefold()


def normalise_recovery_key(text: str) -> str:
    """The 30 characters of a recovery key as typed: dashes, spaces and case ignored."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_recovery_key(text: str) -> str:
    """`ABCDE-FGHIJ-...`: the way the recovery key is shown and printed."""
    plain = normalise_recovery_key(text)
    return "-".join(
        plain[i : i + RECOVERY_GROUP_LEN] for i in range(0, len(plain), RECOVERY_GROUP_LEN)
    )


def _new_recovery_key() -> str:
    count = RECOVERY_GROUPS * RECOVERY_GROUP_LEN
    return format_recovery_key("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(count)))


def _seal(secret: bytes, db_key: bytes, params: Argon2Params) -> dict[str, Any]:
    salt = nacl.utils.random(SALT_BYTES)
    box = nacl.secret.SecretBox(params.derive(secret, salt))
    return {
        "kdf": "argon2id",
        **params.as_json(),
        "salt": _b64(salt),
        "box": _b64(box.encrypt(db_key)),
    }


def _open(entry: dict[str, Any], secret: bytes) -> bytes | None:
    """The database key sealed in `entry`, None when `secret` is not the one that sealed it."""
    params = Argon2Params.from_json(entry)
    box = nacl.secret.SecretBox(params.derive(secret, _unb64(entry["salt"])))
    try:
        return box.decrypt(_unb64(entry["box"]))
    except nacl.exceptions.CryptoError:
        return None


def _check_value(db_key: bytes) -> str:
    return _b64(hmac.new(db_key, _CHECK_LABEL, hashlib.sha256).digest())


class Keyring:
    """The key file of one database. Load it (`load`), or make it with a new database key
    (`create`); every change is written to the file at once."""

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        *,
        clock: Callable[[], float] = time.time,
        params: Argon2Params | None = None,
    ) -> None:
        self.path = path
        self._data = data
        self._clock = clock
        # For new entries (each entry keeps its own); None: the module's DEFAULT_PARAMS at the
        # time of the call (tests lower the cost there).
        self.params = params or DEFAULT_PARAMS

    # -- the file ------------------------------------------------------------------------------

    @staticmethod
    def exists(db_path: Path) -> bool:
        return keyring_path(Path(db_path)).is_file()

    @classmethod
    def load(
        cls,
        db_path: Path,
        *,
        clock: Callable[[], float] = time.time,
        params: Argon2Params | None = None,
    ) -> Keyring:
        path = keyring_path(Path(db_path))
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyringError(messages.KEYRING_MISSING, str(exc), name=path.name) from exc
        except OSError as exc:
            raise KeyringError(messages.KEYRING_DAMAGED, str(exc), name=path.name) from exc
        try:
            data = json.loads(raw)
            cls._validate(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise KeyringError(messages.KEYRING_DAMAGED, str(exc), name=path.name) from exc
        return cls(path, data, clock=clock, params=params)

    @staticmethod
    def _validate(data: Any) -> None:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a Berdaya key file of a known format")
        entries = [*data["users"].values(), data["recovery"]]
        for entry in entries:
            Argon2Params.from_json(entry)
            if len(_unb64(entry["salt"])) != SALT_BYTES or not _unb64(entry["box"]):
                raise ValueError("damaged entry")
        if not isinstance(data["failures"], dict) or not isinstance(data["check"], str):
            raise ValueError("damaged failure counts")

    @classmethod
    def create(
        cls,
        db_path: Path,
        username: str,
        password: str,
        *,
        clock: Callable[[], float] = time.time,
        params: Argon2Params | None = None,
    ) -> tuple[Keyring, bytes, str]:
        """A new key file with a new random database key, for `username` and a new recovery
        key. Returns (keyring, db_key, recovery_key_text): show the recovery key once, it is
        stored nowhere. Refuses to replace an existing key file (it may be the only way into an
        encrypted database)."""
        path = keyring_path(Path(db_path))
        if path.exists():
            raise KeyringError(messages.KEYRING_EXISTS, name=path.name)
        params = params or DEFAULT_PARAMS
        db_key = secrets.token_bytes(KEY_BYTES)
        recovery = _new_recovery_key()
        data: dict[str, Any] = {
            "format": FORMAT,
            "check": _check_value(db_key),
            "users": {normalise_user(username): _seal(password.encode(), db_key, params)},
            "recovery": _seal(normalise_recovery_key(recovery).encode(), db_key, params),
            "failures": {},
        }
        keyring = cls(path, data, clock=clock, params=params)
        keyring._save()
        return keyring, db_key, recovery

    def _reload(self) -> None:
        """Read the file again before a change: the GUI and the command line may both hold it
        (a user added in one must not vanish when the other counts a wrong password)."""
        try:
            data = json.loads(self.path.read_bytes())
            self._validate(data)
        except (OSError, ValueError, TypeError, KeyError):
            return  # keep what was loaded; the next save repairs the file
        self._data = data

    def _save(self) -> None:
        text = json.dumps(self._data, indent=1, sort_keys=True)
        write_private_atomically(self.path, text.encode("utf-8"))

    # -- unlocking -----------------------------------------------------------------------------

    def usernames(self) -> list[str]:
        self._reload()
        return sorted(self._data["users"])

    def unlock(self, username: str, password: str) -> bytes:
        """The database key for `username`'s password. Refuses a wrong password or unknown
        name alike (`auth.wrong_password`, same Argon2id cost) and, after repeated failures,
        any attempt until the wait is over (`auth.locked_out`, `seconds`)."""
        name = normalise_user(username)
        self._reload()
        wait = self.seconds_locked(name)
        if wait > 0:
            raise KeyringError(messages.LOCKED_OUT, seconds=wait)
        entry = self._data["users"].get(name)
        if entry is None:
            # Spend what a real entry costs, so the time taken does not tell the name is unknown.
            entries = list(self._data["users"].values())
            params = Argon2Params.from_json(entries[0]) if entries else self.params
            params.derive(password.encode(), nacl.utils.random(SALT_BYTES))
            db_key = None
        else:
            db_key = _open(entry, password.encode())
        if db_key is None or not self._matches(db_key):
            self._count_failure(name)
            raise KeyringError(messages.WRONG_PASSWORD)
        if name in self._data["failures"]:
            del self._data["failures"][name]
            self._save()
        return db_key

    def seconds_locked(self, username: str) -> int:
        """How long `username` must still wait before the next password is tried (0: none)."""
        record = self._data["failures"].get(normalise_user(username))
        if not record:
            return 0
        until = float(record["last"]) + lockout_seconds(int(record["count"]))
        return max(0, math.ceil(until - self._clock()))

    def failures(self, username: str) -> int:
        record = self._data["failures"].get(normalise_user(username))
        return int(record["count"]) if record else 0

    def _count_failure(self, name: str) -> None:
        failures: dict[str, dict[str, float]] = self._data["failures"]
        record = failures.setdefault(name, {"count": 0, "last": 0.0})
        record["count"] = int(record["count"]) + 1
        record["last"] = self._clock()
        if len(failures) > MAX_FAILURE_ENTRIES:
            # Forget the stalest counts of names nobody has; real users' counts stay.
            stale = sorted(
                (r["last"], n) for n, r in failures.items() if n not in self._data["users"]
            )
            for _last, old in stale[: len(failures) - MAX_FAILURE_ENTRIES]:
                del failures[old]
        self._save()

    def unlock_with_recovery(self, recovery_key: str) -> bytes:
        """The database key for the recovery key (dashes, spaces and case ignored)."""
        secret = normalise_recovery_key(recovery_key).encode()
        db_key = _open(self._data["recovery"], secret)
        if db_key is None or not self._matches(db_key):
            raise KeyringError(messages.WRONG_RECOVERY_KEY)
        return db_key

    def _matches(self, db_key: bytes) -> bool:
        return hmac.compare_digest(_check_value(db_key), self._data["check"])

    # -- changes -------------------------------------------------------------------------------

    def _require_key(self, db_key: bytes) -> None:
        if len(db_key) != KEY_BYTES or not self._matches(db_key):
            raise KeyringError(messages.KEYRING_KEY_MISMATCH, name=self.path.name)

    def set_user(self, username: str, password: str, db_key: bytes) -> None:
        """Add `username`, or re-wrap the key for a new password (change or reset). Clears the
        name's wrong-password count."""
        self._require_key(db_key)
        self._reload()
        name = normalise_user(username)
        self._data["users"][name] = _seal(password.encode(), db_key, self.params)
        self._data["failures"].pop(name, None)
        self._save()

    def remove_user(self, username: str) -> None:
        """`username` can no longer unlock the database (an unknown name: nothing to do)."""
        name = normalise_user(username)
        self._reload()
        if name in self._data["users"]:
            del self._data["users"][name]
            self._data["failures"].pop(name, None)
            self._save()

    def rotate_recovery(self, db_key: bytes) -> str:
        """A new recovery key (returned, to be shown once); the old one stops working."""
        self._require_key(db_key)
        self._reload()
        recovery = _new_recovery_key()
        self._data["recovery"] = _seal(
            normalise_recovery_key(recovery).encode(), db_key, self.params
        )
        self._save()
        return recovery
