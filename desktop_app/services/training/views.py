"""What the training service takes in and hands out: plain dataclasses, no database rows.

The document builders get the dataclasses of `desktop_app.documents.training` (see doc_data.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.domain.attendance import AttendanceCode, floor_pct, is_complete
from desktop_app.domain.training import (
    DEFAULT_SKILL_CATEGORIES,
    TRAINING_STATUS_LABELS,
    TrainingStatus,
)
from desktop_app.services.training.common import ACTIVE
from desktop_app.storage.training_models import Training, TrainingSession

__all__ = [
    "AttendanceGrid",
    "CertificateView",
    "ParticipantResult",
    "ParticipantView",
    "SessionView",
    "TrainingInput",
    "TrainingRow",
    "TrainingSettings",
    "session_view",
    "training_row",
]


@dataclass(frozen=True)
class TrainingSettings:
    """Office-wide training options, kept in the database so they travel with it."""

    categories: tuple[str, ...] = DEFAULT_SKILL_CATEGORIES
    # Children often have no KTP yet; an office may accept them as flagged warning cases.
    allow_without_nik: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"categories": list(self.categories), "allow_without_nik": self.allow_without_nik}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainingSettings:
        categories = tuple(
            " ".join(str(c).split()) for c in data.get("categories") or () if str(c).strip()
        )
        return cls(
            categories=categories or DEFAULT_SKILL_CATEGORIES,
            allow_without_nik=bool(data.get("allow_without_nik", False)),
        )


@dataclass
class TrainingInput:
    title: str
    category: str
    organiser: str
    trainers: Sequence[str]
    venue: str
    start_date: date
    end_date: date
    quota: int | None = None
    threshold_pct: int | None = None  # None: the office profile's completion threshold
    notes: str | None = None


@dataclass(frozen=True)
class TrainingRow:
    id: str
    title: str
    category: str
    organiser: str
    trainers: tuple[str, ...]
    venue: str
    start_date: date
    end_date: date
    quota: int | None
    threshold_pct: int
    status: str
    notes: str | None
    participants: int  # active
    sessions: int

    @property
    def status_label(self) -> str:
        return TRAINING_STATUS_LABELS[TrainingStatus(self.status)]

    @property
    def places_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.participants, 0)

    def to_input(self) -> TrainingInput:
        return TrainingInput(
            title=self.title,
            category=self.category,
            organiser=self.organiser,
            trainers=list(self.trainers),
            venue=self.venue,
            start_date=self.start_date,
            end_date=self.end_date,
            quota=self.quota,
            threshold_pct=self.threshold_pct,
            notes=self.notes,
        )


@dataclass(frozen=True)
class SessionView:
    id: str
    number: int  # 1-based, in date/time order
    session_date: date
    start_time: str | None
    end_time: str | None
    topic: str

    @property
    def time_range(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time} - {self.end_time}"
        return self.start_time or ""


@dataclass(frozen=True)
class ParticipantView:
    id: str
    person_id: str
    number: int
    name: str
    nik: str | None
    sex: str
    birth_place: str | None
    birth_date: date | None
    kelurahan: str
    status: str
    registered_on: date
    withdrawn_on: date | None
    withdraw_reason: str | None
    nik_warning: bool

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class ParticipantResult:
    """A participant's standing against the completion rule."""

    participant: ParticipantView
    present: int
    total_sessions: int
    pct: int  # floored: never shows 80% for 79.5%
    complete: bool
    certificate_number: str | None
    override_reason: str | None


@dataclass(frozen=True)
class AttendanceGrid:
    training: TrainingRow
    sessions: list[SessionView]
    participants: list[ParticipantView]
    marks: dict[tuple[str, str], str] = field(default_factory=dict)  # (participant, session)
    today: date = date.min

    def code(self, participant_id: str, session_id: str) -> str | None:
        return self.marks.get((participant_id, session_id))

    def present(self, participant_id: str) -> int:
        return sum(1 for s in self.sessions if self.code(participant_id, s.id) == "H")

    def pct(self, participant_id: str) -> int:
        return floor_pct(self.present(participant_id), len(self.sessions))

    def complete(self, participant_id: str) -> bool:
        codes = [self.code(participant_id, s.id) for s in self.sessions]
        return is_complete(codes, len(self.sessions), self.training.threshold_pct)

    def column_counts(self, session_id: str) -> dict[str, int]:
        counts = {c.value: 0 for c in AttendanceCode}
        for p in self.participants:
            if p.active:
                code = self.code(p.id, session_id)
                if code in counts:
                    counts[code] += 1
        return counts

    def below_rule(self) -> list[ParticipantView]:
        return [p for p in self.participants if p.active and not self.complete(p.id)]

    def is_future(self, session: SessionView) -> bool:
        return session.session_date > self.today


@dataclass(frozen=True)
class CertificateView:
    number: str
    participant_id: str
    name: str
    issued_on: date
    attendance_pct: int
    override_reason: str | None


def training_row(t: Training, participants: int, sessions: int) -> TrainingRow:
    return TrainingRow(
        id=t.id,
        title=t.title,
        category=t.category,
        organiser=t.organiser,
        trainers=tuple(x for x in t.trainers.splitlines() if x.strip()),
        venue=t.venue,
        start_date=t.start_date,
        end_date=t.end_date,
        quota=t.quota,
        threshold_pct=t.threshold_pct,
        status=t.status,
        notes=t.notes,
        participants=participants,
        sessions=sessions,
    )


def session_view(number: int, s: TrainingSession) -> SessionView:
    return SessionView(
        id=s.id,
        number=number,
        session_date=s.session_date,
        start_time=s.start_time,
        end_time=s.end_time,
        topic=s.topic,
    )
