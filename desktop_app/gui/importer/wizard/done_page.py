"""Page 4 of the import wizard: what was saved, and the batch it is logged under."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.i18n import tr
from desktop_app.services.importing import ImportReport

__all__ = ["DonePage"]


class DonePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.RichText)
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.done_label)
        layout.addStretch(1)

    def show_report(self, report: ImportReport) -> None:
        counts = report.counts
        self.done_label.setText(
            "<h2>"
            + tr("Impor selesai")
            + "</h2><p>"
            + tr(
                "{new} orang baru dan {update} perubahan tersimpan dari <b>{file}</b>; "
                "{same} baris tidak berubah{rejected}.",
                new=counts["new"],
                update=counts["update"],
                file=html.escape(report.file_name),
                same=counts["unchanged"],
                rejected=tr(", {n} baris ditolak tidak diimpor", n=counts["rejected"])
                if counts["rejected"]
                else "",
            )
            + "</p><p style='color:#555'>"
            + tr(
                "Setiap perubahan tercatat di riwayat data dengan nama berkas ini (batch {batch}).",
                batch=report.batch_id or "",
            )
            + "</p>"
        )
