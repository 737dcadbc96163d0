"""Kartu KPM: ID-1 cards with the recipient's card code as a Code128 barcode, eight per A4."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from desktop_app.documents.common import (
    Letterhead,
    Progress,
    atomic_output,
    draw_code128,
    draw_draft_mark,
    draw_emblem_placeholder,
    fit_font_size,
    fit_text,
    plain_text,
    report_progress,
)
from desktop_app.documents.distribution.data import CardDoc
from desktop_app.documents.distribution.shared import BLUE, GREY, INK, masked_kk
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile

__all__ = ["CARD_HEIGHT", "CARD_WIDTH", "CARDS_ACROSS", "CARDS_DOWN", "CARDS_PER_PAGE", "cards_pdf"]

CARD_WIDTH = 85.6 * mm  # ID-1, the size of a KTP
CARD_HEIGHT = 53.98 * mm
CARDS_ACROSS = 2
CARDS_DOWN = 4
CARDS_PER_PAGE = CARDS_ACROSS * CARDS_DOWN
_CARD_GAP_X = 8 * mm
_CARD_GAP_Y = 6 * mm
_CARD_BAND = 11 * mm


def _card_origins() -> list[tuple[float, float]]:
    grid_w = CARDS_ACROSS * CARD_WIDTH + (CARDS_ACROSS - 1) * _CARD_GAP_X
    grid_h = CARDS_DOWN * CARD_HEIGHT + (CARDS_DOWN - 1) * _CARD_GAP_Y
    x0 = (A4[0] - grid_w) / 2
    top = (A4[1] + grid_h) / 2
    return [
        (x0 + col * (CARD_WIDTH + _CARD_GAP_X), top - (row + 1) * CARD_HEIGHT - row * _CARD_GAP_Y)
        for row in range(CARDS_DOWN)
        for col in range(CARDS_ACROSS)
    ]


def _draw_card_face(canvas: Canvas, lh: Letterhead) -> None:
    """Everything a card shares (band, kop, labels), drawn once as a form."""
    w, h = CARD_WIDTH, CARD_HEIGHT
    canvas.setStrokeColor(colors.HexColor("#9a9a9a"))
    canvas.setLineWidth(0.3)
    canvas.roundRect(0, 0, w, h, 2.5 * mm, stroke=1, fill=0)
    canvas.setFillColor(BLUE)
    path = canvas.beginPath()
    r = 2.5 * mm
    path.moveTo(0, h - _CARD_BAND)
    path.lineTo(0, h - r)
    path.arcTo(0, h - 2 * r, 2 * r, h, startAng=180, extent=-90)
    path.lineTo(w - r, h)
    path.arcTo(w - 2 * r, h - 2 * r, w, h, startAng=90, extent=-90)
    path.lineTo(w, h - _CARD_BAND)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    draw_emblem_placeholder(canvas, 2.5 * mm, h - _CARD_BAND + 1.5 * mm, 8 * mm)
    canvas.setFillColor(colors.white)
    text_x = 12.5 * mm
    room = w - text_x - 22 * mm
    canvas.setFont("Helvetica-Bold", fit_font_size(lh.government_line, "Helvetica-Bold", 5.8, room))
    canvas.drawString(text_x, h - 4.6 * mm, lh.government_line)
    canvas.setFont("Helvetica-Bold", fit_font_size(lh.department_line, "Helvetica-Bold", 8, room))
    canvas.drawString(text_x, h - 8.4 * mm, lh.department_line)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawRightString(w - 3 * mm, h - 5 * mm, "KARTU KPM")
    canvas.setFont("Helvetica", 5.2)
    canvas.drawRightString(w - 3 * mm, h - 8.2 * mm, "Keluarga Penerima Manfaat")
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica", 6.3)
    y = h - _CARD_BAND - 7.6 * mm
    for label in ("Nama", "NIK", "No. KK", "Alamat"):
        canvas.drawString(3 * mm, y, label)
        canvas.drawString(14.5 * mm, y, ":")
        y -= 3.3 * mm


def _draw_cut_marks(canvas: Canvas, x: float, y: float) -> None:
    off, length = 1 * mm, 2.6 * mm
    for cx, sx in ((x, -1), (x + CARD_WIDTH, 1)):
        for cy, sy in ((y, -1), (y + CARD_HEIGHT, 1)):
            canvas.line(cx + sx * off, cy, cx + sx * (off + length), cy)
            canvas.line(cx, cy + sy * off, cx, cy + sy * (off + length))


def _draw_card(canvas: Canvas, card: CardDoc) -> None:
    w, h = CARD_WIDTH, CARD_HEIGHT
    canvas.doForm("card")
    canvas.setFillColor(BLUE)
    canvas.setFont("Helvetica-Bold", 6.8)
    canvas.drawString(
        3 * mm,
        h - _CARD_BAND - 3.6 * mm,
        fit_text(card.program_name, "Helvetica-Bold", 6.8, w - 6 * mm),
    )
    canvas.setFillColor(INK)
    value_x = 16 * mm
    room = w - value_x - 3 * mm
    y = h - _CARD_BAND - 7.6 * mm
    # A name on an identity card is set smaller rather than cut; only an extreme one is cut.
    name = card.name.upper()
    size = fit_font_size(name, "Helvetica-Bold", 7.6, room, minimum=5.8)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawString(value_x, y, fit_text(name, "Helvetica-Bold", size, room))
    canvas.setFont("Helvetica", 7)
    y -= 3.3 * mm
    canvas.drawString(value_x, y, mask_nik(card.nik))
    y -= 3.3 * mm
    canvas.drawString(value_x, y, masked_kk(card.kk_number))
    y -= 3.3 * mm
    region = ", ".join(
        p
        for p in (
            f"Kel. {card.kelurahan}" if card.kelurahan else "",
            f"Kec. {card.kecamatan}" if card.kecamatan else "",
        )
        if p
    )
    address = simpleSplit(card.address, "Helvetica", 6.6, room)
    if len(address) > 2:
        address = [address[0], " ".join(address[1:])]
    canvas.setFont("Helvetica", 6.6)
    for line in [*address, region]:
        canvas.drawString(value_x, y, fit_text(line, "Helvetica", 6.6, room))
        y -= 2.8 * mm
    draw_code128(
        canvas,
        card.card_code,
        w / 2,
        4.6 * mm,
        height=8 * mm,
        bar_width=0.3 * mm,
        max_width=w - 16 * mm,
    )
    canvas.setFont("Helvetica", 6.5)
    canvas.drawCentredString(w / 2, 1.8 * mm, card.card_code)


def cards_pdf(
    path: Path, office: OfficeProfile, cards: Sequence[CardDoc], *, progress: Progress | None = None
) -> int:
    """Kartu KPM, eight ID-1 cards per A4 sheet with cut marks; returns the number of pages."""
    if not cards:
        raise ValueError("no cards to print")
    lh = Letterhead.from_office(office)
    origins = _card_origins()
    total = len(cards)
    pages = math.ceil(total / CARDS_PER_PAGE)
    with atomic_output(path) as tmp:
        canvas = Canvas(str(tmp), pagesize=A4)
        canvas.setTitle(plain_text(f"Kartu KPM {cards[0].program_name}"))
        canvas.setAuthor(plain_text(office.office_name))
        canvas.setCreator("Berdaya")
        canvas.beginForm("card", 0, 0, CARD_WIDTH, CARD_HEIGHT)
        _draw_card_face(canvas, lh)
        canvas.endForm()
        for page in range(pages):
            batch = cards[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
            if lh.draft:
                draw_draft_mark(
                    canvas, 15 * mm, 15 * mm, A4[0] - 30 * mm, A4[1] - 30 * mm, note_y=6 * mm
                )
            canvas.setFont("Helvetica", 7.5)
            canvas.setFillColor(GREY)
            canvas.drawString(
                15 * mm,
                A4[1] - 12 * mm,
                f"Kartu KPM · {lh.department_line.title()} · potong mengikuti tanda potong",
            )
            canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Halaman {page + 1} dari {pages}")
            canvas.setFillColor(INK)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.35)
            for (x, y), card in zip(origins, batch, strict=False):
                _draw_cut_marks(canvas, x, y)
                canvas.saveState()
                canvas.translate(x, y)
                _draw_card(canvas, card)
                canvas.restoreState()
            canvas.showPage()
            if (page + 1) % 20 == 0 or page + 1 == pages:
                report_progress(progress, min((page + 1) * CARDS_PER_PAGE, total), total)
        canvas.save()
    return pages
