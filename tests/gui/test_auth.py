"""Signing in through the GUI: login, the first administrator and its recovery key, the demo's
silent login, switch user, the idle lock, password changes and the accounts dialog.

Real widgets offscreen; dialogs that would block in `exec()` are driven by replacing `exec` with
a function that fills the real dialog and presses its real button. Screenshots at 1366x768 go to
/tmp/shots/guiauth-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from desktop_app.domain.access import Role
from desktop_app.gui import app as gui_app
from desktop_app.gui.auth import first_start
from desktop_app.gui.auth.accounts_dialog import AccountEditDialog, AccountsDialog
from desktop_app.gui.auth.first_start import FirstStartDialog
from desktop_app.gui.auth.login_dialog import LoginDialog
from desktop_app.gui.auth.password_dialog import PasswordDialog, change_own_password
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.services.accounts import (
    AccountInput,
    AccountService,
    FirstStart,
    create_administrator,
    login,
)
from desktop_app.services.accounts import messages as M
from desktop_app.services.context import AppContext
from desktop_app.services.demo_accounts import DEMO_LOGIN

SHOTS = Path("/tmp/shots")
ADMIN = AccountInput("sari.w", "Sari Wulandari", Role.ADMIN, nip="198501012010012001")
ADMIN_PASSWORD = "rahasia-admin"
OPERATOR = AccountInput("budi", "Budi Santoso", Role.OPERATOR)
OPERATOR_PASSWORD = "sandi-budi-1"


@pytest.fixture(autouse=True)
def no_encryption(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SQLCipher key file is not part of this tree; the lead tests the encrypted path.
    monkeypatch.setattr(first_start, "ENCRYPT", False)


@pytest.fixture
def accounts_db(tmp_path: Path) -> Path:
    """A database with an administrator and an operator (who has set their own password)."""
    path = tmp_path / "kantor.sqlite"
    ctx = create_administrator(path, ADMIN, ADMIN_PASSWORD, encrypt=False).ctx
    try:
        AccountService(ctx).add_account(OPERATOR, OPERATOR_PASSWORD, must_change_password=False)
    finally:
        ctx.close()
    return path


@pytest.fixture
def admin_ctx(accounts_db: Path) -> Iterator[AppContext]:
    ctx = login(accounts_db, ADMIN.username, ADMIN_PASSWORD, verify="structure")
    yield ctx
    ctx.close()


def shoot(widget: QWidget, name: str) -> None:
    """The main window at 1366x768; dialogs at the size they open with on that screen."""
    qtbot_wait_for_layout(widget)
    widget.grab().save(str(SHOTS / f"guiauth-{name}.png"))


def qtbot_wait_for_layout(widget: QWidget) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # pending layout requests, so the grab shows the real size
    if widget.layout() is not None:
        widget.layout().activate()


def type_into(qtbot, edit: QLineEdit, text: str) -> None:  # noqa: ANN001
    edit.clear()
    qtbot.keyClicks(edit, text)


def answering_login(  # noqa: ANN201
    qtbot,  # noqa: ANN001
    username: str,
    password: str,
    calls: list[LoginDialog],
    shot: str = "",
):
    """A LoginDialog.exec that types `username`/`password` and presses Masuk."""

    def fake_exec(dialog: LoginDialog) -> int:
        calls.append(dialog)
        dialog.username.setCurrentText(username)
        type_into(qtbot, dialog.password, password)
        if shot:
            dialog.show()
            shoot(dialog, shot)
        dialog.login_button.click()
        return dialog.result()

    return fake_exec


def start_dialog(qtbot, path: Path) -> LoginDialog:  # noqa: ANN001
    """The start-up login dialog as `ask_login` builds it, shown without blocking."""
    from desktop_app.services.accounts import login_usernames

    dialog = LoginDialog(
        login_usernames(path),
        lambda username, password: login(path, username, password, verify="structure"),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# -- login --------------------------------------------------------------------------------------
def test_login_opens_the_database_as_that_person(qtbot, accounts_db, monkeypatch):
    calls: list[LoginDialog] = []
    monkeypatch.setattr(
        LoginDialog, "exec", answering_login(qtbot, "budi", OPERATOR_PASSWORD, calls)
    )
    ctx = gui_app.open_context(accounts_db, demo=False)
    try:
        assert ctx is not None and ctx.user is not None
        assert ctx.user.username == "budi" and ctx.actor == "Budi Santoso"
        assert len(calls) == 1
        combo = calls[0].username
        assert [combo.itemText(i) for i in range(combo.count())] == ["budi", "sari.w"]
    finally:
        if ctx is not None:
            ctx.close()
    # The next start on this computer offers the same name first.
    monkeypatch.setattr(LoginDialog, "exec", lambda dialog: calls.append(dialog) or 0)
    assert gui_app.open_context(accounts_db, demo=False) is None
    assert calls[-1].username.currentText() == "budi"


def test_wrong_password_is_shown_and_the_dialog_stays(qtbot, accounts_db):
    dialog = start_dialog(qtbot, accounts_db)
    dialog.username.setCurrentText("budi")
    type_into(qtbot, dialog.password, "salah-sekali")
    dialog.login_button.click()
    assert dialog.isVisible() and dialog.value is None
    assert dialog.error.isVisible()
    assert dialog.error.text() == M.WRONG_PASSWORD.text("id")
    assert dialog.password.text() == ""  # typed again from scratch
    shoot(dialog, "login-wrong-password")


def test_locked_out_says_how_long_to_wait(qtbot, accounts_db):
    dialog = start_dialog(qtbot, accounts_db)
    dialog.username.setCurrentText("budi")
    for _ in range(4):  # three free mistakes, the fourth starts the wait
        type_into(qtbot, dialog.password, "salah-sekali")
        dialog.login_button.click()
    type_into(qtbot, dialog.password, OPERATOR_PASSWORD)  # even the right one waits
    dialog.login_button.click()
    assert dialog.isVisible() and dialog.value is None
    assert "Coba lagi dalam" in dialog.error.text() and "detik" in dialog.error.text()


def test_a_disabled_account_is_refused(qtbot, accounts_db, admin_ctx):
    AccountService(admin_ctx).update_account("budi", active=False)
    dialog = start_dialog(qtbot, accounts_db)
    dialog.username.setCurrentText("budi")
    type_into(qtbot, dialog.password, OPERATOR_PASSWORD)
    dialog.login_button.click()
    assert dialog.value is None
    assert dialog.error.text() == M.INACTIVE.text("id", username="budi")


def test_login_dialog_in_english(qtbot, accounts_db):
    from desktop_app.i18n import set_language

    set_language("en")
    dialog = start_dialog(qtbot, accounts_db)
    assert dialog.login_button.text() == "&Log in"
    type_into(qtbot, dialog.password, "wrong-password")
    dialog.login_button.click()
    assert dialog.error.text() == "Wrong user name or password."


def test_cancelled_login_opens_nothing(qtbot, accounts_db, monkeypatch):
    monkeypatch.setattr(LoginDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    assert gui_app.open_context(accounts_db, demo=False) is None


def test_a_reset_password_is_changed_before_work_starts(qtbot, accounts_db, admin_ctx, monkeypatch):
    AccountService(admin_ctx).reset_password("budi", "sementara-1")
    changes: list[PasswordDialog] = []

    def choose_new(dialog: PasswordDialog) -> int:
        changes.append(dialog)
        assert not dialog.old.isVisibleTo(dialog)  # the temporary one was just typed
        type_into(qtbot, dialog.new, "baru-milik-budi")
        type_into(qtbot, dialog.again, "baru-milik-budi")
        dialog.buttons.accepted.emit()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", answering_login(qtbot, "budi", "sementara-1", []))
    monkeypatch.setattr(PasswordDialog, "exec", choose_new)
    ctx = gui_app.open_context(accounts_db, demo=False)
    assert ctx is not None and len(changes) == 1
    try:
        assert not AccountService(ctx).must_change_password("budi")
        AccountService(ctx).verify("budi", "baru-milik-budi")
    finally:
        ctx.close()


# -- first start ---------------------------------------------------------------------------------
def fill_first_start(qtbot, dialog: FirstStartDialog, again: str = ADMIN_PASSWORD) -> None:  # noqa: ANN001
    type_into(qtbot, dialog.full_name, ADMIN.full_name)
    type_into(qtbot, dialog.nip, ADMIN.nip or "")
    type_into(qtbot, dialog.username, ADMIN.username)
    type_into(qtbot, dialog.password, ADMIN_PASSWORD)
    type_into(qtbot, dialog.again, again)


def create(qtbot, dialog: FirstStartDialog) -> None:  # noqa: ANN001
    """Click "Buat administrator" and wait for its worker (creation and encryption run off the
    GUI thread): done when the key page shows or the button is back after a refusal."""
    dialog.create_button.click()
    qtbot.waitUntil(
        lambda: dialog.started is not None or dialog.create_button.isEnabled(), timeout=20000
    )


def test_first_start_creates_the_administrator(qtbot, tmp_path):
    path = tmp_path / "baru.sqlite"
    dialog = FirstStartDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    shoot(dialog, "first-start-empty")
    fill_first_start(qtbot, dialog, again="lain-sekali")
    create(qtbot, dialog)
    assert dialog.account_error.text() == "Kedua kata sandi tidak sama."
    assert dialog.started is None
    type_into(qtbot, dialog.again, ADMIN_PASSWORD)
    type_into(qtbot, dialog.username, "1x")  # the service's rule, shown coded
    create(qtbot, dialog)
    assert dialog.account_error.text() == M.USERNAME_INVALID.text("id")
    type_into(qtbot, dialog.username, ADMIN.username)
    fill_first_start(qtbot, dialog)
    shoot(dialog, "first-start-filled")
    create(qtbot, dialog)
    assert dialog.started is not None and dialog.pages.currentIndex() == 1
    # Not encrypted (tests): no key to show, Lanjut at once.
    assert not dialog.key_label.isVisibleTo(dialog)
    assert dialog.continue_button.isEnabled()
    dialog.continue_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    ctx = dialog.context()
    assert ctx is not None
    try:
        assert ctx.user is not None and ctx.user.role is Role.ADMIN
        assert ctx.actor == "Sari Wulandari (NIP 198501012010012001)"
    finally:
        ctx.close()


def test_recovery_key_is_shown_once(qtbot, tmp_path, monkeypatch):
    key = "K7QF-2M9X-HT4C-PW8R-ZN3D-6YBV-JE5A-LU2G"

    def encrypting(path, data, password, *, encrypt):  # noqa: ANN001, ANN202
        made = create_administrator(path, data, password, encrypt=False)
        return FirstStart(made.ctx, key, True, removed_plain_copy=True, backups_encrypted=[path])

    monkeypatch.setattr(first_start, "create_administrator", encrypting)
    dialog = FirstStartDialog(tmp_path / "baru.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    fill_first_start(qtbot, dialog)
    create(qtbot, dialog)
    assert dialog.key_label.text() == key and dialog.key_label.isVisible()
    assert "Simpan kunci ini di tempat aman" in dialog.key_warning.text()
    note = dialog.encryption_note.text()
    assert "terenkripsi" in note and "sudah dihapus" in note and "1 cadangan" in note
    assert not dialog.continue_button.isEnabled()
    dialog.reject()  # Esc / the close button cannot skip the key
    assert dialog.isVisible()
    shoot(dialog, "recovery-key")
    dialog.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == key
    QGuiApplication.clipboard().clear()
    dialog.noted.setChecked(True)
    assert dialog.continue_button.isEnabled()
    dialog.continue_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    # Once: nothing keeps the key after the page closes.
    assert dialog.key_label.text() == "" and dialog.started is not None
    assert dialog.started.recovery_key is None
    dialog.context().close()


def test_a_database_without_accounts_starts_with_the_first_administrator(
    qtbot, tmp_path, monkeypatch
):
    shown: list[FirstStartDialog] = []

    def answer(dialog: FirstStartDialog) -> int:
        shown.append(dialog)
        fill_first_start(qtbot, dialog)
        create(qtbot, dialog)
        dialog.continue_button.click()
        return dialog.result()

    monkeypatch.setattr(FirstStartDialog, "exec", answer)
    ctx = gui_app.open_context(tmp_path / "baru.sqlite", demo=False)
    assert ctx is not None and len(shown) == 1
    try:
        assert ctx.user is not None and ctx.user.username == ADMIN.username
    finally:
        ctx.close()


# -- the demo -----------------------------------------------------------------------------------
@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    username, full_name, role, nip, password = DEMO_LOGIN
    path = tmp_path / "berdaya-demo.sqlite"
    data = AccountInput(username, full_name, role, nip)
    create_administrator(path, data, password, encrypt=False).ctx.close()
    return path


def test_the_demo_database_logs_in_without_a_dialog(qtbot, demo_db, monkeypatch):
    monkeypatch.setattr(LoginDialog, "exec", lambda dialog: pytest.fail("no dialog in the demo"))
    ctx = gui_app.open_context(demo_db, demo=True)
    try:
        assert ctx is not None and ctx.user is not None
        assert ctx.user.username == DEMO_LOGIN[0] and ctx.user.role is Role.ADMIN
    finally:
        if ctx is not None:
            ctx.close()


def test_never_a_silent_login_on_another_database(qtbot, demo_db, monkeypatch):
    asked: list[LoginDialog] = []
    monkeypatch.setattr(
        LoginDialog, "exec", lambda dialog: asked.append(dialog) or QDialog.DialogCode.Rejected
    )
    assert not gui_app.is_demo_database(demo_db)  # same name, not the demo's path
    assert gui_app.open_context(demo_db) is None
    assert len(asked) == 1


# -- the main window: who is logged in, switch user, Akun menu ---------------------------------
def test_status_bar_and_switch_user(qtbot, qapp, admin_ctx, monkeypatch):
    monkeypatch.setattr(gui_app, "show_main_window", lambda window: window.show())
    monkeypatch.setattr(gui_app, "offer_setup", lambda ctx, window: None)
    session = gui_app._Session(qapp)
    session.show(admin_ctx)
    window = session.window
    qtbot.addWidget(window)
    assert window.user_label.text() == "Pengguna: Sari Wulandari (Administrator)"
    assert window.users_action is not None and window.access_log_action is not None
    window.resize(1366, 768)
    shoot(window, "main-window-admin")
    calls: list[LoginDialog] = []
    monkeypatch.setattr(
        LoginDialog,
        "exec",
        answering_login(qtbot, "budi", OPERATOR_PASSWORD, calls, shot="switch-user"),
    )
    window.switch_user_action.trigger()
    assert len(calls) == 1 and calls[0].windowTitle() == "Ganti pengguna"
    assert admin_ctx.user is not None and admin_ctx.user.username == "budi"
    assert admin_ctx.actor == "Budi Santoso"
    rebuilt = session.window
    assert rebuilt is not window  # role-dependent tabs and menus built again
    qtbot.addWidget(rebuilt)
    assert rebuilt.user_label.text() == "Pengguna: Budi Santoso (Operator kantor)"
    assert rebuilt.users_action is None and rebuilt.access_log_action is None  # not an admin


def test_switch_user_wrong_password_keeps_the_user(qtbot, admin_ctx, monkeypatch):
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    monkeypatch.setattr(LoginDialog, "exec", answering_login(qtbot, "budi", "salah-sekali", []))
    rebuilds: list[bool] = []
    window.rebuild_requested.connect(lambda: rebuilds.append(True))
    window.switch_user()
    assert admin_ctx.user is not None and admin_ctx.user.username == ADMIN.username
    assert not rebuilds


def test_change_own_password(qtbot, admin_ctx):
    dialog = change_own_password(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.old, ADMIN_PASSWORD)
    type_into(qtbot, dialog.new, "baru-sekali-1")
    type_into(qtbot, dialog.again, "baru-sekali-2")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == "Kedua kata sandi baru tidak sama."
    type_into(qtbot, dialog.again, "baru-sekali-1")
    type_into(qtbot, dialog.old, "salah-sekali")
    dialog.buttons.accepted.emit()
    assert dialog.error.text() == M.WRONG_PASSWORD.text("id") and dialog.isVisible()
    shoot(dialog, "change-password")
    type_into(qtbot, dialog.old, ADMIN_PASSWORD)
    type_into(qtbot, dialog.new, "baru-sekali-1")
    type_into(qtbot, dialog.again, "baru-sekali-1")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    AccountService(admin_ctx).verify(ADMIN.username, "baru-sekali-1")


# -- the idle lock ------------------------------------------------------------------------------
def locked_window(qtbot, ctx: AppContext, idle_ms: int = 300) -> MainWindow:  # noqa: ANN001
    window = MainWindow(ctx, idle_lock_ms=idle_ms)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_idle_lock_hides_the_contents_and_unlocks_with_the_password(qtbot, admin_ctx):
    window = locked_window(qtbot, admin_ctx)
    other = QDialog(window)  # e.g. a person's record left open
    other.show()
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert not window.tabs.isVisible() and not other.isVisible()
    assert not window.menuBar().isEnabled()
    screen = window.lock_screen
    assert screen is not None and screen.isVisible()
    assert screen.user_label.text() == "Sari Wulandari (Administrator)"
    shoot(window, "lock-screen")
    type_into(qtbot, screen.password, "salah-sekali")
    screen.unlock_button.click()
    assert window.locked and screen.error.text() == M.WRONG_PASSWORD.text("id")
    type_into(qtbot, screen.password, ADMIN_PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert not window.locked and window.tabs.isVisible() and window.menuBar().isEnabled()
    assert screen.password.text() == ""
    qtbot.waitUntil(lambda: window.locked, timeout=5000)  # and it locks again when idle


def test_typing_and_scanning_count_as_activity(qtbot, admin_ctx):
    window = locked_window(qtbot, admin_ctx, idle_ms=400)
    scan = QLineEdit()  # a barcode scanner types into the counter's field like a keyboard
    qtbot.addWidget(scan)
    scan.show()
    began = time.monotonic()

    def keep_typing() -> bool:
        qtbot.keyClick(scan, Qt.Key.Key_5)
        assert not window.locked
        return time.monotonic() - began > 1.2

    qtbot.waitUntil(keep_typing, timeout=5000)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=5000)  # stops typing: locks


def test_lock_now_and_switch_user_from_the_lock_screen(qtbot, admin_ctx, monkeypatch):
    window = locked_window(qtbot, admin_ctx, idle_ms=60_000)
    from PySide6.QtWidgets import QProgressDialog

    progress = QProgressDialog("Mengekspor…", "Batal", 0, 0, window)  # a job still running
    progress.show()
    window.lock_action.trigger()
    assert window.locked
    assert progress.isVisible() and not progress.wasCanceled()  # the job is not stopped
    progress.close()
    rebuilds: list[bool] = []
    window.rebuild_requested.connect(lambda: rebuilds.append(True))
    monkeypatch.setattr(LoginDialog, "exec", answering_login(qtbot, "budi", OPERATOR_PASSWORD, []))
    window.lock_screen.switch_button.click()
    assert admin_ctx.user is not None and admin_ctx.user.username == "budi"
    assert rebuilds == [True] and not window.locked


def test_no_lock_and_no_account_menu_without_accounts(qtbot, ctx):
    window = MainWindow(ctx, idle_lock_ms=50)
    qtbot.addWidget(window)
    assert window.idle_watcher is None and not hasattr(window, "account_menu")
    assert not window.user_label.isVisibleTo(window)
    window.lock()
    assert not window.locked


def test_settings_set_the_idle_lock_time(qtbot, admin_ctx):
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    dialog = SettingsDialog(admin_ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.idle_lock is not None and dialog.idle_lock.value() == 10
    dialog.show()
    shoot(dialog, "settings-idle-lock")
    dialog.idle_lock.setValue(3)
    dialog.save()
    assert dialog.idle_lock_changed
    assert AccountService(admin_ctx).idle_lock_minutes() == 3


# -- the administrator's accounts dialog --------------------------------------------------------
def fill_account(qtbot, dialog: AccountEditDialog, username: str, password: str) -> None:  # noqa: ANN001
    type_into(qtbot, dialog.username, username)
    type_into(qtbot, dialog.full_name, "Wati Lestari")
    type_into(qtbot, dialog.nip, "199001202015032001")
    dialog.role.setCurrentIndex(dialog.role.findData(str(Role.FIELD)))
    type_into(qtbot, dialog.password, password)
    type_into(qtbot, dialog.again, password)


def test_accounts_dialog_adds_a_user(qtbot, admin_ctx, monkeypatch):
    dialog = AccountsDialog(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 2
    attempts: list[AccountEditDialog] = []

    def add(edit: AccountEditDialog) -> int:
        attempts.append(edit)
        fill_account(qtbot, edit, "wati", "pendek")
        edit.buttons.accepted.emit()
        assert edit.error.text() == M.PASSWORD_WEAK.text("id", minimum=8)  # stays open
        shoot(edit, "account-add-refused")
        fill_account(qtbot, edit, "wati", "sandi-wati-1")
        edit.buttons.accepted.emit()
        return edit.result()

    monkeypatch.setattr(AccountEditDialog, "exec", add)
    dialog.add_button.click()
    assert len(attempts) == 1
    assert dialog.table.rowCount() == 3
    names = [dialog.table.item(r, 0).text() for r in range(3)]
    assert names == ["budi", "sari.w", "wati"]
    assert dialog.table.item(2, 3).text() == "Petugas lapangan"
    shoot(dialog, "accounts")
    added = {a.username: a for a in AccountService(admin_ctx).list_accounts()}["wati"]
    assert added.role is Role.FIELD and added.must_change_password


def test_accounts_dialog_refuses_disabling_the_last_administrator(qtbot, admin_ctx):
    accounts = {a.username: a for a in AccountService(admin_ctx).list_accounts()}
    edit = AccountEditDialog(admin_ctx, accounts[ADMIN.username])
    qtbot.addWidget(edit)
    edit.show()
    assert edit.username.isReadOnly()
    edit.active.setChecked(False)
    edit.buttons.accepted.emit()
    assert edit.error.text() == M.LAST_ADMIN.text("id") and edit.isVisible()


def test_accounts_dialog_edits_and_resets(qtbot, admin_ctx, monkeypatch):
    dialog = AccountsDialog(admin_ctx)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)  # budi

    def promote(edit: AccountEditDialog) -> int:
        edit.supervisor.setChecked(True)
        edit.buttons.accepted.emit()
        return edit.result()

    def reset(password_dialog: PasswordDialog) -> int:
        type_into(qtbot, password_dialog.new, "sementara-2")
        type_into(qtbot, password_dialog.again, "sementara-2")
        password_dialog.buttons.accepted.emit()
        return password_dialog.result()

    monkeypatch.setattr(AccountEditDialog, "exec", promote)
    monkeypatch.setattr(PasswordDialog, "exec", reset)
    dialog.edit_button.click()
    assert dialog.table.item(0, 4).text() == "Ya"
    dialog.table.selectRow(0)
    dialog.reset_button.click()
    assert AccountService(admin_ctx).must_change_password("budi")


def test_accounts_dialog_refused_for_an_operator(qtbot, accounts_db):
    ctx = login(accounts_db, "budi", OPERATOR_PASSWORD, verify="structure")
    try:
        dialog = AccountsDialog(ctx)
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == 0
        assert dialog.error.isVisibleTo(dialog) and dialog.error.text()
    finally:
        ctx.close()


def test_login_dialog_screenshot(qtbot, accounts_db):
    dialog = start_dialog(qtbot, accounts_db)
    dialog.username.setCurrentText("sari.w")
    dialog.password.setFocus()
    shoot(dialog, "login")
