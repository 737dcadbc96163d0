"""An administrator's certificate below the completion rule, with its recorded reason."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.gui.training.widgets import TrainingFormDialog, accept_after, finish_dialog
from desktop_app.i18n import tr
from desktop_app.services.training import (
    ParticipantView,
    TrainingService,
)

__all__ = [
    "OverrideDialog",
]


class OverrideDialog(TrainingFormDialog):
    """An administrator issues a certificate below the completion rule, with a reason."""

    def __init__(
        self,
        service: TrainingService,
        participant: ParticipantView,
        pct: int,
        threshold: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(service, tr("Sertifikat dengan pengecualian"), 520, parent)
        self.participant = participant
        self.number: str | None = None
        note = QLabel(
            tr(
                "<b>{name}</b> hadir {pct}%, di bawah syarat {threshold}%. Hanya administrator "
                "yang boleh menerbitkan sertifikat dengan pengecualian. Alasan dan nama pengguna "
                "({actor}) tercatat di riwayat perubahan.",
                name=html.escape(participant.name),
                pct=pct,
                threshold=threshold,
                actor=html.escape(service.ctx.actor),
            )
        )
        note.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            tr("mis. dirawat di rumah sakit dua hari, surat dokter terlampir")
        )
        self.reason.setFixedHeight(80)
        self.buttons = finish_dialog(
            self,
            tr("Terbitkan"),
            self.save,
            note,
            QLabel(tr("Alasan pengecualian")),
            self.reason,
        )

    def save(self) -> None:
        reason = self.reason.toPlainText()

        def write() -> None:
            self.number = self.service.issue_certificate_override(self.participant.id, reason)

        accept_after(self, write)
