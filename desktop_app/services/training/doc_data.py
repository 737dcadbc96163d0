"""Plain data for the training documents (daftar hadir, rekap kehadiran, sertifikat): the
dataclasses of `desktop_app.documents.training`, filled from the service's reads."""

from __future__ import annotations

from desktop_app.documents.training import (
    AttendanceRecapData,
    AttendanceSheetData,
    CertificateData,
    RecapRow,
    SheetParticipant,
    SheetSession,
    TrainingInfo,
)
from desktop_app.domain.access import Permission
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import format_date_id
from desktop_app.domain.receipts import signed_qr_payload
from desktop_app.domain.training import TrainingStatus
from desktop_app.services.access import log_printed, requires
from desktop_app.services.context import ServiceError
from desktop_app.services.training import messages as m
from desktop_app.services.training.certificates import TrainingCertificates
from desktop_app.services.training.views import SessionView

__all__ = ["TrainingDocData", "sheet_session"]


class TrainingDocData(TrainingCertificates):
    @requires(Permission.PRINT)
    def training_info(self, training_id: str) -> TrainingInfo:
        t = self.get_training(training_id)
        return TrainingInfo(
            title=t.title,
            category=t.category,
            organiser=t.organiser,
            trainers=t.trainers,
            venue=t.venue,
            start_date=t.start_date,
            end_date=t.end_date,
            threshold_pct=t.threshold_pct,
        )

    @requires(Permission.PRINT)
    def attendance_sheet_data(
        self, training_id: str, session_id: str | None = None
    ) -> AttendanceSheetData:
        """What a daftar hadir needs: the chosen session (or every session) and the active
        participants, numbered, with masked NIKs."""
        info = self.training_info(training_id)
        sessions = self.sessions(training_id)
        if session_id is not None:
            sessions = [s for s in sessions if s.id == session_id]
            if not sessions:
                raise ServiceError(m.SESSION_ELSEWHERE)
        if not sessions:
            raise ServiceError(m.NO_SESSIONS)
        people = self.participants(training_id, include_withdrawn=False)
        log_printed(self.ctx, (p.person_id for p in people), f"daftar hadir {info.title}")
        return AttendanceSheetData(
            training=info,
            sessions=[sheet_session(s) for s in sessions],
            participants=[
                SheetParticipant(
                    number=i + 1,
                    name=p.name,
                    nik_masked=mask_nik(p.nik) if p.nik else "",
                    kelurahan=p.kelurahan,
                    nik_warning=p.nik_warning,
                )
                for i, p in enumerate(people)
            ],
        )

    @requires(Permission.PRINT)
    def recap_data(self, training_id: str) -> AttendanceRecapData:
        grid = self.attendance_grid(training_id)
        info = self.training_info(training_id)
        log_printed(
            self.ctx, (p.person_id for p in grid.participants), f"rekap kehadiran {info.title}"
        )
        rows = [
            RecapRow(
                number=i + 1,
                name=p.name,
                nik_masked=mask_nik(p.nik) if p.nik else "",
                codes=tuple(grid.code(p.id, s.id) or "" for s in grid.sessions),
                present=grid.present(p.id),
                pct=grid.pct(p.id),
                complete=p.active and grid.complete(p.id),
                note=(
                    f"Mundur {format_date_id(p.withdrawn_on)}: {p.withdraw_reason}"
                    if not p.active and p.withdrawn_on
                    else ("Tanpa NIK" if p.nik_warning else "")
                ),
            )
            for i, p in enumerate(grid.participants)
        ]
        return AttendanceRecapData(
            training=info,
            sessions=[sheet_session(s) for s in grid.sessions],
            rows=rows,
            printed_on=self.ctx.clock.today(),
            finished=self.get_training(training_id).status == TrainingStatus.FINISHED.value,
        )

    @requires(Permission.PRINT)
    def certificate_data(self, training_id: str) -> list[CertificateData]:
        info = self.training_info(training_id)
        people = {p.id: p for p in self.participants(training_id)}
        certified = self._certificates(training_id)
        log_printed(
            self.ctx,
            (people[c.participant_id].person_id for c in certified),
            f"sertifikat {info.title}",
        )
        out = []
        for c in certified:
            p = people[c.participant_id]
            out.append(
                CertificateData(
                    number=c.number,
                    name=p.name,
                    birth_place=p.birth_place,
                    birth_date=p.birth_date,
                    training=info,
                    attendance_pct=c.attendance_pct,
                    issued_on=c.issued_on,
                    passed=c.override_reason is None,
                    qr_payload=signed_qr_payload(c.number, c.signature),
                )
            )
        return out


def sheet_session(s: SessionView) -> SheetSession:
    return SheetSession(
        number=s.number,
        session_date=s.session_date,
        time_range=s.time_range,
        topic=s.topic,
    )
