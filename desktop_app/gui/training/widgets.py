"""Small building blocks the Pelatihan tab's panels and dialogs share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTableView,
    QTimeEdit,
    QWidget,
)

from desktop_app.gui.errors import show_error
from desktop_app.gui.training.models import ROW_ROLE
from desktop_app.gui.widgets import qdate
from desktop_app.i18n import tr

__all__ = [
    "button",
    "date_edit",
    "dialog_buttons",
    "selected_row",
    "table_view",
    "time_edit",
    "try_action",
]


def table_view(model: object) -> QTableView:
    """A read-only, single-row-selection table in the tab's style."""
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


def button(text: str, slot: object, tooltip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.clicked.connect(slot)  # type: ignore[arg-type]
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def selected_row(view: QTableView) -> Any:
    """The row object of the view's current row, or None."""
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None


def dialog_buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Batal"))
    buttons.rejected.connect(dialog.reject)
    return buttons


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
