"""The import wizard: file and sheet, header and columns, dry run, then import.

Four pages in one dialog. Opening the file, the dry run and the import run in worker jobs
(gui/workers.py) with a progress dialog; the import's Cancel rolls the whole transaction back.
Nothing is written before the clerk presses "Impor" on the dry-run page, and the import refuses
to run if the registry changed since that dry run (the service compares fingerprints).
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.importer.results import (
    RESULT_ROLE,
    STATUS_COLOURS,
    WARNINGS,
    ResultsModel,
)
from desktop_app.gui.widgets import combo_data, fill_combo
from desktop_app.gui.workers import JobControl, run_job
from desktop_app.i18n import tr, tr_issue
from desktop_app.services.cleaning import text_of
from desktop_app.services.context import AppContext
from desktop_app.services.importer import (
    KIND_FIELDS,
    KIND_LABELS,
    REQUIRED_FIELDS,
    STATUS_LABELS,
    ImportKind,
    ImportOptions,
    ImportReport,
    ImportService,
    PreparedImport,
    RowResult,
    RowStatus,
)
from desktop_app.services.spreadsheet import FIELD_BY_KEY, column_letter

__all__ = ["FILE_FILTER", "ImportWizard"]

log = logging.getLogger(__name__)

FILE_FILTER = "Spreadsheet (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Semua berkas (*)"
PAGE_FILE, PAGE_COLUMNS, PAGE_PREVIEW, PAGE_DONE = range(4)
_STAGES = {"read": "Membaca dan memeriksa baris…", "write": "Menyimpan ke registri…"}


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


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
            self.path_edit.setText(str(path))
            self.open_file()

    # -- layout -------------------------------------------------------------------------------
    def _build(self, kind: ImportKind) -> None:
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page(kind))
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())

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

    def _file_page(self, kind: ImportKind) -> QWidget:
        page = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(tr("Pilih atau seret berkas .xlsx, .xls, .ods atau .csv"))
        self.path_edit.returnPressed.connect(self.open_file)
        browse = QPushButton(tr("Pilih berkas…"))
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.kind_combo = QComboBox()
        fill_combo(self.kind_combo, [(k.value, tr(label)) for k, label in KIND_LABELS.items()])
        self.kind_combo.setCurrentIndex(list(KIND_LABELS).index(kind))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.program_combo = QComboBox()
        fill_combo(
            self.program_combo,
            [(None, tr("— dari kolom PROGRAM —"))]
            + [(p.code, tr(p.name)) for p in PROGRAMS.values()],
        )
        self.program_combo.currentIndexChanged.connect(lambda _i: self._options_changed())
        self.sheet_combo = QComboBox()
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self._sheet_changed())
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 30)
        self.header_spin.setToolTip(tr("Nomor baris berisi judul kolom (NIK, NAMA, …)"))
        self.header_spin.valueChanged.connect(lambda _v: self._header_changed())
        self.file_info = _hint("")
        self.file_info.setTextFormat(Qt.TextFormat.RichText)

        form = QFormLayout()
        form.addRow(tr("Berkas"), path_row)
        form.addRow(tr("Jenis data"), self.kind_combo)
        form.addRow(tr("Program"), self.program_combo)
        form.addRow(tr("Lembar"), self.sheet_combo)
        form.addRow(tr("Baris judul kolom"), self.header_spin)

        self.head_table = QTableWidget()
        self.head_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.head_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.head_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.head_table.verticalHeader().setDefaultSectionSize(22)
        self.head_table.cellDoubleClicked.connect(
            lambda row, _c: self.header_spin.setValue(row + 1)
        )
        box = QGroupBox(
            tr("Isi awal lembar (klik dua kali sebuah baris untuk menjadikannya judul)")
        )
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.head_table)

        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.file_info)
        layout.addWidget(box, 1)
        self._kind_changed()
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels([tr("Data"), tr("Kolom di berkas"), ""])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_origin = _hint("")
        self.remember_check = QCheckBox(
            tr("Ingat pemetaan ini untuk berkas lain dengan judul kolom yang sama")
        )
        self.remember_check.setChecked(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.mapping_origin)
        left_layout.addWidget(self.mapping_table, 1)
        left_layout.addWidget(self.remember_check)

        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.verticalHeader().setDefaultSectionSize(22)
        right = QGroupBox(tr("Pratinjau 20 baris pertama (judul: data yang dipetakan)"))
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.preview_table)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([380, 580])
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.count_labels: dict[str, QPushButton] = {}
        chips = QHBoxLayout()
        for key, text, colour in (
            (None, "Semua", "#ffffff"),
            (RowStatus.NEW.value, STATUS_LABELS[RowStatus.NEW], STATUS_COLOURS[RowStatus.NEW]),
            (
                RowStatus.UPDATE.value,
                STATUS_LABELS[RowStatus.UPDATE],
                STATUS_COLOURS[RowStatus.UPDATE],
            ),
            (
                RowStatus.UNCHANGED.value,
                STATUS_LABELS[RowStatus.UNCHANGED],
                STATUS_COLOURS[RowStatus.UNCHANGED],
            ),
            (
                RowStatus.REJECTED.value,
                STATUS_LABELS[RowStatus.REJECTED],
                STATUS_COLOURS[RowStatus.REJECTED],
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
        self.save_rejected_button.clicked.connect(self.save_rejected)
        chips.addWidget(self.save_rejected_button)

        self.results = ResultsModel(self)
        self.results_view = QTableView()
        self.results_view.setModel(self.results)
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setWordWrap(False)
        self.results_view.verticalHeader().setVisible(False)
        self.results_view.verticalHeader().setDefaultSectionSize(22)
        header = self.results_view.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((56, 120, 150, 190)):
            self.results_view.setColumnWidth(col, width)
        self.results_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._show_row(current.data(RESULT_ROLE))
        )
        self.row_detail = QTextBrowser()
        self.row_detail.setMinimumWidth(300)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.results_view)
        splitter.addWidget(self.row_detail)
        splitter.setSizes([680, 300])

        self.accept_valid = QCheckBox()
        self.accept_valid.toggled.connect(lambda _on: self._update_buttons())
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        layout = QVBoxLayout(page)
        layout.addLayout(chips)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.accept_valid)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.RichText)
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

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
            can_import = changes > 0 and (rejected == 0 or self.accept_valid.isChecked())
        self.import_button.setEnabled(can_import)
        self.close_button.setText(tr("Tutup") if page == PAGE_DONE else tr("Batal"))

    def next(self) -> None:
        if self.page == PAGE_FILE and self.prepared is not None:
            self._fill_mapping()
            self._go(PAGE_COLUMNS)
        elif self.page == PAGE_COLUMNS:
            self.dry_run()

    def back(self) -> None:
        if self.page > PAGE_FILE:
            self._go(self.page - 1)

    # -- page 1: file ------------------------------------------------------------------------
    def browse(self) -> None:
        start = str(Path(self.path_edit.text()).parent) if self.path_edit.text() else ""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Pilih berkas untuk diimpor"), start, tr(FILE_FILTER)
        )
        if path:
            self.path_edit.setText(path)
            self.open_file()

    def options(self, *, keep_sheet: bool = True, keep_header: bool = True) -> ImportOptions:
        sheet = self.sheet_combo.currentText() if keep_sheet and self.sheet_combo.count() else None
        header = self.header_spin.value() - 1 if keep_header and self.prepared else None
        return ImportOptions(
            kind=ImportKind(combo_data(self.kind_combo) or ImportKind.PERSONS.value),
            sheet=sheet,
            header_row=header,
            program_code=combo_data(self.program_combo),
        )

    def open_file(self, *, keep_sheet: bool = False, keep_header: bool = False) -> None:
        text = self.path_edit.text().strip()
        if not text:
            return
        path = Path(text)
        options = self.options(keep_sheet=keep_sheet, keep_header=keep_header)
        self._close_prepared()
        self._set_busy(True)
        self.file_info.setText(tr("Membuka {name}…", name=path.name))
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
        wb = prepared.workbook
        for widget in (self.sheet_combo, self.header_spin):
            widget.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(wb.sheet_names)
        self.sheet_combo.setCurrentText(prepared.sheet)
        self.header_spin.setValue(prepared.layout.row + 1)
        for widget in (self.sheet_combo, self.header_spin):
            widget.blockSignals(False)
        kinds = {"xlsx": "Excel", "xls": "Excel 97-2003", "ods": "OpenDocument", "csv": "CSV"}
        total = max(wb.row_count(prepared.sheet) - prepared.layout.data_start, 0)
        self.file_info.setText(
            tr(
                "<b>{name}</b> — {kind}, {sheets} lembar. Lembar <b>{sheet}</b>: judul kolom di "
                "baris {row}, data mulai baris {start}, ±{rows} baris.",
                name=prepared.file_name,
                kind=kinds.get(wb.kind, wb.kind),
                sheets=len(wb.sheet_names),
                sheet=prepared.sheet,
                row=prepared.layout.row + 1,
                start=prepared.layout.data_start + 1,
                rows=f"{total:,}".replace(",", "."),
            )
        )
        self._fill_head(prepared)
        self._update_buttons()
        self.prepared_changed.emit()

    def _open_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.prepared = None
        self.head_table.clear()
        self.head_table.setRowCount(0)
        message = getattr(exc, "message", None) or str(exc)
        self.file_info.setText(f"<span style='color:#b00020'>{message}</span>")
        self._update_buttons()
        self.prepared_changed.emit()
        if not hasattr(exc, "message"):
            log.exception("opening %s failed", self.path_edit.text(), exc_info=exc)

    def _fill_head(self, prepared: PreparedImport) -> None:
        rows = prepared.workbook.head(prepared.sheet, 30)
        width = max((len(r) for r in rows), default=0)
        self.head_table.clear()
        self.head_table.setRowCount(len(rows))
        self.head_table.setColumnCount(width)
        self.head_table.setHorizontalHeaderLabels([column_letter(i) for i in range(width)])
        header_row = prepared.layout.row
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(text_of(value) if value not in (None, "") else "")
                if prepared.layout.row <= r < prepared.layout.data_start:
                    item.setBackground(Qt.GlobalColor.yellow)
                self.head_table.setItem(r, c, item)
        self.head_table.resizeColumnsToContents()
        for c in range(width):
            self.head_table.setColumnWidth(c, min(self.head_table.columnWidth(c), 220))
        if rows:
            self.head_table.scrollToItem(self.head_table.item(header_row, 0) or QTableWidgetItem())

    def _kind_changed(self) -> None:
        kind = ImportKind(combo_data(self.kind_combo) or ImportKind.PERSONS.value)
        self.program_combo.setEnabled(kind == ImportKind.ENROLMENTS)
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
    def _fill_mapping(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        kind = ImportKind(prepared.options.kind)
        labels = prepared.labels
        choices = [(None, tr("— tidak diimpor —"))] + [
            (str(i), f"{column_letter(i)}: {label}" if label else column_letter(i))
            for i, label in enumerate(labels)
        ]
        fields = KIND_FIELDS[kind]
        self.mapping_table.setRowCount(len(fields))
        self.mapping_combos: dict[str, QComboBox] = {}
        for row, key in enumerate(fields):
            spec = FIELD_BY_KEY[key]
            required = key in REQUIRED_FIELDS[kind]
            name = QTableWidgetItem(tr(spec.label) + (" *" if required else ""))
            self.mapping_table.setItem(row, 0, name)
            combo = QComboBox()
            fill_combo(combo, choices)
            col = prepared.mapping.get(key)
            if col is not None:
                combo.setCurrentIndex(col + 1)
            combo.currentIndexChanged.connect(lambda _i: self._mapping_edited())
            self.mapping_table.setCellWidget(row, 1, combo)
            mark = QTableWidgetItem("✓" if key in prepared.suggested else "")
            mark.setToolTip(tr("Disarankan otomatis dari judul kolom"))
            self.mapping_table.setItem(row, 2, mark)
            self.mapping_combos[key] = combo
        self.mapping_table.resizeRowsToContents()
        origin = {
            "remembered": "Pemetaan diingat dari impor sebelumnya dengan judul kolom yang sama.",
            "suggested": "Kolom dicocokkan otomatis dari judulnya (✓). Periksa dan ubah bila perlu;"
            " bertanda * wajib.",
            "given": "Pemetaan ditentukan.",
        }[prepared.mapping_origin]
        self.mapping_origin.setText(tr(origin))
        self._fill_preview()

    def _mapping_edited(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        mapping: dict[str, int] = {}
        for key, combo in self.mapping_combos.items():
            data = combo_data(combo)
            if data is not None:
                mapping[key] = int(data)
        prepared.mapping = mapping
        prepared.mapping_origin = "given"
        self.report = None
        self._fill_preview()

    def _fill_preview(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        rows = prepared.preview
        labels = prepared.labels
        width = max([len(labels), *(len(r) for r in rows)])
        by_col = {col: key for key, col in prepared.mapping.items()}
        headers = []
        for c in range(width):
            label = labels[c] if c < len(labels) else ""
            key = by_col.get(c)
            headers.append(
                f"{column_letter(c)}: {label}\n→ {tr(FIELD_BY_KEY[key].label)}"
                if key
                else f"{column_letter(c)}: {label}\n({tr('diabaikan')})"
            )
        self.preview_table.clear()
        self.preview_table.setColumnCount(width)
        self.preview_table.setRowCount(len(rows))
        self.preview_table.setHorizontalHeaderLabels(headers)
        self.preview_table.setVerticalHeaderLabels(
            [str(prepared.layout.data_start + i + 1) for i in range(len(rows))]
        )
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(text_of(value) if value not in (None, "") else "")
                if c not in by_col:
                    item.setForeground(Qt.GlobalColor.gray)
                self.preview_table.setItem(r, c, item)
        self.preview_table.resizeColumnsToContents()
        for c in range(width):
            self.preview_table.setColumnWidth(c, min(self.preview_table.columnWidth(c), 200))
        missing = self.service.missing_required(prepared)
        self.next_button.setToolTip(
            tr("Kolom wajib belum dipilih: {names}", names=", ".join(missing)) if missing else ""
        )

    # -- page 3: dry run -------------------------------------------------------------------
    def dry_run(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        prepared.options.program_code = combo_data(self.program_combo)
        self._set_busy(True)

        def work(job: JobControl) -> ImportReport:
            return self.service.dry_run(
                prepared,
                progress=lambda done, total, stage: job.progress(done, total, tr(_STAGES[stage])),
                cancelled=job.is_cancelled,
            )

        run_job(
            work,
            parent=self,
            title=tr("Memeriksa berkas"),
            label=tr(_STAGES["read"]),
            on_success=self._dry_run_done,
            on_error=self._job_failed,
            on_cancel=lambda: self._set_busy(False),
        )

    def _dry_run_done(self, report: ImportReport) -> None:
        self._set_busy(False)
        self.report = report
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
                file=report.file_name,
            )
        if report.ignored_rows:
            text += " " + tr(
                "{n} baris kosong atau di bawah data (tanda tangan, jumlah) diabaikan.",
                n=report.ignored_rows,
            )
        self.summary.setText(text)
        if report.rows:
            self.results_view.selectRow(0)
        self._go(PAGE_PREVIEW)
        self.dry_run_finished.emit(report)

    def _show_row(self, result: RowResult | None) -> None:
        if result is None:
            self.row_detail.clear()
            return
        parts = [
            f"<h3>{tr('Baris')} {result.row}: {tr(STATUS_LABELS[result.status])}</h3>",
            f"<p>{result.nik or ''}<br><b>{result.name or ''}</b></p>",
        ]
        if result.errors:
            parts.append("<p style='color:#b00020'><b>" + tr("Ditolak karena:") + "</b></p><ul>")
            parts += [f"<li>{tr_issue(i)}</li>" for i in result.errors]
            parts.append("</ul>")
        changes = result.changes
        if changes:
            title = "Data yang akan dicatat:" if result.status == RowStatus.NEW else "Perubahan:"
            parts.append(f"<p><b>{tr(title)}</b></p><table cellpadding='2'>")
            for c in changes:
                old = "" if c.old in (None, "") else self._shown(c.field, c.old)
                arrow = f"<s style='color:#888'>{old}</s> → " if old else ""
                parts.append(
                    f"<tr><td style='color:#555'>{tr(c.label)}</td><td>{arrow}"
                    f"<b>{self._shown(c.field, c.new)}</b></td></tr>"
                )
            parts.append("</table>")
        if result.warnings:
            parts.append("<p style='color:#8a5a00'><b>" + tr("Peringatan:") + "</b></p><ul>")
            parts += [f"<li>{tr_issue(i)}</li>" for i in result.warnings]
            parts.append("</ul>")
        if result.status == RowStatus.UNCHANGED and not result.warnings:
            parts.append(f"<p>{tr('Sama dengan data di registri.')}</p>")
        self.row_detail.setHtml("".join(parts))

    def _shown(self, field: str, value: object) -> str:
        """A changed value as the clerk knows it: a kelurahan by its name, not only its code."""
        text = text_of(value)
        if field == "kelurahan_code" and text:
            region = self.ctx.regions.get(text)
            if region is not None:
                text = f"{region.name} ({text})"
        elif field == "sex" and text:
            text = tr(text)  # L/P -> M/F in English
        return html.escape(text)

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
        accept_valid = self.accept_valid.isChecked()
        self._set_busy(True)

        def work(job: JobControl) -> ImportReport:
            return self.service.commit(
                prepared,
                expected=report.fingerprint,
                accept_valid=accept_valid,
                progress=lambda done, total, stage: job.progress(done, total, tr(_STAGES[stage])),
                cancelled=job.is_cancelled,
            )

        run_job(
            work,
            parent=self,
            title=tr("Mengimpor"),
            label=tr(_STAGES["read"]),
            write=True,
            on_success=self._committed,
            on_error=self._job_failed,
            on_cancel=self._commit_cancelled,
        )

    def _committed(self, report: ImportReport) -> None:
        self._set_busy(False)
        if self.remember_check.isChecked() and self.prepared is not None:
            try:
                self.service.remember_mapping(self.prepared)
            except Exception:  # noqa: BLE001 - a lost preference must not hide a done import
                log.exception("remembering the mapping failed")
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
                file=report.file_name,
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
        self._go(PAGE_DONE)
        self.imported.emit(report)

    def _commit_cancelled(self) -> None:
        self._set_busy(False)
        QMessageBox.information(
            self, tr("Impor dibatalkan"), tr("Impor dibatalkan; tidak ada data yang berubah.")
        )

    def _job_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = getattr(exc, "message", None)
        if message is None:
            log.error("import job failed", exc_info=exc)
            message = tr("Terjadi kesalahan tak terduga; tidak ada data yang berubah.")
        QMessageBox.warning(self, tr("Impor"), tr(message) if message else message)

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
