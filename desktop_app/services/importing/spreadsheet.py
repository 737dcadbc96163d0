"""Reading spreadsheets as they arrive: .xlsx, .xls, .ods through python-calamine, .csv by hand.

The file's content decides how it is read, not its name: a kelurahan that renamed an .xls to
.xlsx still gets its list read. Every way a file can be unusable has one coded refusal
(`SpreadsheetError.code` names it for programs and tests, messages.py holds its texts). Finding
the header row and the columns is in headers.py.

Nothing reaches a reader unmeasured (bounds.py): the file's size first, a zip's parts and their
real inflated sizes when it is opened, a sheet's real extent just before calamine parses it. A
CSV is never held whole: it is checked in one streaming pass and read again row by row.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import python_calamine

from desktop_app.domain.errors import Msg
from desktop_app.services.importing import bounds
from desktop_app.services.importing.messages import (
    CELL_TOO_LONG,
    CORRUPT,
    FILE_EMPTY,
    FILE_NOT_FOUND,
    FILE_UNREADABLE,
    NO_DATA,
    NO_SHEETS,
    NO_SUCH_SHEET,
    NOT_SPREADSHEET,
    PASSWORD,
    TOO_MANY_ROWS,
    SpreadsheetError,
)

# A binary workbook's sheets cannot be measured before the reader allocates their grid (one cell
# far out aborts the whole program, as it did for .xlsx and .xls): refused until they can be.
XLSB_UNSUPPORTED = Msg(
    "spreadsheet.xlsb_unsupported",
    "Berkas {file} adalah buku kerja Excel biner (.xlsb), yang belum dapat dibaca dengan aman. "
    "Buka di Excel lalu Simpan Sebagai .xlsx; tidak ada data yang berubah.",
    "{file} is a binary Excel workbook (.xlsb), which cannot be read safely yet. Open it in "
    "Excel and Save As .xlsx; no data was changed.",
)

__all__ = [
    "HEADER_SCAN_ROWS",
    "SPREADSHEET_SUFFIXES",
    "SheetInfo",
    "SpreadsheetError",
    "Workbook",
    "open_workbook",
]

HEADER_SCAN_ROWS = 30
# The first sheet of a Berdaya export (services/exporter NOTICE_SHEET): not data.
EXPORT_NOTICE_SHEET = "Keterangan"
# .xlsb is taken so the clerk reads why it is refused, instead of "not a spreadsheet".
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt", ".tsv")


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool = True


class Workbook:
    """An opened spreadsheet: its sheets and their rows as Python values.

    Cells come as str, float, int, bool, date or datetime, and "" when empty (CSV cells are
    always str). Rows are read on demand so a 160,000-row sheet is never held twice.
    """

    def __init__(self, path: Path, kind: str, sheets: list[SheetInfo]) -> None:
        self.path = path
        self.kind = kind  # "xlsx" / "xls" / "ods" / "csv"
        self.sheets = sheets
        self._calamine: python_calamine.CalamineWorkbook | None = None
        self._loaded: dict[str, Any] = {}
        self._checked: set[str] = set()  # sheets whose extent is within the limits
        self._sheet_parts: dict[str, str] = {}  # xlsx: sheet name -> part holding its cells
        self._csv: _CsvFormat | None = None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @property
    def name(self) -> str:
        return self.path.name

    def resolve_sheet(self, sheet: str | None) -> str:
        """The sheet to read: the given name (case and spaces forgiven) or the first one; a
        Berdaya export's first sheet says what the file holds, its data is the next one."""
        if sheet is None or sheet == "":
            visible = [s.name for s in self.sheets if s.visible] or self.sheet_names
            if len(visible) > 1 and visible[0] == EXPORT_NOTICE_SHEET:
                return visible[1]
            return visible[0]
        if sheet in self.sheet_names:
            return sheet
        wanted = sheet.strip().casefold()
        for name in self.sheet_names:
            if name.strip().casefold() == wanted:
                return name
        raise SpreadsheetError(
            NO_SUCH_SHEET,
            sheet=sheet,
            file=self.name,
            names=", ".join(self.sheet_names),
        )

    def rows(self, sheet: str | None = None) -> Iterator[list[Any]]:
        name = self.resolve_sheet(sheet)
        if self.kind == "csv":
            assert self._csv is not None
            yield from self._csv.rows(self.path)
            return
        try:
            yield from self._sheet(name).iter_rows()
        except python_calamine.CalamineError as exc:
            raise _corrupt(self.path) from exc

    def head(self, sheet: str | None = None, n: int = HEADER_SCAN_ROWS) -> list[list[Any]]:
        out: list[list[Any]] = []
        for row in self.rows(sheet):
            out.append(list(row))
            if len(out) >= n:
                break
        return out

    def row_count(self, sheet: str | None = None) -> int:
        """Rows in the sheet's used range (trailing formatted-but-empty rows included)."""
        name = self.resolve_sheet(sheet)
        if self.kind == "csv":
            assert self._csv is not None
            return self._csv.row_count
        return int(self._sheet(name).height)

    def _sheet(self, name: str) -> Any:
        # Calamine parses a whole sheet at once; keep it so the header scan and the full read
        # share one parse.
        if name not in self._loaded:
            assert self._calamine is not None
            self._check_extent(name)
            try:
                self._loaded = {name: self._calamine.get_sheet_by_name(name)}
            except python_calamine.PasswordError as exc:
                raise _password(self.path) from exc
            except python_calamine.CalamineError as exc:
                raise _corrupt(self.path) from exc
        return self._loaded[name]

    def _check_extent(self, name: str) -> None:
        """Refuse a sheet whose grid would be too large before calamine allocates it (it would
        abort the whole program, not raise)."""
        if name in self._checked or self.kind != "xlsx":
            # .ods and .xls are measured whole when opened (calamine reads all their sheets at
            # once).
            return
        try:
            with zipfile.ZipFile(self.path) as archive:
                extent = self._measure(archive, name)
        except SpreadsheetError:
            raise
        except bounds.zlib_errors() as exc:
            raise _corrupt(self.path) from exc
        if extent is not None:
            bounds.check_extent(self.path, name, extent)
        self._checked.add(name)

    def _measure(self, archive: zipfile.ZipFile, name: str) -> bounds.Extent | None:
        def check(extent: bounds.Extent) -> None:
            bounds.check_extent(self.path, name, extent)

        part = self._sheet_parts.get(name)
        candidates = (
            [part]
            if part
            else [
                n
                for n in archive.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
        )
        if not candidates:
            return None  # no worksheet parts: calamine finds no sheet either
        merged = bounds.Extent()
        for candidate in candidates:
            info = archive.getinfo(candidate)
            merged.merge(
                bounds.xlsx_extent(partial(bounds.inflate, archive, info, info.file_size), check)
            )
        return merged

    def release(self) -> None:
        """Forget parsed sheets (they are parsed again when read again)."""
        self._loaded.clear()

    def close(self) -> None:
        self._loaded.clear()
        self._csv = None
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _password(path: Path) -> SpreadsheetError:
    return SpreadsheetError(PASSWORD, file=path.name)


def _corrupt(path: Path) -> SpreadsheetError:
    return SpreadsheetError(CORRUPT, file=path.name)


def _not_spreadsheet(path: Path, what: str = "") -> SpreadsheetError:
    return SpreadsheetError(
        NOT_SPREADSHEET,
        file=path.name,
        what=f" ({what})" if what else "",
    )


def open_workbook(path: Path | str) -> Workbook:
    """Open a spreadsheet or raise SpreadsheetError with the reason in Indonesian."""
    path = Path(path)
    if not path.is_file():
        raise SpreadsheetError(FILE_NOT_FOUND, file=path.name)
    try:
        bounds.check_file_size(path, path.stat().st_size)
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise SpreadsheetError(FILE_UNREADABLE, file=path.name, error=exc) from exc
    if not head:
        raise SpreadsheetError(FILE_EMPTY, file=path.name)
    if head.startswith(_ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _open_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _open_ole(path)
    if head.startswith(b"%PDF"):
        raise _not_spreadsheet(path, "isinya dokumen PDF")
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise _not_spreadsheet(
            path,
            "isinya halaman web/XML yang diberi nama Excel; buka di Excel lalu Simpan Sebagai "
            ".xlsx",
        )
    return _open_csv(path, head)


def _calamine_open(path: Path, kind: str, parts: dict[str, str] | None = None) -> Workbook:
    try:
        # The content was sniffed already; read through a file object so that a misleading
        # extension (.xlsx that is really .xls) does not matter.
        with path.open("rb") as handle:
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
        metadata = book.sheets_metadata
    except python_calamine.PasswordError as exc:
        raise _password(path) from exc
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise _corrupt(path) from exc
    sheets = [
        SheetInfo(
            m.name,
            visible=str(m.visible).endswith("Visible") and "Hidden" not in str(m.visible),
        )
        for m in metadata
        if "WorkSheet" in str(m.typ)
    ] or [SheetInfo(n) for n in book.sheet_names]
    workbook = Workbook(path, kind, sheets)
    workbook._calamine = book
    workbook._sheet_parts = parts or {}
    if not sheets:
        workbook.close()
        raise SpreadsheetError(NO_SHEETS, file=path.name)
    return workbook


def _open_zip(path: Path) -> Workbook:
    try:
        with bounds.check_zip(path) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype")[:200].decode("ascii", "replace").strip()
                if "mimetype" in names
                else ""
            )
            parts = bounds.xlsx_sheet_parts(archive)
            tables: dict[str, bounds.Extent] = {}
            if mimetype == "application/vnd.oasis.opendocument.spreadsheet" and (
                "content.xml" in names
            ):
                # calamine reads every table of an .ods when the file is opened: measure them
                # all now (a tiny file can repeat one cell a billion times).
                info = archive.getinfo("content.xml")
                tables = bounds.ods_extents(bounds.inflate(archive, info, info.file_size))
    except SpreadsheetError:
        raise
    except bounds.zlib_errors() as exc:
        raise _corrupt(path) from exc
    for table, extent in tables.items():
        bounds.check_extent(path, table, extent)
    if "xl/workbook.bin" in names:
        raise SpreadsheetError(XLSB_UNSUPPORTED, file=path.name)
    if "xl/workbook.xml" in names:
        return _calamine_open(path, "xlsx", parts)
    if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
        return _calamine_open(path, "ods")
    if "word/document.xml" in names:
        raise _not_spreadsheet(path, "isinya dokumen Word")
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise _not_spreadsheet(path, "isinya dokumen OpenDocument yang bukan lembar kerja")
    raise _not_spreadsheet(path, "isinya arsip ZIP")


def _open_ole(path: Path) -> Workbook:
    # An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream; look for the
    # name in the directory before asking a reader, which would only say "not a workbook".
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _corrupt(path) from exc
    if _ENCRYPTED_STREAM in data:
        raise _password(path)
    if "WordDocument".encode("utf-16-le") in data:
        raise _not_spreadsheet(path, "isinya dokumen Word")
    # calamine reads every sheet of an .xls when the file is opened: measure them all first.
    try:
        extents = bounds.xls_extents(data)
    except ValueError as exc:
        raise _corrupt(path) from exc
    for sheet, extent in extents.items():
        bounds.check_extent(path, sheet, extent)
    return _calamine_open(path, "xls")


# -- CSV ----------------------------------------------------------------------------------------


_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


def _encoding(path: Path, head: bytes) -> str:
    """The text encoding of a CSV, decided in one streaming pass over its bytes."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    cp1252 = True
    with path.open("rb") as handle:
        while chunk := handle.read(_CSV_CHUNK):
            if utf8 is not None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = None
            if cp1252 and _CP1252_UNDEFINED.search(chunk):
                cp1252 = False
            if utf8 is None and not cp1252:
                break
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    # Excel on Windows in Indonesia saves CSV as Windows-1252; latin-1 catches the five bytes
    # 1252 leaves undefined so that reading never fails on them.
    return "cp1252" if cp1252 else "latin-1"


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        pass
    counts = {d: sum(line.count(d) for line in lines) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


_CSV_CHUNK = 1 << 20


@dataclass
class _CsvFormat:
    """How to read a CSV again, row by row: never more than one row in memory."""

    encoding: str
    delimiter: str
    skip_hint: bool  # the first line is Excel's "sep=;"
    row_count: int = 0

    def rows(self, path: Path) -> Iterator[list[str]]:
        try:
            with path.open(encoding=self.encoding, errors="replace", newline="") as handle:
                if self.skip_hint:
                    handle.readline()
                reader = csv.reader(handle, delimiter=self.delimiter)
                offset = 1 + self.skip_hint
                start = offset  # the file's line where the row being read begins
                try:
                    for row in reader:
                        yield row
                        start = reader.line_num + offset
                except csv.Error as exc:
                    # An unclosed quote fails far below it: name the line where it opened.
                    raise _csv_refusal(path, start, exc) from exc
        except OSError as exc:
            raise _corrupt(path) from exc


def _csv_refusal(path: Path, row: int, exc: csv.Error) -> SpreadsheetError:
    if "field larger than field limit" in str(exc):
        return SpreadsheetError(
            CELL_TOO_LONG,
            file=path.name,
            row=bounds.number(row),
            limit=bounds.number(csv.field_size_limit()),
        )
    return _not_spreadsheet(path)  # a NUL inside a line, or worse


def _open_csv(path: Path, head: bytes) -> Workbook:
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_spreadsheet(path)
    try:
        encoding = _encoding(path, head)
        with path.open(encoding=encoding, errors="replace", newline="") as handle:
            sample = handle.read(65536)
    except OSError as exc:
        raise _corrupt(path) from exc
    control = sum(
        1 for ch in sample[:4096] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t"
    )
    if control > 8:
        raise _not_spreadsheet(path)
    # Excel's own hint line: "sep=;" names the separator and is not data.
    first, _, rest = sample.partition("\n")
    hint = first.strip().lower()
    skip_hint = hint.startswith("sep=") and len(hint) == 5
    if skip_hint:
        delimiter, sample = first.strip()[4], rest
    else:
        delimiter = _delimiter(sample)
    form = _CsvFormat(encoding, delimiter, skip_hint)
    # One pass over the whole file before anything is shown: a refusal (a cell that never
    # ends, too many rows) comes now, not in the middle of the dry run.
    count, filled = 0, False
    for row in form.rows(path):
        count += 1
        if count > bounds.MAX_ROWS:
            raise SpreadsheetError(
                TOO_MANY_ROWS,
                sheet=path.stem,
                file=path.name,
                cell=f"A{count}",
                limit=bounds.number(bounds.MAX_ROWS),
            )
        filled = filled or any(cell.strip() for cell in row)
    if not filled:
        raise SpreadsheetError(NO_DATA, file=path.name)
    form.row_count = count
    workbook = Workbook(path, "csv", [SheetInfo(path.stem)])
    workbook._csv = form
    return workbook
