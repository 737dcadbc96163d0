"""Page 3 of the import wizard: the dry run's verdict per row, filtered by status chips."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.importer.results import RESULT_ROLE, STATUS_COLOURS, WARNINGS, ResultsModel
from desktop_app.i18n import tr, tr_issue
from desktop_app.services.context import AppContext
from desktop_app.services.importing import STATUS_LABELS, ImportReport, RowResult, RowStatus
from desktop_app.services.importing.cleaning import text_of

__all__ = ["PreviewPage"]


class PreviewPage(QWidget):
    """Counts per status, the rows, one row's detail, and "import the valid rows only"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.count_labels: dict[str, QPushButton] = {}
        chips = QHBoxLayout()
        for key, text, colour in (
            (None, "Semua", "#ffffff"),
            *(
                (status.value, STATUS_LABELS[status], STATUS_COLOURS[status])
                for status in (
                    RowStatus.NEW,
                    RowStatus.UPDATE,
                    RowStatus.UNCHANGED,
                    RowStatus.REJECTED,
                    RowStatus.REVIEW,
                )
            ),
            (WARNINGS, "Peringatan", "#fffbe6"),
        ):
            chip = QPushButton()
            chip.setCheckable(True)
            chip.setAutoExclusive(True)
            chip.setProperty("label", tr(text))
            chip.setStyleSheet(
                f"QPushButton {{ background: {colour}; border: 1px solid #bbb; border-radius: 10px;"
                " padding: 4px 12px; } QPushButton:checked { border: 2px solid #1a5fb4;"
                " font-weight: bold; }"
            )
            chip.clicked.connect(lambda _c=False, k=key: self.results.set_filter(k))
            chips.addWidget(chip)
            self.count_labels[str(key)] = chip
        self.count_labels["None"].setChecked(True)
        chips.addStretch(1)
        self.save_rejected_button = QPushButton(tr("Simpan baris ditolak (.xlsx)…"))
        chips.addWidget(self.save_rejected_button)

        self.results = ResultsModel(self)
        self.results_view = QTableView()
        self.results_view.setModel(self.results)
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setWordWrap(False)
        self.results_view.verticalHeader().setVisible(False)
        self.results_view.verticalHeader().setDefaultSectionSize(22)
        self.results_view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((56, 120, 150, 190)):
            self.results_view.setColumnWidth(col, width)
        self.results_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.show_row(current.data(RESULT_ROLE))
        )
        self.row_detail = QTextBrowser()
        self.row_detail.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.results_view)
        splitter.addWidget(self.row_detail)
        splitter.setSizes([680, 300])

        self.accept_valid = QCheckBox()
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(chips)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.accept_valid)

    def show_report(self, report: ImportReport) -> None:
        self.results.set_rows(report.rows)
        self.results.set_filter(None)
        self.count_labels["None"].setChecked(True)
        counts = report.counts
        totals = {"None": len(report.rows), **{k: v for k, v in counts.items()}}
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for key, chip in self.count_labels.items():
            text = f"{chip.property('label')}  {totals.get(key, 0):,}".replace(",", ".")
            chip.setText(text)
            # Wide enough for the bold (checked) face, so the count is never clipped.
            chip.setMinimumWidth(metrics.horizontalAdvance(text) + 34)
        rejected = counts["rejected"]
        self.save_rejected_button.setEnabled(rejected > 0)
        self.accept_valid.setVisible(rejected > 0)
        self.accept_valid.setChecked(False)
        self.accept_valid.setText(
            tr(
                "Impor baris yang valid saja ({n} baris ditolak tidak diimpor; simpan dan "
                "kirimkan ke pengirim untuk diperbaiki)",
                n=rejected,
            )
        )
        changes = counts["new"] + counts["update"]
        if changes == 0 and rejected == 0:
            text = tr("Tidak ada yang berubah: semua baris sudah sama dengan registri.")
        else:
            text = tr(
                "Bila diimpor: {new} orang baru, {update} diperbarui, {same} tidak berubah. "
                "Semua perubahan dicatat di riwayat dengan nama berkas {file}.",
                new=counts["new"],
                update=counts["update"],
                same=counts["unchanged"],
                file=html.escape(report.file_name),
            )
        if counts.get("review"):
            text += " " + tr(
                "{n} baris perlu ditinjau (daftar menyatakan meninggal, pindah atau tidak "
                "valid): tidak diimpor, status orangnya tidak diubah.",
                n=counts["review"],
            )
        disability = sum(1 for s in report.suggestions if s["program"] == "DISABILITAS")
        if disability:
            text += " " + tr(
                "{n} orang tercatat cacat di daftar: usulan pendaftaran ke registri disabilitas "
                "(lihat peringatan; tidak didaftarkan otomatis).",
                n=disability,
            )
        others = len(report.suggestions) - disability
        if others:
            text += " " + tr(
                "{n} usulan pendaftaran ke program daftar ini (lihat peringatan; tidak "
                "didaftarkan otomatis).",
                n=others,
            )
        for note in report.notes:
            text += " " + html.escape(tr_issue(note))
        if report.ignored_rows:
            text += " " + tr(
                "{n} baris kosong atau di bawah data (tanda tangan, jumlah) diabaikan.",
                n=report.ignored_rows,
            )
        self.summary.setText(text)
        if report.rows:
            self.results_view.selectRow(0)

    def show_row(self, result: RowResult | None) -> None:
        if result is None:
            self.row_detail.clear()
            return
        parts = [
            f"<h3>{tr('Baris')} {result.row}: {tr(STATUS_LABELS[result.status])}</h3>",
            f"<p>{html.escape(result.nik or '')}<br><b>{html.escape(result.name or '')}</b></p>",
        ]
        if result.errors:
            parts.append("<p style='color:#b00020'><b>" + tr("Ditolak karena:") + "</b></p><ul>")
            parts += [f"<li>{html.escape(tr_issue(i))}</li>" for i in result.errors]
            parts.append("</ul>")
        changes = result.changes
        if changes:
            title = "Data yang akan dicatat:" if result.status == RowStatus.NEW else "Perubahan:"
            parts.append(f"<p><b>{tr(title)}</b></p><table cellpadding='2'>")
            for c in changes:
                old = "" if c.old in (None, "") else self.shown(c.field, c.old)
                arrow = f"<s style='color:#888'>{old}</s> → " if old else ""
                parts.append(
                    f"<tr><td style='color:#555'>{tr(c.label)}</td><td>{arrow}"
                    f"<b>{self.shown(c.field, c.new)}</b></td></tr>"
                )
            parts.append("</table>")
        if result.warnings:
            parts.append("<p style='color:#8a5a00'><b>" + tr("Peringatan:") + "</b></p><ul>")
            parts += [f"<li>{html.escape(tr_issue(i))}</li>" for i in result.warnings]
            parts.append("</ul>")
        if result.status == RowStatus.UNCHANGED and not result.warnings:
            parts.append(f"<p>{tr('Sama dengan data di registri.')}</p>")
        self.row_detail.setHtml("".join(parts))

    def shown(self, field: str, value: object) -> str:
        """A changed value as the clerk knows it: a kelurahan by its name, not only its code."""
        text = text_of(value)
        if field == "kelurahan_code" and text:
            region = self.ctx.regions.get(text)
            if region is not None:
                text = f"{region.name} ({text})"
        elif field == "sex" and text:
            text = tr(text)  # L/P -> M/F in English
        return html.escape(text)
