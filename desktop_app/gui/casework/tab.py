"""The Layanan tab: casework lists on the left, the opened case on the right.

Lists: "Kasus saya" (the open cases assigned to whoever is logged in), "Jatuh tempo minggu ini"
(follow-ups by Sunday, overdue first and red), "Semua kasus" and, for Si Hore, the overdue
visits; each filtered by program and a name search. Lists load in a worker, only the newest
answer is shown, and any casework write (here, an import, a sync bundle) reloads them through
the ChangeBus.

A role without CASEWORK sees only the caseload numbers (`case_counts`, REPORTS_VIEW), never a
name.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.casework import CASEWORK_PROGRAMS, week_bounds
from desktop_app.gui.casework import docs
from desktop_app.gui.casework.forms import OpenCaseDialog
from desktop_app.gui.casework.models import (
    ROW_ROLE,
    CaseTableModel,
    OverdueModel,
    RowsModel,
    program_label,
)
from desktop_app.gui.casework.panel import CASEWORK_KINDS, CasePanel
from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.widgets import (
    button_box,
    combo_data,
    date_from_qdate,
    fill_combo,
    push_button,
    qdate,
    read_only_table,
)
from desktop_app.gui.workers import JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.casework import CaseFilter, CaseworkService
from desktop_app.services.context import AppContext, ChangeSet, ServiceError

__all__ = ["CaseworkTab", "RecapDialog"]

log = logging.getLogger(__name__)

MINE, DUE, ALL, OVERDUE = range(4)
SEARCH_DELAY_MS = 150


class RecapDialog(QDialog):
    """Which month, and PDF or xlsx, for the Si Hore visit recap."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Rekap kunjungan Si Hore"))
        self.month = QDateEdit(qdate(today.replace(day=1)))
        self.month.setDisplayFormat("MM-yyyy")
        self.month.setMaximumDate(qdate(today))
        self.format = QComboBox()
        fill_combo(self.format, [("pdf", tr("PDF (cetak)")), ("xlsx", tr("Excel (xlsx)"))])
        form = QFormLayout(self)
        form.addRow(tr("&Bulan"), self.month)
        form.addRow(tr("&Format"), self.format)
        form.addRow(button_box(self, tr("Buat rekap")))

    def chosen_month(self) -> date:
        return date_from_qdate(self.month.date()).replace(day=1)

    def xlsx(self) -> bool:
        return combo_data(self.format) == "xlsx"


class CaseworkTab(QWidget):
    loaded = Signal(int)  # rows shown after a reload (tests wait on it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.svc = CaseworkService(ctx)
        self._generation = 0
        self.full_access = ctx.can(Permission.CASEWORK) and ctx.can(Permission.RESTRICTED_VIEW)
        layout = QVBoxLayout(self)
        if not self.full_access:
            self.counts_label = QLabel()
            self.counts_label.setTextFormat(Qt.TextFormat.RichText)
            self.counts_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.counts_label.setWordWrap(True)
            layout.addWidget(self.counts_label)
            self.show_counts()
            ChangeBus.of(ctx).changed.connect(self._on_counts_changes)
            return
        self._build(layout)
        ChangeBus.of(ctx).changed.connect(self._on_changes)
        self.reload()

    # -- counts only -------------------------------------------------------------------------
    def show_counts(self) -> None:
        try:
            counts = self.svc.case_counts()
        except ServiceError:
            self.counts_label.setText(
                "<p>"
                + html.escape(tr("Layanan kasus hanya untuk pekerja sosial dan administrator."))
                + "</p>"
            )
            return
        rows = "".join(
            f"<tr><td style='padding-right:16px'>{html.escape(program_label(code))}</td>"
            f"<td align='right'>{counts.by_program.get(code, 0)}</td></tr>"
            for code in CASEWORK_PROGRAMS
        )
        totals = tr(
            "Aktif {open} · ditutup {closed}", open=counts.open_total, closed=counts.closed_total
        )
        note = tr("Nama dan isi kasus hanya terlihat oleh pekerja sosial.")
        self.counts_label.setText(
            f"<h3>{html.escape(tr('Jumlah kasus aktif'))}</h3><table align='center'>{rows}</table>"
            f"<p>{html.escape(totals)}</p><p style='color:#555'>{html.escape(note)}</p>"
        )

    def _on_counts_changes(self, changes: ChangeSet) -> None:
        if changes.touches("case"):
            self.show_counts()

    # -- layout ------------------------------------------------------------------------------
    def _build(self, layout: QVBoxLayout) -> None:
        self.lists = QTabBar()
        for title in (
            tr("Kasus saya"),
            tr("Jatuh tempo minggu ini"),
            tr("Semua kasus"),
            tr("Kunjungan Si Hore terlambat"),
        ):
            self.lists.addTab(title)
        self.lists.setExpanding(False)
        # Whole at 1366 px; at the 1000 px minimum the bar scrolls so the case keeps its room.
        self.lists.setUsesScrollButtons(True)
        self.lists.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.program = QComboBox()
        fill_combo(
            self.program,
            [(None, tr("Semua program"))] + [(c, program_label(c)) for c in CASEWORK_PROGRAMS],
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari nama…"))
        self.search.setClearButtonEnabled(True)
        self.closed_too = QCheckBox(tr("Termasuk yang ditutup"))
        self.open_button = push_button(tr("+ Buka kasus"), self.open_case)
        self.open_button.setVisible(not self.ctx.db.read_only)
        self.recap_button = push_button(tr("Rekap Si Hore…"), self.make_recap)
        self.recap_button.setVisible(self.ctx.can(Permission.PRINT))
        self.result_label = QLabel()
        self.result_label.setStyleSheet("color: #444;")
        # The count gives way to the list names (it wraps) rather than scrolling them.
        self.result_label.setWordWrap(True)
        self.result_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.case_model = CaseTableModel(self.ctx.clock.today, self)
        self.overdue_model = OverdueModel(self)
        self.case_table = self._table(self.case_model, [170, 95, 115, 85, 105])
        self.overdue_table = self._table(self.overdue_model, [200, 120, 130, 120, 90])
        self.stack = QStackedWidget()
        self.stack.addWidget(self.case_table)
        self.stack.addWidget(self.overdue_table)
        self.panel = CasePanel(self.svc)
        self.panel.setVisible(False)

        filters = QHBoxLayout()
        caption = QLabel(tr("&Program"))
        caption.setBuddy(self.program)
        filters.addWidget(caption)
        filters.addWidget(self.program)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.closed_too)
        filters.addWidget(self.recap_button)
        filters.addWidget(self.open_button)
        top = QHBoxLayout()
        top.addWidget(self.lists)
        top.addWidget(self.result_label, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 700])
        self.splitter.setChildrenCollapsible(False)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.program.currentIndexChanged.connect(lambda _i: self.reload())
        self.closed_too.toggled.connect(lambda _v: self.reload())
        self.lists.currentChanged.connect(lambda _i: self.reload())
        self.search.returnPressed.connect(self._focus_list)

    def _table(self, model: RowsModel, widths: list[int]) -> QTableView:
        table = read_only_table(model)
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.activated.connect(self._activated)
        return table

    def _focus_list(self) -> None:
        table = self.current_table()
        table.setFocus()
        if table.model().rowCount() and not table.currentIndex().isValid():
            table.selectRow(0)

    # -- loading -----------------------------------------------------------------------------
    def current_list(self) -> int:
        return self.lists.currentIndex()

    def current_table(self) -> QTableView:
        return self.overdue_table if self.current_list() == OVERDUE else self.case_table

    def case_filter(self) -> CaseFilter:
        """The filter of the list shown (not used for the overdue visits)."""
        which = self.current_list()
        program = combo_data(self.program)
        query = self.search.text().strip()
        if which == MINE:
            worker = self.svc.worker_name(self.ctx.current_actor())
            return CaseFilter(program_code=program, worker=worker, query=query)
        if which == DUE:
            _monday, sunday = week_bounds(self.ctx.clock.today())
            return CaseFilter(program_code=program, due_by=sunday, query=query)
        status = None if self.closed_too.isChecked() else "aktif"
        return CaseFilter(program_code=program, status=status, query=query)

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        which = self.current_list()
        self.closed_too.setVisible(which == ALL)
        self.program.setEnabled(which != OVERDUE)
        self.stack.setCurrentIndex(1 if which == OVERDUE else 0)
        svc = self.svc
        query = self.search.text().strip().lower()
        flt = self.case_filter() if which != OVERDUE else None
        # One program chosen: its name in every row would only push the other columns out.
        self.case_table.setColumnHidden(1, combo_data(self.program) is not None)

        def work(_job: JobControl) -> list[Any]:
            if flt is None:
                late = svc.overdue_visits()
                return [v for v in late if query in v.person_name.lower()]
            return list(svc.list_cases(flt))

        run_job(
            work,
            parent=self,
            on_success=lambda rows: self._loaded(generation, which, rows),
            on_error=lambda exc: self._failed(generation, exc),
        )

    def _loaded(self, generation: int, which: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return  # a newer search is on its way
        model: RowsModel = self.overdue_model if which == OVERDUE else self.case_model
        current = self.panel.case.id if self.panel.case is not None else None
        model.set_rows(rows)
        if which == DUE:
            late = sum(1 for r in rows if self.case_model.late(r))
            self.result_label.setText(
                tr("{n} kasus, {late} terlambat", n=len(rows), late=late)
                if late
                else tr("{n} kasus", n=len(rows))
            )
        else:
            self.result_label.setText(tr("{n} kasus", n=len(rows)))
        if current is not None:
            self._reselect(current)
        self.loaded.emit(len(rows))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        from desktop_app.gui.errors import user_message

        self.result_label.setText(user_message(exc) or tr("Daftar gagal dimuat."))
        log.warning("case list failed: %s", exc)
        self.loaded.emit(0)

    def _reselect(self, case_id: str) -> None:
        table = self.current_table()
        model = table.model()
        for row in range(model.rowCount()):
            item = model.index(row, 0).data(ROW_ROLE)
            if getattr(item, "id", None) == case_id or getattr(item, "case_id", None) == case_id:
                table.blockSignals(True)
                table.selectRow(row)
                table.blockSignals(False)
                return

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches(*CASEWORK_KINDS):
            self.reload()

    # -- opening -----------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_row(current.row())

    def _activated(self, index: QModelIndex) -> None:
        self.open_row(index.row())
        self.panel.sections.setFocus()

    def open_row(self, row: int) -> None:
        item = self.current_table().model().index(row, 0).data(ROW_ROLE)
        case_id = getattr(item, "case_id", None) or getattr(item, "id", None)
        if case_id:
            self.open_case_id(str(case_id))

    def open_case_id(self, case_id: str) -> bool:
        if self.panel.case is not None and self.panel.case.id == case_id:
            return True
        shown = self.panel.show_case(case_id)
        self.panel.setVisible(shown or self.panel.case is not None)
        return shown

    def open_case(self) -> None:
        dialog = OpenCaseDialog(self.svc, combo_data(self.program), self)
        if dialog.exec() and dialog.result_value:
            self.open_case_id(str(dialog.result_value))

    def make_recap(self) -> None:
        dialog = RecapDialog(self.ctx.clock.today(), self)
        if dialog.exec():
            docs.print_recap(self, self.svc, dialog.chosen_month(), xlsx=dialog.xlsx())
