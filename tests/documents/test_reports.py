"""Reports rendered from the tiny demo: their figures equal the registry's counts (recomputed
with SQL), the PDF carries letterhead, charts and signature, the xlsx the same tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.reporting import Period
from desktop_app.services.reporting.reports import build_report, write_report
from tests.helpers import demo_copy, tiny_demo_file

TODAY = date(2026, 11, 20)
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_demo_file(tmp_path_factory, "reports", TODAY)


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[tuple[AppContext, sqlite3.Connection]]:
    with demo_copy(demo_file, tmp_path, TODAY) as opened:
        yield opened


def table(doc, heading: str):  # noqa: ANN001, ANN201
    section = next(s for s in doc.sections if s.heading.startswith(heading))
    return section.tables[0]


def test_monthly_report_equals_the_registry(demo: tuple) -> None:
    ctx, raw = demo
    doc = build_report(ctx, "bulanan", NOVEMBER, program="RASTRADA")
    per_kel = table(doc, "B.")
    on = NOVEMBER.end.isoformat()
    expected = dict(
        raw.execute(
            "SELECT h.kelurahan_code, count(DISTINCT h.id) FROM enrolment e"
            " JOIN household h ON h.id = e.household_id AND h.deleted = 0"
            " WHERE e.program_code = 'RASTRADA' AND e.deleted = 0 AND e.start_date <= ?"
            " AND (e.end_date IS NULL OR e.end_date > ?) GROUP BY h.kelurahan_code",
            (on, on),
        ).fetchall()
    )
    names = {
        r[1]: r[0] for r in raw.execute("SELECT code, name FROM region WHERE level = 'kelurahan'")
    }
    got = {names[row[1]]: row[4] for row in per_kel.rows}
    assert got == expected
    assert per_kel.total[4] == sum(expected.values()) == 80  # every Rastrada KPM
    women = raw.execute(
        "SELECT count(*) FROM household h JOIN person p ON p.id = h.head_person_id"
        " WHERE h.deleted = 0 AND p.sex = 'P' AND h.id IN (SELECT household_id FROM enrolment"
        " WHERE program_code = 'RASTRADA' AND deleted = 0 AND end_date IS NULL)"
    ).fetchone()[0]
    assert per_kel.total[3] == women
    ages = table(doc, "C.")
    assert ages.total[3] == 80 and sum(r[3] for r in ages.rows) == 80


def test_disability_report_has_the_ragam(demo: tuple) -> None:
    ctx, raw = demo
    doc = build_report(ctx, "bulanan", NOVEMBER, program="DISABILITAS")
    ragam = table(doc, "D.")
    assert (
        sum(r[1] for r in ragam.rows)
        >= raw.execute(
            "SELECT count(*) FROM enrolment WHERE program_code = 'DISABILITAS' AND deleted = 0"
            " AND end_date IS NULL"
        ).fetchone()[0]
    )


def test_realisation_uses_the_recap_numbers(demo: tuple) -> None:
    ctx, raw = demo
    doc = build_report(ctx, "realisasi", NOVEMBER, round_ref="RST4")
    rows = table(doc, "B.")
    dist = DistributionService(ctx)
    rnd = next(r for r in dist.list_rounds() if r.code == "RST4")
    grand = dist.totals(rnd.id)
    assert rows.total[3:9] == [
        grand.entitled,
        grand.received,
        grand.by_proxy,
        grand.absent,
        grand.refused,
        grand.pending,
    ]
    assert (
        rows.total[3]
        == raw.execute(
            "SELECT count(*) FROM distribution_roster WHERE round_id = ? AND active = 1", (rnd.id,)
        ).fetchone()[0]
    )
    assert [r[3] for r in rows.rows] == [r.totals.entitled for r in dist.recap(rnd.id).rows]


def test_pdf_and_xlsx_carry_the_same_figures(demo: tuple, tmp_path: Path) -> None:
    ctx, _raw = demo
    for name, kw in (
        ("bulanan", {"program": "RASTRADA"}),
        ("realisasi", {"round_ref": "RST4"}),
        ("pelatihan", {}),
        ("kualitas", {}),
    ):
        doc = build_report(ctx, name, Period(date(2026, 1, 1), date(2026, 12, 31)), **kw)
        pdf = tmp_path / f"{name}.pdf"
        assert write_report(pdf, ctx, doc) >= 1
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert doc.title.upper()[:30] in text.replace("\n", " ")
        assert ctx.office.head_title in text  # the signature block
        first = doc.sections[-1].tables[0] if doc.sections[-1].tables else None
        xlsx = tmp_path / f"{name}.xlsx"
        assert write_report(xlsx, ctx, doc) == len(doc.sections)
        book = load_workbook(xlsx, read_only=True)
        cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
        if first is not None and first.total is not None:
            numbers = [v for v in first.total if isinstance(v, int)]
            assert all(n in cells for n in numbers)
        if name == "pelatihan":
            assert "Peserta dan kelulusan" in text  # the chart's title


def test_unknown_report_and_draft_round_are_refused(demo: tuple) -> None:
    ctx, _raw = demo
    with pytest.raises(ServiceError) as exc:
        build_report(ctx, "rahasia", NOVEMBER)
    assert exc.value.code == "reporting.report_unknown"
    with pytest.raises(ServiceError) as exc:
        build_report(ctx, "realisasi", NOVEMBER, round_ref="")
    assert exc.value.code == "reporting.round_not_found"
