"""The export's coded refusals."""

from __future__ import annotations

from typing import Any

from desktop_app.domain.errors import Msg
from desktop_app.services.context import ServiceError

__all__ = [
    "CANCELLED",
    "FORMAT_UNSUPPORTED",
    "PASSWORD_NOT_XLSX",
    "PASSWORD_TOO_SHORT",
    "RESTRICTED_NEEDS_PASSWORD",
    "RESTRICTED_NOT_ALLOWED",
    "RESTRICTED_NOT_CSV",
    "TRAINING_AMBIGUOUS",
    "TRAINING_NOT_FOUND",
    "ExportCancelled",
]

CANCELLED = Msg(
    "export.cancelled",
    "Ekspor dibatalkan; berkas tidak dibuat.",
    "The export was cancelled; no file was written.",
)
FORMAT_UNSUPPORTED = Msg(
    "export.format_unsupported",
    "Format {suffix} tidak didukung; pilih .xlsx atau .csv.",
    "The format {suffix} is not supported; choose .xlsx or .csv.",
)
TRAINING_NOT_FOUND = Msg(
    "export.training_not_found",
    "Pelatihan '{ref}' tidak ditemukan.",
    "The training '{ref}' was not found.",
)
TRAINING_AMBIGUOUS = Msg(
    "export.training_ambiguous",
    "Awalan '{ref}' cocok dengan {count} pelatihan; tulis lebih panjang.",
    "The prefix '{ref}' matches {count} trainings; type more of it.",
)


RESTRICTED_NOT_ALLOWED = Msg(
    "export.restricted_not_allowed",
    "Daftar ini memuat {count} orang dalam program terbatas ({programs}); peran Anda tidak boleh "
    "mengekspor data terbatas.",
    "This list holds {count} persons in restricted programs ({programs}); your role may not "
    "export restricted data.",
)
RESTRICTED_NEEDS_PASSWORD = Msg(
    "export.password_required",
    "Daftar ini memuat data terbatas ({programs}): beri kata sandi untuk berkasnya.",
    "This list holds restricted data ({programs}): give a password for the file.",
)
RESTRICTED_NOT_CSV = Msg(
    "export.restricted_csv",
    "Data terbatas ({programs}) tidak dapat diekspor ke CSV (CSV tidak dapat diberi kata "
    "sandi); pilih .xlsx.",
    "Restricted data ({programs}) cannot be exported to CSV (a CSV file cannot carry a "
    "password); choose .xlsx.",
)
PASSWORD_TOO_SHORT = Msg(
    "export.password_too_short",
    "Kata sandi berkas minimal {min} karakter.",
    "The file password needs at least {min} characters.",
)
PASSWORD_NOT_XLSX = Msg(
    "export.password_needs_xlsx",
    "Hanya berkas .xlsx yang dapat diberi kata sandi; pilih .xlsx.",
    "Only an .xlsx file can carry a password; choose .xlsx.",
)


class ExportCancelled(ServiceError):
    def __init__(self, msg: Msg = CANCELLED, /, **params: Any) -> None:
        super().__init__(msg, **params)
