"""The Kehadiran page: the keyboard-first attendance grid of the chosen training, "semua hadir",
the legend, refusals of a mark, and who can no longer meet the completion rule."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.gui.training.grid import AttendanceView
from desktop_app.gui.training.models import CODE_COLOURS, AttendanceTableModel
from desktop_app.gui.training.widgets import button
from desktop_app.i18n import tr
from desktop_app.services.training import AttendanceGrid, TrainingRow, TrainingService

__all__ = ["AttendancePanel"]


class AttendancePanel(QWidget):
    # The first mark moves a planned training to 'berjalan': the tab shows the new status.
    status_changed = Signal()

    def __init__(
        self, service: TrainingService, read_only: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.training: TrainingRow | None = None
        self.grid_model = AttendanceTableModel(
            writer=service.set_attendance,
            many_writer=lambda sid, codes: service.set_attendance_many(sid, codes),
            parent=self,
        )
        self.grid_model.read_only = read_only
        self.grid_model.refused.connect(self._mark_refused)
        self.grid_model.marks_changed.connect(self.marks_changed)
        self.grid = AttendanceView()
        self.grid.setModel(self.grid_model)
        self.grid.selectionModel().currentChanged.connect(self._grid_moved)
        self.all_present_button = button(
            tr("Semua hadir"),
            self.mark_all_present,
            tr("Tandai H semua peserta yang belum diisi pada sesi terpilih (I/S/A tetap)."),
        )
        legend = QLabel(
            " ".join(
                f'<span style="background:{CODE_COLOURS[c]}">&nbsp;<b>{c}</b>&nbsp;</span> '
                f"{html.escape(tr(label))}"
                for c, label in (("H", "hadir"), ("I", "izin"), ("S", "sakit"), ("A", "alpa"))
            )
        )
        hint = QLabel(tr("Ketik H/I/S/A · Enter atau panah untuk pindah · Delete menghapus tanda"))
        hint.setStyleSheet("color: #555555;")
        bar = QHBoxLayout()
        bar.addWidget(self.all_present_button)
        bar.addSpacing(12)
        bar.addWidget(legend)
        bar.addStretch(1)
        bar.addWidget(hint)
        self.grid_message = QLabel()
        self.grid_message.setWordWrap(True)
        self.grid_message.setStyleSheet("color: #b3261e;")
        self.below_label = QLabel()
        self.below_label.setWordWrap(True)
        self.below_label.setTextFormat(Qt.TextFormat.RichText)
        self.below_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.below_label.setMaximumHeight(64)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.grid_message)
        layout.addWidget(self.below_label)

    def show_grid(self, training: TrainingRow | None, grid: AttendanceGrid | None) -> None:
        """Show `grid`, keeping the cursor where it was (or on the session to mark next)."""
        self.training = training
        if grid is None:
            self.grid_model.set_grid(None)
            return
        current = self.grid.currentIndex()
        self.grid_model.set_grid(grid)
        self.grid.size_columns()
        if current.isValid() and current.row() < self.grid_model.rowCount():
            self.grid.setCurrentIndex(self.grid_model.index(current.row(), current.column()))
        else:
            self._focus_first_open_session()

    def set_writable(self, writable: bool) -> None:
        self.all_present_button.setEnabled(writable)

    def _focus_first_open_session(self) -> None:
        """Start on the latest session that can be marked: usually today's."""
        grid = self.grid_model.grid
        if grid is None or not grid.participants:
            return
        open_sessions = [s for s in grid.sessions if s.session_date <= grid.today]
        target = (
            open_sessions[-1] if open_sessions else (grid.sessions[0] if grid.sessions else None)
        )
        column = self.grid_model.column_of(target.id) if target else self.grid_model.COL_NAME
        self.grid.setCurrentIndex(self.grid_model.index(0, column or 0))

    def _mark_refused(self, message: str) -> None:
        self.grid_message.setText(message)

    def _grid_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            reason = self.grid_model.editable_reason(current.row(), current.column())
            session = self.grid_model.session_at(current.column())
            self.grid_message.setText(reason if session is not None and reason else "")

    def marks_changed(self) -> None:
        below = self.grid_model.below_rule()
        sessions = len(self.grid_model.sessions)
        if not sessions:
            self.below_label.setText(tr("Belum ada sesi. Tambahkan sesi di halaman Sesi."))
            return
        if not below:
            active = [p for p in self.grid_model.participants if p.active]
            if active and all(self.grid_model.complete(p.id) for p in active):
                text = tr(
                    "Semua peserta aktif memenuhi syarat kehadiran ({pct}%).",
                    pct=self.grid_model.threshold,
                )
            else:
                text = tr(
                    "Belum ada peserta yang tertinggal: semua masih dapat memenuhi syarat "
                    "kehadiran ({pct}%).",
                    pct=self.grid_model.threshold,
                )
            self.below_label.setText(text)
            return
        names = ", ".join(html.escape(p.name) for p in below[:12])
        more = tr(" dan {n} lainnya", n=len(below) - 12) if len(below) > 12 else ""
        self.below_label.setText(
            tr(
                "<b>{count} peserta di bawah syarat {pct}%:</b> {names}{more}",
                count=len(below),
                pct=self.grid_model.threshold,
                names=names,
                more=more,
            )
        )
        if self.training is not None:
            status = self.service.get_training(self.training.id).status
            if status != self.training.status:
                self.status_changed.emit()

    def current_session_id(self) -> str | None:
        index = self.grid.currentIndex()
        session = self.grid_model.session_at(index.column()) if index.isValid() else None
        return session.id if session else None

    def mark_all_present(self) -> None:
        session_id = self.current_session_id()
        if session_id is None:
            self.grid_message.setText(tr("Pilih dahulu sel pada kolom sesi yang akan diisi."))
            return
        count = self.grid_model.mark_all_present(session_id)
        if count:
            self.grid_message.setText(tr("{n} peserta ditandai hadir.", n=count))
