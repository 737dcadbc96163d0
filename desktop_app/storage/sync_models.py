"""Tables of field sync: known devices, bundles seen, per-peer progress, and the review queues.

Most of these rows never travel: they describe this database's view of its peers, and the
conflict queue is re-derived from the change log. The exception is `DoubleClaimDecision`, a
supervisor's decision about a double claim: a synced, change-logged fact like a receipt.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class SyncDevice(SQLModel, table=True):
    """A device this database trusts bundles from (the office, or a registered laptop)."""

    __tablename__ = "sync_device"

    id: str = Field(primary_key=True)  # the device id from its identity file
    name: str  # receipt-number prefix, e.g. LAP02
    role: str  # "office" | "field"
    verify_key: str  # Ed25519 public key, base64
    registered_at: datetime
    registered_by: str
    revoked: bool = False
    revoked_at: datetime | None = None
    revoked_reason: str | None = None
    # The access role (domain.access.Role) of its last checkout: devices carry the role they
    # were checked out for.
    checkout_role: str | None = None


class SyncPeer(SQLModel, table=True):
    """How far the change streams between this database and one peer have travelled.

    Sequences are the sender's local `change_log.seq`. `received_upto`: the peer's stream we hold
    without gaps. `delivered_upto`: our stream the peer has acknowledged. `last_ack_hlc`: HLC of
    the newest bundle whose acknowledgement was applied, so an old bundle never moves it back.
    """

    __tablename__ = "sync_peer"

    device_id: str = Field(primary_key=True)
    received_upto: int = 0
    delivered_upto: int = 0
    last_ack_hlc: str = ""
    last_export_seq: int = 0  # our highest seq put in a bundle for this peer (history only)
    chain_hash: str = ""  # the newest hash of the peer's change-log chain accepted here


class SyncSlice(SQLModel, table=True):
    """Entities the office has handed to a field device (its checkout), so later bundles for
    that device carry only what it needs: no NIK leaves the office without a reason."""

    __tablename__ = "sync_slice"

    device_id: str = Field(primary_key=True)
    entity_id: str = Field(primary_key=True)
    entity: str


class SyncBundle(SQLModel, table=True):
    """Every bundle made or imported here: the idempotency key and the per-device history."""

    __tablename__ = "sync_bundle"

    id: str = Field(primary_key=True)
    direction: str  # "out" | "in"
    kind: str  # "checkout" | "return" | "ack"
    from_device: str = Field(index=True)
    to_device: str = Field(index=True)
    created_hlc: str
    seq_from: int
    seq_to: int
    entries: int
    counts: str  # JSON {entity: n}
    file_name: str | None = None
    size_bytes: int | None = None
    processed_at: datetime
    applied: int = 0  # entries new to this database
    conflicts: int = 0
    quarantined: int = 0
    double_claims: int = 0


class SyncConflict(SQLModel, table=True):
    """A field two devices changed without seeing each other's value (derived from the log).

    `kind`: "review" (ordinary field; last writer already won) or "critical" (NIK, KK, head,
    status, enrolment: a supervisor must decide). `values`: JSON list of the competing writes.
    """

    __tablename__ = "sync_conflict"

    id: str = Field(primary_key=True)
    entity: str
    entity_id: str = Field(index=True)
    field: str
    kind: str
    base: str  # JSON value both writers started from
    candidates: str  # JSON [{value, hlc, device_id, actor, at, change_id}]
    current: str  # JSON value the row holds now
    open: bool = Field(default=True, index=True)
    detected_at: datetime
    closed_by_change: str | None = None


class SyncQuarantine(SQLModel, table=True):
    """A change stamped implausibly far in the future: kept aside, not applied, not echoed."""

    __tablename__ = "sync_quarantine"

    change_id: str = Field(primary_key=True)
    bundle_id: str = Field(index=True)
    device_id: str
    hlc: str
    entry: str  # JSON of the whole change-log entry as received
    reason: str
    received_at: datetime
    status: str = Field(default="held", index=True)  # held | released | discarded
    decided_at: datetime | None = None
    decided_by: str | None = None


class DoubleClaimDecision(SQLModel, table=True):
    """A supervisor's decision on two (or more) non-void receipts for one roster entry.

    `void`: one receipt was voided (the void itself is a separate receipt-void fact).
    `confirm`: the double hand-over really happened and is kept for recovery; it covers exactly
    the receipts listed, so a further receipt reopens the item.
    """

    __tablename__ = "double_claim_decision"

    id: str = Field(primary_key=True)
    round_id: str = Field(index=True)
    roster_id: str = Field(index=True)
    decision: str  # void | confirm
    receipt_ids: str  # JSON list of the non-void receipts the supervisor saw
    voided_receipt_id: str | None = None
    note: str
    decided_by: str
    decided_at: datetime
    device_id: str
    hlc: str
