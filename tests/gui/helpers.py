"""Small waits shared by the GUI tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.gui.workers import active_jobs


def settle(qtbot: QtBot) -> None:
    """Wait until every background job (loads, prints, exports) has finished."""
    qtbot.waitUntil(lambda: not active_jobs(), timeout=10000)
