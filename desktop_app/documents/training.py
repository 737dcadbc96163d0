"""Training documents: daftar hadir per session, attendance recap, and certificates.

The dataclasses here are the contract with `desktop_app.services.training`: the service builds
them, these functions only print them. Every PDF is written to a temporary file beside the target
and moved into place, so a failed or cancelled job never leaves half a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from desktop_app.documents.common import (
    Letterhead,
    Progress,
    atomic_output,
    draw_draft_mark,
    draw_image_or_placeholder,
    draw_qr,
    grid_table_style,
    letterhead_doc,
    markup,
    numbered_canvas,
    para,
    plain_text,
    report_progress,
    signature_block,
    styles,
)
from desktop_app.domain.office import (
    OfficeProfile,
    format_date_id,
    format_date_long_id,
    profile_complete,
)
from desktop_app.domain.training import format_date_range_id

__all__ = [
    "AttendanceRecapData",
    "AttendanceSheetData",
    "CertificateData",
    "Progress",
    "RecapRow",
    "SheetParticipant",
    "SheetSession",
    "TrainingInfo",
    "attendance_recap_pdf",
    "attendance_sheet_pdf",
    "certificates_pdf",
    "recap_result",
]


@dataclass(frozen=True)
class TrainingInfo:
    title: str
    category: str
    organiser: str
    trainers: tuple[str, ...]
    venue: str
    start_date: date
    end_date: date
    threshold_pct: int

    @property
    def dates(self) -> str:
        return format_date_range_id(self.start_date, self.end_date)


@dataclass(frozen=True)
class SheetSession:
    number: int
    session_date: date
    time_range: str  # "08:00 - 12:00" or ""
    topic: str


@dataclass(frozen=True)
class SheetParticipant:
    number: int
    name: str
    nik_masked: str  # already masked: a daftar hadir is passed around the room
    kelurahan: str
    nik_warning: bool = False


@dataclass(frozen=True)
class AttendanceSheetData:
    training: TrainingInfo
    sessions: Sequence[SheetSession]
    participants: Sequence[SheetParticipant]


@dataclass(frozen=True)
class RecapRow:
    number: int
    name: str
    nik_masked: str
    codes: tuple[str, ...]  # per session: H/I/S/A or ""
    present: int
    pct: int
    complete: bool
    note: str = ""


@dataclass(frozen=True)
class AttendanceRecapData:
    training: TrainingInfo
    sessions: Sequence[SheetSession]
    rows: Sequence[RecapRow]
    printed_on: date
    # A finished training's recap is final: who did not meet the rule "did not qualify"
    # ("Tidak memenuhi syarat"); while it runs they have "not yet" ("Belum") met it.
    finished: bool = False


SHORT = ("Belum", "Tidak memenuhi syarat")  # the results printed in red


def recap_result(row: RecapRow, finished: bool) -> str:
    """The Hasil column: met the rule, withdrawn, or not (yet) met it."""
    if row.complete:
        return "Memenuhi"
    if row.note.startswith("Mundur"):
        return "-"
    return "Tidak memenuhi syarat" if finished else "Belum"


@dataclass(frozen=True)
class CertificateData:
    number: str
    name: str
    birth_place: str | None
    birth_date: date | None
    training: TrainingInfo
    attendance_pct: int
    issued_on: date
    passed: bool = True  # False: issued by an administrator's override below the rule
    # What the QR code encodes: the number and the issuing device's signature
    # ("BERDAYA|number|signature"); empty: the bare number (certificates issued before signing).
    qr_payload: str = ""


def _info_table(rows: Sequence[tuple[str, str]], width: float) -> Table:
    st = styles()
    table = Table(
        # The values column is wide and "Sesi" lists every session: room for a long line.
        [[para(k, st["normal"]), ":", para(v, st["normal"], limit=2000)] for k, v in rows],
        colWidths=[32 * mm, 4 * mm, width - 36 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ]
        )
    )
    return table


# -- daftar hadir ----------------------------------------------------------------------------
SIGN_ROW_HEIGHT = 9.5 * mm


def attendance_sheet_pdf(
    path: Path,
    office: OfficeProfile,
    data: AttendanceSheetData,
    *,
    progress: Progress | None = None,
) -> int:
    """One daftar hadir per session, each starting on a page with the kop surat. Odd numbers
    sign in the left half of the signature column and even numbers in the right half, so
    neighbouring signatures never collide. Returns the page count."""
    st = styles()
    width = A4[0] - 30 * mm
    name_style = ParagraphStyle("SheetName", parent=st["cell"], fontSize=9, leading=10.5)
    small = ParagraphStyle("SheetSmall", parent=st["cell"], fontSize=7.5, leading=9)
    col_widths = [9 * mm, 58 * mm, 30 * mm, 27 * mm, (width - 124 * mm) / 2]
    col_widths.append(width - sum(col_widths))
    story: list = []
    total = len(data.sessions)
    for index, session in enumerate(data.sessions):
        if index:
            story += [NextPageTemplate("First"), PageBreak()]
        story.append(para("DAFTAR HADIR PESERTA PELATIHAN", st["title"]))
        story.append(para(data.training.title.upper(), st["subtitle"]))
        when = format_date_long_id(session.session_date)
        info = [
            ("Sesi", f"{session.number} — {session.topic}"),
            ("Hari, tanggal", when),
            ("Waktu", f"{session.time_range} WIB" if session.time_range else "-"),
            ("Tempat", data.training.venue),
            ("Pelatih", ", ".join(data.training.trainers)),
        ]
        story += [_info_table(info, width), Spacer(1, 3 * mm)]
        header = ["No", "Nama", "NIK", "Kelurahan", "Tanda Tangan", ""]
        rows: list[list] = [header]
        for p in data.participants:
            nik = p.nik_masked or ("(tanpa NIK)" if p.nik_warning else "-")
            sign_left = f"{p.number}. ....................." if p.number % 2 else ""
            sign_right = "" if p.number % 2 else f"{p.number}. ....................."
            rows.append(
                [
                    str(p.number),
                    para(p.name, name_style),
                    nik,
                    para(p.kelurahan, small),
                    sign_left,
                    sign_right,
                ]
            )
        table = Table(
            rows,
            colWidths=col_widths,
            rowHeights=[7 * mm] + [SIGN_ROW_HEIGHT] * len(data.participants),
            repeatRows=1,
        )
        style = grid_table_style()
        style.add("SPAN", (4, 0), (5, 0))
        style.add("ALIGN", (0, 1), (0, -1), "CENTER")
        style.add("FONTSIZE", (2, 1), (2, -1), 8)
        style.add("FONTSIZE", (4, 1), (5, -1), 7.5)
        style.add("VALIGN", (4, 1), (5, -1), "BOTTOM")
        style.add("TEXTCOLOR", (4, 1), (5, -1), colors.HexColor("#555555"))
        # The two halves of the signature column read as one column with a dotted middle.
        style.add("LINEAFTER", (4, 1), (4, -1), 0.4, colors.white)
        style.add("LINEAFTER", (4, 1), (4, -1), 0.3, colors.grey, 0, (1, 2))
        table.setStyle(style)
        story += [table, Spacer(1, 6 * mm)]
        trainer = data.training.trainers[0] if data.training.trainers else ""
        story.append(
            KeepTogether(
                [
                    signature_block(
                        office,
                        session.session_date,
                        left=["Pelatih/Instruktur", trainer, ""],
                        width=width,
                    )
                ]
            )
        )
        report_progress(progress, index + 1, total)
    with atomic_output(path) as tmp:
        doc = letterhead_doc(
            tmp,
            Letterhead.from_office(office),
            title=f"Daftar hadir — {data.training.title}",
        )
        doc.build(story, canvasmaker=numbered_canvas(footer_left=_footer(data.training)))
        return doc.page


def _footer(training: TrainingInfo) -> str:
    title = training.title if len(training.title) <= 70 else training.title[:67] + "..."
    return f"{title} · {training.dates}"


# -- rekap kehadiran -------------------------------------------------------------------------
def attendance_recap_pdf(path: Path, office: OfficeProfile, data: AttendanceRecapData) -> int:
    """The whole training on landscape pages: participants x sessions with H/I/S/A, the count
    and share attended, and who meets the completion rule."""
    st = styles()
    pagesize = landscape(A4)
    width = pagesize[0] - 30 * mm
    cell = ParagraphStyle("RecapCell", parent=st["cell"], fontSize=8, leading=9.5)
    # The result is a paragraph (a finished training's "Tidak memenuhi syarat" wraps), so its
    # colour is the paragraph's: red for anyone who has not met the rule.
    result_ok = ParagraphStyle("RecapResult", parent=cell, alignment=1)
    result_short = ParagraphStyle("RecapResultShort", parent=result_ok, textColor="#b00020")
    n = len(data.sessions)
    fixed = [9 * mm, 62 * mm, 30 * mm]
    tail = [13 * mm, 13 * mm, 26 * mm]
    note_width = 48 * mm
    room = (width - sum(fixed) - sum(tail) - note_width) / max(n, 1)
    session_width = max(min(room, 16 * mm), 7 * mm)
    note_width = width - sum(fixed) - sum(tail) - session_width * n
    header = ["No", "Nama", "NIK"]
    header += [
        para(markup("<b>{n}</b><br/>{d}", n=s.number, d=f"{s.session_date:%d/%m}"), st["center"])
        for s in data.sessions
    ]
    header += ["Hadir", "%", "Hasil", "Keterangan"]
    rows: list[list] = [header]
    for r in data.rows:
        rows.append(
            [
                str(r.number),
                para(r.name, cell),
                r.nik_masked or "-",
                *r.codes,
                str(r.present),
                f"{r.pct}%",
                para(
                    recap_result(r, data.finished),
                    result_short if recap_result(r, data.finished) in SHORT else result_ok,
                ),
                para(r.note, cell),
            ]
        )
    table = Table(
        rows,
        colWidths=fixed + [session_width] * n + tail + [note_width],
        repeatRows=1,
    )
    style = grid_table_style()
    style.add("ALIGN", (0, 1), (0, -1), "CENTER")
    style.add("ALIGN", (3, 1), (3 + n + 2, -1), "CENTER")
    for i, r in enumerate(data.rows, start=1):
        if not r.complete:
            style.add("TEXTCOLOR", (3 + n + 2, i), (3 + n + 2, i), colors.HexColor("#b00020"))
        if r.note.startswith("Mundur"):
            style.add("TEXTCOLOR", (0, i), (-1, i), colors.HexColor("#777777"))
    table.setStyle(style)

    active = [r for r in data.rows if not r.note.startswith("Mundur")]
    passed = sum(1 for r in active if r.complete)
    sessions_text = "; ".join(
        f"{s.number}: {format_date_id(s.session_date)} ({s.topic})" for s in data.sessions
    )
    info = [
        ("Pelatihan", data.training.title),
        ("Tanggal", data.training.dates),
        ("Tempat", data.training.venue),
        ("Penyelenggara", data.training.organiser),
        ("Pelatih", ", ".join(data.training.trainers)),
        ("Sesi", sessions_text or "-"),
        (
            "Syarat kelulusan",
            f"hadir (H) minimal {data.training.threshold_pct}% dari {n} sesi",
        ),
    ]
    summary = markup(
        "Peserta aktif: <b>{active}</b> · memenuhi syarat: <b>{passed}</b> · "
        "{failed_label}: <b>{failed}</b> · mundur: <b>{withdrawn}</b>. "
        "Kode: H = hadir, I = izin, S = sakit, A = alpa (tanpa keterangan).",
        failed_label="tidak memenuhi syarat" if data.finished else "belum memenuhi",
        active=len(active),
        passed=passed,
        failed=len(active) - passed,
        withdrawn=len(data.rows) - len(active),
    )
    story = [
        para("REKAPITULASI KEHADIRAN PESERTA PELATIHAN", st["title"]),
        para(data.training.title.upper(), st["subtitle"]),
        _info_table(info, width),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 3 * mm),
        para(summary, st["normal"]),
        Spacer(1, 5 * mm),
        CondPageBreak(45 * mm),
        signature_block(office, data.printed_on, width=width),
    ]
    with atomic_output(path) as tmp:
        doc = letterhead_doc(
            tmp,
            Letterhead.from_office(office),
            title=f"Rekap kehadiran — {data.training.title}",
            pagesize=pagesize,
        )
        doc.build(story, canvasmaker=numbered_canvas(footer_left=_footer(data.training)))
        return doc.page


# -- sertifikat ------------------------------------------------------------------------------
NAVY = colors.HexColor("#1b3a6b")
GOLD = colors.HexColor("#b8912f")


def certificates_pdf(
    path: Path,
    office: OfficeProfile,
    certificates: Sequence[CertificateData],
    *,
    emblem: Path | None = None,
    progress: Progress | None = None,
) -> int:
    """One A4 portrait certificate per page, with its unique number printed and in a QR code."""
    if not certificates:
        raise ValueError("no certificates to print")
    total = len(certificates)
    with atomic_output(path) as tmp:
        canvas = Canvas(str(tmp), pagesize=A4)
        first = certificates[0].training
        canvas.setTitle(plain_text(f"Sertifikat — {first.title}"))
        canvas.setAuthor(plain_text(office.department_line))
        canvas.setCreator("Berdaya")
        draft = not profile_complete(office)
        for index, cert in enumerate(certificates):
            if draft:
                draw_draft_mark(
                    canvas, 12 * mm, 12 * mm, A4[0] - 24 * mm, A4[1] - 24 * mm, note_y=7 * mm
                )
            _draw_certificate(canvas, office, cert, emblem)
            canvas.showPage()
            report_progress(progress, index + 1, total)
        canvas.save()
    return total


def _draw_certificate(
    c: Canvas, office: OfficeProfile, cert: CertificateData, emblem: Path | None
) -> None:
    width, height = A4
    st = styles()
    # Frame: a heavy navy border with a thin gold rule inside it.
    c.saveState()
    c.setStrokeColor(NAVY)
    c.setLineWidth(4)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(15.5 * mm, 15.5 * mm, width - 31 * mm, height - 31 * mm)
    c.restoreState()

    cx = width / 2
    top = height - 26 * mm
    size = 24 * mm
    draw_image_or_placeholder(c, emblem, cx - size / 2, top - size, size)
    y = top - size - 8 * mm
    c.setFillColor(colors.black)
    c.setFont("Helvetica-Bold", 13)
    c.drawCentredString(cx, y, office.government_line.upper())
    y -= 7 * mm
    c.setFont("Helvetica-Bold", 16)
    c.drawCentredString(cx, y, office.department_line.upper())
    y -= 5 * mm
    c.setStrokeColor(GOLD)
    c.setLineWidth(1)
    c.line(cx - 45 * mm, y, cx + 45 * mm, y)

    y -= 24 * mm
    c.setFillColor(NAVY)
    c.setFont("Helvetica-Bold", 40)
    c.drawCentredString(cx, y, "SERTIFIKAT")
    y -= 10 * mm
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 11)
    c.drawCentredString(cx, y, f"Nomor: {cert.number}")

    y -= 20 * mm
    c.setFont("Helvetica", 12)
    c.drawCentredString(cx, y, "diberikan kepada:")
    y -= 15 * mm
    name = cert.name.upper()
    font_size = 26
    while font_size > 14 and c.stringWidth(name, "Helvetica-Bold", font_size) > width - 50 * mm:
        font_size -= 1
    c.setFont("Helvetica-Bold", font_size)
    c.setFillColor(NAVY)
    c.drawCentredString(cx, y, name)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    line_half = min(c.stringWidth(name, "Helvetica-Bold", font_size) / 2 + 8 * mm, 80 * mm)
    c.line(cx - line_half, y - 3 * mm, cx + line_half, y - 3 * mm)
    y -= 11 * mm
    c.setFillColor(colors.black)
    c.setFont("Helvetica", 11)
    born = _birth_line(cert)
    c.drawCentredString(cx, y, f"Tempat, tanggal lahir: {born}")

    body = ParagraphStyle(
        "CertBody",
        parent=st["normal"],
        fontSize=12,
        leading=20,
        alignment=TA_CENTER if len(cert.training.title) < 60 else TA_JUSTIFY,
    )
    result = (
        markup(" dengan kehadiran {pct}% dan dinyatakan <b>LULUS</b>", pct=cert.attendance_pct)
        if cert.passed
        else markup(" dengan kehadiran {pct}%", pct=cert.attendance_pct)
    )
    text = markup(
        "telah mengikuti <b>{title}</b> (bidang keterampilan {category}) yang diselenggarakan "
        "oleh {organiser} pada tanggal {dates} bertempat di {venue}{result}.",
        title=cert.training.title,
        category=cert.training.category.lower(),
        organiser=cert.training.organiser,
        dates=cert.training.dates,
        venue=cert.training.venue,
        result=result,
    )
    paragraph = para(text, body)
    box_width = width - 60 * mm
    _w, h = paragraph.wrap(box_width, 80 * mm)
    y -= 12 * mm
    paragraph.drawOn(c, (width - box_width) / 2, y - h)

    # Signature block on the right, QR code for verification on the left.
    sig_top = 80 * mm
    sig_width = 140 * mm  # the left half stays empty: the office signs on the right
    sig = signature_block(office, cert.issued_on, width=sig_width)
    _sw, sh = sig.wrap(sig_width, 60 * mm)
    sig.drawOn(c, width - 25 * mm - sig_width, sig_top - sh)

    qr_size = 32 * mm
    qx = 30 * mm
    qy = sig_top - qr_size - 4 * mm
    draw_qr(c, cert.qr_payload or cert.number, qx, qy, qr_size, border=4)
    c.setFont("Helvetica", 7)
    c.setFillColor(colors.HexColor("#444444"))
    c.drawCentredString(qx + qr_size / 2, qy - 2 * mm, cert.number)
    c.drawCentredString(qx + qr_size / 2, qy - 5.5 * mm, "Pindai untuk verifikasi")


def _birth_line(cert: CertificateData) -> str:
    place = cert.birth_place or "-"
    when = format_date_id(cert.birth_date) if cert.birth_date else "-"
    return f"{place}, {when}"
