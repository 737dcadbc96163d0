"""Old import path of the spreadsheet reader and header detection, kept while the GUI still
imports from it. Everything lives in `desktop_app.services.importing.spreadsheet` and
`.headers`; import from there."""

from desktop_app.services.importing.headers import *  # noqa: F403
from desktop_app.services.importing.messages import SpreadsheetError  # noqa: F401
from desktop_app.services.importing.spreadsheet import *  # noqa: F403
