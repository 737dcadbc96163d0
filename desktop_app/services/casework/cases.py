"""Opening, reading, reassigning and closing cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from desktop_app.domain.casework import (
    CASEWORK_PROGRAMS,
    CLOSE_REASONS,
    CaseStatus,
    next_visit_due,
)
from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.common import (
    CASE_ENTITY,
    MAX_VISIT_EVERY_DAYS,
    CaseworkBase,
    choice_key,
    load_json,
)
from desktop_app.services.casework.views import (
    ActivityView,
    AssessmentView,
    CaseDetail,
    DeviceView,
    GoalView,
    PlanView,
    StageView,
)
from desktop_app.services.context import ServiceError
from desktop_app.storage.casework_models import (
    CaseAssessment,
    CaseDevice,
    CaseFile,
    CaseGoal,
    CasePlan,
    CaseStage,
)

__all__ = ["CaseOps"]

# A case's activities as the case screen lists them, newest first: plain SQL, because a year
# of Si Hore visits is a few hundred rows and ORM objects for them cost more than the rest of
# opening the case together.
_ACTIVITIES = (
    "SELECT id, kind, done_on, worker, notes, follow_up_on, target, details FROM case_activity "
    "WHERE case_id = :c AND deleted = 0 ORDER BY done_on DESC, created_at DESC"
)

_OPEN_CASE = text(
    "SELECT 1 FROM case_file WHERE person_id = :p AND program_code = :prog AND status = :s "
    "AND deleted = 0 LIMIT 1"
)
_ENROLLED = text(
    "SELECT 1 FROM enrolment WHERE person_id = :p AND program_code = :prog AND deleted = 0 LIMIT 1"
)


def _visit_every(days: int | None) -> int | None:
    if days is None:
        return None
    if not 1 <= int(days) <= MAX_VISIT_EVERY_DAYS:
        raise ServiceError(m.VISIT_FREQUENCY_INVALID)
    return int(days)


class CaseOps(CaseworkBase):
    def open_case(
        self,
        person_id: str,
        program_code: str,
        *,
        worker: str | None = None,
        opened_on: date | None = None,
        carer: str | None = None,
        visit_every_days: int | None = None,
        notes: str | None = None,
    ) -> str:
        """Open a case for a person in one casework program; returns the case id. One open
        case per person and program. `worker` is the assigned social worker's username
        (default: whoever opens it); Si Hore cases carry their carer and visit frequency."""
        self.require_casework()
        program_code = (program_code or "").strip().upper()
        if program_code not in CASEWORK_PROGRAMS:
            raise ServiceError(m.PROGRAM_NOT_CASEWORK, program=program_code or "-")
        actor = self.require_view(program_code)
        worker = " ".join((worker or self.worker_name(actor)).split())
        if not worker:
            raise ServiceError(m.WORKER_REQUIRED)
        opened = as_date(opened_on) or self.ctx.clock.today()
        if opened > self.ctx.clock.today():
            raise ServiceError(m.DATE_IN_FUTURE, on=opened.strftime("%d-%m-%Y"))
        every = _visit_every(visit_every_days)
        with self.ctx.unit_of_work() as uow:
            self.person_info(uow.session, person_id)
            params = {"p": person_id, "prog": program_code, "s": CaseStatus.OPEN.value}
            if uow.session.execute(_OPEN_CASE, params).first() is not None:
                raise ServiceError(m.CASE_ALREADY_OPEN, program=PROGRAMS[program_code].short)
            case = uow.create(
                CaseFile,
                CASE_ENTITY,
                person_id=person_id,
                program_code=program_code,
                worker=worker,
                status=CaseStatus.OPEN.value,
                opened_on=opened,
                carer=" ".join((carer or "").split()) or None,
                visit_every_days=every if program_code == "SIHORE" else None,
                follow_up_on=None,
                notes=self.clean_notes(notes),
            )
            if program_code == "SIHORE":
                uow.update(case, CASE_ENTITY, {"follow_up_on": next_visit_due(None, every, opened)})
            return case.id

    def is_enrolled(self, person_id: str, program_code: str) -> bool:
        """Whether the person has an enrolment (live, past or present) in the program: the
        GUI offers "open a case" for enrolled persons first."""
        self.require_casework()
        with self.ctx.db.session() as s:
            row = s.execute(_ENROLLED, {"p": person_id, "prog": program_code}).first()
            return row is not None

    def reassign(self, case_id: str, worker: str) -> None:
        self.require_casework()
        worker = " ".join((worker or "").split())
        if not worker:
            raise ServiceError(m.WORKER_REQUIRED)
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            uow.update(case, CASE_ENTITY, {"worker": worker}, op="reassign")

    def set_follow_up(self, case_id: str, on: date | None, notes: str | None = None) -> None:
        """The next date something is due on the case (None clears it)."""
        self.require_casework()
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            changes: dict[str, Any] = {"follow_up_on": as_date(on)}
            if notes is not None:
                changes["notes"] = self.clean_notes(notes)
            uow.update(case, CASE_ENTITY, changes)

    def close_case(
        self, case_id: str, reason: str, *, closed_on: date | None = None, note: str | None = None
    ) -> None:
        """Close a case with a reason (CLOSE_REASONS); the record stays, read-only."""
        self.require_casework()
        reason = choice_key(reason, CLOSE_REASONS, m.CLOSE_REASON_UNKNOWN, "reason")
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            day = self.work_date(case, closed_on)
            uow.update(
                case,
                CASE_ENTITY,
                {
                    "status": CaseStatus.CLOSED.value,
                    "closed_on": day,
                    "close_reason": reason,
                    "close_note": self.clean_notes(note),
                    "follow_up_on": None,
                },
                op="close",
            )

    # -- opening a case --------------------------------------------------------------------
    def get_case(self, case_id: str) -> CaseDetail:
        """Open a case: its person, record, latest assessment and plan, activities (newest
        first), devices and SPPA stages. Opening a restricted program's case needs
        RESTRICTED_VIEW and is written to the access log."""
        self.require_casework()
        with self.ctx.db.session() as s:
            case = self.live_case(s, case_id)
            self.require_view(case.program_code)
            detail = self._detail(s, case)
        if case.program_code in PROGRAMS and PROGRAMS[case.program_code].sensitive:
            self.ctx.log_access("open", CASE_ENTITY, case.id, case.program_code)
        return detail

    def _detail(self, s: Session, case: CaseFile) -> CaseDetail:
        assessment = s.exec(
            select(CaseAssessment)
            .where(CaseAssessment.case_id == case.id, CaseAssessment.deleted == False)  # noqa: E712
            .order_by(col(CaseAssessment.assessed_on).desc(), col(CaseAssessment.created_at).desc())
            .limit(1)
        ).first()
        plan = s.exec(
            select(CasePlan)
            .where(CasePlan.case_id == case.id, CasePlan.deleted == False)  # noqa: E712
            .order_by(col(CasePlan.made_on).desc(), col(CasePlan.created_at).desc())
            .limit(1)
        ).first()
        plan_view = None
        if plan is not None:
            goals = s.exec(
                select(CaseGoal)
                .where(CaseGoal.plan_id == plan.id, CaseGoal.deleted == False)  # noqa: E712
                .order_by(col(CaseGoal.created_at))
            ).all()
            plan_view = PlanView(
                plan.id,
                plan.made_on,
                plan.review_on,
                plan.summary,
                tuple(GoalView(g.id, g.text, g.target_on, g.status, g.done_on) for g in goals),
            )
        # Straight to the driver: SQLAlchemy's per-row processing of a year of visits costs
        # more than SQLite's own work.
        driver = s.connection().connection.driver_connection
        assert driver is not None
        day = date.fromisoformat
        activities = tuple(
            ActivityView(
                id=r[0],
                kind=r[1],
                done_on=day(r[2]),
                worker=r[3],
                notes=r[4],
                follow_up_on=day(r[5]) if r[5] else None,
                target=r[6],
                details=load_json(r[7]),
            )
            for r in driver.execute(_ACTIVITIES, {"c": case.id})
        )
        devices = s.exec(
            select(CaseDevice)
            .where(CaseDevice.case_id == case.id, CaseDevice.deleted == False)  # noqa: E712
            .order_by(col(CaseDevice.requested_on))
        ).all()
        stages = s.exec(
            select(CaseStage)
            .where(CaseStage.case_id == case.id, CaseStage.deleted == False)  # noqa: E712
            .order_by(col(CaseStage.started_on), col(CaseStage.created_at))
        ).all()
        return CaseDetail(
            id=case.id,
            program_code=case.program_code,
            person=self.person_info(s, case.person_id),
            worker=case.worker,
            status=case.status,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            close_reason=case.close_reason,
            close_note=case.close_note,
            follow_up_on=case.follow_up_on,
            carer=case.carer,
            visit_every_days=case.visit_every_days,
            last_visit_on=case.last_visit_on,
            stage=case.stage,
            notes=case.notes,
            assessment=(
                AssessmentView(
                    assessment.id,
                    assessment.assessed_on,
                    assessment.assessor,
                    load_json(assessment.answers),
                )
                if assessment
                else None
            ),
            plan=plan_view,
            activities=activities,
            devices=tuple(device_view(d) for d in devices),
            stages=tuple(
                StageView(st.id, st.stage, st.started_on, st.placement, st.note) for st in stages
            ),
        )


def device_view(d: CaseDevice) -> DeviceView:
    return DeviceView(
        id=d.id,
        case_id=d.case_id,
        kind=d.kind,
        status=d.status,
        requested_on=d.requested_on,
        spec=d.spec,
        delivered_on=d.delivered_on,
        received_by=d.received_by,
        number=d.number,
        signed=bool(d.signature),
    )
