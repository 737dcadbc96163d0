"""What the casework documents share: an info table, a ruled table, a QR flowable and the
letterhead PDF they are all written into."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from desktop_app.documents.common import (
    Letterhead,
    atomic_output,
    draw_qr,
    grid_table_style,
    letterhead_doc,
    numbered_canvas,
    para,
    styles,
)
from desktop_app.domain.office import OfficeProfile

__all__ = ["QrFlowable", "info_table", "ruled_table", "write_letter_pdf"]


class QrFlowable(Flowable):
    """A QR code of `payload`, `size` wide, as a flowable (the receipt's verification code)."""

    def __init__(self, payload: str, size: float = 28 * mm) -> None:
        super().__init__()
        self.payload = payload
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        draw_qr(self.canv, self.payload, 0, 0, self.size)


def info_table(rows: Sequence[tuple[str, str]], width: float) -> Table:
    """Label : value rows (values wrap), the layout of the office's letters."""
    st = styles()
    normal = st["normal"]
    data = [[para(label, normal), ":", para(value or "-", normal)] for label, value in rows]
    table = Table(data, colWidths=[42 * mm, 4 * mm, width - 46 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def ruled_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    row_height: float | None = None,
) -> Table:
    """A gridded table with a repeated header; every cell is escaped text. `row_height` gives
    the body rows room to write or sign in by hand."""
    st = styles()
    cell = st["cell"]
    data = [[para(h, cell) for h in header]]
    data += [[para("" if v is None else str(v), cell) for v in row] for row in rows]
    heights = None if row_height is None else [None] + [row_height] * len(rows)
    table = Table(data, colWidths=list(widths), rowHeights=heights, repeatRows=1)
    table.setStyle(grid_table_style())
    return table


def write_letter_pdf(
    path: Path,
    office: OfficeProfile,
    story: list[Flowable],
    *,
    title: str,
    pagesize: tuple[float, float] = A4,
    margin: float | None = None,
    footer: str | None = None,
) -> None:
    """Write `story` atomically to `path` under the office's letterhead; `footer` numbers the
    pages with that text on the left (without it the pages are not numbered)."""
    letterhead = Letterhead.from_office(office)
    with atomic_output(path) as tmp:
        if margin is None:
            pdf = letterhead_doc(tmp, letterhead, title=title, pagesize=pagesize)
        else:
            margins = (margin, margin, margin, margin)
            pdf = letterhead_doc(tmp, letterhead, title=title, pagesize=pagesize, margins=margins)
        if footer is None:
            pdf.build(story)
        else:
            pdf.build(story, canvasmaker=numbered_canvas(footer_left=footer))
