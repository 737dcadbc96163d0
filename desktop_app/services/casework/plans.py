"""Plans with goals: the newest plan of a case is its current one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from desktop_app.domain.casework import GOAL_STATUSES
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.assessments import AssessmentOps
from desktop_app.services.casework.common import choice_key
from desktop_app.services.context import ServiceError
from desktop_app.storage.casework_models import CaseGoal, CasePlan

__all__ = ["GoalInput", "PlanOps"]

MAX_GOAL_CHARS = 300


@dataclass(frozen=True)
class GoalInput:
    """One goal of a plan: what should be reached, optionally by when."""

    text: str
    target_on: date | None = None


class PlanOps(AssessmentOps):
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
        status = choice_key(status, GOAL_STATUSES, m.GOAL_STATUS_UNKNOWN, "status")
        with self.ctx.unit_of_work() as uow:
            goal = uow.session.get(CaseGoal, goal_id) if goal_id else None
            if goal is None or goal.deleted:
                raise ServiceError(m.GOAL_NOT_FOUND)
            case = self.open_case_for_write(uow, goal.case_id)
            done = self.work_date(case, on) if status != "berjalan" else None
            uow.update(goal, "case_goal", {"status": status, "done_on": done})
