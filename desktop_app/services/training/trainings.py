"""Trainings themselves: the office's training settings (skill categories, NIK rule), and a
training's life from planned through running to finished."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from desktop_app.domain.access import Permission
from desktop_app.domain.errors import Msg
from desktop_app.domain.office import format_date_id
from desktop_app.domain.training import (
    TRAINING_STATUS_LABELS,
    TrainingStatus,
    can_move,
    split_trainers,
)
from desktop_app.services.access import TRAINING_READERS, requires
from desktop_app.services.context import ServiceError, UnitOfWork, replace_json_setting
from desktop_app.services.training import messages as m
from desktop_app.services.training.common import (
    ACTIVE,
    SETTINGS_KEY,
    TrainingServiceBase,
    active_count,
    clean,
    live,
    session_rows,
)
from desktop_app.services.training.messages import TrainingInputRefused
from desktop_app.services.training.views import (
    TrainingInput,
    TrainingRow,
    TrainingSettings,
    training_row,
)
from desktop_app.storage.models import Setting
from desktop_app.storage.training_models import Training, TrainingParticipant, TrainingSession

__all__ = ["TrainingLifecycle"]


class TrainingLifecycle(TrainingServiceBase):
    # -- settings --------------------------------------------------------------------------
    @requires(*TRAINING_READERS)
    def settings(self) -> TrainingSettings:
        with self.ctx.db.session() as s:
            row = s.get(Setting, SETTINGS_KEY)
            return TrainingSettings.from_dict(json.loads(row.value) if row else {})

    @requires(Permission.TRAINING_MANAGE)
    def save_settings(self, settings: TrainingSettings) -> None:
        settings = TrainingSettings.from_dict(settings.to_dict())
        with self.ctx.unit_of_work() as w:
            after = settings.to_dict()
            before = replace_json_setting(w.session, SETTINGS_KEY, after)
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            if changes:
                w.log("setting", SETTINGS_KEY, "update", changes)

    # -- trainings -------------------------------------------------------------------------
    def _check_training(self, inp: TrainingInput) -> dict[str, Any]:
        title = clean(inp.title)
        category = clean(inp.category)
        organiser = clean(inp.organiser)
        venue = clean(inp.venue)
        trainers = split_trainers(inp.trainers)
        problems: list[Msg] = []
        if not title:
            problems.append(m.TITLE_REQUIRED)
        if not category:
            problems.append(m.CATEGORY_REQUIRED)
        if not organiser:
            problems.append(m.ORGANISER_REQUIRED)
        if not venue:
            problems.append(m.VENUE_REQUIRED)
        if not trainers:
            problems.append(m.TRAINER_REQUIRED)
        if inp.end_date < inp.start_date:
            problems.append(m.END_BEFORE_START)
        if inp.quota is not None and inp.quota < 1:
            problems.append(m.QUOTA_TOO_SMALL)
        threshold = (
            inp.threshold_pct
            if inp.threshold_pct is not None
            else self.ctx.office.completion_threshold_pct
        )
        if not 0 <= threshold <= 100:
            problems.append(m.THRESHOLD_OUT_OF_RANGE)
        if problems:
            raise TrainingInputRefused(problems)
        return {
            "title": title,
            "category": category,
            "organiser": organiser,
            "trainers": "\n".join(trainers),
            "venue": venue,
            "start_date": inp.start_date,
            "end_date": inp.end_date,
            "quota": inp.quota,
            "threshold_pct": int(threshold),
            "notes": clean(inp.notes),
        }

    @requires(Permission.TRAINING_MANAGE)
    def create_training(self, inp: TrainingInput, *, uow: UnitOfWork | None = None) -> str:
        values = self._check_training(inp)
        with self.ctx.join_or_open(uow) as w:
            training = w.create(Training, "training", **values, status=TrainingStatus.PLANNED.value)
            return training.id

    @requires(Permission.TRAINING_MANAGE)
    def update_training(self, training_id: str, inp: TrainingInput) -> dict:
        values = self._check_training(inp)
        with self.ctx.unit_of_work() as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value and (
                values["threshold_pct"] != training.threshold_pct
            ):
                raise ServiceError(m.THRESHOLD_LOCKED)
            active = active_count(w, training_id)
            if values["quota"] is not None and values["quota"] < active:
                raise ServiceError(m.QUOTA_BELOW_ACTIVE, quota=values["quota"], active=active)
            return w.update(training, "training", values)

    @requires(Permission.TRAINING_MANAGE)
    def set_status(self, training_id: str, status: TrainingStatus | str) -> None:
        target = TrainingStatus(status)
        with self.ctx.unit_of_work() as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            if training.status == target.value:
                return
            if not can_move(training.status, target):
                raise ServiceError(
                    m.STATUS_CANNOT_MOVE,
                    current=TRAINING_STATUS_LABELS[TrainingStatus(training.status)],
                    target=TRAINING_STATUS_LABELS[target],
                )
            if target == TrainingStatus.FINISHED:
                sessions = session_rows(w, training_id)
                if not sessions:
                    raise ServiceError(m.NO_SESSIONS)
                last = max(s.session_date for s in sessions)
                if last > self.ctx.clock.today():
                    raise ServiceError(m.SESSIONS_AHEAD, date=format_date_id(last))
            w.update(training, "training", {"status": target.value}, op="status")

    @requires(Permission.TRAINING_MANAGE)
    def delete_training(self, training_id: str, reason: str) -> None:
        if not reason.strip():
            raise ServiceError(m.DELETE_REASON_REQUIRED)
        with self.ctx.unit_of_work() as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            if active_count(w, training_id) or session_rows(w, training_id):
                raise ServiceError(m.DELETE_IN_USE)
            notes = f"{training.notes}\n[dihapus] {reason.strip()}" if training.notes else None
            w.update(
                training,
                "training",
                {"deleted": True, "notes": notes or f"[dihapus] {reason.strip()}"},
                op="delete",
            )

    @requires(*TRAINING_READERS)
    def list_trainings(self, status: str | None = None) -> list[TrainingRow]:
        with self.ctx.db.session() as s:
            stmt = select(Training).where(Training.deleted == False)  # noqa: E712
            if status:
                stmt = stmt.where(Training.status == status)
            trainings = s.exec(stmt.order_by(col(Training.start_date).desc())).all()
            counts = dict(
                s.exec(
                    select(TrainingParticipant.training_id, func.count())
                    .where(
                        TrainingParticipant.status == ACTIVE,
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                    .group_by(TrainingParticipant.training_id)
                ).all()
            )
            sessions = dict(
                s.exec(
                    select(TrainingSession.training_id, func.count())
                    .where(TrainingSession.deleted == False)  # noqa: E712
                    .group_by(TrainingSession.training_id)
                ).all()
            )
        return [training_row(t, counts.get(t.id, 0), sessions.get(t.id, 0)) for t in trainings]

    @requires(*TRAINING_READERS)
    def get_training(self, training_id: str) -> TrainingRow:
        with self.ctx.db.session() as s:
            t = live(s, Training, training_id, m.NO_TRAINING)
            participants = active_count(s, training_id)
            sessions = s.exec(
                select(func.count()).where(
                    TrainingSession.training_id == training_id,
                    TrainingSession.deleted == False,  # noqa: E712
                )
            ).one()
        return training_row(t, participants, int(sessions))
