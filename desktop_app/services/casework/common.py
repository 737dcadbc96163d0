"""What every part of the casework service shares: the permission checks, the live-case lookup
with coded refusals, date and text checks, and the person's identity as a case shows it."""

from __future__ import annotations

import json
from collections.abc import Container
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from desktop_app.domain.access import Actor, Permission, is_restricted_program
from desktop_app.domain.casework import CASEWORK_PROGRAMS, AssessmentProblem, CaseStatus
from desktop_app.domain.errors import Msg
from desktop_app.domain.people import format_address
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.views import PersonInfo
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork
from desktop_app.storage.casework_models import CaseFile
from desktop_app.storage.models import Person

__all__ = [
    "CASE_ENTITY",
    "MAX_NOTES",
    "MAX_VISIT_EVERY_DAYS",
    "CaseworkBase",
    "assessment_refusal",
    "choice_key",
    "load_json",
]

CASE_ENTITY = "case"  # the change log's and the access log's name for a case
MAX_NOTES = 4000
MAX_VISIT_EVERY_DAYS = 90

_ACCOUNT_NAME = text("SELECT full_name, nip FROM user_account WHERE username = :u")

_PROBLEM_MSGS: dict[str, Msg] = {
    "required": m.FIELD_REQUIRED,
    "unknown_field": m.FIELD_UNKNOWN,
    "not_a_number": m.FIELD_NOT_A_NUMBER,
    "out_of_range": m.FIELD_OUT_OF_RANGE,
    "unknown_choice": m.FIELD_UNKNOWN_CHOICE,
    "not_a_date": m.FIELD_NOT_A_DATE,
    "too_long": m.FIELD_TOO_LONG,
}


def choice_key(value: str | None, table: Container[str], refusal: Msg, field: str) -> str:
    """`value` as a key of one of the casework tables (trimmed, lower case); an unknown or
    empty one is refused with `refusal`, its `field` placeholder naming it ("-" when empty)."""
    key = (value or "").strip().lower()
    if key not in table:
        raise ServiceError(refusal, **{field: key or "-"})
    return key


def assessment_refusal(problem: AssessmentProblem) -> ServiceError:
    """The coded refusal for one assessment problem (the first one is what a form shows)."""
    return ServiceError(_PROBLEM_MSGS[problem.reason], field=problem.label, value=problem.value)


def load_json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class CaseworkBase:
    """The context every part of the casework service works with, and the checks they share."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- who may ---------------------------------------------------------------------------
    def require_casework(self) -> Actor:
        """Every casework call starts here: refused (auth.permission_denied) without CASEWORK."""
        return self.ctx.require(Permission.CASEWORK)

    def require_view(self, program_code: str) -> Actor:
        """Casework on a restricted program's record (names, NIKs, case data) also needs
        RESTRICTED_VIEW. Every casework program is restricted today; the check stays per
        program so a future open program needs no change here."""
        actor = self.require_casework()
        if is_restricted_program(program_code):
            self.ctx.require(Permission.RESTRICTED_VIEW)
        return actor

    def worker_name(self, actor: Actor) -> str:
        """Who did the work as the record stores it: the account's username, or the officer's
        name on a database without accounts."""
        return actor.username or self.ctx.actor

    # -- rows ------------------------------------------------------------------------------
    @staticmethod
    def live_case(db: Session | UnitOfWork, case_id: str) -> CaseFile:
        session = db.session if isinstance(db, UnitOfWork) else db
        row = session.get(CaseFile, case_id) if case_id else None
        if row is None or row.deleted or row.program_code not in CASEWORK_PROGRAMS:
            raise ServiceError(m.CASE_NOT_FOUND)
        return row

    def open_case_for_write(self, uow: UnitOfWork, case_id: str) -> CaseFile:
        """The live, still-open case; refused once closed (a closed file is history). Also
        checks the caller may work on this program's records."""
        case = self.live_case(uow, case_id)
        self.require_view(case.program_code)
        if case.status == CaseStatus.CLOSED:
            raise ServiceError(m.CASE_CLOSED, closed_on=_id_date(case.closed_on))
        return case

    def work_date(self, case: CaseFile, on: date | str | None) -> date:
        """A date work happened on: today by default, not before the case opened, not later
        than today."""
        day = as_date(on) if on is not None else None
        day = day or self.ctx.clock.today()
        if day < case.opened_on:
            raise ServiceError(
                m.DATE_BEFORE_OPENING, on=_id_date(day), opened_on=_id_date(case.opened_on)
            )
        if day > self.ctx.clock.today():
            raise ServiceError(m.DATE_IN_FUTURE, on=_id_date(day))
        return day

    @staticmethod
    def clean_notes(notes: str | None, limit: int = MAX_NOTES) -> str | None:
        text = (notes or "").strip()
        if len(text) > limit:
            raise ServiceError(m.NOTES_TOO_LONG, limit=limit)
        return text or None

    def worker_display(self, username: str) -> str:
        """A worker as documents print them: the account's full name (and NIP) when the
        username is an account's, else the stored text as it is."""
        with self.ctx.db.session() as s:
            row = s.execute(_ACCOUNT_NAME, {"u": username}).first()
        if row is None:
            return username
        return f"{row[0]} (NIP {row[1]})" if row[1] else str(row[0])

    def kelurahan_name(self, code: str | None) -> str:
        region = self.ctx.regions.get(code) if code else None
        return region.name if region is not None else ""

    def person_info(self, session: Session, person_id: str) -> PersonInfo:
        person = session.get(Person, person_id)
        if person is None or person.deleted:
            raise ServiceError(m.PERSON_NOT_FOUND)
        return PersonInfo(
            id=person.id,
            name=person.name,
            nik=person.nik,
            sex=person.sex,
            birth_date=person.birth_date,
            address=format_address(person.street, person.rt, person.rw),
            kelurahan_code=person.kelurahan_code,
            kelurahan=self.kelurahan_name(person.kelurahan_code),
        )


def _id_date(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "-"
