"""Finding the header row under merged title rows, and the column names Indonesian lists use
for each field: what turns a sheet's first rows into a column mapping."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from desktop_app.services.importing.spreadsheet import HEADER_SCAN_ROWS

__all__ = [
    "FIELD_BY_KEY",
    "FIELDS",
    "FieldSpec",
    "HeaderLayout",
    "column_index",
    "column_letter",
    "detect_header",
    "field_for_header",
    "header_key",
    "header_layout",
    "header_score",
    "is_numbering_row",
    "suggest_mapping",
]

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
            "KARTU NIK",  # OpenSID program_peserta.kartu_nik: the NIK on the participant's card
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
            "KARTU NAMA",
        ),
    ),
    FieldSpec(
        "sex",
        "Jenis kelamin",
        ("JENIS KELAMIN", "JK", "L/P", "KELAMIN", "SEX", "GENDER", "JNS KELAMIN", "JENIS KEL"),
    ),
    FieldSpec("sex_male_mark", "Tanda laki-laki (kolom L)", ("L", "LK", "LAKI LAKI", "LAKI2")),
    FieldSpec("sex_female_mark", "Tanda perempuan (kolom P)", ("P", "PR", "PEREMPUAN")),
    FieldSpec(
        "birth_place",
        "Tempat lahir",
        ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT", "TPT LAHIR", "KARTU TEMPAT LAHIR"),
    ),
    FieldSpec(
        "birth_date",
        "Tanggal lahir",
        (
            "TANGGAL LAHIR",
            "TGL LAHIR",
            "TANGGAL LHR",
            "TGL LHR",
            "TGLLAHIR",
            "KARTU TANGGAL LAHIR",
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
            "KARTU ALAMAT",
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
    scores: list[int] = []
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(row)
        scores.append(score)
        if score > best_score:
            best, best_score = index, score
    # A sub-header naming more fields than the row above it ("Identitas di Kartu Peserta" over
    # NIK | Nama | Tempat Lahir ...): the header starts at the upper row, which header_layout
    # joins to this one, so the upper row's own columns (No. KK, Nama Penduduk) are kept.
    if (
        best is not None
        and best > 0
        and scores[best - 1] >= 2
        and _is_subheader(rows[best - 1], rows[best])
    ):
        return best - 1
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


_NUMBER_WORDS = {"KOLOM", "KOL", "NO KOLOM", "NOMOR KOLOM"}


def _column_number(cell: Any) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    if isinstance(cell, int):
        return cell
    text = str(cell).strip()
    if text[:1] in "([" and text[-1:] in ")]":
        text = text[1:-1].strip()
    return int(text) if text.isdigit() and len(text) <= 3 else None


def is_numbering_row(row: list[Any]) -> bool:
    """The column-number row government templates put under the header: "1 2 3 ... 15",
    "(1) (2) (3)", "KOLOM 2 3 4 ...". The numbers rise one by one from 1 (or 2 after a
    "KOLOM" cell); a number may be missing where a merged cell spans two columns."""
    values = [c for c in row if c not in ("", None) and not (isinstance(c, str) and c.isspace())]
    if (
        values
        and isinstance(values[0], str)
        and header_key(values[0]) in {header_key(w) for w in _NUMBER_WORDS}
    ):
        values = values[1:]
    if len(values) < 3:
        return False
    numbers = []
    for cell in values:
        number = _column_number(cell)
        if number is None:
            return False
        numbers.append(number)
    if numbers[0] > 2:
        return False
    steps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
    # Mostly consecutive; a gap of a column or two under merged cells is allowed.
    return all(1 <= s <= 3 for s in steps) and steps.count(1) >= len(steps) // 2


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is and what each column is called (group and sub-header joined)."""

    row: int  # index of the (first) header row
    depth: int  # 1, or 2 with a sub-header row
    labels: list[str]
    data_start: int  # index of the first data row
    numbering_rows: tuple[int, ...] = ()  # column-number rows skipped under the header


def _is_continuation(
    upper: list[Any], lower: list[Any], extra_headers: frozenset[str] = frozenset()
) -> bool:
    """A header split over two rows with the words running on ("JENIS" over "KELAMIN",
    "JUMLAH ANGGOTA" over "KELUARGA"): the lower row is short text under filled header cells,
    and joining the two names a field that neither names alone in at least one column."""
    texts = [(i, c) for i, c in enumerate(lower) if c not in ("", None)]
    if not texts or any(not isinstance(c, str) for _, c in texts):
        return False
    joined_new = 0
    for i, text in texts:
        key = header_key(text)
        if not key or len(key) > 30 or key.isdigit():
            return False
        top = _cell_label(upper[i]) if i < len(upper) else ""
        if not top:
            continue
        joined = f"{top} {text}"
        both = field_for_header(joined)
        # "JENIS" / "KELAMIN": the pair names a field the upper word alone does not.
        if (both and both != field_for_header(top)) or (
            both is None and header_key(joined) in extra_headers
        ):
            joined_new += 1
    return joined_new >= 1


def header_layout(
    rows: list[list[Any]], header_row: int, extra_headers: frozenset[str] = frozenset()
) -> HeaderLayout:
    """The header at ``header_row``: a split header's second row joined to it, column-number
    rows under it skipped. ``extra_headers`` are header keys a recognised layout knows beyond
    the import fields ("JUMLAHANGGOTAKELUARGA"), so their split halves are joined too."""
    upper = rows[header_row] if header_row < len(rows) else []
    depth = 1
    lower: list[Any] = []
    numbering: list[int] = []
    below = header_row + 1
    # A column-number row may sit between the two rows of a header, or under it.
    while below < len(rows) and is_numbering_row(rows[below]):
        numbering.append(below)
        below += 1
    if below < len(rows) and _is_continuation(upper, rows[below], extra_headers):
        upper = [
            _joined(a, rows[below][i] if i < len(rows[below]) else None)
            for i, a in enumerate(upper)
        ] + list(rows[below][len(upper) :])
        below += 1
        depth = 2
    elif below < len(rows) and _is_subheader(upper, rows[below]):
        depth = 2
        lower = rows[below]
        below += 1
    width = max(len(upper), len(lower))
    labels: list[str] = []
    group = ""  # the label of the merged cell spanning this column, if any
    for col in range(width):
        top = _cell_label(upper[col]) if col < len(upper) else ""
        sub = _cell_label(lower[col]) if col < len(lower) else ""
        if top:
            group = top
        elif not lower:
            group = ""
        if lower and sub:
            labels.append(f"{group} / {sub}" if group else sub)
        else:
            labels.append(top)
    while below < len(rows) and is_numbering_row(rows[below]):
        numbering.append(below)
        below += 1
    return HeaderLayout(header_row, depth, labels, below, tuple(numbering))


def _joined(top: Any, bottom: Any) -> str:
    a, b = _cell_label(top), _cell_label(bottom)
    return f"{a} {b}" if a and b else a or b


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
