"""Daftar penerimaan: the numbered list recipients sign or thumbprint at the point."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from desktop_app.documents.common import (
    Letterhead,
    Progress,
    atomic_output,
    fit_text,
    format_number_id,
    letterhead_doc,
    markup,
    numbered_canvas,
    para,
    report_progress,
    signature_block,
    styles,
    text_width,
)
from desktop_app.documents.distribution.data import (
    ListRow,
    PointInfo,
    ReceptionList,
    RoundInfo,
    Totals,
)
from desktop_app.documents.distribution.shared import INK, LIGHT, period_text, quantity_text
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile

__all__ = [
    "LIST_COLUMN_WIDTHS",
    "LIST_HEADER_HEIGHT",
    "LIST_ROW_HEIGHT",
    "STATUS_LABELS",
    "list_cells",
    "reception_list_layout",
    "reception_list_pdf",
]

STATUS_LABELS: dict[str, str] = {
    "": "",
    "diterima": "Diterima",
    "diwakilkan": "Diwakilkan",
    "tidak_hadir": "Tidak hadir",
    "ditolak": "Ditolak",
}
LIST_ROW_HEIGHT = 9 * mm  # room for a signature or a thumbprint
LIST_HEADER_HEIGHT = 10 * mm
_LIST_FONT = "Helvetica"
_LIST_SIZE = 8
_LIST_LEADING = 9.2
_LIST_PAD = 3
# No, Nama, NIK, Alamat, RT/RW, signature (odd numbers), signature (even numbers), Ket.
LIST_COLUMN_WIDTHS = [w * mm for w in (9, 38, 24, 38, 13, 18, 18, 17)]
_LIST_HEADER = ["No", "Nama", "NIK", "Alamat", "RT/RW", "Tanda Tangan /\nCap Jempol", "", "Ket."]
_RT_RW_TAIL = re.compile(r"[,\s]*RT\.?\s*\d+\s*/\s*RW\.?\s*\d+\s*$", re.IGNORECASE)


def _list_styles() -> tuple[list[list[CellStyle]], TableStyle]:
    """Cell styles for a header row and a body row, plus the ruling.

    Cell properties (fonts, alignment, padding) are worked out once on a two-row table and
    then shared by every row of every chunk: applied per table, ReportLab would set them cell
    by cell on ~60,000 cells, which costs more than drawing them.
    """
    last = len(LIST_COLUMN_WIDTHS) - 1
    cells = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), _LIST_FONT, _LIST_SIZE, _LIST_LEADING),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", _LIST_SIZE, _LIST_LEADING),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("ALIGN", (0, 1), (0, -1), "RIGHT"),
            ("ALIGN", (4, 1), (4, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("VALIGN", (5, 1), (6, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), _LIST_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _LIST_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (5, 1), (6, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    sample = Table([[""] * len(LIST_COLUMN_WIDTHS)] * 2, style=cells)
    ruling = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("SPAN", (5, 0), (6, 0)),
            ("BOX", (0, 0), (-1, -1), 0.7, INK),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, INK),
            # No line between the two signature halves: one wide column whose numbers
            # alternate left and right, as on paper lists.
            ("LINEAFTER", (0, 0), (4, -1), 0.4, INK),
            ("LINEAFTER", (6, 0), (last - 1, -1), 0.4, INK),
        ]
    )
    return sample._cellStyles, ruling


def _two_lines(text: str, width: float) -> str:
    """A plain-string cell of at most two lines: wrapping by hand keeps Paragraph (slow over
    thousands of rows) out of the table."""
    if text_width(text, _LIST_FONT, _LIST_SIZE) <= width:
        return text
    words = text.split(" ")
    used = 0.0
    for i, word in enumerate(words):
        used += text_width(word if i == 0 else " " + word, _LIST_FONT, _LIST_SIZE)
        if used > width:
            if i == 0:  # one word wider than the column
                return fit_text(text, _LIST_FONT, _LIST_SIZE, width)
            rest = " ".join(words[i:])
            if text_width(rest, _LIST_FONT, _LIST_SIZE) > width:
                rest = fit_text(rest, _LIST_FONT, _LIST_SIZE, width)
            return " ".join(words[:i]) + "\n" + rest
    return text


def list_cells(row: ListRow, with_kelurahan: bool) -> list[str]:
    """One row's printed cells; the signature mark alternates columns with odd/even numbers."""
    inner = [w - 2 * _LIST_PAD for w in LIST_COLUMN_WIDTHS]
    address = _RT_RW_TAIL.sub("", row.address).strip() if (row.rt or row.rw) else row.address
    if with_kelurahan and row.kelurahan:
        address = f"{address}, Kel. {row.kelurahan}" if address else f"Kel. {row.kelurahan}"
    rt_rw = f"{row.rt or '-'}/{row.rw or '-'}" if (row.rt or row.rw) else ""
    mark = f"{row.no}."
    status = STATUS_LABELS.get(row.status)
    if status is None:  # a status this version does not know: print it, within the cell
        status = _two_lines(row.status, inner[7])
    return [
        str(row.no),
        _two_lines(row.name, inner[1]),
        mask_nik(row.nik),
        _two_lines(address, inner[3]),
        rt_rw,
        mark if row.no % 2 else "",
        "" if row.no % 2 else mark,
        status,
    ]


def _place(point: PointInfo | None, kelurahan: str | None) -> str:
    parts = []
    if point is not None:
        parts.append(point.name)
    if kelurahan and not (point and kelurahan.lower() in point.name.lower()):
        parts.append(f"Kel. {kelurahan}")
    return " · ".join(parts) or "Semua titik salur"


def _totals_table(t: Totals, round_: RoundInfo, width: float) -> Table:
    st = styles()
    rows = [
        ["Jumlah KPM terdaftar", f"{format_number_id(t.entitled)} KPM"],
        [
            "Sudah menerima",
            f"{format_number_id(t.received)} KPM (termasuk {format_number_id(t.by_proxy)} "
            "diwakilkan)",
        ],
        ["Tidak hadir", f"{format_number_id(t.absent)} KPM"],
        ["Ditolak", f"{format_number_id(t.refused)} KPM"],
        ["Belum menerima", f"{format_number_id(t.pending)} KPM"],
        [
            "Jumlah bantuan tersalur",
            f"{format_number_id(t.received * round_.quantity)} {round_.unit} {round_.item.lower()}",
        ],
    ]
    data = [[para(a, st["normal"]), para(b, st["normal"])] for a, b in rows]
    table = Table(data, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEABOVE", (0, -1), (-1, -1), 0.4, INK),
            ]
        )
    )
    return table


def _frame_space(doc: BaseDocTemplate, template: int) -> tuple[float, float]:
    frame = doc.pageTemplates[template].frames[0]
    width = frame._width - frame._leftPadding - frame._rightPadding
    height = frame._height - frame._topPadding - frame._bottomPadding
    return width, height


def _flowables_height(flowables: Sequence, width: float) -> float:
    total = 0.0
    for f in flowables:
        _w, h = f.wrap(width, 10_000)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def reception_list_layout(doc: BaseDocTemplate, heading: Sequence) -> tuple[int, int]:
    """How many list rows fit on the first page (under the kop and heading) and on later pages."""
    slack = 3  # points kept free so rounding never pushes a chunk over the edge
    width, first_h = _frame_space(doc, 0)
    _width, later_h = _frame_space(doc, 1)
    first_room = first_h - _flowables_height(heading, width) - LIST_HEADER_HEIGHT - slack
    later_room = later_h - LIST_HEADER_HEIGHT - slack
    return max(1, int(first_room // LIST_ROW_HEIGHT)), int(later_room // LIST_ROW_HEIGHT)


def reception_list_pdf(
    path: Path, office: OfficeProfile, doc: ReceptionList, *, progress: Progress | None = None
) -> int:
    """Daftar penerimaan: numbered rows with masked NIKs and a signature/thumbprint column.

    The table is cut into page-sized chunks here (rows have a fixed height, so the split is
    known in advance): one giant Table would be split by ReportLab in quadratic time.
    """
    st = styles()
    lh = Letterhead.from_office(office)
    place = _place(doc.point, doc.kelurahan)
    round_ = doc.round
    kelurahans = {r.kelurahan for r in doc.rows}
    with_kelurahan = doc.kelurahan is None and len(kelurahans) > 1
    heading = [
        para("DAFTAR PENERIMAAN BANTUAN SOSIAL", st["title"]),
        para(
            markup("{program}<br/>{round}", program=round_.program_name, round=round_.name),
            st["subtitle"],
        ),
        Table(
            [
                ["Titik salur / wilayah", ":", place],
                ["Jenis bantuan", ":", f"{round_.item} {quantity_text(round_)} per KPM"],
                ["Periode penyaluran", ":", period_text(round_)],
            ],
            colWidths=[35 * mm, 4 * mm, 130 * mm],
            hAlign="LEFT",
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 9, 11),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
        ),
        Spacer(1, 2 * mm),
    ]
    footer = f"Daftar penerimaan {round_.name} · {place}"
    with atomic_output(path) as tmp:
        state = {"total": 1}

        def on_page(canvas: Canvas, d: BaseDocTemplate) -> None:
            if d.page % 5 == 0:
                report_progress(progress, min(d.page, state["total"]), state["total"])

        pdf = letterhead_doc(
            tmp,
            lh,
            title=f"Daftar Penerimaan {round_.name} - {place}",
            margins=(15 * mm, 15 * mm, 12 * mm, 14 * mm),
            on_page=on_page,
        )
        first, later = reception_list_layout(pdf, heading)
        rows = list(doc.rows)
        chunks: list[Sequence[ListRow]] = [rows[:first]]
        chunks += [rows[i : i + later] for i in range(first, len(rows), later)]
        state["total"] = len(chunks)
        (header_cells, body_cells), ruling = _list_styles()
        story: list = list(heading)
        for n, chunk in enumerate(chunks):
            data = [_LIST_HEADER] + [list_cells(r, with_kelurahan) for r in chunk]
            if not chunk:
                data.append(["", "(belum ada penerima)", "", "", "", "", "", ""])
            body = len(data) - 1
            table = Table(
                data,
                colWidths=LIST_COLUMN_WIDTHS,
                rowHeights=[LIST_HEADER_HEIGHT] + [LIST_ROW_HEIGHT] * body,
                repeatRows=1,
                style=ruling,
                cellStyles=[header_cells] + [body_cells] * body,
            )
            story.append(table)
            if n < len(chunks) - 1:
                story.append(PageBreak())
        story.append(
            KeepTogether(
                [
                    Spacer(1, 4 * mm),
                    _totals_table(doc.totals, round_, 175 * mm),
                    Spacer(1, 5 * mm),
                    signature_block(
                        office,
                        doc.printed_on,
                        left=["Petugas Penyalur,", doc.officer, ""],
                        width=175 * mm,
                    ),
                ]
            )
        )
        pdf.build(story, canvasmaker=numbered_canvas(footer_left=footer))
        pages = pdf.page
    report_progress(progress, state["total"], state["total"])
    return pages
