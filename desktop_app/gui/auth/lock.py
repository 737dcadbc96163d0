"""The idle lock: after the administrator's idle time without keyboard or mouse input the main
window hides its contents behind a lock screen that asks the current user's password.

Activity is noticed application-wide (an event filter on the QApplication), so typing in any
dialog counts, and so does the counter's barcode scanner: it is a keyboard to the computer.
The filter only stamps the time; a slow timer compares, so a burst of mouse moves costs no
timer restarts.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.auth.common import ErrorLine, password_field, user_text
from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr
from desktop_app.services.accounts import AccountService
from desktop_app.services.context import AppContext

__all__ = ["ACTIVITY", "IdleWatcher", "LockScreen"]

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)
MAX_CHECK_MS = 5000  # how late a lock may come at worst, beyond the idle time


class IdleWatcher(QObject):
    """Emits `idle` once after `interval_ms` without input; `resume()` starts counting again."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last = time.monotonic()
        self._running = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self.set_interval_ms(interval_ms)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def set_interval_ms(self, interval_ms: int) -> None:
        self._interval_ms = max(1, int(interval_ms))
        self._timer.setInterval(max(10, min(MAX_CHECK_MS, self._interval_ms // 4)))
        self.resume()

    def resume(self) -> None:
        self._last = time.monotonic()
        self._running = True
        self._timer.start()

    def pause(self) -> None:
        self._running = False
        self._timer.stop()

    def stop(self) -> None:
        self.pause()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if event.type() in ACTIVITY:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if self._running and (time.monotonic() - self._last) * 1000 >= self._interval_ms:
            self.pause()
            self.idle.emit()


class LockScreen(QWidget):
    """Stands in for the window's contents while locked: who is logged in, their password."""

    unlocked = Signal()
    switch_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.ctx = ctx
        title = QLabel(tr("Berdaya terkunci"))
        font = title.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        title.setFont(font)
        self.user_label = QLabel(user_text(ctx.user) if ctx.user else "")
        self.user_label.setObjectName("locked_user")
        note = QLabel(
            tr(
                "Layar dikunci karena tidak ada aktivitas. Data tidak ditampilkan sampai kata "
                "sandi dimasukkan."
            )
        )
        note.setWordWrap(True)
        self.password = password_field("unlock_password")
        self.password.setPlaceholderText(tr("Kata sandi"))
        self.password.returnPressed.connect(self.try_unlock)
        self.error = ErrorLine()
        self.unlock_button = QPushButton(tr("Buka kunci"))
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button = QPushButton(tr("Ganti pengguna…"))
        self.switch_button.setObjectName("switch_user")
        self.switch_button.clicked.connect(self.switch_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        box = QWidget()
        box.setFixedWidth(460)
        inner = QVBoxLayout(box)
        inner.setSpacing(10)
        for widget in (title, self.user_label, note, self.password, self.error):
            inner.addWidget(widget)
        inner.addLayout(buttons)
        # Stretches, not an alignment flag: an aligned widget gets its plain size hint, which
        # cuts the wrapped note short.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        self.error.clear_text()
        self.user_label.setText(user_text(self.ctx.user) if self.ctx.user else "")
        self.password.setFocus()

    def try_unlock(self) -> None:
        user = self.ctx.user
        if user is None:
            self.unlocked.emit()
            return
        try:
            AccountService(self.ctx).verify(user.username, self.password.text())
        except Exception as exc:  # noqa: BLE001 - refusals under the field; bugs get the dialog
            self.password.clear()
            if not self.error.show_exception(exc):
                show_error(self, exc, title=tr("Buka kunci"))
            return
        self.password.clear()
        self.error.clear_text()
        self.unlocked.emit()
