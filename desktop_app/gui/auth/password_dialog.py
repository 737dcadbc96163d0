"""Setting a password: one's own (old + new twice), the forced change at the first login after
an administrator's reset, and the administrator's reset of somebody else's password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
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
    passwords_differ,
)
from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr
from desktop_app.services.accounts import MIN_PASSWORD, AccountService
from desktop_app.services.context import AppContext

__all__ = ["PasswordDialog", "change_own_password", "forced_password_change", "reset_password"]


class PasswordDialog(QDialog):
    """New password twice (and the old one when `ask_old`); `apply(old, new)` saves it and may
    refuse (shown under the form, the dialog stays open)."""

    def __init__(
        self,
        apply: Callable[[str, str], object],
        parent: QWidget | None = None,
        *,
        title: str,
        intro: str = "",
        ask_old: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("password_dialog")
        self._apply = apply
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.old = password_field("old_password")
        self.new = password_field("new_password")
        self.again = password_field("new_password_again")
        self.new.setPlaceholderText(tr("minimal {n} karakter", n=MIN_PASSWORD))
        form = QFormLayout()
        if ask_old:
            form.addRow(tr("Kata sandi lama"), self.old)
        form.addRow(tr("Kata sandi baru"), self.new)
        form.addRow(tr("Ulangi kata sandi baru"), self.again)
        self.error = ErrorLine()
        self.buttons = dialog_buttons(
            self, QDialogButtonBox.StandardButton.Save, tr("Simpan"), self.save
        )
        form_dialog_layout(self, form, self.error, self.buttons, intro)
        (self.old if ask_old else self.new).setFocus()

    def save(self) -> None:
        if passwords_differ(
            self.new, self.again, self.error, tr("Kedua kata sandi baru tidak sama.")
        ):
            return
        try:
            self._apply(self.old.text(), self.new.text())
        except Exception as exc:  # noqa: BLE001 - refusals under the form; bugs get the dialog
            if not self.error.show_exception(exc):
                show_error(self, exc, title=self.windowTitle())
            return
        self.accept()


def change_own_password(ctx: AppContext, parent: QWidget | None = None) -> PasswordDialog:
    return PasswordDialog(
        lambda old, new: AccountService(ctx).change_own_password(old, new),
        parent,
        title=tr("Ganti kata sandi"),
    )


def forced_password_change(
    ctx: AppContext, old_password: str, parent: QWidget | None = None
) -> PasswordDialog:
    """After a reset by the administrator: the temporary password was just typed at login."""
    return PasswordDialog(
        lambda _old, new: AccountService(ctx).change_own_password(old_password, new),
        parent,
        title=tr("Ganti kata sandi"),
        intro=tr(
            "Kata sandi Anda diatur ulang oleh administrator. Buat kata sandi baru sebelum "
            "mulai bekerja; hanya Anda yang mengetahuinya."
        ),
        ask_old=False,
    )


def reset_password(ctx: AppContext, username: str, parent: QWidget | None = None) -> PasswordDialog:
    return PasswordDialog(
        lambda _old, new: AccountService(ctx).reset_password(username, new),
        parent,
        title=tr("Atur ulang kata sandi {username}", username=username),
        intro=tr(
            "Kata sandi sementara: sampaikan langsung kepada pemilik akun. Ia harus menggantinya "
            "saat masuk berikutnya."
        ),
        ask_old=False,
    )
