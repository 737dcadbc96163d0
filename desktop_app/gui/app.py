"""Start the GUI: QApplication, language, opening the database safely, logging in (or creating
the first administrator), the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from desktop_app.gui.errors import install_excepthook, setup_logging, show_error, user_message
from desktop_app.gui.qt_texts import apply_locale, install_qt_texts
from desktop_app.i18n import LANGUAGES, set_language, tr
from desktop_app.services.context import AppContext, verify_integrity

__all__ = [
    "open_context",
    "run_app",
    "is_demo_database",
    "save_language",
    "saved_language",
]

log = logging.getLogger(__name__)

ORGANISATION = "Berdaya"
APPLICATION = "Berdaya"
DB_FILTER = "Basis data Berdaya (*.sqlite *.db);;Semua berkas (*)"


def _settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def saved_language() -> str | None:
    value = _settings().value("language")
    return str(value) if value in LANGUAGES else None


def save_language(lang: str) -> None:
    settings = _settings()
    settings.setValue("language", lang)
    settings.sync()


def is_demo_database(path: Path) -> bool:
    """Whether `path` is the demo database `berdaya --demo` makes (the only one opened without
    a login dialog)."""
    from desktop_app.cli import demo_db_path

    try:
        return path.resolve() == demo_db_path().resolve()
    except OSError:
        return False


def open_context(
    path: Path, parent: QWidget | None = None, *, demo: bool | None = None
) -> AppContext | None:
    """Open a database and log in (or create its first administrator), or explain in
    Indonesian why the file cannot be opened and let the user pick another one.

    Returns None when the user gives up. A refused file is never changed (the storage layer
    refuses before writing anything). The logged-in person is the officer on receipts,
    documents and the change log (`ctx.set_user`). `demo` (default: whether `path` is the demo
    database) logs the demo administrator in without asking.
    """
    from desktop_app.gui.auth.start import sign_in

    while True:
        try:
            # The full page check reads the whole file; it runs after the window is shown.
            return sign_in(path, parent, demo=is_demo_database(path) if demo is None else demo)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a dialog, not a traceback
            message = user_message(exc)
            if message is None:
                log.exception("opening %s failed", path)
                message = tr(
                    "Basis data {name} tidak dapat dibuka. Berkas tidak diubah.", name=path.name
                )
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(tr("Basis data tidak dapat dibuka"))
        box.setText(message)
        box.setInformativeText(tr("Berkas: {path}", path=str(path)))
        other = box.addButton(tr("Buka berkas lain…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(
            tr("Keluar") if parent is None else tr("Batal"), QMessageBox.ButtonRole.RejectRole
        )
        box.setDefaultButton(other)
        box.exec()
        if box.clickedButton() is not other:
            return None
        chosen = choose_database(parent, path.parent)
        if chosen is None:
            return None
        path = chosen


def choose_database(parent: QWidget | None, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, tr("Buka basis data"), str(start), DB_FILTER)
    return Path(name) if name else None


class _Session:
    """Keeps the open context and its window; swaps both when another database is opened."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.ctx: AppContext | None = None
        self.window: QWidget | None = None

    def show(self, ctx: AppContext) -> None:
        from desktop_app.gui.main_window import MainWindow

        apply_locale()  # a language switch rebuilds the window: numbers and dates follow it
        old_window, old_ctx = self.window, self.ctx
        window = MainWindow(ctx)
        window.open_requested.connect(self.open_other)
        # Language change or another user: every widget again, for the new language or role.
        window.rebuild_requested.connect(lambda: self.show(ctx))
        self.ctx, self.window = ctx, window
        if old_window is not None:
            window.setGeometry(old_window.geometry())
            if old_window.isMaximized():
                window.showMaximized()
            else:
                window.show()
            old_window.close()
            old_window.deleteLater()
        else:
            show_main_window(window)
        if ctx is not old_ctx:
            offer_setup(ctx, window)
        if old_ctx is not None and old_ctx is not ctx:
            old_ctx.close()
        if ctx is not old_ctx:
            self.verify_in_background(ctx, window)
            from desktop_app.gui.backup_status import start_daily_backup

            start_daily_backup(ctx)  # once per opened database; skips if today's copy exists

    def verify_in_background(self, ctx: AppContext, window: QWidget) -> None:
        """Read every page of the database off the GUI thread and warn if anything is damaged."""
        from desktop_app.gui.workers import run_job

        def report(problem: str | None) -> None:
            if problem is None:
                return
            log.error("integrity check of %s failed: %s", ctx.db.path, problem)
            QMessageBox.critical(
                window,
                tr("Basis data rusak"),
                tr(
                    "Pemeriksaan menemukan kerusakan pada basis data {name}. Jangan lanjutkan "
                    "pencatatan: tutup aplikasi, pulihkan dari cadangan terakhir, dan hubungi "
                    "administrator.",
                    name=ctx.db.path.name,
                ),
            )

        run_job(
            lambda _control: verify_integrity(ctx),
            parent=window,
            on_success=report,
            on_error=lambda exc: log.warning("integrity check could not run: %s", exc),
        )

    def open_other(self, path: Path) -> None:
        ctx = open_context(path, self.window)
        if ctx is not None:
            self.show(ctx)


def offer_setup(ctx: AppContext, window: QWidget) -> None:
    """Open the set-up wizard over the window while the office profile is incomplete (first
    start): window-modal and not blocking, so start-up carries on underneath."""
    from desktop_app.gui.setup_wizard import SetupWizard, needs_setup

    if not needs_setup(ctx):
        return
    wizard = SetupWizard(ctx, window)
    wizard.setObjectName("setup_wizard")

    def refresh() -> None:  # the title and status bar name the office and this computer
        window.setWindowTitle(tr("Berdaya — {office}", office=ctx.office.office_name))
        label = getattr(window, "device_label", None)
        if label is not None:
            label.setText(tr("Perangkat: {device}", device=ctx.office.device_name))

    wizard.accepted.connect(refresh)
    wizard.open()


def show_main_window(window: QWidget) -> None:
    """1366x768 is the office PCs' usual screen: maximise there, otherwise open at that size."""
    screen = QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else None
    if available is not None and (available.width() <= 1366 or available.height() <= 768):
        # Without a window manager (kiosk sessions, Xvfb) "maximised" is only a hint.
        window.resize(available.size())
        window.showMaximized()
    else:
        window.resize(1366, 768)
        window.show()


def run_app(db_path: Path, lang: str | None = None, *, demo: bool | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Berdaya")
    setup_logging()
    install_excepthook()
    set_language(lang or saved_language() or "id")
    install_qt_texts()
    from desktop_app.gui.startup_checks import check_installation

    if not check_installation(app):
        return 2

    ctx = open_context(Path(db_path), demo=demo)
    if ctx is None:
        return 2
    session = _Session(app)
    try:
        session.show(ctx)
    except Exception as exc:  # noqa: BLE001
        show_error(None, exc, title=tr("Berdaya tidak dapat dibuka"))
        ctx.close()
        return 2
    try:
        return app.exec()
    finally:
        if session.ctx is not None:
            from desktop_app.gui.workers import wait_for_jobs

            wait_for_jobs(10000)
            session.ctx.close()
