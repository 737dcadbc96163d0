"""Reading spreadsheets as they arrive: .xlsx, .xls, .ods through python-calamine, .csv by hand.

The file's content decides how it is read, not its name: a kelurahan that renamed an .xls to
.xlsx still gets its list read. Every way a file can be unusable has one coded refusal
(`SpreadsheetError.code` names it for programs and tests, messages.py holds its texts). Finding
the header row and the columns is in headers.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from desktop_app.services.importing.messages import (
    CORRUPT,
    FILE_EMPTY,
    FILE_NOT_FOUND,
    FILE_UNREADABLE,
    NO_DATA,
    NO_SHEETS,
    NO_SUCH_SHEET,
    NOT_SPREADSHEET,
    PASSWORD,
    SpreadsheetError,
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
        self._csv_rows: list[list[str]] | None = None

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @property
    def name(self) -> str:
        return self.path.name

    def resolve_sheet(self, sheet: str | None) -> str:
        """The sheet to read: the given name (case and spaces forgiven) or the first one."""
        if sheet is None or sheet == "":
            visible = [s.name for s in self.sheets if s.visible] or self.sheet_names
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
            assert self._csv_rows is not None
            yield from self._csv_rows
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
            assert self._csv_rows is not None
            return len(self._csv_rows)
        return int(self._sheet(name).height)

    def _sheet(self, name: str) -> Any:
        # Calamine parses a whole sheet at once; keep it so the header scan and the full read
        # share one parse.
        if name not in self._loaded:
            assert self._calamine is not None
            try:
                self._loaded = {name: self._calamine.get_sheet_by_name(name)}
            except python_calamine.PasswordError as exc:
                raise _password(self.path) from exc
            except python_calamine.CalamineError as exc:
                raise _corrupt(self.path) from exc
        return self._loaded[name]

    def release(self) -> None:
        """Forget parsed sheets (they are parsed again when read again)."""
        self._loaded.clear()

    def close(self) -> None:
        self._loaded.clear()
        self._csv_rows = None
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


def _calamine_open(path: Path, kind: str) -> Workbook:
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
    if not sheets:
        workbook.close()
        raise SpreadsheetError(NO_SHEETS, file=path.name)
    return workbook


def _open_zip(path: Path) -> Workbook:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace").strip()
                if "mimetype" in names
                else ""
            )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _corrupt(path) from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return _calamine_open(path, "xlsx")
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
    return _calamine_open(path, "xls")


# -- CSV ----------------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows in Indonesia saves CSV as Windows-1252; latin-1 catches the five bytes
    # 1252 leaves undefined so that reading never fails on them.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        pass
    counts = {d: sum(line.count(d) for line in lines) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path, head: bytes) -> Workbook:
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_spreadsheet(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _corrupt(path) from exc
    text = _decode(path, data)
    if not text.strip():
        raise SpreadsheetError(NO_DATA, file=path.name)
    control = sum(
        1 for ch in text[:4096] if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t"
    )
    if control > 8:
        raise _not_spreadsheet(path)
    # Excel's own hint line: "sep=;" names the separator and is not data.
    first, _, rest = text.partition("\n")
    hint = first.strip().lower()
    if hint.startswith("sep=") and len(hint) == 5:
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = _delimiter(text[:65536])
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    workbook = Workbook(path, "csv", [SheetInfo(path.stem)])
    workbook._csv_rows = rows
    return workbook
