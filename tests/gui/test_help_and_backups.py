"""Bantuan → Panduan (F1), the automatic daily backup as the status bar shows it, and this
computer's printer / receipt size / retention in Pengaturan."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.gui import app as gui_app
from desktop_app.gui import backup_status
from desktop_app.gui import printing as paper
from desktop_app.gui.distribution import printing as distribution_printing
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.workers import active_jobs
from desktop_app.i18n import set_language
from desktop_app.services import backups
from desktop_app.services.context import AppContext


@pytest.fixture
def window(qtbot, ctx: AppContext) -> MainWindow:
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def test_f1_opens_the_guide_with_the_counter_keys(qtbot, window: MainWindow):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "help_window", None) is not None)
    guide = window.help_window
    assert guide.isVisible() and guide.windowTitle() == "Panduan Berdaya"
    text = guide.browser.toPlainText()
    for key in ("Enter", "F2", "F3", "F4", "F6", "F8"):
        assert key in text
    assert "Langkah pertama petugas baru" in text and "Profil kantor" in text
    window.show_help()  # a second F1 brings the same window forward
    assert window.help_window is guide


def test_the_guide_follows_the_interface_language(qtbot, ctx: AppContext):
    set_language("en")
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.help_action.trigger()
    assert w.help_action.text() == "&Guide"
    assert "First steps for a new clerk" in w.help_window.browser.toPlainText()


def test_daily_backup_once_and_shown_in_the_status_bar(qtbot, window: MainWindow, ctx):
    backup_status.start_daily_backup(ctx)
    qtbot.waitUntil(lambda: window.backup_label.text() != "", timeout=10000)
    assert window.backup_label.text() == "Cadangan hari ini tersimpan"
    assert not window.backup_label.reminding
    folder = ctx.db.path.resolve().parent / "cadangan"
    assert [p.name for p in folder.iterdir()] == ["berdaya-20261120.sqlite"]
    assert str(folder) in window.backup_label.toolTip()

    backup_status.start_daily_backup(ctx)  # the window rebuilt, or opened again the same day
    qtbot.waitUntil(lambda: not active_jobs(), timeout=10000)
    assert len(list(folder.iterdir())) == 1

    rebuilt = MainWindow(ctx)  # e.g. after a language change: the outcome carries over
    qtbot.addWidget(rebuilt)
    assert rebuilt.backup_label.text() == "Cadangan hari ini tersimpan"


def test_a_failed_backup_is_a_red_reminder_not_a_crash(
    qtbot, window: MainWindow, ctx, monkeypatch, message_boxes
):
    def disk_full(_source: Path, _target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "backup", disk_full)
    backup_status.start_daily_backup(ctx)
    qtbot.waitUntil(lambda: window.backup_label.reminding, timeout=10000)
    assert window.backup_label.text() == "⚠ Cadangan otomatis gagal"
    assert "Penyimpanan gagal: disk penuh" in window.backup_label.toolTip()
    assert "color: #8c1d18" in window.backup_label.styleSheet()
    assert not message_boxes.shown  # the counter keeps working
    qtbot.waitUntil(lambda: window.backup_label.width() >= window.backup_label.sizeHint().width())
    window.grab().save("/tmp/i14b-backup-reminder.png")


def test_opening_a_database_starts_the_days_backup(qtbot, qapp, ctx, monkeypatch):
    monkeypatch.setattr(gui_app, "show_main_window", lambda w: w.show())
    session = gui_app._Session(qapp)
    session.show(ctx)
    qtbot.addWidget(session.window)
    backup = ctx.db.path.resolve().parent / "cadangan" / "berdaya-20261120.sqlite"
    qtbot.waitUntil(backup.exists, timeout=10000)
    qtbot.waitUntil(lambda: session.window.backup_label.text() != "", timeout=10000)


def test_settings_remember_printer_receipt_size_and_retention(qtbot, ctx, monkeypatch):
    monkeypatch.setattr(paper.PrintHooks, "printer_names", staticmethod(lambda: ["Kasir 80"]))
    paper._settings().remove(paper.PRINTER_KEY)
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.backup_keep.value() == backups.DEFAULT_KEEP
    dialog.resize(1366, 768)
    dialog.grab().save("/tmp/i14b-settings.png")

    dialog.save()  # saving the profile alone does not answer "which printer?"
    assert paper.saved_printer() is None

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.printer.setCurrentIndex(dialog.printer.findData("Kasir 80"))
    dialog.receipt_layout.setCurrentIndex(dialog.receipt_layout.findData("thermal80"))
    dialog.backup_keep.setValue(30)
    dialog.save()
    assert paper.saved_printer() == "Kasir 80"
    assert distribution_printing.saved_receipt_layout() == "thermal80"
    assert backup_status.saved_backup_keep() == 30

    # An unplugged printer keeps its name (marked) rather than switching silently.
    monkeypatch.setattr(paper.PrintHooks, "printer_names", staticmethod(lambda: []))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.printer.currentText() == "Kasir 80 (tidak tersedia)"
