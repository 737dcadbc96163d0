"""Recording a person's status change (meninggal, pindah, keluar, aktif again)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue
from desktop_app.domain.status import STATUS_LABELS, PersonStatus
from desktop_app.gui.registry.dialogs.form import (
    FormDialog,
    _issue,
)
from desktop_app.gui.widgets import (
    OptionalDateEdit,
    combo_data,
    fill_combo,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext


class StatusDialog(FormDialog):
    """Record a status change (meninggal, pindah, keluar, aktif again) as history."""

    def __init__(self, ctx: AppContext, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Ubah status"), parent, min_width=520)
        self.person_id = person_id
        record = self.service.get_person(person_id)
        self.current = record.status
        self.status = QComboBox()
        fill_combo(
            self.status,
            [(None, tr("— pilih status baru —"))]
            + [
                (status.value, tr(label))
                for status, label in STATUS_LABELS.items()
                if status.value != record.status
            ],
        )
        self.effective = OptionalDateEdit(optional=True, label=tr("Tanggal diketahui"))
        self.effective.set_value(ctx.clock.today())
        self.effective.set_maximum(ctx.clock.today())
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(64)
        self.note.setPlaceholderText(
            tr("Mis. nomor akta kematian, alamat baru, atau sumber informasi")
        )
        self.consequence = QLabel()
        self.consequence.setWordWrap(True)
        self.consequence.setStyleSheet("color: #8a5300;")
        form = QFormLayout()
        form.addRow(tr("Nama"), QLabel(f"<b>{html.escape(record.input.name)}</b>"))
        form.addRow(tr("Status sekarang"), QLabel(tr(STATUS_LABELS[PersonStatus(record.status)])))
        form.addRow(tr("Status baru *"), self.status)
        form.addRow(tr("Berlaku sejak"), self.effective)
        form.addRow(tr("Keterangan"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.consequence)
        self.finish_layout(layout)
        self.status.currentIndexChanged.connect(self.schedule_validation)
        self.effective.changed.connect(self.schedule_validation)
        self.validate_now()

    def check(self) -> list[Issue]:
        status = combo_data(self.status)
        self.consequence.setText(
            tr(
                "Kepesertaan program perorangan akan diakhiri pada tanggal tersebut. "
                "Riwayat tetap tersimpan."
            )
            if status and status != PersonStatus.AKTIF.value
            else ""
        )
        self.consequence.setVisible(bool(self.consequence.text()))
        if not status:
            return [_issue("status.choose", "Pilih status baru.")]
        if status == PersonStatus.MENINGGAL.value and self.effective.value() is None:
            return [_issue("status.date", "Tanggal meninggal wajib diisi.")]
        return []

    def commit(self) -> str | None:
        status = combo_data(self.status)
        assert status is not None
        self.service.set_status(
            self.person_id, status, self.effective.value(), self.note.toPlainText()
        )
        return self.person_id
