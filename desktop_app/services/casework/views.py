"""What the casework service hands out: plain frozen dataclasses, no database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "ActivityView",
    "AssessmentView",
    "CaseCounts",
    "CaseDetail",
    "CaseFilter",
    "CaseRow",
    "DeviceView",
    "DisabilityRow",
    "GoalView",
    "OverdueVisit",
    "PersonInfo",
    "PlanView",
    "StageView",
]


@dataclass(frozen=True)
class PersonInfo:
    id: str
    name: str
    nik: str | None
    sex: str
    birth_date: date | None
    address: str
    kelurahan_code: str | None
    kelurahan: str


@dataclass(frozen=True)
class CaseRow:
    """One line of a case list."""

    id: str
    program_code: str
    person_id: str
    person_name: str
    kelurahan: str
    worker: str
    status: str
    opened_on: date
    follow_up_on: date | None
    stage: str | None = None
    carer: str | None = None


@dataclass(frozen=True)
class CaseFilter:
    """What a case list shows: all fields optional. `due_by` keeps cases with a follow-up on
    or before that day; `query` matches the person's name (case-insensitive)."""

    program_code: str | None = None
    worker: str | None = None
    status: str | None = "aktif"
    kelurahan_code: str | None = None
    due_by: date | None = None
    query: str = ""
    limit: int | None = None


@dataclass(frozen=True)
class AssessmentView:
    id: str
    assessed_on: date
    assessor: str
    answers: dict[str, Any]


@dataclass(frozen=True)
class GoalView:
    id: str
    text: str
    target_on: date | None
    status: str
    done_on: date | None


@dataclass(frozen=True)
class PlanView:
    id: str
    made_on: date
    review_on: date | None
    summary: str | None
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class ActivityView:
    id: str
    kind: str
    done_on: date
    worker: str
    notes: str | None
    follow_up_on: date | None
    target: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class DeviceView:
    id: str
    case_id: str
    kind: str
    status: str
    requested_on: date
    spec: str | None
    delivered_on: date | None
    received_by: str | None
    number: str | None
    signed: bool


@dataclass(frozen=True)
class StageView:
    id: str
    stage: str
    started_on: date
    placement: str | None
    note: str | None


@dataclass(frozen=True)
class CaseDetail:
    """A case as opened: the person, its record and everything done on it, newest first."""

    id: str
    program_code: str
    person: PersonInfo
    worker: str
    status: str
    opened_on: date
    closed_on: date | None
    close_reason: str | None
    close_note: str | None
    follow_up_on: date | None
    carer: str | None
    visit_every_days: int | None
    last_visit_on: date | None
    stage: str | None
    notes: str | None
    assessment: AssessmentView | None
    plan: PlanView | None
    activities: tuple[ActivityView, ...] = field(default=())
    devices: tuple[DeviceView, ...] = field(default=())
    stages: tuple[StageView, ...] = field(default=())


@dataclass(frozen=True)
class CaseCounts:
    """Counts only (for a role that may see reports but not restricted names)."""

    by_program: dict[str, int]
    open_total: int
    closed_total: int


@dataclass(frozen=True)
class OverdueVisit:
    case_id: str
    person_name: str
    kelurahan: str
    carer: str | None
    last_visit_on: date | None
    due_on: date
    days_late: int


@dataclass(frozen=True)
class DisabilityRow:
    case_id: str
    person_name: str
    nik: str | None
    kelurahan_code: str | None
    kelurahan: str
    ragam: tuple[str, ...]
    severity: str | None
    devices_requested: int
    devices_delivered: int
