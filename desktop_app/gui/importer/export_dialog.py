"""The export's options: masked NIK, and the file password a list of restricted data needs.

Shown after the file is chosen and the list is measured (services.exporter.ExportPolicy): the
"NIK disamarkan" box is preset by the policy (on for a role that may not see restricted data),
and the password fields appear when the list holds persons in restricted programs (required)
or the file is an .xlsx (optional). The service enforces the rules again; the dialog only asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.widgets import button_box
from desktop_app.i18n import tr
from desktop_app.services.exporter import MIN_FILE_PASSWORD, ExportPolicy

__all__ = ["ExportChoice", "ExportOptionsDialog"]


@dataclass(frozen=True)
class ExportChoice:
    mask_ids: bool
    password: str | None


class ExportOptionsDialog(QDialog):
    def __init__(self, parent: QWidget | None, policy: ExportPolicy, *, xlsx: bool) -> None:
        super().__init__(parent)
        self.policy = policy
        self.setWindowTitle(tr("Pilihan ekspor"))
        layout = QVBoxLayout(self)
        notice = QLabel(
            tr("Berkas berisi data pribadi: simpan di tempat aman dan jangan disebarluaskan.")
        )
        notice.setWordWrap(True)
        layout.addWidget(notice)
        if policy.restricted:
            restricted = QLabel(
                tr(
                    "Daftar ini memuat {count} orang dalam program terbatas ({programs}). "
                    "Berkas .xlsx dilindungi kata sandi dan ekspor ini dicatat.",
                    count=policy.restricted,
                    programs=policy.programs,
                )
            )
            restricted.setWordWrap(True)
            layout.addWidget(restricted)
        self.mask_box = QCheckBox(tr("NIK dan No. KK disamarkan (3572********0001)"))
        self.mask_box.setChecked(policy.mask_default)
        layout.addWidget(self.mask_box)
        form = QFormLayout()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.asks_password = xlsx or policy.password_required
        if self.asks_password:
            form.addRow(tr("Kata sandi berkas:"), self.password_edit)
            form.addRow(tr("Ulangi kata sandi:"), self.repeat_edit)
        layout.addLayout(form)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #b00020;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        layout.addWidget(button_box(self, tr("Ekspor"), self._accept))

    def _problem(self) -> str | None:
        password = self.password_edit.text()
        if not self.asks_password:
            return None
        if self.policy.password_required and not password:
            return tr("Isi kata sandi berkas.")
        if password and len(password) < MIN_FILE_PASSWORD:
            return tr("Kata sandi berkas minimal {min} karakter.", min=MIN_FILE_PASSWORD)
        if password != self.repeat_edit.text():
            return tr("Kedua kata sandi tidak sama.")
        return None

    def _accept(self) -> None:
        problem = self._problem()
        if problem:
            self.problem_label.setText(problem)
            self.problem_label.show()
            return
        self.accept()

    def choice(self) -> ExportChoice:
        password = self.password_edit.text() if self.asks_password else ""
        return ExportChoice(self.mask_box.isChecked(), password or None)
