"""The quarantine queue: changes a laptop had no authority to make (critical facts it may only
propose, edits outside its checkout, forged or invalid entries, wrong clocks), each with its
reason, held until the office accepts or rejects them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop_app.domain.access import Permission
from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.models import QuarantineModel
from desktop_app.i18n import tr
from desktop_app.services.sync import SyncService

__all__ = ["QuarantinePanel"]


class QuarantinePanel(QWidget):
    decided = Signal()  # a held change was released or discarded

    def __init__(self, sync: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        v = QVBoxLayout(self)
        hint = QLabel(
            tr(
                "Perubahan yang tidak boleh dibuat langsung oleh laptop pengirim ditahan di sini "
                "dengan alasannya: usulan data penting (NIK, KK, anggota, kepala, status, "
                "kepesertaan), data di luar checkout-nya, nilai tidak sah, atau jam yang salah. "
                "Periksa, lalu Terima atau Tolak."
            )
        )
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.model = QuarantineModel()
        self.view = widgets.table(self.model)
        v.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.accept_button = widgets.button(tr("Terima"), lambda: self.decide(True))
        self.reject_button = widgets.button(tr("Tolak"), lambda: self.decide(False))
        row.addWidget(self.accept_button)
        row.addWidget(self.reject_button)
        row.addStretch(1)
        v.addLayout(row)

    def load(self) -> int:
        """Reload the queue; returns how many changes are held (for the queue's tab title)."""
        for button in (self.accept_button, self.reject_button):
            widgets.gate(button, self.sync.ctx, Permission.SUPERVISE)
        held = self.sync.quarantine()
        self.model.set_rows(held)
        return sum(1 for q in held if q.status == "held")

    def decide(self, release: bool) -> None:
        item = widgets.current_row(self.view, self.model)
        if item is None or item.status != "held":
            QMessageBox.information(self, tr("Karantina"), tr("Pilih perubahan yang ditahan."))
            return
        widgets.attempt(
            self,
            tr("Karantina"),
            lambda: self.sync.decide_quarantine(item.change_id, release),
            self.decided.emit,
        )
