"""Verifikasi tanda terima / sertifikat: scan or paste a QR code (or open a file of it) and see
whether the receipt or certificate is genuine, and who/when/where its record says."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.errors import Refusal
from desktop_app.i18n import tr, tr_refusal
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.signing import (
    IMAGE_SUFFIXES,
    INVALID,
    UNSIGNED,
    VALID,
    Verification,
    read_code_file,
    verify_code_text,
)

__all__ = ["VerifyDialog"]

# Verdict colours a clerk can tell apart at a glance (and the words say it too).
_COLOURS = {VALID: "#1b7f3b", UNSIGNED: "#9a6700", INVALID: "#b42318"}
_OTHER = "#b42318"


class VerifyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: Verification | None = None
        self.setWindowTitle(tr("Verifikasi tanda terima / sertifikat"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                tr(
                    "Pindai kode QR pada tanda terima atau sertifikat (atau tempelkan teksnya), "
                    "lalu tekan Enter."
                )
            )
        )
        row = QHBoxLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText("BERDAYA|RST4-LAP02-000123|…")
        self.code.setClearButtonEnabled(True)
        self.code.returnPressed.connect(self.check)
        row.addWidget(self.code, 1)
        self.check_button = QPushButton(tr("Periksa"))
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.check_button)
        self.file_button = QPushButton(tr("Buka berkas…"))
        self.file_button.clicked.connect(self.open_file)
        row.addWidget(self.file_button)
        layout.addLayout(row)
        self.verdict = QLabel()
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.code.setFocus()

    def check(self) -> None:
        text = self.code.text().strip()
        if not text:
            return
        try:
            self.show_result(verify_code_text(self.ctx, text))
        except ServiceError as exc:
            self.show_refusal(exc)
        # Ready for the next scan: the scanner types into the selected field.
        self.code.selectAll()
        self.code.setFocus()

    def open_file(self) -> None:
        patterns = " ".join(f"*{s}" for s in (".pdf", *IMAGE_SUFFIXES, ".txt"))
        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Buka berkas tanda terima / sertifikat"), "", f"{tr('Berkas')} ({patterns})"
        )
        if not name:
            return
        try:
            self.code.setText(read_code_file(Path(name)))
        except ServiceError as exc:
            self.show_refusal(exc)
            return
        self.check()

    def show_refusal(self, exc: Refusal) -> None:
        self.result = None
        self.verdict.setText(f'<b style="color:{_OTHER}">{escape(tr_refusal(exc))}</b>')
        self.details.setText("")

    def show_result(self, result: Verification) -> None:
        self.result = result
        colour = _COLOURS.get(result.status, _OTHER)
        html = (
            f'<p style="font-size:16pt; color:{colour}"><b>'
            f"{escape(tr_refusal(Refusal(result.verdict)))}</b></p>"
        )
        if result.reason is not None:
            html += f"<p>{escape(tr_refusal(result.reason))}</p>"
        self.verdict.setText(html)
        rows = "".join(
            f"<tr><td style='padding-right:12px'>{escape(tr(label))}</td>"
            f"<td><b>{escape(tr(value) if label == 'Jenis' else value)}</b></td></tr>"
            for label, value in result.details
        )
        self.details.setText(f"<table>{rows}</table>" if rows else "")
