"""Every refusal of the reporting service: a stable code with Indonesian and English text."""

from __future__ import annotations

from desktop_app.domain.errors import Msg

__all__ = [
    "BAD_PERIOD",
    "NO_ROUND",
    "REPORT_UNKNOWN",
    "ROUND_DRAFT",
    "UNKNOWN_PROGRAM",
]

UNKNOWN_PROGRAM = Msg(
    "reporting.unknown_program",
    "Program '{code}' tidak dikenal; pilih salah satu: {known}.",
    "Program '{code}' is not known; choose one of: {known}.",
)
BAD_PERIOD = Msg(
    "reporting.bad_period",
    "Periode laporan tidak sah: tanggal awal {start} sesudah tanggal akhir {end}.",
    "The report period is not valid: the start {start} is after the end {end}.",
)
NO_ROUND = Msg(
    "reporting.round_not_found",
    "Putaran penyaluran '{ref}' tidak ditemukan.",
    "Distribution round '{ref}' not found.",
)
ROUND_DRAFT = Msg(
    "reporting.round_draft",
    "Putaran {name} belum dibuka; belum ada daftar penerima untuk dilaporkan.",
    "Round {name} has not been opened; there is no roster to report yet.",
)
REPORT_UNKNOWN = Msg(
    "reporting.report_unknown",
    "Laporan '{name}' tidak dikenal; pilih salah satu: {known}.",
    "Report '{name}' is not known; choose one of: {known}.",
)
