"""Plain values the distribution service hands to the GUI, the CLI and the documents.

Constants (statuses, labels, point kinds) and frozen dataclasses only: no database, no Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.documents.distribution.data import RoundInfo
from desktop_app.domain.collectors import COLLECTOR_RELATIONS, parse_collector_relation
from desktop_app.domain.errors import Refusal
from desktop_app.domain.office import format_number_id
from desktop_app.domain.receipts import QR_PREFIX, signed_qr_payload

__all__ = [
    "COLLECTOR_RELATIONS",
    "MARK_KINDS",
    "POINT_KINDS",
    "QR_PREFIX",
    "RECEIPT_KEY",
    "PROGRAM_PREFIX",
    "ROUND_CODE_RE",
    "ROUND_STATUS_LABELS",
    "STATUS_LABELS",
    "AssignResult",
    "BatchReport",
    "OpenSummary",
    "PointInput",
    "PointMember",
    "PointView",
    "Proxy",
    "ReceiptView",
    "RosterFilter",
    "RosterRow",
    "RoundStatus",
    "RoundView",
    "RowReport",
    "format_address",
    "format_count",
    "name_key",
    "parse_collector_relation",
    "roman_to_int",
]

RECEIPT_KEY = "receipt_key"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


ROUND_STATUS_LABELS: dict[str, str] = {
    "draft": "Persiapan",
    "open": "Dibuka",
    "closed": "Ditutup",
}

MARK_KINDS: dict[str, str] = {"tidak_hadir": "Tidak hadir", "ditolak": "Ditolak"}

STATUS_LABELS: dict[str, str] = {
    "": "Belum",
    "diterima": "Diterima",
    "diwakilkan": "Diwakilkan",
    "tidak_hadir": "Tidak hadir",
    "ditolak": "Ditolak",
    "dikeluarkan": "Dikeluarkan",
}

POINT_KINDS = ("kelurahan", "toko", "lainnya")

# Short program prefixes for round codes; other programs use their first three letters.
PROGRAM_PREFIX: dict[str, str] = {
    "RASTRADA": "RST",
    "RAPELAN": "RPL",
    "SIHORE": "SHR",
    "DISABILITAS": "DIS",
    "ANAK_TERLANTAR": "ANT",
    "ABH": "ABH",
    "PELATIHAN": "PLT",
}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROUND_CODE_RE = re.compile(r"^[A-Z0-9]{1,8}$")


def format_count(n: int) -> str:
    """Indonesian thousands separator: 7716 -> "7.716"."""
    return f"{n:,}".replace(",", ".")


def roman_to_int(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        value = ROMAN.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total or None


def name_key(name: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", (name or "").upper()).split())


def format_address(street: str | None, rt: str | None, rw: str | None) -> str:
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)


# -- plain values handed to the GUI and the CLI -----------------------------------------------


@dataclass(frozen=True)
class PointInput:
    name: str
    kind: str = "kelurahan"
    address: str = ""
    kelurahan_codes: tuple[str, ...] = ()
    contact_name: str = ""
    contact_title: str = ""
    # Registry codes (No. KK, NIK or card) of recipients served here whatever their kelurahan.
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class PointView:
    id: str
    no: int
    name: str
    kind: str
    address: str
    kelurahan_codes: tuple[str, ...]
    kelurahan_names: tuple[str, ...]
    contact_name: str
    contact_title: str
    assigned: int  # recipients assigned one by one

    # The BAST's second party: the shop owner, kelurahan head or coordinator, and their title
    # ("Pemilik Toko Sumber Rejeki", "Lurah Kepanjenkidul").
    @property
    def owner(self) -> str:
        return self.contact_name

    @property
    def owner_title(self) -> str:
        return self.contact_title


@dataclass(frozen=True)
class PointMember:
    """A recipient served at a point: assigned one by one (`assigned`) or by kelurahan."""

    name: str
    nik: str | None
    kk_number: str | None
    kelurahan: str
    assigned: bool
    received: bool


@dataclass(frozen=True)
class AssignResult:
    """What `assign_recipients` did: names now at the point, how many were moved from another
    point, and how many were already there."""

    names: tuple[str, ...]
    moved: int
    unchanged: int


@dataclass(frozen=True)
class RoundView(RoundInfo):
    """A round as the screens show it: what its documents print (RoundInfo) plus its program
    code, lifecycle and counts."""

    program_code: str
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    points: int
    entitled: int

    @property
    def status_label(self) -> str:
        return ROUND_STATUS_LABELS.get(self.status, self.status)

    @property
    def quantity_text(self) -> str:
        # "2,5 kg": Indonesian decimals, like the documents print it.
        return f"{format_number_id(self.quantity)} {self.unit}"


@dataclass(frozen=True)
class OpenSummary:
    entitled: int
    per_point: dict[str, int]  # point name -> recipients
    unassigned: int  # no point serves their kelurahan: any point may serve them


@dataclass(frozen=True)
class Proxy:
    """Who collected for the recipient, and how they may (DESIGN.md's proxy rules)."""

    name: str
    nik: str
    relation: str  # same_kk / surat_kuasa / ahli_waris


@dataclass(frozen=True)
class ReceiptView:
    id: str
    number: str
    verification_code: str
    round_id: str
    roster_id: str
    point_id: str | None
    point_name: str
    recipient_name: str
    collector_name: str | None
    collector_nik: str | None
    collector_relation: str | None
    officer: str
    received_at: datetime  # in the office's time zone
    device_name: str
    voided: bool = False
    void_reason: str | None = None
    signature: str | None = None  # the device's signature; None on receipts made before
    # The collector_* fields above are who collected as corrected on the receipt's day; the
    # recorded_* fields are what the receipt (and its signature) recorded at the counter.
    corrected: bool = False
    correction_reason: str | None = None
    recorded_collector_name: str | None = None
    recorded_collector_nik: str | None = None
    recorded_collector_relation: str | None = None

    @property
    def qr_payload(self) -> str:
        """Number and signature (old receipts: number and short code)."""
        return signed_qr_payload(self.number, self.signature, self.verification_code)

    @property
    def by_proxy(self) -> bool:
        return self.collector_relation is not None


@dataclass(frozen=True)
class RosterRow:
    rowid: int
    id: str
    no: int
    round_id: str
    point_id: str | None
    point_name: str
    name: str
    nik: str | None
    kk_number: str | None
    card_code: str | None
    address: str
    rt: str | None
    rw: str | None
    kelurahan_code: str | None
    kelurahan: str
    active: bool
    status: str  # "" / diterima / diwakilkan / tidak_hadir / ditolak / dikeluarkan
    receipt_number: str | None
    received_at: datetime | None
    collector_name: str | None
    mark_reason: str | None
    household_id: str | None
    person_id: str | None
    # Whose NIK the lookup matched, when it was a person's NIK (None: card, KK, receipt or
    # name). A member of the KK other than the recipient (their own KTP) means that member is
    # standing at the counter: the counter must ask who collects, never record the recipient
    # as collecting in person (see `member_match`).
    matched_person_id: str | None = None
    matched_name: str | None = None
    matched_nik: str | None = None
    matched_relation: str | None = None  # the member's SHDK relation ("istri", "anak", ...)

    @property
    def member_match(self) -> bool:
        """The lookup landed on a household member who is not the recipient."""
        return self.matched_person_id is not None and self.matched_person_id != self.person_id

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def received(self) -> bool:
        return self.status in ("diterima", "diwakilkan")


@dataclass(frozen=True)
class RosterFilter:
    point_id: str | None = None
    kelurahan_code: str | None = None
    status: str | None = None  # None: all; "belum": not collected and not marked; or a status
    query: str = ""
    include_removed: bool = False


@dataclass
class RowReport:
    line: int
    code: str
    message: str  # Indonesian, for logs and the default CLI
    ok: bool
    refusal: Refusal | None = None  # why the row was refused, to show in another language


@dataclass
class BatchReport:
    """Per-row outcome of a scan log; nothing is recorded unless every row is fine."""

    rows: list[RowReport] = field(default_factory=list)
    recorded: list[ReceiptView] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows) and bool(self.rows)


# -- SQL fragments --------------------------------------------------------------------------
