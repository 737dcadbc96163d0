"""Table models of the Sinkronisasi tab: short lists (devices, rounds, queues, bundle history)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.errors import all_messages
from desktop_app.gui.widgets import format_when
from desktop_app.i18n import get_language, tr
from desktop_app.services.sync import BundleView, ConflictView, PeerView, QuarantineView
from desktop_app.services.sync.double_claims import DoubleClaim, RoundProgress

__all__ = [
    "BundleHistoryModel",
    "ConflictModel",
    "DeviceModel",
    "DoubleClaimModel",
    "QuarantineModel",
    "RoundProgressModel",
    "format_count",
    "format_when",
]

T = TypeVar("T")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
OPEN_COLOUR = "#fdecea"  # needs a decision
REVIEW_COLOUR = "#fff4e0"  # listed for review
DONE_COLOUR = "#eef5ee"
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_count(n: int) -> str:
    return f"{n:,}".replace(",", ".")




@dataclass(frozen=True)
class Col(Generic[T]):
    title: str
    value: Callable[[T], Any]
    align: Qt.AlignmentFlag | None = None


class ListModel(QAbstractTableModel, Generic[T]):
    """Rows of plain frozen dataclasses; `set_rows` resets the model."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[T] = []
        self.columns: list[Col[T]] = self.build_columns()

    def build_columns(self) -> list[Col[T]]:
        raise NotImplementedError

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
            return int(col.align)
        if role == ROW_ROLE:
            return row
        return self.style(row, index.column(), role)

    def style(self, row: T, column: int, role: int) -> Any:
        return None


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))


class RoundProgressModel(ListModel[RoundProgress]):
    def build_columns(self) -> list[Col[RoundProgress]]:
        return [
            Col(tr("Putaran"), lambda r: f"{r.name} ({r.code})"),
            Col(
                tr("Diterima"),
                lambda r: f"{format_count(r.received)} / {format_count(r.entitled)}",
                RIGHT,
            ),
            Col(
                tr("Per perangkat"),
                lambda r: (
                    " · ".join(f"{d} {format_count(n)}" for d, n in r.by_device.items()) or "—"
                ),
            ),
            Col(tr("Klaim ganda"), lambda r: r.open_double_claims or "", RIGHT),
        ]

    def style(self, row: RoundProgress, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.open_double_claims and column == 3:
            return _brush(OPEN_COLOUR)
        return None


class DeviceModel(ListModel[PeerView]):
    def build_columns(self) -> list[Col[PeerView]]:
        return [
            Col(tr("Perangkat"), lambda p: p.name),
            Col(tr("Peran"), lambda p: tr("Kantor") if p.role == "office" else tr("Laptop")),
            Col(tr("Status"), lambda p: tr("Dicabut") if p.revoked else tr("Aktif")),
            Col(tr("Bundel terakhir"), lambda p: format_when(p.last_bundle_at)),
        ]

    def style(self, row: PeerView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.revoked:
            return _brush("#888888")
        return None


class DoubleClaimModel(ListModel[DoubleClaim]):
    def build_columns(self) -> list[Col[DoubleClaim]]:
        return [
            Col(tr("Penerima"), lambda c: c.recipient_name),
            Col(tr("Putaran"), lambda c: c.round_name),
            Col(
                tr("Tanda terima"),
                lambda c: ", ".join(f"{r.device_name}" for r in c.receipts if not r.voided),
            ),
            Col(
                tr("Status"),
                lambda c: tr("Perlu keputusan") if c.status == "open" else tr("Dikonfirmasi"),
            ),
        ]

    def style(self, row: DoubleClaim, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return _brush(OPEN_COLOUR if row.status == "open" else DONE_COLOUR)
        return None


class ConflictModel(ListModel[ConflictView]):
    def build_columns(self) -> list[Col[ConflictView]]:
        return [
            Col(tr("Data"), lambda c: c.subject),
            Col(tr("Isian"), lambda c: tr(c.field_label)),
            Col(
                tr("Jenis"),
                lambda c: tr("Perlu keputusan") if c.kind == "critical" else tr("Tinjau"),
            ),
            Col(tr("Nilai sekarang"), lambda c: c.current_text),
        ]

    def style(self, row: ConflictView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.open:
            return _brush(OPEN_COLOUR if row.kind == "critical" else REVIEW_COLOUR)
        return None


class QuarantineModel(ListModel[QuarantineView]):
    def build_columns(self) -> list[Col[QuarantineView]]:
        return [
            Col(tr("Perangkat"), lambda q: q.device_name),
            Col(tr("Data"), lambda q: f"{tr(q.entity_label)}: {q.subject}"),
            Col(tr("Perubahan"), lambda q: q.summary),
            Col(tr("Waktu menurut pengirim"), lambda q: format_when(q.stamped_at)),
            Col(tr("Alasan"), _quarantine_reason),
            Col(tr("Status"), lambda q: _quarantine_status(q.status)),
        ]


def _quarantine_reason(q: QuarantineView) -> str:
    """Why the change is held, in the chosen language (entity and field words translated)."""
    msg = all_messages().get(q.reason_code)
    if msg is None:
        return tr(q.reason)
    params = {k: tr(v) if isinstance(v, str) else v for k, v in q.reason_params.items()}
    return msg.text(get_language(), **params)


def _quarantine_status(status: str) -> str:
    return {
        "held": tr("Ditahan"),
        "released": tr("Sudah diterima"),
        "discarded": tr("Sudah ditolak"),
    }.get(status, status)


class BundleHistoryModel(ListModel[BundleView]):
    def build_columns(self) -> list[Col[BundleView]]:
        return [
            Col(tr("Waktu"), lambda b: format_when(b.processed_at)),
            Col(tr("Arah"), lambda b: tr("Masuk") if b.direction == "in" else tr("Keluar")),
            Col(tr("Jenis"), lambda b: _kind(b.kind)),
            Col(tr("Perangkat"), lambda b: b.peer_name),
            Col(tr("Perubahan"), lambda b: format_count(b.entries), RIGHT),
            Col(
                tr("Baru"), lambda b: format_count(b.applied) if b.direction == "in" else "", RIGHT
            ),
            Col(tr("Konflik"), lambda b: b.conflicts or "", RIGHT),
            Col(tr("Klaim ganda"), lambda b: b.double_claims or "", RIGHT),
            Col(tr("Ukuran"), lambda b: _size(b.size_bytes), RIGHT),
            Col(tr("Berkas"), lambda b: b.file_name or ""),
        ]

    def style(self, row: BundleView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and (row.conflicts or row.double_claims):
            return _brush(REVIEW_COLOUR)
        return None


def _applied(b: BundleView) -> str:
    return format_count(b.applied) if b.direction == "in" else ""


def _kind(kind: str) -> str:
    return {
        "checkout": tr("Checkout"),
        "return": tr("Kiriman laptop"),
        "ack": tr("Tanda terima kantor"),
    }.get(kind, kind)


def _size(n: int | None) -> str:
    if n is None:
        return ""
    return f"{n / 1024:,.0f} KiB".replace(",", ".") if n >= 1024 else f"{n} B"
