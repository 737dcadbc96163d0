"""Exporting views to .xlsx and .csv.

Each export is a `Table` (tables.py): column definitions plus an iterator of rows. An adapter per
view (`persons_table`, `households_table`, and the round and training adapters that other
services provide rows for; service.py) builds the table; `export_table` (writers.py) writes it.
Rows are streamed, so 160,000 persons never sit in memory as a workbook.

Privacy rules (UU 27/2022; docs/privacy.md): every file is created owner-only (0600); the first
sheet (xlsx) or the first lines (csv) say what the file holds, who exported it, when, and that
it is personal data; NIK and No. KK can be masked (`3572********0001`); no cell is ever a
formula (xlsx cells are written as strings, csv text that a spreadsheet would run as a formula
gets a leading quote). An export holding anyone enrolled in a restricted program needs
EXPORT_RESTRICTED, is a password-protected xlsx (never csv) and is written to the access log.
"""

from desktop_app.services.exporter.messages import ExportCancelled
from desktop_app.services.exporter.service import PERSON_COLUMNS, ExportService
from desktop_app.services.exporter.tables import (
    MIN_FILE_PASSWORD,
    NOTICE_SHEET,
    Column,
    ExportNotice,
    ExportPolicy,
    ExportResult,
    Table,
    neutralise_formula,
)
from desktop_app.services.exporter.writers import (
    encrypt_xlsx,
    export_table,
    write_csv,
    write_rejected_rows,
    write_xlsx,
)

__all__ = [
    "MIN_FILE_PASSWORD",
    "NOTICE_SHEET",
    "PERSON_COLUMNS",
    "Column",
    "ExportCancelled",
    "ExportNotice",
    "ExportPolicy",
    "ExportResult",
    "ExportService",
    "Table",
    "encrypt_xlsx",
    "export_table",
    "neutralise_formula",
    "write_csv",
    "write_rejected_rows",
    "write_xlsx",
]
