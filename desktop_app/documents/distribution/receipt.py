"""Tanda terima: one receipt per recipient, on A6, half an A4 sheet or a thermal roll."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop_app.documents.common import (
    DRAFT_NOTE,
    Letterhead,
    Progress,
    atomic_output,
    draw_letterhead,
    draw_qr,
    plain_text,
    report_progress,
    split_lines,
    text_width,
)
from desktop_app.documents.distribution.data import ReceiptDoc
from desktop_app.documents.distribution.shared import (
    GREY,
    INK,
    format_time_id,
    masked_kk,
    quantity_text,
    relation_label,
)
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile

__all__ = ["RECEIPT_LAYOUTS", "RECEIPT_TITLE", "THERMAL_LAYOUTS", "receipt_fields", "receipts_pdf"]

RECEIPT_LAYOUTS = ("a6", "half_a4", "thermal58", "thermal80")


def receipt_fields(r: ReceiptDoc) -> list[tuple[str, str]]:
    """The (label, value) rows every receipt layout prints, NIKs and No. KK masked."""
    fields: list[tuple[str, str]] = [
        ("Program", r.round.program_name),
        ("Tahap", r.round.name),
        ("Bantuan", f"{r.round.item} {quantity_text(r.round)}"),
    ]
    if r.point is not None:
        fields.append(("Titik salur", r.point.name))
    fields += [
        ("Penerima", r.recipient_name),
        ("NIK", mask_nik(r.recipient_nik)),
        ("No. KK", masked_kk(r.kk_number)),
        ("Alamat", ", ".join(p for p in (r.address, f"Kel. {r.kelurahan}") if p.strip())),
    ]
    if r.collector_name:
        fields += [
            ("Diambil oleh", r.collector_name),
            ("NIK pengambil", mask_nik(r.collector_nik or "") or "-"),
            ("Hubungan", relation_label(r.collector_relation)),
        ]
    fields += [
        ("Petugas", f"{r.officer} ({r.device_name})" if r.device_name else r.officer),
        ("Waktu", format_time_id(r.received_at)),
    ]
    return fields


def _signer(r: ReceiptDoc) -> tuple[str, str]:
    """Who signs the receipt: the collector when someone collected on the recipient's behalf."""
    if r.collector_name:
        return "Yang mengambil,", r.collector_name
    return "Yang menerima,", r.recipient_name


def _draw_fields(
    canvas: Canvas,
    fields: Sequence[tuple[str, str]],
    x: float,
    y: float,
    width: float,
    label_width: float,
    size: float,
    leading: float,
) -> float:
    """Label : value rows with the value wrapped under itself; returns the y below the last."""
    # Labels set the colon's place, but a long one ("NIK pengambil") pushes it right.
    label_width = max(label_width, max(text_width(f[0], "Helvetica", size) for f in fields) + 1)
    value_x = x + label_width + 2.2 * mm
    value_width = width - (value_x - x)
    for label, value in fields:
        canvas.setFont("Helvetica", size)
        canvas.drawString(x, y, label)
        canvas.drawString(x + label_width, y, ":")
        font = "Helvetica-Bold" if label in ("Penerima", "Diambil oleh") else "Helvetica"
        canvas.setFont(font, size)
        for line in split_lines(value, font, size, value_width) or [""]:
            canvas.drawString(value_x, y, line)
            y -= leading
    return y


def _draw_signature_lines(
    canvas: Canvas,
    caption: str,
    name: str,
    cx: float,
    top: float,
    gap: float,
    size: float,
    hint: str,
) -> None:
    """Caption, room to sign (or press a thumb), the name in brackets, an optional hint."""
    canvas.setFont("Helvetica", size)
    canvas.drawCentredString(cx, top, caption)
    name_y = top - gap
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(cx, name_y, f"( {name} )")
    if hint:
        canvas.setFont("Helvetica", size * 0.8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(cx, name_y - size * 1.15, hint)
        canvas.setFillColor(INK)


RECEIPT_TITLE = "TANDA TERIMA BANTUAN SOSIAL"
HALF_A4_HEIGHT = A4[1] / 2


@dataclass(frozen=True)
class _BoxLayout:
    """Measurements of the page-sized receipt layouts (A6 page, half of an A4 sheet)."""

    width: float
    height: float
    margin: float
    letterhead_scale: float
    title_size: float
    field_size: float
    field_leading: float
    label_width: float
    qr_size: float
    signature_height: float  # from the bottom margin to the signature captions


_A6 = _BoxLayout(
    width=105 * mm,
    height=148 * mm,
    margin=6 * mm,
    letterhead_scale=0.5,
    title_size=10,
    field_size=7.6,
    field_leading=9.4,
    label_width=18 * mm,
    qr_size=23 * mm,
    signature_height=24 * mm,
)
_HALF_A4 = _BoxLayout(
    width=A4[0],
    height=HALF_A4_HEIGHT,
    margin=10 * mm,
    letterhead_scale=0.72,
    title_size=12.5,
    field_size=9.5,
    field_leading=12,
    label_width=27 * mm,
    qr_size=36 * mm,
    signature_height=27 * mm,
)


def _draw_boxed_receipt(canvas: Canvas, r: ReceiptDoc, lay: _BoxLayout, rule_y: float) -> None:
    """One receipt inside (0, 0, lay.width, lay.height); the kop is already drawn above rule_y."""
    left, right = lay.margin, lay.width - lay.margin
    width = right - left
    cx = lay.width / 2
    y = rule_y - lay.title_size * 1.5
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", lay.title_size)
    canvas.drawCentredString(cx, y, RECEIPT_TITLE)
    y -= lay.title_size * 1.2
    canvas.setFont("Helvetica", lay.title_size * 0.8)
    canvas.drawCentredString(cx, y, f"Nomor: {r.receipt_number}")
    y -= lay.field_leading * 1.6
    # Fields on the left, the QR code and its verification code to their right.
    qr_x = right - lay.qr_size
    qr_y = y + lay.field_size - lay.qr_size
    field_width = width - lay.qr_size - 3 * mm
    _draw_fields(
        canvas,
        receipt_fields(r),
        left,
        y,
        field_width,
        lay.label_width,
        lay.field_size,
        lay.field_leading,
    )
    draw_qr(canvas, r.qr_payload, qr_x, qr_y, lay.qr_size)
    code_size = lay.field_size * 0.85
    canvas.setFont("Helvetica", code_size)
    canvas.drawCentredString(qr_x + lay.qr_size / 2, qr_y - code_size * 0.8, "Kode verifikasi:")
    canvas.setFont("Helvetica-Bold", code_size * 1.15)
    canvas.drawCentredString(qr_x + lay.qr_size / 2, qr_y - code_size * 2.1, r.verification_code)
    # Signatures along the bottom: the officer, and whoever took the goods.
    caption, signer = _signer(r)
    sig_top = lay.margin + lay.signature_height
    gap = lay.signature_height - lay.field_size * 2.6
    _draw_signature_lines(
        canvas, "Petugas,", r.officer, left + width * 0.25, sig_top, gap, lay.field_size, ""
    )
    _draw_signature_lines(
        canvas,
        caption,
        signer,
        left + width * 0.75,
        sig_top,
        gap,
        lay.field_size,
        "tanda tangan / cap jempol",
    )


def _letterhead_form(canvas: Canvas, name: str, lh: Letterhead, lay: _BoxLayout) -> float:
    """Draw the kop once as a form XObject that every page reuses; return its rule's y."""
    canvas.beginForm(name)
    rule_y = draw_letterhead(
        canvas,
        lh,
        lay.margin,
        lay.width - lay.margin,
        lay.height - lay.margin,
        scale=lay.letterhead_scale,
    )
    canvas.endForm()
    return rule_y


def _page_receipts(
    canvas: Canvas,
    office: OfficeProfile,
    receipts: Sequence[ReceiptDoc],
    layout: str,
    progress: Progress | None,
) -> int:
    lh = Letterhead.from_office(office)
    lay = _A6 if layout == "a6" else _HALF_A4
    per_page = 1 if layout == "a6" else 2
    canvas.setPageSize((lay.width, lay.height) if layout == "a6" else A4)
    rule_y = _letterhead_form(canvas, "kop", lh, lay)
    total = len(receipts)
    pages = 0
    for start in range(0, total, per_page):
        for slot, r in enumerate(receipts[start : start + per_page]):
            canvas.saveState()
            if layout == "half_a4" and slot == 0:
                canvas.translate(0, HALF_A4_HEIGHT)
            canvas.doForm("kop")
            _draw_boxed_receipt(canvas, r, lay, rule_y)
            canvas.restoreState()
        if layout == "half_a4":
            _draw_cut_line(canvas)
        canvas.showPage()
        pages += 1
        done = min(start + per_page, total)
        if pages % 50 == 0 or done == total:
            report_progress(progress, done, total)
    return pages


def _draw_cut_line(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 2)
    canvas.line(4 * mm, HALF_A4_HEIGHT, A4[0] - 4 * mm, HALF_A4_HEIGHT)
    canvas.setFont("Helvetica", 6)
    canvas.setFillColor(GREY)
    label = " potong di sini "
    label_w = text_width(label, "Helvetica", 6)
    canvas.setFillColor(colors.white)
    canvas.rect(A4[0] / 2 - label_w / 2, HALF_A4_HEIGHT - 2, label_w, 5, stroke=0, fill=1)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(A4[0] / 2, HALF_A4_HEIGHT - 2, label)
    canvas.restoreState()


@dataclass(frozen=True)
class _Thermal:
    paper: float  # roll width
    margin: float
    size: float  # body font size
    qr_size: float


THERMAL_LAYOUTS: dict[str, _Thermal] = {
    # A 58 mm roll prints about 48 mm wide, an 80 mm roll about 72 mm.
    "thermal58": _Thermal(58 * mm, 5 * mm, 7.0, 30 * mm),
    "thermal80": _Thermal(80 * mm, 4 * mm, 8.8, 38 * mm),
}


class _Strip:
    """A receipt laid out top-down on a roll: each step knows its height and how to draw itself,
    so the page can be made exactly as long as the content before anything is drawn."""

    def __init__(self, spec: _Thermal) -> None:
        self.spec = spec
        self.left = spec.margin
        self.width = spec.paper - 2 * spec.margin
        self.steps: list[tuple[float, Callable[[Canvas, float], None]]] = []

    @property
    def height(self) -> float:
        return sum(h for h, _ in self.steps)

    def space(self, h: float) -> None:
        self.steps.append((h, lambda c, y: None))

    def centred(self, text: str, font: str = "Helvetica", size: float | None = None) -> None:
        size = size or self.spec.size
        for line in split_lines(text, font, size, self.width) or [""]:

            def draw(c: Canvas, y: float, line: str = line) -> None:
                c.setFont(font, size)
                c.drawCentredString(self.left + self.width / 2, y - size, line)

            self.steps.append((size * 1.25, draw))

    def rule(self, dashed: bool = False, double: bool = False) -> None:
        def draw(c: Canvas, y: float) -> None:
            c.saveState()
            c.setLineWidth(0.5)
            if dashed:
                c.setDash(1.5, 1.5)
            c.line(self.left, y - 2, self.left + self.width, y - 2)
            if double:
                c.line(self.left, y - 3.6, self.left + self.width, y - 3.6)
            c.restoreState()

        self.steps.append((6.0, draw))

    def field(self, label: str, value: str, label_width: float, bold: bool = False) -> None:
        size = self.spec.size
        font = "Helvetica-Bold" if bold else "Helvetica"
        value_x = self.left + label_width + 1.8 * mm
        lines = split_lines(value, font, size, self.left + self.width - value_x) or [""]
        for i, line in enumerate(lines):

            def draw(c: Canvas, y: float, line: str = line, first: bool = i == 0) -> None:
                if first:
                    c.setFont("Helvetica", size)
                    c.drawString(self.left, y - size, label)
                    c.drawString(self.left + label_width, y - size, ":")
                c.setFont(font, size)
                c.drawString(value_x, y - size, line)

            self.steps.append((size * 1.22, draw))

    def qr(self, payload: str) -> None:
        size = self.spec.qr_size

        def draw(c: Canvas, y: float) -> None:
            draw_qr(c, payload, self.left + (self.width - size) / 2, y - size, size)

        self.steps.append((size, draw))

    def render(self, canvas: Canvas) -> None:
        page_height = self.height + 2 * self.spec.margin
        canvas.setPageSize((self.spec.paper, page_height))
        y = page_height - self.spec.margin
        for h, draw in self.steps:
            draw(canvas, y)
            y -= h


def _thermal_receipt(spec: _Thermal, lh: Letterhead, r: ReceiptDoc) -> _Strip:
    strip = _Strip(spec)
    s = spec.size
    # A compact text kop: a thermal head cannot print the emblem legibly.
    strip.centred(lh.government_line, "Helvetica-Bold", s)
    strip.centred(lh.department_line, "Helvetica-Bold", s * 1.3)
    strip.centred(lh.address, "Helvetica", s * 0.82)
    if lh.contact:
        strip.centred(lh.contact, "Helvetica", s * 0.82)
    if lh.draft:  # a thermal strip has no room for a watermark: say it in words
        strip.centred(DRAFT_NOTE, "Helvetica-Bold", s * 0.82)
    strip.rule(double=True)
    strip.space(s * 0.4)
    strip.centred(RECEIPT_TITLE, "Helvetica-Bold", s * 1.05)
    strip.centred(r.receipt_number, "Helvetica-Bold", s * 1.2)
    strip.rule(dashed=True)
    fields = receipt_fields(r)
    label_width = max(text_width(label, "Helvetica", s) for label, _ in fields) + 1
    for label, value in fields:
        strip.field(label, value, label_width, bold=label in ("Penerima", "Diambil oleh"))
    strip.rule(dashed=True)
    strip.space(s * 0.3)
    strip.qr(r.qr_payload)
    strip.centred(f"Kode verifikasi: {r.verification_code}", "Helvetica-Bold", s)
    strip.rule(dashed=True)
    caption, signer = _signer(r)
    strip.centred(caption, "Helvetica", s)
    strip.space(15 * mm)
    strip.centred(f"( {signer} )", "Helvetica-Bold", s)
    strip.centred("tanda tangan / cap jempol", "Helvetica", s * 0.8)
    strip.space(s * 0.5)
    strip.centred("Simpan tanda terima ini sebagai bukti penerimaan.", "Helvetica", s * 0.8)
    return strip


def receipts_pdf(
    path: Path,
    office: OfficeProfile,
    receipts: Sequence[ReceiptDoc],
    *,
    layout: str = "a6",
    progress: Progress | None = None,
) -> int:
    """Tanda terima, one per recipient.

    Layouts: "a6" (one receipt per A6 page), "half_a4" (two per A4 sheet with a cut line, for
    the office printer), "thermal58"/"thermal80" (receipt-printer rolls; each page is exactly
    as long as its receipt). Returns the number of pages.
    """
    if layout not in RECEIPT_LAYOUTS:
        raise ValueError(f"unknown receipt layout {layout!r}; use one of {RECEIPT_LAYOUTS}")
    if not receipts:
        raise ValueError("no receipts to print")
    with atomic_output(path) as tmp:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1)
        canvas.setTitle(plain_text(f"Tanda terima {receipts[0].round.name}"))
        canvas.setAuthor(plain_text(office.office_name))
        canvas.setCreator("Berdaya")
        if layout in THERMAL_LAYOUTS:
            spec = THERMAL_LAYOUTS[layout]
            lh = Letterhead.from_office(office)
            total = len(receipts)
            for i, r in enumerate(receipts, 1):
                _thermal_receipt(spec, lh, r).render(canvas)
                canvas.showPage()
                if i % 50 == 0 or i == total:
                    report_progress(progress, i, total)
            pages = total
        else:
            pages = _page_receipts(canvas, office, receipts, layout, progress)
        canvas.save()
    return pages
