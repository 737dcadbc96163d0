"""What the detail panels share: the Change they report, the panel base class, and small
table/label helpers.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.status import RELATION_LABELS, Relation
from desktop_app.gui.errors import show_error
from desktop_app.gui.registry.models import (
    status_label,
)
from desktop_app.gui.widgets import push_button
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
    PersonRow,
    RegistryService,
)

STATUS_COLOURS = {
    "aktif": "#1b5e20",
    "meninggal": "#424242",
    "pindah": "#0d47a1",
    "keluar": "#6d4c41",
}


@dataclass
class Change:
    """What a write touched, so the lists repaint only those rows (or reload on new rows)."""

    person_ids: list[str] = field(default_factory=list)
    household_ids: list[str] = field(default_factory=list)
    created: bool = False


def make_table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def fill_table(
    table: QTableWidget, rows: Sequence[Sequence[str]], data: Sequence[object] = ()
) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if c == 0 and r < len(data):
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)


def selected_data(table: QTableWidget) -> object | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def shade_row(table: QTableWidget, row: int, background: object = None, tooltip: str = "") -> None:
    for c in range(table.columnCount()):
        item = table.item(row, c)
        if item is None:
            continue
        if background is not None:
            item.setBackground(QBrush(background))
        if tooltip:
            item.setToolTip(tooltip)


def make_button(text: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
    return push_button(text, slot, tip)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


def header_label() -> QLabel:
    """A panel's rich-text title block; selectable so a clerk can copy a NIK or KK number."""
    header = QLabel()
    header.setTextFormat(Qt.TextFormat.RichText)
    header.setWordWrap(True)
    header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return header


def tab_widget(*tabs: tuple[QWidget, str]) -> QTabWidget:
    widget = QTabWidget()
    for page, title in tabs:
        widget.addTab(page, title)
    return widget


def status_badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#424242")
    return (
        f'<span style="background:{colour}; color:white; padding:2px 6px;">'
        f"&nbsp;{html.escape(status_label(status))}&nbsp;</span>"
    )


def relation_label(relation: str | None, is_head: bool, short: bool = False) -> str:
    if is_head:
        return tr("Kepala") if short else tr(RELATION_LABELS[Relation.KEPALA])
    try:
        return tr(RELATION_LABELS[Relation(relation)]) if relation else ""
    except ValueError:
        return relation or ""


def hidden_note(text: str) -> str:
    """A grey line under a detail's header saying what restricted data is left out."""
    return f"<div style='color:#666; margin-top:4px'>{html.escape(text)}</div>" if text else ""


class PanelBase(QWidget):
    changed = Signal(object)  # a Change
    open_person = Signal(str)  # person id, e.g. double-click on a member

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RegistryService(ctx)

    @property
    def can_write(self) -> bool:
        """Asked on every reload: the user may change (switch user, lock) between two."""
        return not self.ctx.db.read_only and self.ctx.can(Permission.REGISTRY_EDIT)

    def explain_disabled(self, *buttons: QWidget) -> None:
        """Say on the disabled write buttons why a role cannot use them."""
        denied = not self.ctx.db.read_only and not self.ctx.can(Permission.REGISTRY_EDIT)
        tip = tr("Peran Anda tidak berhak mengubah registri.") if denied else ""
        for button in buttons:
            button.setToolTip(tip)

    def lay_out(self, *parts: QWidget | QLayout) -> None:
        """Stack the parts top to bottom; the last one (the tabs) takes the spare height."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        *top, last = parts
        for part in top:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part)
        layout.addWidget(last, 1)

    def emit_change(self, change: Change) -> None:
        self.reload()
        self.changed.emit(change)

    def run_write(self, write: Callable[[], object], change: Change, title: str) -> None:
        """A small write (one transaction) on the GUI thread; refusals shown in Indonesian."""
        try:
            write()
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=title)
            return
        self.emit_change(change)

    def reload(self) -> None:
        raise NotImplementedError

    def enrol(self) -> None:
        raise NotImplementedError

    def create_household(self) -> None:
        pass

    def can_create_household(self) -> bool:
        return False

    def member_activated(self, row: PersonRow | None) -> None:
        if row is not None:
            self.open_person.emit(row.id)

    def after_enrolment_change(self, enrolment: EnrolmentView) -> None:
        raise NotImplementedError


def sex_label(sex: str) -> str:
    from desktop_app.domain.status import SEX_LABELS

    return SEX_LABELS.get(sex, sex)


def address_text(street: str | None, rt: str | None, rw: str | None) -> str:
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)
