"""Lazy table models for the registry: they hold row keys only and fetch rows a page at a time.

A city-sized registry has 160,000 persons. The model keeps the list of matching rowids (from
`RegistryService.person_ids`), and `data()` fetches the page containing the requested row with one
query (`person_rows`) the first time that page is painted. Pages are kept in a small LRU cache, so
scrolling back and forth never re-queries and memory stays bounded.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap

from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.status import STATUS_LABELS, PersonStatus
from desktop_app.i18n import tr
from desktop_app.services.access import MASKED_NAME
from desktop_app.services.registry import HouseholdRow, PersonRow

__all__ = [
    "ROW_ROLE",
    "ROWID_ROLE",
    "HouseholdTableModel",
    "LazyTableModel",
    "PersonTableModel",
    "SENSITIVE_SHORT_NAMES",
    "format_date",
    "has_sensitive_program",
]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole row object (PersonRow / HouseholdRow)
ROWID_ROLE = Qt.ItemDataRole.UserRole + 2  # the row key, without fetching the row

SENSITIVE_SHORT_NAMES = frozenset(p.short for p in PROGRAMS.values() if p.sensitive)
RESTRICTED_BACKGROUND = QColor("#f3e8fd")  # a soft violet: "restricted data" in every list
INACTIVE_FOREGROUND = QColor("#6b6b6b")

RowT = TypeVar("RowT", PersonRow, HouseholdRow)
_Index = QModelIndex | QPersistentModelIndex


def format_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def has_sensitive_program(programs: str) -> bool:
    return any(name.strip() in SENSITIVE_SHORT_NAMES for name in programs.split(","))


@dataclass(frozen=True)
class Column(Generic[RowT]):
    title: str
    value: Callable[[Any], Any]
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    tooltip: str = ""


class LazyTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows known by key; pages of PAGE_SIZE rows are fetched on first paint."""

    PAGE_SIZE = 50
    MAX_PAGES = 80  # about 4,000 rows kept in memory at most

    def __init__(self, fetch: Callable[[Sequence[int]], list[RowT]], parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, RowT]] = OrderedDict()
        self._positions: dict[int, int] | None = None
        self._columns: list[Column] | None = None
        self.fetch_count = 0  # queries issued; tests check painting never queries per row

    # -- columns: subclasses define them ------------------------------------------------------
    def build_columns(self) -> list[Column]:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        # Built once, in the language current when the model is first painted (a language
        # change rebuilds the whole window).
        if self._columns is None:
            self._columns = self.build_columns()
        return self._columns

    # -- keys ---------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int], first_page: Sequence[RowT] | None = None) -> None:
        """A new result: reset the model (views keep no stale rows).

        `first_page` (the rows of the first keys, read by the search worker: `ids[:PAGE_SIZE]`
        or more) lets the view paint the top of a new result without a query on the GUI
        thread. Pages after the first are kept only when every one of their rows is there.
        """
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self._positions = None
        if first_page is not None and self._ids:
            by_key = {row.rowid: row for row in first_page}
            size = self.PAGE_SIZE
            for page_no in range(max(1, -(-len(first_page) // size))):
                keys = self._ids[page_no * size : (page_no + 1) * size]
                if page_no == 0 or all(k in by_key for k in keys):
                    self._pages[page_no] = {k: by_key[k] for k in keys if k in by_key}
        self.endResetModel()

    def extend_ids(self, ids: Sequence[int]) -> bool:
        """The rest of the current result: `ids` starts with the keys shown. Rows are appended
        without a reset (the view keeps its scroll position, selection and painted rows); a
        page that was cut short by the old end is read again when painted. False, changing
        nothing, when `ids` does not continue the current keys (the caller resets instead)."""
        old = len(self._ids)
        if len(ids) < old or list(ids[:old]) != self._ids:
            return False
        if len(ids) > old:
            self.beginInsertRows(QModelIndex(), old, len(ids) - 1)
            self._ids.extend(ids[old:])
            self._positions = None
            # After the keys grew: a view may read rows while the insert is announced.
            for page_no in [n for n in self._pages if (n + 1) * self.PAGE_SIZE > old]:
                del self._pages[page_no]
            self.endInsertRows()
        return True

    def first_page_keys(self, ids: Sequence[int]) -> list[int]:
        return list(ids[: self.PAGE_SIZE])

    def ids(self) -> list[int]:
        return list(self._ids)

    def position_of(self, rowid: int) -> int | None:
        if self._positions is None:
            self._positions = {r: i for i, r in enumerate(self._ids)}
        return self._positions.get(rowid)

    def row_at(self, position: int) -> RowT | None:
        if not 0 <= position < len(self._ids):
            return None
        page_no = position // self.PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * self.PAGE_SIZE
            keys = self._ids[start : start + self.PAGE_SIZE]
            self.fetch_count += 1
            page = {row.rowid: row for row in self._fetch(keys)}
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[position])

    def refresh_row(self, rowid: int) -> bool:
        """Re-read one row after an edit and repaint only that row."""
        position = self.position_of(rowid)
        if position is None:
            return False
        page = self._pages.get(position // self.PAGE_SIZE)
        if page is not None:
            fresh = self._fetch([rowid])
            if fresh:
                page[rowid] = fresh[0]
            else:
                page.pop(rowid, None)
        self.dataChanged.emit(self.index(position, 0), self.index(position, self.columnCount() - 1))
        return True

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            columns = self.columns()
            if not 0 <= section < len(columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return columns[section].title
            if role == Qt.ItemDataRole.ToolTipRole and columns[section].tooltip:
                return columns[section].tooltip
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._ids):
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == ROWID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.DecorationRole,
            ROW_ROLE,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        column = self.columns()[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align | Qt.AlignmentFlag.AlignVCenter)
        return self.style_data(row, index.column(), role)

    def style_data(self, row: RowT, column: int, role: int) -> Any:
        return None


class PersonTableModel(LazyTableModel[PersonRow]):
    COL_NIK = 0
    COL_NAME = 1
    COL_SEX = 2
    COL_BIRTH = 3
    COL_KELURAHAN = 4
    COL_STATUS = 5
    COL_PROGRAMS = 6
    COL_ADDRESS = 7
    COL_KK = 8
    COL_KECAMATAN = 9

    def build_columns(self) -> list[Column]:
        return [
            Column(tr("NIK"), lambda r: r.nik or tr("(tanpa NIK)")),
            Column(tr("Nama"), lambda r: r.name),
            Column(
                tr("L/P"),
                lambda r: tr(r.sex) if r.sex else r.sex,
                Qt.AlignmentFlag.AlignCenter,
                tr("Jenis kelamin"),
            ),
            Column(tr("Tgl. lahir"), lambda r: format_date(r.birth_date)),
            Column(tr("Kelurahan"), lambda r: r.kelurahan),
            Column(tr("Status"), lambda r: short_status_label(r.status)),
            Column(tr("Program"), lambda r: r.programs),
            Column(tr("Alamat"), lambda r: r.address),
            Column(tr("No. KK"), lambda r: r.kk_number or ""),
            Column(tr("Kecamatan"), lambda r: r.kecamatan),
        ]

    def style_data(self, row: PersonRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.status != PersonStatus.AKTIF.value:
            return QBrush(INACTIVE_FOREGROUND)
        if column == self.COL_PROGRAMS:
            marked = restricted_programs_style(row.programs, role)
            if marked is not None:
                return marked
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_ADDRESS:
            return row.address
        return None


class HouseholdTableModel(LazyTableModel[HouseholdRow]):
    COL_KK = 0
    COL_HEAD = 1
    COL_HEAD_NIK = 2
    COL_KELURAHAN = 3
    COL_MEMBERS = 4
    COL_PROGRAMS = 5
    COL_ADDRESS = 6
    COL_KECAMATAN = 7

    def build_columns(self) -> list[Column]:
        return [
            Column(tr("No. KK"), lambda r: r.kk_number),
            Column(tr("Kepala keluarga"), lambda r: _head_name(r.head_name)),
            Column(tr("NIK kepala"), lambda r: r.head_nik or ""),
            Column(tr("Kelurahan"), lambda r: r.kelurahan),
            Column(tr("Anggota"), lambda r: r.members, Qt.AlignmentFlag.AlignRight),
            Column(tr("Program"), lambda r: r.programs),
            Column(tr("Alamat"), lambda r: r.address),
            Column(tr("Kecamatan"), lambda r: r.kecamatan),
        ]

    def style_data(self, row: HouseholdRow, column: int, role: int) -> Any:
        if column == self.COL_PROGRAMS:
            return restricted_programs_style(row.programs, role)
        return None


def restricted_programs_style(programs: str, role: int) -> Any:
    """How a program cell that lists a restricted (UU PDP) program is marked: shaded, with a
    lock and a tooltip; None for other roles or unrestricted programs."""
    if not has_sensitive_program(programs):
        return None
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(RESTRICTED_BACKGROUND)
    if role == Qt.ItemDataRole.DecorationRole:
        return lock_icon()
    if role == Qt.ItemDataRole.ToolTipRole:
        return restricted_tooltip()
    return None


def status_label(status: str) -> str:
    try:
        return tr(STATUS_LABELS[PersonStatus(status)])
    except ValueError:
        return status


def short_status_label(status: str) -> str:
    labels = {
        "aktif": tr("Aktif"),
        "meninggal": tr("Meninggal"),
        "pindah": tr("Pindah"),
        "keluar": tr("Keluar"),
    }
    return labels.get(status, status)


def restricted_badge() -> str:
    """A small rich-text chip that marks restricted (UU PDP) data wherever it is shown."""
    return (
        '<span style="background:#6a1b9a; color:white; font-weight:600;">&nbsp;'
        + tr("TERBATAS")
        + "&nbsp;</span>"
    )


_LOCK_ICON: QIcon | None = None


def lock_icon() -> QIcon:
    """A padlock drawn in code (no emoji font needed on office PCs)."""
    global _LOCK_ICON
    if _LOCK_ICON is None:
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor("#6a1b9a")
        painter.setPen(QPen(colour, 2))
        painter.drawArc(4, 1, 8, 10, 0, 180 * 16)
        painter.drawLine(4, 6, 4, 8)
        painter.drawLine(12, 6, 12, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(2, 7, 12, 8, 2, 2)
        painter.end()
        _LOCK_ICON = QIcon(pixmap)
    return _LOCK_ICON


def restricted_tooltip() -> str:
    return tr(
        "Data pribadi spesifik (UU PDP 27/2022): kesehatan/disabilitas atau data anak. "
        "Akses terbatas; jangan dibagikan."
    )


def _head_name(name: str | None) -> str:
    if name == MASKED_NAME:  # a restricted record the role may not see
        return tr(MASKED_NAME)
    return name or tr("(belum ditetapkan)")
