"""Small pieces the sign-in screens share: role names, password fields, the error line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import ROLE_LABELS, Actor, Role
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import ERROR_COLOUR
from desktop_app.i18n import get_language, tr

__all__ = [
    "ErrorLine",
    "copy_text",
    "dialog_buttons",
    "form_dialog_layout",
    "password_field",
    "passwords_differ",
    "recovery_key_label",
    "role_label",
    "user_text",
]


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


def passwords_differ(password: QLineEdit, again: QLineEdit, error: ErrorLine, text: str) -> bool:
    """True (and the repeat field cleared for retyping) when the two entries differ."""
    if password.text() == again.text():
        return False
    error.show_text(text)
    again.clear()
    again.setFocus()
    return True


def dialog_buttons(
    dialog: QDialog,
    ok: QDialogButtonBox.StandardButton,
    ok_text: str,
    accept: Callable[[], None],
) -> QDialogButtonBox:
    """The OK-or-Cancel row of a sign-in form: OK runs `accept` (which closes on success)."""
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Batal"))
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def form_dialog_layout(
    dialog: QDialog,
    form: QFormLayout,
    error: ErrorLine,
    buttons: QDialogButtonBox,
    intro: str = "",
) -> QVBoxLayout:
    """Lay a form dialog out top to bottom: the intro (if any), the form, its error, buttons."""
    layout = QVBoxLayout(dialog)
    if intro:
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addWidget(buttons)
    return layout


def recovery_key_label(key: str = "") -> QLabel:
    """The recovery key, large, fixed-width and selectable, on white: it is copied by hand."""
    label = QLabel(key)
    label.setObjectName("recovery_key")
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(max(18, font.pointSize() * 2))
    font.setWeight(QFont.Weight.Bold)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("background: white; color: black; border: 2px solid #555; padding: 16px;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def copy_text(text: str) -> None:
    """Put `text` on the clipboard (there may be none, e.g. on a headless test platform)."""
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
