"""Registry writes about one person: checks, create, edit, status changes, deletion."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlmodel import select

from desktop_app.domain.access import Permission
from desktop_app.domain.households import check_relation
from desktop_app.domain.nik import Issue, Severity, has_errors
from desktop_app.domain.people import blank_to_none
from desktop_app.domain.status import PersonStatus
from desktop_app.services.access import guard_person, mask_name, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.registry.messages import (
    DEATH_DATE_MISSING,
    DELETE_REASON_MISSING,
    HOUSEHOLD_NOT_FOUND,
    PERSON_NOT_FOUND,
    STATUS_DATE_FUTURE,
    STATUS_UNCHANGED,
)
from desktop_app.services.registry.reads import RegistryReads
from desktop_app.services.registry.records import (
    PersonInput,
    ValidationFailed,
    issue,
    require_row,
)
from desktop_app.storage.models import Enrolment, Household, Person, StatusHistory

__all__ = ["PersonWrites"]


class PersonWrites(RegistryReads):
    # -- validation --------------------------------------------------------------------------
    @requires(Permission.REGISTRY_EDIT)
    def check_person(self, inp: PersonInput, person_id: str | None = None) -> list[Issue]:
        """Errors block saving; warnings (NIK/record disagreement, possible duplicates) do not."""
        inp = inp.cleaned()
        issues: list[Issue] = []
        if not inp.name:
            issues.append(issue("person.name", Severity.ERROR, "Nama wajib diisi."))
        if inp.sex not in ("L", "P"):
            issues.append(
                issue("person.sex", Severity.ERROR, "Jenis kelamin wajib dipilih (L atau P).")
            )
        if inp.birth_date and inp.birth_date > self.ctx.clock.today():
            issues.append(
                issue(
                    "person.birth_date", Severity.ERROR, "Tanggal lahir tidak boleh di masa depan."
                )
            )
        if inp.kelurahan_code and self.ctx.regions.get(inp.kelurahan_code) is None:
            issues.append(
                issue(
                    "person.kelurahan",
                    Severity.ERROR,
                    "Kode kelurahan {code} tidak dikenal.",
                    code=inp.kelurahan_code,
                )
            )
        if inp.nik:
            nik_issues = self.ctx.check_nik(
                inp.nik,
                birth_date=inp.birth_date,
                sex=inp.sex if inp.sex in ("L", "P") else None,
            )
            issues.extend(nik_issues)
            # Only the NIK's own errors matter here: a clerk types the NIK first, before the
            # name, and should learn at once that it is already registered.
            if not has_errors(nik_issues):
                for other in self._persons_with_nik(inp.nik, exclude_id=person_id):
                    issues.append(
                        issue(
                            "dup.nik",
                            Severity.WARNING,
                            "NIK ini sudah terdaftar atas nama {name}.",
                            # A restricted record exists: say so, never whose it is.
                            name=mask_name(self.ctx, other.id, other.name),
                        )
                    )
        if inp.name and inp.birth_date:
            for row in self.similar_persons(inp.name, inp.birth_date, exclude_id=person_id):
                if inp.nik and row.nik == inp.nik:
                    continue  # already reported as the same NIK
                issues.append(
                    issue(
                        "dup.similar",
                        Severity.WARNING,
                        "Mungkin duplikat: {name} ({nik}) lahir pada tanggal yang sama.",
                        name=row.name,
                        nik=row.nik or "tanpa NIK",
                    )
                )
        return issues

    # -- persons -----------------------------------------------------------------------------
    @requires(Permission.REGISTRY_EDIT)
    def create_person(
        self,
        inp: PersonInput,
        *,
        household_id: str | None = None,
        relation: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        inp = inp.cleaned()
        issues = self.check_person(inp)
        ValidationFailed.raise_if_errors(issues)
        if relation is not None:
            check_relation(relation)
        with self.ctx.join_or_open(uow) as w:
            if household_id is not None:
                require_row(w.session, Household, household_id, HOUSEHOLD_NOT_FOUND)
            person = w.create(
                Person, "person", **asdict(inp), household_id=household_id, relation=relation
            )
            return person.id

    @requires(Permission.REGISTRY_EDIT)
    def update_person(self, person_id: str, inp: PersonInput) -> dict:
        guard_person(self.ctx, person_id, detail="ubah")
        inp = inp.cleaned()
        issues = self.check_person(inp, person_id=person_id)
        ValidationFailed.raise_if_errors(issues)
        with self.ctx.unit_of_work() as w:
            person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
            return w.update(person, "person", asdict(inp))

    @requires(Permission.REGISTRY_EDIT)
    def set_status(
        self, person_id: str, status: str, effective_date: date | None, note: str | None = None
    ) -> None:
        """Record a status change as history; leaving (death, moving) ends person enrolments."""
        guard_person(self.ctx, person_id, detail="ubah")
        new_status = PersonStatus(status)
        if effective_date and effective_date > self.ctx.clock.today():
            raise ServiceError(STATUS_DATE_FUTURE)
        if new_status == PersonStatus.MENINGGAL and effective_date is None:
            raise ServiceError(DEATH_DATE_MISSING)
        with self.ctx.unit_of_work() as w:
            person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
            if person.status == new_status.value:
                raise ServiceError(STATUS_UNCHANGED, status=new_status.value)
            w.create(
                StatusHistory,
                "status_history",
                person_id=person_id,
                status=new_status.value,
                effective_date=effective_date,
                note=blank_to_none(note),
                recorded_at=w.now(),
                recorded_by=self.ctx.actor,
            )
            w.update(
                person,
                "person",
                {"status": new_status.value, "status_date": effective_date},
                op="status",
            )
            if new_status != PersonStatus.AKTIF:
                end = effective_date or self.ctx.clock.today()
                stmt = select(Enrolment).where(
                    Enrolment.person_id == person_id,
                    Enrolment.end_date == None,  # noqa: E711
                    Enrolment.deleted == False,  # noqa: E712
                )
                for enrolment in w.session.exec(stmt).all():
                    w.update(
                        enrolment,
                        "enrolment",
                        {
                            "end_date": max(end, enrolment.start_date),
                            "end_reason": new_status.value,
                        },
                        op="leave",
                    )

    @requires(Permission.REGISTRY_EDIT)
    def delete_person(self, person_id: str, reason: str) -> None:
        """A tombstone: the row stays for history and sync but leaves every list."""
        guard_person(self.ctx, person_id, detail="ubah")
        if not reason.strip():
            raise ServiceError(DELETE_REASON_MISSING)
        with self.ctx.unit_of_work() as w:
            person = require_row(w.session, Person, person_id, PERSON_NOT_FOUND)
            w.update(
                person,
                "person",
                {"deleted": True, "notes": _append_note(person.notes, reason)},
                op="delete",
            )


def _append_note(notes: str | None, reason: str) -> str:
    return f"{notes}\n[dihapus] {reason}" if notes else f"[dihapus] {reason}"
