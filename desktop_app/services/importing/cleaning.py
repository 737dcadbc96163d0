"""Cleaning the values people and spreadsheets put in cells: identity numbers, dates, names.

Every cleaner takes a raw cell value as a reader hands it over (str, int, float, bool, date,
datetime, or "" / None for an empty cell) and returns ``(value, problem)``: the cleaned value, or
None and an `Issue` saying in Indonesian what is wrong. A cleaner never guesses: a NIK whose digits
Excel has already destroyed is refused, never repaired.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from desktop_app.domain.nik import Issue, clean_number
from desktop_app.services.importing.messages import error_issue as _error
from desktop_app.services.importing.messages import warning_issue as _warning

__all__ = [
    "EXCEL_EPOCH",
    "clean_id_cell",
    "clean_name",
    "clean_phone",
    "clean_rt",
    "clean_text",
    "formula_cell_warning",
    "is_blank",
    "looks_like_formula",
    "month_first_reading",
    "month_first_with_nik",
    "parse_date_cell",
    "same_text",
    "split_birth_place_date",
    "split_rt_rw",
    "text_of",
]

# Excel's day 0 in the 1900 date system, shifted by one day to absorb Lotus's phantom
# 29 February 1900: correct for every serial after 60 (1 March 1900), i.e. every birth date.
EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 31 December 9999
_EXACT_FLOAT_LIMIT = 2**53  # from here on a float cannot tell n from n + 1

_SPACES = re.compile(r"\s+")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_of(value: Any) -> str:
    """A cell as text the way a person reads it: 3.0 -> "3", a date -> "12-01-1960"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "YA" if value else "TIDAK"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e11:
            return str(int(value))
        if abs(value) >= 1e11:
            # As Excel's General format shows it: the clerk recognises "3.57201E+15".
            return f"{value:.5E}".replace("E+0", "E+")
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def clean_text(value: Any) -> str | None:
    """Trimmed text with inner runs of spaces (and non-breaking spaces, tabs) collapsed."""
    if value is None:
        return None
    text = value if type(value) is str else text_of(value)
    if not text.isascii():
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    elif "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = _SPACES.sub(" ", text).strip()
    else:
        text = text.strip()
    # A leading apostrophe is Excel's "keep as text" marker, never part of the value.
    if text[:1] in ("'", "\u2018", "\u2019", "`"):
        text = text[1:].lstrip()
    return text or None


def clean_name(value: Any) -> str | None:
    """A person's name in the form printed on the KTP and KK: upper case, single spaces.

    Dukcapil prints names in capitals; storing them the same way makes a list match the cards
    it will be checked against. Punctuation that belongs to names ("MUH. ALI", "NUR'AINI") stays.
    """
    text = clean_text(value)
    return text.upper() if text else None


def same_text(a: str | None, b: str | None) -> bool:
    """Equal when they differ only in case and spacing ("Siti  aminah" == "SITI AMINAH")."""
    if a is None or b is None:
        return a is None and b is None
    return _fold(a) == _fold(b)


def _fold(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip().casefold()


# -- identity numbers -----------------------------------------------------------------------

_FORMULA_TEXT = re.compile(r'^="(.*)"$')  # ="3572..." is how some tools force text in CSV


def clean_id_cell(value: Any, label: str = "NIK") -> tuple[str | None, Issue | None]:
    """The digits of a NIK or No. KK cell, or a problem when the cell cannot be trusted.

    A number cell is accepted only when it provably still holds every digit: Excel keeps 15
    significant digits, so a 16-digit number it stored ends in 0 whether or not the card does;
    a number above 2**53 cannot be held exactly by the file's floating point either. Such cells
    are refused with the reason, never padded or rounded. Text cells are cleaned of spaces,
    dots, dashes and the apostrophe; their structure is checked later by validate_nik/kk.
    """
    if type(value) is str and len(value) == 16 and value.isdigit() and value.isascii():
        return value, None  # the common case: a clean number typed as text
    if is_blank(value):
        return None, None
    if isinstance(value, bool | date):
        return None, _error(
            "id.type",
            "{label} berisi {value}, bukan nomor.",
            label=label,
            value=text_of(value),
        )
    if isinstance(value, int | float):
        return _id_from_number(value, label)
    text = str(value).strip()
    match = _FORMULA_TEXT.match(text)
    if match:
        text = match.group(1)
    return clean_number(text) or None, None


def _id_from_number(value: float, label: str) -> tuple[str | None, Issue | None]:
    shown = f"{float(value):.5E}".replace("E+0", "E+")
    exact = (
        isinstance(value, int) or (value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT)
    ) and value > 0
    digits = str(int(value)) if exact else ""
    if exact and len(digits) == 16 and not digits.endswith("0"):
        return digits, None
    if exact and len(digits) != 16:
        return None, _error(
            "id.number_length",
            "{label} tersimpan sebagai angka {digits} ({n} digit, harus 16). Format kolom "
            "sebagai Teks lalu ketik ulang dari kartunya.",
            label=label,
            digits=digits,
            n=len(digits),
        )
    return None, _error(
        "id.scientific",
        "{label} tersimpan sebagai angka di Excel ({value}): Excel hanya menyimpan 15 digit, "
        "jadi digit terakhir sudah hilang. Ketik ulang dari KTP/KK di kolom yang diformat Teks.",
        label=label,
        value=shown,
    )


# A cell a spreadsheet runs when the text is opened again: =SUM(..), @cmd, +cmd|' /C calc'!A0.
# "+62 812-3456-7890" (a phone) and a lone "-" (an empty value) are everyday text, not formulas.
_FORMULA_TAIL = re.compile(r"[A-Za-z=(!|*/^&+]")


def looks_like_formula(text: str) -> bool:
    """True for text that starts like a spreadsheet formula (= @, or + - followed by a formula
    rather than the digits of a phone number or a negative number)."""
    if not text:
        return False
    first = text[0]
    if first in "=@":
        return len(text) > 1
    if first in "+-":
        return _FORMULA_TAIL.search(text, 1) is not None
    return False


def formula_cell_warning(label: str, value: str) -> Issue:
    """A warning, not a refusal: the value is kept as the text it is (the registry never runs
    it), but an export opened in a spreadsheet or a copy pasted elsewhere might."""
    shown = value if len(value) <= 40 else value[:39] + "…"
    return _warning(
        "import.formula_cell",
        "Kolom {label} berisi teks yang tampak seperti rumus spreadsheet ({value}); disimpan "
        "apa adanya sebagai teks. Periksa asal berkas ini.",
        label=label,
        value=shown,
    )


def number_cell_warning(label: str) -> Issue:
    return _warning(
        "id.number_cell",
        "{label} tersimpan sebagai angka di Excel. Digitnya masih utuh, tetapi format kolom "
        "sebaiknya Teks agar tidak rusak saat berkas diedit.",
        label=label,
    )


# -- dates ----------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "pebruari", "feb", "peb", "february", "febr"),
        ("maret", "mar", "march", "mrt"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "ags", "aug", "august", "agus"),
        ("september", "sep", "sept", "spt"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "des", "dec", "december", "dts"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_DMY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+)?$")
_NAMED = re.compile(r"^(\d{1,2})[\s\-./]*([a-z]+)[\s\-./,]*(\d{4}|\d{2})$")
_COMPACT = re.compile(r"^\d{8}$")
# A serial written out as text (a CSV saved from Excel): five digits, 1927 to 2173. Shorter
# numbers in text are far more likely a year ("1960") or a typo than a date before 1927.
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
_TRAILING_TIME = re.compile(r"\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?$")


def _bad_date(raw: Any) -> Issue:
    return _error(
        "date.format",
        "Tanggal '{value}' tidak dapat dibaca. Tulis seperti 12-01-1960 atau 12 Januari 1960.",
        value=text_of(raw),
    )


def _full_year(yy: int, today: date) -> int:
    # A two-digit year means the most recent such year that is not in the future.
    year = (today.year // 100) * 100 + yy
    return year if year <= today.year else year - 100


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_cell(value: Any, today: date) -> tuple[date | None, Issue | None]:
    """A date from a cell: a real date, an Excel serial number, or text written day first.

    Accepted text: 12-01-1960, 12/1/1960, 12.01.60, 1960-01-12, 12 Januari 1960, 12 Jan 1960,
    12-Jan-60, 12011960 (DDMMYYYY) and 19600112 (YYYYMMDD). Dates are always day first, as
    Indonesians write them; a date such as 01/25/1960 (month first) is refused rather than
    guessed. A two-digit year is the most recent one not in the future.
    """
    if is_blank(value):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        return None, _bad_date(value)
    if isinstance(value, int | float):
        return _from_serial(float(value), value)
    text = str(value).strip().lower()
    if text[:1] in ("'", "\u2019"):
        text = text[1:].strip()
    text = _TRAILING_TIME.sub("", text)
    if _SERIAL.match(text):
        return _from_serial(float(text), value)
    if _YEAR_ONLY.match(text):
        return None, _error(
            "date.year_only",
            "Tanggal '{value}' hanya berisi tahun; isi tanggal lengkap seperti 12-01-1960.",
            value=text,
        )
    found: date | None = None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year = _full_year(year, today)
        found = _make(year, month, day)
    elif match := _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        found = _make(year, month, day)
    elif match := _NAMED.match(text):
        month_number = _MONTHS.get(match.group(2))
        if month_number is not None:
            year = int(match.group(3))
            if len(match.group(3)) == 2:
                year = _full_year(year, today)
            found = _make(year, month_number, int(match.group(1)))
    elif _COMPACT.match(text):
        found = _compact(text)
    if found is None:
        return None, _bad_date(value)
    return found, None


def month_first_reading(value: Any, today: date) -> date | None:
    """The date a refused text such as 07/26/1964 would be if read month first (as Excel in an
    American locale writes it), or None. Never used as the date: only to explain a refusal."""
    if not isinstance(value, str):
        return None
    match = _DMY.match(value.strip().lower())
    if not match:
        return None
    first, second, year = (int(g) for g in match.groups())
    if len(match.group(3)) == 2:
        year = _full_year(year, today)
    if _make(year, second, first) is not None:
        return None  # day first reads fine: not this refusal
    return _make(year, first, second)


def month_first_with_nik(raw: Any, reading: date) -> Issue:
    """The refusal of a month-first date whose month-first reading the NIK's digits confirm."""
    return _error(
        "date.month_first",
        "Tanggal '{value}' tertulis bulan dulu (seperti Excel berbahasa Inggris); NIK "
        "menunjukkan {nik_date}. Ubah kolom tanggal lahir ke urutan hari-bulan-tahun.",
        value=text_of(raw),
        nik_date=reading.strftime("%d-%m-%Y"),
    )


def _compact(text: str) -> date | None:
    year_first = int(text[:4])
    if 1900 <= year_first <= 2099:
        candidate = _make(year_first, int(text[4:6]), int(text[6:8]))
        if candidate is not None:
            return candidate
    return _make(int(text[4:8]), int(text[2:4]), int(text[0:2]))


def _from_serial(serial: float, raw: Any) -> tuple[date | None, Issue | None]:
    if not 61 <= serial <= _MAX_SERIAL:
        return None, _bad_date(raw)
    return EXCEL_EPOCH + timedelta(days=int(serial)), None


# -- address parts and others ---------------------------------------------------------------

_RT_PREFIX = re.compile(r"^(?:rt|rw)\s*[.:]?\s*", re.IGNORECASE)


def clean_rt(value: Any) -> str | None:
    """RT/RW as the three digits printed on documents: 3.0, "3", "RT 03" -> "003"."""
    if type(value) is str and 0 < len(value) <= 3 and value.isdigit() and value.isascii():
        return value.zfill(3)
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if text is None:
        return None
    text = _RT_PREFIX.sub("", text)
    return text.zfill(3) if text.isdigit() else text


_RT_RW = re.compile(r"^(?:rt\s*[.:]?\s*)?(\d{1,3})\s*[/\-.\s]\s*(?:rw\s*[.:]?\s*)?(\d{1,3})$", re.I)


def split_rt_rw(value: Any) -> tuple[str | None, str | None]:
    """ "003/002", "3/2", "RT 03 RW 02" -> ("003", "002"); anything else -> (None, None)."""
    text = clean_text(value)
    if not text:
        return None, None
    match = _RT_RW.match(text)
    if not match:
        return None, None
    return match.group(1).zfill(3), match.group(2).zfill(3)


def split_birth_place_date(value: Any, today: date) -> tuple[str | None, date | None, Issue | None]:
    """ "BLITAR, 12-01-1960" (tempat, tanggal lahir in one column) -> place and date."""
    if is_blank(value):
        return None, None, None
    if isinstance(value, date | int | float):
        born, problem = parse_date_cell(value, today)
        return None, born, problem
    text = clean_text(value) or ""
    place, sep, rest = text.rpartition(",")
    if not sep:
        # "BLITAR 12-01-1960": the date is the last word(s) that parse.
        words = text.split(" ")
        for cut in (1, 3):
            if len(words) > cut:
                born, problem = parse_date_cell(" ".join(words[-cut:]), today)
                if problem is None:
                    return " ".join(words[:-cut]).upper() or None, born, None
        return None, None, _bad_date(value)
    born, problem = parse_date_cell(rest.strip(), today)
    return (place.strip().upper() or None), born, problem


_PHONE_JUNK = re.compile(r"[^\d+]")


def clean_phone(value: Any) -> str | None:
    """Digits (and a leading +) of a telephone number. A number cell has lost its leading 0;
    that is left for the clerk to see rather than restored by guess."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = _PHONE_JUNK.sub("", str(value))
    return text or None
