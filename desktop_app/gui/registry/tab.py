"""The Registri tab: search and filter persons or households, see details, add and edit.

Search runs as the clerk types (after a short pause) in a worker thread, so even a slow query on
a city-sized registry never freezes typing; only the newest answer is shown. The lists are lazy
models: only the rows on screen are read from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.status import STATUS_LABELS
from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.importer import install_import_export
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.detail import Change, DetailPanel
from desktop_app.gui.registry.models import (
    ROW_ROLE,
    HouseholdTableModel,
    LazyTableModel,
    PersonTableModel,
)
from desktop_app.gui.widgets import combo_data, fill_combo
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext, ChangeSet
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.registry.reads import PersonPage

__all__ = ["RegistryTab"]

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
PERSONS, HOUSEHOLDS = 0, 1
# Entities whose changes can alter what the lists show (rows, programs, status, KK).
REGISTRY_KINDS = ("person", "household", "enrolment", "kk_history", "status_history")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class _Unset:
    """No selection was passed (`None` means "nothing was selected")."""


_UNSET = _Unset()


@dataclass
class _View:
    model: LazyTableModel
    table: QTableView
    load_ids: Callable[[PersonFilter], list[int]]
    stale: bool = True
    loaded_filter: PersonFilter | None = None
    result_text: str = ""  # what the result label says about this list


class RegistryTab(QWidget):
    search_finished = Signal(int)  # number of rows shown (tests and the status label)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RegistryService(ctx)
        self._generation = 0
        self._pending_select: tuple[int, str] | None = None  # (view, id) to select after reload
        self._reload_on_show = False
        self._build()
        # Writes from anywhere (this tab, an import, a sync bundle) refresh the lists.
        ChangeBus.of(ctx).changed.connect(self._on_changes)
        self.reload()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari nama, NIK, No. KK, atau alamat…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.program = QComboBox()
        fill_combo(
            self.program,
            [(None, tr("Semua program"))] + [(p.code, tr(p.short)) for p in PROGRAMS.values()],
        )
        self.kecamatan = QComboBox()
        fill_combo(
            self.kecamatan,
            [(None, tr("Semua kecamatan")), *self.service.kecamatan_options()],
        )
        self.kelurahan = QComboBox()
        self._fill_kelurahan()
        self.status = QComboBox()
        fill_combo(
            self.status,
            [(None, tr("Semua status"))]
            + [(s.value, tr(label)) for s, label in STATUS_LABELS.items()],
        )
        self.reset_button = QPushButton(tr("Hapus filter"))
        self.reset_button.clicked.connect(self.reset_filters)

        self.add_person_button = QPushButton(tr("+ Tambah orang"))
        self.add_person_button.clicked.connect(self.add_person)
        self.add_household_button = QPushButton(tr("+ Tambah KPM"))
        self.add_household_button.clicked.connect(self.add_household)
        self.apply_permissions()

        self.view_bar = QTabBar()
        self.view_bar.addTab(tr("Orang"))
        self.view_bar.addTab(tr("KPM (keluarga)"))
        self.view_bar.setExpanding(False)
        # The sub-tabs always show whole; a long result text wraps instead of squeezing them
        # into scroll arrows.
        self.view_bar.setUsesScrollButtons(False)
        self.view_bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.result_label = QLabel()
        self.result_label.setStyleSheet("color: #444;")
        self.result_label.setWordWrap(True)
        self.result_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.person_model = PersonTableModel(self.service.person_rows, self)
        self.household_model = HouseholdTableModel(self.service.household_rows, self)
        self.views = [
            _View(self.person_model, self._table(self.person_model), self.service.person_ids),
            _View(
                self.household_model,
                self._table(self.household_model),
                self.service.household_ids,
            ),
        ]
        self._size_columns()
        self.stack = QStackedWidget()
        for v in self.views:
            self.stack.addWidget(v.table)

        self.detail = DetailPanel(self.ctx)
        self.detail.person.changed.connect(self._changed)
        self.detail.household.changed.connect(self._changed)
        self.detail.person.open_person.connect(self.select_person)
        self.detail.household.open_person.connect(self.select_person)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in (
            (tr("Program"), self.program),
            (tr("Kecamatan"), self.kecamatan),
            (tr("Kelurahan"), self.kelurahan),
            (tr("Status"), self.status),
        ):
            # Combos may shrink (eliding their text) so the row fits the 1000 px minimum window
            # instead of overlapping its neighbours; at 1366 px they stretch as before.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(9)
            caption = QLabel(label)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        filters.addWidget(self.reset_button)

        top = QHBoxLayout()
        top.addWidget(self.view_bar)
        top.addWidget(self.result_label, 1)
        top.addWidget(self.add_person_button)
        top.addWidget(self.add_household_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 440])
        self.splitter.setChildrenCollapsible(False)
        # The detail pane appears with a selection; empty, it would take a third of the width
        # from the list (see _show_detail).
        self.detail.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.reload)
        for combo in (self.program, self.kelurahan, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.kecamatan.currentIndexChanged.connect(self._kecamatan_changed)
        self.view_bar.currentChanged.connect(self._view_changed)
        install_import_export(self)  # drag-and-drop import, Impor…/Ekspor… buttons

    def apply_permissions(self) -> None:
        """Enable what the logged-in role may use; say why the rest is disabled (call again
        after a user switch)."""
        may_edit = self.ctx.can(Permission.REGISTRY_EDIT)
        for b in (self.add_person_button, self.add_household_button):
            b.setEnabled(not self.ctx.db.read_only and may_edit)
            b.setToolTip(
                "" if may_edit else tr("Peran Anda tidak berhak mengubah registri.")
            )

    def _table(self, model: LazyTableModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().setDefaultSectionSize(26)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.doubleClicked.connect(lambda _i: self.edit_current())
        return table

    def _size_columns(self) -> None:
        # Fixed widths: sizing to contents would read every row of a lazy model.
        p, h = PersonTableModel, HouseholdTableModel
        widths = {
            PERSONS: {
                p.COL_NIK: 132,
                p.COL_NAME: 170,
                p.COL_SEX: 34,
                p.COL_BIRTH: 82,
                p.COL_KELURAHAN: 105,
                p.COL_ADDRESS: 160,
                p.COL_STATUS: 78,
                p.COL_PROGRAMS: 130,
                p.COL_KK: 132,
            },
            HOUSEHOLDS: {
                h.COL_KK: 132,
                h.COL_HEAD: 170,
                h.COL_HEAD_NIK: 132,
                h.COL_KELURAHAN: 105,
                h.COL_ADDRESS: 160,
                h.COL_MEMBERS: 64,
                h.COL_PROGRAMS: 130,
            },
        }
        for kind, columns in widths.items():
            for col, width in columns.items():
                self.views[kind].table.setColumnWidth(col, width)
        # The address right after the name, where it stays visible beside the detail pane.
        for kind, col in ((PERSONS, p.COL_ADDRESS), (HOUSEHOLDS, h.COL_ADDRESS)):
            header = self.views[kind].table.horizontalHeader()
            header.moveSection(header.visualIndex(col), 2)
            self.views[kind].table.setColumnWidth(col, 260)

    # -- filters ------------------------------------------------------------------------------
    def _fill_kelurahan(self) -> None:
        kec = combo_data(self.kecamatan)
        fill_combo(
            self.kelurahan,
            [(None, tr("Semua kelurahan")), *self.service.kelurahan_options(kec)],
        )

    def _kecamatan_changed(self, *_args: object) -> None:
        self._fill_kelurahan()  # keeps the kelurahan if it belongs to the new kecamatan
        self.reload()

    def current_filter(self) -> PersonFilter:
        return PersonFilter(
            query=self.search.text().strip(),
            program_code=combo_data(self.program),
            kecamatan_code=combo_data(self.kecamatan),
            kelurahan_code=combo_data(self.kelurahan),
            status=combo_data(self.status),
        )

    def reset_filters(self) -> None:
        for combo in (self.program, self.kecamatan, self.kelurahan, self.status):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._fill_kelurahan()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.reload()

    # -- loading ------------------------------------------------------------------------------
    @property
    def current_view(self) -> int:
        return self.view_bar.currentIndex()

    def reload(self) -> None:
        """Re-run the search for the visible list; the other list reloads when shown."""
        self._timer.stop()
        for v in self.views:
            v.stale = True
        self._load(self.current_view)

    def _on_changes(self, changes: ChangeSet) -> None:
        if not changes.touches(*REGISTRY_KINDS):
            return
        if not self.isVisible():
            for v in self.views:
                v.stale = True
            self._reload_on_show = True
            return
        self._timer.start()  # a burst of writes (or a write and our own refresh) -> one search

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._reload_on_show:
            self._reload_on_show = False
            self.reload()

    def _load(self, which: int) -> None:
        view = self.views[which]
        flt = self.current_filter()
        self._generation += 1
        generation = self._generation
        self.result_label.setText(tr("Mencari…"))
        if which == PERSONS:
            self._load_persons(flt, generation)
            return

        def search(_job: object) -> tuple[list[int], list]:
            ids = view.load_ids(flt)
            # The first screenful is read here too, so the GUI thread only resets and paints.
            return ids, self.service.household_rows(view.model.first_page_keys(ids))

        run_job(
            search,
            parent=self,
            on_success=lambda result: self._loaded(which, generation, flt, *result),
            on_error=self._search_failed,
        )

    def _load_persons(self, flt: PersonFilter, generation: int) -> None:
        """Search as you type (issue 17): the keystroke's job reads only the first page and
        whether more match (`search_page`); the rest of the keys and the counts follow in a
        second job, off the keystroke, and extend the list without repainting it."""
        # One page of the model: the screenful the table paints first (as before issue 17).
        page_size = self.person_model.PAGE_SIZE
        if flt.query.strip() and flt.max_matches is not None:
            page_size = min(page_size, flt.max_matches)
        # Restricted records are left out of the persons list for a role without
        # RESTRICTED_VIEW; the list says how many (counted in the second job).
        count_hidden = not self.ctx.can(Permission.RESTRICTED_VIEW)
        run_job(
            lambda _job: self.service.search_page(flt, page_size),
            parent=self,
            on_success=lambda page: self._page_loaded(generation, flt, page, count_hidden),
            on_error=self._search_failed,
        )

    def _page_loaded(
        self, generation: int, flt: PersonFilter, page: PersonPage, count_hidden: bool
    ) -> None:
        if generation != self._generation:
            return  # an older answer; a newer search is on its way
        ids = [row.rowid for row in page.rows]
        if not page.more and not count_hidden:
            self._loaded(PERSONS, generation, flt, ids, page.rows)  # the whole result
            return
        selected = self._selected_id(PERSONS)
        view = self.views[PERSONS]
        view.model.set_ids(ids, page.rows)
        if selected is not None:
            self._select_id(PERSONS, selected)  # when it is on the first page

        def rest(_job: object) -> tuple[list[int], None, int]:
            keys = self.service.person_ids(flt) if page.more else ids
            hidden = self.service.count_hidden(flt) if count_hidden else 0
            return keys, None, hidden

        run_job(
            rest,
            parent=self,
            on_success=lambda result: self._loaded(
                PERSONS, generation, flt, *result, selected=selected
            ),
            on_error=self._search_failed,
        )

    def _loaded(
        self,
        which: int,
        generation: int,
        flt: PersonFilter,
        ids: Sequence[int],
        first_page: Sequence[object] | None = None,
        hidden: int = 0,
        *,
        selected: str | None | _Unset = _UNSET,
    ) -> None:
        """The whole result: its keys (`first_page` with the rows of the first ones, or None
        when they extend what `_page_loaded` showed), the label, the selection.
        `selected`: the row selected before the search began, when its first page is already
        shown."""
        if generation != self._generation:
            return  # an older answer; a newer search is on its way
        view = self.views[which]
        # What is selected now wins (the clerk may have clicked a row of the first page);
        # otherwise the row selected before the search began.
        now_selected = self._selected_id(which)
        if isinstance(selected, _Unset) or now_selected is not None:
            selected = now_selected
        extended = first_page is None and view.model.extend_ids(ids)
        if not extended:
            view.model.set_ids(ids, first_page)
        view.stale = False
        view.loaded_filter = flt
        noun = tr("orang") if which == PERSONS else tr("KPM")
        capped = bool(flt.query.strip()) and flt.max_matches is not None
        if capped and len(ids) >= flt.max_matches:  # type: ignore[operator]
            # The service stops at the cap; saying "1.000 found" would be a lie.
            text = tr(
                "Lebih dari {n} {noun} cocok — perjelas pencarian",
                n=_thousands(len(ids)),
                noun=noun,
            )
        elif flt != PersonFilter():
            text = tr("{n} {noun} ditemukan", n=_thousands(len(ids)), noun=noun)
        else:
            text = tr("{n} {noun}", n=_thousands(len(ids)), noun=noun)
        if hidden:
            text += " · " + tr("{n} data terbatas tidak ditampilkan", n=_thousands(hidden))
        view.result_text = text
        if which == self.current_view:  # the other list may be shown by now (two jobs)
            self.result_label.setText(text)
            self.result_label.setToolTip(text)
        target = (
            self._pending_select[1]
            if self._pending_select and self._pending_select[0] == which
            else selected
        )
        self._pending_select = None
        if extended and target is not None and target == self._selected_id(which):
            pass  # still selected and shown: the rows were appended below it
        elif target is None or not self._select_id(which, target):
            self._show_detail(which, None)
        self.search_finished.emit(len(ids))

    def _search_failed(self, exc: BaseException) -> None:
        log.warning("search failed: %s", type(exc).__name__)  # its text may hold the name searched
        self.result_label.setText(tr("Pencarian gagal; ubah kata kunci lalu coba lagi."))

    def _view_changed(self, which: int) -> None:
        self.stack.setCurrentIndex(which)
        view = self.views[which]
        if view.stale or view.loaded_filter != self.current_filter():
            self._load(which)
        else:
            # The list is as it was: so is its count ("27.862 orang", not the KPM count).
            self.result_label.setText(view.result_text)
            self.result_label.setToolTip(view.result_text)
            self._current_changed(view.table.currentIndex(), QModelIndex())
        # Filters that do not apply to households.
        self.status.setEnabled(which == PERSONS)

    # -- selection and detail -----------------------------------------------------------------
    def _selected_id(self, which: int) -> str | None:
        index = self.views[which].table.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row.id if row is not None else None

    def _select_id(self, which: int, entity_id: str) -> bool:
        view = self.views[which]
        rows = (
            self.service.person_rows_by_id([entity_id])
            if which == PERSONS
            else self.service.household_rows_by_id([entity_id])
        )
        position = view.model.position_of(rows[0].rowid) if rows else None
        if position is None:
            return False
        index = view.model.index(position, 0)
        view.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        view.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._show_detail(which, entity_id)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        self._show_detail(self.current_view, row.id if row is not None else None)

    def _show_detail(self, which: int, entity_id: str | None) -> None:
        if which != self.current_view:
            return
        try:
            if which == PERSONS:
                self.detail.show_person(entity_id)
            else:
                self.detail.show_household(entity_id)
        except Exception:  # noqa: BLE001 - e.g. the row was removed meanwhile
            log.exception("detail failed for %s", entity_id)
            self.detail.show_nothing()
        self.detail.setVisible(self.detail.currentWidget() is not self.detail.empty)

    def select_person(self, person_id: str) -> None:
        """Show a person (e.g. a household member) in the persons list."""
        if self.current_view != PERSONS:
            self._pending_select = (PERSONS, person_id)
            self.view_bar.setCurrentIndex(PERSONS)
            return
        if not self._select_id(PERSONS, person_id):
            # Not in the current result: clear the filters so the person can be shown.
            self._pending_select = (PERSONS, person_id)
            self.reset_filters()

    # -- actions ------------------------------------------------------------------------------
    def add_person(self) -> None:
        dialog = dialogs.PersonDialog(self.ctx, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_id:
            self._created(PERSONS, dialog.result_id)

    def add_household(self) -> None:
        head = None
        if self.current_view == PERSONS:
            index = self.views[PERSONS].table.currentIndex()
            row = index.data(ROW_ROLE) if index.isValid() else None
            head = row if row is not None and not row.kk_number else None
        dialog = dialogs.HouseholdDialog(self.ctx, head=head, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_id:
            self._created(HOUSEHOLDS, dialog.result_id)

    def edit_current(self) -> None:
        if self.current_view == PERSONS:
            self.detail.person.edit()
        else:
            self.detail.household.edit()

    def _created(self, which: int, entity_id: str) -> None:
        """A new row: reload so it appears, show it even if the filters would hide it."""
        self._pending_select = (which, entity_id)
        if self.current_view != which:
            for v in self.views:
                v.stale = True
            self.view_bar.setCurrentIndex(which)
        else:
            self._timer.start()  # the change bus asks too; both land in one search

    def _changed(self, change: Change) -> None:
        if change.created:
            self._pending_select = (self.current_view, self._selected_id(self.current_view) or "")
            self._timer.start()  # the change bus asks too; both land in one search
            return
        # Narrow refresh: only the rows the write touched are re-read and repainted.
        if change.person_ids:
            for row in self.service.person_rows_by_id(change.person_ids):
                self.person_model.refresh_row(row.rowid)
        if change.household_ids:
            for hrow in self.service.household_rows_by_id(change.household_ids):
                self.household_model.refresh_row(hrow.rowid)
        for v in self.views:  # the row may no longer match the filters: next search rechecks
            v.stale = True
