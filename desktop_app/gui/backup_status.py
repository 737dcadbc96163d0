"""The automatic daily backup as the GUI sees it: started once when a database is opened, run in a
worker, and shown in the status bar (a red reminder when it failed or the newest copy is old).

The outcome is kept per database file, so a window rebuilt for another language shows it too.
The retention (how many daily copies are kept) is set in Pengaturan and remembered per computer.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.gui.errors import user_message
from desktop_app.i18n import tr
from desktop_app.services.backups import DEFAULT_KEEP, MAX_KEEP, DailyBackup, daily_backup
from desktop_app.services.context import AppContext

__all__ = [
    "BackupOptions",
    "BackupStatusLabel",
    "save_backup_keep",
    "saved_backup_keep",
    "start_daily_backup",
]

log = logging.getLogger(__name__)

KEEP_KEY = "backups/keep"


class BackupOptions:
    """Tests switch the automatic backup off (or point it elsewhere)."""

    enabled: bool = True


def saved_backup_keep() -> int:
    try:
        value = int(QSettings("Berdaya", "Berdaya").value(KEEP_KEY, DEFAULT_KEEP))
    except (TypeError, ValueError):
        return DEFAULT_KEEP
    return min(max(value, 1), MAX_KEEP)


def save_backup_keep(days: int) -> None:
    settings = QSettings("Berdaya", "Berdaya")
    settings.setValue(KEEP_KEY, min(max(int(days), 1), MAX_KEEP))
    settings.sync()


class _Hub(QObject):
    """The latest outcome per database path; labels listen."""

    changed = Signal(str)
    instance: ClassVar[_Hub | None] = None
    outcomes: ClassVar[dict[str, DailyBackup]] = {}

    @classmethod
    def get(cls) -> _Hub:
        if cls.instance is None:
            cls.instance = _Hub()
        return cls.instance


def _key(ctx: AppContext) -> str:
    return str(ctx.db.path.resolve())


def start_daily_backup(ctx: AppContext, parent: QWidget | None = None) -> None:
    """Make today's backup in a worker unless one exists; never blocks, never raises."""
    if not BackupOptions.enabled:
        return
    from desktop_app.gui.workers import run_job

    key, keep = _key(ctx), saved_backup_keep()

    def done(outcome: DailyBackup) -> None:
        if outcome.error is not None:
            log.warning("daily backup of %s failed: %s", key, outcome.error)
        elif outcome.made is not None:
            log.info("daily backup %s (removed %d old)", outcome.made, len(outcome.removed))
        _Hub.outcomes[key] = outcome
        _Hub.get().changed.emit(key)

    run_job(
        lambda _job: daily_backup(ctx, keep=keep),
        parent=None,  # the outcome outlives a window rebuilt meanwhile
        on_success=done,
        on_error=lambda exc: log.exception("daily backup crashed", exc_info=exc),
    )


def status_text(outcome: DailyBackup) -> tuple[str, str, bool]:
    """Short status-bar text, the detail for its tooltip, and whether it is a reminder (red).

    The status bar shares 1366 pixels with the database path and the counts: the reason of a
    failure (which can be long) goes to the tooltip.
    """
    last = f"{outcome.last:%d-%m-%Y}" if outcome.last else None
    folder = tr("Folder cadangan: {folder}", folder=str(outcome.folder))
    if outcome.error is not None:
        reason = user_message(outcome.error) or str(outcome.error)
        text = tr("⚠ Cadangan otomatis gagal")
        if last:
            text += " · " + tr("terakhir {date}", date=last)
        detail = tr("Cadangan otomatis gagal: {reason}", reason=reason)
        return text, detail + "\n" + folder, True
    if outcome.reminder():
        if last is None:
            return tr("⚠ Belum ada cadangan basis data"), folder, True
        return tr("⚠ Cadangan terakhir sudah lama: {date}", date=last), folder, True
    if outcome.age_days() == 0:
        return tr("Cadangan hari ini tersimpan"), folder, False
    return tr("Cadangan terakhir: {date}", date=last or ""), folder, False


class BackupStatusLabel(QLabel):
    """Status-bar label: "Cadangan hari ini tersimpan", or a red reminder."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key = _key(ctx)
        _Hub.get().changed.connect(self._changed)
        self.reminding = False
        self.refresh()

    def _changed(self, key: str) -> None:
        if key == self._key:
            self.refresh()

    def refresh(self) -> None:
        outcome = _Hub.outcomes.get(self._key)
        if outcome is None:
            self.setText("")
            self.setToolTip("")
            self.reminding = False
            return
        text, detail, self.reminding = status_text(outcome)
        self.setText(text)
        self.setStyleSheet("color: #8c1d18; font-weight: bold;" if self.reminding else "")
        self.setToolTip(detail)
