"""The bar above the counter: which round and point, the round's actions and printing."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from desktop_app.domain.access import Permission
from desktop_app.gui.distribution import printing
from desktop_app.gui.widgets import allow
from desktop_app.i18n import tr
from desktop_app.services.distribution import DistributionService, RoundView

__all__ = ["RoundBar"]


class RoundBar(QWidget):
    """Round and point choice (remembered per computer account) and the round's buttons.

    The bar only chooses; the tab acts on `round_changed`/`point_changed` and on the buttons.
    """

    round_changed = Signal()
    point_changed = Signal()
    print_requested = Signal(str)  # a key of printing.DOCUMENTS

    def __init__(self, svc: DistributionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.rounds: list[RoundView] = []
        self.round_combo = QComboBox()
        self.round_combo.setMinimumWidth(340)
        self.round_combo.currentIndexChanged.connect(self._round_changed)
        self.point_combo = QComboBox()
        self.point_combo.setMinimumWidth(260)
        self.point_combo.currentIndexChanged.connect(self._point_changed)
        self.new_button = QPushButton(tr("Putaran baru…"))
        self.open_button = QPushButton(tr("Buka putaran"))
        self.close_button = QPushButton(tr("Tutup putaran"))
        # A push button with a menu, as in Pelatihan: a QToolButton's arrow overlapped "Cetak".
        self.print_button = QPushButton(tr("Cetak"))
        self.print_button.setMenu(self._print_menu())
        # Points and partner shops (owner, address, kelurahan, assigned KPM) of this round.
        self.points_button = QPushButton(tr("Titik salur…"))
        self.points_button.clicked.connect(self.manage_points)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(tr("Putaran")))
        top.addWidget(self.round_combo, 2)
        top.addWidget(QLabel(tr("Titik salur")))
        top.addWidget(self.point_combo, 2)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.close_button)
        top.addWidget(self.points_button)
        top.addWidget(self.print_button)

    def _print_menu(self) -> QMenu:
        menu = QMenu(self)
        for key in printing.DOCUMENTS:
            action = menu.addAction(printing.document_titles()[key] + "…")
            action.triggered.connect(lambda _c=False, k=key: self.print_requested.emit(k))
        menu.addSeparator()
        layouts = menu.addMenu(tr("Ukuran tanda terima"))
        self.layout_group = QActionGroup(self)
        # Remembered per computer: it belongs to the printer at this counter.
        saved = printing.saved_receipt_layout()
        for key, label in (
            ("a6", tr("A6")),
            ("half_a4", tr("Setengah A4")),
            ("thermal80", tr("Printer thermal 80 mm")),
            ("thermal58", tr("Printer thermal 58 mm")),
        ):
            action = QAction(label, self, checkable=True)
            action.setData(key)
            action.setChecked(key == saved)
            action.triggered.connect(lambda _c=False, k=key: printing.save_receipt_layout(k))
            self.layout_group.addAction(action)
            layouts.addAction(action)
        return menu

    def receipt_layout(self) -> str:
        checked = self.layout_group.checkedAction()
        return str(checked.data()) if checked else "a6"

    def reload_rounds(self, select: str | None = None) -> None:
        keep = select or self.round_id()
        self.rounds = self.svc.list_rounds()
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for r in self.rounds:
            self.round_combo.addItem(f"{r.code} — {r.name} ({tr(r.status_label)})", r.id)
        if keep is None:
            # The counter reopens where this officer left off (per computer account).
            keep = _remembered("round")
        index = self.round_combo.findData(keep) if keep else -1
        if index < 0:
            # The first open round is what the counter most likely wants.
            index = next((i for i, r in enumerate(self.rounds) if r.status == "open"), 0)
        self.round_combo.setCurrentIndex(index if self.rounds else -1)
        self.round_combo.blockSignals(False)
        self._round_changed()

    def round_id(self) -> str | None:
        data = self.round_combo.currentData()
        return str(data) if data else None

    def current_round(self) -> RoundView | None:
        rid = self.round_id()
        return next((r for r in self.rounds if r.id == rid), None)

    def point_id(self) -> str | None:
        data = self.point_combo.currentData()
        return str(data) if data else None

    def update_buttons(self) -> None:
        rnd = self.current_round()
        status = rnd.status if rnd else None
        ctx, manage = self.svc.ctx, Permission.ROUNDS_MANAGE
        allow(self.new_button, True, ctx, manage)
        allow(self.open_button, status == "draft", ctx, manage)
        allow(self.close_button, status == "open", ctx, manage)
        allow(self.print_button, rnd is not None, ctx, Permission.PRINT)
        allow(self.points_button, rnd is not None, ctx, manage)

    def manage_points(self) -> None:
        rnd = self.current_round()
        if rnd is None:
            return
        from desktop_app.gui.distribution.points_dialog import PointsDialog

        dialog = PointsDialog(self.svc, rnd, self)
        dialog.exec()
        if dialog.changed:  # names, owners or counts changed: the point list follows
            self.reload_rounds(select=rnd.id)

    def _round_changed(self, *_args: object) -> None:
        rnd = self.current_round()
        self.point_combo.blockSignals(True)
        self.point_combo.clear()
        self.point_combo.addItem(tr("Semua titik"), None)
        if rnd is not None:
            for p in self.svc.points(rnd.id):
                self.point_combo.addItem(f"{p.no}. {p.name}", p.id)
            _remember("round", rnd.id)
            if rnd.id == _remembered("round_of_point"):
                index = self.point_combo.findData(_remembered("point"))
                self.point_combo.setCurrentIndex(max(index, 0))
        self.point_combo.blockSignals(False)
        self.update_buttons()
        self.round_changed.emit()
        self._point_changed()

    def _point_changed(self, *_args: object) -> None:
        rnd = self.current_round()
        if rnd is not None:
            _remember("round_of_point", rnd.id)
            _remember("point", self.point_id() or "")
        self.point_changed.emit()


def _remembered(key: str) -> str | None:
    value = QSettings("Berdaya", "Berdaya").value(f"distribution/{key}")
    return str(value) if value else None


def _remember(key: str, value: str) -> None:
    QSettings("Berdaya", "Berdaya").setValue(f"distribution/{key}", value)
