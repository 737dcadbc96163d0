"""SQLModel tables of the registry.

Synced entities (persons, households, enrolments, histories) use UUID string keys so two
devices never mint the same id. Nothing is hard-deleted: `deleted` is a tombstone. The schema
itself is created by the versioned steps in `migrations.py`, not by `create_all`, so that an old
database can be upgraded step by step; a test keeps the two in agreement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class SyncedRecord(SQLModel):
    """The key and bookkeeping columns every editable, synced table ends with.

    A plain (non-table) base: each table class gets its own copies of the columns. Only the
    attribute order changes, not the schema, which the frozen migration DDL defines.
    """

    id: str = Field(primary_key=True)
    created_at: datetime
    updated_at: datetime
    deleted: bool = False  # a tombstone: nothing is hard-deleted
    hlc: str


class Region(SQLModel, table=True):
    __tablename__ = "region"

    code: str = Field(primary_key=True)
    name: str
    level: str
    parent_code: str | None = Field(default=None, index=True)
    postal_code: str | None = None


class Setting(SQLModel, table=True):
    """Key/value settings that travel with the database (office profile, device identity)."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str  # JSON


class Household(SyncedRecord, table=True):
    """A KPM: a family identified by its KK number and its head."""

    __tablename__ = "household"
    # The default KPM list: live households by KK, keys read from the index alone.
    __table_args__ = (
        Index(
            "ix_household_live_kk_number", "kk_number", "deleted", sqlite_where=text("deleted = 0")
        ),
    )

    kk_number: str = Field(index=True)
    # Not indexed: households are joined to their head, never looked up by it (migration 13).
    head_person_id: str | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    card_code: str | None = Field(default=None, index=True)


class Person(SyncedRecord, table=True):
    __tablename__ = "person"
    # The default registry list: live persons by name, keys read from the index alone.
    __table_args__ = (
        Index("ix_person_live_name", "name", "deleted", sqlite_where=text("deleted = 0")),
    )

    nik: str | None = Field(default=None, index=True)
    name: str = Field(index=True)
    sex: str  # "L" / "P"
    birth_place: str | None = None
    birth_date: date | None = Field(default=None, index=True)
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    relation: str | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    phone: str | None = None
    notes: str | None = None
    status: str = Field(default="aktif", index=True)
    status_date: date | None = None


class KkHistory(SQLModel, table=True):
    """Every KK number a household has had: a KK changes when the head of family changes."""

    __tablename__ = "kk_history"

    id: str = Field(primary_key=True)
    household_id: str = Field(foreign_key="household.id", index=True)
    kk_number: str = Field(index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    reason: str | None = None
    recorded_at: datetime
    hlc: str


class StatusHistory(SQLModel, table=True):
    """Status changes (meninggal, pindah, keluar, aktif again) as facts, never overwrites."""

    __tablename__ = "status_history"

    id: str = Field(primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    status: str
    effective_date: date | None = None
    note: str | None = None
    recorded_at: datetime
    recorded_by: str
    hlc: str


class Enrolment(SyncedRecord, table=True):
    """Membership of a person (or a KPM, for household programs) in a program."""

    __tablename__ = "enrolment"

    program_code: str = Field(index=True)
    person_id: str | None = Field(default=None, foreign_key="person.id", index=True)
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    start_date: date
    end_date: date | None = None
    end_reason: str | None = None
    details: str = "{}"  # JSON: e.g. disability ragam, ABH role


class ChangeLog(SQLModel, table=True):
    """Append-only audit trail and the stream that field sync exports.

    `seq` orders entries locally; `hlc` orders them across devices.
    """

    __tablename__ = "change_log"

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(index=True, unique=True)
    hlc: str  # not indexed: entries are walked by seq, ordered by HLC in Python (migration 13)
    device_id: str = Field(index=True)
    actor: str
    at: datetime
    entity: str
    entity_id: str = Field(index=True)
    op: str  # create / update / delete / status / enrol / leave ...
    changes: str  # JSON {field: [before, after]}
    source: str | None = None  # e.g. the imported file's name
    # Not indexed: nothing looks entries up by batch (migration 14).
    batch_id: str | None = Field(default=None)
    # The hash chain (storage/chain.py): filled by the change_log_chain trigger, or by bulk
    # writers through chain.chain_rows (the same hashes).
    prev_hash: str | None = None
    hash: str | None = None


class UserAccount(SQLModel, table=True):
    """A person who may log in on this device. Not synced: each device has its own accounts
    (a laptop gets the ones it was checked out for). The password hash is Argon2id (argon2-cffi's
    encoded form, parameters inside); it is never logged nor exported."""

    __tablename__ = "user_account"

    id: str = Field(primary_key=True)
    username: str = Field(unique=True)
    full_name: str
    nip: str | None = None
    role: str  # domain.access.Role
    supervisor: bool = False
    password_hash: str
    active: bool = True
    must_change_password: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class AccessLog(SQLModel, table=True):
    """Every opening, printing and export of a restricted record: who, when, what (UU PDP).
    Appended only; listed for the administrator."""

    __tablename__ = "access_log"

    seq: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    username: str = Field(index=True)
    actor: str  # the account's display name at the time
    device_id: str
    action: str  # "open" / "print" / "export" / "denied"
    entity: str  # "person", "household", "case", "export" ...
    entity_id: str | None = Field(default=None, index=True)
    detail: str = ""  # e.g. the document kind or the export's file name (never a NIK)
