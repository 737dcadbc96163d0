"""Spreadsheet files for import tests, generated on the fly (never real data)."""

from __future__ import annotations

import csv
import struct
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from tests.helpers import make_kk, make_nik

HEADER = [
    "NO",
    "NIK",
    "NO. KK",
    "NAMA LENGKAP",
    "L/P",
    "TEMPAT LAHIR",
    "TGL LAHIR",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "SHDK",
]


def xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "DATA",
    title_rows: Sequence[str] = (),
    before: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> Path:
    """An .xlsx with optional sheets before the data and merged title rows above the table."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    sheets = list((before or {}).items())
    if sheets:
        first.title = sheets[0][0]
        for row in sheets[0][1]:
            first.append(list(row))
        for name, content in sheets[1:]:
            ws = wb.create_sheet(name)
            for row in content:
                ws.append(list(row))
        ws = wb.create_sheet(sheet)
    else:
        ws = first
        ws.title = sheet
    width = max((len(r) for r in rows), default=1)
    for title in title_rows:
        ws.append([title])
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(width, 2))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def csv_file(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def ods(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Lembar1") -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice Calc saves), text and dates only."""

    def cell(value: Any) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, date | datetime):
            iso = value.isoformat()[:10]
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
                f"<text:p>{iso}</text:p></table:table-cell>"
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{escape(sheet)}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def person_row(
    no: int,
    birth: date,
    sex: str = "L",
    *,
    serial: int | None = None,
    kk_serial: int = 1,
    name: str | None = None,
    kelurahan: str = "Sentul",
    kecamatan: str = "Kepanjenkidul",
    relation: str = "KEPALA KELUARGA",
    street: str = "JL. MAWAR 3",
) -> list[Any]:
    """One row in HEADER's column order with a consistent synthetic NIK."""
    return [
        no,
        make_nik(birth, sex, serial or no),
        make_kk(kk_serial),
        name or f"WARGA UJI {no}",
        sex,
        "BLITAR",
        birth.strftime("%d-%m-%Y"),
        street,
        "001",
        "002",
        kelurahan,
        kecamatan,
        relation,
    ]


def raw_xlsx(path: Path, sheet_xml: str | bytes, *, extra: dict[str, bytes] | None = None) -> Path:
    """An .xlsx around a worksheet XML written by hand: cells where no writer would put them,
    spellings a writer might use (no reference, a namespace prefix), extra parts."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
        f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets><sheet name="DATA" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship '
        f'Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", ct)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def sheet_xml(rows: Sequence[Sequence[Any]], *, extra_cells: str = "") -> str:
    """A worksheet's XML with inline strings (row 1 first), plus raw cell XML after it."""
    body = []
    for r, row in enumerate(rows, 1):
        cells = "".join(
            f'<c r="{_letters(i)}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
            for i, v in enumerate(row)
            if v not in (None, "")
        )
        body.append(f'<row r="{r}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData>{"".join(body)}{extra_cells}</sheetData>'
        "</worksheet>"
    )


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


@contextmanager
def bounded_memory(extra_bytes: int = 2 * 1024**3) -> Iterator[None]:
    """Lower this process's address-space limit for a block (Linux), so that a reader asking for
    a huge grid fails at once instead of swapping the shared machine; restored afterwards."""
    try:
        import resource

        import psutil
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = psutil.Process().memory_info().vms + extra_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _biff_record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def xls(path: Path, rows: Sequence[Sequence[Any]], *, far: Sequence[bytes] = ()) -> Path:
    """A minimal Excel 97 (BIFF8) .xls: one sheet DATA of text and number cells, plus raw cell
    records (`far`) placed anywhere the format allows (made with `biff_number` / `biff_mulrk`)."""
    bof = _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    eof = _biff_record(0x000A)
    name = b"DATA"

    def boundsheet(offset: int) -> bytes:
        return _biff_record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 0) + name)

    globals_ = bof + boundsheet(len(bof) + len(boundsheet(0)) + len(eof)) + eof
    sheet = _biff_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet += biff_number(r, c, float(value))
            elif value not in (None, ""):
                text = str(value).encode("utf-16-le")
                sheet += _biff_record(
                    0x0204, struct.pack("<HHHHB", r, c, 0, len(text) // 2, 1) + text
                )
    sheet += b"".join(far) + eof
    return _compound_file(path, globals_ + sheet)


def biff_number(row: int, col: int, value: float = 1.0) -> bytes:
    return _biff_record(0x0203, struct.pack("<HHHd", row, col, 0, value))


def biff_blank(row: int, col: int) -> bytes:
    return _biff_record(0x0201, struct.pack("<HHH", row, col, 0))


def _compound_file(path: Path, stream: bytes) -> Path:
    """The OLE compound file around a workbook stream: header, one FAT sector, one directory
    sector, then the stream (at least 4096 bytes so that it sits in ordinary sectors)."""
    stream += b"\0" * max(0, 4096 - len(stream))
    stream += b"\0" * (-len(stream) % 512)
    count = len(stream) // 512
    if count + 2 > 128:
        raise ValueError("fixture too large for one FAT sector")
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [i + 3 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        fields = struct.pack("<HBBIII", len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
        return raw.ljust(64, b"\0") + fields + b"\0" * 36 + struct.pack("<IQ", start, size)

    directory = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(
        "Workbook", 2, 0xFFFFFFFF, 2, len(stream)
    )
    path.write_bytes(header + struct.pack("<128I", *fat) + directory.ljust(512, b"\0") + stream)
    return path
