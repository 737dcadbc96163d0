"""Dated activities on a case: home visits, sessions, referrals, aid handed over, hearings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from desktop_app.domain.casework import ACTIVITY_KINDS, REFERRAL_TARGETS, ActivityKind
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.common import CASE_ENTITY, choice_key
from desktop_app.services.casework.plans import PlanOps
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.storage.casework_models import CaseActivity, CaseFile

__all__ = ["ActivityOps"]


class ActivityOps(PlanOps):
    def add_activity(
        self,
        case_id: str,
        kind: str,
        *,
        done_on: date | None = None,
        notes: str | None = None,
        follow_up_on: date | None = None,
        target: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> str:
        """Record work done on a case; returns the activity id. A referral names its target
        (REFERRAL_TARGETS); a follow-up date becomes the case's next due date."""
        self.require_casework()
        kind = choice_key(kind, ACTIVITY_KINDS, m.ACTIVITY_KIND_UNKNOWN, "kind")
        target = (target or "").strip().lower() or None
        if kind == ActivityKind.REFERRAL and target is None:
            raise ServiceError(m.REFERRAL_TARGET_REQUIRED)
        if target is not None and target not in REFERRAL_TARGETS:
            raise ServiceError(m.REFERRAL_TARGET_UNKNOWN, target=target)
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            extra = dict(details or {})
            if kind == ActivityKind.HEARING and case.stage:
                extra.setdefault("stage", case.stage)  # the hearing belongs to this stage
            return self.insert_activity(
                uow,
                case,
                kind,
                done_on=self.work_date(case, done_on),
                notes=self.clean_notes(notes),
                follow_up_on=as_date(follow_up_on),
                target=target,
                details=extra,
            )

    def insert_activity(
        self,
        uow: UnitOfWork,
        case: CaseFile,
        kind: str,
        *,
        done_on: date,
        notes: str | None,
        follow_up_on: date | None,
        target: str | None,
        details: Mapping[str, Any],
    ) -> str:
        """Insert a checked activity inside the caller's unit of work and move the case's
        next due date when the activity sets one."""
        if follow_up_on is not None and follow_up_on <= done_on:
            raise ServiceError(
                m.FOLLOW_UP_BEFORE,
                follow_up=follow_up_on.strftime("%d-%m-%Y"),
                on=done_on.strftime("%d-%m-%Y"),
            )
        actor = self.ctx.current_actor()
        row = uow.create(
            CaseActivity,
            "case_activity",
            case_id=case.id,
            kind=kind,
            done_on=done_on,
            worker=self.worker_name(actor),
            notes=notes,
            follow_up_on=follow_up_on,
            target=target,
            details=json.dumps(dict(details), ensure_ascii=False, sort_keys=True),
        )
        if follow_up_on is not None:
            uow.update(case, CASE_ENTITY, {"follow_up_on": follow_up_on})
        return row.id
