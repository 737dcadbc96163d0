"""Reading files as they arrive: formats, encodings, bad files, headers under titles, mappings."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
import xlsxwriter

from desktop_app.services.context import AppContext
from desktop_app.services.importing import ImportKind, ImportOptions, ImportService
from desktop_app.services.importing.headers import detect_header, header_layout, suggest_mapping
from desktop_app.services.importing.messages import SpreadsheetError
from desktop_app.services.importing.spreadsheet import open_workbook
from tests.services.import_files import HEADER, csv_file, ods, person_row, xlsx

BORN = date(1960, 1, 12)


def rows(n: int = 3) -> list[list[object]]:
    return [HEADER] + [person_row(i, BORN, serial=i) for i in range(1, n + 1)]


@pytest.fixture
def svc(ctx: AppContext) -> ImportService:
    return ImportService(ctx)


def dry(svc: ImportService, path: Path, **options: object):
    prepared = svc.prepare(path, ImportOptions(**options))  # type: ignore[arg-type]
    try:
        return prepared, svc.dry_run(prepared)
    finally:
        prepared.close()


# -- formats and encodings ---------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_with_either_separator_and_encoding(
    svc: ImportService, tmp_path: Path, delimiter: str, encoding: str
) -> None:
    data = rows(2)
    data[1][3] = "ANDRÉ SÜPRIYADI"  # letters that differ between the encodings
    path = csv_file(tmp_path / "daftar.csv", data, delimiter=delimiter, encoding=encoding)
    prepared, report = dry(svc, path)
    assert prepared.workbook.kind == "csv"
    assert report.counts["new"] == 2
    assert report.rows[0].name == "ANDRÉ SÜPRIYADI"


def test_utf16_tab_separated_text(svc: ImportService, tmp_path: Path) -> None:
    # Excel's "Unicode Text" save format.
    path = tmp_path / "daftar.txt"
    text = "\n".join("\t".join(str(v) for v in row) for row in rows(2))
    path.write_bytes(text.encode("utf-16"))
    _, report = dry(svc, path)
    assert report.counts["new"] == 2


def test_ods_is_read(svc: ImportService, tmp_path: Path) -> None:
    data = rows(2)
    data[1][6] = BORN  # a real date cell
    _, report = dry(svc, ods(tmp_path / "daftar.ods", data))
    assert report.counts["new"] == 2
    assert report.rows[0].changes and any(c.new == BORN for c in report.rows[0].changes)


def test_content_decides_not_the_extension(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "daftar.xls", rows(2))  # an .xlsx someone renamed to .xls
    prepared, report = dry(svc, path)
    assert prepared.workbook.kind == "xlsx"
    assert report.counts["new"] == 2


def test_several_sheets_pick_the_one_with_the_list(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "usulan.xlsx",
        rows(2),
        sheet="Data Usulan",
        before={"Petunjuk": [["Isi NIK sebagai teks"], ["Jangan ubah judul kolom"]]},
    )
    prepared, _ = dry(svc, path)
    assert prepared.sheet == "Data Usulan"
    prepared, report = dry(svc, path, sheet="data usulan")  # case-insensitive
    assert prepared.sheet == "Data Usulan" and report.counts["new"] == 2


# -- bad files: one clear message each ---------------------------------------------------------


def _password_protected(tmp_path: Path) -> Path:
    plain = xlsx(tmp_path / "plain.xlsx", rows(1))
    target = tmp_path / "rahasia.xlsx"
    with plain.open("rb") as src, target.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("sandi123", out)
    return target


def _truncated(tmp_path: Path) -> Path:
    data = xlsx(tmp_path / "full.xlsx", rows(50)).read_bytes()
    target = tmp_path / "terpotong.xlsx"
    target.write_bytes(data[: len(data) // 2])
    return target


def _docx(tmp_path: Path) -> Path:
    target = tmp_path / "surat.xlsx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return target


BAD_FILES = {
    "png": (lambda p: _write(p / "foto.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)),
    "pdf": (lambda p: _write(p / "daftar.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")),
    "html": (lambda p: _write(p / "export.xls", b"<html><body><table><tr><td>NIK</td></tr>")),
    "docx": _docx,
    "password": _password_protected,
    "truncated": _truncated,
    "empty": (lambda p: _write(p / "kosong.xlsx", b"")),
    "blank_csv": (lambda p: _write(p / "kosong.csv", b"\r\n ; ;\r\n")),
}
EXPECTED_CODE = {
    "png": "spreadsheet.not_spreadsheet",
    "pdf": "spreadsheet.not_spreadsheet",
    "html": "spreadsheet.not_spreadsheet",
    "docx": "spreadsheet.not_spreadsheet",
    "password": "spreadsheet.password",
    "truncated": "spreadsheet.corrupt",
    "empty": "spreadsheet.empty_file",
    "blank_csv": "spreadsheet.no_data",
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_one_clear_message(svc: ImportService, tmp_path: Path, case: str) -> None:
    path = BAD_FILES[case](tmp_path)
    with pytest.raises(SpreadsheetError) as caught:
        svc.prepare(path, ImportOptions())
    assert caught.value.code == EXPECTED_CODE[case]
    assert path.name in caught.value.message or case == "blank_csv"
    assert caught.value.message.endswith(".")


def test_password_message_says_what_to_do(svc: ImportService, tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="kata sandi"):
        svc.prepare(_password_protected(tmp_path))


def test_missing_file(svc: ImportService, tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError) as caught:
        svc.prepare(tmp_path / "tidak-ada.xlsx")
    assert caught.value.code == "spreadsheet.not_found"


def test_wrong_sheet_lists_the_sheets(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", rows(1), sheet="DATA")
    with pytest.raises(SpreadsheetError) as caught:
        svc.prepare(path, ImportOptions(sheet="Sheet2"))
    assert caught.value.code == "spreadsheet.no_sheet"
    assert "DATA" in caught.value.message


def test_no_recognisable_header(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", [["Laporan keuangan"], ["Jumlah", 1200], ["Saldo", 300]])
    with pytest.raises(SpreadsheetError) as caught:
        svc.prepare(path)
    assert caught.value.code == "spreadsheet.no_header"
    assert "NIK" in caught.value.message


def test_a_header_without_nik_cannot_be_imported(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", [["NAMA", "ALAMAT", "RT"], ["BUDI", "JL. MAWAR", "1"]])
    prepared = svc.prepare(path)
    with pytest.raises(SpreadsheetError) as caught:
        svc.dry_run(prepared)
    prepared.close()
    assert caught.value.code == "import.columns_missing" and "NIK" in caught.value.message


def test_empty_sheet(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", [], sheet="DATA")
    with pytest.raises(SpreadsheetError) as caught:
        svc.prepare(path)
    assert caught.value.code == "spreadsheet.no_data"


# -- headers and mappings ----------------------------------------------------------------------


def test_header_found_under_merged_title_rows(svc: ImportService, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "usulan.xlsx",
        rows(3),
        title_rows=["DAFTAR USULAN PENERIMA RASTRADA", "KELURAHAN SENTUL TAHUN 2026", ""],
    )
    prepared, report = dry(svc, path)
    assert prepared.layout.row == 3
    assert report.counts["new"] == 3
    assert [r.row for r in report.rows] == [5, 6, 7]  # the numbers a clerk sees in Excel


def test_numbering_row_under_the_header_is_skipped(svc: ImportService, tmp_path: Path) -> None:
    data = rows(2)
    data.insert(1, [str(i) for i in range(1, len(HEADER) + 1)])
    prepared, report = dry(svc, xlsx(tmp_path / "a.xlsx", data))
    assert prepared.layout.data_start == 2
    assert report.counts["new"] == 2 and report.counts["rejected"] == 0


def test_two_row_header_with_merged_groups(svc: ImportService, tmp_path: Path) -> None:
    """JENIS KELAMIN over L | P marks, TEMPAT/TGL LAHIR over TEMPAT | TANGGAL."""
    path = tmp_path / "dua-baris.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 5, "DAFTAR PESERTA RAPELAN")
    ws.write_row(2, 0, ["NO", "NIK", "NAMA"])
    ws.merge_range(2, 3, 2, 4, "JENIS KELAMIN")
    ws.merge_range(2, 5, 2, 6, "TEMPAT/TGL LAHIR")
    ws.write_row(3, 3, ["L", "P", "TEMPAT", "TANGGAL"])
    from tests.helpers import make_nik

    ws.write_row(4, 0, [1, make_nik(BORN, "P", 1), "SITI", "", "√", "BLITAR", "12-01-1960"])
    ws.write_row(5, 0, [2, make_nik(BORN, "L", 2), "BUDI", "√", "", "KEDIRI", "12-01-1960"])
    wb.close()
    prepared, report = dry(svc, path)
    m = prepared.mapping
    assert (m["sex_male_mark"], m["sex_female_mark"]) == (3, 4)
    assert (m["birth_place"], m["birth_date"]) == (5, 6)
    assert report.counts["new"] == 2
    sexes = [next(c.new for c in r.changes if c.field == "sex") for r in report.rows]
    assert sexes == ["P", "L"]


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("NIK", "nik"),
        ("NIK (16 digit)", "nik"),
        ("No. KK", "kk_number"),
        ("NOMOR KK", "kk_number"),
        ("Nomor Kartu Keluarga", "kk_number"),
        ("NAMA", "name"),
        ("Nama Lengkap", "name"),
        ("JENIS KELAMIN", "sex"),
        ("JK", "sex"),
        ("L/P", "sex"),
        ("TEMPAT LAHIR", "birth_place"),
        ("TGL. LAHIR", "birth_date"),
        ("Tanggal Lahir (dd-mm-yyyy)", "birth_date"),
        ("Tempat, Tanggal Lahir", "birth_place_date"),
        ("ALAMAT", "street"),
        ("RT", "rt"),
        ("RW", "rw"),
        ("RT/RW", "rt_rw"),
        ("KELURAHAN", "kelurahan"),
        ("DESA", "kelurahan"),
        ("Desa/Kelurahan", "kelurahan"),
        ("KECAMATAN", "kecamatan"),
        ("HUBUNGAN KELUARGA", "relation"),
        ("SHDK", "relation"),
        ("No. HP", "phone"),
        ("KETERANGAN", "notes"),
    ],
)
def test_common_indonesian_headers_are_suggested(label: str, field: str) -> None:
    from desktop_app.services.importing import KIND_FIELDS

    mapping = suggest_mapping(["NO", label], KIND_FIELDS[ImportKind.ENROLMENTS])
    assert mapping == {field: 1}


@pytest.mark.parametrize("label", ["NAMA IBU KANDUNG", "TANGGAL PENYALURAN", "NIK IBU"])
def test_lookalike_headers_are_not_guessed(label: str) -> None:
    assert suggest_mapping([label], ["nik", "name", "birth_date"]) == {}


def test_detect_header_ignores_titles() -> None:
    head = [["PEMERINTAH KOTA BLITAR"], [], ["NO", "NIK", "NAMA"], [1, "x", "y"]]
    assert detect_header(head) == 2
    assert header_layout(head, 2).labels == ["NO", "NIK", "NAMA"]


def test_remembered_mapping_applies_to_the_same_header(svc: ImportService, tmp_path: Path) -> None:
    header = ["No", "Nomor Identitas", "Nama Warga", "Kelamin"]
    data = [header, [1, "3572015201600001", "SITI", "P"]]
    # The clerk points at the header row and maps the columns once ...
    first = svc.prepare(xlsx(tmp_path / "januari.xlsx", data), ImportOptions(header_row=0))
    assert "nik" not in first.mapping  # "Nomor Identitas" is not a known name for NIK
    first.mapping = {"nik": 1, "name": 2, "sex": 3}
    svc.remember_mapping(first)
    first.close()
    # ... and next month's file from the same sender is recognised by its header.
    second = svc.prepare(xlsx(tmp_path / "februari.xlsx", data))
    assert second.mapping_origin == "remembered"
    assert second.mapping == {"nik": 1, "name": 2, "sex": 3}
    assert svc.dry_run(second).counts["new"] == 1
    second.close()


def test_workbook_rows_stream_all_values(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "a.xlsx", rows(3))
    with open_workbook(path) as wb:
        assert wb.sheet_names == ["DATA"]
        assert len(list(wb.rows())) == 4


def test_csv_is_sniffed_even_with_quoted_separators(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('NIK;NAMA;ALAMAT\n3572015201600001;"SITI";"JL. MAWAR 3, RT 1"\n')
    with open_workbook(path) as wb:
        assert list(wb.rows())[1] == ["3572015201600001", "SITI", "JL. MAWAR 3, RT 1"]


def test_plain_nik_beats_the_head_of_family_nik() -> None:
    labels = ["NO", "NO KK", "NIK KEPALA KELUARGA", "NAMA KEPALA KELUARGA", "NIK", "NAMA", "SHDK"]
    mapping = suggest_mapping(labels, ["nik", "name", "kk_number", "relation"])
    assert mapping == {"kk_number": 1, "nik": 4, "name": 5, "relation": 6}
    # A list of heads only: their NIK is the person's NIK.
    only_heads = suggest_mapping(["NO KK", "NIK KEPALA KELUARGA", "NAMA KEPALA KELUARGA"],
                                 ["nik", "name", "kk_number"])  # fmt: skip
    assert only_heads == {"kk_number": 0, "nik": 1, "name": 2}


def test_excel_separator_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("sep=,\nNIK,NAMA\n3572015201600001,SITI\n")
    with open_workbook(path) as wb:
        assert list(wb.rows()) == [["NIK", "NAMA"], ["3572015201600001", "SITI"]]
