"""A horizontal stacked bar chart drawn with QPainter: one row per kelurahan, point or stage.

Qt's own chart module (QtCharts) ships only in PySide6-Addons, a second wheel of about the size
of PySide6-Essentials, and pyqtgraph brings NumPy; a few labelled bars need neither, and this
widget adds nothing to the installer. Each bar is split into segments (received, by proxy,
absent, refused, not yet); a click on a segment emits the bar's key and the segment's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

__all__ = ["Bar", "Segment", "StackedBars", "format_count"]


def format_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    color: str  # "#rrggbb"


@dataclass(frozen=True)
class Bar:
    key: object  # what a click reports: a kelurahan code, a point id, a round id
    label: str
    values: Sequence[int]  # one per segment
    note: str = ""  # right of the bar, e.g. "56 / 80 (70%)"

    @property
    def total(self) -> int:
        return sum(self.values)


ROW_HEIGHT = 20
ROW_GAP = 5
LEGEND_LINE = 20
MAX_LABEL_WIDTH = 190


class StackedBars(QWidget):
    """The bars, a legend above them; hover shows the counts, a click reports (key, segment)."""

    bar_clicked = Signal(object, str)

    def __init__(self, segments: Sequence[Segment], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments = list(segments)
        self.bars: list[Bar] = []
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_bars(self, bars: Sequence[Bar], empty_text: str = "") -> None:
        self.bars = list(bars)
        self.empty_text = empty_text
        self.updateGeometry()
        self.update()

    # -- geometry ----------------------------------------------------------------------------
    def _legend(self) -> list[tuple[int, int, Segment]]:
        """(x, line, segment) of each legend entry, wrapped to the widget's width."""
        fm = self.fontMetrics()
        width = self.width() if self.width() > 50 else 480
        out, x, line = [], 0, 0
        for seg in self.segments:
            w = 16 + fm.horizontalAdvance(seg.label) + 14
            if x and x + w > width:
                x, line = 0, line + 1
            out.append((x, line, seg))
            x += w
        return out

    @property
    def legend_height(self) -> int:
        lines = max((line for _x, line, _s in self._legend()), default=0) + 1
        return lines * LEGEND_LINE + 4

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = max(len(self.bars), 1)
        return QSize(480, self.legend_height + rows * (ROW_HEIGHT + ROW_GAP) + ROW_GAP)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.updateGeometry()  # the legend may wrap onto another line

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(240, self.sizeHint().height())

    def _label_width(self, fm: QFontMetrics) -> int:
        widest = max((fm.horizontalAdvance(b.label) for b in self.bars), default=0)
        return min(widest + 10, MAX_LABEL_WIDTH)

    def _note_width(self, fm: QFontMetrics) -> int:
        return max((fm.horizontalAdvance(b.note) for b in self.bars), default=0) + 10

    def _scale(self) -> int:
        return max((b.total for b in self.bars), default=0) or 1

    def _row_rect(self, row: int) -> QRect:
        top = self.legend_height + row * (ROW_HEIGHT + ROW_GAP)
        return QRect(0, top, self.width(), ROW_HEIGHT)

    def _segment_rects(self, fm: QFontMetrics, row: int) -> list[tuple[int, QRect]]:
        """(segment index, rectangle) of each non-empty segment of one bar."""
        bar = self.bars[row]
        left = self._label_width(fm)
        span = max(self.width() - left - self._note_width(fm) - 4, 10)
        top = self._row_rect(row).top()
        x = float(left)
        out = []
        for i, value in enumerate(bar.values):
            if value <= 0:
                continue
            w = span * value / self._scale()
            out.append((i, QRect(round(x), top, max(round(x + w) - round(x), 1), ROW_HEIGHT)))
            x += w
        return out

    def hit(self, pos: QPoint) -> tuple[int, int | None] | None:
        """(bar index, segment index or None) under a point."""
        fm = self.fontMetrics()
        for row in range(len(self.bars)):
            if not self._row_rect(row).contains(pos):
                continue
            for i, rect in self._segment_rects(fm, row):
                if rect.contains(pos):
                    return row, i
            return row, None
        return None

    def segment_center(self, row: int, segment: int) -> QPoint:
        """Where a segment is drawn (tests click there)."""
        for i, rect in self._segment_rects(self.fontMetrics(), row):
            if i == segment:
                return rect.center()
        return self._row_rect(row).center()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        fm = self.fontMetrics()
        text_color = self.palette().color(self.foregroundRole())
        for x, line, seg in self._legend():
            y = 5 + line * LEGEND_LINE
            p.fillRect(QRect(x, y, 12, 12), QColor(seg.color))
            p.setPen(text_color)
            p.drawText(x + 16, y + fm.ascent() - 1, seg.label)
        if not self.bars:
            p.setPen(QColor("#666666"))
            p.drawText(
                QRect(0, self.legend_height, self.width(), ROW_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.empty_text,
            )
            return
        label_width = self._label_width(fm)
        for row, bar in enumerate(self.bars):
            rect = self._row_rect(row)
            p.setPen(text_color)
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 8)
            p.drawText(
                QRect(0, rect.top(), label_width - 6, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            end = label_width
            for i, seg_rect in self._segment_rects(fm, row):
                p.fillRect(seg_rect, QColor(self.segments[i].color))
                end = seg_rect.right()
            p.setPen(text_color)
            p.drawText(
                QRect(end + 6, rect.top(), self.width() - end - 6, ROW_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                bar.note,
            )

    # -- interaction -------------------------------------------------------------------------
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            pos = e.pos()  # type: ignore[attr-defined]
            found = self.hit(pos)
            if found is None:
                QToolTip.hideText()
                return True
            bar = self.bars[found[0]]
            lines = [bar.label] + [
                f"{seg.label}: {format_count(v)}"
                for seg, v in zip(self.segments, bar.values, strict=False)
            ]
            QToolTip.showText(e.globalPos(), "\n".join(lines), self)  # type: ignore[attr-defined]
            return True
        return super().event(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if e.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(e)
        found = self.hit(e.position().toPoint())
        if found is None:
            return None
        row, segment = found
        key = self.segments[segment].key if segment is not None else ""
        self.bar_clicked.emit(self.bars[row].key, key)
        return None
