"""Distribution documents: tanda terima, daftar penerimaan, BAST, kartu KPM and the recap.

The dataclasses here are the contract with desktop_app.services.distribution (see
notes/distribution_docs_api.md): the service builds them, the documents only print them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from desktop_app.documents.common import (
    Letterhead,
    Progress,
    atomic_output,
    draw_emblem_placeholder,
    draw_letterhead,
    fit_font_size,
    fit_text,
    format_number_id,
    grid_table_style,
    letterhead_doc,
    numbered_canvas,
    report_progress,
    signature_block,
    styles,
    terbilang,
)
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import (
    INDONESIAN_DAYS,
    INDONESIAN_MONTHS,
    OfficeProfile,
    format_date_id,
    format_date_long_id,
)

__all__ = [
    "BastDoc",
    "CardDoc",
    "ListRow",
    "PointInfo",
    "Progress",
    "ReceiptDoc",
    "RecapDoc",
    "RecapRow",
    "ReceptionList",
    "RoundInfo",
    "Totals",
    "RECEIPT_LAYOUTS",
    "bast_pdf",
    "cards_pdf",
    "recap_pdf",
    "receipts_pdf",
    "reception_list_pdf",
]


@dataclass(frozen=True)
class RoundInfo:
    id: str
    code: str
    name: str
    program_name: str
    item: str
    quantity: float
    unit: str
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class PointInfo:
    id: str
    name: str
    kind: str  # "kelurahan" | "toko" | "lainnya"
    address: str = ""


@dataclass(frozen=True)
class ReceiptDoc:
    receipt_number: str
    verification_code: str
    round: RoundInfo
    point: PointInfo | None
    recipient_name: str
    recipient_nik: str  # full; the document decides what to mask
    kk_number: str | None
    address: str
    kelurahan: str
    collector_name: str | None  # None when the recipient collected personally
    collector_nik: str | None
    collector_relation: str | None  # "same_kk" | "surat_kuasa" | "ahli_waris"
    officer: str
    received_at: datetime
    device_name: str
    qr_payload: str  # the QR code encodes exactly this


@dataclass(frozen=True)
class ListRow:
    no: int
    name: str
    nik: str  # full; masked on print (public list)
    kk_number: str | None
    address: str
    rt: str | None
    rw: str | None
    kelurahan: str
    status: str  # "" | "diterima" | "diwakilkan" | "tidak_hadir" | "ditolak"
    receipt_number: str | None
    collector_name: str | None


@dataclass(frozen=True)
class Totals:
    entitled: int
    received: int  # includes by proxy
    by_proxy: int
    absent: int
    refused: int

    @property
    def pending(self) -> int:
        return self.entitled - self.received - self.absent - self.refused


@dataclass(frozen=True)
class ReceptionList:
    round: RoundInfo
    point: PointInfo | None
    kelurahan: str | None
    rows: Sequence[ListRow]
    totals: Totals
    printed_on: date
    officer: str


@dataclass(frozen=True)
class BastDoc:
    number: str
    round: RoundInfo
    point: PointInfo | None
    on: date
    first_party_name: str
    first_party_title: str
    second_party_name: str
    second_party_title: str
    totals: Totals
    total_quantity: float
    notes: str = ""


@dataclass(frozen=True)
class CardDoc:
    card_code: str
    name: str
    nik: str  # full; masked on the card
    kk_number: str | None
    address: str
    kelurahan: str
    kecamatan: str
    program_name: str


@dataclass(frozen=True)
class RecapRow:
    kelurahan: str
    point: str
    totals: Totals


@dataclass(frozen=True)
class RecapDoc:
    round: RoundInfo
    rows: Sequence[RecapRow]
    grand_total: Totals
    printed_on: date


# ---------------------------------------------------------------------------------------------
# Shared helpers

RELATION_LABELS: dict[str, str] = {
    "same_kk": "anggota KK yang sama",
    "surat_kuasa": "surat kuasa",
    "ahli_waris": "ahli waris",
}
STATUS_LABELS: dict[str, str] = {
    "": "",
    "diterima": "Diterima",
    "diwakilkan": "Diwakilkan",
    "tidak_hadir": "Tidak hadir",
    "ditolak": "Ditolak",
}
RECEIPT_LAYOUTS = ("a6", "half_a4", "thermal58", "thermal80")

# Kota Blitar and every Javanese office keep Western Indonesia Time; received_at values from the
# service are timezone-aware (UTC), naive ones are taken as already local.
WIB = timezone(timedelta(hours=7), "WIB")

_INK = colors.black
_BLUE = colors.HexColor("#1f5fa8")
_GREY = colors.HexColor("#555555")
_LIGHT = colors.HexColor("#e6e6e6")


def format_time_id(moment: datetime) -> str:
    """ "Jumat, 20 November 2026 pukul 10.05 WIB" (Indonesian writes times with a dot)."""
    local = moment.astimezone(WIB) if moment.tzinfo else moment
    return f"{format_date_long_id(local.date())} pukul {local:%H.%M} WIB"


def relation_label(relation: str | None) -> str:
    return RELATION_LABELS.get(relation or "", relation or "")


def _quantity(round_: RoundInfo, count: float = 1) -> str:
    return f"{format_number_id(round_.quantity * count)} {round_.unit}".strip()


def _kk(number: str | None) -> str:
    # A No. KK identifies the whole family as much as a NIK identifies a person: masked alike.
    return mask_nik(number) if number else "-"


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules for `payload` (error correction M: survives a crease or a smudge)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    # Always byte mode: the payload is read back exactly as given, whatever its characters.
    code.addData(qrencoder.QR8bitByte(payload))
    code.make()
    return [[bool(m) for m in row] for row in code.modules]


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of `payload` in the square (x, y, size) with a two-module quiet zone.

    Runs of dark modules become one rectangle each in a single path: a fraction of the
    operators of drawing every module, which matters over thousands of receipts.
    """
    modules = qr_matrix(payload)
    count = len(modules)
    border = 2
    box = size / (count + 2 * border)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (r + border + 1) * box
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(x + (start + border) * box, top, (c - start) * box, box)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(_INK)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _receipt_fields(r: ReceiptDoc) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = [
        ("Program", r.round.program_name),
        ("Tahap", r.round.name),
        ("Bantuan", f"{r.round.item} {_quantity(r.round)}"),
    ]
    if r.point is not None:
        fields.append(("Titik salur", r.point.name))
    fields += [
        ("Penerima", r.recipient_name),
        ("NIK", mask_nik(r.recipient_nik)),
        ("No. KK", _kk(r.kk_number)),
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
    label_width = max(label_width, max(stringWidth(f[0], "Helvetica", size) for f in fields) + 1)
    value_x = x + label_width + 2.2 * mm
    value_width = width - (value_x - x)
    for label, value in fields:
        canvas.setFont("Helvetica", size)
        canvas.drawString(x, y, label)
        canvas.drawString(x + label_width, y, ":")
        font = "Helvetica-Bold" if label in ("Penerima", "Diambil oleh") else "Helvetica"
        canvas.setFont(font, size)
        for line in simpleSplit(value, font, size, value_width) or [""]:
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
        canvas.setFillColor(_GREY)
        canvas.drawCentredString(cx, name_y - size * 1.15, hint)
        canvas.setFillColor(_INK)


# ---------------------------------------------------------------------------------------------
# Tanda terima (receipts)

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
    canvas.setFillColor(_INK)
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
        _receipt_fields(r),
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
    canvas.setStrokeColor(_GREY)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 2)
    canvas.line(4 * mm, HALF_A4_HEIGHT, A4[0] - 4 * mm, HALF_A4_HEIGHT)
    canvas.setFont("Helvetica", 6)
    canvas.setFillColor(_GREY)
    label = " potong di sini "
    label_w = stringWidth(label, "Helvetica", 6)
    canvas.setFillColor(colors.white)
    canvas.rect(A4[0] / 2 - label_w / 2, HALF_A4_HEIGHT - 2, label_w, 5, stroke=0, fill=1)
    canvas.setFillColor(_GREY)
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
        for line in simpleSplit(text, font, size, self.width) or [""]:

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
        lines = simpleSplit(value, font, size, self.left + self.width - value_x) or [""]
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
    strip.rule(double=True)
    strip.space(s * 0.4)
    strip.centred(RECEIPT_TITLE, "Helvetica-Bold", s * 1.05)
    strip.centred(r.receipt_number, "Helvetica-Bold", s * 1.2)
    strip.rule(dashed=True)
    fields = _receipt_fields(r)
    label_width = max(stringWidth(label, "Helvetica", s) for label, _ in fields) + 1
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
        canvas.setTitle(f"Tanda terima {receipts[0].round.name}")
        canvas.setAuthor(office.office_name)
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


# ---------------------------------------------------------------------------------------------
# Daftar penerimaan (reception list)

LIST_ROW_HEIGHT = 9 * mm  # room for a signature or a thumbprint
LIST_HEADER_HEIGHT = 10 * mm
_LIST_FONT = "Helvetica"
_LIST_SIZE = 8
_LIST_LEADING = 9.2
_LIST_PAD = 3
# No, Nama, NIK, Alamat, RT/RW, signature (odd numbers), signature (even numbers), Ket.
_LIST_COLS = [w * mm for w in (9, 38, 24, 38, 13, 18, 18, 17)]
_LIST_HEADER = ["No", "Nama", "NIK", "Alamat", "RT/RW", "Tanda Tangan /\nCap Jempol", "", "Ket."]
_RT_RW_TAIL = re.compile(r"[,\s]*RT\.?\s*\d+\s*/\s*RW\.?\s*\d+\s*$", re.IGNORECASE)


def _list_styles() -> tuple[list[list[CellStyle]], TableStyle]:
    """Cell styles for a header row and a body row, plus the ruling.

    Cell properties (fonts, alignment, padding) are worked out once on a two-row table and
    then shared by every row of every chunk: applied per table, ReportLab would set them cell
    by cell on ~60,000 cells, which costs more than drawing them.
    """
    last = len(_LIST_COLS) - 1
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
    sample = Table([[""] * len(_LIST_COLS)] * 2, style=cells)
    ruling = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), _LIGHT),
            ("SPAN", (5, 0), (6, 0)),
            ("BOX", (0, 0), (-1, -1), 0.7, _INK),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, _INK),
            # No line between the two signature halves: one wide column whose numbers
            # alternate left and right, as on paper lists.
            ("LINEAFTER", (0, 0), (4, -1), 0.4, _INK),
            ("LINEAFTER", (6, 0), (last - 1, -1), 0.4, _INK),
        ]
    )
    return sample._cellStyles, ruling


def _two_lines(text: str, width: float) -> str:
    """A plain-string cell of at most two lines: wrapping by hand keeps Paragraph (slow over
    thousands of rows) out of the table."""
    if stringWidth(text, _LIST_FONT, _LIST_SIZE) <= width:
        return text
    words = text.split(" ")
    used = 0.0
    for i, word in enumerate(words):
        used += stringWidth(word if i == 0 else " " + word, _LIST_FONT, _LIST_SIZE)
        if used > width:
            if i == 0:  # one word wider than the column
                return fit_text(text, _LIST_FONT, _LIST_SIZE, width)
            rest = " ".join(words[i:])
            if stringWidth(rest, _LIST_FONT, _LIST_SIZE) > width:
                rest = fit_text(rest, _LIST_FONT, _LIST_SIZE, width)
            return " ".join(words[:i]) + "\n" + rest
    return text


def _list_cells(row: ListRow, with_kelurahan: bool) -> list[str]:
    inner = [w - 2 * _LIST_PAD for w in _LIST_COLS]
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


def _period(round_: RoundInfo) -> str:
    start, end = round_.start_date, round_.end_date
    if start and end and start != end:
        return f"{format_date_id(start)} s.d. {format_date_id(end)}"
    if start or end:
        return format_date_id(start or end)  # type: ignore[arg-type]
    return "-"


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
    data = [
        [Paragraph(escape(a), st["normal"]), Paragraph(escape(b), st["normal"])] for a, b in rows
    ]
    table = Table(data, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEABOVE", (0, -1), (-1, -1), 0.4, _INK),
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
        Paragraph("DAFTAR PENERIMAAN BANTUAN SOSIAL", st["title"]),
        Paragraph(f"{escape(round_.program_name)}<br/>{escape(round_.name)}", st["subtitle"]),
        Table(
            [
                ["Titik salur / wilayah", ":", place],
                ["Jenis bantuan", ":", f"{round_.item} {_quantity(round_)} per KPM"],
                ["Periode penyaluran", ":", _period(round_)],
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
            data = [_LIST_HEADER] + [_list_cells(r, with_kelurahan) for r in chunk]
            if not chunk:
                data.append(["", "(belum ada penerima)", "", "", "", "", "", ""])
            body = len(data) - 1
            table = Table(
                data,
                colWidths=_LIST_COLS,
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
                        left=["Petugas Penyalur,", escape(doc.officer), ""],
                        width=175 * mm,
                    ),
                ]
            )
        )
        pdf.build(story, canvasmaker=numbered_canvas(footer_left=footer))
        pages = pdf.page
    report_progress(progress, state["total"], state["total"])
    return pages


# ---------------------------------------------------------------------------------------------
# BAST (berita acara serah terima)


def date_in_words(d: date) -> str:
    """ "hari Jumat tanggal dua puluh bulan November tahun dua ribu dua puluh enam", as the
    opening of an Indonesian berita acara spells the date out."""
    return (
        f"hari {INDONESIAN_DAYS[d.weekday()]} tanggal {terbilang(d.day)} bulan "
        f"{INDONESIAN_MONTHS[d.month - 1]} tahun {terbilang(d.year)}"
    )


def bast_pdf(path: Path, office: OfficeProfile, doc: BastDoc) -> int:
    """Berita acara serah terima for a round and point, signed by both parties."""
    st = styles()
    body = ParagraphStyle(
        "BBody", parent=st["normal"], fontSize=10.5, leading=14, alignment=TA_JUSTIFY
    )
    cell = ParagraphStyle("BBastCell", parent=st["normal"], fontSize=9.5, leading=11.5)
    round_ = doc.round
    t = doc.totals
    where = f", bertempat di {escape(doc.point.name)}" if doc.point else ""
    place = doc.point.name if doc.point else "seluruh titik salur"

    def party(no: str, name: str, title: str, label: str) -> Table:
        data = [
            [no, "Nama", ":", Paragraph(f"<b>{escape(name)}</b>", body)],
            ["", "Jabatan", ":", Paragraph(escape(title), body)],
            ["", Paragraph(f"Selanjutnya disebut <b>{label}</b>.", body), "", ""],
        ]
        table = Table(data, colWidths=[8 * mm, 25 * mm, 4 * mm, 133 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 10.5, 15),
                    ("SPAN", (1, 2), (3, 2)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return table

    def num(value: float) -> str:
        return format_number_id(value)

    items = Table(
        [
            ["No", "Jenis Bantuan", "Per KPM", "Jumlah KPM\nMenerima", "Jumlah", "Keterangan"],
            [
                "1",
                Paragraph(escape(round_.item), cell),
                _quantity(round_),
                f"{num(t.received)} KPM",
                f"{num(doc.total_quantity)} {round_.unit}",
                Paragraph(
                    escape(
                        f"{num(t.received - t.by_proxy)} langsung, {num(t.by_proxy)} diwakilkan"
                    ),
                    cell,
                ),
            ],
            [
                "JUMLAH",
                "",
                "",
                f"{num(t.received)} KPM",
                f"{num(doc.total_quantity)} {round_.unit}",
                "",
            ],
        ],
        colWidths=[10 * mm, 58 * mm, 20 * mm, 25 * mm, 25 * mm, 32 * mm],
        hAlign="CENTER",
    )
    items_style = grid_table_style()
    items_style.add("FONTSIZE", (0, 0), (-1, -1), 9.5)
    items_style.add("LEADING", (0, 0), (-1, -1), 11.5)
    items_style.add("ALIGN", (0, 1), (0, -1), "CENTER")
    items_style.add("ALIGN", (2, 1), (4, -1), "RIGHT")
    items_style.add("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")
    items_style.add("SPAN", (0, -1), (2, -1))
    items_style.add("ALIGN", (0, -1), (0, -1), "CENTER")
    items.setStyle(items_style)

    realisation = Table(
        [
            [
                "Jumlah KPM terdaftar",
                ":",
                f"{num(t.entitled)} KPM",
                "Tidak hadir",
                ":",
                f"{num(t.absent)} KPM",
            ],
            [
                "Menerima (termasuk diwakilkan)",
                ":",
                f"{num(t.received)} KPM",
                "Ditolak",
                ":",
                f"{num(t.refused)} KPM",
            ],
            [
                "Diwakilkan",
                ":",
                f"{num(t.by_proxy)} KPM",
                "Belum menerima",
                ":",
                f"{num(t.pending)} KPM",
            ],
        ],
        colWidths=[56 * mm, 4 * mm, 20 * mm, 38 * mm, 4 * mm, 20 * mm],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 10, 12.5),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("ALIGN", (5, 0), (5, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, -1), 8 * mm),
                ("LEFTPADDING", (3, 0), (3, -1), 10 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
    )
    # The head of the office handing over in person needs no "Mengetahui" under the parties.
    first_is_head = (bool(office.head_name) and doc.first_party_name == office.head_name) or (
        doc.first_party_title.strip().lower() == office.head_title.strip().lower()
    )
    story: list = [
        Paragraph("<u>BERITA ACARA SERAH TERIMA</u>", st["title"]),
        Paragraph(f"Nomor: {escape(doc.number)}", st["subtitle"]),
        Spacer(1, 2 * mm),
        Paragraph(
            f"Pada {date_in_words(doc.on)} ({doc.on:%d-%m-%Y}){where}, kami yang bertanda "
            "tangan di bawah ini:",
            body,
        ),
        Spacer(1, 2 * mm),
        party("1.", doc.first_party_name, doc.first_party_title, "PIHAK PERTAMA"),
        Spacer(1, 1.5 * mm),
        party("2.", doc.second_party_name, doc.second_party_title, "PIHAK KEDUA"),
        Spacer(1, 2 * mm),
        Paragraph(
            "PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA, dan PIHAK KEDUA menerima dari PIHAK "
            f"PERTAMA, bantuan sosial <b>{escape(round_.program_name)}</b> "
            f"{escape(round_.name)} untuk Keluarga Penerima Manfaat (KPM) di "
            f"{escape(place)}, dengan rincian sebagai berikut:",
            body,
        ),
        Spacer(1, 3 * mm),
        items,
        Spacer(1, 3 * mm),
        Paragraph("Dengan realisasi penyaluran kepada KPM:", body),
        Spacer(1, 1 * mm),
        realisation,
    ]
    if doc.notes.strip():
        story += [
            Spacer(1, 2 * mm),
            Paragraph(f"Catatan: {escape(doc.notes)}", body),
        ]
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            "Daftar penerimaan yang ditandatangani KPM merupakan lampiran yang tidak terpisahkan "
            "dari berita acara ini. Demikian berita acara serah terima ini dibuat dengan "
            "sebenarnya dalam rangkap 2 (dua) untuk dipergunakan sebagaimana mestinya.",
            body,
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                signature_block(
                    office,
                    doc.on,
                    left=[
                        f"PIHAK KEDUA,<br/>{escape(doc.second_party_title)}",
                        escape(doc.second_party_name),
                        "",
                    ],
                    right_title=f"PIHAK PERTAMA,<br/>{escape(doc.first_party_title)}",
                    right_name=escape(doc.first_party_name),
                    right_nip=office.head_nip if first_is_head else "",
                    width=175 * mm,
                ),
            ]
        ),
    ]
    if not first_is_head:
        story.append(KeepTogether([Spacer(1, 3 * mm), _acknowledged_by(office)]))
    with atomic_output(path) as tmp:
        pdf = letterhead_doc(
            tmp,
            Letterhead.from_office(office),
            title=f"BAST {doc.number}",
            margins=(15 * mm, 15 * mm, 12 * mm, 13 * mm),
        )
        pdf.build(story, canvasmaker=numbered_canvas())
        pages = pdf.page
    return pages


def _acknowledged_by(office: OfficeProfile) -> Table:
    """ "Mengetahui," and the head of the office, centred under the two parties."""
    st = styles()
    name = escape(office.head_name) if office.head_name else "(.................................)"
    lines = [
        Paragraph("Mengetahui,", st["center"]),
        Paragraph(escape(office.head_title), st["center"]),
        Paragraph("<br/><br/><br/>", st["center"]),
        Paragraph(f"<u><b>{name}</b></u>", st["center"]),
        Paragraph(f"NIP. {escape(office.head_nip)}" if office.head_nip else "", st["center"]),
    ]
    table = Table([[line] for line in lines], colWidths=[90 * mm])
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


# ---------------------------------------------------------------------------------------------
# Kartu KPM

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
    canvas.setFillColor(_BLUE)
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
    canvas.setFillColor(_INK)
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
    canvas.setFillColor(_BLUE)
    canvas.setFont("Helvetica-Bold", 6.8)
    canvas.drawString(
        3 * mm,
        h - _CARD_BAND - 3.6 * mm,
        fit_text(card.program_name, "Helvetica-Bold", 6.8, w - 6 * mm),
    )
    canvas.setFillColor(_INK)
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
    canvas.drawString(value_x, y, _kk(card.kk_number))
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
    barcode = Code128(card.card_code, barHeight=8 * mm, barWidth=0.3 * mm, quiet=False)
    max_width = w - 16 * mm
    if barcode.width > max_width:
        barcode = Code128(
            card.card_code,
            barHeight=8 * mm,
            barWidth=0.3 * mm * max_width / barcode.width,
            quiet=False,
        )
    bx = (w - barcode.width) / 2
    barcode.drawOn(canvas, bx, 4.6 * mm)
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
        canvas.setTitle(f"Kartu KPM {cards[0].program_name}")
        canvas.setAuthor(office.office_name)
        canvas.setCreator("Berdaya")
        canvas.beginForm("card", 0, 0, CARD_WIDTH, CARD_HEIGHT)
        _draw_card_face(canvas, lh)
        canvas.endForm()
        for page in range(pages):
            batch = cards[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
            canvas.setFont("Helvetica", 7.5)
            canvas.setFillColor(_GREY)
            canvas.drawString(
                15 * mm,
                A4[1] - 12 * mm,
                f"Kartu KPM · {lh.department_line.title()} · potong mengikuti tanda potong",
            )
            canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Halaman {page + 1} dari {pages}")
            canvas.setFillColor(_INK)
            canvas.setStrokeColor(_INK)
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


# ---------------------------------------------------------------------------------------------
# Rekapitulasi (recap per kelurahan and point)


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
                "" if same else Paragraph(escape(row.kelurahan), cell),
                Paragraph(escape(row.point), cell),
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
    style.add("BACKGROUND", (0, -1), (-1, -1), _LIGHT)
    style.add("SPAN", (1, -1), (2, -1))
    for first, last in spans:
        if last > first:
            style.add("SPAN", (0, first), (0, last))
            style.add("SPAN", (1, first), (1, last))
    table.setStyle(style)
    story: list = [
        Paragraph("REKAPITULASI PENYALURAN BANTUAN SOSIAL", st["title"]),
        Paragraph(
            f"{escape(round_.program_name)}<br/>{escape(round_.name)} · {escape(round_.item)} "
            f"{escape(_quantity(round_))} per KPM · Periode {escape(_period(round_))}",
            st["subtitle"],
        ),
        table,
        Spacer(1, 1.5 * mm),
        Paragraph(
            "* Termasuk yang diwakilkan. Jumlah bantuan tersalur: "
            f"<b>{format_number_id(g.received * round_.quantity)} {escape(round_.unit)}</b> "
            f"{escape(round_.item.lower())} kepada {format_number_id(g.received)} KPM.",
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
