"""Exporting views to .xlsx and .csv.

Each export is a `Table`: column definitions plus an iterator of rows. An adapter per view
(`persons_table`, `households_table`, and the round and training adapters that other services
provide rows for) builds the table; `export_table` writes it. Rows are streamed, so 160,000
persons never sit in memory as a workbook.

Spreadsheet rules: the header row is frozen and has an autofilter, columns get sensible widths,
dates are real dates (formatted dd-mm-yyyy) and NIK / No. KK are always text, never numbers
(Excel would otherwise round them to 15 digits).

Privacy rules (UU 27/2022; docs/privacy.md): every file is created owner-only (0600); the first
sheet (xlsx) or the first lines (csv) say what the file holds, who exported it, when, and that
it is personal data; NIK and No. KK can be masked (`3572********0001`); no cell is ever a
formula (xlsx cells are written as strings, csv text that a spreadsheet would run as a formula
gets a leading quote). An export holding anyone enrolled in a restricted program needs
EXPORT_RESTRICTED, is a password-protected xlsx (never csv) and is written to the access log.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from desktop_app.domain.access import RESTRICTED_PROGRAMS, Permission, is_restricted_program
from desktop_app.domain.errors import Msg
from desktop_app.domain.ids import new_id
from desktop_app.domain.people import program_names
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.status import RELATION_LABELS, Relation
from desktop_app.domain.values import as_date
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.privacy import create_private, make_private, mask_nik
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.registry.reads import PERSON_PROGRAMS_FROM
from desktop_app.storage import search

__all__ = [
    "NOTICE_SHEET",
    "Column",
    "ExportNotice",
    "ExportPolicy",
    "ExportResult",
    "ExportService",
    "Table",
    "export_table",
    "neutralise_formula",
    "write_csv",
    "write_rejected_rows",
    "write_xlsx",
]

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

DATE_FORMAT = "dd-mm-yyyy"
_FETCH = 2000  # rows fetched per query while streaming a view
_WIDTH_SAMPLE = 200  # rows looked at to size the columns


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
            ("Tanggal ekspor", self.exported_at.strftime("%d-%m-%Y %H:%M")),
            ("Diekspor oleh", self.exported_by or "-"),
            ("NIK dan No. KK", "disamarkan" if self.masked else "lengkap (tidak disamarkan)"),
            ("Kata sandi berkas", "ya" if self.protected else "tidak"),
            ("Peringatan", PERSONAL_DATA_WARNING),
        ]


class ExportCancelled(ServiceError):
    def __init__(self, msg: Msg = CANCELLED, /, **params: Any) -> None:
        super().__init__(msg, **params)


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


def _sheet_title(title: str) -> str:
    bad = "[]:*?/\\"
    clean = "".join("-" if ch in bad else ch for ch in title).strip("'") or "Data"
    return clean[:31]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _widths(columns: list[Column], sample: list[Sequence[Any]]) -> list[int]:
    widths = []
    for i, col in enumerate(columns):
        if col.width is not None:
            widths.append(col.width)
            continue
        if col.kind == "id":
            widths.append(max(19, len(col.header) + 2))
            continue
        if col.kind in ("date", "datetime"):
            widths.append(max(12 if col.kind == "date" else 17, len(col.header) + 2))
            continue
        longest = max((len(_text(row[i])) for row in sample if i < len(row)), default=0)
        widths.append(min(60, max(len(col.header) + 2, longest + 2, 6)))
    return widths


def write_xlsx(
    table: Table,
    path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    create_private(path)  # xlsxwriter then writes into the owner-only file
    # constant_memory: each row goes to disk as soon as the next one starts.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        notice_sheet = workbook.add_worksheet(NOTICE_SHEET) if table.notice else None
        sheet = workbook.add_worksheet(_sheet_title(table.title))
        sheet.activate()  # the file opens on the data
        header_fmt = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        date_fmt = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
        text_fmt = workbook.add_format({"num_format": "@"})
        columns = table.columns
        for i, width in enumerate(_widths(columns, sample)):
            sheet.set_column(i, i, width, text_fmt if columns[i].kind == "id" else None)
        for i, col in enumerate(columns):
            sheet.write_string(0, i, col.header, header_fmt)
        sheet.freeze_panes(1, 0)
        datetime_fmt = workbook.add_format({"num_format": "dd-mm-yyyy hh:mm", "align": "left"})
        writers = [
            _cell_writer(sheet, col, date_fmt, text_fmt, datetime_fmt, table.mask_ids)
            for col in columns
        ]
        pairs = list(enumerate(writers))
        total = table.count or 0
        written = 0
        for r, row in enumerate(itertools.chain(sample, rows), start=1):
            for i, write in pairs:
                value = row[i]
                if value is not None and value != "":
                    write(r, i, value)
            written = r
            if r % 5000 == 0:
                if cancelled is not None and cancelled():
                    raise ExportCancelled()
                if progress is not None:
                    progress(r, total)
        sheet.autofilter(0, 0, max(written, 1), len(columns) - 1)
        if notice_sheet is not None and table.notice is not None:
            bold = workbook.add_format({"bold": True, "valign": "top"})
            warn = workbook.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True})
            notice_sheet.set_column(0, 0, 20)
            notice_sheet.set_column(1, 1, 80)
            for r, (label, value) in enumerate(table.notice.lines(written)):
                notice_sheet.write_string(r, 0, label, bold)
                notice_sheet.write_string(r, 1, value, warn if label == "Peringatan" else None)
    except BaseException:
        workbook.close()
        path.unlink(missing_ok=True)
        raise
    workbook.close()
    make_private(path)
    if progress is not None:
        progress(written, written)
    return written


def _cell_writer(
    sheet: Any, col: Column, date_fmt: Any, text_fmt: Any, datetime_fmt: Any, masked: bool
) -> Callable[..., Any]:
    """The writer of one column. Text always goes through `write_string`: a value starting
    with = stays text, never a formula (xlsxwriter's generic `write` would make it one)."""
    if col.kind == "id":
        write_string = sheet.write_string
        if masked:
            return lambda r, c, v: write_string(r, c, mask_nik(str(v)), text_fmt)
        return lambda r, c, v: write_string(r, c, str(v), text_fmt)
    if col.kind == "datetime":
        write_datetime = sheet.write_datetime
        write_string = sheet.write_string

        def write_moment(r: int, c: int, v: Any) -> None:
            if isinstance(v, datetime):
                # Excel has no time zones: write the local wall-clock time the clerk saw.
                write_datetime(r, c, v.replace(tzinfo=None), datetime_fmt)
            else:
                write_string(r, c, str(v))

        return write_moment
    if col.kind == "date":
        write_datetime = sheet.write_datetime
        write_string = sheet.write_string

        def write_date(r: int, c: int, v: Any) -> None:
            if isinstance(v, date):
                write_datetime(r, c, v, date_fmt)
            else:
                write_string(r, c, str(v))

        return write_date
    if col.kind in ("int", "number"):
        write_number = sheet.write_number
        return lambda r, c, v: write_number(r, c, v)
    write_string = sheet.write_string
    return lambda r, c, v: write_string(r, c, v if isinstance(v, str) else _text(v))


def write_csv(
    table: Table,
    path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    delimiter: str = ";",
) -> int:
    """UTF-8 with BOM and ';' (what Excel expects in an Indonesian locale); dates as dd-mm-yyyy.
    NIKs are plain digits: open the file with Excel's text import, or use .xlsx instead.

    The notice (what the file holds) comes first, one "label;value" line each, then a blank
    line and the header. Text a spreadsheet would run as a formula gets a leading quote."""
    written = 0
    masked = [table.mask_ids and c.kind == "id" for c in table.columns]
    try:
        create_private(path)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            if table.notice is not None:
                for label, value in table.notice.lines(table.count or 0):
                    writer.writerow([f"# {label}", neutralise_formula(value)])
                writer.writerow([])
            writer.writerow([c.header for c in table.columns])
            for r, row in enumerate(table.rows, start=1):
                writer.writerow([_csv_cell(v, m) for v, m in zip(row, masked, strict=False)])
                written = r
                if r % 5000 == 0:
                    if cancelled is not None and cancelled():
                        raise ExportCancelled()
                    if progress is not None:
                        progress(r, table.count or 0)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return written


def _csv_cell(value: Any, masked: bool) -> str:
    if isinstance(value, str):
        return neutralise_formula((mask_nik(value) or "") if masked else value)
    text = _text(value)
    return (mask_nik(text) or "") if masked else text


def export_table(
    table: Table,
    path: Path | str,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(table, path, progress, cancelled)
    if suffix == ".xlsx":
        return write_xlsx(table, path, progress, cancelled)
    shown = suffix or "(tanpa akhiran)"
    raise ServiceError(FORMAT_UNSUPPORTED, suffix=shown)


def write_rejected_rows(
    path: Path,
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[Any], Any]],
    source: str = "",
) -> int:
    """The rejected rows as the sender wrote them, with their row number and the reasons, so the
    sender can fix the original file."""
    width = max([len(header), *(len(cells) for _, cells, _ in rows)])
    labels = [
        header[i] if i < len(header) and header[i] else f"Kolom {i + 1}" for i in range(width)
    ]
    columns = [Column("Baris di berkas asal", "int", 12)]
    columns += [Column(label) for label in labels]
    columns += [Column("Alasan ditolak", "text", 70)]

    def generate() -> Iterator[list[Any]]:
        for number, cells, result in rows:
            padded = list(cells) + [""] * (width - len(cells))
            yield [number, *(_report_value(v) for v in padded), result.reasons]

    table = Table(f"Ditolak {source}"[:31], columns, generate(), len(rows))
    return write_xlsx(table, path)


def _report_value(value: Any) -> Any:
    # Keep the sender's own values (numbers stay numbers, so a NIK Excel rounded is shown as
    # the sender's Excel shows it); dates are written as text to keep the column kind simple.
    if isinstance(value, date):
        return _text(value)
    if isinstance(value, float):
        return _text(value) if value.is_integer() and abs(value) < 1e15 else f"{value:.5E}"
    return value


# -- adapters over the registry ----------------------------------------------------------------

_PERSON_EXPORT_SELECT = (
    """
SELECT person.rowid AS rowid, person.nik, household.kk_number, person.name, person.sex,
       person.birth_place, person.birth_date, person.street, person.rt, person.rw,
       kel.name AS kelurahan, kec.name AS kecamatan, person.relation, person.phone,
       person.status,
       """
    + PERSON_PROGRAMS_FROM
)

# Both exports carry the address the same way, so a re-import reads them alike.
_ADDRESS_COLUMNS = [
    Column("ALAMAT", "text", 32),
    Column("RT", "text", 6),
    Column("RW", "text", 6),
    Column("KELURAHAN", "text", 16),
    Column("KECAMATAN", "text", 16),
]

PERSON_COLUMNS = [
    Column("NIK", "id"),
    Column("NO KK", "id"),
    Column("NAMA", "text", 32),
    Column("JENIS KELAMIN", "text", 9),
    Column("TEMPAT LAHIR", "text", 16),
    Column("TANGGAL LAHIR", "date"),
    *_ADDRESS_COLUMNS,
    Column("HUBUNGAN KELUARGA", "text", 18),
    Column("TELEPON", "text", 15),
    Column("STATUS", "text", 11),
    Column("PROGRAM", "text", 22),
]


def _relation_label(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return RELATION_LABELS[Relation(code)]
    except ValueError:
        return code


_CURRENT_RESTRICTED = "e.deleted = 0 AND e.end_date IS NULL AND e.program_code IN ({marks})"

# Persons (by rowid or NIK) enrolled now in a restricted program, themselves or through their
# household; and households with such an enrolment or such a member.
_RESTRICTED_PERSONS = (
    "SELECT p.rowid, p.nik, e.program_code FROM enrolment e JOIN person p ON p.id = e.person_id"
    " WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED + " UNION "
    "SELECT p.rowid, p.nik, e.program_code FROM enrolment e"
    " JOIN person p ON p.household_id = e.household_id"
    " WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED
)
_RESTRICTED_HOUSEHOLDS = (
    "SELECT h.rowid, e.program_code FROM enrolment e JOIN household h ON h.id = e.household_id"
    " WHERE " + _CURRENT_RESTRICTED + " UNION "
    "SELECT h.rowid, e.program_code FROM enrolment e JOIN person p ON p.id = e.person_id"
    " JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 AND " + _CURRENT_RESTRICTED
)

_WHAT_LABELS = {
    "persons": "Daftar orang",
    "households": "Daftar KPM",
    "round": "Daftar penerima tahap penyaluran",
    "training": "Presensi pelatihan",
}


def _mark_restricted(table: Table, hits: dict[Any, set[str]], keys: Iterable[Any]) -> Table:
    """Set the table's restricted count and programs from `hits` (key -> restricted codes)."""
    count = 0
    programs: set[str] = set()
    for key in keys:
        codes = hits.get(key)
        if codes:
            count += 1
            programs |= codes
    if table.program and is_restricted_program(table.program):
        programs.add(table.program)
        count = max(count, table.count or 0)
    table.restricted = count
    table.restricted_programs = tuple(sorted(programs))
    return table


def _encrypt_xlsx(plain: Path, target: Path, password: str) -> None:
    """`plain` encrypted into `target` (ECMA-376 agile encryption, what Excel and LibreOffice
    open after asking for the password)."""
    import msoffcrypto.format.ooxml

    create_private(target)
    with plain.open("rb") as source, target.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt(password, out)


class ExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.registry = RegistryService(ctx)

    # -- restricted data -----------------------------------------------------------------------
    def _restricted_query(self, sql: str, key_columns: int) -> dict[Any, set[str]]:
        codes = sorted(RESTRICTED_PROGRAMS)
        marks = ",".join("?" for _ in codes)
        out: dict[Any, set[str]] = {}
        with self.ctx.db.engine.connect() as conn:
            for row in conn.exec_driver_sql(sql.format(marks=marks), tuple(codes) * 2):
                for key in row[:key_columns]:
                    if key is not None:
                        out.setdefault(key, set()).add(str(row[key_columns]))
        return out

    def restricted_persons(self) -> dict[Any, set[str]]:
        """Person rowid and NIK -> the restricted programs the person is enrolled in now."""
        return self._restricted_query(_RESTRICTED_PERSONS, 2)

    def restricted_households(self) -> dict[Any, set[str]]:
        """Household rowid -> the restricted programs of the KPM or one of its members."""
        return self._restricted_query(_RESTRICTED_HOUSEHOLDS, 1)

    def policy(self, table: Table, path: Path | str | None = None) -> ExportPolicy:
        """What exporting `table` (to `path`) needs from the current user."""
        restricted = table.restricted > 0
        # A database without accounts (made before accounts, or by tools below the login) has
        # nobody to protect the file from: the password stays optional there.
        password_required = restricted and self.ctx.accounts_exist
        if restricted:
            allowed = self.ctx.can(Permission.EXPORT_RESTRICTED)
        else:
            allowed = self.ctx.can(Permission.EXPORT)
        return ExportPolicy(
            restricted=table.restricted,
            programs=", ".join(table.restricted_programs),
            allowed=allowed,
            password_required=password_required,
            mask_default=not self.ctx.can(Permission.RESTRICTED_VIEW),
        )

    def persons_table(self, flt: PersonFilter | None = None) -> Table:
        """The registry's person view with its current filter, in the view's order.

        Every match, also for a search text: the screen shows the first `max_matches` of a
        search, but a file that silently stopped there would look complete.
        """
        flt = replace(_searched(flt), max_matches=None)
        rowids = self.registry.person_ids(flt)
        table = Table(
            "Orang",
            PERSON_COLUMNS,
            self._person_rows(rowids),
            len(rowids),
            {"what": "persons", "filter": _filter_dict(flt)},
            program=flt.program_code,
        )
        return _mark_restricted(table, self.restricted_persons(), rowids)

    def _person_rows(self, rowids: list[int]) -> Iterator[tuple[Any, ...]]:
        def sql(chunk: list[int]) -> str:
            return _PERSON_EXPORT_SELECT + " WHERE " + search.rows_by_rowid_clause(chunk)

        def row(m: Any) -> tuple[Any, ...]:
            return (
                m[1],
                m[2],
                m[3],
                m[4],
                m[5],
                as_date(m[6]),
                m[7],
                m[8],
                m[9],
                m[10],
                m[11],
                _relation_label(m[12]),
                m[13],
                m[14],
                program_names(m[15]),
            )

        return self._rows_in_order(rowids, sql, row)

    def _rows_in_order(
        self,
        rowids: list[int],
        sql: Callable[[list[int]], str],
        row: Callable[[Any], tuple[Any, ...]],
    ) -> Iterator[tuple[Any, ...]]:
        """`row(m)` for each result of `sql(chunk)`, read in chunks of rowids (the first column
        is the rowid) and yielded in the order of `rowids`; rowids no longer found are skipped."""
        with self.ctx.db.engine.connect() as conn:
            for start in range(0, len(rowids), _FETCH):
                chunk = rowids[start : start + _FETCH]
                by_key = {m[0]: m for m in conn.exec_driver_sql(sql(chunk))}
                for key in chunk:
                    m = by_key.get(key)
                    if m is not None:
                        yield row(m)

    def households_table(self, flt: PersonFilter | None = None) -> Table:
        """One row per KPM: its KK, head, address and members; importable as households."""
        flt = _searched(flt)
        rowids = self.registry.household_ids(flt)
        columns = [
            Column("NO KK", "id"),
            Column("NIK", "id"),
            Column("NAMA KEPALA KELUARGA", "text", 32),
            *_ADDRESS_COLUMNS,
            Column("JUMLAH ANGGOTA", "int", 10),
            Column("PROGRAM", "text", 22),
        ]

        def sql(chunk: list[int]) -> str:
            return (
                "SELECT household.rowid, household.kk_number, head.nik, head.name,"
                " household.street, household.rt, household.rw, kel.name, kec.name,"
                " (SELECT count(*) FROM person m WHERE m.household_id = household.id"
                "  AND m.deleted = 0),"
                " (SELECT group_concat(e.program_code, ',') FROM enrolment e"
                "  WHERE e.deleted = 0 AND e.end_date IS NULL"
                "  AND e.household_id = household.id)"
                " FROM household"
                " LEFT JOIN person head ON head.id = household.head_person_id"
                " LEFT JOIN region kel ON kel.code = household.kelurahan_code"
                " LEFT JOIN region kec ON kec.code = kel.parent_code"
                " WHERE household.rowid IN (" + ",".join(str(int(r)) for r in chunk) + ")"
            )

        rows = self._rows_in_order(rowids, sql, lambda m: (*m[1:10], program_names(m[10])))

        table = Table(
            "KPM",
            columns,
            rows,
            len(rowids),
            {"what": "households", "filter": _filter_dict(flt)},
            program=flt.program_code,
        )
        return _mark_restricted(table, self.restricted_households(), rowids)

    def round_table(self, round_ref: str) -> Table:
        """A distribution round's checklist: who is entitled, and who collected, when, how."""
        from desktop_app.services.distribution import DistributionService, RosterFilter

        service = DistributionService(self.ctx)
        rnd = service.get_round(round_ref)
        rowids = service.roster_ids(rnd.id, RosterFilter())
        columns = [
            Column("NO", "int", 6),
            Column("NIK", "id"),
            Column("NO KK", "id"),
            Column("NAMA", "text", 30),
            Column("ALAMAT", "text", 30),
            Column("RT", "text", 6),
            Column("RW", "text", 6),
            Column("KELURAHAN", "text", 16),
            Column("TITIK PENYALURAN", "text", 22),
            Column("NO KARTU", "text", 14),
            Column("STATUS", "text", 14),
            Column("NO TANDA TERIMA", "text", 22),
            Column("WAKTU DITERIMA", "datetime"),
            Column("PENGAMBIL", "text", 24),
            Column("KETERANGAN", "text", 30),
        ]

        def rows() -> Iterator[tuple[Any, ...]]:
            for start in range(0, len(rowids), _FETCH):
                for r in service.roster_rows(rowids[start : start + _FETCH]):
                    yield (
                        r.no, r.nik, r.kk_number, r.name, r.address, r.rt, r.rw, r.kelurahan,
                        r.point_name, r.card_code, r.status_label if r.status else "Belum",
                        r.receipt_number, r.received_at, r.collector_name, r.mark_reason,
                    )  # fmt: skip

        table = Table(
            rnd.code,
            columns,
            rows(),
            len(rowids),
            {"what": "round", "filter": {"round": rnd.id}},
            program=rnd.program_code,
        )
        with self.ctx.db.engine.connect() as conn:
            niks = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT nik FROM distribution_roster WHERE round_id = ?", (rnd.id,)
                )
            ]
        return _mark_restricted(table, self.restricted_persons(), niks)

    def training_table(self, training_ref: str) -> Table:
        """A training's attendance: one column per session (H/I/S/A) and the completion rule."""
        from desktop_app.services.training import TrainingService

        service = TrainingService(self.ctx)
        ref = training_ref.strip()
        matches = [t.id for t in service.list_trainings() if t.id == ref or t.id.startswith(ref)]
        if len(matches) != 1 and ref not in matches:
            if not matches:
                raise ServiceError(TRAINING_NOT_FOUND, ref=ref)
            raise ServiceError(TRAINING_AMBIGUOUS, ref=ref, count=len(matches))
        grid = service.attendance_grid(ref if ref in matches else matches[0])
        columns = [
            Column("NO", "int", 6),
            Column("NIK", "id"),
            Column("NAMA", "text", 30),
            Column("L/P", "text", 5),
            Column("KELURAHAN", "text", 16),
            Column("STATUS", "text", 10),
        ]
        columns += [
            Column(f"SESI {s.number} ({s.session_date:%d-%m-%Y})", "text", 9) for s in grid.sessions
        ]
        columns += [
            Column("HADIR", "int", 8),
            Column("PERSEN HADIR", "int", 9),
            Column("MEMENUHI SYARAT", "text", 11),
        ]

        def rows() -> Iterator[tuple[Any, ...]]:
            for p in grid.participants:
                codes = [grid.code(p.id, s.id) for s in grid.sessions]
                yield (
                    p.number, p.nik, p.name, p.sex, p.kelurahan,
                    "aktif" if p.active else "mundur", *codes,
                    grid.present(p.id), grid.pct(p.id), "Ya" if grid.complete(p.id) else "Tidak",
                )  # fmt: skip

        table = Table(
            grid.training.title,
            columns,
            rows(),
            len(grid.participants),
            {"what": "training", "filter": {"training": grid.training.id}},
        )
        niks = [p.nik for p in grid.participants]
        return _mark_restricted(table, self.restricted_persons(), niks)

    def export(
        self,
        table: Table,
        path: Path | str,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        mask_ids: bool | None = None,
        password: str | None = None,
    ) -> ExportResult:
        """Write the table and record the export in the change log (who exported what, when:
        lists of beneficiaries are personal data under UU PDP).

        `mask_ids` None takes the policy's preset (masked for a role without RESTRICTED_VIEW).
        A list holding persons in restricted programs needs EXPORT_RESTRICTED and, once the
        database has accounts, a `password` (an encrypted .xlsx; never a .csv); it is also
        written to the access log."""
        path = Path(path)
        policy = self.policy(table, path)
        self._check(table, path, policy, password)
        masked = policy.mask_default if mask_ids is None else mask_ids
        protected = bool(password)
        what = str(table.description.get("what", table.title))
        table = replace(
            table,
            mask_ids=masked,
            notice=ExportNotice(
                what=_WHAT_LABELS.get(what, what) + f" ({table.title})",
                program=_program_line(table.program),
                exported_by=self.ctx.actor,
                exported_at=self.ctx.clock.now(),
                masked=masked,
                protected=protected,
                office=self.ctx.office.office_name,
                filter_text=_filter_text(table.description.get("filter", {})),
            ),
        )
        if protected:
            count = self._write_protected(table, path, str(password), progress, cancelled)
        else:
            count = export_table(table, path, progress, cancelled)
        if not self.ctx.db.read_only:
            with self.ctx.unit_of_work(source=path.name) as w:
                w.log(
                    "export",
                    new_id(),
                    "export",
                    {
                        "what": [None, what],
                        "filter": [None, json.dumps(table.description.get("filter", {}))],
                        "rows": [None, count],
                        "masked": [None, masked],
                        "protected": [None, protected],
                    },
                )
        if policy.restricted:
            self.ctx.log_access(
                "export",
                "export",
                None,
                detail=f"{path.name}; program {policy.programs}; {count} baris"
                f"{'; NIK disamarkan' if masked else ''}",
            )
        return ExportResult(path, count, masked, protected, policy.restricted)

    def _check(
        self, table: Table, path: Path, policy: ExportPolicy, password: str | None
    ) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise ServiceError(FORMAT_UNSUPPORTED, suffix=suffix or "(tanpa akhiran)")
        if policy.restricted:
            if not self.ctx.can(Permission.EXPORT_RESTRICTED):
                self.ctx.current_actor()  # nobody logged in: auth.login_required
                raise ServiceError(
                    RESTRICTED_NOT_ALLOWED, count=policy.restricted, programs=policy.programs
                )
        else:
            self.ctx.require(Permission.EXPORT)
        if policy.password_required and suffix == ".csv":
            raise ServiceError(RESTRICTED_NOT_CSV, programs=policy.programs)
        if password is not None and password != "" and suffix != ".xlsx":
            raise ServiceError(PASSWORD_NOT_XLSX)
        if policy.password_required and not password:
            raise ServiceError(RESTRICTED_NEEDS_PASSWORD, programs=policy.programs)
        if password and len(password) < MIN_FILE_PASSWORD:
            raise ServiceError(PASSWORD_TOO_SHORT, min=MIN_FILE_PASSWORD)

    def _write_protected(
        self,
        table: Table,
        path: Path,
        password: str,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> int:
        """The xlsx written to an owner-only temporary file beside `path`, encrypted into
        `path`; the plain copy is removed whatever happens."""
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
        os.close(fd)
        plain = Path(name)
        try:
            count = write_xlsx(table, plain, progress, cancelled)
            try:
                _encrypt_xlsx(plain, path, password)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        finally:
            plain.unlink(missing_ok=True)
        return count


def _program_line(code: str | None) -> str:
    if not code:
        return "Semua program"
    name = program_names(code)
    return f"{name} ({code})" if name and name != code else code


def _filter_text(flt: Any) -> str:
    if not isinstance(flt, dict):
        return ""
    return ", ".join(f"{k}={v}" for k, v in flt.items() if k not in ("max_matches",))


def _searched(flt: PersonFilter | None) -> PersonFilter:
    """The filter with its search text as the registry reads it (`export --query` may carry a
    NUL, a paste or hundreds of words): the file's metadata then records what was searched."""
    flt = flt or PersonFilter()
    return replace(flt, query=normalise_search(flt.query))


def _filter_dict(flt: PersonFilter) -> dict[str, Any]:
    return {k: v for k, v in vars(flt).items() if v not in (None, "")}
