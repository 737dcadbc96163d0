"""Page 2 of the import wizard: which column holds which data, beside a preview of the rows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.importer.wizard.common import hint
from desktop_app.gui.widgets import combo_data, fill_combo
from desktop_app.i18n import tr
from desktop_app.services.importing import (
    FIELD_BY_KEY,
    KIND_FIELDS,
    REQUIRED_FIELDS,
    ImportKind,
    PreparedImport,
    column_letter,
)
from desktop_app.services.importing.cleaning import text_of

__all__ = ["ColumnsPage"]

_ORIGINS = {
    "remembered": "Pemetaan diingat dari impor sebelumnya dengan judul kolom yang sama.",
    "suggested": "Kolom dicocokkan otomatis dari judulnya (✓). Periksa dan ubah bila perlu;"
    " bertanda * wajib.",
    "given": "Pemetaan ditentukan.",
}


class ColumnsPage(QWidget):
    """The column mapping; emits `mapping_edited(mapping)` when the clerk changes it."""

    mapping_edited = Signal(object)  # dict[str, int]: field key -> column index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels([tr("Data"), tr("Kolom di berkas"), ""])
        self.mapping_table.verticalHeader().setVisible(False)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_origin = hint("")
        self.remember_check = QCheckBox(
            tr("Ingat pemetaan ini untuk berkas lain dengan judul kolom yang sama")
        )
        self.remember_check.setChecked(True)
        self.mapping_combos: dict[str, QComboBox] = {}
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
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def show_mapping(self, prepared: PreparedImport) -> None:
        kind = ImportKind(prepared.options.kind)
        choices = [(None, tr("— tidak diimpor —"))] + [
            (str(i), f"{column_letter(i)}: {label}" if label else column_letter(i))
            for i, label in enumerate(prepared.labels)
        ]
        fields = KIND_FIELDS[kind]
        self.mapping_table.setRowCount(len(fields))
        self.mapping_combos = {}
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
            combo.currentIndexChanged.connect(lambda _i: self._edited())
            self.mapping_table.setCellWidget(row, 1, combo)
            mark = QTableWidgetItem("✓" if key in prepared.suggested else "")
            mark.setToolTip(tr("Disarankan otomatis dari judul kolom"))
            self.mapping_table.setItem(row, 2, mark)
            self.mapping_combos[key] = combo
        self.mapping_table.resizeRowsToContents()
        self.mapping_origin.setText(tr(_ORIGINS[prepared.mapping_origin]))
        self.show_preview(prepared)

    def mapping(self) -> dict[str, int]:
        mapping: dict[str, int] = {}
        for key, combo in self.mapping_combos.items():
            data = combo_data(combo)
            if data is not None:
                mapping[key] = int(data)
        return mapping

    def _edited(self) -> None:
        self.mapping_edited.emit(self.mapping())

    def show_preview(self, prepared: PreparedImport) -> None:
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
