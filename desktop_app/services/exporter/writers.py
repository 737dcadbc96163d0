"""Writing a `Table` to .xlsx (xlsxwriter, streamed) or .csv, and encrypting an .xlsx.

Spreadsheet rules: the header row is frozen and has an autofilter, columns get sensible widths,
dates are real dates (formatted dd-mm-yyyy) and NIK / No. KK are always text, never numbers
(Excel would otherwise round them to 15 digits). Every file is created owner-only; text cells are
never formulas; masked tables write NIK / No. KK as `3572********0001`.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from desktop_app.services.context import ServiceError
from desktop_app.services.exporter.messages import FORMAT_UNSUPPORTED, ExportCancelled
from desktop_app.services.exporter.tables import (
    NOTICE_SHEET,
    Cancelled,
    Column,
    Progress,
    Table,
    neutralise_formula,
)
from desktop_app.services.privacy import create_private, make_private, mask_nik

__all__ = [
    "encrypt_xlsx",
    "export_table",
    "write_csv",
    "write_rejected_rows",
    "write_xlsx",
]

DATE_FORMAT = "dd-mm-yyyy"
_WIDTH_SAMPLE = 200  # rows looked at to size the columns


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
    path: Path | BinaryIO,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """The table as xlsx into the file `path`, or into the in-memory stream `path` (a list a
    password will seal: then no plaintext copy, not even XlsxWriter's temporary files, ever
    reaches a disk)."""
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    if isinstance(path, Path):
        create_private(path)  # xlsxwriter then writes into the owner-only file
        # constant_memory: each row goes to disk as soon as the next one starts.
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    else:
        workbook = xlsxwriter.Workbook(path, {"in_memory": True})
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
        if isinstance(path, Path):
            path.unlink(missing_ok=True)
        raise
    workbook.close()
    if isinstance(path, Path):
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


def encrypt_xlsx(plain: BinaryIO, target: Path, password: str) -> None:
    """The xlsx in `plain` encrypted into `target` (ECMA-376 agile encryption, what Excel and
    LibreOffice open after asking for the password)."""
    import msoffcrypto.format.ooxml

    create_private(target)
    plain.seek(0)
    with target.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt(password, out)
