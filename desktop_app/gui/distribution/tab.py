"""The Penyaluran tab: the counter where a round is handed out.

One search/scan field always has the focus. A barcode scanner types the card code and Enter; a
clerk may type a NIK, KK or name. A single match is recorded as received by the recipient at
once (one keystroke); several name matches are listed to choose from, then Enter records. F2
records a proxy, F3 absent, F4 refused, F6 prints the receipt again, F8 voids it.

Recording a receipt is a few milliseconds of service work and runs on the GUI thread on purpose:
scans must be handled strictly one after another, and the number shown must already be on disk.
Everything that can take longer (progress counts, the roster list, opening a round, PDFs) runs
in workers.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import mask_nik
from desktop_app.gui.distribution import printing
from desktop_app.gui.distribution.dialogs import (
    NewRoundDialog,
    ProxyDialog,
    ReasonDialog,
    relation_label,
)
from desktop_app.gui.distribution.models import RosterTableModel, status_text
from desktop_app.gui.errors import show_error, user_message
from desktop_app.gui.registry.models import ROW_ROLE
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import (
    DistributionService,
    Proxy,
    ReceiptView,
    RosterFilter,
    RosterRow,
    RoundView,
    format_count,
)

__all__ = ["DistributionTab", "ask_proxy", "ask_reason"]

# Panel colours: what happened must be readable from across the counter.
_OK = ("#1b5e20", "#d8f0dc")
_WARN = ("#7a4a00", "#fff0cc")
_ERROR = ("#8c1d18", "#f9d9d6")
_INFO = ("#1a1a1a", "#eef1f5")


def ask_reason(
    parent: QWidget, title: str, prompt: str, *, required: bool = True, default: str = ""
) -> str | None:
    """The reason typed, or None when cancelled (tests replace this)."""
    dialog = ReasonDialog(title, prompt, required=required, default=default, parent=parent)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_proxy(
    parent: QWidget,
    recipient: str,
    candidates: list[tuple[str, str, str]],
    deceased: bool,
    record: Callable[[Proxy], ReceiptView],
) -> ReceiptView | None:
    """Show the proxy dialog until `record(proxy)` succeeds or the clerk cancels; a refusal is
    shown inside the dialog so the clerk can correct it (tests replace this)."""
    dialog = ProxyDialog(recipient, candidates, deceased, parent)
    while dialog.exec() == QDialog.DialogCode.Accepted and dialog.proxy is not None:
        try:
            return record(dialog.proxy)
        except ServiceError as exc:
            dialog.show_error(user_message(exc) or exc.message)
    return None


class DistributionTab(QWidget):
    receipt_recorded = Signal(str)  # the receipt number, after the commit
    progress_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.svc = DistributionService(ctx)
        self.rounds: list[RoundView] = []
        self.current: RosterRow | None = None
        self.last_receipt: ReceiptView | None = None
        self._generation = 0
        self._progress_generation = 0
        self.totals: object | None = None
        self._build()
        self.reload_rounds()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        huge = QFont(self.font())
        huge.setPointSizeF(huge.pointSizeF() * 2.0)
        huge.setBold(True)

        self.round_combo = QComboBox()
        self.round_combo.setMinimumWidth(340)
        self.round_combo.currentIndexChanged.connect(self._round_changed)
        self.point_combo = QComboBox()
        self.point_combo.setMinimumWidth(260)
        self.point_combo.currentIndexChanged.connect(self._point_changed)
        self.new_button = QPushButton(tr("Putaran baru…"))
        self.new_button.clicked.connect(self.new_round)
        self.open_button = QPushButton(tr("Buka putaran"))
        self.open_button.clicked.connect(self.open_round)
        self.close_button = QPushButton(tr("Tutup putaran"))
        self.close_button.clicked.connect(self.close_round)
        # A push button with a menu, as in Pelatihan: a QToolButton's arrow overlapped "Cetak".
        self.print_button = QPushButton(tr("Cetak"))
        self.print_button.setMenu(self._print_menu())
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Putaran")))
        top.addWidget(self.round_combo, 2)
        top.addWidget(QLabel(tr("Titik salur")))
        top.addWidget(self.point_combo, 2)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.close_button)
        top.addWidget(self.print_button)

        self.progress_label = QLabel()
        self.progress_label.setFont(huge)
        self.progress_detail = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(14)

        self.scan = QLineEdit()
        self.scan.setFont(big)
        self.scan.setMinimumHeight(48)
        self.scan.setPlaceholderText(
            tr("Pindai kartu atau ketik NIK, No. KK, atau nama, lalu Enter")
        )
        self.scan.setClearButtonEnabled(True)
        self.scan.returnPressed.connect(self.on_enter)

        self.panel = QFrame()
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel_title = QLabel()
        self.panel_title.setFont(huge)
        self.panel_title.setWordWrap(True)
        self.panel_body = QLabel()
        self.panel_body.setFont(big)
        self.panel_body.setWordWrap(True)
        self.panel_body.setTextFormat(Qt.TextFormat.RichText)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addWidget(self.panel_title)
        panel_layout.addWidget(self.panel_body)
        panel_layout.addStretch(1)
        self.panel.setMinimumHeight(220)

        self.matches = QListWidget()
        self.matches.setFont(big)
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._match_chosen)

        self.receive_button = QPushButton(tr("Terima (Enter)"))
        self.receive_button.clicked.connect(self.receive_current)
        self.proxy_button = QPushButton(tr("Diwakilkan… (F2)"))
        self.proxy_button.clicked.connect(self.receive_by_proxy)
        self.absent_button = QPushButton(tr("Tidak hadir (F3)"))
        self.absent_button.clicked.connect(self.mark_absent)
        self.refuse_button = QPushButton(tr("Ditolak… (F4)"))
        self.refuse_button.clicked.connect(self.mark_refused)
        self.reprint_button = QPushButton(tr("Cetak tanda terima (F6)"))
        self.reprint_button.clicked.connect(self.print_current_receipt)
        self.void_button = QPushButton(tr("Batalkan tanda terima… (F8)"))
        self.void_button.clicked.connect(self.void_current)
        self.auto_print = QCheckBox(tr("Cetak tanda terima otomatis"))
        actions = QHBoxLayout()
        for button in (
            self.receive_button,
            self.proxy_button,
            self.absent_button,
            self.refuse_button,
            self.reprint_button,
            self.void_button,
        ):
            button.setMinimumHeight(40)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus
            actions.addWidget(button)
        for key, slot in (
            ("F2", self.receive_by_proxy),
            ("F3", self.mark_absent),
            ("F4", self.mark_refused),
            ("F6", self.print_current_receipt),
            ("F8", self.void_current),
            ("Esc", self.clear_current),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)

        counter = QWidget()
        left = QVBoxLayout(counter)
        left.addWidget(self.progress_label)
        left.addWidget(self.progress_bar)
        left.addWidget(self.progress_detail)
        left.addWidget(self.scan)
        left.addWidget(self.matches)
        left.addWidget(self.panel, 1)
        left.addLayout(actions)
        left.addWidget(self.auto_print)

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
        self.filter_combo.currentIndexChanged.connect(self.reload_roster)
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText(tr("Saring nama, NIK, KK…"))
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.reload_roster)
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
        self.list_count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.filter_text, 1)
        roster = QWidget()
        right = QVBoxLayout(roster)
        right.addLayout(filters)
        right.addWidget(self.table, 1)
        right.addWidget(self.list_count)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(counter)
        splitter.addWidget(roster)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([700, 560])
        for column, width in (
            (RosterTableModel.COL_NO, 50),
            (RosterTableModel.COL_NAME, 190),
            (RosterTableModel.COL_NIK, 140),
            (RosterTableModel.COL_KK, 140),
            (RosterTableModel.COL_ADDRESS, 200),
        ):
            self.table.setColumnWidth(column, width)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._show_panel(
            tr("Siap"), tr("Pilih putaran dan titik salur, lalu pindai kartu penerima."), _INFO
        )

    def _print_menu(self) -> QMenu:
        menu = QMenu(self)
        for key in printing.DOCUMENTS:
            action = menu.addAction(printing.document_titles()[key] + "…")
            action.triggered.connect(lambda _c=False, k=key: self.print_document(k))
        menu.addSeparator()
        layouts = menu.addMenu(tr("Ukuran tanda terima"))
        self.layout_group = QActionGroup(self)
        for key, label in (
            ("a6", tr("A6")),
            ("half_a4", tr("Setengah A4")),
            ("thermal80", tr("Printer thermal 80 mm")),
            ("thermal58", tr("Printer thermal 58 mm")),
        ):
            action = QAction(label, self, checkable=True)
            action.setData(key)
            action.setChecked(key == "a6")
            self.layout_group.addAction(action)
            layouts.addAction(action)
        return menu

    def receipt_layout(self) -> str:
        checked = self.layout_group.checkedAction()
        return str(checked.data()) if checked else "a6"

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)  # type: ignore[arg-type]
        self.scan.setFocus()

    # -- rounds and points -------------------------------------------------------------------
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
        self.clear_current()
        self._update_buttons()
        self._point_changed()

    def _point_changed(self, *_args: object) -> None:
        rnd = self.current_round()
        if rnd is not None:
            _remember("round_of_point", rnd.id)
            _remember("point", self.point_id() or "")
        self.clear_current()
        self.refresh_progress()
        self.reload_roster()
        self.scan.setFocus()

    def _update_buttons(self) -> None:
        rnd = self.current_round()
        status = rnd.status if rnd else None
        self.open_button.setEnabled(status == "draft")
        self.close_button.setEnabled(status == "open")
        self.print_button.setEnabled(rnd is not None)
        self.scan.setEnabled(status in ("open", "closed"))
        counter = status == "open" and self.current is not None
        pending = counter and self.current is not None and not self.current.received
        received = counter and self.current is not None and self.current.received
        self.receive_button.setEnabled(bool(pending))
        self.proxy_button.setEnabled(bool(pending))
        self.absent_button.setEnabled(bool(pending))
        self.refuse_button.setEnabled(bool(pending))
        self.void_button.setEnabled(bool(received))
        self.reprint_button.setEnabled(
            self.current is not None and self.current.receipt_number is not None
        )

    # -- progress and the roster list ----------------------------------------------------------
    def refresh_progress(self) -> None:
        rnd = self.current_round()
        if rnd is None:
            self.progress_label.setText(tr("Belum ada putaran penyaluran"))
            self.progress_detail.setText(tr("Buat putaran baru untuk memulai."))
            self.progress_bar.setValue(0)
            return
        self._progress_generation += 1
        generation = self._progress_generation
        round_id, point_id = rnd.id, self.point_id()

        def done(totals: object) -> None:
            if generation == self._progress_generation:
                self._show_progress(totals)

        run_job(lambda _job: self.svc.totals(round_id, point_id), parent=self, on_success=done)

    def _show_progress(self, t: object) -> None:
        self.totals = t
        entitled = getattr(t, "entitled", 0)
        received = getattr(t, "received", 0)
        self.progress_label.setText(
            tr(
                "{received} / {entitled} diterima",
                received=format_count(received),
                entitled=format_count(entitled),
            )
        )
        self.progress_detail.setText(
            tr(
                "Diwakilkan {proxy} · tidak hadir {absent} · ditolak {refused} · belum {pending}",
                proxy=format_count(getattr(t, "by_proxy", 0)),
                absent=format_count(getattr(t, "absent", 0)),
                refused=format_count(getattr(t, "refused", 0)),
                pending=format_count(getattr(t, "pending", 0)),
            )
        )
        self.progress_bar.setMaximum(max(entitled, 1))
        self.progress_bar.setValue(received)
        self.progress_changed.emit()

    def roster_filter(self) -> RosterFilter:
        status = self.filter_combo.currentData()
        return RosterFilter(
            point_id=self.point_id(),
            status=str(status) if status else None,
            query=self.filter_text.text(),
        )

    def reload_roster(self) -> None:
        rnd = self.current_round()
        self._generation += 1
        generation = self._generation
        if rnd is None:
            self.model.set_ids([])
            self.list_count.setText("")
            return
        flt, round_id = self.roster_filter(), rnd.id

        def done(ids: Sequence[int]) -> None:
            if generation == self._generation:
                self.model.set_ids(ids)
                self.list_count.setText(tr("{n} orang", n=format_count(len(ids))))

        run_job(lambda _job: self.svc.roster_ids(round_id, flt), parent=self, on_success=done)

    # -- the counter -------------------------------------------------------------------------
    def on_enter(self) -> None:
        """Enter in the scan field: find what was typed; a single match is recorded at once.
        With the field empty, Enter records the recipient on screen."""
        rnd = self.current_round()
        if rnd is None:
            return
        text = self.scan.text().strip()
        self.scan.clear()
        if not text:
            if self.current is not None and not self.current.received:
                self.receive_current()
            return
        self.matches.setVisible(False)
        try:
            matches = self.svc.find(rnd.id, text, self.point_id())
            active = [m for m in matches if m.active]
            if len(matches) > 1 and len(active) != 1:
                self._show_matches(matches, text)
                return
            entry = self.svc.scan(rnd.id, text, self.point_id())
        except ServiceError as exc:
            self.current = None
            self._update_buttons()
            found = "tidak ditemukan" in exc.message
            self._show_panel(
                tr("Tidak ditemukan") if found else tr("Tidak dapat dilayani"),
                html.escape(user_message(exc) or exc.message),
                _WARN if found else _ERROR,
            )
            return
        self._set_current(entry)
        if rnd.status == "open":
            # Also for someone who already received: the refusal says when, where and by whom.
            self.receive_current()

    def _show_matches(self, matches: list[RosterRow], text: str) -> None:
        self.current = None
        self._update_buttons()
        self.matches.clear()
        for m in matches:
            label = f"{m.name} — {mask_nik(m.nik) if m.nik else '-'} — {m.kelurahan}"
            if m.status:
                label += f" [{status_text(m.status)}]"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.matches.addItem(item)
        self.matches.setVisible(True)
        self.matches.setCurrentRow(0)
        self.matches.setFocus()
        self._show_panel(
            tr("{n} nama cocok", n=len(matches)),
            tr(
                "Pilih penerima untuk '{query}' dengan panah lalu Enter, atau pindai kartunya.",
                query=html.escape(text),
            ),
            _INFO,
        )

    def _match_chosen(self, item: QListWidgetItem) -> None:
        rows = self.svc.roster_rows_by_id([str(item.data(Qt.ItemDataRole.UserRole))])
        self.matches.setVisible(False)
        if rows:
            self._set_current(rows[0])
        self.scan.setFocus()

    def _row_chosen(self, index: QModelIndex) -> None:
        row = self.model.data(index, ROW_ROLE)
        if isinstance(row, RosterRow):
            self._set_current(row)
        self.scan.setFocus()

    def _set_current(self, entry: RosterRow) -> None:
        self.current = entry
        self._update_buttons()
        lines = [
            tr("NIK {nik} · No. KK {kk}", nik=entry.nik or "-", kk=entry.kk_number or "-"),
            html.escape(f"{entry.address}, {entry.kelurahan}"),
            tr("Titik salur: {point}", point=html.escape(entry.point_name or "-")),
        ]
        colours = _INFO
        title = entry.name
        if entry.received:
            colours = _OK
            lines.insert(
                0,
                tr(
                    "<b>Sudah menerima</b> — tanda terima {number}",
                    number=entry.receipt_number or "",
                ),
            )
        elif entry.status in ("tidak_hadir", "ditolak"):
            colours = _WARN
            lines.insert(
                0,
                f"<b>{status_text(entry.status)}</b>: {html.escape(entry.mark_reason or '')}",
            )
        elif not entry.active:
            colours = _ERROR
            lines.insert(0, f"<b>{tr('Dikeluarkan dari daftar')}</b>")
        else:
            lines.insert(0, tr("<b>Belum menerima</b> — Enter untuk mencatat diterima."))
        if self.svc.recipient_deceased(entry.id):
            lines.insert(
                0, tr("<b>Penerima tercatat meninggal dunia</b>: hanya ahli waris satu KK (F2).")
            )
            colours = _WARN if not entry.received else colours
        self._show_panel(title, "<br>".join(lines), colours)

    def clear_current(self) -> None:
        self.current = None
        self.matches.setVisible(False)
        self._update_buttons()
        self.scan.setFocus()

    def _show_panel(self, title: str, body: str, colours: tuple[str, str]) -> None:
        fg, bg = colours
        self.panel.setStyleSheet(
            f"QFrame {{ background: {bg}; border-radius: 8px; }} QLabel {{ color: {fg}; }}"
        )
        self.panel_title.setText(title)
        self.panel_body.setText(body)

    def receive_current(self, proxy: Proxy | None = None) -> ReceiptView | None:
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None:
            return None
        try:
            receipt = self.svc.receive(rnd.id, entry.id, point_id=self.point_id(), proxy=proxy)
        except ServiceError as exc:
            if proxy is not None:
                raise
            self._show_panel(entry.name, html.escape(user_message(exc) or exc.message), _ERROR)
            self.scan.setFocus()
            return None
        self._recorded(entry, receipt)
        return receipt

    def _recorded(self, entry: RosterRow, receipt: ReceiptView) -> None:
        self.last_receipt = receipt
        fresh = self.svc.roster_rows_by_id([entry.id])
        self.current = fresh[0] if fresh else entry
        self._update_buttons()
        via = ""
        if receipt.collector_name:
            via = "<br>" + tr(
                "Diambil oleh {name} ({relation})",
                name=html.escape(receipt.collector_name),
                relation=relation_label(receipt.collector_relation),
            )
        rnd = self.current_round()
        handover = ""
        if rnd is not None:
            handover = "<br>" + tr(
                "Serahkan: {item} {quantity}",
                item=html.escape(rnd.item),
                quantity=rnd.quantity_text,
            )
        self._show_panel(
            tr("DITERIMA — {name}", name=entry.name),
            tr("Tanda terima <b>{number}</b>", number=receipt.number)
            + via
            + handover
            + "<br>"
            + tr("Pindai penerima berikutnya."),
            _OK,
        )
        self.model.refresh_row(entry.rowid)
        self._filter_timer.start()  # the row leaves a "not yet" list shortly after
        self.refresh_progress()
        self.receipt_recorded.emit(receipt.number)
        if self.auto_print.isChecked():
            self.print_current_receipt()
        self.scan.setFocus()

    def receive_by_proxy(self) -> None:
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None or entry.received or rnd.status != "open":
            return
        receipt = ask_proxy(
            self,
            entry.name,
            self.svc.collector_candidates(entry.id),
            self.svc.recipient_deceased(entry.id),
            lambda proxy: self.svc.receive(rnd.id, entry.id, point_id=self.point_id(), proxy=proxy),
        )
        if receipt is not None:
            self._recorded(entry, receipt)
        self.scan.setFocus()

    def _mark(self, kind: str, reason: str) -> None:
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None:
            return
        try:
            self.svc.mark(rnd.id, entry.id, kind, reason, point_id=self.point_id())
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._reload_entry(entry)
        self._filter_timer.start()
        self.refresh_progress()
        self.scan.setFocus()

    def _reload_entry(self, entry: RosterRow) -> None:
        """Show `entry` as the database has it now, in the panel and in its table row."""
        fresh = self.svc.roster_rows_by_id([entry.id])
        if fresh:
            self._set_current(fresh[0])
        self.model.refresh_row(entry.rowid)

    def mark_absent(self) -> None:
        if self.current is None or self.current.received:
            return
        reason = ask_reason(
            self,
            tr("Tidak hadir"),
            tr("Catat {name} tidak hadir. Keterangan (boleh kosong):", name=self.current.name),
            required=False,
        )
        if reason is not None:
            self._mark("tidak_hadir", reason)

    def mark_refused(self) -> None:
        if self.current is None or self.current.received:
            return
        reason = ask_reason(
            self,
            tr("Ditolak"),
            tr("Alasan {name} ditolak (wajib):", name=self.current.name),
        )
        if reason is not None:
            self._mark("ditolak", reason)

    def void_current(self) -> None:
        entry = self.current
        if entry is None or not entry.receipt_number:
            return
        reason = ask_reason(
            self,
            tr("Batalkan tanda terima"),
            tr(
                "Tanda terima {number} untuk {name} akan dibatalkan (tetap tercatat sebagai "
                "batal). Alasan (wajib):",
                number=entry.receipt_number,
                name=entry.name,
            ),
        )
        if reason is None:
            return
        try:
            self.svc.void(entry.receipt_number, reason)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._reload_entry(entry)
        self.refresh_progress()
        self.scan.setFocus()

    def print_current_receipt(self) -> None:
        rnd = self.current_round()
        number = self.current.receipt_number if self.current else None
        if rnd is None or not number:
            return
        printing.print_receipt(self, self.ctx, rnd.id, number, layout=self.receipt_layout())
        self.scan.setFocus()

    # -- round actions -----------------------------------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def new_round(self) -> None:
        dialog = NewRoundDialog(self.svc, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.round_id:
            self.reload_rounds(select=dialog.round_id)

    def open_round(self) -> None:
        rnd = self.current_round()
        if rnd is None or rnd.status != "draft":
            return
        if not self._confirm(
            tr("Buka putaran"),
            tr(
                "Buka {name}? Daftar penerima dibekukan dari kepesertaan aktif hari ini; "
                "perubahan registri sesudahnya tidak mengubah daftar ini.",
                name=rnd.name,
            ),
        ):
            return

        def done(summary: object) -> None:
            self.reload_rounds(select=rnd.id)
            unassigned = getattr(summary, "unassigned", 0)
            if unassigned:
                QMessageBox.information(
                    self,
                    tr("Buka putaran"),
                    tr(
                        "{n} penerima tidak punya titik salur; titik mana pun boleh melayani "
                        "mereka.",
                        n=format_count(unassigned),
                    ),
                )

        run_job(
            lambda _job: self.svc.open_round(rnd.id),
            parent=self,
            title=tr("Buka putaran"),
            label=tr("Membekukan daftar penerima…"),
            on_success=done,
            write=True,
            cancellable=False,
        )

    def close_round(self) -> None:
        rnd = self.current_round()
        if rnd is None or rnd.status != "open":
            return
        if not self._confirm(
            tr("Tutup putaran"),
            tr(
                "Tutup {name}? Sesudah ditutup tidak ada lagi yang dapat dicatat; daftar tetap "
                "dapat dicetak.",
                name=rnd.name,
            ),
        ):
            return
        try:
            self.svc.close_round(rnd.id)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self.reload_rounds(select=rnd.id)

    def print_document(self, document: str) -> None:
        rnd = self.current_round()
        if rnd is None:
            return
        printing.print_document(
            self,
            self.ctx,
            document,
            rnd.id,
            point_id=self.point_id(),
            round_name=rnd.name,
            layout=self.receipt_layout(),
        )


def _remembered(key: str) -> str | None:
    value = QSettings("Berdaya", "Berdaya").value(f"distribution/{key}")
    return str(value) if value else None


def _remember(key: str, value: str) -> None:
    QSettings("Berdaya", "Berdaya").setValue(f"distribution/{key}", value)
