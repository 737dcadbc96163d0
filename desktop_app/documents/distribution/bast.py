"""BAST: the berita acara serah terima of a round at a point, signed by both parties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from desktop_app.documents.common import (
    BLANK_NAME,
    LINE_BREAKS,
    Letterhead,
    Markup,
    atomic_output,
    format_number_id,
    grid_table_style,
    letterhead_doc,
    markup,
    numbered_canvas,
    para,
    signature_block,
    styles,
    terbilang,
)
from desktop_app.documents.distribution.data import BastDoc
from desktop_app.documents.distribution.shared import quantity_text
from desktop_app.domain.office import INDONESIAN_DAYS, INDONESIAN_MONTHS, OfficeProfile

__all__ = ["bast_pdf", "date_in_words"]


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
    where = f", bertempat di {doc.point.name}" if doc.point else ""
    place = doc.point.name if doc.point else "seluruh titik salur"

    def party(no: str, name: str, title: str, label: str, hint: str = "") -> Table:
        shown = markup("<b>{name}</b> <i>({hint})</i>", name=name, hint=hint) if hint else None
        data = [
            [no, "Nama", ":", para(shown or markup("<b>{name}</b>", name=name), body)],
            [
                "",
                "Jabatan",
                ":",
                para(
                    markup(
                        "{title}, selanjutnya disebut <b>{label}</b>.", title=title, label=label
                    ),
                    body,
                ),
            ],
        ]
        table = Table(data, colWidths=[8 * mm, 25 * mm, 4 * mm, 133 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 10.5, 15),
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

    unit = round_.unit

    def qty(value: float | None) -> str:
        # A figure not entered at issue time stays a blank line for a pen.
        return f"{num(value)} {unit}" if value is not None else f"........ {unit}"

    def kpm(n: int | None) -> str:
        return f"{num(n)} KPM" if n is not None else ""

    # Stock lines: what came from the warehouse, what went out (in person / by proxy), what
    # stayed for recipients who did not collect, and what is left over or returned.
    stock_rows: list[list] = [
        ["No", "Uraian", "Jumlah KPM", "Jumlah"],
        ["1", para("Diterima dari gudang", cell), "", qty(doc.stock_received)],
        [
            "2",
            para("Diserahkan kepada KPM secara langsung", cell),
            kpm(t.received - t.by_proxy),
            qty(doc.handed_direct),
        ],
        [
            "3",
            para("Diserahkan kepada wakil KPM (diwakilkan)", cell),
            kpm(t.by_proxy),
            qty(doc.handed_proxy),
        ],
        [
            "",
            para(Markup("<b>Jumlah tersalurkan (2 + 3)</b>"), cell),
            kpm(t.received),
            qty(doc.total_quantity),
        ],
        [
            "4",
            para("Tidak diambil: KPM tidak hadir", cell),
            kpm(t.absent),
            qty(t.absent * round_.quantity),
        ],
        [
            "5",
            para("Tidak diambil: KPM ditolak", cell),
            kpm(t.refused),
            qty(t.refused * round_.quantity),
        ],
        ["6", para("Belum diambil", cell), kpm(t.pending), qty(t.pending * round_.quantity)],
        [
            "7",
            para(Markup("<b>Sisa / dikembalikan ke gudang (1 - jumlah tersalurkan)</b>"), cell),
            "",
            qty(doc.left_over),
        ],
    ]
    items = Table(
        stock_rows,
        colWidths=[10 * mm, 100 * mm, 30 * mm, 35 * mm],
        hAlign="CENTER",
        repeatRows=1,
    )
    items_style = grid_table_style()
    items_style.add("FONTSIZE", (0, 0), (-1, -1), 9.5)
    items_style.add("LEADING", (0, 0), (-1, -1), 11.5)
    # Compact rows: the stock lines, the notes, both signatures and "Mengetahui" fit one page.
    items_style.add("TOPPADDING", (0, 0), (-1, -1), 1)
    items_style.add("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)
    items_style.add("ALIGN", (0, 1), (0, -1), "CENTER")
    items_style.add("ALIGN", (2, 1), (3, -1), "RIGHT")
    items_style.add("FONTNAME", (2, 4), (3, 4), "Helvetica-Bold")
    items_style.add("FONTNAME", (3, -1), (3, -1), "Helvetica-Bold")
    items.setStyle(items_style)

    # The head of the office handing over in person needs no "Mengetahui" under the parties.
    first_is_head = (bool(office.head_name) and doc.first_party_name == office.head_name) or (
        doc.first_party_title.strip().lower() == office.head_title.strip().lower()
    )
    story: list = [
        para(Markup("<u>BERITA ACARA SERAH TERIMA</u>"), st["title"]),
        para(f"Nomor: {doc.number}", st["subtitle"]),
        *_copy_mark(doc, st["subtitle"]),
        Spacer(1, 2 * mm),
        para(
            f"Pada {date_in_words(doc.on)} ({doc.on:%d-%m-%Y}){where}, kami yang bertanda "
            "tangan di bawah ini:",
            body,
        ),
        Spacer(1, 2 * mm),
        party("1.", doc.first_party_name, doc.first_party_title, "PIHAK PERTAMA"),
        Spacer(1, 1.5 * mm),
        party(
            "2.",
            doc.second_party_name,
            doc.second_party_title,
            "PIHAK KEDUA",
            doc.second_party_hint,
        ),
        Spacer(1, 2 * mm),
        para(
            markup(
                "PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA, dan PIHAK KEDUA menerima dari "
                "PIHAK PERTAMA, bantuan sosial <b>{program}</b> {round} untuk Keluarga Penerima "
                "Manfaat (KPM) di {place}, dengan rincian sebagai berikut:",
                program=round_.program_name,
                round=round_.name,
                place=place,
            ),
            body,
        ),
        Spacer(1, 1.5 * mm),
        para(
            markup(
                "Jenis bantuan: <b>{item}</b>, {per} per KPM; jumlah KPM terdaftar: "
                "{entitled} KPM.",
                item=round_.item,
                per=quantity_text(round_),
                entitled=num(t.entitled),
            ),
            body,
        ),
        Spacer(1, 2 * mm),
        items,
    ]
    if doc.notes.strip():
        story += [
            Spacer(1, 2 * mm),
            para(f"Catatan: {doc.notes}", body, limit=None),  # may run over to the next page
        ]
    story += [
        Spacer(1, 3 * mm),
        para(
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
                        markup("PIHAK KEDUA,<br/>{title}", title=doc.second_party_title),
                        doc.second_party_name,
                        f"({doc.second_party_hint})" if doc.second_party_hint else "",
                    ],
                    right_title=markup("PIHAK PERTAMA,<br/>{title}", title=doc.first_party_title),
                    right_name=doc.first_party_name,
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


def _copy_mark(doc: BastDoc, style: ParagraphStyle) -> list:
    """ "SALINAN" under the number of a reprint; "PRATINJAU" on a preview that has no number."""
    if not (doc.copy or doc.preview):
        return []
    word = "SALINAN" if doc.copy else "PRATINJAU — BELUM BERNOMOR, BUKAN UNTUK DITANDATANGANI"
    mark = ParagraphStyle("BastMark", parent=style, textColor=colors.HexColor("#b00020"))
    return [para(markup("<b>{word}</b>", word=word), mark)]


def _acknowledged_by(office: OfficeProfile) -> Table:
    """ "Mengetahui," and the head of the office, centred under the two parties."""
    st = styles()
    center = st["center"]
    lines = [
        para("Mengetahui,", center),
        para(office.head_title, center),
        para(LINE_BREAKS, center),
        para(markup("<u><b>{name}</b></u>", name=office.head_name or BLANK_NAME), center),
        para(f"NIP. {office.head_nip}" if office.head_nip else "", center),
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
