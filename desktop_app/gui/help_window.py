"""Bantuan → Panduan (F1): the counter's keys and a new clerk's first steps, in the interface
language (resources/help/panduan.<lang>.html; Indonesian when a translation is missing)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.i18n import get_language, resource_path, tr

__all__ = ["HelpWindow", "help_html"]


def help_html(lang: str | None = None) -> str:
    lang = lang or get_language()
    try:
        path = resource_path("help", f"panduan.{lang}.html")
    except FileNotFoundError:
        path = resource_path("help", "panduan.id.html")
    return path.read_text(encoding="utf-8")


class HelpWindow(QDialog):
    """A non-modal window: the clerk keeps it open beside the counter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Panduan Berdaya"))
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)  # offline: nothing to follow outside
        self.browser.setHtml(help_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Tutup"))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)
