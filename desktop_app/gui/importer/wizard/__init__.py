"""The import wizard: file and sheet, header and columns, dry run, then import.

Four pages in one dialog, one module per page (`file_page`, `columns_page`, `preview_page`,
`done_page`) and the dialog that composes them (`dialog`). Opening the file, the dry run and the
import run in worker jobs (gui/workers.py) with a progress dialog; the import's Cancel rolls the
whole transaction back. Nothing is written before the clerk presses "Impor" on the dry-run page,
and the import refuses to run if the registry changed since that dry run (the service compares
fingerprints).
"""

from desktop_app.gui.importer.wizard.common import (
    FILE_FILTER,
    PAGE_COLUMNS,
    PAGE_DONE,
    PAGE_FILE,
    PAGE_PREVIEW,
)
from desktop_app.gui.importer.wizard.dialog import ImportWizard

__all__ = ["FILE_FILTER", "PAGE_COLUMNS", "PAGE_DONE", "PAGE_FILE", "PAGE_PREVIEW", "ImportWizard"]
