"""Small pieces the sign-in screens share: role names, password fields, the error line."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop_app.domain.access import ROLE_LABELS, Actor, Role
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import ERROR_COLOUR
from desktop_app.i18n import get_language, tr

__all__ = ["ErrorLine", "password_field", "role_label", "user_text"]


def role_label(role: Role | str) -> str:
    """The role's name in the interface language (the labels live in domain/access.py)."""
    indonesian, english = ROLE_LABELS[Role(role)]
    return indonesian if get_language() == "id" else english


def user_text(user: Actor) -> str:
    """The person as the status bar and the lock screen name them: Full Name (Role)."""
    return tr("{name} ({role})", name=user.full_name, role=role_label(user.role))


def password_field(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ErrorLine(QLabel):
    """A refusal under a form, in the interface language; the form stays open to retry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error")
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.setVisible(False)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def show_exception(self, exc: BaseException) -> bool:
        """Show an expected refusal and return True; False (nothing shown) for a bug."""
        message = user_message(exc)
        if message is None:
            return False
        self.show_text(message)
        return True

    def clear_text(self) -> None:
        self.show_text("")
