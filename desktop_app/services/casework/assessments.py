"""Assessments (program-specific answers, validated against domain.casework's definitions) and
plans with goals."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date

from desktop_app.domain.casework import GOAL_STATUSES, validate_assessment
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.cases import CaseOps
from desktop_app.services.casework.common import assessment_refusal
from desktop_app.services.context import ServiceError
from desktop_app.storage.casework_models import CaseAssessment, CaseGoal, CasePlan

__all__ = ["AssessmentOps", "GoalInput"]

MAX_GOAL_CHARS = 300


class GoalInput:
    """One goal of a plan: what should be reached, optionally by when."""

    __slots__ = ("target_on", "text")

    def __init__(self, text: str, target_on: date | None = None) -> None:
        self.text = text
        self.target_on = target_on


class AssessmentOps(CaseOps):
    def record_assessment(
        self, case_id: str, answers: Mapping[str, object], *, assessed_on: date | None = None
    ) -> str:
        """Store an assessment; the answers must fit the case's program form
        (ASSESSMENT_FIELDS). Refuses with the first problem's code (casework.field_*)."""
        self.require_casework()
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            actor = self.ctx.current_actor()
            cleaned, problems = validate_assessment(case.program_code, answers)
            if problems:
                raise assessment_refusal(problems[0])
            day = self.work_date(case, assessed_on)
            row = uow.create(
                CaseAssessment,
                "case_assessment",
                case_id=case.id,
                assessed_on=day,
                assessor=self.worker_name(actor),
                answers=json.dumps(cleaned, ensure_ascii=False, sort_keys=True),
            )
            return row.id

    def make_plan(
        self,
        case_id: str,
        goals: Sequence[GoalInput | str],
        *,
        made_on: date | None = None,
        review_on: date | None = None,
        summary: str | None = None,
    ) -> str:
        """A new plan for the case (the newest plan is the current one) with its goals."""
        self.require_casework()
        items = [g if isinstance(g, GoalInput) else GoalInput(g) for g in goals]
        items = [GoalInput(" ".join(g.text.split()), as_date(g.target_on)) for g in items]
        items = [g for g in items if g.text]
        if not items:
            raise ServiceError(m.GOALS_REQUIRED)
        if any(len(g.text) > MAX_GOAL_CHARS for g in items):
            raise ServiceError(m.NOTES_TOO_LONG, limit=MAX_GOAL_CHARS)
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            day = self.work_date(case, made_on)
            plan = uow.create(
                CasePlan,
                "case_plan",
                case_id=case.id,
                made_on=day,
                review_on=as_date(review_on),
                summary=self.clean_notes(summary),
            )
            uow.session.flush()  # the goals' foreign key needs the plan row first
            for goal in items:
                uow.create(
                    CaseGoal,
                    "case_goal",
                    plan_id=plan.id,
                    case_id=case.id,
                    text=goal.text,
                    target_on=goal.target_on,
                    status="berjalan",
                    done_on=None,
                )
            return plan.id

    def set_goal_status(self, goal_id: str, status: str, *, on: date | None = None) -> None:
        self.require_casework()
        status = (status or "").strip().lower()
        if status not in GOAL_STATUSES:
            raise ServiceError(m.GOAL_STATUS_UNKNOWN, status=status or "-")
        with self.ctx.unit_of_work() as uow:
            goal = uow.session.get(CaseGoal, goal_id) if goal_id else None
            if goal is None or goal.deleted:
                raise ServiceError(m.GOAL_NOT_FOUND)
            case = self.open_case_for_write(uow, goal.case_id)
            done = self.work_date(case, on) if status != "berjalan" else None
            uow.update(goal, "case_goal", {"status": status, "done_on": done})
