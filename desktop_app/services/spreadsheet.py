"""Reading spreadsheets as they arrive: .xlsx, .xls, .ods through python-calamine, .csv by hand.

The file's content decides how it is read, not its name: a kelurahan that renamed an .xls to
.xlsx still gets its list read. Every way a file can be unusable has one Indonesian message
(`SpreadsheetError.code` names it for programs and tests). Also here: finding the header row under
merged title rows, and the column names Indonesian lists use for each field.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from desktop_app.services.context import ServiceError

__all__ = [
    "HEADER_SCAN_ROWS",
    "FieldSpec",
    "SheetInfo",
    "SpreadsheetError",
    "Workbook",
    "column_letter",
    "detect_header",
    "header_key",
    "open_workbook",
    "suggest_mapping",
]

HEADER_SCAN_ROWS = 30
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt", ".tsv")


class SpreadsheetError(ServiceError):
    """A file that cannot be used at all (exit code 2); nothing has been read or written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _fail(code: str, template: str, **params: object) -> SpreadsheetError:
    return SpreadsheetError(code, template.format(**params))


# -- reading ----------------------------------------------------------------------------------

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
        raise _fail(
            "no_sheet",
            "Lembar '{sheet}' tidak ada di berkas {file}. Lembar yang ada: {names}.",
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
    return _fail(
        "password",
        "Berkas {file} dilindungi kata sandi. Buka di Excel, hapus kata sandinya (File > Info > "
        "Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), simpan, lalu impor lagi.",
        file=path.name,
    )


def _corrupt(path: Path) -> SpreadsheetError:
    return _fail(
        "corrupt",
        "Berkas {file} rusak atau terpotong (mungkin unduhan atau salinannya belum selesai). "
        "Minta pengirim mengirim ulang berkasnya.",
        file=path.name,
    )


def _not_spreadsheet(path: Path, what: str = "") -> SpreadsheetError:
    return _fail(
        "not_spreadsheet",
        "Berkas {file} bukan spreadsheet{what}. Yang dapat diimpor: Excel (.xlsx, .xls), "
        "OpenDocument (.ods) atau CSV.",
        file=path.name,
        what=f" ({what})" if what else "",
    )


def open_workbook(path: Path | str) -> Workbook:
    """Open a spreadsheet or raise SpreadsheetError with the reason in Indonesian."""
    path = Path(path)
    if not path.is_file():
        raise _fail("not_found", "Berkas {file} tidak ditemukan.", file=path.name)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise _fail(
            "unreadable", "Berkas {file} tidak dapat dibuka: {error}.", file=path.name, error=exc
        ) from exc
    if not head:
        raise _fail("empty", "Berkas {file} kosong (0 byte).", file=path.name)
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
        raise _fail("empty", "Berkas {file} tidak berisi lembar data.", file=path.name)
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
        raise _fail("empty", "Berkas {file} tidak berisi data.", file=path.name)
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


# -- fields, header detection, mapping ----------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str  # Indonesian label shown in the mapping step
    aliases: tuple[str, ...] = field(default_factory=tuple)


def header_key(text: Any) -> str:
    """A comparison key for a column name: "No. KK" -> "NOKK", "L/P" -> "LP"."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKD", str(text))
    return re.sub(r"[^A-Z0-9]", "", value.upper())


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "nik",
        "NIK",
        (
            "NIK",
            "NO NIK",
            "NOMOR NIK",
            "NIK KTP",
            "NO KTP",
            "NOMOR KTP",
            "NOMOR INDUK KEPENDUDUKAN",
            "NIK ART",
            "NIK ANGGOTA",
            "NIK PENERIMA",
            "NIK KPM",
            "NIK PESERTA",
            "NIK KEPALA KELUARGA",
            "NIK KK",
        ),
    ),
    FieldSpec(
        "kk_number",
        "No. KK",
        (
            "NO KK",
            "NOMOR KK",
            "NKK",
            "KK",
            "NO KARTU KELUARGA",
            "NOMOR KARTU KELUARGA",
            "NO KK KPM",
            "NOMOR KK KPM",
        ),
    ),
    FieldSpec(
        "name",
        "Nama",
        (
            "NAMA",
            "NAMA LENGKAP",
            "NAMA PENERIMA",
            "NAMA KPM",
            "NAMA ANGGOTA",
            "NAMA ART",
            "NAMA PESERTA",
            "NAMA SESUAI KTP",
            "NAMA PENERIMA MANFAAT",
            "NAMA LANSIA",
            "NAMA ANAK",
            "NAMA KEPALA KELUARGA",
            "NAMA PENGURUS",
        ),
    ),
    FieldSpec(
        "sex",
        "Jenis kelamin",
        ("JENIS KELAMIN", "JK", "L/P", "KELAMIN", "SEX", "GENDER", "JNS KELAMIN", "JENIS KEL"),
    ),
    FieldSpec("sex_male_mark", "Tanda laki-laki (kolom L)", ("L", "LK", "LAKI LAKI", "LAKI2")),
    FieldSpec("sex_female_mark", "Tanda perempuan (kolom P)", ("P", "PR", "PEREMPUAN")),
    FieldSpec("birth_place", "Tempat lahir", ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT", "TPT LAHIR")),
    FieldSpec(
        "birth_date",
        "Tanggal lahir",
        (
            "TANGGAL LAHIR",
            "TGL LAHIR",
            "TANGGAL LHR",
            "TGL LHR",
            "TGLLAHIR",
        ),
    ),
    FieldSpec(
        "birth_place_date",
        "Tempat, tanggal lahir",
        (
            "TEMPAT TANGGAL LAHIR",
            "TEMPAT TGL LAHIR",
            "TTL",
            "TEMPAT DAN TANGGAL LAHIR",
            "TMP TGL LAHIR",
        ),
    ),
    FieldSpec(
        "street",
        "Alamat (jalan)",
        (
            "ALAMAT",
            "ALAMAT RUMAH",
            "ALAMAT LENGKAP",
            "JALAN",
            "ALAMAT JALAN",
            "DUSUN",
            "ALAMAT KPM",
        ),
    ),
    FieldSpec("rt", "RT", ("RT",)),
    FieldSpec("rw", "RW", ("RW",)),
    FieldSpec("rt_rw", "RT/RW", ("RT RW", "RT/RW")),
    FieldSpec(
        "kelurahan",
        "Kelurahan/desa",
        (
            "KELURAHAN",
            "DESA",
            "KEL",
            "DESA KELURAHAN",
            "KELURAHAN DESA",
            "NAMA KELURAHAN",
            "NAMA DESA",
            "KEL DESA",
            "DESA KEL",
        ),
    ),
    FieldSpec("kecamatan", "Kecamatan", ("KECAMATAN", "KEC", "NAMA KECAMATAN")),
    FieldSpec(
        "relation",
        "Hubungan keluarga (SHDK)",
        (
            "HUBUNGAN KELUARGA",
            "SHDK",
            "HUB KELUARGA",
            "HUBUNGAN",
            "STATUS HUBUNGAN DALAM KELUARGA",
            "HUBUNGAN DENGAN KEPALA KELUARGA",
            "HUB KEL",
            "STATUS DALAM KELUARGA",
            "HUB DGN KK",
            "HUBUNGAN DLM KELUARGA",
            "STATUS KELUARGA",
        ),
    ),
    FieldSpec(
        "phone",
        "Telepon",
        ("NO HP", "NOMOR HP", "TELEPON", "NO TELP", "HP", "NO TELEPON", "WA", "NO WA", "TELP"),
    ),
    FieldSpec("notes", "Keterangan", ("KETERANGAN", "KET", "CATATAN")),
    FieldSpec("program", "Program", ("PROGRAM", "KODE PROGRAM", "JENIS BANTUAN", "BANTUAN")),
    FieldSpec(
        "start_date",
        "Tanggal mulai program",
        ("TANGGAL MULAI", "TGL MULAI", "TMT", "MULAI", "TANGGAL DAFTAR", "TGL DAFTAR"),
    ),
    FieldSpec(
        "ragam",
        "Ragam disabilitas",
        ("RAGAM DISABILITAS", "JENIS DISABILITAS", "RAGAM", "JENIS CACAT", "DISABILITAS"),
    ),
    FieldSpec("abh_role", "Kedudukan ABH", ("KEDUDUKAN", "KEDUDUKAN ABH", "PERAN", "STATUS ABH")),
)

FIELD_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in FIELDS}

_ALIASES: dict[str, str] = {}
for _spec in FIELDS:
    for _alias in (_spec.label, *_spec.aliases):
        _ALIASES.setdefault(header_key(_alias), _spec.key)


_QUALIFIER = re.compile(r"[(\[].*?[)\]]")


def field_for_header(text: Any) -> str | None:
    """The field a column name means, or None. A bracketed qualifier is ignored ("NIK (16
    DIGIT)", "TGL LAHIR (DD-MM-YYYY)"); other words are not, so "NAMA IBU KANDUNG" or
    "TANGGAL PENYALURAN" are never mistaken for the person's name or birth date."""
    key = header_key(text)
    if not key:
        return None
    found = _ALIASES.get(key)
    if found is None and isinstance(text, str) and ("(" in text or "[" in text):
        found = _ALIASES.get(header_key(_QUALIFIER.sub(" ", text)))
    return found


def header_score(row: list[Any]) -> int:
    """How many different fields a row's cells name (a header row names several)."""
    fields: set[str] = set()
    for cell in row:
        if not isinstance(cell, str) or len(cell) > 80:
            continue
        found = field_for_header(cell)
        if found:
            fields.add(found)
    return len(fields)


def detect_header(rows: list[list[Any]]) -> int | None:
    """The index of the header row among the first rows, or None when nothing looks like one.

    Title rows above it ("DAFTAR PENERIMA RASTRADA KELURAHAN SENTUL", merged across the table)
    have at most one cell and name no field, so the row naming the most fields wins; at least
    two are needed (NIK and NAMA, for example).
    """
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(row)
        if score > best_score:
            best, best_score = index, score
    return best


def _is_subheader(upper: list[Any], lower: list[Any]) -> bool:
    """A second header row under merged group cells ("TEMPAT/TGL LAHIR" over TEMPAT | TANGGAL,
    "JENIS KELAMIN" over L | P)."""
    texts = [c for c in lower if isinstance(c, str) and c.strip()]
    if not texts or any(not isinstance(c, str) for c in lower if c not in ("", None)):
        return False
    if any(len(header_key(t)) > 30 or header_key(t).isdigit() for t in texts):
        return False
    known = sum(1 for t in texts if field_for_header(t) or header_key(t) in ("L", "P"))
    blank_above = sum(
        1
        for i, c in enumerate(lower)
        if isinstance(c, str) and c.strip() and (i >= len(upper) or upper[i] in ("", None))
    )
    return known >= 2 or (known >= 1 and blank_above >= 1)


def is_numbering_row(row: list[Any]) -> bool:
    """The "1 2 3 4 ..." row many government templates put under the header."""
    values = [c for c in row if c not in ("", None)]
    if len(values) < 3:
        return False
    numbers = []
    for cell in values:
        text = str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell)
        text = text.strip().strip("()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] <= 1


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is and what each column is called (group and sub-header joined)."""

    row: int  # index of the (first) header row
    depth: int  # 1, or 2 with a sub-header row
    labels: list[str]
    data_start: int  # index of the first data row


def header_layout(rows: list[list[Any]], header_row: int) -> HeaderLayout:
    upper = rows[header_row] if header_row < len(rows) else []
    depth = 1
    lower: list[Any] = []
    if header_row + 1 < len(rows) and _is_subheader(upper, rows[header_row + 1]):
        depth = 2
        lower = rows[header_row + 1]
    width = max(len(upper), len(lower))
    labels: list[str] = []
    group = ""  # the label of the merged cell spanning this column, if any
    for col in range(width):
        top = _cell_label(upper[col]) if col < len(upper) else ""
        sub = _cell_label(lower[col]) if col < len(lower) else ""
        if top:
            group = top
        elif depth == 1:
            group = ""
        if depth == 2 and sub:
            labels.append(f"{group} / {sub}" if group else sub)
        else:
            labels.append(top)
    start = header_row + depth
    if start < len(rows) and is_numbering_row(rows[start]):
        start += 1
    return HeaderLayout(header_row, depth, labels, start)


def _cell_label(value: Any) -> str:
    if value in ("", None):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _label_field(label: str) -> str | None:
    """The field a column label names; for "GROUP / SUB" the sub-header decides, read in the
    light of its group ("JENIS KELAMIN / L" is the male mark, "TTL / TANGGAL" the birth date)."""
    if " / " not in label:
        return field_for_header(label)
    group, _, sub = label.rpartition(" / ")
    sub_key = header_key(sub)
    group_field = field_for_header(group)
    if group_field == "sex" or header_key(group) in ("JENISKELAMIN", "JK", "LP"):
        if sub_key in ("L", "LK", "LAKILAKI"):
            return "sex_male_mark"
        if sub_key in ("P", "PR", "PEREMPUAN"):
            return "sex_female_mark"
    if group_field in ("birth_place_date", "birth_date", "birth_place"):
        if sub_key.startswith(("TEMPAT", "TMP", "TPT")):
            return "birth_place"
        if sub_key.startswith(("TANGGAL", "TGL")):
            return "birth_date"
    if group_field in ("street", "rt_rw") or header_key(group) == "ALAMAT":
        if sub_key in ("RT", "RW"):
            return sub_key.lower()
        if sub_key in ("JALAN", "DUSUN", "ALAMAT", "JALANDUSUN"):
            return "street"
    return field_for_header(sub) or field_for_header(label.replace(" / ", " "))


# Names of someone else's identity on the row: used for the person only when the list has no
# plain column ("NIK KEPALA KELUARGA" beside "NIK" in a list of members is the head's NIK).
_SECONDARY = {
    header_key(x)
    for x in ("NIK KEPALA KELUARGA", "NIK KK", "NAMA KEPALA KELUARGA", "NAMA PENGURUS")
}


def suggest_mapping(labels: list[str], fields: list[str]) -> dict[str, int]:
    """Field -> column index for the fields an import kind uses; each column is used once."""
    mapping: dict[str, int] = {}
    for secondary in (False, True):
        for col, label in enumerate(labels):
            if not label or (header_key(label) in _SECONDARY) != secondary:
                continue
            found = _label_field(label)
            if found in fields and found not in mapping and col not in mapping.values():
                mapping[found] = col
    # A lone "L" / "P" column pair is a sex mark only when there is no sex column.
    if "sex" in mapping:
        mapping.pop("sex_male_mark", None)
        mapping.pop("sex_female_mark", None)
    return mapping


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB" (for messages that point at a column)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(ref: str) -> int | None:
    """ "A" -> 0, "AB" -> 27; None when ref is not a column letter."""
    ref = ref.strip().upper()
    if not ref or not ref.isalpha() or len(ref) > 3:
        return None
    index = 0
    for ch in ref:
        index = index * 26 + (ord(ch) - 64)
    return index - 1
