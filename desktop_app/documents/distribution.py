"""Distribution documents: tanda terima, daftar penerimaan, BAST, kartu KPM and the recap.

The dataclasses here are the contract with desktop_app.services.distribution (see
notes/distribution_docs_api.md): the service builds them, the documents only print them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile

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
    "bast_pdf",
    "cards_pdf",
    "recap_pdf",
    "receipts_pdf",
    "reception_list_pdf",
]

Progress = Callable[[int, int], None]


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


def _atomic_text_pdf(path: Path, title: str, lines: Sequence[str]) -> int:
    """Interim plain rendering until the full layouts land."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(suffix=".pdf.tmp", dir=path.parent)
    os.close(fd)
    try:
        c = Canvas(tmp, pagesize=A4)
        c.setTitle(title)
        pages = 1
        y = A4[1] - 20 * mm
        for line in [title, *lines]:
            if y < 20 * mm:
                c.showPage()
                pages += 1
                y = A4[1] - 20 * mm
            c.setFont("Helvetica", 9)
            c.drawString(15 * mm, y, line)
            y -= 12
        c.save()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return pages


def receipts_pdf(
    path: Path,
    office: OfficeProfile,
    receipts: Sequence[ReceiptDoc],
    *,
    layout: str = "a6",
    progress: Progress | None = None,
) -> int:
    lines = [f"{r.receipt_number} {r.recipient_name} {mask_nik(r.recipient_nik)}" for r in receipts]
    return _atomic_text_pdf(path, "TANDA TERIMA", lines)


def reception_list_pdf(
    path: Path, office: OfficeProfile, doc: ReceptionList, *, progress: Progress | None = None
) -> int:
    lines = [f"{r.no}. {r.name} {mask_nik(r.nik)} {r.address}" for r in doc.rows]
    return _atomic_text_pdf(path, "DAFTAR PENERIMAAN", lines)


def bast_pdf(path: Path, office: OfficeProfile, doc: BastDoc) -> int:
    return _atomic_text_pdf(path, "BERITA ACARA SERAH TERIMA", [doc.number])


def cards_pdf(
    path: Path, office: OfficeProfile, cards: Sequence[CardDoc], *, progress: Progress | None = None
) -> int:
    lines = [f"{c.card_code} {c.name} {mask_nik(c.nik)}" for c in cards]
    return _atomic_text_pdf(path, "KARTU KPM", lines)


def recap_pdf(path: Path, office: OfficeProfile, doc: RecapDoc) -> int:
    lines = [f"{r.kelurahan} {r.point} {r.totals}" for r in doc.rows]
    return _atomic_text_pdf(path, "REKAPITULASI", lines)
