"""The first start on a database without accounts: create the administrator, then show the
recovery key once.

`create_administrator` encrypts the database under a new key wrapped for the password and for
the recovery key; the key is shown on the second page and nowhere else, ever (it is not stored):
the page cannot be left before "Sudah saya catat" is ticked, and is blanked when it closes.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Role
from desktop_app.gui.auth.common import (
    ErrorLine,
    copy_text,
    password_field,
    passwords_differ,
    recovery_key_label,
)
from desktop_app.gui.errors import show_error
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.accounts import (
    MIN_PASSWORD,
    AccountInput,
    FirstStart,
    create_administrator,
)
from desktop_app.services.context import AppContext

__all__ = ["ENCRYPT", "FirstStartDialog"]

# The app always encrypts; tests switch this off (the SQLCipher key file is another module's
# work, tested on its own).
ENCRYPT = True

RECOVERY_WARNING = (
    "Simpan kunci ini di tempat aman; tanpa kunci ini dan tanpa kata sandi administrator, data "
    "tidak dapat dibuka."
)


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FirstStartDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_start")
        self.path = path
        self.started: FirstStart | None = None
        self.setWindowTitle(tr("Akun administrator pertama"))
        self.setMinimumSize(640, 460)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._account_page())
        self.pages.addWidget(self._key_page())
        # A readable line length even when the dialog is maximised on a wide screen.
        self.pages.setMaximumWidth(860)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pages)

    # -- page 1: the administrator ------------------------------------------------------------
    def _account_page(self) -> QWidget:
        page = QWidget()
        self.full_name = QLineEdit()
        self.full_name.setObjectName("full_name")
        self.nip = QLineEdit()
        self.nip.setObjectName("nip")
        self.nip.setPlaceholderText(tr("18 angka, boleh kosong"))
        self.nip.setMaxLength(21)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(tr("mis. sari.w"))
        self.password = password_field("password")
        self.password.setPlaceholderText(tr("minimal {n} karakter", n=MIN_PASSWORD))
        self.again = password_field("password_again")
        form = QFormLayout()
        form.addRow(tr("Nama lengkap") + " *", self.full_name)
        form.addRow(tr("NIP"), self.nip)
        form.addRow(tr("Nama pengguna") + " *", self.username)
        form.addRow(tr("Kata sandi") + " *", self.password)
        form.addRow(tr("Ulangi kata sandi") + " *", self.again)
        self.account_error = ErrorLine()
        self.create_button = QPushButton(tr("Buat administrator"))
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_account)
        quit_button = QPushButton(tr("Keluar"))
        quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(quit_button)
        layout = QVBoxLayout(page)
        layout.addWidget(
            _intro(
                tr(
                    "Basis data ini belum memiliki akun. Buat akun administrator: ia mengelola "
                    "pengguna, peran, dan pengaturan. Nama lengkap dan NIP tercetak sebagai "
                    "petugas pada tanda terima dan dokumen."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.account_error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def create_account(self) -> None:
        if passwords_differ(
            self.password, self.again, self.account_error, tr("Kedua kata sandi tidak sama.")
        ):
            return
        data = AccountInput(
            self.username.text(), self.full_name.text(), Role.ADMIN, self.nip.text() or None
        )
        password = self.password.text()
        # Encrypting an office's database (150 MB) takes 10-20 s: in a worker, with a progress
        # dialog, never a frozen window. Nothing can be cancelled half-way: the conversion
        # either completes (verified) or leaves the plain file as it was.
        self.create_button.setEnabled(False)
        self.job = run_job(
            lambda _control: create_administrator(self.path, data, password, encrypt=ENCRYPT),
            parent=self,
            title=self.windowTitle(),
            label=tr("Membuat administrator dan mengenkripsi basis data…"),
            on_success=self._created,
            on_error=self._failed,
            write=True,
            cancellable=False,
        )

    def _created(self, started: FirstStart) -> None:
        self.started = started
        self.password.clear()
        self.again.clear()
        self.show_key(started)

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        if not self.account_error.show_exception(exc):
            show_error(self, exc, title=self.windowTitle())

    # -- page 2: the recovery key, once -------------------------------------------------------
    def _key_page(self) -> QWidget:
        page = QWidget()
        self.key_title = QLabel()
        self.key_title.setWordWrap(True)
        self.key_label = recovery_key_label()
        self.key_label.setWordWrap(True)
        self.key_warning = _intro(tr(RECOVERY_WARNING))
        self.key_warning.setStyleSheet("font-weight: bold;")
        self.encryption_note = _intro("")
        self.encryption_note.setObjectName("encryption_note")
        self.noted = QCheckBox(tr("Sudah saya catat"))
        self.noted.setObjectName("noted")
        self.copy_button = QPushButton(tr("Salin"))
        self.copy_button.clicked.connect(self.copy_key)
        self.print_button = QPushButton(tr("Cetak…"))
        self.print_button.clicked.connect(self.print_key)
        self.continue_button = QPushButton(tr("Lanjut"))
        self.continue_button.setObjectName("continue")
        self.continue_button.clicked.connect(self.accept)
        self.noted.toggled.connect(self.continue_button.setEnabled)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.key_title)
        layout.addSpacing(12)
        layout.addWidget(self.key_label)
        layout.addSpacing(12)
        layout.addWidget(self.key_warning)
        layout.addWidget(self.encryption_note)
        layout.addStretch(1)
        layout.addWidget(self.noted)
        layout.addLayout(buttons)
        return page

    def show_key(self, started: FirstStart) -> None:
        name = started.ctx.user.full_name if started.ctx.user else ""
        notes: list[str] = []
        if started.recovery_key:
            self.key_title.setText(
                tr(
                    "Akun administrator {name} sudah dibuat. Ini kunci pemulihan basis data; "
                    "kunci ini hanya ditampilkan sekali.",
                    name=name,
                )
            )
            self.key_label.setText(started.recovery_key)
            notes.append(tr("Basis data kini terenkripsi."))
            if started.removed_plain_copy:
                notes.append(tr("Salinan tanpa enkripsi sudah dihapus."))
            if started.backups_encrypted:
                notes.append(tr("{n} cadangan ikut dienkripsi.", n=len(started.backups_encrypted)))
            self.noted.setChecked(False)
            self.continue_button.setEnabled(False)
        else:
            self.key_title.setText(tr("Akun administrator {name} sudah dibuat.", name=name))
            for widget in (self.key_label, self.key_warning, self.noted):
                widget.setVisible(False)
            self.copy_button.setVisible(False)
            self.print_button.setVisible(False)
            self.continue_button.setEnabled(True)
        self.encryption_note.setText(" ".join(notes))
        self.encryption_note.setVisible(bool(notes))
        self.pages.setCurrentIndex(1)
        self.continue_button.setFocus()

    def copy_key(self) -> None:
        copy_text(self.key_label.text())

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setHtml(
            f"<h2>{html.escape(tr('Kunci pemulihan Berdaya'))}</h2>"
            f"<p>{html.escape(str(self.path))}</p>"
            f"<p style='font-family:monospace; font-size:20pt'><b>"
            f"{html.escape(self.key_label.text())}</b></p>"
            f"<p>{html.escape(tr(RECOVERY_WARNING))}</p>"
        )
        document.print_(printer)

    # -- leaving --------------------------------------------------------------------------------
    def reject(self) -> None:
        # Once the administrator exists the only way on is "Lanjut" (after noting the key).
        if self.started is None:
            super().reject()

    def done(self, result: int) -> None:
        if self.started is not None:
            self.key_label.clear()  # shown once: nothing keeps the key after this page
            self.started.recovery_key = None
        super().done(result)

    def context(self) -> AppContext | None:
        return self.started.ctx if self.started is not None else None
