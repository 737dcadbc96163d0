"""The GUI half of `berdaya --self-test`: open the main window offscreen and visit every tab.

desktop_app.selftest runs the checks and keeps the record; this module is the only part that
touches Qt. Nothing here may block: a message box that would wait for a click is recorded and
answered instead, and counts as a failure of the step that raised it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QSettings, QStandardPaths
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app.i18n import resource_path
from desktop_app.services.context import AppContext

__all__ = ["GuiSelfTest"]

_BOX_KINDS = ("warning", "critical", "information", "question", "about")


class GuiSelfTest:
    """Drives one MainWindow on one database; the self-test calls the steps in order."""

    def __init__(self, ctx: AppContext, settings_dir: Path) -> None:
        # Offscreen unless the caller chose a platform: a self-test must not flash windows or
        # need a display, and it must work in the windowed Windows build under CI.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        self.ctx = ctx
        self.boxes: list[str] = []
        self._saved_boxes: dict[str, Any] = {}
        self._own_app = QApplication.instance() is None
        app = QApplication.instance() or QApplication(["Berdaya", "--self-test"])
        assert isinstance(app, QApplication)
        self.app = app
        # The real user's settings (language, column widths) stay untouched.
        settings_dir.mkdir(parents=True, exist_ok=True)
        self._saved_format = QSettings.defaultFormat()
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
        self._patch_message_boxes()
        self.window: Any = None

    # -- steps ------------------------------------------------------------------------------
    def open_main_window(self) -> str:
        from desktop_app.gui.main_window import MainWindow

        self.app.setWindowIcon(QIcon(str(resource_path("icons", "berdaya.png"))))
        self.window = MainWindow(self.ctx)
        self.window.resize(1366, 768)
        self.window.show()
        handle = self.window.windowHandle()
        self._wait_until(lambda: handle is not None and handle.isExposed(), "window exposed")
        self._raise_boxes("opening the main window")
        return (
            f"platform {self.app.platformName()}, {self.window.tabs.count()} tabs, "
            f"title {self.window.windowTitle()!r}"
        )

    def tab_titles(self) -> list[str]:
        return [self.window.tabs.tabText(i) for i in range(self.window.tabs.count())]

    def visit_tab(self, index: int) -> str:
        from desktop_app.gui.main_window import PlaceholderTab, tab_specs

        tabs = self.window.tabs
        tabs.setCurrentIndex(index)
        widget: QWidget = tabs.widget(index)
        self._wait_until(widget.isVisible, "tab visible")
        self._settle()
        image = widget.grab()  # paints the whole tab, as a screen would
        self._raise_boxes(f"visiting tab {tabs.tabText(index)!r}")
        if image.isNull() or image.width() == 0:
            raise RuntimeError("the tab painted nothing")
        if isinstance(widget, PlaceholderTab):
            spec = tab_specs()[index]
            if _area_exists(spec.module):
                raise RuntimeError(f"{spec.module} exists but the tab failed to load (see log)")
            return f"placeholder: {spec.module} is not built yet"
        return f"{type(widget).__name__}, painted {image.width()}x{image.height()}"

    def close(self) -> str:
        from desktop_app.gui.workers import cancel_jobs, wait_for_jobs

        if self.window is not None:
            self._settle()
            self.window.close()
            self.window.deleteLater()
            self.window = None
        cancel_jobs()
        idle = wait_for_jobs(15000)
        self.app.processEvents()
        self._restore_message_boxes()
        if not self._own_app:
            self._restore_settings_location()
        self._raise_boxes("closing")
        if not idle:
            raise RuntimeError("background jobs still running 15 s after closing")
        return "closed, background jobs finished"

    # -- helpers ----------------------------------------------------------------------------
    def _settle(self) -> None:
        """Let background jobs finish and their results reach the widgets."""
        from desktop_app.gui.workers import active_jobs

        self._wait_until(lambda: not active_jobs(), "background jobs finished", timeout=30.0)
        self.app.processEvents()

    def _wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what}: not reached within {timeout:.0f} s")
            self.app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def _patch_message_boxes(self) -> None:
        for kind in _BOX_KINDS:
            self._saved_boxes[kind] = QMessageBox.__dict__[kind]

            def record(
                _parent: object, title: object, text: object, *_args: object, kind: str = kind
            ) -> QMessageBox.StandardButton:
                self.boxes.append(f"{kind}: {title}: {text}")
                return QMessageBox.StandardButton.No

            setattr(QMessageBox, kind, staticmethod(record))

    def _restore_message_boxes(self) -> None:
        for kind, original in self._saved_boxes.items():
            setattr(QMessageBox, kind, original)
        self._saved_boxes.clear()

    def _restore_settings_location(self) -> None:
        """Give a host application (the tests) back Qt's default settings location."""
        QSettings.setDefaultFormat(self._saved_format)
        if sys.platform == "win32":
            default = os.environ.get("APPDATA", "")
        else:
            default = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.GenericConfigLocation
            )
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, default)

    def _raise_boxes(self, step: str) -> None:
        if self.boxes:
            shown, self.boxes = self.boxes, []
            raise RuntimeError(f"message box while {step}: " + " | ".join(shown))


def _area_exists(module: str) -> bool:
    """True when the tab's module is present, so a placeholder means it failed to load."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
