"""Who takes part: registry persons added (or registered on the spot), the quota and the NIK
rule, withdrawals, and the participant list."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace
from datetime import date

from sqlmodel import select

from desktop_app.domain.access import Permission
from desktop_app.domain.nik import Issue, Severity, clean_number, has_errors
from desktop_app.domain.training import TrainingStatus
from desktop_app.services.access import (
    MASKED_NAME,
    TRAINING_READERS,
    requires,
    restricted_person_ids,
    sees_restricted,
)
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.registry import PersonInput, ValidationFailed
from desktop_app.services.training import messages as m
from desktop_app.services.training.common import (
    ACTIVE,
    PROGRAM_CODE,
    WITHDRAWN,
    active_count,
    clean,
    live,
)
from desktop_app.services.training.sessions import TrainingSessions
from desktop_app.services.training.views import ParticipantView
from desktop_app.storage.models import Enrolment, Person, Region
from desktop_app.storage.training_models import Training, TrainingParticipant

__all__ = ["TrainingParticipants"]


class TrainingParticipants(TrainingSessions):
    @requires(Permission.TRAINING_MANAGE)
    def add_participant(
        self,
        training_id: str,
        person_id: str,
        *,
        uow: UnitOfWork | None = None,
        registered_on: date | None = None,
    ) -> str:
        """Put a registry person in the training. Refuses a duplicate, a full training, and a
        person without a valid NIK unless the office allows such warning cases."""
        allow_without_nik = self.settings().allow_without_nik
        with self.ctx.join_or_open(uow) as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError(m.FINISHED_NO_NEW_PARTICIPANT)
            person = live(w, Person, person_id, m.NO_PERSON)
            if person.status != "aktif":
                raise ServiceError(m.PERSON_INACTIVE, name=person.name, status=person.status)
            existing = w.session.exec(
                select(TrainingParticipant).where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.person_id == person_id,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            ).first()
            if existing is not None and existing.status == ACTIVE:
                raise ServiceError(m.ALREADY_PARTICIPANT, name=person.name)
            _check_quota(w, training)
            nik_warning = not self._nik_ok(person)
            if nik_warning and not allow_without_nik:
                raise ServiceError(m.PERSON_WITHOUT_NIK, name=person.name)
            today = registered_on or self.ctx.clock.today()
            if existing is not None:
                # A withdrawn participant comes back on the same row: never the person twice.
                w.update(
                    existing,
                    "training_participant",
                    {
                        "status": ACTIVE,
                        "withdrawn_on": None,
                        "withdraw_reason": None,
                        "nik_warning": nik_warning,
                    },
                    op="reinstate",
                )
                return existing.id
            participant = w.create(
                TrainingParticipant,
                "training_participant",
                training_id=training_id,
                person_id=person_id,
                status=ACTIVE,
                registered_on=today,
                nik_warning=nik_warning,
            )
            self._ensure_enrolment(w, person_id, today)
            return participant.id

    @requires(Permission.TRAINING_MANAGE)
    def check_new_participant(self, inp: PersonInput) -> list[Issue]:
        """What registering this person on the spot would say: registry errors and warnings,
        plus the training's NIK rule."""
        issues = self.registry.check_person(inp)
        nik = clean_number(inp.nik or "")
        if not nik:
            severity = Severity.WARNING if self.settings().allow_without_nik else Severity.ERROR
            issues.append(
                Issue(
                    "training.no_nik",
                    severity,
                    "Peserta tanpa NIK: dicatat sebagai kasus peringatan."
                    if severity == Severity.WARNING
                    else "NIK wajib diisi (peserta tanpa NIK tidak diizinkan di Pengaturan "
                    "pelatihan).",
                    {},
                )
            )
        return issues

    @requires(Permission.TRAINING_MANAGE)
    def register_participant(
        self, training_id: str, inp: PersonInput, *, registered_on: date | None = None
    ) -> str:
        """Register a new person in the registry and add them, in one transaction."""
        nik = clean_number(inp.nik or "")
        if nik:
            other = self.registry.find_person_by_nik(nik)
            if other is not None:
                raise ServiceError(m.NIK_TAKEN, nik=nik, name=other.name)
        elif not self.settings().allow_without_nik:
            raise ServiceError(m.NIK_REQUIRED)
        with self.ctx.unit_of_work(source="pendaftaran peserta pelatihan") as w:
            training = live(w, Training, training_id, m.NO_TRAINING)
            _check_quota(w, training)  # before creating a person the training can't take
            person_id = self.registry.create_person(inp, uow=w)
            w.session.flush()
            return self.add_participant(training_id, person_id, uow=w, registered_on=registered_on)

    @requires(Permission.TRAINING_MANAGE)
    def withdraw(self, participant_id: str, reason: str, on: date | None = None) -> None:
        reason = clean(reason) or ""
        if not reason:
            raise ServiceError(m.WITHDRAW_REASON_REQUIRED)
        on = on or self.ctx.clock.today()
        if on > self.ctx.clock.today():
            raise ServiceError(m.WITHDRAW_IN_FUTURE)
        with self.ctx.unit_of_work() as w:
            participant = live(w, TrainingParticipant, participant_id, m.NO_PARTICIPANT)
            if participant.status != ACTIVE:
                raise ServiceError(m.ALREADY_WITHDRAWN)
            training = live(w, Training, participant.training_id, m.NO_TRAINING)
            if training.status == TrainingStatus.FINISHED.value:
                raise ServiceError(m.FINISHED_NO_WITHDRAW)
            w.update(
                participant,
                "training_participant",
                {"status": WITHDRAWN, "withdrawn_on": on, "withdraw_reason": reason},
                op="withdraw",
            )

    @requires(*TRAINING_READERS)
    def participants(
        self, training_id: str, include_withdrawn: bool = True
    ) -> list[ParticipantView]:
        with self.ctx.db.session() as s:
            stmt = (
                select(TrainingParticipant, Person, Region.name)
                .join(Person, Person.id == TrainingParticipant.person_id)  # type: ignore[arg-type]
                .join(Region, Region.code == Person.kelurahan_code, isouter=True)  # type: ignore[arg-type]
                .where(
                    TrainingParticipant.training_id == training_id,
                    TrainingParticipant.deleted == False,  # noqa: E712
                )
            )
            if not include_withdrawn:
                stmt = stmt.where(TrainingParticipant.status == ACTIVE)
            rows = s.exec(stmt).all()
        rows = sorted(rows, key=lambda r: (r[0].status != ACTIVE, r[1].name.upper(), r[1].id))
        hidden = frozenset() if sees_restricted(self.ctx) else restricted_person_ids(self.ctx)
        views = [
            ParticipantView(
                id=p.id,
                person_id=person.id,
                number=i + 1,
                name=person.name,
                nik=person.nik,
                sex=person.sex,
                birth_place=person.birth_place,
                birth_date=person.birth_date,
                kelurahan=kelurahan or "",
                status=p.status,
                registered_on=p.registered_on,
                withdrawn_on=p.withdrawn_on,
                withdraw_reason=p.withdraw_reason,
                nik_warning=p.nik_warning,
            )
            for i, (p, person, kelurahan) in enumerate(rows)
        ]
        if not hidden:
            return views
        return [
            replace(v, name=MASKED_NAME, nik=None, birth_place=None, birth_date=None)
            if v.person_id in hidden
            else v
            for v in views
        ]

    @requires(*TRAINING_READERS)
    def participant_person_ids(self, training_id: str) -> set[str]:
        """Persons already active in the training (the picker greys them out)."""
        with self.ctx.db.session() as s:
            return set(
                s.exec(
                    select(TrainingParticipant.person_id).where(
                        TrainingParticipant.training_id == training_id,
                        TrainingParticipant.status == ACTIVE,
                        TrainingParticipant.deleted == False,  # noqa: E712
                    )
                ).all()
            )

    def _nik_ok(self, person: Person) -> bool:
        if not person.nik:
            return False
        issues = self.ctx.check_nik(
            person.nik,
            birth_date=person.birth_date,
            sex=person.sex if person.sex in ("L", "P") else None,
        )
        return not has_errors(issues)

    def _ensure_enrolment(self, w: UnitOfWork, person_id: str, on: date) -> None:
        """Participants count in the Pelatihan program, so the Registri tab shows them."""
        existing = w.session.exec(
            select(Enrolment.id).where(
                Enrolment.program_code == PROGRAM_CODE,
                Enrolment.person_id == person_id,
                Enrolment.end_date == None,  # noqa: E711
                Enrolment.deleted == False,  # noqa: E712
            )
        ).first()
        if existing is None:
            # Program rules only matter for registry membership, not for the training.
            with suppress(ValidationFailed):
                self.registry.enrol(PROGRAM_CODE, person_id=person_id, start_date=on, uow=w)


def _check_quota(w: UnitOfWork, training: Training) -> None:
    if training.quota is None:
        return
    active = active_count(w, training.id)
    if active >= training.quota:
        raise ServiceError(m.QUOTA_FULL, active=active, quota=training.quota)
