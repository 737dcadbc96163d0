"""Property-based tests of the cell cleaners: dates in every accepted spelling, NIK/KK cells."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.office import INDONESIAN_MONTHS
from desktop_app.services.importing.cleaning import (
    EXCEL_EPOCH,
    clean_id_cell,
    clean_name,
    clean_rt,
    parse_date_cell,
    same_text,
    split_birth_place_date,
    split_rt_rw,
)

TODAY = date(2026, 11, 20)
dates = st.dates(min_value=date(1900, 3, 1), max_value=TODAY)
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def spellings(d: date) -> list[object]:
    dd, mm, yyyy = d.day, d.month, d.year
    month = INDONESIAN_MONTHS[mm - 1]
    serial = (d - EXCEL_EPOCH).days
    return [
        d,
        datetime(yyyy, mm, dd, 0, 0),
        f"{dd:02d}-{mm:02d}-{yyyy}",
        f"{dd:02d}/{mm:02d}/{yyyy}",
        f"{dd}/{mm}/{yyyy}",
        f"{dd}.{mm}.{yyyy}",
        f"{yyyy}-{mm:02d}-{dd:02d}",
        f"{yyyy}-{mm:02d}-{dd:02d} 00:00:00",
        f"{dd} {month} {yyyy}",
        f"{dd} {month.upper()} {yyyy}",
        f"{dd} {SHORT_MONTHS[mm - 1]} {yyyy}",
        f"{dd}-{SHORT_MONTHS[mm - 1]}-{yyyy}",
        f"{dd} {d.strftime('%b')} {yyyy}",  # English abbreviations ("12 Aug 1960")
        f"'{dd:02d}-{mm:02d}-{yyyy}",
        f"{dd:02d}{mm:02d}{yyyy}",
        float(serial),  # an Excel serial in a number cell
        serial,
        # ... or exported to CSV; as text only five digits count (shorter is a year or a typo)
        *([str(serial)] if serial >= 10000 else []),
    ]


@given(dates)
def test_every_accepted_spelling_of_a_date_reads_back_the_same_date(d: date) -> None:
    for raw in spellings(d):
        value, problem = parse_date_cell(raw, TODAY)
        assert problem is None, raw
        assert value == d, raw


@given(st.dates(min_value=date(1927, 1, 1), max_value=TODAY))
def test_a_two_digit_year_is_the_latest_one_not_in_the_future(d: date) -> None:
    value, problem = parse_date_cell(f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}", TODAY)
    assert problem is None
    assert value is not None and value <= TODAY
    assert value.year % 100 == d.year % 100
    assert TODAY.year - value.year < 100


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.booleans()))
def test_the_date_cleaner_never_raises_and_never_guesses(raw: object) -> None:
    value, problem = parse_date_cell(raw, TODAY)
    assert (value is None) or (problem is None)
    if problem is not None:
        assert problem.is_error and problem.message


def test_month_first_dates_are_refused_not_swapped() -> None:
    value, problem = parse_date_cell("01/25/1960", TODAY)
    assert value is None and problem is not None
    assert "01/25/1960" in problem.message


def test_year_only_and_nonsense_are_refused() -> None:
    for raw in ("1960", "31-02-1960", "kemarin", "12 Juliember 1960", "0", "9863"):
        assert parse_date_cell(raw, TODAY)[0] is None, raw


niks = st.from_regex(r"[1-9][0-9]{15}", fullmatch=True)


def decorate(nik: str, style: int) -> str:
    groups = [nik[0:4], nik[4:8], nik[8:12], nik[12:16]]
    return [
        nik,
        f"'{nik}",
        " ".join(groups),
        ".".join(groups),
        "-".join(groups),
        f"  {nik}\u00a0",
        f"{nik}.0",
        "\u2019" + nik,
        f'="{nik}"',
        nik.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}),  # full-width digits
    ][style]


@given(niks, st.integers(min_value=0, max_value=9))
def test_decorated_id_numbers_clean_to_their_digits(nik: str, style: int) -> None:
    value, problem = clean_id_cell(decorate(nik, style))
    assert problem is None
    assert value == nik


@given(st.text(max_size=40))
def test_cleaning_text_never_invents_digits(raw: str) -> None:
    value, problem = clean_id_cell(raw)
    assert problem is None  # text cells are judged later by validate_nik
    if value is not None and value.isascii() and value.isdigit():
        source_digits = "".join(
            ch for ch in unicodedata.normalize("NFKC", raw) if ch.isascii() and ch.isdigit()
        )
        assert value in source_digits or source_digits.startswith(value)


@given(st.integers(min_value=10**15, max_value=10**16 - 1))
def test_a_number_cell_is_accepted_only_when_no_digit_can_be_lost(n: int) -> None:
    value, problem = clean_id_cell(float(n))
    if value is not None:
        assert problem is None
        assert value == str(n)
        assert not value.endswith("0")  # Excel's 15-digit rounding always leaves a final 0
        assert n < 2**53
    else:
        assert problem is not None and problem.is_error


@given(st.floats(min_value=1, max_value=1e20))
def test_number_cells_give_exactly_their_value_or_nothing(x: float) -> None:
    value, _problem = clean_id_cell(x)
    if value is not None:
        assert float(value) == x and len(value) == 16


def test_excel_scientific_numbers_are_refused_with_the_reason() -> None:
    value, problem = clean_id_cell(3.57201e15)
    assert value is None and problem is not None
    assert "3.57201E+15" in problem.message
    assert "15 digit" in problem.message
    value, problem = clean_id_cell(3572010101900000.0)  # what Excel keeps of ...0001
    assert value is None and problem is not None


def test_a_short_number_cell_is_refused() -> None:
    value, problem = clean_id_cell(357201.0)
    assert value is None and problem is not None and "6 digit" in problem.message


def test_dates_and_booleans_are_not_id_numbers() -> None:
    assert clean_id_cell(date(1960, 1, 1))[1] is not None
    assert clean_id_cell(True)[1] is not None


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=30))
def test_names_are_upper_case_with_single_spaces(raw: str) -> None:
    name = clean_name(raw)
    if name is not None:
        assert name == name.strip()
        assert "  " not in name
        assert name == name.upper()
        assert clean_name(name) == name  # cleaning twice changes nothing
        assert same_text(name, name.lower())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3", "003"), (3.0, "003"), ("RT 03", "003"), ("rt.3", "003"), ("  12 ", "012"), ("", None)],
)
def test_rt_rw_are_three_digits(raw: object, expected: str | None) -> None:
    assert clean_rt(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("003/002", ("003", "002")), ("3/2", ("003", "002")), ("RT 03 RW 02", ("003", "002"))],
)
def test_rt_rw_in_one_column(raw: str, expected: tuple[str, str]) -> None:
    assert split_rt_rw(raw) == expected


@given(dates)
def test_place_and_date_in_one_column(d: date) -> None:
    month = INDONESIAN_MONTHS[d.month - 1]
    for raw in (f"Blitar, {d:%d-%m-%Y}", f"KAB. MALANG, {d.day} {month} {d.year}"):
        place, born, problem = split_birth_place_date(raw, TODAY)
        assert problem is None and born == d and place in ("BLITAR", "KAB. MALANG")


def test_serial_numbers_before_march_1900_are_refused() -> None:
    assert parse_date_cell(60.0, TODAY)[0] is None
    assert parse_date_cell(61.0, TODAY)[0] == date(1900, 3, 1)
    assert parse_date_cell(61.0, TODAY)[0] == EXCEL_EPOCH + timedelta(days=61)
