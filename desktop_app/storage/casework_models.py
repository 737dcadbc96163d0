"""SQLModel tables of casework (Si Hore home care, disability services, children's cases).

Synced like the registry: UUID keys, tombstones (`deleted`) and an HLC stamp on every row, and
every write goes through the change log. The schema is created by migration step 12 (frozen DDL).
Program-specific answers live as JSON validated against `domain.casework.ASSESSMENT_FIELDS`,
so a new question needs no schema change.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from .models import SyncedRecord


class CaseFile(SyncedRecord, table=True):
    """One person's case in one program. Closing keeps the row (status `ditutup` + reason)."""

    __tablename__ = "case_file"

    person_id: str = Field(foreign_key="person.id", index=True)
    program_code: str = Field(index=True)
    worker: str = Field(index=True)  # the assigned social worker's username
    status: str = Field(index=True)  # domain.casework.CaseStatus
    opened_on: date
    closed_on: date | None = None
    close_reason: str | None = None
    close_note: str | None = None
    # The next dated thing to do (a follow-up or, for Si Hore, the next visit): "due this
    # week" and the overdue list read it from here instead of scanning activities.
    follow_up_on: date | None = Field(default=None, index=True)
    # Si Hore: the carer who visits and how often (days).
    carer: str | None = None
    visit_every_days: int | None = None
    last_visit_on: date | None = None
    # ABH: the current SPPA stage (the timeline is case_stage).
    stage: str | None = None
    notes: str | None = None


class CaseAssessment(SyncedRecord, table=True):
    __tablename__ = "case_assessment"

    case_id: str = Field(foreign_key="case_file.id", index=True)
    assessed_on: date
    assessor: str
    answers: str = "{}"  # JSON, validated against the program's field definitions


class CasePlan(SyncedRecord, table=True):
    __tablename__ = "case_plan"

    case_id: str = Field(foreign_key="case_file.id", index=True)
    made_on: date
    review_on: date | None = None
    summary: str | None = None


class CaseGoal(SyncedRecord, table=True):
    __tablename__ = "case_goal"

    plan_id: str = Field(foreign_key="case_plan.id", index=True)
    case_id: str = Field(foreign_key="case_file.id", index=True)
    text: str
    target_on: date | None = None
    status: str  # domain.casework.GOAL_STATUSES
    done_on: date | None = None


class CaseActivity(SyncedRecord, table=True):
    """A dated piece of work on a case: a home visit (Si Hore: the services checklist and the
    client's condition in `details`), a session, a referral, aid handed over, a hearing."""

    __tablename__ = "case_activity"

    case_id: str = Field(foreign_key="case_file.id", index=True)
    kind: str  # domain.casework.ActivityKind
    done_on: date = Field(index=True)
    worker: str
    notes: str | None = None
    follow_up_on: date | None = None
    target: str | None = None  # a referral's REFERRAL_TARGETS key
    details: str = "{}"  # JSON


class CaseDevice(SyncedRecord, table=True):
    """An assistive device requested for (and maybe handed to) a person with a disability."""

    __tablename__ = "case_device"

    case_id: str = Field(foreign_key="case_file.id", index=True)
    kind: str  # domain.casework.DEVICE_KINDS
    status: str  # diminta / diserahkan / batal
    requested_on: date
    spec: str | None = None  # size, side, model
    delivered_on: date | None = None
    received_by: str | None = None  # who signed for it (the person or a family member)
    officer: str | None = None
    number: str | None = Field(default=None, index=True)  # handover receipt number
    # The handing device's id and its Ed25519 signature over the receipt's fields.
    signed_by: str | None = None
    signature: str | None = None
    notes: str | None = None


class CaseStage(SyncedRecord, table=True):
    """One step of an ABH case's SPPA timeline."""

    __tablename__ = "case_stage"

    case_id: str = Field(foreign_key="case_file.id", index=True)
    stage: str  # domain.casework.SPPA_STAGES
    started_on: date
    placement: str | None = None  # pembinaan: PLACEMENTS key
    note: str | None = None
