"""Signing in and out of the GUI: login, the first administrator and its recovery key, the
idle lock, switching user, changing passwords, and the administrator's accounts dialog.

The rules (passwords, lock-out, roles, the last administrator) are the accounts service's
(`desktop_app.services.accounts`); these screens only ask and show its coded refusals.
"""

from desktop_app.gui.auth.accounts_dialog import AccountEditDialog, AccountsDialog
from desktop_app.gui.auth.common import role_label, user_text
from desktop_app.gui.auth.first_start import FirstStartDialog
from desktop_app.gui.auth.lock import IdleWatcher, LockScreen
from desktop_app.gui.auth.login_dialog import LoginDialog
from desktop_app.gui.auth.password_dialog import (
    PasswordDialog,
    change_own_password,
    forced_password_change,
    reset_password,
)
from desktop_app.gui.auth.start import demo_login, sign_in, switch_user, switch_user_dialog

__all__ = [
    "AccountEditDialog",
    "AccountsDialog",
    "FirstStartDialog",
    "IdleWatcher",
    "LockScreen",
    "LoginDialog",
    "PasswordDialog",
    "change_own_password",
    "demo_login",
    "forced_password_change",
    "reset_password",
    "role_label",
    "sign_in",
    "switch_user",
    "switch_user_dialog",
    "user_text",
]
