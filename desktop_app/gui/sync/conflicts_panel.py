"""The conflict queue: competing values of one field side by side; the office supervisor picks
one (a logged `resolve` change every device receives), a laptop only shows the queue."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.access import Permission
from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.models import ConflictModel, format_when
from desktop_app.i18n import tr
from desktop_app.services.sync import ConflictView, SyncService

__all__ = ["ConflictPanel"]


class ConflictPanel(QWidget):
    decided = Signal()  # a value was chosen: registry rows changed
    filter_changed = Signal()  # "show decided ones too" was toggled

    def __init__(self, sync: SyncService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.office = True
        v = QVBoxLayout(self)
        self.show_closed = QCheckBox(tr("Tampilkan juga yang sudah diputuskan"))
        self.show_closed.toggled.connect(lambda _on: self.filter_changed.emit())
        v.addWidget(self.show_closed)
        self.model = ConflictModel()
        self.view = widgets.table(self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        v.addWidget(self.view, 1)
        self.detail = widgets.SideBySide()
        self.detail.chosen.connect(self.choose_value)
        v.addWidget(self.detail)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        v.addWidget(self.hint)

    def load(self, office: bool) -> int:
        """Reload the queue; returns how many conflicts are open (for the queue's tab title)."""
        self.office = office
        conflicts = self.sync.conflicts(open_only=not self.show_closed.isChecked())
        self.model.set_rows(conflicts)
        return sum(1 for c in conflicts if c.open)

    def selected(self) -> ConflictView | None:
        return widgets.current_row(self.view, self.model)

    def show_selected(self) -> None:
        conflict = self.selected()
        if conflict is None:
            self.detail.clear()
            self.hint.setText(tr("Tidak ada konflik terbuka.") if not self.model.rows else "")
            return
        columns: list[tuple[str, str, str, str | None, bool]] = []
        for c in conflict.candidates:
            details = "\n".join(
                [
                    tr("Perangkat: {d}", d=c.device_name),
                    tr("Petugas: {o}", o=c.actor),
                    tr("Waktu: {t}", t=format_when(c.at)),
                ]
            )
            # Decisions are the office supervisor's; a laptop shows the queue for information.
            decides = conflict.open and self.office and self.sync.ctx.can(Permission.SYNC)
            button = tr("Pakai nilai ini") if decides else None
            columns.append(
                (tr(conflict.field_label), c.text, details, button, c.text == conflict.current_text)
            )
        self.detail.set_columns(columns)
        if not conflict.open:
            hint = tr("Sudah diputuskan.")
        elif not self.office:
            hint = tr("Konflik diputuskan oleh supervisor di kantor; keputusannya ikut terkirim.")
        elif conflict.kind == "critical":
            hint = tr(
                "Isian penting: nilai yang disorot dipakai sementara. Seorang supervisor harus "
                "memilih nilai yang benar."
            )
        else:
            hint = tr(
                "Nilai terbaru sudah dipakai (disorot). Pilih nilai lain bila keliru, atau pakai "
                "nilai yang disorot untuk menandai sudah ditinjau."
            )
        self.hint.setText(hint)

    def choose_value(self, column: int) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        widgets.attempt(
            self,
            tr("Konflik"),
            lambda: self.sync.resolve_conflict(conflict.id, column),
            self.decided.emit,
        )
