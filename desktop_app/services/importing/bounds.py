"""The import's limits, checked before a spreadsheet library sees a file.

python-calamine parses a whole sheet into one dense grid spanning its first to its last filled
cell, and aborts the process (not an exception) when that grid cannot be allocated: a 1.5 KB
.xlsx with one cell at A1 and one at XFD1048576 asks for 512 GiB. A tiny .ods can repeat one
cell a billion times, and a small zip can inflate to gigabytes. So every file is measured here
first, cheaply and without trusting what it declares about itself:

* the file's size on disk (`MAX_FILE_BYTES`);
* for a zip (.xlsx, .xlsm, .ods): the end-of-central-directory record before the directory is
  read (part count), then the directory (declared sizes, compression ratio), then every part
  inflated once while counting the bytes it really produces (a part that lies about its size
  is a bomb);
* for a sheet about to be parsed: the rows and columns its cells really reach, scanned from the
  sheet's XML as a stream (`sheet_extent`), against `MAX_ROWS` and `MAX_CELLS`.

Each limit is a module constant so that tests can lower it. The numbers: the whole city's
registry is about 160,000 rows x 13 columns, which imports in about 0.5 GB.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import IO

from desktop_app.services.importing.messages import (
    CORRUPT,
    TOO_LARGE,
    TOO_MANY_CELLS,
    TOO_MANY_PARTS,
    TOO_MANY_ROWS,
    ZIP_BOMB,
    SpreadsheetError,
)

__all__ = [
    "CSV_CELL_LIMIT",
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "Extent",
    "check_extent",
    "check_file_size",
    "check_zip",
    "number",
    "ods_extents",
    "xlsx_sheet_parts",
    "xlsx_extent",
]

MAX_FILE_BYTES = 100 * 1024 * 1024  # on disk, any kind of spreadsheet or CSV
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024  # all parts of a zip together, once inflated
MAX_RATIO = 300  # a part inflating more than this many times its compressed size ...
_RATIO_FLOOR = 8 * 1024 * 1024  # ... and to more than this is a bomb, not a repetitive sheet
MAX_PARTS = 10_000  # parts (files) inside a zip; a workbook has a few dozen
MAX_ROWS = 250_000  # rows of one sheet or CSV, empty rows above the table included
MAX_CELLS = 10_000_000  # rows x columns of the grid the reader allocates (about 320 MB)
CSV_CELL_LIMIT = 131_072  # the csv module's own field limit, left as it is

_CHUNK = 1 << 20
_MB = 1024 * 1024


def number(n: int) -> str:
    """An Indonesian-style number for a refusal: 1.048.576."""
    return f"{n:,}".replace(",", ".")


def _mb(n: int) -> str:
    return number(max(1, round(n / _MB)))


def check_file_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise SpreadsheetError(TOO_LARGE, file=path.name, size=_mb(size), limit=_mb(MAX_FILE_BYTES))


# -- zips ---------------------------------------------------------------------------------------


def _bomb(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        ZIP_BOMB, file=path.name, limit=_mb(MAX_UNCOMPRESSED_BYTES), ratio=number(MAX_RATIO)
    )


def _too_many_parts(path: Path, count: int) -> SpreadsheetError:
    return SpreadsheetError(
        TOO_MANY_PARTS, file=path.name, count=number(count), limit=number(MAX_PARTS)
    )


def _declared_parts(path: Path, handle: IO[bytes], size: int) -> int | None:
    """The part count the end-of-central-directory record claims, read before zipfile builds one
    object per part (a 100 MB directory would be millions of them); None if there is none."""
    tail_len = min(size, 22 + 65535 + 20)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        # Zip64: the real count is in the zip64 record the locator points at.
        offset = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
        if offset + 56 > size:
            raise SpreadsheetError(CORRUPT, file=path.name)
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != b"PK\x06\x06":
            raise SpreadsheetError(CORRUPT, file=path.name)
        count = struct.unpack("<Q", record[32:40])[0]
    return int(count)


def check_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip whose parts are few, and whose declared and real sizes are sane.

    Every part is inflated once here, counting the bytes it produces, so that a part whose
    directory entry understates its size is caught before a reader trusts it (about 0.2 s per
    100 MB of sheet). Returns the open archive; the caller closes it.
    """
    size = path.stat().st_size
    check_file_size(path, size)
    with path.open("rb") as handle:
        declared = _declared_parts(path, handle, size)
    if declared is not None and declared > MAX_PARTS:
        raise _too_many_parts(path, declared)
    archive = zipfile.ZipFile(path)
    try:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _too_many_parts(path, len(infos))
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            raise _bomb(path)
        for info in infos:
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _bomb(path)
        total = 0
        for info in infos:
            budget = MAX_UNCOMPRESSED_BYTES - total
            real = sum(len(chunk) for chunk in inflate(archive, info, budget))
            if real > info.file_size:
                raise _bomb(path)
            total += real
        return archive
    except BaseException:
        archive.close()
        raise


def inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """A part's real bytes in chunks, whatever its directory entry says its size is; more than
    `budget` bytes is a bomb."""
    # zipfile stops reading a part at its declared size; a copy that declares the budget lets
    # the part show how much it really holds (the CRC still guards the content).
    probe = copy.copy(info)
    probe.file_size = budget + 1
    seen = 0
    with archive.open(probe) as part:
        while chunk := part.read(_CHUNK):
            seen += len(chunk)
            if seen > budget:
                raise _bomb(Path(archive.filename or "?"))
            yield chunk


# -- how far a sheet reaches --------------------------------------------------------------------


@dataclass
class Extent:
    """The grid a reader allocates for a sheet: rows from the top (empty rows above the table
    are still rows), columns from the first filled one to the last."""

    rows: int = 0
    first_col: int = -1
    last_col: int = -1

    @property
    def columns(self) -> int:
        return 0 if self.last_col < 0 else self.last_col - self.first_col + 1

    def add(self, row: int, col_from: int, col_to: int) -> None:
        """Cells at `row` (0-based) from column col_from to col_to."""
        self.rows = max(self.rows, row + 1)
        self.first_col = col_from if self.first_col < 0 else min(self.first_col, col_from)
        self.last_col = max(self.last_col, col_to)

    def merge(self, other: Extent) -> None:
        if other.last_col >= 0:
            self.add(other.rows - 1, other.first_col, other.last_col)

    def far_cell(self) -> str:
        return f"{col_letters(max(self.last_col, 0))}{max(self.rows, 1)}"


def col_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _col_index(letters: bytes) -> int:
    n = 0
    for byte in letters.upper():
        n = n * 26 + (byte - 64)
    return n - 1


def check_extent(path: Path, sheet: str, extent: Extent) -> None:
    if extent.rows > MAX_ROWS:
        raise SpreadsheetError(
            TOO_MANY_ROWS,
            sheet=sheet,
            file=path.name,
            cell=extent.far_cell(),
            limit=number(MAX_ROWS),
        )
    if extent.rows * extent.columns > MAX_CELLS:
        raise SpreadsheetError(
            TOO_MANY_CELLS,
            sheet=sheet,
            file=path.name,
            rows=number(extent.rows),
            columns=number(extent.columns),
            cell=extent.far_cell(),
            limit=number(MAX_CELLS),
        )


# A start tag of a cell that holds something (calamine skips self-closed, empty cells), with its
# reference, in any namespace prefix (.NET writers use <x:c>).
_CELL_REF = re.compile(
    rb'<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*["\']([A-Za-z]{1,7})([0-9]{1,10})["\'][^>]*(?<!/)>'
)
_TIGHT_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ODD_CELL = re.compile(rb"<c[\t\n\r/>]")  # <c> without a reference, or other white space
_PREFIXED = re.compile(rb":c[\s/>]")  # <x:c ...>, which calamine reads too
_CELL_ANY = re.compile(rb"<(?:[\w.-]+:)?c(?:\s[^>]*)?(?<!/)>")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(\s[^>]*)?>")
_R_ATTR = re.compile(rb'\br\s*=\s*["\']([A-Za-z]{0,7})([0-9]{0,10})["\']')


def _chunks_at_tags(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut a stream so that no tag is split between two pieces (each ends before a '<')."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut <= 0 or len(data) - cut > _CHUNK:
            carry, cut = b"", len(data)  # no tag to keep whole (or an absurd one): move on
        else:
            carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def xlsx_extent(
    open_part: Callable[[], Iterator[bytes]], check: Callable[[Extent], None]
) -> Extent:
    """How far the cells of one worksheet's XML reach, as calamine will place them.

    The fast way reads only the `r="B7"` of every cell tag (about 1 s for 160,000 rows x 13
    columns), counting styled empty cells too. If that passes a limit, or a cell is spelled
    any other way, the part is read again exactly: only cells that hold something, and cells
    written without a reference (allowed, rare) placed the way calamine places them. `check`
    sees the extent after every megabyte and raises to stop early.
    """
    extent = Extent()
    for piece in _chunks_at_tags(open_part()):
        # Excel, LibreOffice and the Python writers all write <c r="B7" ...>: one tight match
        # per cell, checked against a plain count of "<c " so that no other spelling hides.
        refs = _TIGHT_CELL.findall(piece)
        if len(refs) != piece.count(b"<c ") or _ODD_CELL.search(piece) or _PREFIXED.search(piece):
            return _xlsx_extent_exact(open_part, check)
        _add_refs(extent, refs)
        try:
            check(extent)
        except SpreadsheetError:
            # Perhaps only formatting reaches that far: refuse only what calamine would hold.
            return _xlsx_extent_exact(open_part, check)
    return extent


def _add_refs(extent: Extent, refs: list[tuple[bytes, bytes]]) -> None:
    if refs:
        letters = {c for c, _ in refs}
        last = max(_col_index(c) for c in letters)
        first = min(_col_index(c) for c in letters)
        top = max(int(r) for r in {r for _, r in refs})
        extent.add(top - 1, first, last)


def _xlsx_extent_exact(
    open_part: Callable[[], Iterator[bytes]], check: Callable[[Extent], None]
) -> Extent:
    extent = Extent()
    for piece in _chunks_at_tags(open_part()):
        refs = _CELL_REF.findall(piece)
        if len(refs) != len(_CELL_ANY.findall(piece)):
            return _xlsx_extent_by_tags(open_part(), check)
        _add_refs(extent, refs)
        check(extent)  # a 1,048,575-row sheet is refused after its first 250,000 rows
    return extent


def _xlsx_extent_by_tags(chunks: Iterator[bytes], check: Callable[[Extent], None]) -> Extent:
    extent = Extent()
    row, col = -1, -1
    for piece in _chunks_at_tags(chunks):
        for match in _TAG.finditer(piece):
            attrs = match.group(2) or b""
            ref = _R_ATTR.search(attrs)
            if match.group(1) == b"row":
                row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
                col = -1
                continue
            if ref and ref.group(1) and ref.group(2):
                row_at, col = int(ref.group(2)) - 1, _col_index(ref.group(1))
            else:
                row_at, col = max(row, 0), col + 1
            if not attrs.endswith(b"/"):
                extent.add(row_at, col, col)
        check(extent)
    return extent


_WB_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_ATTR = re.compile(rb'([\w.:-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


def _attrs(text: bytes) -> dict[bytes, str]:
    return {
        m.group(1): unescape((m.group(2) or m.group(3) or b"").decode("utf-8", "replace"))
        for m in _ATTR.finditer(text)
    }


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the part holding its cells, from xl/workbook.xml and its relationships."""
    names = set(archive.namelist())
    index = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    if any(n not in names or archive.getinfo(n).file_size > 16 * _MB for n in index):
        return {}  # every worksheet part is then measured
    targets = {}
    for rel in _REL.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attrs = _attrs(rel.group(1))
        target = attrs.get(b"Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attrs.get(b"Id", "")] = target
    parts = {}
    for sheet in _WB_SHEET.finditer(archive.read("xl/workbook.xml")):
        attrs = _attrs(sheet.group(1))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), "")
        if rid in targets and targets[rid] in names:
            parts[attrs.get(b"name", "")] = targets[rid]
    return parts


# -- OpenDocument -------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(?:/table:(table|table-row)>"
    rb"|table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>)"
)
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]{1,12})["\']')
_COLS_REPEATED = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]{1,12})["\']')
_TABLE_NAME = re.compile(rb'table:name\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def ods_extents(chunks: Iterator[bytes]) -> dict[str, Extent]:
    """How far each table of an .ods content.xml reaches, repeats expanded the way a reader
    expands them: a repeated cell that holds something counts every repeat, empty repeats at
    a row's or a table's end count nothing (about 2 s per 100,000 rows x 13 columns)."""
    extents: dict[str, Extent] = {}
    current: Extent | None = None
    row, row_repeat, col = 0, 1, 0
    first, last = -1, -1  # filled columns of the row being read

    def end_row() -> None:
        nonlocal row, first, last
        if current is not None and last >= 0:
            current.add(row + row_repeat - 1, first, last)
        row += row_repeat
        first, last = -1, -1

    for piece in _chunks_at_tags(chunks):
        for closing, tag, attrs in _ODS_TAG.findall(piece):
            if closing:
                if closing == b"table-row":
                    end_row()
                else:
                    current = None
                continue
            if tag == b"table-cell" or tag == b"covered-table-cell":
                if current is None:
                    continue
                repeat = 1
                if b"repeated" in attrs:
                    repeated = _COLS_REPEATED.search(attrs)
                    repeat = int(repeated.group(1)) if repeated else 1
                if not attrs.endswith(b"/") or b"office:value" in attrs:
                    first = col if first < 0 else first
                    last = col + repeat - 1
                col += repeat
            elif tag == b"table-row":
                repeated = _ROWS_REPEATED.search(attrs)
                row_repeat = int(repeated.group(1)) if repeated else 1
                col, first, last = 0, -1, -1
                if attrs.endswith(b"/"):
                    end_row()
            else:  # a table starts
                found = _TABLE_NAME.search(attrs)
                name = unescape(
                    (found.group(1) or found.group(2) or b"").decode("utf-8", "replace")
                    if found
                    else ""
                )
                current = extents.setdefault(name, Extent())
                row, row_repeat, first, last = 0, 1, -1, -1
    return extents


def zlib_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged or hostile zip part can raise, besides our own refusals."""
    return (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        RuntimeError,  # an encrypted part
        NotImplementedError,  # a compression method zipfile does not know
        ValueError,
        struct.error,
        KeyError,
    )


# -- Excel 97-2003 (.xls) -----------------------------------------------------------------------

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
# BIFF records that put a value in one cell (row and column in their first four bytes):
# NUMBER, LABELSST, LABEL, RK, BOOLERR, FORMULA (BIFF5/8 and BIFF3/4), RSTRING. BLANK and
# MULBLANK (formatting only) are not kept by calamine and are not counted.
_BIFF_CELLS = {0x0203, 0x00FD, 0x0204, 0x027E, 0x0205, 0x0006, 0x0206, 0x0406, 0x00D6}
_BIFF_MULRK = 0x00BD


class _Malformed(ValueError):
    """An .xls container or record stream that cannot be walked."""


def _cfb_stream(data: bytes, wanted: tuple[str, ...]) -> bytes:
    """One stream of an OLE compound file (the container of .xls), read as the format says:
    its sector chains through the allocation table, never past the file's own size."""
    if len(data) < 512:
        raise _Malformed("short")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Malformed("sector size")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 56)
    sectors = len(data) // size  # the header occupies the first sector's place

    def sector(index: int) -> bytes:
        if index >= sectors:
            raise _Malformed("sector past the end")
        return data[(index + 1) * size : (index + 2) * size]

    # Every table below is bounded by the file's own sector count, whatever the header claims
    # (a loop in a chain, or a header claiming four billion sectors, ends here).
    wanted_fat = min(n_fat, sectors)
    difat = list(struct.unpack_from("<109I", data, 76))
    at, steps = first_difat, 0
    while at not in (_END_OF_CHAIN, _FREE) and steps < min(n_difat, sectors):
        if len(difat) >= wanted_fat + 109:
            break
        entries = struct.unpack(f"<{size // 4}I", sector(at))
        difat.extend(entries[:-1])
        at, steps = entries[-1], steps + 1
    fat = array("I")
    for s in [s for s in difat if s not in (_FREE, _END_OF_CHAIN)][:wanted_fat]:
        fat.frombytes(sector(s))

    def chain(start: int, table: Sequence[int]) -> list[int]:
        out: list[int] = []
        while start not in (_END_OF_CHAIN, _FREE):
            if start >= len(table) or len(out) > sectors:
                raise _Malformed("broken chain")
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    records = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not records:
        raise _Malformed("no directory")
    for entry in records:
        name_len = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
        if entry[66] != 2 or name.casefold() not in {w.casefold() for w in wanted}:
            continue
        start = struct.unpack_from("<I", entry, 116)[0]
        length = struct.unpack_from("<Q", entry, 120)[0] & 0xFFFFFFFF
        if length > len(data):
            raise _Malformed("stream longer than the file")
        if length >= cutoff:
            return b"".join(sector(s) for s in chain(start, fat))[:length]
        # A small stream lives in the mini stream, 64-byte sectors chained by the mini FAT.
        root = records[0]
        mini_stream = b"".join(
            sector(s) for s in chain(struct.unpack_from("<I", root, 116)[0], fat)
        )
        mini_fat = array("I")
        for s in chain(first_minifat, fat):
            mini_fat.frombytes(sector(s))
        return b"".join(mini_stream[m * 64 : m * 64 + 64] for m in chain(start, mini_fat))[:length]
    raise _Malformed("no workbook stream")


def _biff_records(stream: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    pos = offset
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind == 0x000A:  # EOF of this substream
            return


def xls_extents(data: bytes) -> dict[str, Extent]:
    """How far each sheet of an .xls reaches, read the way calamine reads it: the sheets the
    workbook's BOUNDSHEET records point at, and the cells that hold a value. A cell may sit at
    column 65,535 in this format; calamine would then ask for 128 GiB and abort."""
    try:
        stream = _cfb_stream(data, ("Workbook", "Book"))
        sheets: list[tuple[str, int]] = []
        biff8 = True
        for kind, body in _biff_records(stream, 0):
            if kind == 0x0809 and len(body) >= 2:
                biff8 = struct.unpack_from("<H", body, 0)[0] == 0x0600
            elif kind == 0x0085 and len(body) >= 7:
                # The sheet's name only words the refusal; its offset is what matters.
                count = body[6]
                if biff8 and len(body) >= 8 and body[7] & 1:
                    name = body[8 : 8 + count * 2].decode("utf-16-le", "replace")
                else:
                    name = body[8 if biff8 else 7 :][:count].decode("latin-1")
                sheets.append((name, struct.unpack_from("<I", body, 0)[0]))
        extents: dict[str, Extent] = {}
        budget = len(stream) + _MB  # sheets are disjoint parts of the stream
        for name, offset in dict.fromkeys(sheets):
            extent = extents.setdefault(name, Extent())
            for kind, body in _biff_records(stream, offset):
                budget -= 4 + len(body)
                if budget < 0:
                    raise _Malformed("sheets overlap")
                if kind in _BIFF_CELLS and len(body) >= 4:
                    row, col = struct.unpack_from("<HH", body, 0)
                    extent.add(row, col, col)
                elif kind == _BIFF_MULRK and len(body) >= 6:
                    row, first = struct.unpack_from("<HH", body, 0)
                    last = struct.unpack_from("<H", body, len(body) - 2)[0]
                    extent.add(row, first, max(last, first + (len(body) - 6) // 6 - 1))
        return extents
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise _Malformed(str(exc)) from exc
