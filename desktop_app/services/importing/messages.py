"""The import's refusals (coded `Msg`s and the exceptions that carry them) and issue helpers.

A `SpreadsheetError` means the file cannot be used at all (the CLI exits with 2); the other
refusals stop one import and leave the registry untouched. Row-level findings are `Issue`s, not
refusals: they are collected per row and shown in the preview.
"""

from __future__ import annotations

from typing import Any

from desktop_app.domain.errors import Msg
from desktop_app.domain.nik import Issue, Severity
from desktop_app.services.context import ServiceError

__all__ = [
    "ImportCancelled",
    "PlanChanged",
    "RejectedRows",
    "SpreadsheetError",
    "error_issue",
    "warning_issue",
]


def error_issue(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.ERROR, template, dict(params))


def warning_issue(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.WARNING, template, dict(params))


# -- files that cannot be used ------------------------------------------------------------------

FILE_NOT_FOUND = Msg(
    "spreadsheet.not_found", "Berkas {file} tidak ditemukan.", "The file {file} was not found."
)
FILE_UNREADABLE = Msg(
    "spreadsheet.unreadable",
    "Berkas {file} tidak dapat dibuka: {error}.",
    "The file {file} cannot be opened: {error}.",
)
FILE_EMPTY = Msg(
    "spreadsheet.empty_file",
    "Berkas {file} kosong (0 byte).",
    "The file {file} is empty (0 bytes).",
)
NO_SHEETS = Msg(
    "spreadsheet.no_sheets",
    "Berkas {file} tidak berisi lembar data.",
    "The file {file} contains no sheets.",
)
NO_DATA = Msg(
    "spreadsheet.no_data", "Berkas {file} tidak berisi data.", "The file {file} contains no data."
)
NO_SUCH_SHEET = Msg(
    "spreadsheet.no_sheet",
    "Lembar '{sheet}' tidak ada di berkas {file}. Lembar yang ada: {names}.",
    "The file {file} has no sheet '{sheet}'. Its sheets: {names}.",
)
PASSWORD = Msg(
    "spreadsheet.password",
    "Berkas {file} dilindungi kata sandi. Buka di Excel, hapus kata sandinya (File > Info > "
    "Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), simpan, lalu impor lagi.",
    "The file {file} is protected by a password. Open it in Excel, remove the password (File > "
    "Info > Protect Workbook > Encrypt with Password, leave it empty), save it and import again.",
)
CORRUPT = Msg(
    "spreadsheet.corrupt",
    "Berkas {file} rusak atau terpotong (mungkin unduhan atau salinannya belum selesai). "
    "Minta pengirim mengirim ulang berkasnya.",
    "The file {file} is damaged or cut short (perhaps its download or copy did not finish). "
    "Ask the sender to send it again.",
)
NOT_SPREADSHEET = Msg(
    "spreadsheet.not_spreadsheet",
    "Berkas {file} bukan spreadsheet{what}. Yang dapat diimpor: Excel (.xlsx, .xls), "
    "OpenDocument (.ods) atau CSV.",
    "The file {file} is not a spreadsheet{what}. What can be imported: Excel (.xlsx, .xls), "
    "OpenDocument (.ods) or CSV.",
)
EMPTY_SHEET = Msg(
    "spreadsheet.empty_sheet",
    "Lembar '{sheet}' di berkas {file} kosong.",
    "The sheet '{sheet}' in the file {file} is empty.",
)
NO_HEADER = Msg(
    "spreadsheet.no_header",
    "Baris judul kolom tidak ditemukan di lembar '{sheet}' berkas {file} (dicari di {rows} baris "
    "pertama: kolom seperti NIK, NAMA, NO KK). Pilih baris judul secara manual, atau pilih "
    "lembar lain.",
    "No row of column titles was found in the sheet '{sheet}' of the file {file} (searched the "
    "first {rows} rows for columns such as NIK, NAMA, NO KK). Choose the title row by hand, or "
    "choose another sheet.",
)
NO_SUCH_ROW = Msg(
    "spreadsheet.no_such_row",
    "Lembar '{sheet}' tidak punya baris ke-{row}.",
    "The sheet '{sheet}' has no row {row}.",
)

# -- files beyond the import's limits (bounds.py holds the numbers) ------------------------------

TOO_LARGE = Msg(
    "spreadsheet.too_large",
    "Berkas {file} terlalu besar ({size} MB; batas impor {limit} MB), bagi datanya menjadi "
    "beberapa berkas lalu impor satu per satu.",
    "The file {file} is too large ({size} MB; the import limit is {limit} MB); split the data "
    "into several files and import them one by one.",
)
ZIP_BOMB = Msg(
    "spreadsheet.zip_bomb",
    "Berkas {file} tidak dibuka karena isinya mengembang tidak wajar saat dibuka (lebih dari "
    "{limit} MB, atau lebih dari {ratio} kali ukuran berkasnya).",
    "The file {file} was not opened because its content expands abnormally when opened (over "
    "{limit} MB, or over {ratio} times the size of the file).",
)
TOO_MANY_PARTS = Msg(
    "spreadsheet.too_many_parts",
    "Berkas {file} tidak dibuka karena berisi terlalu banyak bagian di dalamnya ({count}; "
    "batasnya {limit}).",
    "The file {file} was not opened because it holds too many parts inside ({count}; the limit "
    "is {limit}).",
)
TOO_MANY_ROWS = Msg(
    "spreadsheet.too_many_rows",
    "Lembar '{sheet}' di berkas {file} melebihi batas impor {limit} baris (isinya sampai sel "
    "{cell} atau lebih jauh), jadi bagi datanya menjadi beberapa berkas, atau hapus isi di luar "
    "tabel, lalu impor lagi.",
    "The sheet '{sheet}' in the file {file} is over the import limit of {limit} rows (its "
    "content reaches cell {cell} or further), so split the data into several files, or delete "
    "what lies outside the table, and import again.",
)
TOO_MANY_CELLS = Msg(
    "spreadsheet.too_many_cells",
    "Lembar '{sheet}' di berkas {file} terlalu luas ({rows} baris x {columns} kolom, sampai sel "
    "{cell}; batasnya {limit} sel), hapus baris dan kolom di luar tabel lalu simpan dan impor "
    "lagi.",
    "The sheet '{sheet}' in the file {file} is too large ({rows} rows x {columns} columns, up to "
    "cell {cell}; the limit is {limit} cells); delete the rows and columns outside the table, "
    "then save and import again.",
)
CELL_TOO_LONG = Msg(
    "spreadsheet.cell_too_long",
    "Baris {row} berkas {file} berisi sel lebih dari {limit} karakter, biasanya karena tanda "
    'petik (") yang tidak ditutup, jadi periksa baris itu, simpan, lalu impor lagi.',
    "Row {row} of the file {file} holds a cell longer than {limit} characters, usually because "
    'of a quotation mark (") that is never closed, so check that row, save and import again.',
)

# -- column mappings ----------------------------------------------------------------------------

FIELDS_NOT_FOR_KIND = Msg(
    "import.fields_not_for_kind",
    "Kolom {fields} tidak dipakai untuk impor jenis ini.",
    "The columns {fields} are not used by this kind of import.",
)
COLUMNS_MISSING = Msg(
    "import.columns_missing",
    "Kolom {names} tidak ditemukan di lembar '{sheet}'. Tentukan kolomnya (pemetaan kolom) lalu "
    "coba lagi.",
    "The columns {names} were not found in the sheet '{sheet}'. Choose the columns (column "
    "mapping) and try again.",
)
PROGRAM_NOT_CHOSEN = Msg(
    "import.program_not_chosen",
    "Pilih programnya (--program KODE) atau sediakan kolom PROGRAM.",
    "Choose the program (--program CODE) or provide a PROGRAM column.",
)
MAPPING_FILE_UNREADABLE = Msg(
    "import.mapping_file_unreadable",
    "Berkas pemetaan {file} tidak dapat dibaca: {error}",
    "The mapping file {file} cannot be read: {error}",
)
MAPPING_FILE_SHAPE = Msg(
    "import.mapping_file_shape",
    'Berkas pemetaan harus berisi {{"columns": {{...}}}}.',
    'The mapping file must contain {{"columns": {{...}}}}.',
)
MAPPING_FIELD_UNKNOWN = Msg(
    "import.mapping_field_unknown",
    "Bidang '{field}' tidak dikenal.",
    "The field '{field}' is not known.",
)
MAPPING_COLUMN_MISSING = Msg(
    "import.mapping_column_missing",
    "Kolom '{column}' untuk {field} tidak ada di lembar '{sheet}'.",
    "The column '{column}' for {field} is not in the sheet '{sheet}'.",
)
PROGRAM_UNKNOWN = Msg(
    "import.program_unknown",
    "Program {program} tidak dikenal. Kode yang ada: {codes}.",
    "The program {program} is not known. Known codes: {codes}.",
)

# -- one import ---------------------------------------------------------------------------------

CANCELLED = Msg(
    "import.cancelled",
    "Impor dibatalkan; tidak ada data yang berubah.",
    "The import was cancelled; no data changed.",
)
PLAN_CHANGED = Msg(
    "import.plan_changed",
    "Data di registri berubah sejak pratinjau dibuat (mungkin oleh pengguna lain). "
    "Jalankan pratinjau lagi sebelum menyimpan; belum ada yang tersimpan.",
    "The registry changed after the preview was made (perhaps by another user). "
    "Run the preview again before saving; nothing has been saved.",
)
ROWS_REJECTED = Msg(
    "import.rows_rejected",
    "{count} baris ditolak; tidak ada yang diimpor. Perbaiki berkasnya, atau impor baris "
    "yang valid saja.",
    "{count} rows were rejected; nothing was imported. Fix the file, or import only the valid "
    "rows.",
)


class SpreadsheetError(ServiceError):
    """A file that cannot be used at all (exit code 2); nothing has been read or written."""


class ImportCancelled(ServiceError):
    def __init__(self, msg: Msg = CANCELLED, /, **params: Any) -> None:
        super().__init__(msg, **params)


class PlanChanged(ServiceError):
    def __init__(self, msg: Msg = PLAN_CHANGED, /, **params: Any) -> None:
        super().__init__(msg, **params)


class RejectedRows(ServiceError):
    def __init__(self, count: int) -> None:
        super().__init__(ROWS_REJECTED, count=count)
        self.count = count

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.count,))
