"""Table models of the Layanan tab: a case list, the overdue Si Hore visits, a case's
activities, devices, goals and SPPA stages.

A casework list is a few hundred rows at the office's scale (about 400 open cases), so the
models hold the service's frozen rows and paint from them; no query runs while painting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.casework import (
    ACTIVITY_KINDS,
    DEVICE_KINDS,
    DEVICE_STATUSES,
    GOAL_STATUSES,
    PLACEMENTS,
    REFERRAL_TARGETS,
    SIHORE_CONDITIONS,
    SIHORE_SERVICES,
    SPPA_STAGES,
)
from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.widgets import ListTableModel
from desktop_app.i18n import tr
from desktop_app.services.casework import ActivityView, CaseRow, OverdueVisit

__all__ = [
    "ROW_ROLE",
    "ActivityModel",
    "CaseTableModel",
    "Column",
    "DeviceModel",
    "GoalModel",
    "OverdueModel",
    "RowsModel",
    "StageModel",
    "format_date",
    "label",
    "program_label",
]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the whole row object
OVERDUE_FOREGROUND = QColor("#b00020")
_Index = QModelIndex | QPersistentModelIndex


def format_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def label(choices: Mapping[str, str], key: str | None) -> str:
    """A choice's label in the interface language (the key itself when it is unknown)."""
    if not key:
        return ""
    text = choices.get(key)
    return tr(text) if text else key


def program_label(code: str) -> str:
    program = PROGRAMS.get(code)
    return tr(program.short) if program is not None else code


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]


class RowsModel(ListTableModel):
    """Frozen rows shown column by column; `late(row)` paints a row red."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns: list[Column] | None = None

    def build_columns(self) -> list[Column]:
        raise NotImplementedError

    def columns(self) -> list[Column]:
        if self._columns is None:
            self._columns = self.build_columns()
        return self._columns

    def late(self, row: Any) -> bool:
        return False

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns())

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns()[section].title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns()[index.column()].value(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns()[index.column()].value(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and self.late(row):
            return QBrush(OVERDUE_FOREGROUND)
        if role == ROW_ROLE:
            return row
        return None


class CaseTableModel(RowsModel):
    """A case list; a case whose follow-up date has passed is painted red."""

    def __init__(self, today: Callable[[], date], parent: Any = None) -> None:
        super().__init__(parent)
        self._today = today

    def late(self, row: CaseRow) -> bool:
        return row.follow_up_on is not None and row.follow_up_on < self._today()

    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Nama"), lambda r: r.person_name),
            Column(tr("Program"), lambda r: program_label(r.program_code)),
            Column(tr("Kelurahan"), lambda r: r.kelurahan),
            Column(tr("Jatuh tempo"), lambda r: format_date(r.follow_up_on)),
            Column(tr("Petugas"), lambda r: r.worker),
            Column(
                tr("Pendamping / tahap"),
                lambda r: r.carer or label(SPPA_STAGES, r.stage),
            ),
        ]


class OverdueModel(RowsModel):
    """Si Hore clients whose visit is late, latest first as the service orders them."""

    def late(self, row: OverdueVisit) -> bool:
        return True

    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Nama"), lambda r: r.person_name),
            Column(tr("Kelurahan"), lambda r: r.kelurahan),
            Column(tr("Pendamping"), lambda r: r.carer or ""),
            Column(tr("Kunjungan terakhir"), lambda r: format_date(r.last_visit_on)),
            Column(tr("Jatuh tempo"), lambda r: format_date(r.due_on)),
            Column(tr("Terlambat (hari)"), lambda r: str(r.days_late)),
        ]


def _activity_text(row: ActivityView) -> str:
    parts: list[str] = []
    services = row.details.get("services")
    if isinstance(services, list) and services:
        chosen = {str(s) for s in services}
        parts.append(", ".join(tr(text) for key, text in SIHORE_SERVICES.items() if key in chosen))
    condition = row.details.get("condition")
    if isinstance(condition, str) and condition:
        parts.append(tr("Kondisi: {condition}", condition=label(SIHORE_CONDITIONS, condition)))
    if row.target:
        parts.append(label(REFERRAL_TARGETS, row.target))
    if row.notes:
        parts.append(row.notes)
    return " · ".join(parts)


class ActivityModel(RowsModel):
    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Tanggal"), lambda r: format_date(r.done_on)),
            Column(tr("Jenis"), lambda r: label(ACTIVITY_KINDS, r.kind)),
            Column(tr("Petugas"), lambda r: r.worker),
            Column(tr("Tindak lanjut"), lambda r: format_date(r.follow_up_on)),
            Column(tr("Keterangan"), _activity_text),
        ]


class DeviceModel(RowsModel):
    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Alat bantu"), lambda r: label(DEVICE_KINDS, r.kind)),
            Column(tr("Status"), lambda r: label(DEVICE_STATUSES, r.status)),
            Column(tr("Diminta"), lambda r: format_date(r.requested_on)),
            Column(tr("Diserahkan"), lambda r: format_date(r.delivered_on)),
            Column(tr("Penerima"), lambda r: r.received_by or ""),
            Column(tr("No. tanda terima"), lambda r: r.number or ""),
            Column(tr("Spesifikasi"), lambda r: r.spec or ""),
        ]


class GoalModel(RowsModel):
    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Status"), lambda r: label(GOAL_STATUSES, r.status)),
            Column(tr("Target"), lambda r: format_date(r.target_on)),
            Column(tr("Selesai"), lambda r: format_date(r.done_on)),
            Column(tr("Tujuan"), lambda r: r.text),
        ]


class StageModel(RowsModel):
    def build_columns(self) -> list[Column]:
        return [
            Column(tr("Mulai"), lambda r: format_date(r.started_on)),
            Column(tr("Tahap"), lambda r: label(SPPA_STAGES, r.stage)),
            Column(tr("Penempatan"), lambda r: label(PLACEMENTS, r.placement)),
            Column(tr("Catatan"), lambda r: r.note or ""),
        ]
