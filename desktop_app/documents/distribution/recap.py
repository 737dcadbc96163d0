"""Rekapitulasi penyaluran: one row per kelurahan and point, a grand total, signatures."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from desktop_app.documents.common import (
    Letterhead,
    atomic_output,
    format_number_id,
    grid_table_style,
    letterhead_doc,
    markup,
    numbered_canvas,
    para,
    signature_block,
    styles,
)
from desktop_app.documents.distribution.data import RecapDoc, Totals
from desktop_app.documents.distribution.shared import LIGHT, period_text, quantity_text
from desktop_app.domain.office import OfficeProfile

__all__ = ["recap_pdf"]


def _pct(t: Totals) -> str:
    if not t.entitled:
        return "-"
    return format_number_id(round(100 * t.received / t.entitled, 1), decimals=1)


def recap_pdf(path: Path, office: OfficeProfile, doc: RecapDoc) -> int:
    """Rekapitulasi penyaluran: one row per kelurahan and point, a grand total, signatures."""
    st = styles()
    round_ = doc.round
    head = [
        "No",
        "Kelurahan",
        "Titik Salur",
        "Terdaftar",
        "Diterima*",
        "Diwakil-\nkan",
        "Tidak\nHadir",
        "Ditolak",
        "Belum",
        "Realisasi\n(%)",
    ]
    cell = ParagraphStyle("BRecapCell", parent=st["cell"], fontSize=8, leading=9.5)
    data: list[list] = [head]
    spans: list[tuple[int, int]] = []
    previous = None
    n = 0
    for i, row in enumerate(doc.rows, 1):
        t = row.totals
        same = row.kelurahan == previous
        if not same:
            n += 1
            spans.append((i, i))
        else:
            spans[-1] = (spans[-1][0], i)
        previous = row.kelurahan
        data.append(
            [
                "" if same else str(n),
                "" if same else para(row.kelurahan, cell),
                para(row.point, cell),
                *(
                    format_number_id(v)
                    for v in (t.entitled, t.received, t.by_proxy, t.absent, t.refused, t.pending)
                ),
                _pct(t),
            ]
        )
    g = doc.grand_total
    data.append(
        [
            "",
            "JUMLAH",
            "",
            *(
                format_number_id(v)
                for v in (g.entitled, g.received, g.by_proxy, g.absent, g.refused, g.pending)
            ),
            _pct(g),
        ]
    )
    table = Table(
        data,
        colWidths=[w * mm for w in (8, 30, 42, 15.5, 15.5, 14, 13, 13, 12, 14)],
        repeatRows=1,
    )
    style = grid_table_style()
    style.add("FONTSIZE", (0, 0), (-1, -1), 8)
    style.add("LEADING", (0, 0), (-1, -1), 9.5)
    style.add("ALIGN", (0, 1), (0, -1), "CENTER")
    style.add("ALIGN", (3, 1), (-1, -1), "RIGHT")
    style.add("VALIGN", (0, 1), (1, -1), "TOP")
    style.add("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")
    style.add("BACKGROUND", (0, -1), (-1, -1), LIGHT)
    style.add("SPAN", (1, -1), (2, -1))
    for first, last in spans:
        if last > first:
            style.add("SPAN", (0, first), (0, last))
            style.add("SPAN", (1, first), (1, last))
    table.setStyle(style)
    story: list = [
        para("REKAPITULASI PENYALURAN BANTUAN SOSIAL", st["title"]),
        para(
            markup(
                "{program}<br/>{round} · {item} {quantity} per KPM · Periode {period}",
                program=round_.program_name,
                round=round_.name,
                item=round_.item,
                quantity=quantity_text(round_),
                period=period_text(round_),
            ),
            st["subtitle"],
        ),
        table,
        Spacer(1, 1.5 * mm),
        para(
            markup(
                "* Termasuk yang diwakilkan. Jumlah bantuan tersalur: <b>{total} {unit}</b> "
                "{item} kepada {kpm} KPM.",
                total=format_number_id(g.received * round_.quantity),
                unit=round_.unit,
                item=round_.item.lower(),
                kpm=format_number_id(g.received),
            ),
            st["small"],
        ),
        Spacer(1, 8 * mm),
        KeepTogether([signature_block(office, doc.printed_on, width=175 * mm)]),
    ]
    with atomic_output(path) as tmp:
        pdf = letterhead_doc(
            tmp, Letterhead.from_office(office), title=f"Rekapitulasi {round_.name}"
        )
        pdf.build(
            story,
            canvasmaker=numbered_canvas(footer_left=f"Rekapitulasi {round_.name}"),
        )
        pages = pdf.page
    return pages
