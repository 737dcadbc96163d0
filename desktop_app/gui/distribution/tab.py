"""The Penyaluran tab: the counter where a round is handed out.

Composed of three panels, each its own module: the round bar (round and point, the round's
actions, printing; round_bar.py), the counter (scan field, result panel, recording keys and
progress; counter_panel.py) and the roster list with its filters (roster_panel.py). The tab
wires them together and runs the round actions (new, open, close, print).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QSplitter, QVBoxLayout, QWidget

from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.distribution import bast_dialog, printing
from desktop_app.gui.distribution.counter_panel import CounterPanel, ask_proxy, ask_reason
from desktop_app.gui.distribution.dialogs import NewRoundDialog
from desktop_app.gui.distribution.roster_panel import RosterPanel
from desktop_app.gui.distribution.round_bar import RoundBar
from desktop_app.gui.errors import show_error
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext, ChangeSet, ServiceError
from desktop_app.services.distribution import (
    DistributionService,
    RosterRow,
    RoundView,
    format_count,
)

__all__ = ["DistributionTab", "ask_proxy", "ask_reason"]

_DISTRIBUTION_KINDS = (
    "distribution_round",
    "distribution_point",
    "distribution_roster",
    "distribution_receipt",
    "distribution_assignment",
)


class DistributionTab(QWidget):
    receipt_recorded = Signal(str)  # the receipt number, after the commit
    progress_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.svc = DistributionService(ctx)
        self.round_bar = RoundBar(self.svc, self)
        self.counter = CounterPanel(
            ctx,
            self.svc,
            self.round_bar.current_round,
            self.round_bar.point_id,
            self.round_bar.receipt_layout,
            self,
        )
        self.roster = RosterPanel(self.svc, self)
        # Kept on the tab for the window and the tests that choose a round by its combo box.
        self.round_combo = self.round_bar.round_combo
        self.point_combo = self.round_bar.point_combo
        self._stale = False
        self._build()
        self._connect()
        self.reload_rounds()
        ChangeBus.of(ctx).changed.connect(self._on_changes)

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.counter)
        splitter.addWidget(self.roster)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([700, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(self.round_bar)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        bar, counter, roster = self.round_bar, self.counter, self.roster
        bar.round_changed.connect(self._round_changed)
        bar.point_changed.connect(self._point_changed)
        bar.new_button.clicked.connect(self.new_round)
        bar.open_button.clicked.connect(self.open_round)
        bar.close_button.clicked.connect(self.close_round)
        bar.print_requested.connect(self.print_document)
        counter.receipt_recorded.connect(self.receipt_recorded)
        counter.progress_changed.connect(self.progress_changed)
        counter.row_changed.connect(roster.refresh_row)
        counter.roster_stale.connect(roster.reload_soon)
        roster.row_chosen.connect(self._row_chosen)

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self._stale = False
            self.reload_rounds(self.round_id())
            self._point_changed()
        self.counter.scan.setFocus()

    def _on_changes(self, changes: ChangeSet) -> None:
        # While the counter is on screen it is the writer and refreshes what it changed itself
        # (a full roster reload per scan would slow the queue); changes made elsewhere (a
        # bundle imported in Sinkronisasi, a round prepared in another window) are picked up
        # when the tab is shown again.
        if not self.isVisible() and changes.touches(*_DISTRIBUTION_KINDS):
            self._stale = True

    # -- the round and point chosen ------------------------------------------------------------
    def reload_rounds(self, select: str | None = None) -> None:
        self.round_bar.reload_rounds(select)

    def round_id(self) -> str | None:
        return self.round_bar.round_id()

    def current_round(self) -> RoundView | None:
        return self.round_bar.current_round()

    def point_id(self) -> str | None:
        return self.round_bar.point_id()

    def _round_changed(self) -> None:
        self.counter.clear_current()
        self._show_round_state()

    def _point_changed(self) -> None:
        self.counter.clear_current()
        self._show_round_state()
        self.counter.refresh_progress()
        rnd = self.current_round()
        self.roster.show_round(rnd.id if rnd else None, self.point_id())
        self.counter.scan.setFocus()

    def _show_round_state(self) -> None:
        """A closed or draft round says so where the counter would say "Siap": the scan field
        is off, so nobody scans a queue into a round that records nothing."""
        rnd = self.current_round()
        if rnd is None or rnd.status == "open":
            self.counter.show_panel(
                tr("Siap"),
                tr("Pilih putaran dan titik salur, lalu pindai kartu penerima."),
                ("#1a1a1a", "#eef1f5"),
            )
        elif rnd.status == "closed":
            self.counter.show_panel(
                tr("Putaran ditutup"),
                tr(
                    "{name} sudah ditutup: tidak ada penerimaan baru. Daftar di kanan dan "
                    "dokumennya (Cetak) tetap bisa dilihat.",
                    name=rnd.name,
                ),
                ("#5f2120", "#ececec"),
            )
        else:
            self.counter.show_panel(
                tr("Putaran belum dibuka"),
                tr("Buka putaran {name} untuk mulai melayani penerima.", name=rnd.name),
                ("#7a4a00", "#fff0cc"),
            )

    def _row_chosen(self, row: RosterRow) -> None:
        self.counter.set_current(row)
        self.counter.scan.setFocus()

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
        bast = None
        if document == "bast":
            bast = bast_dialog.ask_bast(self, self.svc, rnd.id, self.point_id(), rnd.unit)
            if bast is None:
                return
        printing.print_document(
            self,
            self.ctx,
            document,
            rnd.id,
            point_id=self.point_id(),
            round_name=rnd.name,
            layout=self.round_bar.receipt_layout(),
            bast=bast,
        )
