"""The Pelatihan tab: trainings on the left; the chosen training's attendance grid, participants
and sessions on the right; printing of daftar hadir, recap and certificates."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.training import TRAINING_STATUS_LABELS, TrainingStatus
from desktop_app.gui.errors import show_error
from desktop_app.gui.training import printing
from desktop_app.gui.training.dialogs import (
    DailySessionsDialog,
    NewParticipantDialog,
    OverrideDialog,
    ParticipantPickerDialog,
    SessionDialog,
    TrainingDialog,
    TrainingSettingsDialog,
    WithdrawDialog,
    selected_row,
)
from desktop_app.gui.training.grid import AttendanceView
from desktop_app.gui.training.models import (
    CODE_COLOURS,
    STATUS_COLOURS,
    AttendanceTableModel,
    ParticipantTableModel,
    ResultTableModel,
    SessionTableModel,
    TrainingListModel,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.training import ParticipantResult, TrainingRow, TrainingService

__all__ = ["CertificatesDialog", "TrainingTab"]


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


def _button(text: str, slot: object, tooltip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(slot)  # type: ignore[arg-type]
    if tooltip:
        button.setToolTip(tooltip)
    return button


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
        self.new_button = _button(tr("+ Pelatihan baru"), self.new_training)
        self.settings_button = _button(tr("Pengaturan pelatihan…"), self.edit_settings)
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("Semua status"), "")
        for status, label in TRAINING_STATUS_LABELS.items():
            self.status_filter.addItem(tr(label), status.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari pelatihan…"))
        self.search.setClearButtonEnabled(True)

        self.list_model = TrainingListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.list_model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(TrainingListModel.COL_TITLE)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.list_view = _table(self.proxy)
        self.list_view.setAlternatingRowColors(True)
        self.list_view.verticalHeader().setDefaultSectionSize(42)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(TrainingListModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.list_view.selectionModel().currentRowChanged.connect(self._training_chosen)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addStretch(1)
        top.addWidget(self.settings_button)
        left_layout.addLayout(top)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status_filter)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.list_view, 1)

        self.detail = self._build_detail()
        self.empty = QLabel(tr("Pilih pelatihan di sebelah kiri, atau buat pelatihan baru."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.empty)
        right_layout.addWidget(self.detail)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([310, 1040])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self.new_button.setEnabled(not self.read_only)
        self.settings_button.setEnabled(not self.read_only)

    def _build_detail(self) -> QWidget:
        detail = QWidget()
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setWordWrap(True)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.edit_button = _button(tr("Ubah…"), self.edit_training)
        self.advance_button = _button("", self.advance_status)
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

        self.pages = QTabWidget()
        self.pages.addTab(self._build_attendance_page(), tr("Kehadiran"))
        self.pages.addTab(self._build_participants_page(), tr("Peserta"))
        self.pages.addTab(self._build_sessions_page(), tr("Sesi"))

        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.pages, 1)
        return detail

    def _build_attendance_page(self) -> QWidget:
        page = QWidget()
        self.grid_model = AttendanceTableModel(
            writer=self.service.set_attendance,
            many_writer=lambda sid, codes: self.service.set_attendance_many(sid, codes),
            parent=self,
        )
        self.grid_model.read_only = self.read_only
        self.grid_model.refused.connect(self._mark_refused)
        self.grid_model.marks_changed.connect(self._marks_changed)
        self.grid = AttendanceView()
        self.grid.setModel(self.grid_model)
        self.grid.selectionModel().currentChanged.connect(self._grid_moved)
        self.all_present_button = _button(
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
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.grid_message)
        layout.addWidget(self.below_label)
        return page

    def _build_participants_page(self) -> QWidget:
        page = QWidget()
        self.participant_model = ParticipantTableModel(self)
        self.participant_view = _table(self.participant_model)
        self.pick_button = _button(tr("Tambah dari registri…"), self.pick_participants)
        self.register_button = _button(tr("Daftarkan peserta baru…"), self.register_participant)
        self.withdraw_button = _button(tr("Mundur…"), self.withdraw_participant)
        self.quota_label = QLabel()
        bar = QHBoxLayout()
        for widget in (self.pick_button, self.register_button, self.withdraw_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.quota_label)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.participant_view, 1)
        return page

    def _build_sessions_page(self) -> QWidget:
        page = QWidget()
        self.session_model = SessionTableModel(self)
        self.session_view = _table(self.session_model)
        self.add_session_button = _button(tr("Tambah sesi…"), self.add_session)
        self.add_daily_button = _button(tr("Tambah beberapa sesi…"), self.add_daily_sessions)
        self.edit_session_button = _button(tr("Ubah sesi…"), self.edit_session)
        self.remove_session_button = _button(tr("Hapus sesi"), self.remove_session)
        self.print_one_button = _button(
            tr("Cetak daftar hadir sesi ini…"), self.print_selected_session
        )
        self.session_view.doubleClicked.connect(lambda _i: self.edit_session())
        session_header = self.session_view.horizontalHeader()
        session_header.setStretchLastSection(False)
        session_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        bar = QHBoxLayout()
        for widget in (
            self.add_session_button,
            self.add_daily_button,
            self.edit_session_button,
            self.remove_session_button,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.print_one_button)
        layout = QVBoxLayout(page)
        layout.addLayout(bar)
        layout.addWidget(self.session_view, 1)
        return page

    # -- loading ----------------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        keep = select_id or (self.current.id if self.current else None)
        rows = self.service.list_trainings(self.status_filter.currentData() or None)
        self.list_model.set_rows(rows)
        self.list_view.resizeColumnToContents(TrainingListModel.COL_STATUS)
        self.list_view.resizeColumnToContents(TrainingListModel.COL_PARTICIPANTS)
        position = self.list_model.position_of(keep) if keep else None
        if position is None and rows:
            position = 0
        if position is not None:
            index = self.proxy.mapFromSource(self.list_model.index(position, 0))
            self.list_view.setCurrentIndex(index)
            self.list_view.scrollTo(index)
            self.show_training(rows[position].id)
        else:
            self.show_training(None)

    def select_training(self, training_id: str) -> None:
        self.reload(select_id=training_id)

    def _training_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(Qt.ItemDataRole.UserRole + 1) if current.isValid() else None
        if row is not None and (self.current is None or row.id != self.current.id):
            self.show_training(row.id)

    def show_training(self, training_id: str | None) -> None:
        if training_id is None:
            self.current = None
            self.detail.setVisible(False)
            self.empty.setVisible(True)
            self.grid_model.set_grid(None)
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
        current = self.grid.currentIndex()
        self.grid_model.set_grid(grid)
        self.grid.size_columns()
        if current.isValid() and current.row() < self.grid_model.rowCount():
            self.grid.setCurrentIndex(self.grid_model.index(current.row(), current.column()))
        else:
            self._focus_first_open_session()
        self.participant_model.set_rows(grid.participants)
        self.participant_view.resizeColumnsToContents()
        self.session_model.today = grid.today
        self.session_model.present = {s.id: grid.column_counts(s.id)["H"] for s in grid.sessions}
        self.session_model.set_rows(grid.sessions)
        self.session_view.resizeColumnsToContents()
        self.quota_label.setText(
            tr("Sisa tempat: {n}", n=t.places_left) if t.places_left is not None else ""
        )
        self._update_actions()
        self._marks_changed()
        self.grid_message.clear()

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

    def _update_actions(self) -> None:
        t = self.current
        writable = t is not None and not self.read_only
        finished = t is not None and t.status == TrainingStatus.FINISHED.value
        self.edit_button.setEnabled(writable)
        if t is None or finished:
            self.advance_button.setVisible(False)
        else:
            self.advance_button.setVisible(True)
            self.advance_button.setText(
                tr("Mulai pelatihan") if t.status == "direncanakan" else tr("Nyatakan selesai")
            )
            self.advance_button.setEnabled(writable)
        for button in (
            self.pick_button,
            self.register_button,
            self.withdraw_button,
            self.add_session_button,
            self.add_daily_button,
            self.edit_session_button,
            self.remove_session_button,
            self.all_present_button,
        ):
            button.setEnabled(writable and not finished)
        has_sessions = bool(t and t.sessions)
        self.print_session_action.setEnabled(has_sessions)
        self.print_all_action.setEnabled(has_sessions)
        self.print_one_button.setEnabled(has_sessions)

    # -- attendance -------------------------------------------------------------------------
    def _mark_refused(self, message: str) -> None:
        self.grid_message.setText(message)

    def _grid_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            reason = self.grid_model.editable_reason(current.row(), current.column())
            session = self.grid_model.session_at(current.column())
            self.grid_message.setText(reason if session is not None and reason else "")

    def _marks_changed(self) -> None:
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
        if self.current is not None:
            # The status may have moved to 'berjalan' with the first mark.
            status = self.service.get_training(self.current.id).status
            if status != self.current.status:
                self.reload()

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

    # -- trainings --------------------------------------------------------------------------
    def new_training(self) -> None:
        dialog = TrainingDialog(self.service, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.training_id:
            self.status_filter.setCurrentIndex(0)
            self.reload(select_id=dialog.training_id)
            self.pages.setCurrentIndex(2)  # sessions come next

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
        if t.status == "direncanakan":
            target, question = TrainingStatus.RUNNING, tr("Mulai pelatihan ini sekarang?")
        else:
            target = TrainingStatus.FINISHED
            below = len(self.grid_model.below_rule())
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

    def edit_settings(self) -> None:
        TrainingSettingsDialog(self.service, self).exec()

    # -- participants -----------------------------------------------------------------------
    def pick_participants(self) -> None:
        if self.current is None:
            return
        dialog = ParticipantPickerDialog(self.service, self.current, self)
        dialog.exec()
        if dialog.added:
            self.reload()

    def register_participant(self) -> None:
        if self.current is None:
            return
        dialog = NewParticipantDialog(self.service, self.current, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def withdraw_participant(self) -> None:
        participant = selected_row(self.participant_view)
        if participant is None:
            QMessageBox.information(
                self, tr("Peserta mundur"), tr("Pilih peserta pada daftar terlebih dahulu.")
            )
            return
        if not participant.active:
            QMessageBox.information(self, tr("Peserta mundur"), tr("Peserta ini sudah mundur."))
            return
        if WithdrawDialog(self.service, participant, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    # -- sessions ---------------------------------------------------------------------------
    def add_session(self) -> None:
        if self.current and SessionDialog(self.service, self.current, parent=self).exec():
            self.reload()

    def add_daily_sessions(self) -> None:
        if self.current and DailySessionsDialog(self.service, self.current, self).exec():
            self.reload()

    def _no_session_chosen(self, title: str) -> None:
        # The buttons stay enabled, so an unexplained no-op would look broken (as for Mundur…).
        QMessageBox.information(self, title, tr("Pilih sesi pada daftar terlebih dahulu."))

    def edit_session(self) -> None:
        session = selected_row(self.session_view)
        if self.current is None:
            return
        if session is None:
            self._no_session_chosen(tr("Ubah sesi"))
            return
        if SessionDialog(self.service, self.current, session, self).exec():
            self.reload()

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
        self.reload()

    # -- printing ---------------------------------------------------------------------------
    def _printed(self, path: Path) -> None:
        self.grid_message.setText("")
        window = self.window()
        status_bar = getattr(window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(tr("Tersimpan: {path}", path=str(path)), 15000)

    def print_current_session(self) -> None:
        if self.current is None:
            return
        session_id = self.current_session_id()
        if session_id is None:
            sessions = self.grid_model.sessions
            open_sessions = [s for s in sessions if s.session_date >= self.ctx.clock.today()]
            chosen = open_sessions[0] if open_sessions else (sessions[-1] if sessions else None)
        else:
            chosen = next(s for s in self.grid_model.sessions if s.id == session_id)
        if chosen is None:
            return
        printing.print_attendance_sheets(
            self, self.ctx, self.current, chosen.id, chosen.number, on_done=self._printed
        )

    def print_selected_session(self) -> None:
        session = selected_row(self.session_view)
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


class CertificatesDialog(QDialog):
    """Who meets the rule, their certificate numbers, printing, and administrator overrides."""

    def __init__(
        self,
        ctx: AppContext,
        service: TrainingService,
        training: TrainingRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.training = training
        self.setWindowTitle(tr("Sertifikat — {title}", title=training.title))
        self.resize(820, 560)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = ResultTableModel(self)
        self.view = _table(self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.print_button = _button(tr("Terbitkan dan cetak sertifikat…"), self.print_all)
        self.print_button.setDefault(True)
        self.override_button = _button(
            tr("Pengecualian (administrator)…"),
            self.override,
            tr("Terbitkan sertifikat bagi peserta di bawah syarat, dengan alasan tercatat."),
        )
        close = _button(tr("Tutup"), self.accept)
        bar = QHBoxLayout()
        bar.addWidget(self.override_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.reload()

    def reload(self) -> None:
        self.training = self.service.get_training(self.training.id)
        results = [r for r in self.service.results(self.training.id)]
        self.model.set_rows(results)
        self.view.resizeColumnsToContents()
        active = [r for r in results if r.participant.active]
        complete = sum(1 for r in active if r.complete)
        issued = sum(1 for r in active if r.certificate_number)
        finished = self.training.status == TrainingStatus.FINISHED.value
        text = tr(
            "{complete} dari {active} peserta aktif memenuhi syarat hadir {pct}%; "
            "{issued} sertifikat sudah diterbitkan.",
            complete=complete,
            active=len(active),
            pct=self.training.threshold_pct,
            issued=issued,
        )
        if not finished:
            text += (
                "<br><b>"
                + html.escape(tr("Sertifikat diterbitkan setelah pelatihan dinyatakan selesai."))
                + "</b>"
            )
        self.summary.setText(text)
        self._update_buttons()

    def selected(self) -> ParticipantResult | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        finished = self.training.status == TrainingStatus.FINISHED.value
        writable = finished and not self.ctx.db.read_only
        self.print_button.setEnabled(finished)
        r = self.selected()
        self.override_button.setEnabled(
            writable
            and r is not None
            and r.participant.active
            and not r.complete
            and r.certificate_number is None
        )

    def print_all(self) -> None:
        job = printing.print_certificates(self, self.ctx, self.training)
        if job is not None:
            job.finished.connect(self.reload)

    def override(self) -> None:
        r = self.selected()
        if r is None:
            return
        dialog = OverrideDialog(
            self.service, r.participant, r.pct, self.training.threshold_pct, self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
