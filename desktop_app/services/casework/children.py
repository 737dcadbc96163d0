"""Children's cases (anak terlantar, ABH): the SPPA stage timeline of an ABH case, referrals,
and the case summary for a hearing with the child's identity masked (UU 11/2012 pasal 19)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from desktop_app.documents.casework import (
    HearingSummaryDoc,
    TimelineLine,
    hearing_summary_pdf,
)
from desktop_app.domain.casework import (
    ACTIVITY_KINDS,
    ASSESSMENT_FIELDS,
    CHILD_PROGRAMS,
    PLACEMENTS,
    REFERRAL_TARGETS,
    SPPA_STAGES,
    ActivityKind,
    child_initials,
    stage_move_allowed,
)
from desktop_app.domain.office import format_date_id
from desktop_app.domain.programs import ABH_ROLES, PROGRAMS, age_on
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.common import CASE_ENTITY, choice_key
from desktop_app.services.casework.disability import DisabilityOps
from desktop_app.services.casework.views import CaseDetail
from desktop_app.services.context import ServiceError
from desktop_app.storage.casework_models import CaseStage

__all__ = ["ChildrenOps"]


class ChildrenOps(DisabilityOps):
    def set_stage(
        self,
        case_id: str,
        stage: str,
        *,
        started_on: date | None = None,
        placement: str | None = None,
        note: str | None = None,
    ) -> str:
        """Move an ABH case to its next SPPA stage (forward only; diversion may be skipped).
        Pembinaan names the placement (PLACEMENTS: orang tua, LPKS, LPKA)."""
        self.require_casework()
        stage = choice_key(stage, SPPA_STAGES, m.STAGE_UNKNOWN, "stage")
        placement = (placement or "").strip().lower() or None
        if placement is not None and (placement not in PLACEMENTS or stage != "pembinaan"):
            raise ServiceError(m.PLACEMENT_UNKNOWN, placement=placement)
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            self._require_program(case.program_code, "ABH")
            if not stage_move_allowed(case.stage, stage):
                raise ServiceError(
                    m.STAGE_BACKWARDS,
                    current=SPPA_STAGES.get(case.stage or "", case.stage or "-"),
                    stage=SPPA_STAGES[stage],
                )
            day = self.work_date(case, started_on)
            previous = uow.session.exec(
                select(CaseStage)
                .where(CaseStage.case_id == case.id, CaseStage.deleted == False)  # noqa: E712
                .order_by(col(CaseStage.started_on).desc())
                .limit(1)
            ).first()
            if previous is not None and day < previous.started_on:
                raise ServiceError(
                    m.STAGE_DATE_BEFORE,
                    stage=SPPA_STAGES[stage],
                    on=format_date_id(day),
                    previous=format_date_id(previous.started_on),
                )
            row = uow.create(
                CaseStage,
                "case_stage",
                case_id=case.id,
                stage=stage,
                started_on=day,
                placement=placement,
                note=self.clean_notes(note),
            )
            uow.update(case, CASE_ENTITY, {"stage": stage}, op="stage")
            return row.id

    def refer(
        self,
        case_id: str,
        target: str,
        *,
        done_on: date | None = None,
        notes: str | None = None,
        follow_up_on: date | None = None,
    ) -> str:
        """A referral (LPKS, Puskesmas, sekolah, ...): an activity of kind rujukan."""
        self.require_casework()
        return self.add_activity(
            case_id,
            ActivityKind.REFERRAL.value,
            done_on=done_on,
            notes=notes,
            follow_up_on=follow_up_on,
            target=target,
        )

    def hearing_summary(self, case_id: str) -> HearingSummaryDoc:
        """A child's case summary for a hearing, identity masked: initials, sex, age; no NIK,
        no address, no free-text notes (which may name people)."""
        self.require_casework()
        detail = self.get_case(case_id)
        if detail.program_code not in CHILD_PROGRAMS:
            raise ServiceError(m.WRONG_PROGRAM, expected="anak", program=detail.program_code)
        doc = _summary(detail, self.ctx.clock.today())
        return dataclasses.replace(doc, worker=self.worker_display(detail.worker))

    def hearing_summary_pdf(self, case_id: str, path: Path) -> int:
        doc = self.hearing_summary(case_id)
        lines = hearing_summary_pdf(Path(path), self.ctx.office, doc)
        self.ctx.log_access("print", CASE_ENTITY, case_id, "hearing_summary")
        return lines


def _choice_label(program: str, key: str, value: object) -> str:
    for f in ASSESSMENT_FIELDS.get(program, ()):
        if f.key == key and f.choices:
            if isinstance(value, list):
                return ", ".join(f.choices.get(v, v) for v in value)
            return f.choices.get(str(value), str(value))
    return "" if value is None else str(value)


def _summary(detail: CaseDetail, today: date) -> HearingSummaryDoc:
    answers = detail.assessment.answers if detail.assessment else {}
    timeline: list[TimelineLine] = [TimelineLine(detail.opened_on, "Kasus dibuka")]
    for st in detail.stages:
        place = PLACEMENTS.get(st.placement or "", "")
        timeline.append(TimelineLine(st.started_on, f"Tahap: {SPPA_STAGES[st.stage]}", place))
    for a in detail.activities:
        if a.kind == ActivityKind.HOME_VISIT:
            continue
        extra = REFERRAL_TARGETS.get(a.target or "", "")
        if a.kind == ActivityKind.HEARING and a.details.get("stage"):
            extra = SPPA_STAGES.get(str(a.details["stage"]), "")
        timeline.append(TimelineLine(a.done_on, ACTIVITY_KINDS.get(a.kind, a.kind), extra))
    timeline.sort(key=lambda t: t.on)
    birth = detail.person.birth_date
    needs = answers.get("kebutuhan") or []
    return HearingSummaryDoc(
        initials=child_initials(detail.person.name),
        sex=detail.person.sex,
        age=age_on(birth, today) if birth else None,
        program=PROGRAMS[detail.program_code].name,
        role=ABH_ROLES.get(str(answers.get("kedudukan") or ""), ""),
        matter=str(answers.get("perkara") or ""),
        stage=SPPA_STAGES.get(detail.stage or "", ""),
        worker=detail.worker,
        opened_on=detail.opened_on,
        timeline=tuple(timeline),
        needs=tuple(_choice_label(detail.program_code, "kebutuhan", [n]) for n in needs),
        school=_choice_label(detail.program_code, "sekolah", answers.get("sekolah"))
        if answers.get("sekolah")
        else "",
        made_on=today,
    )
