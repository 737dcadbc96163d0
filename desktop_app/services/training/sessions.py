"""A training's sessions: one or many at a time ("setiap hari 1-5 Desember"), moved or removed
while no attendance pins them down."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time

from desktop_app.domain.access import Permission
from desktop_app.domain.office import format_date_id
from desktop_app.domain.training import (
    MAX_SESSION_RANGE_DAYS,
    TrainingStatus,
    daily_dates,
    numbered_topics,
    widened_dates,
)
from desktop_app.services.access import TRAINING_READERS, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.training import messages as m
from desktop_app.services.training.common import clean, has_marks, live, session_rows, time_text
from desktop_app.services.training.trainings import TrainingLifecycle
from desktop_app.services.training.views import SessionView, session_view
from desktop_app.storage.training_models import Training, TrainingSession

__all__ = ["TrainingSessions"]


def _time_range(
    start_time: time | str | None, end_time: time | str | None
) -> tuple[str | None, str | None]:
    start_text, end_text = time_text(start_time), time_text(end_time)
    if start_text and end_text and end_text <= start_text:
        raise ServiceError(m.SESSION_ENDS_BEFORE_START)
    return start_text, end_text


class TrainingSessions(TrainingLifecycle):
    @requires(Permission.TRAINING_MANAGE)
    def add_session(
        self,
        training_id: str,
        session_date: date,
        topic: str,
        start_time: time | str | None = None,
        end_time: time | str | None = None,
    ) -> str:
        return self.add_sessions(training_id, [(session_date, topic)], start_time, end_time)[0]

    @requires(Permission.TRAINING_MANAGE)
    def add_sessions(
        self,
        training_id: str,
        dated_topics: Iterable[tuple[date, str]],
        start_time: time | str | None = None,
        end_time: time | str | None = None,
        *,
        uow: UnitOfWork | None = None,
    ) -> list[str]:
        start_text, end_text = _time_range(start_time, end_time)
        items = [(d, clean(topic) or "") for d, topic in dated_topics]
        if not items:
            raise ServiceError(m.NO_SESSION_DATES)
        with self.ctx.join_or_open(uow) as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError(m.FINISHED_NO_NEW_SESSION)
            existing = {(s.session_date, s.start_time) for s in session_rows(w, training_id)}
            ids: list[str] = []
            now = w.now()  # one timestamp for the whole batch
            for session_date, topic in items:
                if (session_date, start_text) in existing:
                    if start_text:
                        raise ServiceError(
                            m.SESSION_EXISTS_AT, date=format_date_id(session_date), time=start_text
                        )
                    raise ServiceError(m.SESSION_EXISTS, date=format_date_id(session_date))
                existing.add((session_date, start_text))
                session = w.create(
                    TrainingSession,
                    "training_session",
                    training_id=training_id,
                    session_date=session_date,
                    start_time=start_text,
                    end_time=end_text,
                    topic=topic or f"Sesi {len(existing)}",
                    created_at=now,
                    updated_at=now,
                )
                ids.append(session.id)
            _widen_dates(w, training, [d for d, _t in items])
            return ids

    @requires(Permission.TRAINING_MANAGE)
    def add_daily_sessions(
        self,
        training_id: str,
        start: date,
        end: date,
        *,
        topics: Sequence[str] = (),
        start_time: time | str | None = None,
        end_time: time | str | None = None,
        skip_weekends: bool = False,
    ) -> list[str]:
        """One session per day from `start` to `end` ("setiap hari 1-5 Desember"); topics are
        used in order, the rest are numbered."""
        if end < start:
            raise ServiceError(m.RANGE_REVERSED)
        if (end - start).days > MAX_SESSION_RANGE_DAYS:
            raise ServiceError(m.RANGE_TOO_LONG)
        weekdays = range(5) if skip_weekends else None
        dates = list(daily_dates(start, end, weekdays=weekdays))
        topic_list = [t for t in (clean(x) for x in topics) if t]
        dated = numbered_topics(dates, topic_list, already=len(self.sessions(training_id)))
        return self.add_sessions(training_id, dated, start_time, end_time)

    @requires(Permission.TRAINING_MANAGE)
    def update_session(
        self,
        session_id: str,
        session_date: date,
        topic: str,
        start_time: time | str | None = None,
        end_time: time | str | None = None,
    ) -> dict:
        start_text, end_text = _time_range(start_time, end_time)
        if not clean(topic):
            raise ServiceError(m.TOPIC_REQUIRED)
        with self.ctx.unit_of_work() as w:
            session = live(w, TrainingSession, session_id, m.NO_SESSION)
            training = live(w, Training, session.training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError(m.FINISHED_SESSION_LOCKED)
            if session_date > self.ctx.clock.today() and has_marks(w, session_id):
                raise ServiceError(m.MARKED_SESSION_NOT_FUTURE)
            changes = w.update(
                session,
                "training_session",
                {
                    "session_date": session_date,
                    "topic": clean(topic),
                    "start_time": start_text,
                    "end_time": end_text,
                },
            )
            _widen_dates(w, training, [session_date])
            return changes

    @requires(Permission.TRAINING_MANAGE)
    def remove_session(self, session_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            session = live(w, TrainingSession, session_id, m.NO_SESSION)
            training = live(w, Training, session.training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError(m.FINISHED_SESSION_KEPT)
            if has_marks(w, session_id):
                raise ServiceError(m.MARKED_SESSION_KEPT)
            w.update(session, "training_session", {"deleted": True}, op="delete")

    @requires(*TRAINING_READERS)
    def sessions(self, training_id: str) -> list[SessionView]:
        with self.ctx.db.session() as s:
            rows = session_rows(s, training_id)
        return [session_view(i + 1, r) for i, r in enumerate(rows)]


def _widen_dates(w: UnitOfWork, training: Training, dates: Sequence[date]) -> None:
    start, end = widened_dates(training.start_date, training.end_date, dates)
    if (start, end) != (training.start_date, training.end_date):
        w.update(training, "training", {"start_date": start, "end_date": end})
