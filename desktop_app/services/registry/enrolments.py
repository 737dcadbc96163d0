"""Registry writes about program enrolments: enrol a person or household, leave a program."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from desktop_app.domain.access import Permission, is_restricted_program
from desktop_app.domain.programs import Unit, get_program, validate_enrolment
from desktop_app.domain.status import PersonStatus
from desktop_app.services.access import guard_person, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.registry.messages import (
    ALREADY_ENROLLED,
    ENROLMENT_ENDED,
    ENROLMENT_NOT_FOUND,
    HOUSEHOLD_NOT_FOUND,
    LEAVE_BEFORE_START,
    LEAVE_REASON_MISSING,
    PERSON_NOT_ACTIVE,
    PERSON_NOT_FOUND,
    PROGRAM_NEEDS_HOUSEHOLD,
    PROGRAM_NEEDS_PERSON,
)
from desktop_app.services.registry.reads import RegistryReads
from desktop_app.services.registry.records import ValidationFailed, require_row
from desktop_app.storage.models import Enrolment, Household, Person

__all__ = ["EnrolmentWrites"]


class EnrolmentWrites(RegistryReads):
    @requires(Permission.REGISTRY_EDIT)
    def enrol(
        self,
        program_code: str,
        *,
        person_id: str | None = None,
        household_id: str | None = None,
        start_date: date | None = None,
        details: dict | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        program = get_program(program_code)
        if is_restricted_program(program_code):
            self.ctx.require(Permission.RESTRICTED_VIEW)
        if person_id is not None:
            guard_person(self.ctx, person_id, detail="kepesertaan", log=uow is None)
        details = details or {}
        start_date = start_date or self.ctx.clock.today()
        with self.ctx.join_or_open(uow) as w:
            if program.unit == Unit.HOUSEHOLD:
                if household_id is None and person_id is not None:
                    person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
                    household_id = person.household_id
                if household_id is None:
                    raise ServiceError(PROGRAM_NEEDS_HOUSEHOLD, program=program.name)
                require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
                person_id = None
                birth = None
            else:
                if person_id is None:
                    raise ServiceError(PROGRAM_NEEDS_PERSON, program=program.name)
                person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
                if person.status != PersonStatus.AKTIF.value:
                    raise ServiceError(PERSON_NOT_ACTIVE, name=person.name, status=person.status)
                household_id = None
                birth = person.birth_date
            issues = validate_enrolment(program, birth_date=birth, on=start_date, details=details)
            ValidationFailed.raise_if_errors(issues)
            existing = w.session.exec(
                select(Enrolment).where(
                    Enrolment.program_code == program_code,
                    Enrolment.person_id == person_id,
                    Enrolment.household_id == household_id,
                    Enrolment.end_date == None,  # noqa: E711
                    Enrolment.deleted == False,  # noqa: E712
                )
            ).first()
            if existing is not None:
                raise ServiceError(ALREADY_ENROLLED, program=program.name)
            enrolment = w.create(
                Enrolment,
                "enrolment",
                op="enrol",
                program_code=program_code,
                person_id=person_id,
                household_id=household_id,
                start_date=start_date,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            )
            return enrolment.id

    @requires(Permission.REGISTRY_EDIT)
    def leave_program(self, enrolment_id: str, end_date: date, reason: str) -> None:
        if not reason.strip():
            raise ServiceError(LEAVE_REASON_MISSING)
        with self.ctx.db.session() as s:
            found = require_row(s, Enrolment, enrolment_id, ENROLMENT_NOT_FOUND)
            program_code, person_id = found.program_code, found.person_id
        if is_restricted_program(program_code):
            self.ctx.require(Permission.RESTRICTED_VIEW)
        if person_id is not None:
            guard_person(self.ctx, person_id, detail="kepesertaan")
        with self.ctx.unit_of_work() as w:
            enrolment = require_row(w.session, Enrolment, enrolment_id, ENROLMENT_NOT_FOUND)
            if enrolment.end_date is not None:
                raise ServiceError(ENROLMENT_ENDED)
            if end_date < enrolment.start_date:
                raise ServiceError(LEAVE_BEFORE_START)
            w.update(
                enrolment,
                "enrolment",
                {"end_date": end_date, "end_reason": reason.strip()},
                op="leave",
            )
