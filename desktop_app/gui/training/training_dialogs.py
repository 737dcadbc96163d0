"""The training form and the office's training settings. Each dialog calls the service on OK
and stays open on a refusal, so nothing typed is lost."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from desktop_app.gui.training.widgets import (
    TrainingFormDialog,
    accept_after,
    date_edit,
    finish_dialog,
    span_row,
)
from desktop_app.gui.widgets import date_from_qdate
from desktop_app.i18n import tr
from desktop_app.services.training import (
    TrainingInput,
    TrainingRow,
    TrainingService,
    TrainingSettings,
)

__all__ = [
    "TrainingDialog",
    "TrainingSettingsDialog",
]


class TrainingDialog(TrainingFormDialog):
    """Create or edit a training."""

    def __init__(
        self,
        service: TrainingService,
        training: TrainingRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            service, tr("Ubah pelatihan") if training else tr("Pelatihan baru"), 560, parent
        )
        self.training = training
        self.training_id: str | None = training.id if training else None
        today = service.ctx.clock.today()
        inp = training.to_input() if training else None
        self.title_edit = QLineEdit(inp.title if inp else "")
        self.title_edit.setPlaceholderText(tr("mis. Pelatihan Membuat Jajanan Pasar"))
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(list(service.settings().categories))
        if inp:
            self.category.setCurrentText(inp.category)
        self.organiser = QLineEdit(inp.organiser if inp else service.ctx.office.office_name)
        self.trainers = QPlainTextEdit("\n".join(inp.trainers) if inp else "")
        self.trainers.setPlaceholderText(tr("satu nama per baris"))
        self.trainers.setFixedHeight(64)
        self.venue = QLineEdit(inp.venue if inp else "")
        self.start = date_edit(inp.start_date if inp else today + timedelta(days=7))
        self.end = date_edit(inp.end_date if inp else today + timedelta(days=11))
        self.start.dateChanged.connect(self._start_changed)
        self.quota = QSpinBox()
        self.quota.setRange(0, 10000)
        self.quota.setSpecialValueText(tr("tanpa batas"))
        self.quota.setValue(inp.quota or 0 if inp else 0)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(
            inp.threshold_pct
            if inp and inp.threshold_pct is not None
            else service.ctx.office.completion_threshold_pct
        )
        self.threshold.setEnabled(not training or training.status != "selesai")
        self.notes = QLineEdit(inp.notes or "" if inp else "")

        form = QFormLayout()
        form.addRow(tr("Nama pelatihan"), self.title_edit)
        form.addRow(tr("Kategori keterampilan"), self.category)
        form.addRow(tr("Penyelenggara"), self.organiser)
        form.addRow(tr("Pelatih"), self.trainers)
        form.addRow(tr("Tempat"), self.venue)
        form.addRow(tr("Tanggal"), span_row(self.start, self.end))
        form.addRow(tr("Kuota peserta"), self.quota)
        form.addRow(tr("Syarat kelulusan (hadir minimal)"), self.threshold)
        form.addRow(tr("Catatan"), self.notes)
        self.buttons = finish_dialog(self, tr("Simpan"), self.save, form)

    def _start_changed(self, value: QDate) -> None:
        if self.end.date() < value:
            self.end.setDate(value)

    def value(self) -> TrainingInput:
        return TrainingInput(
            title=self.title_edit.text(),
            category=self.category.currentText(),
            organiser=self.organiser.text(),
            trainers=self.trainers.toPlainText().splitlines(),
            venue=self.venue.text(),
            start_date=date_from_qdate(self.start.date()),
            end_date=date_from_qdate(self.end.date()),
            quota=self.quota.value() or None,
            threshold_pct=self.threshold.value(),
            notes=self.notes.text(),
        )

    def save(self) -> None:
        inp = self.value()

        def write() -> None:
            if self.training_id is None:
                self.training_id = self.service.create_training(inp)
            else:
                self.service.update_training(self.training_id, inp)

        accept_after(self, write)


class TrainingSettingsDialog(TrainingFormDialog):
    def __init__(self, service: TrainingService, parent: QWidget | None = None) -> None:
        super().__init__(service, tr("Pengaturan pelatihan"), 480, parent)
        settings = service.settings()
        self.categories = QPlainTextEdit("\n".join(settings.categories))
        self.categories.setFixedHeight(110)
        self.allow = QCheckBox(tr("Izinkan peserta tanpa NIK (dicatat sebagai kasus peringatan)"))
        self.allow.setChecked(settings.allow_without_nik)
        self.allow.setToolTip(tr("Mis. anak yang belum memiliki KTP."))
        form = QFormLayout()
        form.addRow(tr("Kategori keterampilan\n(satu per baris)"), self.categories)
        form.addRow("", self.allow)
        self.buttons = finish_dialog(self, tr("Simpan"), self.save, form)

    def save(self) -> None:
        settings = TrainingSettings(
            categories=tuple(self.categories.toPlainText().splitlines()),
            allow_without_nik=self.allow.isChecked(),
        )
        accept_after(self, lambda: self.service.save_settings(settings))
