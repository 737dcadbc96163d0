"""Pieces every panel of the Sinkronisasi tab uses: file and text prompts (module-level so tests
can replace them), a read-only table, and the side-by-side view of competing values."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop_app.gui.sync.models import ListModel
from desktop_app.gui.widgets import denied_text, gate, push_button, read_only_table
from desktop_app.i18n import tr

__all__ = [
    "BUNDLE_FILTER",
    "IDENTITY_FILTER",
    "SideBySide",
    "ask_open_path",
    "ask_save_path",
    "ask_text",
    "attempt",
    "button",
    "current_row",
    "denied_text",
    "gate",
    "heading",
    "table",
]

T = TypeVar("T")

BUNDLE_FILTER = "Bundel Berdaya (*.bdl)"
IDENTITY_FILTER = "Identitas perangkat (*.json)"


# Dialog helpers, module-level so tests can replace them.
def ask_open_path(parent: QWidget, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", tr(file_filter))
    return Path(name) if name else None


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, tr(file_filter))
    return Path(name) if name else None


def ask_text(parent: QWidget, title: str, label: str, default: str = "") -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text if ok else None


def table(model: ListModel[Any]) -> QTableView:
    return read_only_table(model, fit_columns=True)


def current_row(view: QTableView, model: ListModel[T]) -> T | None:
    """The row selected in `view` (which shows `model`), or None."""
    index = view.currentIndex()
    return model.row_at(index.row()) if index.isValid() else None


def attempt(
    parent: QWidget, title: str, action: Callable[[], object], then: Callable[[], None]
) -> None:
    """Run an officer's decision; a refusal or failure is shown under `title` and `then` (the
    panel's changed signal) only follows a decision that was recorded."""
    from desktop_app.gui.errors import show_error

    try:
        action()
    except Exception as exc:  # noqa: BLE001 - shown to the user
        show_error(parent, exc, title=title)
        return
    then()


def button(text: str, slot: Callable[[], None], tooltip: str = "") -> QPushButton:
    return push_button(text, slot, tooltip)


def heading(text: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(text)}</b>")
    label.setContentsMargins(0, 6, 0, 2)
    return label


class SideBySide(QFrame):
    """Competing values in columns, each with who/where/when and its own action button."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(18)
        self.buttons: list[QPushButton] = []
        self.placeholder = QLabel(tr("Pilih satu baris untuk melihat nilainya berdampingan."))
        self.placeholder.setStyleSheet("color: #666;")
        self.grid.addWidget(self.placeholder, 0, 0)

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.placeholder:
                widget.deleteLater()
        self.buttons = []
        self.grid.addWidget(self.placeholder, 0, 0)
        self.placeholder.show()

    def set_columns(
        self,
        columns: Sequence[tuple[str, str, str, str | None, bool]],
    ) -> None:
        """Each column: (heading, value, details, button text or None, highlighted)."""
        self.clear()
        self.placeholder.hide()
        self.grid.removeWidget(self.placeholder)
        for i, (heading, value, details, button_text, highlighted) in enumerate(columns):
            head = QLabel(f"<b>{html.escape(heading)}</b>")
            shown = QLabel(html.escape(value))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            background = "#e3f1e5" if highlighted else "#f4f4f4"
            shown.setStyleSheet(
                f"font-size: 15px; padding: 8px; background: {background}; border-radius: 4px;"
            )
            info = QLabel(html.escape(details).replace("\n", "<br>"))
            info.setStyleSheet("color: #444;")
            self.grid.addWidget(head, 0, i)
            self.grid.addWidget(shown, 1, i)
            self.grid.addWidget(info, 2, i)
            if button_text:
                button = QPushButton(button_text)
                button.clicked.connect(lambda _c=False, n=i: self.chosen.emit(n))
                self.grid.addWidget(button, 3, i)
                self.buttons.append(button)
            self.grid.setColumnStretch(i, 1)
