"""The login dialog: pick your name, type your password, "Masuk".

One dialog serves the start of the app (the password opens the database: `services.accounts.
login`) and switching user on an open database (`AccountService.verify`): what a press of Masuk
does is the `attempt` callable. A refusal (wrong password, locked out for N seconds, disabled
account) is shown under the form in the interface language and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QWidget,
)

from desktop_app.gui.auth.common import (
    ErrorLine,
    dialog_buttons,
    form_dialog_layout,
    password_field,
)
from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr

__all__ = ["LoginDialog"]


class LoginDialog(QDialog):
    def __init__(
        self,
        usernames: list[str],
        attempt: Callable[[str, str], Any],
        parent: QWidget | None = None,
        *,
        title: str = "",
        intro: str = "",
        current: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self._attempt = attempt
        self.value: Any = None  # what `attempt` returned (a context, an Actor)
        self.setWindowTitle(title or tr("Masuk ke Berdaya"))
        self.setMinimumWidth(420)
        self.username = QComboBox()
        self.username.setObjectName("username")
        # Editable: a name missing from the list (an account made on another computer) can
        # still be typed.
        self.username.setEditable(True)
        self.username.addItems(usernames)
        if current and current in usernames:
            self.username.setCurrentText(current)
        self.password = password_field("password")
        self.error = ErrorLine()
        form = QFormLayout()
        form.addRow(tr("Nama pengguna"), self.username)
        form.addRow(tr("Kata sandi"), self.password)
        self.buttons = dialog_buttons(
            self, QDialogButtonBox.StandardButton.Ok, tr("&Masuk"), self.try_login
        )
        self.login_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.login_button.setObjectName("login")
        form_dialog_layout(self, form, self.error, self.buttons, intro)
        (self.password if self.username.currentText() else self.username).setFocus()

    def try_login(self) -> None:
        username = self.username.currentText().strip()
        password = self.password.text()
        if not username or not password:
            self.error.show_text(tr("Isi nama pengguna dan kata sandi."))
            return
        try:
            self.value = self._attempt(username, password)
        except Exception as exc:  # noqa: BLE001 - refusals under the form; bugs get the dialog
            self.password.clear()
            self.password.setFocus()
            if not self.error.show_exception(exc):
                show_error(self, exc, title=self.windowTitle())
            return
        self.error.clear_text()
        self.accept()

    def entered_password(self) -> str:
        """The password that logged in (the forced password change asks for a new one only)."""
        return self.password.text()
