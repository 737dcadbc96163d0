"""The bundles exchanged, for all devices or one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.models import BundleHistoryModel
from desktop_app.i18n import tr
from desktop_app.services.sync import BundleView, PeerView

__all__ = ["BundleHistoryPanel"]


class BundleHistoryPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        hv = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Perangkat:")))
        self.device = QComboBox()
        self.device.currentIndexChanged.connect(lambda _i: self._fill())
        row.addWidget(self.device)
        row.addStretch(1)
        hv.addLayout(row)
        self.model = BundleHistoryModel()
        self.view = widgets.table(self.model)
        hv.addWidget(self.view, 1)
        self._history: list[BundleView] = []

    def set_rows(self, history: list[BundleView], peers: Sequence[PeerView]) -> None:
        """Every bundle, and the devices to filter by; the chosen device stays chosen."""
        self._history = history
        chosen = self.device.currentData()
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem(tr("Semua perangkat"), None)
        for peer in peers:
            self.device.addItem(peer.name, peer.device_id)
        index = self.device.findData(chosen)
        self.device.setCurrentIndex(max(index, 0))
        self.device.blockSignals(False)
        self._fill()

    def _fill(self) -> None:
        device = self.device.currentData()
        rows = [b for b in self._history if device is None or b.peer_id == device]
        self.model.set_rows(rows)

    def show_device(self, device_id: str | None) -> None:
        """The bundles exchanged with one device (None: all)."""
        self.device.setCurrentIndex(max(self.device.findData(device_id), 0))
