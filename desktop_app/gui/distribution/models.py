"""The roster table of the counter: row keys only, rows fetched a page at a time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.domain.nik import mask_nik
from desktop_app.gui.registry.models import Column, LazyTableModel
from desktop_app.i18n import tr
from desktop_app.services.distribution import RosterRow

__all__ = ["STATUS_COLOURS", "RosterTableModel", "status_text"]

# Background per state: green received, teal by proxy, amber absent, red refused, grey removed.
STATUS_COLOURS: dict[str, str] = {
    "diterima": "#d8f0dc",
    "diwakilkan": "#d5eef0",
    "tidak_hadir": "#fff0cc",
    "ditolak": "#f9d9d6",
    "dikeluarkan": "#e6e6e6",
}


def status_text(status: str) -> str:
    return {
        "": tr("Belum"),
        "diterima": tr("Diterima"),
        "diwakilkan": tr("Diwakilkan"),
        "tidak_hadir": tr("Tidak hadir"),
        "ditolak": tr("Ditolak"),
        "dikeluarkan": tr("Dikeluarkan"),
    }.get(status, status)


class RosterTableModel(LazyTableModel):  # type: ignore[type-arg]
    COL_NO = 0
    COL_NAME = 1
    COL_NIK = 2
    COL_KK = 3
    COL_ADDRESS = 4
    COL_KELURAHAN = 5
    COL_POINT = 6
    COL_STATUS = 7
    COL_RECEIPT = 8

    def build_columns(self) -> list[Column]:
        return [
            Column(tr("No."), lambda r: r.no, Qt.AlignmentFlag.AlignRight),
            Column(tr("Nama"), lambda r: r.name),
            # The counter screen faces the public too: show only the ends of the NIK.
            Column(tr("NIK"), lambda r: mask_nik(r.nik) if r.nik else ""),
            Column(tr("No. KK"), lambda r: r.kk_number or ""),
            Column(tr("Alamat"), lambda r: r.address),
            Column(tr("Kelurahan"), lambda r: r.kelurahan),
            Column(tr("Titik salur"), lambda r: r.point_name),
            Column(tr("Status"), lambda r: status_text(r.status)),
            Column(tr("Tanda terima"), lambda r: r.receipt_number or r.mark_reason or ""),
        ]

    def style_data(self, row: RosterRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.status in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row.status]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.collector_name:
                return tr("Diambil oleh {name}", name=row.collector_name)
            if column == self.COL_ADDRESS:
                return row.address
        return None
