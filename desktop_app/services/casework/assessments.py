"""Assessments: program-specific answers, validated against domain.casework's definitions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from desktop_app.domain.casework import validate_assessment
from desktop_app.services.casework.cases import CaseOps
from desktop_app.services.casework.common import assessment_refusal
from desktop_app.storage.casework_models import CaseAssessment

__all__ = ["AssessmentOps"]


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
