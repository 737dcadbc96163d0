"""Who meets the completion rule, their certificate numbers, printing, and administrator
overrides below the rule."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.access import Permission
from desktop_app.domain.training import TrainingStatus
from desktop_app.gui.training import printing
from desktop_app.gui.training.models import ResultTableModel
from desktop_app.gui.training.override_dialog import OverrideDialog
from desktop_app.gui.training.widgets import bar, button, table_view
from desktop_app.gui.widgets import allow
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.training import ParticipantResult, TrainingRow, TrainingService

__all__ = ["CertificatesDialog"]


class CertificatesDialog(QDialog):
    """Who meets the rule, their certificate numbers, printing, and administrator overrides."""

    def __init__(
        self,
        ctx: AppContext,
        service: TrainingService,
        training: TrainingRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.training = training
        self.setWindowTitle(tr("Sertifikat — {title}", title=training.title))
        self.resize(820, 560)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = ResultTableModel(self)
        self.view = table_view(self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.print_button = button(tr("Terbitkan dan cetak sertifikat…"), self.print_all)
        self.print_button.setDefault(True)
        self.override_button = button(
            tr("Pengecualian (administrator)…"),
            self.override,
            tr("Terbitkan sertifikat bagi peserta di bawah syarat, dengan alasan tercatat."),
        )
        close = button(tr("Tutup"), self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar((self.override_button,), (self.print_button, close)))
        self.reload()

    def reload(self) -> None:
        self.training = self.service.get_training(self.training.id)
        results = [r for r in self.service.results(self.training.id)]
        self.model.set_rows(results)
        self.view.resizeColumnsToContents()
        active = [r for r in results if r.participant.active]
        complete = sum(1 for r in active if r.complete)
        issued = sum(1 for r in active if r.certificate_number)
        finished = self.training.status == TrainingStatus.FINISHED.value
        text = tr(
            "{complete} dari {active} peserta aktif memenuhi syarat hadir {pct}%; "
            "{issued} sertifikat sudah diterbitkan.",
            complete=complete,
            active=len(active),
            pct=self.training.threshold_pct,
            issued=issued,
        )
        if not finished:
            text += (
                "<br><b>"
                + html.escape(tr("Sertifikat diterbitkan setelah pelatihan dinyatakan selesai."))
                + "</b>"
            )
        self.summary.setText(text)
        self._update_buttons()

    def selected(self) -> ParticipantResult | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        finished = self.training.status == TrainingStatus.FINISHED.value
        writable = finished and not self.ctx.db.read_only
        self.print_button.setEnabled(finished)
        r = self.selected()
        # Certifying someone short of the attendance rule is a supervisor's decision.
        allow(
            self.override_button,
            writable
            and r is not None
            and r.participant.active
            and not r.complete
            and r.certificate_number is None,
            self.ctx,
            Permission.SUPERVISE,
        )

    def print_all(self) -> None:
        job = printing.print_certificates(self, self.ctx, self.training)
        if job is not None:
            job.finished.connect(self.reload)

    def override(self) -> None:
        r = self.selected()
        if r is None:
            return
        dialog = OverrideDialog(
            self.service, r.participant, r.pct, self.training.threshold_pct, self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
