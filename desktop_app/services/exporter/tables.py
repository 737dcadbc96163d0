"""What an export is made of: the `Table` (columns and streamed rows), what the file says about
itself (`ExportNotice`), what an export of a table needs (`ExportPolicy`) and what it wrote
(`ExportResult`); and the formula rule every text cell follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_START",
    "MIN_FILE_PASSWORD",
    "NOTICE_SHEET",
    "PERSONAL_DATA_WARNING",
    "Cancelled",
    "Column",
    "ExportNotice",
    "ExportPolicy",
    "ExportResult",
    "Progress",
    "Table",
    "neutralise_formula",
]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# The file password guards a list of children or disabilities on a USB stick or in an e-mail;
# short ones fall to a guesser in minutes (Office's key derivation is 100,000 SHA-512 rounds).
MIN_FILE_PASSWORD = 8

# The first sheet of every xlsx export: what the file holds (the importer skips it).
NOTICE_SHEET = "Keterangan"
PERSONAL_DATA_WARNING = "DATA PRIBADI - JANGAN DISEBARLUASKAN (UU 27/2022 Pelindungan Data Pribadi)"

# A cell a spreadsheet would run as a formula (or DDE) when the text starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """`text` as a spreadsheet shows it but never runs it: a leading quote before = + - @ tab
    or CR (the OWASP advice for CSV; Excel hides the quote)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _moment(value: datetime) -> str:
    zone = value.tzname() if value.tzinfo else None
    return value.strftime("%d-%m-%Y %H:%M") + (f" {zone}" if zone else "")


@dataclass(frozen=True)
class ExportNotice:
    """What the export says about itself (the xlsx's first sheet, the csv's first lines)."""

    what: str  # "Daftar orang"
    program: str  # "Semua program", or the program filtered on
    exported_by: str
    exported_at: datetime
    masked: bool
    protected: bool
    office: str = ""
    filter_text: str = ""

    def lines(self, rows: int) -> list[tuple[str, str]]:
        return [
            ("Berkas", f"Ekspor Berdaya: {self.what}"),
            ("Instansi", self.office or "-"),
            ("Program", self.program),
            ("Filter", self.filter_text or "-"),
            ("Jumlah baris", str(rows)),
            ("Tanggal ekspor", _moment(self.exported_at)),
            ("Diekspor oleh", self.exported_by or "-"),
            ("NIK dan No. KK", "disamarkan" if self.masked else "lengkap (tidak disamarkan)"),
            ("Kata sandi berkas", "ya" if self.protected else "tidak"),
            ("Peringatan", PERSONAL_DATA_WARNING),
        ]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # "text", "id" (NIK/KK: always text), "date", "datetime", "int", "number"
    width: int | None = None  # characters; None: from the header and the first rows


@dataclass
class Table:
    title: str  # sheet name (at most 31 characters in Excel)
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    count: int | None = None  # rows expected, for progress
    description: dict[str, Any] = field(default_factory=dict)  # logged with the export
    # Persons in restricted programs among the rows, and which programs (set by the adapters).
    restricted: int = 0
    restricted_programs: tuple[str, ...] = ()
    program: str | None = None  # the program the list is filtered on
    mask_ids: bool = False  # NIK / No. KK columns written masked
    notice: ExportNotice | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool = False  # NIK / No. KK masked
    protected: bool = False  # the xlsx is encrypted with a password
    restricted: int = 0  # persons in restricted programs among the rows


@dataclass(frozen=True)
class ExportPolicy:
    """What an export of a table needs, known before any file is written: the GUI and the CLI
    ask for the password only when it is needed and preset the mask option."""

    restricted: int  # persons in restricted programs among the rows
    programs: str  # their restricted programs, "ABH, DISABILITAS"
    allowed: bool  # the current user may export this list at all
    password_required: bool  # only a password-protected .xlsx may be written
    mask_default: bool  # the "NIK disamarkan" option's preset
