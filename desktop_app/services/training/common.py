"""What every part of the training service shares: status words, text clean-up, the live-row
lookup with a coded refusal, the few queries several parts run, and the service's base class."""

from __future__ import annotations

from datetime import time
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from desktop_app.domain.errors import Msg
from desktop_app.domain.training import parse_time
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork
from desktop_app.services.registry import RegistryService
from desktop_app.services.training.messages import BAD_TIME
from desktop_app.storage.training_models import Attendance, TrainingParticipant, TrainingSession

__all__ = [
    "ACTIVE",
    "MIN_OVERRIDE_REASON",
    "PROGRAM_CODE",
    "SETTINGS_KEY",
    "WITHDRAWN",
    "TrainingServiceBase",
    "active_count",
    "clean",
    "has_marks",
    "live",
    "session_rows",
    "time_text",
]

SETTINGS_KEY = "training_settings"
PROGRAM_CODE = "PELATIHAN"
ACTIVE = "aktif"
WITHDRAWN = "mundur"
MIN_OVERRIDE_REASON = 10

_Row = TypeVar("_Row", bound=SQLModel)


class TrainingServiceBase:
    """The context and the registry every part of the training service works with."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.registry = RegistryService(ctx)


def live(db: Session | UnitOfWork, model: type[_Row], row_id: str, missing: Msg) -> _Row:
    """The live row `row_id` of `model`, or the coded refusal `missing` when it is absent or
    deleted (context.require_live refuses with uncoded text)."""
    session = db.session if isinstance(db, UnitOfWork) else db
    row = session.get(model, row_id)
    if row is None or getattr(row, "deleted", False):
        raise ServiceError(missing)
    return row


def clean(value: str | None) -> str | None:
    """Spaces squashed; empty text becomes None."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def time_text(value: time | str | None) -> str | None:
    """A session time as stored ("08:00"), from a time or from what a clerk typed."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    parsed = parse_time(value)
    if parsed is None:
        raise ServiceError(BAD_TIME, value=value)
    return parsed.strftime("%H:%M")


def session_rows(db: Session | UnitOfWork, training_id: str) -> list[TrainingSession]:
    """The training's live sessions in date and time order."""
    return list(
        _session(db)
        .exec(
            select(TrainingSession)
            .where(
                TrainingSession.training_id == training_id,
                TrainingSession.deleted == False,  # noqa: E712
            )
            .order_by(TrainingSession.session_date, TrainingSession.start_time)  # type: ignore[arg-type]
        )
        .all()
    )


def _session(db: Session | UnitOfWork) -> Session:
    return db.session if isinstance(db, UnitOfWork) else db


def active_count(db: Session | UnitOfWork, training_id: str) -> int:
    """How many participants of the training are active (not withdrawn)."""
    return int(
        _session(db)
        .exec(
            select(func.count()).where(
                TrainingParticipant.training_id == training_id,
                TrainingParticipant.status == ACTIVE,
                TrainingParticipant.deleted == False,  # noqa: E712
            )
        )
        .one()
    )


def has_marks(w: UnitOfWork, session_id: str) -> bool:
    return (
        w.session.exec(
            select(Attendance.id).where(
                Attendance.session_id == session_id,
                Attendance.code != None,  # noqa: E711
                Attendance.deleted == False,  # noqa: E712
            )
        ).first()
        is not None
    )
