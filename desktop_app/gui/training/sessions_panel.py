"""The Sesi page: the chosen training's sessions, adding one or many, changing and removing
them, and printing one session's daftar hadir."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QMessageBox, QVBoxLayout, QWidget

from desktop_app.gui.errors import show_error
from desktop_app.gui.training.models import SessionTableModel
from desktop_app.gui.training.session_dialogs import DailySessionsDialog, SessionDialog
from desktop_app.gui.training.widgets import bar, button, selected_row, table_view
from desktop_app.i18n import tr
from desktop_app.services.training import AttendanceGrid, TrainingRow, TrainingService

__all__ = ["SessionsPanel"]


class SessionsPanel(QWidget):
    changed = Signal()  # sessions were added, changed or removed
    # The chosen SessionView, or None: the tab then prints the grid's current session.
    print_requested = Signal(object)

    def __init__(self, service: TrainingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.training: TrainingRow | None = None
        self.session_model = SessionTableModel(self)
        self.session_view = table_view(self.session_model)
        self.add_session_button = button(tr("Tambah sesi…"), self.add_session)
        self.add_daily_button = button(tr("Tambah beberapa sesi…"), self.add_daily_sessions)
        self.edit_session_button = button(tr("Ubah sesi…"), self.edit_session)
        self.remove_session_button = button(tr("Hapus sesi"), self.remove_session)
        self.print_one_button = button(
            tr("Cetak daftar hadir sesi ini…"), self.print_selected_session
        )
        self.session_view.doubleClicked.connect(lambda _i: self.edit_session())
        session_header = self.session_view.horizontalHeader()
        session_header.setStretchLastSection(False)
        session_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(
            bar(
                (
                    self.add_session_button,
                    self.add_daily_button,
                    self.edit_session_button,
                    self.remove_session_button,
                ),
                (self.print_one_button,),
            )
        )
        layout.addWidget(self.session_view, 1)

    def show_sessions(self, training: TrainingRow, grid: AttendanceGrid) -> None:
        self.training = training
        self.session_model.today = grid.today
        self.session_model.present = {s.id: grid.column_counts(s.id)["H"] for s in grid.sessions}
        self.session_model.set_rows(grid.sessions)
        self.session_view.resizeColumnsToContents()

    def set_writable(self, writable: bool) -> None:
        for widget in (
            self.add_session_button,
            self.add_daily_button,
            self.edit_session_button,
            self.remove_session_button,
        ):
            widget.setEnabled(writable)

    def set_printable(self, printable: bool) -> None:
        self.print_one_button.setEnabled(printable)

    def add_session(self) -> None:
        if self.training and SessionDialog(self.service, self.training, parent=self).exec():
            self.changed.emit()

    def add_daily_sessions(self) -> None:
        if self.training and DailySessionsDialog(self.service, self.training, self).exec():
            self.changed.emit()

    def _no_session_chosen(self, title: str) -> None:
        # The buttons stay enabled, so an unexplained no-op would look broken (as for Mundur…).
        QMessageBox.information(self, title, tr("Pilih sesi pada daftar terlebih dahulu."))

    def edit_session(self) -> None:
        session = selected_row(self.session_view)
        if self.training is None:
            return
        if session is None:
            self._no_session_chosen(tr("Ubah sesi"))
            return
        if SessionDialog(self.service, self.training, session, self).exec():
            self.changed.emit()

    def remove_session(self) -> None:
        session = selected_row(self.session_view)
        if session is None:
            self._no_session_chosen(tr("Hapus sesi"))
            return
        answer = QMessageBox.question(
            self,
            tr("Hapus sesi"),
            tr("Hapus sesi {n} ({topic})?", n=session.number, topic=session.topic),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.remove_session(session.id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Hapus sesi"))
            return
        self.changed.emit()

    def print_selected_session(self) -> None:
        if self.training is not None:
            self.print_requested.emit(selected_row(self.session_view))
