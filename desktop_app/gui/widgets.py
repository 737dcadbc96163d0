"""Small widgets shared by the dialogs: inline issue messages, optional dates, region choosers."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop_app.domain.access import PERMISSION_LABELS, ROLE_LABELS, Permission
from desktop_app.domain.clock import WIB
from desktop_app.i18n import get_language, tr, tr_issue
from desktop_app.services.context import AppContext

__all__ = [
    "ERROR_COLOUR",
    "WARNING_COLOUR",
    "IssueLabel",
    "OptionalDateEdit",
    "button_box",
    "combo_data",
    "date_from_qdate",
    "fill_combo",
    "push_button",
    "qdate",
    "read_only_table",
    "select_combo_data",
]

ERROR_COLOUR = "#b3261e"  # red: blocks saving
WARNING_COLOUR = "#8a5300"  # amber, dark enough to read on white: saving allowed
ERROR_BACKGROUND = "#fdecea"
WARNING_BACKGROUND = "#fff4e0"


def _is_error(issue: object) -> bool:
    return str(getattr(issue, "severity", "")) == "error"


class IssueLabel(QLabel):
    """Shows validation issues under a form: errors in red, warnings in amber."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setVisible(False)
        self.issues: list[object] = []

    def set_issues(self, issues: Iterable[object]) -> None:
        self.issues = list(issues)
        errors = [i for i in self.issues if _is_error(i)]
        warnings = [i for i in self.issues if not _is_error(i)]
        lines = [
            f'<div style="color:{ERROR_COLOUR}">✖ {html.escape(tr_issue(i))}</div>' for i in errors
        ] + [
            f'<div style="color:{WARNING_COLOUR}">⚠ {html.escape(tr_issue(i))}</div>'
            for i in warnings
        ]
        self.setText("".join(lines))
        background = ERROR_BACKGROUND if errors else WARNING_BACKGROUND
        self.setStyleSheet(
            f"QLabel {{ background: {background}; padding: 6px; border-radius: 4px; }}"
        )
        self.setVisible(bool(lines))

    def has_errors(self) -> bool:
        return any(_is_error(i) for i in self.issues)

    def plain_text(self) -> str:
        return "\n".join(tr_issue(i) for i in self.issues)  # type: ignore[arg-type]


def mark_field(widget: QWidget, issues: Sequence[object]) -> None:
    """Outline a field red (error) or amber (warning); clear it otherwise."""
    if any(_is_error(i) for i in issues):
        widget.setStyleSheet(f"border: 1px solid {ERROR_COLOUR};")
    elif issues:
        widget.setStyleSheet(f"border: 1px solid {WARNING_COLOUR};")
    else:
        widget.setStyleSheet("")


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class OptionalDateEdit(QWidget):
    """A date picker that can be left empty (unknown birth date) via a checkbox.

    While the date is unknown the field shows nothing rather than a made-up date (01-01-1970
    looked like data); ticking the box starts at the `default` given to `set_value`."""

    changed = Signal()
    # The "no date" value: one day below the earliest date a person can pick, shown as blank.
    _BLANK = QDate(1899, 12, 31)

    def __init__(
        self, optional: bool = True, label: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label if label is not None else tr("Diketahui"))
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd-MM-yyyy")
        self.edit.setMinimumDate(self._BLANK)
        self.edit.setSpecialValueText(" ")  # the blank date shows as an empty field
        self.edit.setMinimumWidth(120)
        self._default: date | None = None
        self._optional = optional
        self.check.setChecked(not optional)
        self.check.setVisible(optional)
        self.edit.setEnabled(not optional)
        self.check.toggled.connect(self._toggled)
        self.check.toggled.connect(lambda _v: self.changed.emit())
        self.edit.dateChanged.connect(lambda _v: self.changed.emit())
        layout.addWidget(self.edit)
        layout.addWidget(self.check)
        layout.addStretch(1)
        if optional:
            self.edit.setDate(self._BLANK)
        else:
            self.edit.setDate(QDate.currentDate())

    def _toggled(self, known: bool) -> None:
        self.edit.setEnabled(known)
        if not known:
            self.edit.setDate(self._BLANK)
        elif self.edit.date() == self._BLANK:
            start = self._default or date(1970, 1, 1)
            self.edit.setDate(qdate(start))

    def value(self) -> date | None:
        if not self.check.isChecked() or self.edit.date() == self._BLANK:
            return None
        return date_from_qdate(self.edit.date())

    def set_value(self, value: date | None, default: date | None = None) -> None:
        if default is not None:
            self._default = default
        if value is not None:
            self.edit.setDate(qdate(value))
        if self._optional:
            self.check.setChecked(value is not None)
            if value is None:
                self.edit.setDate(self._BLANK)
        elif value is None:
            # A required date has no "unknown": it starts at its default (or today's caller's).
            self.edit.setDate(qdate(self._default or date.today()))

    def set_maximum(self, value: date) -> None:
        self.edit.setMaximumDate(qdate(value))


def fill_combo(
    combo: QComboBox, options: Iterable[tuple[str | None, str]], keep: bool = True
) -> None:
    """Replace the items (data, label), keeping the current selection when it is still there."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    for data, label in options:
        combo.addItem(label, data)
    index = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def combo_data(combo: QComboBox) -> str | None:
    data = combo.currentData()
    return data if data else None


def select_combo_data(combo: QComboBox, data: str | None) -> None:
    index = combo.findData(data) if data else -1
    combo.setCurrentIndex(max(index, 0))


class ListTableModel(QAbstractTableModel):
    """Frozen rows held in a list, one per table row: subclasses say what the columns show."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, position: int) -> Any:
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def rowCount(  # noqa: N802 - Qt API
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self._rows)


def read_only_table(model: QAbstractItemModel, *, fit_columns: bool = False) -> QTableView:
    """A read-only table with single-row selection, in the style every tab uses.

    `fit_columns` sizes each column to its contents (short review queues); long lists keep
    the fixed widths their tab sets, since measuring every row would be slow.
    """
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    if fit_columns:
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


def push_button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    """A push button that calls `slot` with no arguments (Qt passes `checked`)."""
    button = QPushButton(text)
    button.clicked.connect(lambda _checked=False: slot())
    if tip:
        button.setToolTip(tip)
    return button


def button_box(
    dialog: QDialog,
    ok_text: str = "",
    on_ok: Callable[[], object] | None = None,
    *,
    save: bool = False,
) -> QDialogButtonBox:
    """OK (Save with `save`) and Batal under a dialog: OK runs `on_ok` (the dialog's own accept
    unless given), Batal rejects. Batal is labelled here as well as by Qt's translator, so it
    follows the interface language even where that translator is not installed."""
    ok = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        buttons.button(ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Batal"))
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


# -- permissions: the services refuse; these only show it before the click -------------------
def denied_text(ctx: AppContext, permission: Permission) -> str:
    """Why an action is unavailable to the person logged in, in the interface's language."""
    en = get_language() == "en"
    action = PERMISSION_LABELS[permission][1 if en else 0]
    if ctx.user is None:
        return tr("Masuk dulu untuk {action}.", action=action)
    role = ROLE_LABELS[ctx.user.role][1 if en else 0]
    return tr("Peran Anda ({role}) tidak memiliki izin: {action}.", role=role, action=action)


def gate(widget: QWidget, ctx: AppContext, permission: Permission, tooltip: str = "") -> bool:
    """Enable `widget` only for a role with `permission` (the service refuses the others
    anyway); a disabled one says why in its tooltip. Returns whether it is allowed."""
    allowed = ctx.can(permission)
    if not allowed:
        widget.setEnabled(False)
        widget.setProperty("gated", True)
    elif widget.property("gated"):
        # Allowed again (another user logged in): undo only what the gate did.
        widget.setEnabled(True)
        widget.setProperty("gated", False)
    widget.setToolTip(tooltip if allowed else denied_text(ctx, permission))
    return allowed


def allow(widget: QWidget, enabled: bool, ctx: AppContext, permission: Permission) -> None:
    """`widget.setEnabled(enabled)`, unless the person's role lacks `permission`: then it is
    off and its tooltip says why (for buttons whose state also follows the screen's state)."""
    if not ctx.can(permission):
        widget.setEnabled(False)
        widget.setToolTip(denied_text(ctx, permission))
        return
    widget.setEnabled(enabled)


def format_when(value: datetime | str | None, *, seconds: bool = False) -> str:
    """Day and time in the office's zone; stored times are UTC (naive ones too)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f"{value.astimezone(WIB):%d-%m-%Y %H:%M{':%S' if seconds else ''}}"
