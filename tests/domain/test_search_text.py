"""The one normalisation every search goes through (domain.search_text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.search_text import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_TERMS,
    like_escape,
    normalise_search,
    search_terms,
)


def test_ordinary_searches_are_unchanged() -> None:
    for text in ["siti", "agus pras", "3572011204580001", "Ma'ruf", "Jl. Melati 3", "ke"]:
        assert normalise_search(text) == text
    assert search_terms('Jl. Melati-3 "Kenanga" Ma\'ruf') == [
        "Jl",
        "Melati",
        "3",
        "Kenanga",
        "Ma",
        "ruf",
    ]
    assert search_terms("3572.01") == ["3572", "01"]


def test_control_characters_separate_and_invisible_characters_vanish() -> None:
    assert normalise_search("siti\x00rahayu") == "siti rahayu"
    assert normalise_search("  \tsiti\r\n ") == "siti"  # a scanner's Enter, a pasted tab
    assert normalise_search("\x1b[31msiti\x7f") == "[31msiti"
    assert normalise_search("si\u200bti\ufeff") == "siti"  # zero-width space, BOM
    assert normalise_search("siti\u00a0rahayu\u2028x") == "siti rahayu x"
    assert normalise_search("siti\udcff") == "siti"  # an undecodable command-line byte
    assert normalise_search("\x85siti\x9f") == "siti"  # C1 controls
    assert normalise_search(None) == "" and normalise_search("\x00\x00") == ""
    assert normalise_search("Śrī 日本 😀") == "Śrī 日本 😀"


def test_length_and_terms_are_capped() -> None:
    assert normalise_search("a" * 100_000) == "a" * MAX_SEARCH_CHARS
    assert normalise_search(" ".join(["ab"] * 500)) == " ".join(["ab"] * MAX_SEARCH_TERMS)
    assert len(search_terms(".".join("abcdefghijklmnopqrstuvwxyz"))) == MAX_SEARCH_TERMS
    # The cut never leaves a trailing space.
    cut = normalise_search("x" * (MAX_SEARCH_CHARS - 1) + " yyyy")
    assert cut == "x" * (MAX_SEARCH_CHARS - 1)


def test_fts5_syntax_becomes_plain_terms() -> None:
    # Quotes are separators; the rest stays as text the storage layer quotes as an FTS5 string.
    assert search_terms('"abc" OR (def*) NEAR(x y) body:ghi ^j') == [
        "abc",
        "OR",
        "(def*)",
        "NEAR(x",
        "y)",
        "body:ghi",
        "^j",
    ]
    assert all('"' not in t for t in search_terms('a"b""c"""'))


def test_like_escape() -> None:
    assert like_escape("a%b_c\\d") == "a\\%b\\_c\\\\d"
    assert like_escape("siti") == "siti"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=5000))
def test_any_text_normalises_to_a_bounded_printable_line(text: str) -> None:
    out = normalise_search(text)
    assert len(out) <= MAX_SEARCH_CHARS
    assert len(out.split()) <= MAX_SEARCH_TERMS
    assert out == out.strip() and "  " not in out
    assert all(ch.isprintable() for ch in out)
    out.encode("utf-8")  # no lone surrogate
    assert normalise_search(out) == out  # idempotent: normalising twice agrees
    terms = search_terms(text)
    assert len(terms) <= MAX_SEARCH_TERMS and all(t and '"' not in t for t in terms)
