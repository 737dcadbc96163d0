"""The Peserta page: the chosen training's participants, adding them from the registry or
registering them on the spot, withdrawals, and the places left."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop_app.gui.training.models import ParticipantTableModel
from desktop_app.gui.training.participant_dialogs import (
    NewParticipantDialog,
    ParticipantPickerDialog,
    WithdrawDialog,
)
from desktop_app.gui.training.widgets import bar, button, selected_row, table_view
from desktop_app.i18n import tr
from desktop_app.services.training import ParticipantView, TrainingRow, TrainingService

__all__ = ["ParticipantsPanel"]


class ParticipantsPanel(QWidget):
    changed = Signal()  # participants were added or withdrew

    def __init__(self, service: TrainingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.training: TrainingRow | None = None
        self.participant_model = ParticipantTableModel(self)
        self.participant_view = table_view(self.participant_model)
        self.pick_button = button(tr("Tambah dari registri…"), self.pick_participants)
        self.register_button = button(tr("Daftarkan peserta baru…"), self.register_participant)
        self.withdraw_button = button(tr("Mundur…"), self.withdraw_participant)
        self.quota_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(
            bar(
                (self.pick_button, self.register_button, self.withdraw_button),
                (self.quota_label,),
            )
        )
        layout.addWidget(self.participant_view, 1)

    def show_participants(
        self, training: TrainingRow, participants: Sequence[ParticipantView]
    ) -> None:
        self.training = training
        self.participant_model.set_rows(list(participants))
        self.participant_view.resizeColumnsToContents()
        self.quota_label.setText(
            tr("Sisa tempat: {n}", n=training.places_left)
            if training.places_left is not None
            else ""
        )

    def set_writable(self, writable: bool) -> None:
        for widget in (self.pick_button, self.register_button, self.withdraw_button):
            widget.setEnabled(writable)

    def pick_participants(self) -> None:
        if self.training is None:
            return
        dialog = ParticipantPickerDialog(self.service, self.training, self)
        dialog.exec()
        if dialog.added:
            self.changed.emit()

    def register_participant(self) -> None:
        if self.training is None:
            return
        dialog = NewParticipantDialog(self.service, self.training, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()

    def withdraw_participant(self) -> None:
        participant = selected_row(self.participant_view)
        if participant is None:
            QMessageBox.information(
                self, tr("Peserta mundur"), tr("Pilih peserta pada daftar terlebih dahulu.")
            )
            return
        if not participant.active:
            QMessageBox.information(self, tr("Peserta mundur"), tr("Peserta ini sudah mundur."))
            return
        if WithdrawDialog(self.service, participant, self).exec() == QDialog.DialogCode.Accepted:
            self.changed.emit()
