"""The import's cheap test for an ordinary row skips only rows the slower tests would keep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.services.importing.cleaning import is_blank
from desktop_app.services.importing.service import _has_identity_text, _looks_numbered

_CELLS = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(" \t\u00a0()[]-.0123456789ABab\u00b2\u3000"), max_size=8),
    st.text(max_size=20),
    st.integers(-5, 5000),
    st.floats(allow_nan=False),
)


@settings(max_examples=500, deadline=None)
@given(cell=_CELLS, col=st.integers(0, 3))
def test_a_row_with_identity_text_is_neither_blank_nor_numbered(cell: object, col: int) -> None:
    row = [None, "x", cell, None] if col == 2 else [cell, None, None]
    if _has_identity_text(row, col):
        assert not is_blank(row[col])
        assert not _looks_numbered(row, col)


def test_the_common_and_the_doubtful_cells() -> None:
    assert _has_identity_text(["3572014107650001"], 0)
    assert _has_identity_text(["KOLOM 2"], 0)  # letters and digits at both ends: not numbered
    for cell in (" 12 ", "(1)", "12", "", "   ", None, 12, 3572014107650001.0, "(12) "):
        assert not _has_identity_text([cell], 0)
    assert not _has_identity_text(["3572014107650001"], 1)
    assert not _has_identity_text(["3572014107650001"], None)


_ANY_CELL = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\t", "\u3000", "Alamat: JL. MAWAR 3", " x "]),
    st.text(max_size=6),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=500, deadline=None)
@given(row=st.lists(_ANY_CELL, max_size=6))
def test_first_filled_cell_is_the_one_the_reader_always_took(row: list[object]) -> None:
    from desktop_app.services.importing.blocks import _first_filled
    from desktop_app.services.importing.cleaning import text_of

    before = next((c for c in row if c not in ("", None) and text_of(c).strip()), None)
    assert _first_filled(row) is before


def test_cells_skip_empty_and_blank_text_only() -> None:
    from datetime import date

    from desktop_app.services.importing.parse import RowParser

    parser = RowParser.__new__(RowParser)
    parser.cols = [("name", 0), ("street", 1), ("rt", 2), ("birth_date", 3), ("phone", 4)]
    parser.codes = {}
    born = date(1960, 1, 12)
    cells = parser.cells(["SITI", "  ", 0, born, ""])
    assert cells == {"name": "SITI", "rt": 0, "birth_date": born}
    assert parser.cells([None, "\u3000", 0.0]) == {"rt": 0.0}
