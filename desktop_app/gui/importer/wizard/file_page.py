"""Page 1 of the import wizard: the file, what kind of data it holds, its sheet and header row."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.importer.wizard.common import FILE_FILTER, hint
from desktop_app.gui.widgets import combo_data, fill_combo
from desktop_app.i18n import tr
from desktop_app.services.importing import (
    KIND_LABELS,
    ImportKind,
    ImportOptions,
    PreparedImport,
    column_letter,
)
from desktop_app.services.importing.cleaning import text_of

__all__ = ["FilePage"]


class FilePage(QWidget):
    """Chooses the file and how to read it; the wizard opens it when asked to."""

    open_requested = Signal()  # a path was typed (Enter) or chosen
    kind_changed = Signal()
    program_changed = Signal()
    sheet_changed = Signal()
    header_changed = Signal()

    def __init__(self, kind: ImportKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(tr("Pilih atau seret berkas .xlsx, .xls, .ods atau .csv"))
        self.path_edit.returnPressed.connect(self.open_requested.emit)
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
        self.program_combo.currentIndexChanged.connect(lambda _i: self.program_changed.emit())
        self.sheet_combo = QComboBox()
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self.sheet_changed.emit())
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 30)
        self.header_spin.setToolTip(tr("Nomor baris berisi judul kolom (NIK, NAMA, …)"))
        self.header_spin.valueChanged.connect(lambda _v: self.header_changed.emit())
        self.file_info = hint("")
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

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.file_info)
        layout.addWidget(box, 1)
        self._update_program()

    # -- what the clerk chose -----------------------------------------------------------------
    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text) if text else None

    def kind(self) -> ImportKind:
        return ImportKind(combo_data(self.kind_combo) or ImportKind.PERSONS.value)

    def program_code(self) -> str | None:
        return combo_data(self.program_combo)

    def options(self, *, keep_sheet: bool, keep_header: bool) -> ImportOptions:
        """Reading options; the sheet and header row only when kept from the open file."""
        sheet = self.sheet_combo.currentText() if keep_sheet and self.sheet_combo.count() else None
        header = self.header_spin.value() - 1 if keep_header else None
        return ImportOptions(
            kind=self.kind(), sheet=sheet, header_row=header, program_code=self.program_code()
        )

    def browse(self) -> None:
        start = str(Path(self.path_edit.text()).parent) if self.path_edit.text() else ""
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Pilih berkas untuk diimpor"), start, tr(FILE_FILTER)
        )
        if path:
            self.path_edit.setText(path)
            self.open_requested.emit()

    def _kind_changed(self) -> None:
        self._update_program()
        self.kind_changed.emit()

    def _update_program(self) -> None:
        self.program_combo.setEnabled(self.kind() == ImportKind.ENROLMENTS)

    # -- what the file holds ------------------------------------------------------------------
    def show_opening(self, path: Path) -> None:
        self.file_info.setText(tr("Membuka {name}…", name=path.name))

    def show_prepared(self, prepared: PreparedImport) -> None:
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
                name=html.escape(prepared.file_name),
                kind=kinds.get(wb.kind, wb.kind),
                sheets=len(wb.sheet_names),
                sheet=html.escape(prepared.sheet),
                row=prepared.layout.row + 1,
                start=prepared.layout.data_start + 1,
                rows=f"{total:,}".replace(",", "."),
            )
            + self._layout_note(prepared)
        )
        self._fill_head(prepared)

    @staticmethod
    def _layout_note(prepared: PreparedImport) -> str:
        """The published template recognised (SIAK, OpenSID ...), so the clerk knows the
        columns were read the way that template means them."""
        if prepared.recognised is None:
            return ""
        note = "<br>" + tr(
            "Format dikenali: <b>{layout}</b>.", layout=html.escape(prepared.recognised.name)
        )
        if prepared.kind_from_layout:
            note += " " + tr("KPM dan kepala keluarga dibentuk dari kolom No. KK dan SHDK.")
        if prepared.title.program:
            note += " " + tr(
                "Daftar peserta program <b>{program}</b>.",
                program=html.escape(prepared.title.program),
            )
        return note

    def show_failure(self, message: str) -> None:
        self.head_table.clear()
        self.head_table.setRowCount(0)
        self.file_info.setText(f"<span style='color:#b00020'>{message}</span>")

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
