"""Blocks around and among a list's rows that are not persons: the title block above a Dukcapil
report (PROVINSI / KABUPATEN/KOTA / KECAMATAN / DESA/KELURAHAN / PERIODE) and the address line
a Buku Induk Penduduk puts in each family block ("Alamat: JL. MAWAR 3, Nama Dusun: -, RT/RW:
003/001").

Pure functions of cell values: the reader (service.py) asks `address_line` of each row before
it is parsed as a person, and applies `FamilyAddresses` to the parsed rows afterwards.

Who could send the worst version of this: a clerk's own file with a street column whose value
happens to begin with "Alamat:". An address line is therefore recognised only when the row
has no identity number anywhere and its first filled cell begins with the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from desktop_app.services.importing.cleaning import clean_rt, clean_text, split_rt_rw, text_of
from desktop_app.services.importing.headers import header_key
from desktop_app.services.importing.layouts import register_row_rule

if TYPE_CHECKING:
    from desktop_app.services.importing.layouts import ImportLayout, RowRule
    from desktop_app.services.importing.spreadsheet import Workbook

__all__ = [
    "AddressLine",
    "BlockReader",
    "DusunIntoStreet",
    "FamilyAddresses",
    "TitleBlock",
    "address_line",
    "list_program",
    "read_list_title",
    "read_title_block",
]

# -- the title block ----------------------------------------------------------------------------

# Label -> key. Longer labels first so "KABUPATEN/KOTA" wins over "KOTA".
_TITLE_LABELS: tuple[tuple[str, str], ...] = (
    ("DESA/KELURAHAN", "kelurahan"),
    ("KELURAHAN/DESA", "kelurahan"),
    ("DESA / KELURAHAN", "kelurahan"),
    ("KABUPATEN/KOTA", "kabupaten"),
    ("KAB/KOTA", "kabupaten"),
    ("KELURAHAN", "kelurahan"),
    ("KECAMATAN", "kecamatan"),
    ("KABUPATEN", "kabupaten"),
    ("PROVINSI", "provinsi"),
    ("PERIODE", "periode"),
    ("DESA", "kelurahan"),
    ("KOTA", "kabupaten"),
    ("KEL", "kelurahan"),
    ("KEC", "kecamatan"),
)
_TITLE_RE = re.compile(
    r"^\s*("
    + "|".join(re.escape(label).replace(r"/", r"\s*/\s*") for label, _ in _TITLE_LABELS)
    + r")\.?\s*:\s*(.*)$",
    re.IGNORECASE,
)
_TITLE_KEYS = {re.sub(r"\s", "", label): key for label, key in _TITLE_LABELS}


@dataclass(frozen=True)
class TitleBlock:
    """What the title block above the table says (empty strings: not said)."""

    provinsi: str = ""
    kabupaten: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    periode: str = ""
    # The programme the whole list is about ("Daftar Peserta Program BLT DANA DESA", an OpenSID
    # export's Program sheet), when its layout says where to find it (list_program).
    program: str = ""

    def __bool__(self) -> bool:
        return any(
            (self.provinsi, self.kabupaten, self.kecamatan, self.kelurahan, self.periode,
             self.program)
        )  # fmt: skip


def _strip_code(value: str) -> str:
    """ "35.72.01 - SUKOREJO" or "1001 SENTUL" -> the name; a bare code stays as it is (the
    region matcher reads Kemendagri codes)."""
    value = value.strip(" :-")
    found = re.match(r"^[\d.]+\s*[-:]?\s+(\D.*)$", value)
    return found.group(1).strip() if found else value


def read_title_block(rows: list[list[Any]], header_row: int) -> TitleBlock:
    """The region a report's title rows give, read from the rows above the header.

    A label and its value may share a cell ("KECAMATAN : SUKOREJO") or sit in neighbouring
    cells ("KECAMATAN", ":", "SUKOREJO"); several labels may share a row. The first value of a
    label wins."""
    found: dict[str, str] = {}
    for row in rows[:header_row]:
        cells = [text_of(c).strip() for c in row if c not in ("", None)]
        cells = [c for c in cells if c]
        i = 0
        while i < len(cells):
            cell = cells[i]
            match = _TITLE_RE.match(cell)
            key: str | None = None
            value = ""
            used = 1
            if match:
                key = _TITLE_KEYS.get(re.sub(r"\s", "", match.group(1)).upper())
                value = match.group(2)
                if not value.strip(" :-") and i + 1 < len(cells):  # "DESA/KELURAHAN :" | "SENTUL"
                    value, used = cells[i + 1], 2
            else:
                bare = re.sub(r"\s", "", cell.rstrip(":. ")).upper()
                if bare in _TITLE_KEYS and i + 1 < len(cells):
                    key = _TITLE_KEYS[bare]
                    nxt = cells[i + 1]
                    used = 2
                    if nxt.strip() == ":" and i + 2 < len(cells):
                        nxt, used = cells[i + 2], 3
                    value = nxt
            if key is not None and value.strip(" :-") and key not in found:
                found[key] = _strip_code(value) if key != "periode" else value.strip(" :")
            i += used
    return TitleBlock(**found)


# -- the programme a participant list is about --------------------------------------------------


def _words(text: str) -> str:
    return " ".join(text.split()).upper()


def list_program(
    layout: ImportLayout | None,
    head: list[list[Any]],
    header_row: int,
    workbook: Workbook | None = None,
    sheet: str | None = None,
) -> str:
    """The programme a participant list names once for all its rows, or "".

    Only a layout with a ``list_program`` rule is asked (OpenSID peserta program bantuan):
    - ``title_prefixes``: a title row "Daftar Peserta Program BLT DANA DESA" -> "BLT DANA DESA";
    - ``sheet`` + ``sheet_labels``: another sheet of label/value rows (OpenSID's export has a
      sheet "Program" with a row "Nama Program | BLT DANA DESA").
    A title row wins over the other sheet (it is the sheet being imported)."""
    if layout is None:
        return ""
    options = layout.rules.get("list_program")
    if not isinstance(options, dict):
        return ""
    prefixes = [_words(p) for p in options.get("title_prefixes") or ()]
    for row in head[:header_row]:
        for cell in row:
            if not isinstance(cell, str):
                continue
            text = _words(cell)
            for prefix in prefixes:
                if text.startswith(prefix) and len(text) > len(prefix):
                    name = text[len(prefix) :].strip(" :-")
                    if name:
                        return " ".join(cell.split())[len(prefix) :].strip(" :-")
    other = options.get("sheet")
    if workbook is None or not isinstance(other, str):
        return ""
    names = {n.casefold(): n for n in workbook.sheet_names}
    found = names.get(other.casefold())
    if found is None or found == sheet:
        return ""
    labels = {header_key(x) for x in options.get("sheet_labels") or ()}
    for row in workbook.head(found, 40):
        cells = [c for c in row if c not in ("", None)]
        if len(cells) >= 2 and header_key(cells[0]) in labels:
            return clean_text(cells[1]) or ""
    return ""


def read_list_title(
    head: list[list[Any]],
    header_row: int,
    layout: ImportLayout | None = None,
    workbook: Workbook | None = None,
    sheet: str | None = None,
) -> TitleBlock:
    """The title block (read_title_block) and the programme the list names (list_program)."""
    title = read_title_block(head, header_row)
    program = list_program(layout, head, header_row, workbook, sheet)
    return replace(title, program=program) if program else title


# -- a separate dusun column (OpenSID penduduk) --------------------------------------------------

# Values that already say what kind of area they are ("LINGKUNGAN I", "DSN. KRAJAN").
_AREA_WORD = re.compile(
    r"^\s*(DUSUN|DSN|LINGKUNGAN|LINK|LING|KAMPUNG|KP|BANJAR|JORONG|DUKUH|PADUKUHAN)\b\.?",
    re.IGNORECASE,
)


class DusunIntoStreet:
    """The layout rule ``dusun_into_street``: a list that gives the dusun/lingkungan in its own
    column (OpenSID ``dusun``) has it added to the street, as a BIP address line does
    ("JL. MELATI 7, Dusun KRAJAN"; "LINGKUNGAN I" as it is). Only on rows with a NIK, only when
    the street does not already name it, and never when the clerk mapped that column itself."""

    def __init__(self, street_col: int | None, dusun_col: int | None, nik_col: int | None) -> None:
        self.street_col = street_col
        self.dusun_col = dusun_col if dusun_col != street_col else None
        self.nik_col = nik_col

    def row(self, index: int, row: list[Any]) -> list[Any] | None:
        s, d, n = self.street_col, self.dusun_col, self.nik_col
        if s is None or d is None or d >= len(row):
            return row
        if n is not None and (n >= len(row) or not text_of(row[n]).strip()):
            return row
        dusun = clean_text(row[d])
        if not dusun or not dusun.strip("-. "):
            return row
        street = clean_text(row[s]) if s < len(row) else None
        if street and dusun.upper() in street.upper():
            return row
        part = dusun if _AREA_WORD.match(dusun) else f"Dusun {dusun}"
        out = list(row)
        if s >= len(out):
            out.extend([None] * (s + 1 - len(out)))
        out[s] = f"{street}, {part}" if street else part
        return out


@register_row_rule("dusun_into_street")
def _dusun_into_street(layout: ImportLayout, options: Any, prepared: Any) -> RowRule:
    mapping = prepared.mapping
    dusun_col = prepared.extras.get("dusun")
    if dusun_col in mapping.values():  # the clerk mapped the dusun column to a field
        dusun_col = None
    return DusunIntoStreet(mapping.get("street"), dusun_col, mapping.get("nik"))


# -- address lines in family blocks --------------------------------------------------------------

_ADDRESS_START = re.compile(r"^\s*(ALAMAT|ALAMT|ALMT)\s*:", re.IGNORECASE)
# Labels inside an address line, each followed by ":"; the value runs to the next label.
_PART_LABELS = re.compile(
    r"(ALAMAT|ALAMT|ALMT|NAMA\s+DUSUN|DUSUN|RT\s*/\s*RW|RT|RW|NO\.?\s*KK|NOMOR\s+KK|"
    r"KODE\s+POS|DESA\s*/\s*KEL(?:URAHAN)?|KELURAHAN|DESA|KECAMATAN)\s*:",
    re.IGNORECASE,
)
_DIGITS_16 = re.compile(r"(?<!\d)\d{16}(?!\d)")


@dataclass(frozen=True)
class AddressLine:
    """One family's address as the line among its members gives it."""

    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kk_number: str | None = None  # when the line names its family ("No. KK: …")


def _row_text(row: list[Any]) -> str:
    return " ".join(text_of(c).strip() for c in row if c not in ("", None)).strip()


def _has_identity(row: list[Any]) -> bool:
    for cell in row:
        if isinstance(cell, int | float) and not isinstance(cell, bool) and cell >= 1e14:
            return True
    return False


def _first_filled(row: list[Any]) -> Any:
    """The first cell that shows something (None when none does). Asked of every row: text
    is tested without text_of, and a number always shows its digits."""
    for cell in row:
        if cell is None:
            continue
        if isinstance(cell, str):
            if cell and not cell.isspace():
                return cell
            continue
        if type(cell) is int or type(cell) is float or text_of(cell).strip():
            return cell
    return None


def address_line(row: list[Any]) -> AddressLine | None:
    """The address a row gives when it is a family's address line, else None.

    "Alamat: JL. MAWAR 3, Nama Dusun: KRAJAN, RT/RW: 003/001" -> street "JL. MAWAR 3, Dusun
    KRAJAN", RT 003, RW 001. The parts may be spread over several cells."""
    first = _first_filled(row)
    if not isinstance(first, str) or not _ADDRESS_START.match(first):
        return None
    if _has_identity(row):
        return None
    text = _row_text(row)
    parts: dict[str, str] = {}
    marks = list(_PART_LABELS.finditer(text))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        label = re.sub(r"[\s./]", "", mark.group(1)).upper()
        value = text[mark.end() : end].strip(" ,;")
        parts.setdefault(label, value)
    street = clean_text(parts.get("ALAMAT") or parts.get("ALAMT") or parts.get("ALMT"))
    dusun = clean_text(parts.get("NAMADUSUN") or parts.get("DUSUN"))
    if dusun and dusun.strip("-. ") and (street is None or dusun.upper() not in street.upper()):
        street = f"{street}, Dusun {dusun}" if street else f"Dusun {dusun}"
    if street is not None and not street.strip("-. "):
        street = None
    rt = rw = None
    if parts.get("RTRW"):
        rt, rw = split_rt_rw(parts["RTRW"])
    rt = rt or clean_rt(parts.get("RT") or None)
    rw = rw or clean_rt(parts.get("RW") or None)
    kk = None
    for key in ("NOKK", "NOMORKK"):
        if key in parts:
            digits = _DIGITS_16.search(re.sub(r"[\s.\-']", "", parts[key]))
            kk = digits.group(0) if digits else None
    return AddressLine(street, rt, rw, kk)


@dataclass
class FamilyAddresses:
    """Address lines met while reading, and which family each belongs to.

    A line that names its No. KK belongs to that family. Otherwise it belongs to the family it
    sits in: the member rows around it when both have the same No. KK (the line sits among the
    members), else the family that follows it (the line heads its block), else the one before
    it (a line closing the last block of the sheet). Its values fill only what a member's own
    row leaves empty: a row's own street or RT is never overwritten.
    """

    # (position, line); position = how many member rows were read before the line.
    lines: list[tuple[int, AddressLine]] = field(default_factory=list)

    def add(self, members_before: int, line: AddressLine) -> None:
        self.lines.append((members_before, line))

    def by_family(self, kks: list[str | None]) -> dict[str, AddressLine]:
        """No. KK -> address, given the No. KK of each member row in reading order."""
        out: dict[str, AddressLine] = {}
        for position, line in self.lines:
            kk = line.kk_number
            if kk is None:
                before = next((k for k in reversed(kks[:position]) if k), None)
                after = next((k for k in kks[position:] if k), None)
                # Inside a block both neighbours agree; between blocks the line heads the next.
                kk = after or before
            if kk is not None:
                out.setdefault(kk, line)
        return out


# -- applying blocks while a sheet is read ---------------------------------------------------------


class BlockReader:
    """What the reader does with blocks, kept out of the row loop's way.

    - The title block's kelurahan and kecamatan become virtual cells at the end of every row,
      for the fields the mapping has no column for (so they are matched, and refused when
      unknown, exactly like a KELURAHAN column).
    - Address lines are taken out of the rows (never parsed as persons) and, once the sheet is
      read, give their family's members the street, RT and RW their own rows leave empty.
    """

    def __init__(self, mapping: dict[str, int], width: int, title: TitleBlock) -> None:
        self.mapping = dict(mapping)
        self.extra: list[Any] = []
        self.width = max([width, *(c + 1 for c in mapping.values())]) if mapping else width
        for key, value in (("kelurahan", title.kelurahan), ("kecamatan", title.kecamatan)):
            if value and key not in mapping:
                self.mapping[key] = self.width + len(self.extra)
                self.extra.append(value)
        self.families = FamilyAddresses()
        self.lines = 0

    def row(self, row: list[Any]) -> list[Any]:
        """The row as the parser should see it (with the title block's cells)."""
        if not self.extra:
            return row
        width = self.width
        padded = list(row[:width])
        if len(padded) < width:
            padded.extend([None] * (width - len(padded)))
        padded.extend(self.extra)
        return padded

    def take(self, row: list[Any], members_before: int) -> bool:
        """True when the row is an address line (consumed here, not a person)."""
        line = address_line(row)
        if line is None:
            return False
        self.families.add(members_before, line)
        self.lines += 1
        return True

    def finish(self, kks: list[str | None], values: list[dict[str, Any]]) -> None:
        """Give each member the address of its family's line where its row has none."""
        if not self.families.lines:
            return
        if not any(kks):
            # No No. KK read (a persons import): each line heads the rows that follow it.
            marks = self.families.lines
            for index, (start, line) in enumerate(marks):
                end = marks[index + 1][0] if index + 1 < len(marks) else len(values)
                for vals in values[start:end]:
                    _fill(vals, line)
            return
        found = self.families.by_family(kks)
        for kk, vals in zip(kks, values, strict=True):
            family = found.get(kk) if kk else None
            if family is not None:
                _fill(vals, family)


def _fill(values: dict[str, Any], line: AddressLine) -> None:
    for key in ("street", "rt", "rw"):
        value = getattr(line, key)
        if value and key not in values:
            values[key] = value
