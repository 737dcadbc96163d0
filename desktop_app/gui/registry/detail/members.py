"""The members table of a household, with add/set-head/remove/change-KK actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import age_on
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.detail.base import (
    Change,
    PanelBase,
    button_row,
    fill_table,
    make_button,
    make_table,
    relation_label,
    selected_data,
)
from desktop_app.gui.registry.models import (
    INACTIVE_FOREGROUND,
    format_date,
    short_status_label,
)
from desktop_app.i18n import tr
from desktop_app.services.registry import (
    PersonRow,
)


class MembersWidget(QWidget):
    """A household's members, with add / set head / remove / edit."""

    def __init__(self, panel: PanelBase) -> None:
        super().__init__()
        self.panel = panel
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = make_table([tr("Nama"), tr("Hubungan"), tr("Umur"), tr("NIK"), tr("Status")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 140)
        self.add_button = make_button(tr("Tambah anggota…"), self._add)
        self.head_button = make_button(tr("Jadikan kepala"), self._set_head)
        self.remove_button = make_button(tr("Keluarkan dari KPM"), self._remove)
        self.new_kpm_button = make_button(
            tr("Buat KPM dengan orang ini sebagai kepala…"), panel.create_household
        )
        self.change_kk_button = make_button(tr("Ganti No. KK…"), self._change_kk)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(
            lambda _item: self.panel.member_activated(self.selected())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(
            button_row(self.add_button, self.head_button, self.remove_button, self.change_kk_button)
        )
        layout.addLayout(button_row(self.new_kpm_button))
        self.household_id: str | None = None
        self.head_id: str | None = None
        self.can_write = False

    def set_household(
        self,
        household_id: str | None,
        head_id: str | None,
        members: Sequence[PersonRow],
        summary: str,
        can_write: bool,
    ) -> None:
        self.household_id, self.head_id, self.can_write = household_id, head_id, can_write
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        service = self.panel.service
        rows = []
        today = self.panel.ctx.clock.today()
        relations = service.relations([m.id for m in members])
        for m in members:
            relation = relations.get(m.id)
            rows.append(
                [
                    m.name,
                    relation_label(relation, m.id == head_id, short=True),
                    str(age_on(m.birth_date, today)) if m.birth_date else "",
                    m.nik or "",
                    short_status_label(m.status),
                ]
            )
        fill_table(self.table, rows, list(members))
        for r, m in enumerate(members):
            self.table.item(r, 2).setToolTip(
                tr("Lahir {date}", date=format_date(m.birth_date)) if m.birth_date else ""
            )
            if m.id == head_id:
                font = QFont()
                font.setBold(True)
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setFont(font)
            if m.status != "aktif":
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setForeground(QBrush(INACTIVE_FOREGROUND))
        in_household = household_id is not None
        self.table.setVisible(in_household)
        for b in (self.add_button, self.head_button, self.remove_button, self.change_kk_button):
            b.setVisible(in_household)
        self.new_kpm_button.setVisible(not in_household and self.panel.can_create_household())
        self.new_kpm_button.setEnabled(can_write)
        self.add_button.setEnabled(can_write)
        self.change_kk_button.setEnabled(can_write)
        self._selection_changed()

    def selected(self) -> PersonRow | None:
        row = selected_data(self.table)
        return row if isinstance(row, PersonRow) else None

    def _selection_changed(self) -> None:
        row = self.selected()
        chosen = row is not None and self.can_write
        self.head_button.setEnabled(chosen and row.id != self.head_id)
        self.remove_button.setEnabled(chosen and row.id != self.head_id)

    def _add(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.AddMemberDialog(self.panel.ctx, self.household_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_id:
            self.panel.emit_change(Change([dialog.result_id], [self.household_id], created=True))

    def _set_head(self) -> None:
        row = self.selected()
        if row is None or self.household_id is None:
            return
        old_head = self.head_id
        self._confirm_write(
            tr("Jadikan kepala"),
            tr(
                "Jadikan {name} kepala keluarga KPM ini? Kepala lama menjadi 'Famili Lain'; "
                "ubah hubungannya bila perlu. No. KK biasanya ikut berganti "
                "(gunakan 'Ganti No. KK').",
                name=row.name,
            ),
            lambda: self.panel.service.set_head(self.household_id, row.id),
            Change([row.id] + ([old_head] if old_head else []), [self.household_id]),
        )

    def _remove(self) -> None:
        row = self.selected()
        if row is None or self.household_id is None:
            return
        self._confirm_write(
            tr("Keluarkan dari KPM"),
            tr("Keluarkan {name} dari KPM ini? Datanya tetap ada di registri.", name=row.name),
            lambda: self.panel.service.remove_member(row.id),
            Change([row.id], [self.household_id]),
        )

    def _confirm_write(
        self, title: str, question: str, write: Callable[[], object], change: Change
    ) -> None:
        """Ask first (these change who belongs to the KPM), then write under the same title."""
        answer = QMessageBox.question(self, title, question)
        if answer == QMessageBox.StandardButton.Yes:
            self.panel.run_write(write, change, title)

    def _change_kk(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.ChangeKkDialog(self.panel.ctx, self.household_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            members = [m.id for m in self.panel.service.household_members(self.household_id)]
            self.panel.emit_change(Change(members, [self.household_id]))
