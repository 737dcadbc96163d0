"""Import warns about cells that look like spreadsheet formulas and keeps them as text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from desktop_app.services.context import AppContext
from desktop_app.services.importing import ImportKind, ImportOptions, ImportService
from desktop_app.services.importing.cleaning import looks_like_formula
from desktop_app.storage.models import Person
from tests.services.import_files import HEADER, csv_file, person_row, xlsx


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ("=HYPERLINK(\"http://x\")", True),
        ("@SUM(A1:A9)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("+62 812-3456-7890", False),  # a phone number
        ("-", False),  # "empty" as many offices write it
        ("-5", False),
        ("=", False),
        ("JL. MAWAR", False),
        ("", False),
    ],
)
def test_looks_like_formula(text: str, formula: bool) -> None:
    assert looks_like_formula(text) is formula


@pytest.mark.parametrize(
    ("maker", "hostile"),
    [
        # openpyxl would store "=..." as a real formula (whose value a reader sees): a text cell
        # starting with + is what an .xlsx carries as text.
        ("xlsx", "+HYPERLINK(\"http://x\",\"klik\")"),
        ("csv", "=HYPERLINK(\"http://x\",\"klik\")"),
    ],
)
def test_formula_cells_are_warned_about_and_kept_as_text(
    ctx: AppContext, tmp_path: Path, maker: str, hostile: str
) -> None:
    rows = [
        HEADER,
        person_row(1, date(1960, 1, 12), street=hostile),
        person_row(2, date(1961, 2, 13), "P", street="JL. MAWAR 3"),
    ]
    path = (xlsx if maker == "xlsx" else csv_file)(tmp_path / f"f.{maker}", rows)
    service = ImportService(ctx)
    prepared = service.prepare(path, ImportOptions(kind=ImportKind.PERSONS))
    try:
        report = service.commit(prepared, accept_valid=True)
    finally:
        prepared.close()
    first, second = sorted(report.rows, key=lambda r: r.row)
    warning = next(w for w in first.warnings if w.code == "import.formula_cell")
    assert warning.severity == "warning" and hostile[:10] in warning.message
    assert not any(w.code == "import.formula_cell" for w in second.warnings)
    assert report.committed  # a warning, not a refusal
    with ctx.db.session() as s:
        streets = {p.street for p in s.exec(select(Person)).all()}
    assert any(street and street.startswith(hostile[:10]) for street in streets)
