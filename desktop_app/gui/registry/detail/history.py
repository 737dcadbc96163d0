"""The change-history table: who changed what and when, in words a clerk reads."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.registry.detail.base import (
    fill_table,
    make_table,
)
from desktop_app.i18n import tr
from desktop_app.services.registry import (
    HistoryEntry,
)


class HistoryWidget(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.table = make_table(
            [tr("Waktu"), tr("Petugas"), tr("Aksi"), tr("Perubahan")], stretch=3
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def set_history(self, entries: Sequence[HistoryEntry]) -> None:
        fill_table(
            self.table,
            [
                [h.at.replace("T", " "), h.actor, _op_label(h.op), _readable_summary(h.summary)]
                for h in entries
            ],
        )


def _field_labels() -> dict[str, str]:
    return {
        "name": tr("Nama"),
        "nik": tr("NIK"),
        "sex": tr("Jenis kelamin"),
        "birth_place": tr("Tempat lahir"),
        "birth_date": tr("Tgl. lahir"),
        "street": tr("Jalan"),
        "rt": tr("RT"),
        "rw": tr("RW"),
        "kelurahan_code": tr("Kelurahan"),
        "phone": tr("Telepon"),
        "notes": tr("Catatan"),
        "status": tr("Status"),
        "status_date": tr("Tanggal status"),
        "household_id": tr("KPM"),
        "relation": tr("Hubungan"),
        "deleted": tr("Dihapus"),
        "kk_number": tr("No. KK"),
        "head_person_id": tr("Kepala keluarga"),
        "program_code": tr("Program"),
        "start_date": tr("Mulai"),
        "end_date": tr("Selesai"),
        "end_reason": tr("Alasan"),
        "details": tr("Rincian"),
    }


_FIELD = re.compile(r"(^|, |\] )([a-z_]+): ")


def _readable_summary(summary: str) -> str:
    """'birth_date: ∅ → 1957-03-13, name: …' with the clerk's words for the field names."""
    labels = _field_labels()
    return _FIELD.sub(lambda m: m.group(1) + labels.get(m.group(2), m.group(2)) + ": ", summary)


def _op_label(op: str) -> str:
    labels = {
        "create": tr("dibuat"),
        "update": tr("diubah"),
        "status": tr("status"),
        "enrol": tr("didaftarkan"),
        "leave": tr("keluar program"),
        "delete": tr("dihapus"),
        "change_kk": tr("ganti KK"),
        "set_head": tr("kepala baru"),
    }
    return labels.get(op, op)
