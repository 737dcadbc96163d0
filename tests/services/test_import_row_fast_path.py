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
