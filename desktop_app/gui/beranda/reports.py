"""The Laporan menu: choose a report, its program or round and period, and save it as PDF or
xlsx. The report is built and written in a worker, like every other document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QMenu,
    QMessageBox,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.widgets import button_box, date_from_qdate, qdate
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import DistributionService
from desktop_app.services.reporting import Period
from desktop_app.services.reporting.reports import build_report, write_report

__all__ = ["ReportDialog", "add_report_actions", "report_titles"]


def report_titles() -> dict[str, str]:
    return {
        "bulanan": tr("Laporan bulanan program…"),
        "realisasi": tr("Realisasi penyaluran…"),
        "pelatihan": tr("Laporan pelatihan…"),
        "kualitas": tr("Laporan kualitas data…"),
    }


def add_report_actions(menu: QMenu, ctx: AppContext, parent: QWidget) -> dict[str, QAction]:
    actions = {}
    for name, title in report_titles().items():
        action = QAction(title, parent)
        action.triggered.connect(lambda _c=False, n=name: ReportDialog(ctx, n, parent).exec())
        menu.addAction(action)
        actions[name] = action
    return actions


class ReportDialog(QDialog):
    """What the report covers; OK asks where to save it (.pdf or .xlsx) and writes it."""

    def __init__(self, ctx: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.name = name
        self.setWindowTitle(report_titles()[name].rstrip("…"))
        self.saved: Path | None = None
        form = QFormLayout(self)
        today = ctx.clock.today()
        month = Period.month_of(today)
        self.program = QComboBox()
        for p in PROGRAMS.values():
            self.program.addItem(tr(p.short), p.code)
        self.round = QComboBox()
        if name == "realisasi":
            for r in DistributionService(ctx).list_rounds():
                if r.status != "draft":
                    self.round.addItem(f"{r.code} — {r.name}", r.code)
        self.start = QDateEdit(qdate(month.start))
        self.end = QDateEdit(qdate(month.end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
        if name == "bulanan":
            form.addRow(tr("Program"), self.program)
        if name == "realisasi":
            form.addRow(tr("Putaran"), self.round)
        if name in ("bulanan", "pelatihan"):
            form.addRow(tr("Dari tanggal"), self.start)
            form.addRow(tr("Sampai tanggal"), self.end)
        buttons = button_box(self, on_ok=self.save, save=True)
        form.addRow(buttons)

    def period(self) -> Period:
        return Period(date_from_qdate(self.start.date()), date_from_qdate(self.end.date()))

    def save(self) -> None:
        suggested = Path.home() / f"laporan-{self.name}-{date.today():%Y%m%d}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("Simpan laporan"), str(suggested), tr("PDF (*.pdf);;Excel (*.xlsx)")
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = path.with_suffix(".pdf")
        self.write(path)

    def write(self, path: Path) -> None:
        name, period = self.name, self.period()
        program, round_ref = self.program.currentData(), self.round.currentData()
        ctx = self.ctx

        def work(_job: object) -> Path:
            doc = build_report(ctx, name, period, program=program, round_ref=round_ref or "")
            write_report(path, ctx, doc)
            return path

        def done(written: Path) -> None:
            self.saved = written
            QMessageBox.information(
                self, tr("Laporan"), tr("Laporan tersimpan: {path}", path=str(written))
            )
            self.accept()

        run_job(
            work,
            parent=self,
            title=tr("Laporan"),
            label=tr("Menyusun laporan…"),
            cancellable=False,
            on_success=done,
        )
