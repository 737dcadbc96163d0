"""The Pelatihan tab: trainings on the left (list_panel); on the right the chosen training's
header and its pages, attendance (attendance_panel), participants (participants_panel) and
sessions (sessions_panel); printing of daftar hadir, recap and certificates."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.training import TrainingStatus
from desktop_app.gui.errors import show_error
from desktop_app.gui.training import printing
from desktop_app.gui.training.attendance_panel import AttendancePanel
from desktop_app.gui.training.certificates_dialog import CertificatesDialog
from desktop_app.gui.training.list_panel import TrainingListPanel
from desktop_app.gui.training.models import STATUS_COLOURS
from desktop_app.gui.training.participants_panel import ParticipantsPanel
from desktop_app.gui.training.sessions_panel import SessionsPanel
from desktop_app.gui.training.training_dialogs import TrainingDialog
from desktop_app.gui.training.widgets import button
from desktop_app.gui.widgets import allow
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.training import SessionView, TrainingRow, TrainingService

__all__ = ["CertificatesDialog", "TrainingTab"]

PAGE_SESSIONS = 2


class TrainingTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = TrainingService(ctx)
        self.current: TrainingRow | None = None
        self.read_only = ctx.db.read_only
        self._build()
        self.reload()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.trainings = TrainingListPanel(self.service, self.read_only, self)
        self.trainings.training_chosen.connect(self._training_chosen)
        self.trainings.created.connect(self._training_created)
        self.trainings.filter_changed.connect(self.reload)

        self.detail = self._build_detail()
        self.empty = QLabel(tr("Pilih pelatihan di sebelah kiri, atau buat pelatihan baru."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty)
        right_layout.addWidget(self.detail)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.trainings)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([310, 1040])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def _build_detail(self) -> QWidget:
        detail = QWidget()
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setWordWrap(True)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.edit_button = button(tr("Ubah…"), self.edit_training)
        self.advance_button = button("", self.advance_status)
        self.print_button = QPushButton(tr("Cetak"))
        menu = QMenu(self.print_button)
        self.print_session_action = menu.addAction(
            tr("Daftar hadir sesi terpilih…"), self.print_current_session
        )
        self.print_all_action = menu.addAction(
            tr("Daftar hadir semua sesi…"), self.print_all_sessions
        )
        self.print_recap_action = menu.addAction(tr("Rekap kehadiran…"), self.print_recap)
        menu.addSeparator()
        self.certificates_action = menu.addAction(tr("Sertifikat…"), self.open_certificates)
        self.print_button.setMenu(menu)

        head = QHBoxLayout()
        texts = QVBoxLayout()
        texts.addWidget(self.title_label)
        texts.addWidget(self.info_label)
        head.addLayout(texts, 1)
        head.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.advance_button, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)

        self.attendance = AttendancePanel(self.service, self.read_only, self)
        self.attendance.status_changed.connect(self.reload)
        self.participants = ParticipantsPanel(self.service, self)
        self.participants.changed.connect(self.reload)
        self.sessions = SessionsPanel(self.service, self)
        self.sessions.changed.connect(self.reload)
        self.sessions.print_requested.connect(self.print_session)
        self.pages = QTabWidget()
        self.pages.addTab(self.attendance, tr("Kehadiran"))
        self.pages.addTab(self.participants, tr("Peserta"))
        self.pages.addTab(self.sessions, tr("Sesi"))

        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.pages, 1)
        return detail

    # -- loading ----------------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        keep = select_id or (self.current.id if self.current else None)
        self.show_training(self.trainings.load(keep))

    def select_training(self, training_id: str) -> None:
        self.reload(select_id=training_id)

    def _training_chosen(self, training_id: str) -> None:
        if self.current is None or training_id != self.current.id:
            self.show_training(training_id)

    def _training_created(self, training_id: str) -> None:
        self.reload(select_id=training_id)
        self.pages.setCurrentIndex(PAGE_SESSIONS)  # sessions come next

    def show_training(self, training_id: str | None) -> None:
        if training_id is None:
            self.current = None
            self.detail.setVisible(False)
            self.empty.setVisible(True)
            self.attendance.show_grid(None, None)
            self.participants.training = self.sessions.training = None
            return
        self.current = self.service.get_training(training_id)
        self.empty.setVisible(False)
        self.detail.setVisible(True)
        self._refresh_detail()

    def _refresh_detail(self) -> None:
        assert self.current is not None
        t = self.current = self.service.get_training(self.current.id)
        colour = STATUS_COLOURS.get(t.status, "#000000")
        self.title_label.setText(
            f"<span style='font-size:13pt; font-weight:600'>{html.escape(t.title)}</span>"
            f"&nbsp;&nbsp;<span style='color:white; background:{colour}'>"
            f"&nbsp;{html.escape(tr(t.status_label))}&nbsp;</span>"
        )
        quota = tr("{n} peserta", n=t.participants) + (
            tr(" (kuota {quota})", quota=t.quota) if t.quota else ""
        )
        self.info_label.setText(
            " · ".join(
                html.escape(x)
                for x in (
                    t.category,
                    f"{t.start_date:%d-%m-%Y} – {t.end_date:%d-%m-%Y}",
                    t.venue,
                    tr("Pelatih: {names}", names=", ".join(t.trainers)),
                    quota,
                    tr("lulus bila hadir ≥ {pct}%", pct=t.threshold_pct),
                )
            )
        )
        grid = self.service.attendance_grid(t.id)
        self.attendance.show_grid(t, grid)
        self.participants.show_participants(t, grid.participants)
        self.sessions.show_sessions(t, grid)
        self._update_actions()
        self.attendance.marks_changed()
        self.attendance.grid_message.clear()

    def _update_actions(self) -> None:
        t = self.current
        writable = t is not None and not self.read_only
        finished = t is not None and t.status == TrainingStatus.FINISHED.value
        manage = Permission.TRAINING_MANAGE
        allow(self.edit_button, writable, self.ctx, manage)
        if t is None or finished:
            self.advance_button.setVisible(False)
        else:
            self.advance_button.setVisible(True)
            self.advance_button.setText(
                tr("Mulai pelatihan")
                if t.status == TrainingStatus.PLANNED.value
                else tr("Nyatakan selesai")
            )
            allow(self.advance_button, writable, self.ctx, manage)
        # The services refuse a role without the permission; the panels say so beforehand.
        can_manage = self.ctx.can(manage)
        for panel in (self.participants, self.sessions):
            panel.set_writable(writable and not finished and can_manage)
        self.attendance.set_writable(
            writable and not finished and self.ctx.can(Permission.ATTENDANCE)
        )
        has_sessions = bool(t and t.sessions)
        self.print_session_action.setEnabled(has_sessions)
        self.print_all_action.setEnabled(has_sessions)
        self.sessions.set_printable(has_sessions)

    # -- trainings --------------------------------------------------------------------------
    def edit_training(self) -> None:
        if self.current is None:
            return
        dialog = TrainingDialog(self.service, self.current, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def advance_status(self) -> None:
        t = self.current
        if t is None:
            return
        if t.status == TrainingStatus.PLANNED.value:
            target, question = TrainingStatus.RUNNING, tr("Mulai pelatihan ini sekarang?")
        else:
            target = TrainingStatus.FINISHED
            below = len(self.attendance.grid_model.below_rule())
            question = tr(
                "Nyatakan pelatihan selesai? Sesudah itu kehadiran, sesi dan peserta tidak dapat "
                "diubah lagi. {below} peserta di bawah syarat kehadiran.",
                below=below,
            )
        answer = QMessageBox.question(self, tr("Status pelatihan"), question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.set_status(t.id, target)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Status pelatihan"))
            return
        self.reload()

    # -- printing ---------------------------------------------------------------------------
    def _printed(self, path: Path) -> None:
        self.attendance.grid_message.setText("")
        window = self.window()
        status_bar = getattr(window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(tr("Tersimpan: {path}", path=str(path)), 15000)

    def print_current_session(self) -> None:
        """The daftar hadir of the session under the grid's cursor, else of the next session
        to come (or the last one)."""
        if self.current is None:
            return
        session_id = self.attendance.current_session_id()
        sessions = self.attendance.grid_model.sessions
        if session_id is None:
            open_sessions = [s for s in sessions if s.session_date >= self.ctx.clock.today()]
            chosen = open_sessions[0] if open_sessions else (sessions[-1] if sessions else None)
        else:
            chosen = next(s for s in sessions if s.id == session_id)
        if chosen is None:
            return
        printing.print_attendance_sheets(
            self, self.ctx, self.current, chosen.id, chosen.number, on_done=self._printed
        )

    def print_session(self, session: SessionView | None) -> None:
        """The daftar hadir of the session chosen on the Sesi page (else as the print menu)."""
        if self.current is None:
            return
        if session is None:
            self.print_current_session()
            return
        printing.print_attendance_sheets(
            self, self.ctx, self.current, session.id, session.number, on_done=self._printed
        )

    def print_all_sessions(self) -> None:
        if self.current is not None:
            printing.print_attendance_sheets(self, self.ctx, self.current, on_done=self._printed)

    def print_recap(self) -> None:
        if self.current is not None:
            printing.print_attendance_recap(self, self.ctx, self.current, on_done=self._printed)

    def open_certificates(self) -> None:
        if self.current is None:
            return
        CertificatesDialog(self.ctx, self.service, self.current, self).exec()
        self.reload()
