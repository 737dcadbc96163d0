"""The left side of the Pelatihan tab: the trainings, filtered by status and searched by title,
with the buttons for a new training and the office's training settings."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.training import TRAINING_STATUS_LABELS
from desktop_app.gui.training.models import TrainingListModel
from desktop_app.gui.training.training_dialogs import TrainingDialog, TrainingSettingsDialog
from desktop_app.gui.training.widgets import bar, button, table_view
from desktop_app.gui.widgets import allow
from desktop_app.i18n import tr
from desktop_app.services.training import TrainingService

__all__ = ["TrainingListPanel"]


class TrainingListPanel(QWidget):
    training_chosen = Signal(str)  # the person moved to another training in the list
    created = Signal(str)  # a new training was saved
    filter_changed = Signal()

    def __init__(
        self, service: TrainingService, read_only: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.new_button = button(tr("+ Pelatihan baru"), self.new_training)
        self.settings_button = button(tr("Pengaturan pelatihan…"), self.edit_settings)
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("Semua status"), "")
        for status, label in TRAINING_STATUS_LABELS.items():
            self.status_filter.addItem(tr(label), status.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.filter_changed.emit())
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari pelatihan…"))
        self.search.setClearButtonEnabled(True)

        self.list_model = TrainingListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.list_model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(TrainingListModel.COL_TITLE)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.list_view = table_view(self.proxy)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.verticalHeader().setDefaultSectionSize(42)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(TrainingListModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.list_view.selectionModel().currentRowChanged.connect(self._row_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar((self.new_button,), (self.settings_button,)))
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        layout.addLayout(filters)
        layout.addWidget(self.list_view, 1)
        ctx = service.ctx
        allow(self.new_button, not read_only, ctx, Permission.TRAINING_MANAGE)
        allow(self.settings_button, not read_only, ctx, Permission.TRAINING_MANAGE)

    def load(self, keep: str | None) -> str | None:
        """Reload the list and select `keep` (or the first training); returns the id selected."""
        rows = self.service.list_trainings(self.status_filter.currentData() or None)
        self.list_model.set_rows(rows)
        self.list_view.resizeColumnToContents(TrainingListModel.COL_STATUS)
        self.list_view.resizeColumnToContents(TrainingListModel.COL_PARTICIPANTS)
        position = self.list_model.position_of(keep) if keep else None
        if position is None and rows:
            position = 0
        if position is None:
            return None
        index = self.proxy.mapFromSource(self.list_model.index(position, 0))
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)
        return rows[position].id

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(Qt.ItemDataRole.UserRole + 1) if current.isValid() else None
        if row is not None:
            self.training_chosen.emit(row.id)

    def new_training(self) -> None:
        dialog = TrainingDialog(self.service, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.training_id:
            self.status_filter.setCurrentIndex(0)
            self.created.emit(dialog.training_id)

    def edit_settings(self) -> None:
        TrainingSettingsDialog(self.service, self).exec()
