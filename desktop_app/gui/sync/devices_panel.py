"""Per-round progress merged from every device, and the devices this one trusts: the office
registers a laptop from its identity file or revokes a lost one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QVBoxLayout, QWidget

from desktop_app.domain.access import Permission
from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.models import DeviceModel, RoundProgressModel
from desktop_app.i18n import tr
from desktop_app.services.sync import DeviceService, PeerView, RoundProgress

__all__ = ["DevicesPanel"]


class DevicesPanel(QWidget):
    changed = Signal()  # a device was registered or revoked

    def __init__(self, devices: DeviceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.devices = devices
        lv = QVBoxLayout(self)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(widgets.heading(tr("Kemajuan putaran (gabungan semua perangkat)")))
        self.round_model = RoundProgressModel()
        self.round_view = widgets.table(self.round_model)
        lv.addWidget(self.round_view, 2)
        lv.addWidget(widgets.heading(tr("Perangkat")))
        self.device_model = DeviceModel()
        self.device_view = widgets.table(self.device_model)
        lv.addWidget(self.device_view, 2)
        device_buttons = QHBoxLayout()
        self.register_button = widgets.button(tr("Daftarkan laptop…"), self.register_clicked)
        self.revoke_button = widgets.button(tr("Cabut…"), self.revoke_clicked)
        device_buttons.addWidget(self.register_button)
        device_buttons.addWidget(self.revoke_button)
        device_buttons.addStretch(1)
        lv.addLayout(device_buttons)

    def set_rows(self, rounds: list[RoundProgress], peers: list[PeerView], office: bool) -> None:
        self.register_button.setVisible(office)
        self.revoke_button.setVisible(office)
        for button in (self.register_button, self.revoke_button):
            widgets.gate(button, self.devices.ctx, Permission.DEVICES_MANAGE)
        self.round_model.set_rows(rounds)
        self.device_model.set_rows(peers)

    def register_clicked(self) -> None:
        path = widgets.ask_open_path(self, tr("Daftarkan laptop"), widgets.IDENTITY_FILTER)
        if path is not None:
            self.register_file(path)

    def register_file(self, path: Path) -> None:
        from desktop_app.domain.devices import DEFAULT_DEVICE_NAME
        from desktop_app.gui.errors import show_error

        try:
            ident = self.devices.read_identity_file(path)
            name = widgets.ask_text(
                self,
                tr("Daftarkan laptop"),
                tr(
                    "Sidik kunci {fp}. Cocokkan dengan yang tampil di laptop.\n"
                    "Nama perangkat (untuk nomor tanda terima, mis. LAP02):",
                    fp=ident.fingerprint,
                ),
                ident.name if ident.name != DEFAULT_DEVICE_NAME else "",
            )
            if not name:
                return
            self.devices.register(ident, name=name)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc, title=tr("Daftarkan laptop"))
            return
        self.changed.emit()

    def revoke_clicked(self) -> None:
        peer = widgets.current_row(self.device_view, self.device_model)
        if peer is None or peer.role != "field":
            QMessageBox.information(self, tr("Cabut perangkat"), tr("Pilih laptop yang dicabut."))
            return
        reason = widgets.ask_text(
            self,
            tr("Cabut perangkat"),
            tr(
                "Alasan mencabut {name} (mis. laptop hilang). Bundelnya akan ditolak:",
                name=peer.name,
            ),
        )
        if not reason:
            return
        widgets.attempt(
            self,
            tr("Cabut perangkat"),
            lambda: self.devices.revoke(peer.device_id, reason),
            self.changed.emit,
        )
