"""The data the distribution documents print: desktop_app.services.distribution builds these
(see notes/distribution_docs_api.md), the document modules only lay them out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "BastDoc",
    "CardDoc",
    "ListRow",
    "PointInfo",
    "RecapDoc",
    "RecapRow",
    "ReceiptDoc",
    "ReceptionList",
    "RoundInfo",
    "Totals",
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
    # Stock received from the warehouse (in the round's unit), as entered at issue time; None
    # when not entered (the line is left blank for a pen).
    stock_received: float | None = None
    # "SALINAN": a reprint of a BAST already issued with this number and this content.
    copy: bool = False
    # A preview that has not been issued: no number yet, marked "PRATINJAU".
    preview: bool = False
    # What the second party's name line is for when the name is not known yet.
    second_party_hint: str = ""

    @property
    def handed_direct(self) -> float:
        """Quantity handed to recipients in person."""
        return (self.totals.received - self.totals.by_proxy) * self.round.quantity

    @property
    def handed_proxy(self) -> float:
        """Quantity handed to collectors on the recipients' behalf."""
        return self.totals.by_proxy * self.round.quantity

    @property
    def not_collected(self) -> float:
        """Quantity kept for absent and refused recipients and those not served yet."""
        t = self.totals
        return (t.absent + t.refused + t.pending) * self.round.quantity

    @property
    def left_over(self) -> float | None:
        """Stock received minus handed out: what is left or returned; None without stock."""
        if self.stock_received is None:
            return None
        return self.stock_received - self.total_quantity


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
