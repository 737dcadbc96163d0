"""Results and certificates: each participant's standing against the completion rule, the
numbers issued to those who meet it, and an administrator's recorded exception below it."""

from __future__ import annotations

from nacl.signing import SigningKey
from sqlalchemy import func
from sqlmodel import col, select

from desktop_app.domain.access import Permission
from desktop_app.domain.attendance import AttendanceCode, floor_pct
from desktop_app.domain.receipts import certificate_signed_bytes, encode_signature
from desktop_app.domain.training import (
    TrainingStatus,
    certificate_issue_date,
    format_certificate_number,
)
from desktop_app.services.access import TRAINING_READERS, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.signing import device_signing_key
from desktop_app.services.training import messages as m
from desktop_app.services.training.attendance import TrainingAttendance
from desktop_app.services.training.common import MIN_OVERRIDE_REASON, clean, live, session_rows
from desktop_app.services.training.views import CertificateView, ParticipantResult, TrainingRow
from desktop_app.storage.training_models import (
    Attendance,
    Certificate,
    Training,
    TrainingParticipant,
)

__all__ = ["TrainingCertificates"]


class TrainingCertificates(TrainingAttendance):
    _signing_key: SigningKey | None = None

    @requires(*TRAINING_READERS)
    def results(self, training_id: str) -> list[ParticipantResult]:
        grid = self.attendance_grid(training_id)
        certs = {c.participant_id: c for c in self._certificates(training_id)}
        out = []
        for p in grid.participants:
            cert = certs.get(p.id)
            out.append(
                ParticipantResult(
                    participant=p,
                    present=grid.present(p.id),
                    total_sessions=len(grid.sessions),
                    pct=grid.pct(p.id),
                    complete=p.active and grid.complete(p.id),
                    certificate_number=cert.number if cert else None,
                    override_reason=cert.override_reason if cert else None,
                )
            )
        return out

    @requires(Permission.TRAINING_MANAGE)
    def issue_certificates(self, training_id: str) -> list[str]:
        """Numbers for every active participant who meets the rule and has none yet."""
        training = self.get_training(training_id)
        _check_can_certify(training)
        eligible = [
            r.participant.id
            for r in self.results(training_id)
            if r.complete and r.certificate_number is None
        ]
        if not eligible:
            return []
        with self.ctx.unit_of_work() as w:
            return [self._issue(w, training_id, pid, None) for pid in eligible]

    @requires(Permission.SUPERVISE)
    def issue_certificate_override(self, participant_id: str, reason: str) -> str:
        """A certificate below the completion rule: an administrator's decision with its
        reason, kept on the certificate and in the change log."""
        reason = clean(reason) or ""
        if len(reason) < MIN_OVERRIDE_REASON:
            raise ServiceError(m.OVERRIDE_REASON_SHORT, min=MIN_OVERRIDE_REASON)
        with self.ctx.db.session() as s:
            participant = live(s, TrainingParticipant, participant_id, m.NO_PARTICIPANT)
            training_id = participant.training_id
        training = self.get_training(training_id)
        _check_can_certify(training)
        result = next(r for r in self.results(training_id) if r.participant.id == participant_id)
        if not result.participant.active:
            raise ServiceError(m.WITHDRAWN_NO_CERTIFICATE)
        if result.certificate_number is not None:
            raise ServiceError(
                m.ALREADY_CERTIFIED,
                name=result.participant.name,
                number=result.certificate_number,
            )
        if result.complete:
            raise ServiceError(m.OVERRIDE_NOT_NEEDED, name=result.participant.name)
        with self.ctx.unit_of_work() as w:
            number = self._issue(w, training_id, participant_id, reason)
            w.log(
                "certificate",
                number,
                "override",
                {
                    "participant": [None, result.participant.name],
                    "attendance_pct": [None, result.pct],
                    "threshold_pct": [None, training.threshold_pct],
                    "reason": [None, reason],
                },
            )
            return number

    @requires(*TRAINING_READERS)
    def certificates(self, training_id: str) -> list[CertificateView]:
        names = {p.id: p.name for p in self.participants(training_id)}
        return [
            CertificateView(
                number=c.number,
                participant_id=c.participant_id,
                name=names.get(c.participant_id, ""),
                issued_on=c.issued_on,
                attendance_pct=c.attendance_pct,
                override_reason=c.override_reason,
            )
            for c in self._certificates(training_id)
        ]

    def _issue(
        self, w: UnitOfWork, training_id: str, participant_id: str, override: str | None
    ) -> str:
        device = self.ctx.office.device_name
        training = live(w, Training, training_id, m.NO_TRAINING)
        issued_on = certificate_issue_date(training.end_date, self.ctx.clock.today())
        last = w.session.exec(
            select(func.max(Certificate.sequence)).where(
                Certificate.device == device, Certificate.year == issued_on.year
            )
        ).one()
        sequence = int(last or 0) + 1
        number = format_certificate_number(sequence, device, issued_on)
        signed = {
            "number": number,
            "training_id": training_id,
            "participant_id": participant_id,
            "issued_on": issued_on,
            "attendance_pct": _pct_for(w, training_id, participant_id),
            "override_reason": override,
            "signed_by": self.ctx.device.id,
        }
        # The issuing device's own signature, carried by the certificate's QR code: a printed
        # certificate whose number, holder or result was altered no longer verifies.
        if self._signing_key is None:
            self._signing_key = device_signing_key(self.ctx)
        signature = self._signing_key.sign(certificate_signed_bytes(signed)).signature
        w.create(
            Certificate,
            "certificate",
            op="issue",
            device=device,
            year=issued_on.year,
            sequence=sequence,
            signature=encode_signature(signature),
            **signed,
        )
        w.session.flush()  # the next number in this transaction must see this one
        return number

    def _certificates(self, training_id: str) -> list[Certificate]:
        with self.ctx.db.session() as s:
            return list(
                s.exec(
                    select(Certificate)
                    .where(
                        Certificate.training_id == training_id,
                        Certificate.deleted == False,  # noqa: E712
                    )
                    .order_by(col(Certificate.sequence))
                ).all()
            )


def _check_can_certify(training: TrainingRow) -> None:
    if training.status != TrainingStatus.FINISHED.value:
        raise ServiceError(m.NOT_FINISHED, status=training.status_label)


def _pct_for(w: UnitOfWork, training_id: str, participant_id: str) -> int:
    session_ids = [s.id for s in session_rows(w, training_id)]
    present = w.session.exec(
        select(func.count()).where(
            Attendance.participant_id == participant_id,
            col(Attendance.session_id).in_(session_ids),
            Attendance.code == AttendanceCode.HADIR.value,
            Attendance.deleted == False,  # noqa: E712
        )
    ).one()
    return floor_pct(int(present), len(session_ids))
