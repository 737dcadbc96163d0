"""The import's limits: files too large, zip bombs, sheets that reach too far, CSV cells that
never end. Each is a coded refusal before a reader allocates anything, never a crash."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from desktop_app.services.context import AppContext
from desktop_app.services.importing import ImportOptions, ImportService, bounds
from desktop_app.services.importing.messages import SpreadsheetError
from desktop_app.services.importing.spreadsheet import open_workbook
from tests.services.import_files import (
    HEADER,
    biff_blank,
    biff_number,
    bounded_memory,
    csv_file,
    ods,
    person_row,
    raw_xlsx,
    sheet_xml,
    xls,
    xlsx,
)

BORN = date(1971, 3, 4)
ROOT = Path(__file__).resolve().parents[2]


def rows(n: int = 3) -> list[list[object]]:
    return [HEADER] + [person_row(i, BORN, serial=i % 9999 + 1) for i in range(1, n + 1)]


@pytest.fixture
def svc(ctx: AppContext) -> ImportService:
    return ImportService(ctx)


def refusal(path: Path) -> SpreadsheetError:
    with bounded_memory(), pytest.raises(SpreadsheetError) as caught:
        open_workbook(path).head()
    assert caught.value.message.count(".") >= 1 and "\n" not in caught.value.message
    return caught.value


def imports(svc: ImportService, path: Path) -> dict[str, int]:
    with bounded_memory():
        prepared = svc.prepare(path, ImportOptions())
        try:
            return svc.dry_run(prepared).counts
        finally:
            prepared.close()


# -- the sheet that killed the process --------------------------------------------------------


def test_one_far_cell_is_refused_in_a_child_process(tmp_path: Path) -> None:
    """A 5 KB .xlsx with cells at A1 and XFD1048576: calamine would ask for 512 GiB and abort
    the whole program. Run where an abort cannot take the test run with it."""
    path = tmp_path / "jauh.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DATA")
    sheet.write(0, 0, "NIK")
    sheet.write(1048575, 16383, "x")
    book.close()
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
        "from desktop_app.services.importing.spreadsheet import open_workbook, SpreadsheetError\n"
        "try:\n"
        "    open_workbook(sys.argv[1]).head()\n"
        "except SpreadsheetError as exc:\n"
        "    print(exc.code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "spreadsheet.too_many_rows"


def test_a_far_cell_is_named_in_the_refusal(tmp_path: Path) -> None:
    extra = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", sheet_xml(rows(2), extra_cells=extra)))
    assert error.code == "spreadsheet.too_many_rows"
    assert "XFD1048576" in error.message and "250.000" in error.message


def test_a_wide_and_long_sheet_is_too_many_cells(tmp_path: Path) -> None:
    # 60,000 rows x 200 columns: few cells in the file, a 12-million-cell grid in the reader.
    extra = '<row r="60000"><c r="GR60000" t="inlineStr"><is><t>x</t></is></c></row>'
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", sheet_xml(rows(2), extra_cells=extra)))
    assert error.code == "spreadsheet.too_many_cells"
    assert "GR60000" in error.message and "10.000.000" in error.message


@pytest.mark.parametrize(
    "cell",
    [
        '<c t="inlineStr"><is><t>x</t></is></c>',  # no reference: placed after the last cell
        '<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>',  # a prefix
        '<c\nr="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',  # another white space
        "<c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c>",  # single quotes
        '<c s="1" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',  # r not first
    ],
)
def test_other_spellings_of_a_far_cell_are_seen(tmp_path: Path, cell: str) -> None:
    # Without a reference a cell's column is the count of cells before it in its row.
    row = f'<row r="1048576">{cell * (1 if "r=" in cell else 3)}</row>'
    prefix = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    xml = sheet_xml(rows(2), extra_cells=row).replace("<worksheet ", "<worksheet " + prefix)
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", xml))
    assert error.code == "spreadsheet.too_many_rows"


def test_cells_without_references_import(svc: ImportService, tmp_path: Path) -> None:
    """Some writers leave out r="..."; calamine places the cells in order, and so does the
    check (it must not refuse such a file)."""
    xml = re.sub(r' r="[A-Z]+[0-9]+"', "", sheet_xml(rows(3)))
    assert imports(svc, raw_xlsx(tmp_path / "a.xlsx", xml))["new"] == 3


def test_formatting_far_below_the_table_is_not_refused(svc: ImportService, tmp_path: Path) -> None:
    """Empty, formatted cells hold nothing calamine keeps; only cells with content count."""
    path = tmp_path / "berformat.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DATA")
    border = book.add_format({"border": 1})
    for r, row in enumerate(rows(3)):
        sheet.write_row(r, 0, row)
    sheet.write_blank(400_000, 30, None, border)
    book.close()
    assert imports(svc, path)["new"] == 3


# -- zips -------------------------------------------------------------------------------------


def test_a_part_that_inflates_past_the_total_is_a_bomb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "MAX_UNCOMPRESSED_BYTES", 4 * 1024 * 1024)
    extra = {"xl/media/image1.png": b"\0" * (5 * 1024 * 1024)}
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", sheet_xml(rows(2)), extra=extra))
    assert error.code == "spreadsheet.zip_bomb"


def test_a_part_with_an_absurd_ratio_is_a_bomb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "_RATIO_FLOOR", 1024 * 1024)
    extra = {"xl/sharedStrings.xml": b" " * (3 * 1024 * 1024)}  # about 1000 to 1
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", sheet_xml(rows(2)), extra=extra))
    assert error.code == "spreadsheet.zip_bomb"


def test_a_part_that_lies_about_its_size_is_a_bomb(tmp_path: Path) -> None:
    """The directory says 100 bytes; the part inflates to 2 MB. zipfile alone would stop at
    100 bytes, another reader might not."""
    path = raw_xlsx(
        tmp_path / "a.xlsx", sheet_xml(rows(2)), extra={"xl/styles.xml": b"<a/>" * 500_000}
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/styles.xml")
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, 100)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/styles.xml"))
    struct.pack_into("<I", data, central + 24, 100)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/styles.xml").file_size == 100
    assert refusal(path).code == "spreadsheet.zip_bomb"


def test_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_PARTS", 20)
    extra = {f"xl/media/p{i}.xml": b"<a/>" for i in range(30)}
    error = refusal(raw_xlsx(tmp_path / "a.xlsx", sheet_xml(rows(2)), extra=extra))
    assert error.code == "spreadsheet.too_many_parts"


def test_file_size_limit_for_every_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_FILE_BYTES", 2000)
    big = [HEADER] + [person_row(i, BORN, serial=i) for i in range(1, 60)]
    files = [
        xlsx(tmp_path / "a.xlsx", big),
        csv_file(tmp_path / "a.csv", big),
        ods(tmp_path / "a.ods", big),
    ]
    ole = tmp_path / "a.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000)
    for path in [*files, ole]:
        error = refusal(path)
        assert error.code == "spreadsheet.too_large", path
        assert "MB" in error.message


def test_files_within_the_limits_still_import(svc: ImportService, tmp_path: Path) -> None:
    assert imports(svc, xlsx(tmp_path / "a.xlsx", rows(3)))["new"] == 3
    assert imports(svc, ods(tmp_path / "a.ods", rows(3)))["new"] == 3
    assert imports(svc, csv_file(tmp_path / "a.csv", rows(3)))["new"] == 3


# -- OpenDocument repeats ---------------------------------------------------------------------


def _ods_with(tmp_path: Path, edit: str, where: str) -> Path:
    path = ods(tmp_path / "a.ods", rows(2))
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    content = parts["content.xml"].decode()
    parts["content.xml"] = content.replace(where, edit, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_ods_repeated_rows_with_content_are_counted(tmp_path: Path) -> None:
    path = _ods_with(
        tmp_path,
        '<table:table-row table:number-rows-repeated="1000000">',
        "<table:table-row>",
    )
    assert refusal(path).code == "spreadsheet.too_many_rows"


def test_ods_repeated_cells_are_counted(tmp_path: Path) -> None:
    path = _ods_with(
        tmp_path,
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row></table:table>",
        "</table:table>",
    )
    assert refusal(path).code == "spreadsheet.too_many_cells"


def test_ods_trailing_empty_repeats_are_fine(svc: ImportService, tmp_path: Path) -> None:
    # What LibreOffice writes under every sheet: the rest of the rows, empty, repeated.
    path = _ods_with(
        tmp_path,
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row></table:table>',
        "</table:table>",
    )
    assert imports(svc, path)["new"] == 2


# -- CSV --------------------------------------------------------------------------------------


def test_csv_cell_over_the_field_limit(tmp_path: Path) -> None:
    data = rows(3)
    data[2][7] = "JL. " + "A" * 200_000
    error = refusal(csv_file(tmp_path / "a.csv", data))
    assert error.code == "spreadsheet.cell_too_long"
    assert "Baris 3" in error.message and "131.072" in error.message


def test_csv_quote_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    lines = [";".join(HEADER)] + [";".join(map(str, r)) for r in rows(3000)[1:]]
    lines[2] = lines[2].replace("JL. MAWAR", '"JL. MAWAR')
    path.write_text("\n".join(lines), encoding="utf-8")
    error = refusal(path)
    assert error.code == "spreadsheet.cell_too_long"
    assert "petik" in error.message


def test_csv_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_ROWS", 100)
    error = refusal(csv_file(tmp_path / "a.csv", rows(150)))
    assert error.code == "spreadsheet.too_many_rows"
    assert "100 baris" in error.message


def test_csv_nul_far_into_the_file(svc: ImportService, tmp_path: Path) -> None:
    # Past the first 8 KB that are sniffed; Python 3.11's csv module keeps a NUL in the cell.
    path = csv_file(tmp_path / "a.csv", rows(400))
    path.write_bytes(path.read_bytes() + b"401;\x00;x\n")
    assert imports(svc, path)["new"] == 400


def test_csv_is_read_as_a_stream(tmp_path: Path) -> None:
    """Opening and reading a CSV never holds the file: memory stays far below its size."""
    path = tmp_path / "besar.csv"
    line = ";".join(str(v) for v in person_row(1, BORN)) + ";" + "catatan " * 20 + "\n"
    path.write_text(";".join(HEADER) + "\n" + line * 30_000, encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        book = open_workbook(path)
        count = sum(1 for _ in book.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == book.row_count() == 30_001
    assert peak < size / 3, (peak, size)  # about one 1 MB chunk, whatever the file's size


def test_csv_encodings_are_still_told_apart(tmp_path: Path) -> None:
    data = rows(1)
    data[1][3] = "ANDRÉ"
    for encoding, expected in [("utf-8", "ANDRÉ"), ("cp1252", "ANDRÉ")]:
        book = open_workbook(csv_file(tmp_path / f"{encoding}.csv", data, encoding=encoding))
        assert list(book.rows())[1][3] == expected
    odd = tmp_path / "latin.csv"
    odd.write_bytes(";".join(HEADER).encode() + b"\n1;\x81\xe9\n")
    assert list(open_workbook(odd).rows())[1][1] == "\x81é"


# -- Excel 97-2003 ----------------------------------------------------------------------------


def test_xls_within_the_limits_imports(svc: ImportService, tmp_path: Path) -> None:
    assert imports(svc, xls(tmp_path / "a.xls", rows(3)))["new"] == 3


def test_xls_cell_at_the_last_column_is_refused(tmp_path: Path) -> None:
    """Column 65,535 is allowed by the format; calamine would ask for 128 GiB when it opens the
    file and abort."""
    path = xls(tmp_path / "a.xls", rows(2), far=[biff_number(65535, 65535)])
    error = refusal(path)
    assert error.code == "spreadsheet.too_many_cells"
    assert "CRXP65536" in error.message


def test_xls_formatting_far_away_is_not_refused(svc: ImportService, tmp_path: Path) -> None:
    path = xls(tmp_path / "a.xls", rows(3), far=[biff_blank(65535, 65535)])
    assert imports(svc, path)["new"] == 3


def test_xls_damaged_container_is_corrupt(tmp_path: Path) -> None:
    data = bytearray(xls(tmp_path / "a.xls", rows(2)).read_bytes())
    data[48:52] = b"\x40\x00\x00\x00"  # the directory "starts" past the end of the file
    path = tmp_path / "b.xls"
    path.write_bytes(bytes(data))
    assert refusal(path).code == "spreadsheet.corrupt"


def test_a_binary_workbook_is_refused_with_the_reason(tmp_path: Path) -> None:
    # .xlsb sheets cannot be measured before the reader allocates them: refused, never read.
    path = tmp_path / "daftar.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    with pytest.raises(SpreadsheetError) as refused:
        open_workbook(path)
    assert refused.value.code == "spreadsheet.xlsb_unsupported"
    assert ".xlsx" in refused.value.render("en")
