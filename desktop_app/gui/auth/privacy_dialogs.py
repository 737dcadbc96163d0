"""The administrator's privacy screens: the access log (who opened, printed or exported a
restricted record) and the data-breach incident report (UU PDP: notice within 3×24 hours).

The rules live in the services (`AccessLogService`, `incident_report_pdf`): both refuse a role
without the permission; these dialogs only show what they return."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.auth.common import copy_text, recovery_key_label
from desktop_app.gui.errors import show_error
from desktop_app.gui.widgets import format_when
from desktop_app.i18n import tr
from desktop_app.services.access import AccessEntry, AccessLogService
from desktop_app.services.context import AppContext

__all__ = ["AccessLogDialog", "IncidentReportDialog", "write_incident_report"]

_ACTIONS = {
    "open": "dibuka",
    "print": "dicetak",
    "export": "diekspor",
    "denied": "ditolak",
}


class AccessLogDialog(QDialog):
    """The newest entries of the access log, newest first."""

    COLUMNS = ("Waktu (WIB)", "Pengguna", "Nama", "Tindakan", "Data", "ID", "Keterangan")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, limit: int = 500) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Log akses"))
        self.resize(1100, 560)
        entries = AccessLogService(ctx).entries(limit=limit)
        layout = QVBoxLayout(self)
        note = QLabel(
            tr(
                "Setiap pembukaan, pencetakan dan ekspor data terbatas (anak, disabilitas, "
                "home care) tercatat di sini: siapa, kapan, apa. {n} catatan terbaru.",
                n=len(entries),
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(len(entries), len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for row, entry in enumerate(entries):
            self._fill(row, entry)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self, row: int, entry: AccessEntry) -> None:
        values = (
            format_when(entry.at, seconds=True),
            entry.username or "-",
            entry.actor,
            tr(_ACTIONS.get(entry.action, entry.action)),
            entry.entity,
            entry.entity_id or "",
            entry.detail,
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if entry.action == "denied":
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, column, item)


class IncidentReportDialog(QDialog):
    """What happened (a lost laptop, a copied file), when it was found out, which device: the
    service fills in the rest (office, what the device held, the notice deadline)."""

    def __init__(self, ctx: AppContext, devices: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Laporan insiden data pribadi"))
        self.resize(560, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Laptop hilang atau berkas tersalin? Buat laporan insiden: pemberitahuan "
                "tertulis wajib dalam 3×24 jam sejak diketahui (UU 27/2022 pasal 46)."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.device = QComboBox(self)
        self.device.setEditable(True)
        self.device.addItem("")
        self.device.addItems(devices)
        form.addRow(tr("Perangkat yang hilang:"), self.device)
        self.discovered = QDateTimeEdit(self)
        self.discovered.setTimeZone(QTimeZone(b"Asia/Jakarta"))
        self.discovered.setDateTime(QDateTime.currentDateTime())
        self.discovered.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.discovered.setCalendarPopup(True)
        form.addRow(tr("Diketahui pada:"), self.discovered)
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(
            tr("Apa yang terjadi, di mana, siapa yang melapor, langkah yang sudah diambil.")
        )
        form.addRow(tr("Uraian:"), self.description)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Buat laporan…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def discovered_at(self) -> datetime:
        seconds = self.discovered.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, UTC)

    def lost_device(self) -> str | None:
        return self.device.currentText().strip() or None


def write_incident_report(ctx: AppContext, dialog: IncidentReportDialog, path: Path) -> bool:
    """Write the report where asked; a refusal is shown, never raised."""
    from desktop_app.services.privacy import incident_report_pdf

    try:
        incident_report_pdf(
            ctx,
            path,
            lost_device=dialog.lost_device(),
            discovered_at=dialog.discovered_at(),
            description=dialog.description.toPlainText().strip(),
        )
    except Exception as exc:  # noqa: BLE001 - shown to the administrator, never a traceback
        show_error(dialog.parentWidget(), exc, tr("Laporan insiden"))
        return False
    return True


def ask_incident_path(parent: QWidget | None) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(
        parent, tr("Simpan laporan insiden"), "laporan-insiden.pdf", "PDF (*.pdf)"
    )
    return Path(name) if name else None


class RecoveryKeyDialog(QDialog):
    """A new recovery key, shown once: "Tutup" stays off until the administrator says it is
    written down; nothing keeps the key after the dialog closes."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton

        super().__init__(parent)
        self.setWindowTitle(tr("Kunci pemulihan baru"))
        layout = QVBoxLayout(self)
        title = QLabel(
            tr(
                "Ini kunci pemulihan yang baru; kunci lama tidak berlaku lagi. Kunci ini hanya "
                "ditampilkan sekali: catat dan simpan di brankas kantor."
            )
        )
        title.setWordWrap(True)
        layout.addWidget(title)
        self.key_label = recovery_key_label(recovery_key)
        layout.addWidget(self.key_label)
        self.noted = QCheckBox(tr("Sudah saya catat"))
        layout.addWidget(self.noted)
        buttons = QHBoxLayout()
        copy = QPushButton(tr("Salin"))
        copy.clicked.connect(lambda: copy_text(recovery_key))
        buttons.addWidget(copy)
        buttons.addStretch(1)
        self.close_button = QPushButton(tr("Tutup"))
        self.close_button.setEnabled(False)
        self.close_button.clicked.connect(self.accept)
        self.noted.toggled.connect(self.close_button.setEnabled)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def reject(self) -> None:
        if self.noted.isChecked():  # Esc only once the key is written down
            super().reject()

    def done(self, result: int) -> None:
        self.key_label.clear()
        super().done(result)
