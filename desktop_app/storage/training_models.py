"""SQLModel tables of skills training: trainings, sessions, participants, attendance, certificates.

Like the registry tables they use UUID keys, tombstones (`deleted`) and an HLC stamp so they can
travel in field-sync bundles. The schema is created by migration step 2 (frozen DDL).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from .models import SyncedRecord


class Training(SyncedRecord, table=True):
    __tablename__ = "training"

    title: str
    category: str = Field(index=True)
    organiser: str
    trainers: str  # one name per line
    venue: str
    start_date: date = Field(index=True)
    end_date: date
    quota: int | None = None  # None: no limit
    threshold_pct: int  # attendance needed to pass, copied from the office profile on creation
    status: str = Field(index=True)
    notes: str | None = None


class TrainingSession(SyncedRecord, table=True):
    __tablename__ = "training_session"

    training_id: str = Field(foreign_key="training.id", index=True)
    session_date: date
    start_time: str | None = None  # "08:00"
    end_time: str | None = None
    topic: str


class TrainingParticipant(SyncedRecord, table=True):
    """A person's place in one training. Withdrawal keeps the row (status `mundur`)."""

    __tablename__ = "training_participant"

    training_id: str = Field(foreign_key="training.id", index=True)
    person_id: str = Field(foreign_key="person.id", index=True)
    status: str  # aktif / mundur
    registered_on: date
    withdrawn_on: date | None = None
    withdraw_reason: str | None = None
    # Saved without a valid NIK (e.g. a child without KTP), allowed by the office's settings.
    nik_warning: bool = False


class Attendance(SyncedRecord, table=True):
    """One participant's mark for one session; changing the mark updates the row (and logs)."""

    __tablename__ = "attendance"

    session_id: str = Field(foreign_key="training_session.id", index=True)
    participant_id: str = Field(foreign_key="training_participant.id", index=True)
    code: str | None = None  # H / I / S / A; None: mark removed


class Certificate(SyncedRecord, table=True):
    __tablename__ = "certificate"

    number: str = Field(unique=True, index=True)
    training_id: str = Field(foreign_key="training.id", index=True)
    participant_id: str = Field(foreign_key="training_participant.id", index=True)
    device: str
    year: int
    sequence: int
    issued_on: date
    attendance_pct: int
    override_reason: str | None = None  # set when issued below the completion rule
    # The issuing device's id and its Ed25519 signature over
    # domain.receipts.certificate_signed_bytes; None on certificates issued before signing.
    signed_by: str | None = None
    signature: str | None = None
