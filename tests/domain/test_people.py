from __future__ import annotations

from desktop_app.domain.people import (
    blank_to_none,
    format_address,
    normalise_name,
    pad_rt,
    program_names,
)


def test_normalise_name_drops_case_punctuation_and_honorifics() -> None:
    assert normalise_name("Hj. Siti  Rahayu, S.Pd") == "SITI RAHAYU S PD"
    assert normalise_name("dr. Budi") == normalise_name("BUDI")


def test_format_address() -> None:
    assert format_address("Jl. Mawar 1", "001", "002") == "Jl. Mawar 1, RT 001/RW 002"
    assert format_address(None, "001", None) == "RT 001/RW -"
    assert format_address("Jl. Mawar 1", None, None) == "Jl. Mawar 1"
    assert format_address(None, None, None) == ""


def test_rt_is_three_digits_and_blank_is_none() -> None:
    assert pad_rt(" 3 ") == "003"
    assert pad_rt("3A") == "3A"
    assert pad_rt("  ") is None and blank_to_none(None) is None
    assert blank_to_none("  a   b ") == "a b"


def test_program_names_each_once_unknown_as_is() -> None:
    assert program_names(None) == ""
    assert program_names("RASTRADA,RASTRADA,XYZ") == "Rastrada, XYZ"
