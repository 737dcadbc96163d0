"""Turning exceptions into short Indonesian messages, and logging the unexpected ones.

A clerk never sees a traceback: refusals from services (ServiceError), invalid input
(ValidationFailed with its issues) and database problems (StorageError and its subclasses, which
carry `user_message`) are shown as they are; anything else is logged to the user log folder and
reported with a short message that says where the log is.
"""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app.domain.errors import Refusal
from desktop_app.i18n import tr, tr_issue, tr_refusal
from desktop_app.services.context import ServiceError
from desktop_app.services.privacy import private_log_handler

__all__ = [
    "install_excepthook",
    "log_dir",
    "setup_logging",
    "show_error",
    "user_message",
]

log = logging.getLogger("berdaya")
APP_NAME = "Berdaya"


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, APP_NAME))


def setup_logging(folder: Path | None = None) -> Path | None:
    """Log to a rotating file in the user log folder; returns its path (None if unwritable).

    The files are owner-only (0600) and every line goes through `RedactingFilter`: a NIK or an
    SQL parameter in an exception's text never reaches the disk (UU PDP; the log is sent along
    with bug reports)."""
    folder = folder or log_dir()
    path = folder / "berdaya.log"
    root = logging.getLogger()
    for existing in root.handlers:
        if isinstance(existing, RotatingFileHandler) and Path(existing.baseFilename) == path:
            return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = private_log_handler(path)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    return path


def user_message(exc: BaseException) -> str | None:
    """The Indonesian message to show for an expected error, or None if it is a bug."""
    issues = getattr(exc, "issues", None)
    if isinstance(exc, ServiceError) and issues:
        errors = [i for i in issues if getattr(i, "severity", None) == "error"] or issues
        return "\n".join(tr_issue(i) for i in errors)
    if isinstance(exc, Refusal):
        return tr_refusal(exc)
    # StorageError lives in storage/, which the GUI must not import; its contract is the
    # `user_message` attribute.
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return tr(message)
    return None


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    message = user_message(exc)
    if message is None:
        log.error(
            "unexpected error", exc_info=(type(exc), exc, exc.__traceback__)
        )  # the dialog stays short; the log keeps the detail
        message = _unexpected_text()
    QMessageBox.warning(parent, title or tr("Gagal"), message)


def _unexpected_text() -> str:
    return tr(
        "Terjadi kesalahan yang tidak terduga. Data yang sudah tersimpan tidak berubah. "
        "Rincian dicatat di folder log: {folder}",
        folder=str(log_dir()),
    )


_showing = False


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.error("uncaught exception:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread() or _showing:
        return
    _showing = True  # one dialog at a time, even if painting keeps failing
    try:
        message = user_message(exc) or _unexpected_text()
        QMessageBox.critical(app.activeWindow(), tr("Kesalahan"), message)
    finally:
        _showing = False


def install_excepthook() -> None:
    sys.excepthook = _excepthook
