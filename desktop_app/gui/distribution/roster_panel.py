"""The roster beside the counter: who is on the list, filtered by status or text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.distribution.models import STATUS_COLOURS, RosterTableModel, status_text
from desktop_app.gui.registry.models import ROW_ROLE
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.distribution import (
    DistributionService,
    RosterFilter,
    RosterRow,
    format_count,
)

__all__ = ["RosterPanel", "status_legend"]


def status_legend() -> QWidget:
    """What the row colours mean: a swatch and the state's name for each colour."""
    legend = QWidget()
    row = QHBoxLayout(legend)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    for status, colour in STATUS_COLOURS.items():
        label = QLabel(status_text(status))
        label.setObjectName(f"legend_{status}")
        label.setStyleSheet(
            f"QLabel {{ background: {colour}; border: 1px solid #b8b8b8; padding: 1px 6px; }}"
        )
        row.addWidget(label)
    return legend


class RosterPanel(QWidget):
    """A lazy list of the round's roster; a double-click offers the entry to the counter."""

    row_chosen = Signal(object)  # RosterRow

    def __init__(self, svc: DistributionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self._round_id: str | None = None
        self._point_id: str | None = None
        self._generation = 0
        self.filter_combo = QComboBox()
        for key, label in (
            (None, tr("Semua")),
            ("belum", tr("Belum menerima")),
            ("diterima", tr("Diterima")),
            ("diwakilkan", tr("Diwakilkan")),
            ("tidak_hadir", tr("Tidak hadir")),
            ("ditolak", tr("Ditolak")),
            ("dikeluarkan", tr("Dikeluarkan")),
        ):
            self.filter_combo.addItem(label, key)
        self.filter_combo.setCurrentIndex(1)
        self.filter_combo.currentIndexChanged.connect(self.reload)
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText(tr("Saring nama, NIK, KK…"))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.reload)
        self.filter_text.textChanged.connect(lambda _t: self._filter_timer.start())
        self.model = RosterTableModel(self.svc.roster_rows, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._row_chosen)
        # Widths from the font: the four first columns (No., name, masked NIK, the 16-digit
        # No. KK) fit the panel beside the counter at 1366x768.
        digits = self.fontMetrics().horizontalAdvance("0" * 16) + 18
        for column, width in (
            (RosterTableModel.COL_NO, self.fontMetrics().horizontalAdvance("00000") + 14),
            (RosterTableModel.COL_NAME, 160),
            (RosterTableModel.COL_NIK, digits),
            (RosterTableModel.COL_KK, digits),
            (RosterTableModel.COL_ADDRESS, 200),
        ):
            self.table.setColumnWidth(column, width)
        self.list_count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.filter_text, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.list_count)
        bottom.addStretch(1)
        # The legend gets a row of its own: beside the count it would widen the window.
        self.legend = status_legend()
        right = QVBoxLayout(self)
        right.addLayout(filters)
        right.addWidget(self.table, 1)
        right.addLayout(bottom)
        right.addWidget(self.legend)

    def show_round(self, round_id: str | None, point_id: str | None) -> None:
        """List the roster of this round (and point) from now on."""
        self._round_id, self._point_id = round_id, point_id
        self.reload()

    def roster_filter(self) -> RosterFilter:
        status = self.filter_combo.currentData()
        return RosterFilter(
            point_id=self._point_id,
            status=str(status) if status else None,
            query=self.filter_text.text(),
        )

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        if self._round_id is None:
            self.model.set_ids([])
            self.list_count.setText("")
            return
        flt, round_id = self.roster_filter(), self._round_id

        def done(ids: Sequence[int]) -> None:
            if generation == self._generation:
                self.model.set_ids(ids)
                self.list_count.setText(tr("{n} orang", n=format_count(len(ids))))

        run_job(lambda _job: self.svc.roster_ids(round_id, flt), parent=self, on_success=done)

    def refresh_row(self, rowid: int) -> None:
        """One entry changed at the counter: repaint its row."""
        self.model.refresh_row(rowid)

    def reload_soon(self) -> None:
        """Refilter shortly (a received entry leaves a "not yet" list), once per burst."""
        self._filter_timer.start()

    def _row_chosen(self, index: QModelIndex) -> None:
        row = self.model.data(index, ROW_ROLE)
        if isinstance(row, RosterRow):
            self.row_chosen.emit(row)
