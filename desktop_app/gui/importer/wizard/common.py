"""What the wizard's pages share: page numbers, stage texts, the file filter, a hint label."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

__all__ = [
    "FILE_FILTER",
    "PAGE_COLUMNS",
    "PAGE_DONE",
    "PAGE_FILE",
    "PAGE_PREVIEW",
    "STAGES",
    "hint",
]

FILE_FILTER = "Spreadsheet (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Semua berkas (*)"
PAGE_FILE, PAGE_COLUMNS, PAGE_PREVIEW, PAGE_DONE = range(4)
STAGES = {"read": "Membaca dan memeriksa baris…", "write": "Menyimpan ke registri…"}


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label
