"""The dry-run table: one line per spreadsheet row with its status, and a filter by status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.i18n import tr, tr_issue
from desktop_app.services.importing import STATUS_LABELS, FieldChange, RowResult, RowStatus
from desktop_app.services.importing.cleaning import text_of

__all__ = ["RESULT_ROLE", "STATUS_COLOURS", "ResultsModel", "describe", "messages"]

RESULT_ROLE = Qt.ItemDataRole.UserRole + 1  # the RowResult itself
_Index = QModelIndex | QPersistentModelIndex

STATUS_COLOURS: dict[RowStatus, str] = {
    RowStatus.NEW: "#e6f4ea",
    RowStatus.UPDATE: "#fff4d6",
    RowStatus.UNCHANGED: "#f1f3f4",
    RowStatus.REJECTED: "#fde7e9",
    RowStatus.REVIEW: "#ede7f6",
}
WARNINGS = "warnings"  # filter value: rows with warnings, whatever their status


class ResultsModel(QAbstractTableModel):
    """Rows of an ImportReport; the visible subset follows `set_filter`."""

    COLUMNS = ("Baris", "Status", "NIK", "Nama", "Perubahan / alasan")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[RowResult] = []
        self._rows: list[RowResult] = []
        self._filter: str | None = None
        self._brushes = {s: QBrush(QColor(c)) for s, c in STATUS_COLOURS.items()}

    def set_rows(self, rows: list[RowResult]) -> None:
        self.beginResetModel()
        self._all = rows
        self._rows = self._filtered()
        self.endResetModel()

    def set_filter(self, value: str | None) -> None:
        self.beginResetModel()
        self._filter = value
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[RowResult]:
        if self._filter is None:
            return self._all
        if self._filter == WARNINGS:
            return [r for r in self._all if r.warnings]
        return [r for r in self._all if r.status.value == self._filter]

    def result(self, row: int) -> RowResult:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.row
            if col == 1:
                mark = " ⚠" if r.warnings and r.status != RowStatus.REJECTED else ""
                return tr(STATUS_LABELS[r.status]) + mark
            if col == 2:
                return r.nik or ""
            if col == 3:
                return r.name or ""
            return _summary(r)
        if role == Qt.ItemDataRole.BackgroundRole and col == 1:
            return self._brushes[r.status]
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return _summary(r, limit=None)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RESULT_ROLE:
            return r
        return None


def describe(change: FieldChange) -> str:
    old = "∅" if change.old in (None, "") else text_of(change.old)
    return f"{tr(change.label)}: {old} → {text_of(change.new)}"


def messages(issues: list[Any]) -> str:
    return "; ".join(tr_issue(i) for i in issues)


def _summary(r: RowResult, limit: int | None = 4) -> str:
    if r.status == RowStatus.REJECTED:
        return messages(r.errors)
    if r.status == RowStatus.UPDATE:
        parts = [describe(c) for c in r.edits]
        if limit is not None and len(parts) > limit:
            parts = parts[:limit] + [tr("… {n} lagi", n=len(parts) - limit)]
        return "; ".join(parts)
    if r.status == RowStatus.NEW:
        extra = [describe(c) for c in r.edits]
        return "; ".join([tr("Orang baru"), *extra])
    if r.warnings:
        return messages(r.warnings)
    return ""
