"""Reports the head of office signs: sections of tables and bar charts under the letterhead.

The data is plain (`ReportDoc`, built by services.reporting.reports); the same tables go to the
xlsx. Charts are ReportLab's own graphics (reportlab.graphics.charts), so a report needs nothing
beyond ReportLab.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from desktop_app.documents.common import (
    Letterhead,
    atomic_output,
    fit_text,
    format_number_id,
    grid_table_style,
    letterhead_doc,
    numbered_canvas,
    para,
    signature_block,
    styles,
)
from desktop_app.domain.office import OfficeProfile

__all__ = ["ReportChart", "ReportDoc", "ReportSection", "ReportTable", "report_pdf"]

# Received, by proxy, absent, refused, not yet (the Beranda's colours); then spare ones.
PALETTE = ("#2e7d32", "#8bc34a", "#f9a825", "#c62828", "#b0bec5", "#1565c0", "#6a1b9a")
WIDTH = 180 * mm


@dataclass(frozen=True)
class ReportChart:
    """Horizontal stacked bars: one bar per category, one colour per series."""

    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[int]]]


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]  # numbers are formatted the Indonesian way
    total: Sequence[object] | None = None


@dataclass(frozen=True)
class ReportSection:
    heading: str
    text: str = ""
    tables: Sequence[ReportTable] = ()
    chart: ReportChart | None = None


@dataclass(frozen=True)
class ReportDoc:
    name: str  # bulanan / realisasi / pelatihan / kualitas
    title: str
    subtitle: str  # e.g. the program or round, and the period
    sections: Sequence[ReportSection]
    printed_on: date
    notes: Sequence[str] = field(default_factory=tuple)  # how the figures were counted


def cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return format_number_id(value, decimals=0)
    if isinstance(value, float):
        return format_number_id(value, decimals=1)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return "" if value is None else str(value)


def chart_drawing(chart: ReportChart, width: float = WIDTH) -> Drawing:
    rows = max(len(chart.categories), 1)
    bar_h = 13.0
    plot_h = rows * bar_h
    height = plot_h + 38
    d = Drawing(width, height)
    d.add(
        String(
            0,
            height - 10,
            fit_text(chart.title, "Helvetica-Bold", 9, width),
            fontName="Helvetica-Bold",
            fontSize=9,
        )
    )
    bc = HorizontalBarChart()
    bc.x, bc.y = 62 * mm, 18
    bc.width, bc.height = width - 62 * mm - 6 * mm, plot_h
    # ReportLab draws the first category at the bottom; reversed, the chart reads like the table.
    bc.data = [list(reversed([int(v) for v in values])) for _name, values in chart.series] or [[0]]
    bc.categoryAxis.categoryNames = list(
        reversed([fit_text(c, "Helvetica", 7, 60 * mm) for c in chart.categories])
    )
    bc.categoryAxis.style = "stacked"
    bc.categoryAxis.labels.fontName = "Helvetica"
    bc.categoryAxis.labels.fontSize = 7
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -3
    bc.valueAxis.valueMin = 0
    top = max((sum(col) for col in zip(*bc.data, strict=False)), default=0)
    bc.valueAxis.valueMax = max(top, 1) * 1.05
    bc.valueAxis.labels.fontName = "Helvetica"
    bc.valueAxis.labels.fontSize = 7
    bc.valueAxis.labelTextFormat = lambda v: format_number_id(int(v), decimals=0)
    bc.barSpacing = 1
    bc.groupSpacing = 3
    for i in range(len(chart.series)):
        bc.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        bc.bars[i].strokeColor = None
    d.add(bc)
    legend = Legend()
    legend.x, legend.y = 62 * mm, 6
    legend.fontName, legend.fontSize = "Helvetica", 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dxTextSpace = 3
    legend.deltax = 70
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), name)
        for i, (name, _values) in enumerate(chart.series)
    ]
    d.add(legend)
    return d


def _table(t: ReportTable) -> Table:
    st = styles()
    cell = st["cell"]
    head = ParagraphStyle("BReportHead", parent=st["bold"], fontSize=8, leading=9.5)
    header = [para(c, head) for c in t.columns]
    body = [
        [para(cell_text(v), cell) if isinstance(v, str) else cell_text(v) for v in row]
        for row in t.rows
    ]
    data: list[list[object]] = [header, *body]
    if t.total is not None:
        data.append([cell_text(v) for v in t.total])
    # Numbers get a narrow right-aligned column, "No" a narrower one; text shares the rest.
    sample = t.rows[0] if t.rows else [""] * len(t.columns)
    numeric = [isinstance(v, int | float) and not isinstance(v, bool) for v in sample]
    fixed = {i: 9 * mm for i, c in enumerate(t.columns) if c == "No"}
    fixed.update({i: 17 * mm for i, num in enumerate(numeric) if num and i not in fixed})
    text_cols = [i for i in range(len(t.columns)) if i not in fixed]
    share = (WIDTH - sum(fixed.values())) / max(len(text_cols), 1)
    widths = [fixed.get(i, share) for i in range(len(t.columns))]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = grid_table_style()
    for col, num in enumerate(numeric):
        if num:
            style.add("ALIGN", (col, 1), (col, -1), "RIGHT")
    if t.total is not None:
        style.add("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")
        style.add("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f2f2"))
    table.setStyle(style)
    return table


def report_pdf(path: Path, office: OfficeProfile, doc: ReportDoc) -> int:
    """The report under the letterhead, with the head of office's signature at the end."""
    st = styles()
    story: list = [para(doc.title.upper(), st["title"]), para(doc.subtitle, st["subtitle"])]
    for section in doc.sections:
        block: list = [Spacer(1, 3 * mm), para(section.heading, st["bold"])]
        if section.text:
            block += [Spacer(1, 1 * mm), para(section.text, st["normal"])]
        story.append(KeepTogether(block))
        if section.chart is not None and section.chart.categories:
            story += [Spacer(1, 2 * mm), chart_drawing(section.chart)]
        for table in section.tables:
            if table.title:
                story += [Spacer(1, 2 * mm), para(table.title, st["normal"])]
            story += [Spacer(1, 1 * mm), _table(table)]
    if doc.notes:
        story.append(Spacer(1, 3 * mm))
        story += [para(note, st["small"]) for note in doc.notes]
    story += [Spacer(1, 6 * mm), KeepTogether([signature_block(office, doc.printed_on)])]
    with atomic_output(path) as tmp:
        pdf = letterhead_doc(tmp, Letterhead.from_office(office), title=doc.title)
        pdf.build(story, canvasmaker=numbered_canvas(footer_left=f"Berdaya · {doc.title}"))
        pages = pdf.page
    return pages
