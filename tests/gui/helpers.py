"""Small waits and openings shared by the GUI tests."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.gui.importer.wizard import ImportWizard
from desktop_app.gui.workers import active_jobs
from desktop_app.services.context import AppContext


def settle(qtbot: QtBot) -> None:
    """Wait until every background job (loads, prints, exports) has finished."""
    qtbot.waitUntil(lambda: not active_jobs(), timeout=10000)


def open_wizard(qtbot: QtBot, ctx: AppContext, path: Path) -> ImportWizard:
    """The import wizard with `path` chosen and read (the file page done, ready for Berikutnya)."""
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.file_page.path_edit.setText(str(path))
    with qtbot.waitSignal(wizard.prepared_changed, timeout=10000):
        wizard.open_file()
    return wizard
