"""The keyboard-first attendance grid: type H/I/S/A, arrows move, Enter goes down.

A clerk reads names off the paper daftar hadir and types one letter per person; after each mark
the cursor moves down, and from the last participant to the top of the next session, so a whole
session is entered without touching the mouse. Delete or Backspace removes a mark.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop_app.gui.training.models import AttendanceTableModel

__all__ = ["AttendanceView"]

_CODES = {"H", "I", "S", "A"}
CURSOR = QColor("#1f5fa8")


class CursorDelegate(QStyledItemDelegate):
    """Draws the current cell as a thick frame instead of a fill, so the colour of the mark
    under the cursor stays visible while typing."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        if selected:
            option = QStyleOptionViewItem(option)
            option.state &= ~QStyle.StateFlag.State_Selected  # type: ignore[attr-defined]
            option.state &= ~QStyle.StateFlag.State_HasFocus  # type: ignore[attr-defined]
        super().paint(painter, option, index)
        if selected:
            painter.save()
            painter.setPen(QPen(CURSOR, 2.5))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))  # type: ignore[attr-defined]
            painter.restore()


class AttendanceView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        self.setItemDelegate(CursorDelegate(self))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(24)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumHeight(40)
        header.setHighlightSections(True)

    def attendance_model(self) -> AttendanceTableModel:
        model = self.model()
        assert isinstance(model, AttendanceTableModel)
        return model

    def size_columns(self) -> None:
        """Widths from the font, so the masked NIK and two-line session headers never elide."""
        model = self.attendance_model()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        cell = self.fontMetrics()
        bold = header.font()
        bold.setBold(True)
        head = QFontMetrics(bold)
        pad = 14
        self.setColumnWidth(model.COL_NO, cell.horizontalAdvance("000") + pad)
        longest = max((cell.horizontalAdvance(p.name) for p in model.participants), default=0)
        self.setColumnWidth(
            model.COL_NAME, min(max(longest, cell.horizontalAdvance("Nama" * 3)), 230) + pad
        )
        self.setColumnWidth(model.COL_NIK, cell.horizontalAdvance("3572" + "•" * 8 + "0000") + pad)
        for i in range(len(model.sessions)):
            column = model.FIXED + i
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(head.horizontalAdvance(line) for line in text.splitlines() or [""])
            self.setColumnWidth(column, max(width + pad, 60))
        self.setColumnWidth(model.col_present(), cell.horizontalAdvance("00/00 · 100%") + pad)
        header.setStretchLastSection(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        index = self.currentIndex()
        model = self.attendance_model()
        text = event.text().strip().upper()
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if index.isValid() and plain and model.is_session_column(index.column()):
            if text in _CODES:
                if model.setData(index, text):
                    self.advance(index)
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                model.setData(index, None)
                event.accept()
                return
        if index.isValid() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.advance(index)
            event.accept()
            return
        super().keyPressEvent(event)

    def advance(self, index: QModelIndex) -> None:
        """Down one row; from the last row to the first row of the next session column."""
        model = self.attendance_model()
        row, column = index.row() + 1, index.column()
        if row >= model.rowCount():
            row = 0
            if model.is_session_column(column + 1):
                column += 1
            else:
                row = index.row()
        target = model.index(row, column)
        self.setCurrentIndex(target)
        self.scrollTo(target)
