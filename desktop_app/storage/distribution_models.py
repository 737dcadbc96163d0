"""SQLModel tables of distribution rounds: rounds, points, the frozen roster, receipts and marks.

A receipt, a void and a non-collection mark are facts: rows are appended, never overwritten, so
a laptop's receipts can later be merged into the office database as a set. The roster is a
snapshot taken when a round is opened (name, NIK, KK, card and address at that moment), so later
registry edits do not change who was entitled. Lookups at the counter go through the
(round_id, code) indexes on the roster.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .models import SyncedRecord


class ClerkFact(SQLModel):
    """The key and the who/when/why columns of an appended fact (a roster change, a void, a mark).

    A plain (non-table) base: each table class gets its own copies of the columns.
    """

    id: str = Field(primary_key=True)
    reason: str
    at: datetime
    actor: str
    device_id: str
    hlc: str


class DistributionRound(SyncedRecord, table=True):
    __tablename__ = "distribution_round"

    program_code: str = Field(index=True)
    name: str
    code: str = Field(index=True, unique=True)  # short code in receipt numbers: "RST4"
    item: str
    quantity: float
    unit: str
    start_date: date | None = None
    end_date: date | None = None
    status: str = "draft"  # draft / open / closed
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    notes: str | None = None


class DistributionPoint(SyncedRecord, table=True):
    """A kelurahan office, partner shop (toko mitra) or hall where a round is handed out."""

    __tablename__ = "distribution_point"

    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    name: str
    kind: str  # kelurahan / toko / lainnya
    address: str = ""
    # Kelurahan codes this point serves, comma-separated; recipients assigned one by one
    # (a shop's card holders) are in distribution_assignment and take precedence.
    kelurahan_codes: str = ""
    sort_order: int = 0
    # The second party of the BAST: kelurahan head, shop owner or coordinator.
    contact_name: str = ""
    contact_title: str = ""


class DistributionAssignment(SQLModel, table=True):
    """One recipient assigned to one point before the round opens (e.g. a shop's card list)."""

    __tablename__ = "distribution_assignment"

    id: str = Field(primary_key=True)
    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    point_id: str = Field(foreign_key="distribution_point.id", index=True)
    household_id: str | None = Field(default=None, foreign_key="household.id")
    person_id: str | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    hlc: str


class RosterEntry(SQLModel, table=True):
    """One entitled recipient of a round, frozen when the round was opened.

    For household programs the KPM (household) with its head and KK at that moment; for person
    programs the person (and the KK they belonged to). `active` turns false only when a clerk
    removes the recipient with a reason (see roster_change).
    """

    __tablename__ = "distribution_roster"
    __table_args__ = (
        Index("ix_distribution_roster_round_nik", "round_id", "nik"),
        Index("ix_distribution_roster_round_kk", "round_id", "kk_number"),
        Index("ix_distribution_roster_round_card", "round_id", "card_code"),
        Index("ix_distribution_roster_round_name", "round_id", "name_key"),
        Index("ix_distribution_roster_round_point", "round_id", "point_id", "no"),
    )

    id: str = Field(primary_key=True)
    round_id: str = Field(foreign_key="distribution_round.id")
    no: int  # order on printed lists: kelurahan, RT/RW, name at freezing time
    enrolment_id: str | None = None
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    person_id: str | None = Field(default=None, foreign_key="person.id", index=True)
    point_id: str | None = Field(default=None, foreign_key="distribution_point.id")
    name: str
    name_key: str  # upper-case, letters and spaces only: the name search key
    nik: str | None = None
    kk_number: str | None = None
    card_code: str | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = None
    active: bool = True
    created_at: datetime
    hlc: str


class RosterChange(ClerkFact, table=True):
    """A clerk added or removed a recipient after the roster was frozen, with the reason."""

    __tablename__ = "distribution_roster_change"

    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    roster_id: str = Field(foreign_key="distribution_roster.id", index=True)
    op: str  # add / remove


class Receipt(SQLModel, table=True):
    """A hand-over: appended once, never changed. A void is a separate fact (receipt_void)."""

    __tablename__ = "distribution_receipt"

    id: str = Field(primary_key=True)
    number: str = Field(index=True, unique=True)  # "RST4-LAP02-000123"
    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    roster_id: str = Field(foreign_key="distribution_roster.id", index=True)
    point_id: str | None = Field(default=None, foreign_key="distribution_point.id")
    collector_name: str | None = None  # None: the recipient collected personally
    collector_nik: str | None = None
    collector_relation: str | None = None  # same_kk / surat_kuasa / ahli_waris
    officer: str
    received_at: datetime
    device_id: str
    device_name: str
    verification_code: str  # a short code for people to read out; proves nothing
    hlc: str
    # The device's Ed25519 signature (base64url) over domain.receipts.receipt_signed_bytes;
    # None on receipts made before receipts were signed.
    signature: str | None = None


class ReceiptVoid(ClerkFact, table=True):
    __tablename__ = "distribution_receipt_void"

    receipt_id: str = Field(foreign_key="distribution_receipt.id", index=True)
    round_id: str = Field(foreign_key="distribution_round.id", index=True)


class CollectorCorrection(ClerkFact, table=True):
    """Who actually collected, corrected on the day of the receipt with a reason.

    The receipt (and its signature) stays as it was recorded; the latest correction of a
    receipt (by hlc) says who collected from then on. All three collector columns NULL: the
    recipient collected in person."""

    __tablename__ = "distribution_collector_correction"

    receipt_id: str = Field(foreign_key="distribution_receipt.id", index=True)
    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    collector_name: str | None = None
    collector_nik: str | None = None
    collector_relation: str | None = None  # same_kk / surat_kuasa / ahli_waris


class CollectionMark(ClerkFact, table=True):
    """A recipient did not collect: "tidak_hadir" (absent) or "ditolak" (refused), with reason."""

    __tablename__ = "distribution_mark"

    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    roster_id: str = Field(foreign_key="distribution_roster.id", index=True)
    point_id: str | None = Field(default=None, foreign_key="distribution_point.id")
    kind: str  # tidak_hadir / ditolak


class ReceiptCounter(SQLModel, table=True):
    """The last receipt sequence a device prefix used in a round: local bookkeeping that makes
    numbers unique per device; never synced (the numbers themselves carry the device)."""

    __tablename__ = "distribution_counter"

    round_id: str = Field(primary_key=True, foreign_key="distribution_round.id")
    device_name: str = Field(primary_key=True)
    last_seq: int = 0


class BastIssue(SQLModel, table=True):
    """One issued berita acara serah terima: its number, what it said (a hash of the printed
    content) and who issued it where. A reprint of the same content reuses the number ("SALINAN");
    changed content (more receipts since, another handover date) gets a new number. Appended,
    never changed: the register is what an auditor compares the paper with."""

    __tablename__ = "distribution_bast"

    id: str = Field(primary_key=True)
    number: str = Field(index=True, unique=True)  # "BAST/RST4/LAP02/007"
    round_id: str = Field(foreign_key="distribution_round.id", index=True)
    point_id: str | None = Field(default=None, foreign_key="distribution_point.id", index=True)
    handover_date: date
    received_qty: float | None = None  # stock received from the warehouse, as entered
    content_hash: str  # sha256 of the document's content (canonical JSON)
    content: str  # that content, so the register can show what each number said
    issued_at: datetime
    issued_by: str
    device_id: str
    device_name: str
    hlc: str
