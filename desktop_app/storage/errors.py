"""The refusals about the database file (coded, see desktop_app.domain.errors), apart from
storage/db.py so the key file and the encryption modules raise the same types without a cycle.
storage/db.py re-exports every name here."""

from __future__ import annotations

import errno
from typing import Any

from desktop_app.domain.errors import Msg, Refusal
from desktop_app.storage import messages

__all__ = [
    "CorruptDatabaseError",
    "DatabaseInUseError",
    "EncryptedDatabaseError",
    "NewerDatabaseError",
    "NotBerdayaDatabase",
    "ReadOnlyDatabaseError",
    "StorageError",
    "WriteFailedError",
    "WrongKeyError",
    "classify_write_error",
]


class StorageError(Refusal):
    """A problem with the database file, coded like every refusal; `detail` is the technical
    cause for the log (never shown to the clerk)."""

    exit_code = 2

    def __init__(self, msg: Msg, /, detail: str = "", **params: Any) -> None:
        super().__init__(msg, **params)
        self.detail = detail

    @property
    def user_message(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_storage_error, (type(self), self.msg, self.detail, self.params))


def _rebuild_storage_error(
    cls: type[StorageError], msg: Msg, detail: str, params: dict[str, Any]
) -> StorageError:
    return cls(msg, detail, **params)


class NotBerdayaDatabase(StorageError):
    pass


class NewerDatabaseError(StorageError):
    pass


class CorruptDatabaseError(StorageError):
    pass


class ReadOnlyDatabaseError(StorageError):
    pass


class EncryptedDatabaseError(StorageError):
    """The file is encrypted and no key was given: the user has to sign in first."""


class WrongKeyError(StorageError):
    """The key given does not open this encrypted file."""


class DatabaseInUseError(StorageError):
    """Another program holds the file locked; trying again later may work."""


class WriteFailedError(StorageError):
    """A write could not be completed (disk full, locked file); nothing was saved."""


def classify_write_error(exc: BaseException) -> WriteFailedError:
    """Turn a low-level failure during a write into a message a clerk understands."""
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "disk is full" in text:
        msg = messages.DISK_FULL
    elif "locked" in text or "busy" in text:
        msg = messages.IN_USE
    elif "readonly" in text or "read-only" in text:
        msg = messages.WRITE_READ_ONLY
    else:
        msg = messages.WRITE_FAILED
    return WriteFailedError(msg, str(exc))
