"""Fuzzing the import with files: random bytes, damaged workbooks and CSVs, cells anywhere.

The property, for every input: a coded refusal or a success, never a traceback; the registry
is unchanged after a refusal; memory stays bounded (the reader runs under an address-space
limit, so a grid that escaped the checks would fail here instead of swapping the machine).
Example counts are small so that the whole file runs in a few seconds.
"""

from __future__ import annotations

import io
import itertools
import os
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.importing import ImportOptions, ImportService
from tests.services.import_files import (
    HEADER,
    _letters,  # the column letters the sheet builder writes
    bounded_memory,
    csv_file,
    person_row,
    raw_xlsx,
    sheet_xml,
    xls,
    xlsx,
)

FUZZ = settings(
    # BERDAYA_FUZZ_EXAMPLES=2000 for a long run before a release.
    max_examples=int(os.environ.get("BERDAYA_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BORN = date(1966, 8, 17)
_names = itertools.count()


def _rows(n: int = 3) -> list[list[object]]:
    return [HEADER] + [person_row(i, BORN, serial=i) for i in range(1, n + 1)]


def _state(db: Path) -> dict[str, int]:
    """Row counts of every table: what a refusal must leave as it was."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _import(ctx: AppContext, db: Path, path: Path) -> str:
    """Prepare, dry-run and commit one file; return how it ended."""
    svc = ImportService(ctx)
    before = _state(db)
    with bounded_memory():
        try:
            prepared = svc.prepare(path, ImportOptions())
        except ServiceError as exc:
            assert exc.code and exc.message
            assert _state(db) == before
            return exc.code
        try:
            svc.dry_run(prepared)
            svc.commit(prepared)
        except ServiceError as exc:
            assert exc.code and exc.message
            assert _state(db) == before
            return exc.code
        finally:
            prepared.close()
    return "ok"


def _file(tmp_path: Path, suffix: str, data: bytes) -> Path:
    path = tmp_path / f"f{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def valid_xlsx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return xlsx(tmp_path_factory.mktemp("x") / "a.xlsx", _rows(3)).read_bytes()


@pytest.fixture(scope="module")
def valid_xls(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return xls(tmp_path_factory.mktemp("o") / "a.xls", _rows(3)).read_bytes()


@pytest.fixture(scope="module")
def valid_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return csv_file(tmp_path_factory.mktemp("c") / "a.csv", _rows(3)).read_bytes()


@FUZZ
@given(
    data=st.binary(min_size=0, max_size=4096),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv", ".txt"]),
    magic=st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
)
def test_random_bytes(
    ctx: AppContext, db_path: Path, tmp_path: Path, data: bytes, suffix: str, magic: bytes
) -> None:
    _import(ctx, db_path, _file(tmp_path, suffix, magic + data))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=0, max_size=8)),
        min_size=1,
        max_size=6,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_damaged_xlsx(
    ctx: AppContext,
    db_path: Path,
    tmp_path: Path,
    valid_xlsx: bytes,
    edits: list[tuple[int, bytes]],
    cut: int | None,
) -> None:
    data = bytearray(valid_xlsx)
    for at, new in edits:
        at %= len(data)
        data[at : at + len(new)] = new
    if cut is not None:
        del data[cut % len(data) :]
    _import(ctx, db_path, _file(tmp_path, ".xlsx", bytes(data)))


@FUZZ
@given(
    edits=st.lists(
        # The header, FAT and directory sectors, and the records (the rest is padding).
        st.tuples(st.integers(min_value=0, max_value=2200), st.binary(min_size=1, max_size=4)),
        min_size=1,
        max_size=8,
    )
)
def test_damaged_xls(
    ctx: AppContext,
    db_path: Path,
    tmp_path: Path,
    valid_xls: bytes,
    edits: list[tuple[int, bytes]],
) -> None:
    """Damage anywhere: the container's header and tables, the record stream, the cells."""
    data = bytearray(valid_xls)
    for at, new in edits:
        at %= len(data)
        data[at : at + len(new)] = new
    _import(ctx, db_path, _file(tmp_path, ".xls", bytes(data)))


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(min_size=0, max_size=6)),
        min_size=1,
        max_size=6,
    )
)
def test_damaged_sheet_inside_a_sound_zip(
    ctx: AppContext, db_path: Path, tmp_path: Path, edits: list[tuple[int, bytes]]
) -> None:
    """The zip is whole, the XML inside is not: the reader itself meets the damage."""
    xml = bytearray(sheet_xml(_rows(3)).encode())
    for at, new in edits:
        at %= len(xml)
        xml[at : at + len(new)] = new
    path = raw_xlsx(tmp_path / f"s{next(_names)}.xlsx", bytes(xml))
    _import(ctx, db_path, path)


_CELL = st.tuples(
    st.integers(min_value=0, max_value=16383),
    st.integers(min_value=1, max_value=1048576),
    st.sampled_from(['<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
                     '<c r="{ref}"><v>7</v></c>', '<c r="{ref}" s="1"/>',
                     '<x:c r="{ref}"><x:v>1</x:v></x:c>',
                     '<c t="inlineStr"><is><t>y</t></is></c>']),
)  # fmt: skip


@FUZZ
@given(cells=st.lists(_CELL, min_size=1, max_size=4))
def test_cells_anywhere(
    ctx: AppContext, db_path: Path, tmp_path: Path, cells: list[tuple[int, int, str]]
) -> None:
    """Cells at random places, in every spelling calamine reads: refused or imported, and the
    reader's grid stays within the address-space limit either way."""
    extra = "".join(
        f'<row r="{row}">{template.format(ref=_letters(col) + str(row))}</row>'
        for col, row, template in sorted(cells, key=lambda c: c[1])
    )
    xml = sheet_xml(_rows(2), extra_cells=extra).replace(
        "<worksheet ",
        '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
    )
    result = _import(ctx, db_path, raw_xlsx(tmp_path / f"c{next(_names)}.xlsx", xml))
    assert result == "ok" or result.startswith(("spreadsheet.", "import.")), result


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=40
)


@FUZZ
@given(
    lines=st.lists(
        st.lists(st.one_of(_TEXT, st.sampled_from(['"', '""', ";", "\r", "\n", "\x00",
                                                   "x" * 140_000])), min_size=1, max_size=6),
        min_size=0,
        max_size=5,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
    at=st.integers(min_value=0, max_value=4),
)  # fmt: skip
def test_damaged_csv(
    ctx: AppContext,
    db_path: Path,
    tmp_path: Path,
    valid_csv: bytes,
    lines: list[list[str]],
    encoding: str,
    at: int,
) -> None:
    text = valid_csv.decode("utf-8").splitlines(keepends=True)
    extra = [";".join(cells) + "\n" for cells in lines]
    text[at:at] = extra
    data = "".join(text).encode(encoding, errors="replace")
    _import(ctx, db_path, _file(tmp_path, ".csv", data))


def test_a_refused_zip_inside_a_zip_is_still_refused(
    ctx: AppContext, db_path: Path, tmp_path: Path
) -> None:
    """A workbook smuggled inside another zip is not a workbook."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.xlsx", b"PK" * 100)
    assert _import(ctx, db_path, _file(tmp_path, ".xlsx", inner.getvalue())) == (
        "spreadsheet.not_spreadsheet"
    )
