"""Before a BAST is printed: the handover date (the point's last distribution day unless the
clerk picks another) and the stock received from the warehouse, with what the print will be (a
new number, or a copy of one already issued). Printing then issues it (a write)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.distribution.dialogs import _ErrorLabel
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import OptionalDateEdit, button_box
from desktop_app.i18n import tr
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution import DistributionService

__all__ = ["BastDialog", "ask_bast", "parse_quantity"]


def parse_quantity(text: str) -> float | None:
    """What a clerk types for a quantity: "2310", "2.310" (thousands), "2310,5"; empty: None.
    Raises ValueError on anything else."""
    value = text.strip().replace(" ", "")
    if not value:
        return None
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif value.count(".") > 1 or (value.count(".") == 1 and len(value.split(".")[1]) == 3):
        value = value.replace(".", "")
    return float(value)


class BastDialog(QDialog):
    """Handover date and stock received for one BAST; accept() checks them with the service."""

    def __init__(
        self,
        svc: DistributionService,
        round_id: str,
        point_id: str | None,
        unit: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.svc, self.round_id, self.point_id = svc, round_id, point_id
        self.setWindowTitle(tr("Cetak BAST"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.handover = OptionalDateEdit(optional=False)
        self.handover.set_value(svc.bast_handover_default(round_id, point_id))
        self.handover.set_maximum(svc.ctx.clock.today())
        form.addRow(tr("Tanggal serah terima"), self.handover)
        self.stock = QLineEdit()
        self.stock.setPlaceholderText(tr("kosongkan untuk diisi tangan"))
        form.addRow(tr("Diterima dari gudang ({unit})", unit=unit), self.stock)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.error = _ErrorLabel()
        buttons = button_box(self, tr("Cetak"))
        hint = QLabel(
            tr(
                "Bawaan: hari penyaluran terakhir di titik ini. Mencetak memberi nomor BAST; "
                "mencetak ulang isi yang sama memberi nomor yang sama bertanda SALINAN."
            )
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.handover.changed.connect(self._refresh)
        self.stock.textChanged.connect(self._refresh)
        self._refresh()

    def values(self) -> tuple[date, float | None]:
        """The chosen handover date and stock (None: left for a pen). Raises ValueError."""
        handover = self.handover.value()
        assert handover is not None  # not optional
        return handover, parse_quantity(self.stock.text())

    def _check(self) -> bool:
        try:
            handover, stock = self.values()
        except ValueError:
            self.error.show_message(
                tr("Jumlah diterima harus berupa angka, mis. 2310 atau 2310,5.")
            )
            self.state.clear()
            return False
        try:
            doc = self.svc.bast(
                self.round_id, point_id=self.point_id, on=handover, stock_received=stock
            )
        except ServiceError as exc:
            self.error.show_message(user_message(exc))
            self.state.clear()
            return False
        self.error.show_message("")
        if doc.copy:
            self.state.setText(
                tr("Isi sama dengan BAST {number}: dicetak sebagai SALINAN.", number=doc.number)
            )
        else:
            self.state.setText(tr("Isi baru: dicetak dengan nomor BAST baru."))
        return True

    def _refresh(self) -> None:
        self._check()

    def accept(self) -> None:
        if self._check():
            super().accept()


def ask_bast(
    parent: QWidget, svc: DistributionService, round_id: str, point_id: str | None, unit: str
) -> tuple[date, float | None] | None:
    """The handover date and stock for a BAST, or None when the clerk cancels."""
    dialog = BastDialog(svc, round_id, point_id, unit, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()
