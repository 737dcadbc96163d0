"""From a chosen database file to a logged-in context: the login dialog when the database has
accounts, the first administrator when it has none, and the demo's silent login."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from desktop_app.gui.auth.first_start import FirstStartDialog
from desktop_app.gui.auth.login_dialog import LoginDialog
from desktop_app.gui.auth.password_dialog import forced_password_change
from desktop_app.i18n import tr
from desktop_app.services.accounts import (
    AccountService,
    is_encrypted_database,
    login,
    login_usernames,
)
from desktop_app.services.context import AppContext, open_app

__all__ = [
    "ask_first_start",
    "ask_login",
    "demo_login",
    "sign_in",
    "switch_user",
    "switch_user_dialog",
]

log = logging.getLogger(__name__)


def sign_in(path: Path, parent: QWidget | None = None, *, demo: bool = False) -> AppContext | None:
    """An open context with the user set, or None when the user gives up (Batal / Keluar).

    Problems with the file itself (damaged, newer version, not Berdaya's) are raised for the
    caller's "cannot open" dialog. `demo` is only ever true for the demo database: there the
    demo administrator is logged in without a dialog, and a demo database made before accounts
    opens as before.
    """
    if not is_encrypted_database(path):
        if not path.exists():
            return open_app(path, verify="structure") if demo else ask_first_start(path, parent)
        # Opened as the app always opens it: a database from an older version is upgraded
        # (its backup made) before anybody logs in or the first administrator is asked for.
        ctx = open_app(path, verify="structure")
        if not ctx.accounts_exist:
            if demo:
                return ctx
            ctx.close()
            return ask_first_start(path, parent)
        ctx.close()
    if demo:
        logged_in = demo_login(path)
        if logged_in is not None:
            return logged_in
    return ask_login(path, parent)


LAST_USERNAME_KEY = "last_username"


def _settings() -> QSettings:
    from desktop_app.gui.app import APPLICATION, ORGANISATION

    return QSettings(ORGANISATION, APPLICATION)


def ask_login(path: Path, parent: QWidget | None = None) -> AppContext | None:
    # The name last used on this computer is preselected: a counter PC mostly has one clerk.
    last = _settings().value(LAST_USERNAME_KEY)
    dialog = LoginDialog(
        login_usernames(path),
        lambda username, password: login(path, username, password, verify="structure"),
        parent,
        intro=tr("Basis data: {name}", name=path.name),
        current=str(last) if last else None,
    )
    if not dialog.exec():
        return None
    ctx: AppContext = dialog.value
    if ctx.user is not None:
        settings = _settings()
        settings.setValue(LAST_USERNAME_KEY, ctx.user.username)
        settings.sync()
    if not _password_changed_if_needed(ctx, dialog.entered_password(), parent):
        ctx.close()
        return None
    return ctx


def ask_first_start(path: Path, parent: QWidget | None = None) -> AppContext | None:
    dialog = FirstStartDialog(path, parent)
    if not dialog.exec():
        return None
    return dialog.context()


def demo_login(path: Path) -> AppContext | None:
    """The demo administrator, logged in without a dialog; None (the login dialog follows)
    when the demo database does not take the documented demo password."""
    from desktop_app.services.demo_accounts import DEMO_LOGIN

    username, _name, _role, _nip, password = DEMO_LOGIN
    try:
        return login(path, username, password, verify="structure")
    except Exception as exc:  # noqa: BLE001 - fall back to the login dialog
        log.warning("demo login failed: %s", type(exc).__name__)
        return None


def switch_user_dialog(ctx: AppContext, parent: QWidget | None = None) -> LoginDialog:
    """Another person takes over the open database: their password is checked against their
    account (with the same lock-out as at the start)."""
    service = AccountService(ctx)
    return LoginDialog(
        service.usernames(),
        service.verify,
        parent,
        title=tr("Ganti pengguna"),
        intro=tr("Masuk sebagai pengguna lain pada basis data ini."),
    )


def switch_user(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """Ask who takes over; True when the context's user changed."""
    dialog = switch_user_dialog(ctx, parent)
    if not dialog.exec():
        return False
    previous = ctx.user
    ctx.set_user(dialog.value)
    if not _password_changed_if_needed(ctx, dialog.entered_password(), parent):
        ctx.set_user(previous)
        return False
    return True


def _password_changed_if_needed(ctx: AppContext, password: str, parent: QWidget | None) -> bool:
    user = ctx.user
    if user is None or not AccountService(ctx).must_change_password(user.username):
        return True
    return bool(forced_password_change(ctx, password, parent).exec())
