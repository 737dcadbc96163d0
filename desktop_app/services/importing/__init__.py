"""Importing persons, households (KPM with members) and program enrolments from spreadsheets.

The flow the wizard and the CLI share:

1. `ImportService.prepare(path, options)` opens the file, picks the sheet, finds the header row
   and maps columns to fields (given mapping > remembered mapping for this header > suggestions).
2. `dry_run(prepared)` reads every row and classifies it as new / update / unchanged / rejected,
   with reasons, warnings and the field-level changes an update would make. Nothing is written.
3. `commit(prepared, expected=...)` plans again inside one write transaction (the registry may
   have changed since the preview), refuses if the plan differs from what the clerk saw, and
   applies it: every insert and update appends change-log rows that carry the file name. A
   cancel or any error rolls the whole import back.

Rules that make an import safe to trust:

- Persons are matched by NIK only, households by No. KK only. No fuzzy matching creates or
  merges records.
- An empty cell never erases a stored value: it means "not in this file".
- Differences of case or spacing alone are not changes; names of new persons are stored in
  capitals as printed on the KTP.
- Rows the file repeats are flagged: an identical repeat is rejected as a duplicate, and rows
  that give one NIK two different contents are all rejected (the file must decide, not us).
- Rows below the last identity number (signature blocks, "Mengetahui, Lurah ...") are ignored.

Modules: spreadsheet (reading files), headers (header row, column names, mappings), cleaning
(cell values), fields (kinds, options, results, reports), parse (one row), plan (rows against the
registry), apply (the writes), service (`ImportService`), messages (coded refusals).
"""

from __future__ import annotations

# fields lists the kinds, options, results and labels once, in its __all__; re-exported here.
from desktop_app.services.importing import fields
from desktop_app.services.importing.apply import Cancelled, Progress, apply_ops
from desktop_app.services.importing.fields import *  # noqa: F403
from desktop_app.services.importing.headers import FIELD_BY_KEY, FIELDS, FieldSpec, column_letter
from desktop_app.services.importing.messages import (
    ImportCancelled,
    PlanChanged,
    RejectedRows,
    SpreadsheetError,
)
from desktop_app.services.importing.service import MAPPING_KEY_PREFIX, ImportService
from desktop_app.services.importing.spreadsheet import SPREADSHEET_SUFFIXES, open_workbook

__all__ = [
    *fields.__all__,
    "FIELDS",
    "FIELD_BY_KEY",
    "MAPPING_KEY_PREFIX",
    "SPREADSHEET_SUFFIXES",
    "Cancelled",
    "FieldSpec",
    "ImportCancelled",
    "ImportService",
    "PlanChanged",
    "Progress",
    "RejectedRows",
    "SpreadsheetError",
    "apply_ops",
    "column_letter",
    "open_workbook",
]
