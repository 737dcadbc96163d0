"""Small building blocks the Pelatihan tab's panels and dialogs share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QTime
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.errors import show_error
from desktop_app.gui.training.models import ROW_ROLE
from desktop_app.gui.widgets import button_box, qdate, read_only_table
from desktop_app.i18n import tr
from desktop_app.services.training import TrainingService

__all__ = [
    "bar",
    "button",
    "date_edit",
    "accept_after",
    "TrainingFormDialog",
    "dialog_buttons",
    "finish_dialog",
    "selected_row",
    "span_row",
    "table_view",
    "time_edit",
    "try_action",
]


def table_view(model: QAbstractItemModel) -> QTableView:
    """A read-only, single-row-selection table in the tab's style."""
    return read_only_table(model)


def button(text: str, slot: object, tooltip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.clicked.connect(slot)  # type: ignore[arg-type]
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def bar(left: Sequence[QWidget], right: Sequence[QWidget] = ()) -> QHBoxLayout:
    """A row of controls: `left` packed at the start, `right` pushed to the end."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    return row


def selected_row(view: QTableView) -> Any:
    """The row object of the view's current row, or None."""
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None


def dialog_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object] | None = None
) -> QDialogButtonBox:
    return button_box(dialog, ok_text, on_ok)


class TrainingFormDialog(QDialog):
    """A training form: the service it writes through, its title and its minimum width."""

    def __init__(
        self, service: TrainingService, title: str, min_width: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle(title)
        self.setMinimumWidth(min_width)


def finish_dialog(
    dialog: QDialog, ok_text: str, save: Callable[[], None], *parts: QLayout | QWidget
) -> QDialogButtonBox:
    """Stack the parts top to bottom with OK (wired to save) / Cancel under them; every
    training dialog is laid out this way."""
    buttons = dialog_buttons(dialog, ok_text, save)
    layout = QVBoxLayout(dialog)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    layout.addWidget(buttons)
    return buttons


def accept_after(dialog: QDialog, action: Callable[[], Any]) -> None:
    """Run the dialog's write and close it; on a refusal the dialog stays open with the error,
    so nothing typed is lost."""
    if try_action(dialog, action, dialog.windowTitle()):
        dialog.accept()


def span_row(first: QWidget, last: QWidget, between: str = "", before: str = "") -> QHBoxLayout:
    """`[before] first s.d. last` on one line, pushed left: the dialogs' date and time ranges."""
    row = QHBoxLayout()
    if before:
        row.addWidget(QLabel(before))
    row.addWidget(first)
    row.addWidget(QLabel(between or tr("s.d.")))
    row.addWidget(last)
    row.addStretch(1)
    return row


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit


def time_edit(text: str) -> QTimeEdit:
    edit = QTimeEdit(QTime.fromString(text, "HH:mm"))
    edit.setDisplayFormat("HH.mm")
    return edit


def try_action(parent: QWidget, action: Callable[[], Any], title: str) -> bool:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - shown in Indonesian; the dialog stays open
        show_error(parent, exc, title=title)
        return False
    return True
