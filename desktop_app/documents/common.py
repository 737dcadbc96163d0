"""Pieces every printed document shares: the letterhead (kop surat), page numbers
"Halaman X dari Y", paragraph styles, the signature block, and the QR and Code128 codes a
scanner reads back (receipts, cards, certificates).

Documents take plain data (the office profile, dataclasses from services), never sessions.

Text and markup. A ReportLab Paragraph reads its text as markup: `<b>` in a name would turn the
rest bold or break the document, `<img src=...>` would make ReportLab read a local file, `<font
face=...>` load a font. So every Paragraph in documents/ is made by `para`, which escapes plain
text; the few headings that are bold or broken on purpose are `Markup`, built by `markup()` from a
template written in the code with every value escaped. tests/documents/test_escaping.py checks
that no other module calls Paragraph. Images come only from `checked_image`: a regular, small PNG
or JPEG file, never from markup.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from desktop_app.domain.office import OfficeProfile, format_date_id, profile_complete
from desktop_app.domain.office import format_number_id as format_number_id  # documents use it

LETTERHEAD_HEIGHT = 32 * mm

log = logging.getLogger(__name__)

# zxing-cpp's C++ QR encoder (see `qr_modules`); optional: ReportLab's encoder is the fallback.
try:
    import zxingcpp as _zxing

    _zxing_create: Callable[..., Any] | None = getattr(_zxing, "create_barcode", None)
except ImportError:  # pragma: no cover - a build without the wheel
    _zxing_create = None
# Which encoder draws the QR codes (for the self-test, the benchmarks and a bug report).
QR_ENCODER = "zxing-cpp" if _zxing_create is not None else "reportlab"


# -- the one path from text to a Paragraph ---------------------------------------------------
class Markup(str):
    """Paragraph markup written on purpose in this package (a bold heading, a line break).
    Make it with `markup()` so every value inside it is escaped; a plain str is always text."""

    __slots__ = ()


# C0 control characters other than tab, newline and carriage return (which a Paragraph reads as
# spaces) and DEL print as boxes or nothing; a lone surrogate (an undecodable byte of a
# command-line argument) cannot be written into the PDF at all.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def plain_text(value: object) -> str:
    """`value` as text any part of a PDF can carry (canvas strings, the title in the file's
    properties): unprintable characters replaced by spaces. None is ""."""
    text = "" if value is None else str(value)
    return _UNPRINTABLE.sub(" ", text)


# The most characters of one value a Paragraph prints. Names, places and titles are far
# shorter; a longer value (a whole spreadsheet cell pasted into a name) would make its table row
# taller than a page, which ReportLab cannot lay out at all. It is cut with an ellipsis instead.
MAX_VALUE_CHARS = 500


def escape_text(value: object, limit: int | None = MAX_VALUE_CHARS) -> str:
    """`value` as Paragraph text that prints literally: & < > escaped, control characters
    replaced by spaces, cut to `limit` characters with an ellipsis. None is ""."""
    text = plain_text(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return _xml_escape(text)


def markup(template: str, /, **values: object) -> Markup:
    """Markup from a template written in the code: `markup("<b>{name}</b>", name=head_name)`.
    Every value is escaped (a value that is already Markup is inserted as it is)."""
    safe = {k: v if isinstance(v, Markup) else escape_text(v) for k, v in values.items()}
    return Markup(template.format(**safe))


def para(text: object, style: ParagraphStyle, *, limit: int | None = MAX_VALUE_CHARS) -> Paragraph:
    """The only way documents make a Paragraph: `text` prints literally unless it is Markup.
    `limit=None` only for a paragraph that stands alone in the story (it may run over pages)."""
    return Paragraph(text if isinstance(text, Markup) else escape_text(text, limit), style)


LINE_BREAKS = Markup("<br/><br/><br/>")  # the room for a signature
BLANK_NAME = "(.................................)"  # a name to be written in by hand


# -- images --------------------------------------------------------------------------------
# An emblem is a few hundred KB at most; a bigger "image" is a mistake or an attack.
MAX_IMAGE_BYTES = 5 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def checked_image(path: Path | str | None) -> Path | None:
    """`path` if it is a regular PNG or JPEG file of at most MAX_IMAGE_BYTES, else None (the
    documents then draw the neutral placeholder emblem). Only a file the administrator picked
    or one of the app's resources is ever passed here; this check keeps a wrong pick (a
    directory, a device, a huge or non-image file) from reaching ReportLab."""
    if path is None or str(path) == "":
        return None
    try:
        p = Path(path)
        if not p.is_file() or p.stat().st_size > MAX_IMAGE_BYTES:
            return None
        with p.open("rb") as handle:
            head = handle.read(8)
    except (OSError, ValueError):
        return None
    return p if head.startswith(_IMAGE_MAGIC) else None


def draw_image_or_placeholder(
    canvas: Canvas, image: Path | None, x: float, y: float, size: float, inset: float = 0.0
) -> None:
    """The emblem image in the square (x, y, size), or the placeholder shield when there is
    none or it cannot be read (a damaged file must not stop a print job)."""
    checked = checked_image(image)
    if checked is not None:
        try:
            canvas.drawImage(str(checked), x, y, size, size, preserveAspectRatio=True, mask="auto")
            return
        except Exception as exc:  # noqa: BLE001 - any decoder error: print the placeholder
            log.warning("emblem %s not drawn: %s", checked, exc)
    draw_emblem_placeholder(canvas, x + inset, y, size - 2 * inset)


# A long print job reports (done, total) to a progress dialog after each page or document.
Progress = Callable[[int, int], None]


def report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


@dataclass(frozen=True)
class Letterhead:
    government_line: str
    department_line: str
    address: str
    contact: str
    emblem: Path | None = None
    # True while the office profile is incomplete (placeholder address, no head of office):
    # every page then carries a visible "DRAF" mark, so a printout with placeholders is never
    # mistaken for an official document.
    draft: bool = False

    @classmethod
    def from_office(cls, office: OfficeProfile, emblem: Path | None = None) -> Letterhead:
        contact = " · ".join(
            part
            for part in (
                f"Telp. {office.phone}" if office.phone else "",
                f"Email: {office.email}" if office.email else "",
            )
            if part
        )
        return cls(
            government_line=office.government_line.upper(),
            department_line=office.department_line.upper(),
            address=office.address,
            contact=contact,
            emblem=checked_image(emblem),
            draft=not profile_complete(office),
        )


DRAFT_MARK = "DRAF"
DRAFT_NOTE = "DRAF - profil kantor belum lengkap (Pengaturan)"
# Solid light grey, drawn before the content: no transparency, which a mark drawn inside a
# reused form (the receipts' kop) could not carry.
_DRAFT_GREY = colors.HexColor("#d6d6d6")


def draw_draft_mark(
    canvas: Canvas,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    note_y: float | None = None,
) -> None:
    """A light-grey diagonal "DRAF" across the box (x, y, width, height); call it before
    drawing the content so the content stays on top; with `note_y`, a one-line note at that
    height saying why."""
    canvas.saveState()
    diagonal = math.hypot(width, height)
    # As large as the box allows, the word taking at most 70 % of the diagonal.
    size = fit_font_size(DRAFT_MARK, "Helvetica-Bold", 160, diagonal * 0.7, minimum=8)
    size = min(size, min(width, height) * 0.9)
    canvas.setFillColor(_DRAFT_GREY)
    canvas.setFont("Helvetica-Bold", size)
    canvas.translate(x + width / 2, y + height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))
    canvas.drawCentredString(0, -size * 0.35, DRAFT_MARK)
    canvas.restoreState()
    if note_y is not None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#666666"))
        note_size = fit_font_size(DRAFT_NOTE, "Helvetica", 7, width * 0.95, minimum=3.5)
        canvas.setFont("Helvetica", note_size)
        canvas.drawCentredString(x + width / 2, note_y, DRAFT_NOTE)
        canvas.restoreState()


def _draw_draft_stamp(canvas: Canvas, right: float, top: float, scale: float) -> None:
    """A boxed "DRAF" in the kop's top right corner, tilted like a rubber stamp."""
    size = max(16 * scale, 9)
    width = stringWidth(DRAFT_MARK, "Helvetica-Bold", size) + size * 0.6
    height = size * 1.3
    canvas.saveState()
    canvas.translate(right - width / 2 - 1 * mm, top - height / 2 - 1 * mm)
    canvas.rotate(12)
    canvas.setStrokeColor(colors.HexColor("#8c8c8c"))
    canvas.setFillColor(colors.HexColor("#8c8c8c"))
    canvas.setLineWidth(max(1.4 * scale, 0.8))
    canvas.rect(-width / 2, -height / 2, width, height, stroke=1, fill=0)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(0, -size * 0.35, DRAFT_MARK)
    canvas.restoreState()


def _mark_page(canvas: Canvas) -> None:
    """Remember that this page already has the whole-page mark (its number)."""
    canvas._berdaya_draft_page = canvas.getPageNumber()


def _page_marked(canvas: Canvas) -> bool:
    return getattr(canvas, "_berdaya_draft_page", None) == canvas.getPageNumber()


def draw_emblem_placeholder(canvas: Canvas, x: float, y: float, size: float) -> None:
    """A neutral shield, used until the office configures its own emblem image."""
    canvas.saveState()
    canvas.setStrokeColor(colors.black)
    canvas.setFillColor(colors.HexColor("#1f5fa8"))
    path = canvas.beginPath()
    path.moveTo(x, y + size)
    path.lineTo(x + size, y + size)
    path.lineTo(x + size, y + size * 0.45)
    path.curveTo(x + size, y + size * 0.15, x + size * 0.6, y + size * 0.05, x + size / 2, y)
    path.curveTo(x + size * 0.4, y + size * 0.05, x, y + size * 0.15, x, y + size * 0.45)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillColor(colors.HexColor("#f2c200"))
    canvas.circle(x + size / 2, y + size * 0.58, size * 0.18, stroke=0, fill=1)
    canvas.restoreState()


def _qr_modules_zxing(payload: str) -> tuple[int, bytes] | None:
    """(size, modules) from zxing-cpp's C++ encoder, one byte a module, 0 = dark; None when it
    is not installed, too old, or gives anything but a plain QR symbol of error level M."""
    if _zxing_create is None or not payload.isascii():
        # Non-ASCII text: zxing-cpp would pick ISO-8859-1 where it can, so the bytes read back
        # would differ from the UTF-8 ReportLab writes. No real payload is non-ASCII.
        return None
    try:
        code = _zxing_create(payload, _zxing.BarcodeFormat.QRCode, ec_level="M")
        image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
        size = image.shape[0] if image.shape else 0
        if (
            code.ec_level != "M"
            or image.shape != (size, size)
            or not 21 <= size <= 177
            or (size - 17) % 4
        ):
            return None
        return size, image.tobytes()
    except Exception:  # noqa: BLE001 - any failure of the optional encoder falls back
        log.warning("zxing-cpp could not encode a QR code; using ReportLab's encoder")
        return None


def _qr_modules_reportlab(payload: str) -> tuple[int, bytes]:
    """(size, modules) from ReportLab's pure-Python encoder (~10 ms for a signed payload)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    # Always byte mode: the payload is read back exactly as given, whatever its characters.
    code.addData(qrencoder.QR8bitByte(payload))
    code.make()
    return len(code.modules), b"".join(bytes(0 if m else 255 for m in row) for row in code.modules)


def qr_modules(payload: str) -> tuple[int, bytes]:
    """The QR symbol for `payload` (error correction M: survives a crease or a smudge) as its
    size in modules and one byte a module, row by row, 0 for dark and 255 for light.

    zxing-cpp's C++ encoder takes ~0.2 ms where ReportLab's pure-Python one takes ~10 ms for a
    signed receipt code (BERDAYA|number|86-character signature), which was most of the cost of a
    receipt. Both write a symbol any decoder reads back as exactly `payload`; ReportLab's stays
    the fallback when zxing-cpp cannot be imported.
    """
    return _qr_modules_zxing(payload) or _qr_modules_reportlab(payload)


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules for `payload`, True for dark (see `qr_modules`)."""
    size, modules = qr_modules(payload)
    return [[m == 0 for m in modules[r * size : (r + 1) * size]] for r in range(size)]


_DARK_RUN = re.compile(rb"\x00+")


def qr_path_operators(payload: str) -> tuple[int, str]:
    """(size, PDF path operators) of the QR symbol in module units: one `re` per run of dark
    modules in a row, origin at the bottom-left module, closed by a fill (`f`).

    Whole-number coordinates are written as they are: formatting ~500 rectangles of float
    coordinates through ReportLab's path object cost more than encoding the symbol.
    """
    size, modules = qr_modules(payload)
    ops: list[str] = []
    for r in range(size):
        row = size - 1 - r  # PDF's y grows upwards; the matrix's first row is the top one
        base = r * size
        for run in _DARK_RUN.finditer(modules, base, base + size):
            start, end = run.span()
            ops.append(f"{start - base} {row} {end - start} 1 re")
    ops.append("f")
    return size, "\n".join(ops)


def draw_qr(
    canvas: Canvas, payload: str, x: float, y: float, size: float, *, border: int = 2
) -> None:
    """Draw a QR code of `payload` on white in the square (x, y, size), with a quiet zone of
    `border` modules.

    Runs of dark modules become one rectangle each in a single path, drawn in a coordinate
    system of one unit per module: a fraction of the operators (and bytes) of drawing every
    module in page coordinates, which matters over thousands of receipts. The modules stay
    vector rectangles (never a bitmap), so the code is sharp at any printer resolution.
    """
    count, operators = qr_path_operators(payload)
    box = size / (count + 2 * border)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    canvas.translate(x + border * box, y + border * box)
    canvas.scale(box, box)
    canvas.addLiteral(operators)
    canvas.restoreState()


def draw_code128(
    canvas: Canvas,
    value: str,
    centre_x: float,
    y: float,
    *,
    height: float,
    bar_width: float,
    max_width: float,
) -> float:
    """Draw `value` as a Code128 barcode centred on `centre_x` with its foot at `y`; bars are
    narrowed when the code would be wider than `max_width`. Returns the drawn width."""
    barcode = Code128(value, barHeight=height, barWidth=bar_width, quiet=False)
    if barcode.width > max_width:
        barcode = Code128(
            value, barHeight=height, barWidth=bar_width * max_width / barcode.width, quiet=False
        )
    barcode.drawOn(canvas, centre_x - barcode.width / 2, y)
    return float(barcode.width)


def draw_letterhead(
    canvas: Canvas,
    lh: Letterhead,
    left: float,
    right: float,
    top: float,
    *,
    scale: float = 1.0,
) -> float:
    """Draw the kop surat with its top at `top`; return the y of the rule line below it.

    `scale` shrinks the whole kop for small pages (A6 receipts, cards); lines that would run
    past the right edge are set in a smaller size rather than cut.
    """
    emblem_size = 22 * mm * scale
    if lh.draft and not _page_marked(canvas):
        # Canvas-drawn documents (boxed receipts) call this once per form: stamp the kop itself.
        _draw_draft_stamp(canvas, right, top, scale)
    ey = top - emblem_size
    draw_image_or_placeholder(canvas, lh.emblem, left, ey, emblem_size, inset=1 * mm * scale)
    text_left = left + emblem_size + 2 * mm * scale
    cx = (text_left + right) / 2
    room = right - text_left
    canvas.setFillColor(colors.black)
    lines = [
        ("Helvetica-Bold", 13, 5, lh.government_line),
        ("Helvetica-Bold", 17, 12, lh.department_line),
        ("Helvetica", 9, 17, lh.address),
        ("Helvetica", 9, 21, lh.contact),
    ]
    for font, size, drop, text in lines:
        if not text:
            continue
        canvas.setFont(font, fit_font_size(text, font, max(size * scale, 5.5), room))
        canvas.drawCentredString(cx, top - drop * mm * scale, text)
    rule_y = top - 25 * mm * scale
    canvas.setLineWidth(2 * scale)
    canvas.line(left, rule_y, right, rule_y)
    canvas.setLineWidth(0.6 * scale)
    canvas.line(left, rule_y - 1.2 * mm * scale, right, rule_y - 1.2 * mm * scale)
    return rule_y - 1.2 * mm * scale


class _CharWidths(dict[str, float]):
    """Width of each character of one font in font units (1/1000 of the size, whole numbers
    for the standard fonts), measured once on first use."""

    def __init__(self, font: str) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> float:
        width = self[char] = stringWidth(char, self.font, 1000)
        return width


@functools.cache
def _char_widths(font: str) -> _CharWidths:
    return _CharWidths(font)


def text_width(text: str, font: str, size: float) -> float:
    """`stringWidth(text, font, size)`, summed from memoised character widths.

    ReportLab measures a string by encoding it and looking every character up on each call;
    wrapping the cells of a long list measures tens of thousands of strings, and a dict lookup
    per character costs a fraction of that. ReportLab applies no kerning, so a string is exactly
    as wide as its characters (and the sum of whole font units is exact, as in ReportLab).
    """
    return sum(map(_char_widths(font).__getitem__, text)) * size * 0.001


def split_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """ReportLab's `simpleSplit`, line for line, measured with `text_width`: greedy word wrap of
    each line of `text` to `width` (a word wider than `width` gets a line of its own).

    simpleSplit measures every word through `stringWidth`; a receipt's fields are wrapped on
    every page, so over a distribution of thousands of receipts this is most of the text cost.
    """
    lines = text.split("\n")
    if not width:
        return lines
    widths = _char_widths(font)
    scale = size * 0.001
    space = widths[" "] * scale
    out: list[str] = []
    for line in lines:
        words: list[str] = []
        used = -space
        for word in line.split():
            w = sum(map(widths.__getitem__, word)) * scale
            if used + space + w <= width or not words:
                words.append(word)
                used += space + w
            else:
                out.append(" ".join(words))
                words, used = [word], w
        if words:
            out.append(" ".join(words))
    return out


def fit_font_size(text: str, font: str, size: float, width: float, minimum: float = 4.5) -> float:
    """The largest size up to `size` at which `text` fits in `width` (never below `minimum`)."""
    natural = text_width(text, font, size)
    if natural <= width or natural == 0:
        return size
    return max(minimum, size * width / natural)


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Cut `text` with an ellipsis so it fits in `width`; for cells that must stay one line."""
    if text_width(text, font, size) <= width:
        return text
    # No glyph is narrower than a tenth of the size: more characters than this cannot fit, and
    # cutting first keeps the loop below short for a value of thousands of characters.
    text = text[: int(width / (size * 0.1)) + 1]
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; move it over `path` only if the block succeeds.

    A viewer or printer never sees a half-written PDF, and a failed run leaves the previous
    file in place.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_WORDS = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def terbilang(n: int) -> str:
    """A whole number in Indonesian words, as written in official letters ("dua ribu dua puluh
    enam"). Small enough to keep here rather than pull in a number-to-words package."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _WORDS[n]

    def join(head: str, rest: int) -> str:
        return head if rest == 0 else f"{head} {terbilang(rest)}"

    if n < 20:
        return f"{_WORDS[n - 10]} belas"
    if n < 100:
        return join(f"{_WORDS[n // 10]} puluh", n % 10)
    if n < 200:
        return join("seratus", n - 100)
    if n < 1000:
        return join(f"{_WORDS[n // 100]} ratus", n % 100)
    if n < 2000:
        return join("seribu", n - 1000)
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= size:
            return join(f"{terbilang(n // size)} {word}", n % size)
    raise AssertionError("unreachable")


def numbered_canvas(label: str = "Halaman {page} dari {total}", footer_left: str = "") -> type:
    """A canvas class that writes "Halaman X dari Y" on every page once the total is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's API
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawRightString(
                width - 15 * mm, 8 * mm, label.format(page=self._pageNumber, total=total)
            )
            if footer_left:
                self.drawString(15 * mm, 8 * mm, footer_left)
            self.restoreState()

    return NumberedCanvas


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    normal = ParagraphStyle(
        "BNormal", parent=base["Normal"], fontName="Helvetica", fontSize=9.5, leading=12
    )
    return {
        "normal": normal,
        "small": ParagraphStyle("BSmall", parent=normal, fontSize=8, leading=10),
        "cell": ParagraphStyle("BCell", parent=normal, fontSize=8.5, leading=10),
        "title": ParagraphStyle(
            "BTitle",
            parent=normal,
            fontName="Helvetica-Bold",
            fontSize=12.5,
            leading=16,
            alignment=TA_CENTER,
            spaceAfter=2,
        ),
        "subtitle": ParagraphStyle(
            "BSubtitle", parent=normal, fontSize=10, leading=13, alignment=TA_CENTER, spaceAfter=6
        ),
        "center": ParagraphStyle("BCenter", parent=normal, alignment=TA_CENTER),
        "bold": ParagraphStyle("BBold", parent=normal, fontName="Helvetica-Bold"),
    }


def letterhead_doc(
    path: Path,
    letterhead: Letterhead,
    *,
    title: str,
    pagesize: tuple[float, float] = A4,
    margins: tuple[float, float, float, float] = (15 * mm, 15 * mm, 15 * mm, 15 * mm),
    letterhead_on_every_page: bool = False,
    on_page: Callable[[Canvas, BaseDocTemplate], None] | None = None,
) -> BaseDocTemplate:
    """A document whose first page (or every page) carries the kop surat."""
    left, right, top, bottom = margins
    width, height = pagesize
    doc = BaseDocTemplate(
        str(path),
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=plain_text(title),
        author=plain_text(letterhead.department_line),
        creator="Berdaya",
    )
    body_height = height - top - bottom
    first = Frame(left, bottom, width - left - right, body_height - LETTERHEAD_HEIGHT, id="first")
    later_height = body_height - (LETTERHEAD_HEIGHT if letterhead_on_every_page else 0)
    later = Frame(left, bottom, width - left - right, later_height, id="later")

    def mark_draft(canvas: Canvas) -> None:
        if letterhead.draft:
            # The note sits in the bottom margin, above the page numbers.
            draw_draft_mark(
                canvas, left, bottom, width - left - right, body_height, note_y=bottom - 4 * mm
            )
            _mark_page(canvas)

    def with_letterhead(canvas: Canvas, d: BaseDocTemplate) -> None:
        mark_draft(canvas)
        draw_letterhead(canvas, letterhead, left, width - right, height - top)
        if on_page:
            on_page(canvas, d)

    def plain(canvas: Canvas, d: BaseDocTemplate) -> None:
        mark_draft(canvas)
        if letterhead_on_every_page:
            draw_letterhead(canvas, letterhead, left, width - right, height - top)
        if on_page:
            on_page(canvas, d)

    doc.addPageTemplates(
        [
            PageTemplate(
                id="First", frames=[first], onPage=with_letterhead, autoNextPageTemplate="Later"
            ),
            PageTemplate(id="Later", frames=[later], onPage=plain),
        ]
    )
    return doc


def signature_block(
    office: OfficeProfile,
    on: date,
    *,
    left: Sequence[str] | None = None,
    right_title: str | None = None,
    right_name: str | None = None,
    right_nip: str | None = None,
    width: float = 180 * mm,
) -> Table:
    """Two-column signature block: an optional left party and the office's signer on the right.

    `left` is [title, name, id-line]; the right column carries "Blitar, 28 November 2026".
    Every value is plain text and prints literally; a title may be `Markup` (a line break).
    """
    st = styles()
    center = st["center"]
    right_name = right_name if right_name is not None else (office.head_name or "")
    right_nip = right_nip if right_nip is not None else office.head_nip
    right_lines = [
        para(f"{office.city}, {format_date_id(on)}", center),
        para(right_title or office.head_title, center),
        para(LINE_BREAKS, center),
        para(markup("<u><b>{name}</b></u>", name=right_name or BLANK_NAME), center),
        para(f"NIP. {right_nip}" if right_nip else "", center),
    ]
    if left:
        title, name, id_line = (list(left) + ["", "", ""])[:3]
        left_lines = [
            para(Markup("&nbsp;"), center),
            para(title, center),
            para(LINE_BREAKS, center),
            para(markup("<u><b>{name}</b></u>", name=name or BLANK_NAME), center),
            para(id_line, center),
        ]
    else:
        left_lines = [para("", center) for _ in right_lines]
    table = Table(list(zip(left_lines, right_lines, strict=True)), colWidths=[width / 2, width / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def grid_table_style(header_rows: int = 1) -> TableStyle:
    """The ruled table look of Indonesian office lists: grey header, thin grid."""
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6")),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), "Helvetica-Bold"),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
