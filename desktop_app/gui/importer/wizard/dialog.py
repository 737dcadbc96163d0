"""The import wizard dialog: composes the four pages, moves between them and runs the jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.errors import user_message
from desktop_app.gui.importer.wizard.columns_page import ColumnsPage
from desktop_app.gui.importer.wizard.common import (
    PAGE_COLUMNS,
    PAGE_DONE,
    PAGE_FILE,
    PAGE_PREVIEW,
    STAGES,
)
from desktop_app.gui.importer.wizard.done_page import DonePage
from desktop_app.gui.importer.wizard.file_page import FilePage
from desktop_app.gui.importer.wizard.preview_page import PreviewPage
from desktop_app.gui.workers import JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.importing import (
    ImportKind,
    ImportOptions,
    ImportReport,
    ImportService,
    PreparedImport,
)

__all__ = ["ImportWizard"]

log = logging.getLogger(__name__)


class ImportWizard(QDialog):
    """Import a spreadsheet into the registry; emits `imported(report)` after a commit."""

    imported = Signal(object)  # ImportReport
    prepared_changed = Signal()  # a file was opened (tests wait on it)
    dry_run_finished = Signal(object)  # ImportReport

    def __init__(
        self,
        ctx: AppContext,
        path: Path | str | None = None,
        parent: QWidget | None = None,
        kind: ImportKind = ImportKind.PERSONS,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ImportService(ctx)
        self.prepared: PreparedImport | None = None
        self.report: ImportReport | None = None
        self._busy = False
        self.setWindowTitle(tr("Impor daftar dari Excel/CSV"))
        self.setMinimumSize(980, 620)
        self._build(kind)
        self._go(PAGE_FILE)
        if path is not None:
            self.file_page.path_edit.setText(str(path))
            self.open_file()

    # -- layout -------------------------------------------------------------------------------
    def _build(self, kind: ImportKind) -> None:
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.file_page = FilePage(kind)
        self.file_page.open_requested.connect(self.open_file)
        self.file_page.kind_changed.connect(self._kind_changed)
        self.file_page.program_changed.connect(self._options_changed)
        self.file_page.sheet_changed.connect(self._sheet_changed)
        self.file_page.header_changed.connect(self._header_changed)
        self.columns_page = ColumnsPage()
        self.columns_page.mapping_edited.connect(self._mapping_edited)
        self.preview_page = PreviewPage(self.ctx)
        self.preview_page.save_rejected_button.clicked.connect(self.save_rejected)
        self.preview_page.accept_valid.toggled.connect(lambda _on: self._update_buttons())
        self.done_page = DonePage()
        self.pages = QStackedWidget()
        for page in (self.file_page, self.columns_page, self.preview_page, self.done_page):
            self.pages.addWidget(page)

        self.back_button = QPushButton(tr("< Kembali"))
        self.next_button = QPushButton(tr("Lanjut >"))
        self.import_button = QPushButton(tr("Impor"))
        self.close_button = QPushButton(tr("Batal"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.commit)
        self.close_button.clicked.connect(self.reject)
        self.next_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

    # -- navigation ---------------------------------------------------------------------------
    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        names = [tr("1. Berkas"), tr("2. Kolom"), tr("3. Pemeriksaan"), tr("4. Selesai")]
        self.steps.setText(
            " &nbsp;›&nbsp; ".join(
                f"<b>{n}</b>" if i == page else f"<span style='color:#888'>{n}</span>"
                for i, n in enumerate(names)
            )
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.page
        ready = self.prepared is not None and not self._busy
        self.back_button.setVisible(page in (PAGE_COLUMNS, PAGE_PREVIEW))
        self.back_button.setEnabled(not self._busy)
        self.next_button.setVisible(page in (PAGE_FILE, PAGE_COLUMNS))
        self.next_button.setEnabled(ready)
        self.import_button.setVisible(page == PAGE_PREVIEW)
        can_import = False
        if self.report is not None and not self._busy and not self.ctx.db.read_only:
            counts = self.report.counts
            changes = counts["new"] + counts["update"]
            rejected = counts["rejected"]
            accept_valid = self.preview_page.accept_valid.isChecked()
            can_import = changes > 0 and (rejected == 0 or accept_valid)
        self.import_button.setEnabled(can_import)
        self.close_button.setText(tr("Tutup") if page == PAGE_DONE else tr("Batal"))

    def next(self) -> None:
        if self.page == PAGE_FILE and self.prepared is not None:
            self.columns_page.show_mapping(self.prepared)
            self._show_missing(self.prepared)
            self._go(PAGE_COLUMNS)
        elif self.page == PAGE_COLUMNS:
            self.dry_run()

    def back(self) -> None:
        if self.page > PAGE_FILE:
            self._go(self.page - 1)

    # -- page 1: file ------------------------------------------------------------------------
    def options(self, *, keep_sheet: bool = True, keep_header: bool = True) -> ImportOptions:
        return self.file_page.options(
            keep_sheet=keep_sheet, keep_header=keep_header and self.prepared is not None
        )

    def open_file(self, *, keep_sheet: bool = False, keep_header: bool = False) -> None:
        path = self.file_page.path()
        if path is None:
            return
        options = self.options(keep_sheet=keep_sheet, keep_header=keep_header)
        self._close_prepared()
        self._set_busy(True)
        self.file_page.show_opening(path)
        run_job(
            lambda _job: self.service.prepare(path, options),
            parent=self,
            title=tr("Membuka berkas"),
            label=tr("Membaca {name}…", name=path.name),
            cancellable=False,
            on_success=self._opened,
            on_error=self._open_failed,
        )

    def _opened(self, prepared: PreparedImport) -> None:
        self._set_busy(False)
        self.prepared = prepared
        self.report = None
        self.file_page.show_prepared(prepared)
        self._update_buttons()
        self.prepared_changed.emit()

    def _open_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.prepared = None
        message = user_message(exc)
        if message is None:
            log.exception("opening %s failed", self.file_page.path_edit.text(), exc_info=exc)
            message = str(exc)
        self.file_page.show_failure(message)
        self._update_buttons()
        self.prepared_changed.emit()

    def _kind_changed(self) -> None:
        if self.prepared is not None:
            self.open_file(keep_sheet=True, keep_header=True)

    def _options_changed(self) -> None:
        self.report = None
        self._update_buttons()

    def _sheet_changed(self) -> None:
        if self.prepared is not None:
            self.open_file(keep_sheet=True, keep_header=False)

    def _header_changed(self) -> None:
        if self.prepared is not None:
            self.open_file(keep_sheet=True, keep_header=True)

    # -- page 2: columns ----------------------------------------------------------------------
    def _mapping_edited(self, mapping: dict[str, int]) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        prepared.mapping = mapping
        prepared.mapping_origin = "given"
        self.report = None
        self.columns_page.show_preview(prepared)
        self._show_missing(prepared)

    def _show_missing(self, prepared: PreparedImport) -> None:
        missing = self.service.missing_required(prepared)
        self.next_button.setToolTip(
            tr("Kolom wajib belum dipilih: {names}", names=", ".join(missing)) if missing else ""
        )

    # -- page 3: dry run -------------------------------------------------------------------
    def dry_run(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        prepared.options.program_code = self.file_page.program_code()
        self._run_stages(
            tr("Memeriksa berkas"),
            lambda **staged: self.service.dry_run(prepared, **staged),
            on_success=self._dry_run_done,
            on_cancel=lambda: self._set_busy(False),
        )

    def _run_stages(
        self,
        title: str,
        step: Callable[..., ImportReport],
        *,
        on_success: Callable[[ImportReport], None],
        on_cancel: Callable[[], None],
        write: bool = False,
    ) -> None:
        """Run a dry run or a commit in a worker, its stages named in the progress dialog;
        `step` gets the `progress` and `cancelled` callbacks both service calls take."""
        self._set_busy(True)

        def work(job: JobControl) -> ImportReport:
            return step(
                progress=lambda done, total, stage: job.progress(done, total, tr(STAGES[stage])),
                cancelled=job.is_cancelled,
            )

        run_job(
            work,
            parent=self,
            title=title,
            label=tr(STAGES["read"]),
            write=write,
            on_success=on_success,
            on_error=self._job_failed,
            on_cancel=on_cancel,
        )

    def _dry_run_done(self, report: ImportReport) -> None:
        self._set_busy(False)
        self.report = report
        self.preview_page.show_report(report)
        self._go(PAGE_PREVIEW)
        self.dry_run_finished.emit(report)

    def save_rejected(self) -> None:
        if self.prepared is None or self.report is None:
            return
        suggested = Path(self.prepared.path).with_name(f"{self.prepared.path.stem} - ditolak.xlsx")
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Simpan baris yang ditolak"), str(suggested), "Excel (*.xlsx)"
        )
        if not path:
            return
        target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
        prepared, report = self.prepared, self.report
        run_job(
            lambda _job: self.service.save_rejected_report(prepared, report, target),
            parent=self,
            title=tr("Menyimpan baris ditolak"),
            cancellable=False,
            on_success=lambda n: QMessageBox.information(
                self,
                tr("Tersimpan"),
                tr("{n} baris ditolak disimpan di {path}.", n=n, path=str(target)),
            ),
        )

    # -- page 4: commit -----------------------------------------------------------------------
    def commit(self) -> None:
        prepared, report = self.prepared, self.report
        if prepared is None or report is None:
            return
        accept_valid = self.preview_page.accept_valid.isChecked()
        self._run_stages(
            tr("Mengimpor"),
            lambda **staged: self.service.commit(
                prepared, expected=report.fingerprint, accept_valid=accept_valid, **staged
            ),
            on_success=self._committed,
            on_cancel=self._commit_cancelled,
            write=True,
        )

    def _committed(self, report: ImportReport) -> None:
        self._set_busy(False)
        if self.columns_page.remember_check.isChecked() and self.prepared is not None:
            try:
                self.service.remember_mapping(self.prepared)
            except Exception:  # noqa: BLE001 - a lost preference must not hide a done import
                log.exception("remembering the mapping failed")
        self.done_page.show_report(report)
        self._go(PAGE_DONE)
        self.imported.emit(report)

    def _commit_cancelled(self) -> None:
        self._set_busy(False)
        QMessageBox.information(
            self, tr("Impor dibatalkan"), tr("Impor dibatalkan; tidak ada data yang berubah.")
        )

    def _job_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = user_message(exc)
        if message is None:
            log.error("import job failed", exc_info=exc)
            message = tr("Terjadi kesalahan tak terduga; tidak ada data yang berubah.")
        QMessageBox.warning(self, tr("Impor"), message)

    # -- helpers ------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _close_prepared(self) -> None:
        if self.prepared is not None:
            self.prepared.close()
            self.prepared = None
        self.report = None

    def done(self, result: int) -> None:  # noqa: D401 - QDialog API
        if self._busy:
            return  # a job is running; its progress dialog offers Cancel
        self._close_prepared()
        super().done(result)
