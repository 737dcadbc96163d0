"""Pengguna…: the administrator's list of accounts; add, edit role/NIP/supervisor/active, reset
a password. Every rule (username form, NIP digits, weak password, the last administrator) is
the accounts service's; its coded refusals are shown under the form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Role
from desktop_app.gui.auth.common import (
    ErrorLine,
    dialog_buttons,
    form_dialog_layout,
    password_field,
    role_label,
)
from desktop_app.gui.auth.password_dialog import reset_password
from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr
from desktop_app.services.accounts import (
    MIN_PASSWORD,
    AccountInput,
    AccountService,
    AccountView,
)
from desktop_app.services.context import AppContext

__all__ = ["AccountEditDialog", "AccountsDialog"]


class AccountEditDialog(QDialog):
    """A new account (with its first password, which the person changes at the first login)
    or an existing one (username fixed; passwords are reset from the list)."""

    def __init__(
        self, ctx: AppContext, account: AccountView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("account_edit")
        self.ctx = ctx
        self.account = account
        self.setWindowTitle(tr("Tambah pengguna") if account is None else tr("Ubah pengguna"))
        self.setMinimumWidth(480)
        self.username = QLineEdit(account.username if account else "")
        self.username.setObjectName("username")
        self.username.setReadOnly(account is not None)
        self.username.setPlaceholderText(tr("mis. sari.w"))
        self.full_name = QLineEdit(account.full_name if account else "")
        self.full_name.setObjectName("full_name")
        self.nip = QLineEdit((account.nip or "") if account else "")
        self.nip.setObjectName("nip")
        self.nip.setPlaceholderText(tr("18 angka, boleh kosong"))
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in Role:
            self.role.addItem(role_label(role), str(role))
        self.role.setCurrentIndex(
            max(0, self.role.findData(str(account.role if account else Role.OPERATOR)))
        )
        self.supervisor = QCheckBox(tr("Penyelia (batal tanda terima, pengecualian, klaim ganda)"))
        self.supervisor.setObjectName("supervisor")
        self.supervisor.setChecked(bool(account and account.supervisor))
        self.active = QCheckBox(tr("Aktif (boleh masuk)"))
        self.active.setObjectName("active")
        self.active.setChecked(account.active if account else True)
        self.password = password_field("password")
        self.password.setPlaceholderText(tr("minimal {n} karakter", n=MIN_PASSWORD))
        self.again = password_field("password_again")
        form = QFormLayout()
        form.addRow(tr("Nama pengguna") + " *", self.username)
        form.addRow(tr("Nama lengkap") + " *", self.full_name)
        form.addRow(tr("NIP"), self.nip)
        form.addRow(tr("Peran"), self.role)
        form.addRow("", self.supervisor)
        if account is None:
            form.addRow(tr("Kata sandi awal") + " *", self.password)
            form.addRow(tr("Ulangi kata sandi") + " *", self.again)
        else:
            form.addRow("", self.active)
        self.error = ErrorLine()
        self.buttons = dialog_buttons(
            self, QDialogButtonBox.StandardButton.Save, tr("Simpan"), self.save
        )
        form_dialog_layout(self, form, self.error, self.buttons)

    def save(self) -> None:
        service = AccountService(self.ctx)
        role = str(self.role.currentData())
        try:
            if self.account is None:
                if self.password.text() != self.again.text():
                    self.error.show_text(tr("Kedua kata sandi tidak sama."))
                    return
                service.add_account(
                    AccountInput(
                        self.username.text(),
                        self.full_name.text(),
                        role,
                        self.nip.text() or None,
                        self.supervisor.isChecked(),
                    ),
                    self.password.text(),
                )
            else:
                service.update_account(
                    self.account.username,
                    full_name=self.full_name.text(),
                    nip=self.nip.text(),
                    role=role,
                    supervisor=self.supervisor.isChecked(),
                    active=self.active.isChecked(),
                )
        except Exception as exc:  # noqa: BLE001 - refusals under the form; bugs get the dialog
            if not self.error.show_exception(exc):
                show_error(self, exc, title=self.windowTitle())
            return
        self.accept()


def _columns() -> list[str]:
    return [
        tr("Nama pengguna"),
        tr("Nama lengkap"),
        tr("NIP"),
        tr("Peran"),
        tr("Penyelia"),
        tr("Status"),
        tr("Terakhir masuk"),
    ]


class AccountsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accounts_dialog")
        self.ctx = ctx
        self.accounts: list[AccountView] = []
        self.setWindowTitle(tr("Pengguna"))
        self.resize(960, 520)
        self.table = QTableWidget(0, len(_columns()))
        self.table.setObjectName("accounts")
        self.table.setHorizontalHeaderLabels(_columns())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = QPushButton(tr("Tambah…"))
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(tr("Ubah…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.reset_button = QPushButton(tr("Atur ulang kata sandi…"))
        self.reset_button.clicked.connect(self.reset_selected)
        close = QPushButton(tr("Tutup"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.error = ErrorLine()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        try:
            self.accounts = AccountService(self.ctx).list_accounts()
        except Exception as exc:  # noqa: BLE001 - e.g. permission refused: shown, list empty
            self.accounts = []
            if not self.error.show_exception(exc):
                show_error(self, exc, title=self.windowTitle())
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            last = account.last_login_at
            values = [
                account.username,
                account.full_name,
                account.nip or "",
                role_label(account.role),
                tr("Ya") if account.supervisor else "",
                tr("Aktif") if account.active else tr("Nonaktif"),
                last.strftime("%d-%m-%Y %H:%M") if last else "",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, account.username)
                self.table.setItem(row, column, item)
        self._selection_changed()

    def selected(self) -> AccountView | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        return self.accounts[rows.pop()]

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.reset_button.setEnabled(chosen)

    def add(self) -> None:
        if AccountEditDialog(self.ctx, None, self).exec():
            self.reload()

    def edit_selected(self) -> None:
        account = self.selected()
        if account is not None and AccountEditDialog(self.ctx, account, self).exec():
            self.reload()

    def reset_selected(self) -> None:
        account = self.selected()
        if account is not None and reset_password(self.ctx, account.username, self).exec():
            self.reload()
