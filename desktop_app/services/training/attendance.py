"""Attendance: marks per session (one at a time or a whole column, "semua hadir"), the rules
on when a mark may change, and the grid the tab and the recap read."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, select

from desktop_app.domain.access import Permission
from desktop_app.domain.attendance import AttendanceCode, parse_attendance
from desktop_app.domain.office import format_date_id
from desktop_app.domain.training import TrainingStatus
from desktop_app.services.access import TRAINING_READERS, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.training import messages as m
from desktop_app.services.training.common import ACTIVE, live
from desktop_app.services.training.participants import TrainingParticipants
from desktop_app.services.training.views import AttendanceGrid
from desktop_app.storage.training_models import (
    Attendance,
    Training,
    TrainingParticipant,
    TrainingSession,
)

__all__ = ["TrainingAttendance"]


class TrainingAttendance(TrainingParticipants):
    @requires(Permission.ATTENDANCE)
    def set_attendance(
        self, session_id: str, participant_id: str, code: AttendanceCode | str | None
    ) -> None:
        self.set_attendance_many(session_id, {participant_id: code})

    @requires(Permission.ATTENDANCE)
    def set_attendance_many(
        self,
        session_id: str,
        marks: Mapping[str, AttendanceCode | str | None],
        *,
        uow: UnitOfWork | None = None,
    ) -> int:
        """Record marks for one session in one transaction; returns how many changed."""
        parsed: dict[str, str | None] = {}
        for participant_id, raw in marks.items():
            if raw is None or raw == "":
                parsed[participant_id] = None
                continue
            known = parse_attendance(str(raw))
            if known is None:
                raise ServiceError(m.UNKNOWN_CODE, code=raw)
            parsed[participant_id] = known.value
        with self.ctx.join_or_open(uow) as w:
            session = live(w, TrainingSession, session_id, m.NO_SESSION)
            training = live(w, Training, session.training_id, m.NO_TRAINING)
            self._check_can_mark(training, session)
            existing = {
                a.participant_id: a
                for a in w.session.exec(
                    select(Attendance).where(
                        Attendance.session_id == session_id,
                        Attendance.deleted == False,  # noqa: E712
                    )
                ).all()
            }
            # One query for every participant: a per-row lookup would flush the pending
            # inserts each time and make "semua hadir" for 80 people crawl.
            people = {
                p.id: p
                for p in w.session.exec(
                    select(TrainingParticipant).where(
                        col(TrainingParticipant.id).in_(list(parsed)),
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                ).all()
            }
            changed = 0
            now = w.now()
            for participant_id, code in parsed.items():
                participant = people.get(participant_id)
                if participant is None:
                    raise ServiceError(m.NO_PARTICIPANT)
                if participant.training_id != training.id:
                    raise ServiceError(m.PARTICIPANT_ELSEWHERE)
                if participant.status != ACTIVE:
                    raise ServiceError(m.WITHDRAWN_MARKS_FROZEN)
                row = existing.get(participant_id)
                if row is None:
                    if code is None:
                        continue
                    row = w.create(
                        Attendance,
                        "attendance",
                        op="mark",
                        session_id=session_id,
                        participant_id=participant_id,
                        code=code,
                        created_at=now,
                        updated_at=now,
                    )
                    existing[participant_id] = row
                    changed += 1
                elif w.update(row, "attendance", {"code": code}, op="mark"):
                    changed += 1
            if changed and training.status == TrainingStatus.PLANNED.value:
                # The first mark means the training has started; no extra click for the clerk.
                running = {"status": TrainingStatus.RUNNING.value}
                w.update(training, "training", running, op="status")
            return changed

    @requires(Permission.ATTENDANCE)
    def mark_all_present(self, session_id: str) -> int:
        """'Semua hadir': every active participant without a mark becomes H. Marks already
        entered (izin, sakit) are kept."""
        with self.ctx.db.session() as s:
            session = live(s, TrainingSession, session_id, m.NO_SESSION)
            marked = set(
                s.exec(
                    select(Attendance.participant_id).where(
                        Attendance.session_id == session_id,
                        Attendance.deleted == False,  # noqa: E712
                        Attendance.code != None,  # noqa: E711
                    )
                ).all()
            )
            active = s.exec(
                select(TrainingParticipant.id).where(
                    TrainingParticipant.training_id == session.training_id,
                    TrainingParticipant.status == ACTIVE,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).all()
        todo: dict[str, AttendanceCode | str | None] = {
            pid: AttendanceCode.HADIR.value for pid in active if pid not in marked
        }
        if not todo:
            return 0
        return self.set_attendance_many(session_id, todo)

    @requires(*TRAINING_READERS)
    def attendance_grid(self, training_id: str) -> AttendanceGrid:
        training = self.get_training(training_id)
        sessions = self.sessions(training_id)
        participants = self.participants(training_id)
        with self.ctx.db.session() as s:
            marks = {
                (a.participant_id, a.session_id): a.code
                for a in s.exec(
                    select(Attendance)
                    .join(TrainingSession, TrainingSession.id == Attendance.session_id)  # type: ignore[arg-type]
                    .where(
                        TrainingSession.training_id == training_id,
                        Attendance.deleted == False,  # noqa: E712
                        Attendance.code != None,  # noqa: E711
                    )
                ).all()
                if a.code is not None
            }
        return AttendanceGrid(
            training=training,
            sessions=sessions,
            participants=participants,
            marks=marks,
            today=self.ctx.clock.today(),
        )

    def _check_can_mark(self, training: Training, session: TrainingSession) -> None:
        if training.status == TrainingStatus.FINISHED.value:
            raise ServiceError(m.FINISHED_MARKS_LOCKED)
        if session.session_date > self.ctx.clock.today():
            raise ServiceError(m.SESSION_IN_FUTURE, date=format_date_id(session.session_date))
