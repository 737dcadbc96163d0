"""Registry writes about households (KPM): create, edit, members, head of family, KK changes.

The membership rules themselves live in domain/households.py, shared with the import planner.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlmodel import select

from desktop_app.domain.access import Permission
from desktop_app.domain.households import (
    check_relation,
    head_problem,
    join_problem,
    leave_problem,
    new_head_problem,
)
from desktop_app.domain.nik import Issue, Severity, clean_number, has_errors, validate_kk
from desktop_app.domain.status import Relation
from desktop_app.services.access import requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.registry.messages import (
    HEAD_CANNOT_LEAVE,
    HEAD_NOT_MEMBER,
    HEAD_TAKEN,
    HOUSEHOLD_NOT_FOUND,
    KK_CHANGE_NEEDS_HISTORY,
    KK_REASON_MISSING,
    KK_SAME,
    OTHER_HOUSEHOLD,
    PERSON_NOT_FOUND,
)
from desktop_app.services.registry.reads import RegistryReads
from desktop_app.services.registry.records import (
    HouseholdInput,
    ValidationFailed,
    issue,
    require_row,
)
from desktop_app.storage.models import Household, KkHistory, Person

__all__ = ["HouseholdWrites"]


class HouseholdWrites(RegistryReads):
    @requires(Permission.REGISTRY_EDIT)
    def check_household(self, inp: HouseholdInput, household_id: str | None = None) -> list[Issue]:
        inp = inp.cleaned()
        issues = validate_kk(inp.kk_number, office_province=self.ctx.office.province_code)
        if inp.kelurahan_code and self.ctx.regions.get(inp.kelurahan_code) is None:
            issues.append(
                issue(
                    "household.kelurahan",
                    Severity.ERROR,
                    "Kode kelurahan {code} tidak dikenal.",
                    code=inp.kelurahan_code,
                )
            )
        if not has_errors(issues):
            with self.ctx.db.session() as s:
                stmt = select(Household).where(
                    Household.kk_number == inp.kk_number,
                    Household.deleted == False,  # noqa: E712
                )
                for other in s.exec(stmt).all():
                    if other.id != household_id:
                        issues.append(
                            issue(
                                "dup.kk",
                                Severity.WARNING,
                                "No. KK ini sudah terdaftar untuk KPM lain.",
                            )
                        )
        return issues

    @requires(Permission.REGISTRY_EDIT)
    def create_household(
        self,
        inp: HouseholdInput,
        *,
        head_person_id: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        inp = inp.cleaned()
        issues = self.check_household(inp)
        ValidationFailed.raise_if_errors(issues)
        with self.ctx.join_or_open(uow) as w:
            household = w.create(Household, "household", **asdict(inp))
            w.create(
                KkHistory,
                "kk_history",
                household_id=household.id,
                kk_number=inp.kk_number,
                valid_from=self.ctx.clock.today(),
                reason="KK pertama dicatat",
                recorded_at=household.created_at,
            )
            w.session.flush()
            if head_person_id:
                self._attach(w, household, head_person_id, Relation.KEPALA.value)
                w.update(household, "household", {"head_person_id": head_person_id})
            return household.id

    @requires(Permission.REGISTRY_EDIT)
    def update_household(self, household_id: str, inp: HouseholdInput) -> dict:
        inp = inp.cleaned()
        with self.ctx.unit_of_work() as w:
            household = require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
            if inp.kk_number != household.kk_number:
                raise ServiceError(KK_CHANGE_NEEDS_HISTORY)
            return w.update(household, "household", asdict(inp))

    @requires(Permission.REGISTRY_EDIT)
    def add_member(self, household_id: str, person_id: str, relation: str) -> None:
        check_relation(relation)
        with self.ctx.unit_of_work() as w:
            household = require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
            self._attach(w, household, person_id, relation)
            if relation == Relation.KEPALA.value:
                w.update(household, "household", {"head_person_id": person_id})

    def _attach(self, w: UnitOfWork, household: Household, person_id: str, relation: str) -> None:
        person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
        if join_problem(person.household_id, household.id):
            raise ServiceError(OTHER_HOUSEHOLD, name=person.name)
        if relation == Relation.KEPALA.value and head_problem(household.head_person_id, person_id):
            raise ServiceError(HEAD_TAKEN)
        w.update(person, "person", {"household_id": household.id, "relation": relation})

    @requires(Permission.REGISTRY_EDIT)
    def remove_member(self, person_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
            if person.household_id is None:
                return
            household = require_row(w.session, Household, person.household_id, HOUSEHOLD_NOT_FOUND)
            if leave_problem(household.head_person_id, person_id):
                raise ServiceError(HEAD_CANNOT_LEAVE)
            w.update(person, "person", {"household_id": None, "relation": None})

    @requires(Permission.REGISTRY_EDIT)
    def set_head(self, household_id: str, person_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            household = require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
            person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
            if new_head_problem(person.household_id, household_id):
                raise ServiceError(HEAD_NOT_MEMBER)
            if household.head_person_id and household.head_person_id != person_id:
                old = require_row(w.session, Person, household.head_person_id, PERSON_NOT_FOUND)
                w.update(old, "person", {"relation": Relation.FAMILI_LAIN.value})
            w.update(person, "person", {"relation": Relation.KEPALA.value})
            w.update(household, "household", {"head_person_id": person_id}, op="set_head")

    @requires(Permission.REGISTRY_EDIT)
    def change_kk(
        self, household_id: str, new_kk: str, reason: str, valid_from: date | None = None
    ) -> None:
        """A KK number changes (e.g. a new head of family); the old one stays in the history."""
        new_kk = clean_number(new_kk)
        issues = validate_kk(new_kk, office_province=self.ctx.office.province_code)
        ValidationFailed.raise_if_errors(issues)
        if not reason.strip():
            raise ServiceError(KK_REASON_MISSING)
        valid_from = valid_from or self.ctx.clock.today()
        with self.ctx.unit_of_work() as w:
            household = require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
            if household.kk_number == new_kk:
                raise ServiceError(KK_SAME)
            current = w.session.exec(
                select(KkHistory).where(
                    KkHistory.household_id == household_id,
                    KkHistory.valid_to == None,  # noqa: E711
                )
            ).all()
            for h in current:
                w.update(h, "kk_history", {"valid_to": valid_from})
            w.create(
                KkHistory,
                "kk_history",
                household_id=household_id,
                kk_number=new_kk,
                valid_from=valid_from,
                reason=reason.strip(),
                recorded_at=w.now(),
            )
            w.update(household, "household", {"kk_number": new_kk}, op="change_kk")
