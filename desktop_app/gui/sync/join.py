"""The laptop's first join: before a fresh laptop trusts an office, the person at it compares the
office's key fingerprint with the office's screen, or types the checkout's one-time code. The
service refuses the join without one of the two; this dialog only asks for it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.sync.checkout import order_kinds
from desktop_app.gui.sync.models import format_count
from desktop_app.gui.widgets import button_box
from desktop_app.i18n import tr
from desktop_app.services.sync import ENTITY_LABELS
from desktop_app.services.sync.views import JoinOffer

__all__ = ["JoinDialog", "ask_join_confirmation"]

_CODE_DIGITS = 10


class JoinDialog(QDialog):
    """Shows the office fingerprint; OK once the person ticks that it matches or types a code."""

    def __init__(self, offer: JoinOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        self.setWindowTitle(tr("Bergabung dengan kantor"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "Laptop ini akan menjadi laptop lapangan <b>{device}</b> kantor <b>{office}</b>. "
                "Pastikan bundel ini benar dari kantor Anda sebelum ada data yang disimpan.",
                device=html.escape(offer.device_name),
                office=html.escape(offer.office_name),
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.fingerprint = QLabel(
            tr("Sidik kunci kantor di bundel ini:")
            + f"<br><span style='font-size:20pt; font-family:monospace'>"
            f"{html.escape(offer.office_fingerprint)}</span>"
        )
        layout.addWidget(self.fingerprint)
        carries = ", ".join(
            f"{tr(ENTITY_LABELS.get(kind, kind))}: {format_count(n)}"
            for kind, n in sorted(offer.counts.items(), key=lambda kv: order_kinds(kv[0]))
        )
        if carries:
            content = QLabel(tr("Isi checkout: {carries}.", carries=carries))
            content.setWordWrap(True)
            content.setStyleSheet("color: #555;")
            layout.addWidget(content)
        self.matches = QCheckBox(
            tr("Sama persis dengan sidik kunci di layar kantor atau ringkasan checkout")
        )
        layout.addWidget(self.matches)
        layout.addWidget(QLabel(tr("atau ketik kode sekali pakai dari kantor:")))
        self.code = QLineEdit()
        self.code.setPlaceholderText("12345-67890")
        self.code.setMaxLength(20)
        layout.addWidget(self.code)
        hint = QLabel(
            tr(
                "Bila sidik kunci berbeda atau kode tidak ada, jangan bergabung: tanyakan ke "
                "kantor. Bundel dari kantor lain tidak dapat dibatalkan setelah bergabung."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #8a1c1c;")
        layout.addWidget(hint)
        buttons = button_box(self, tr("Bergabung"))
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        self.matches.toggled.connect(self._update)
        self.code.textChanged.connect(self._update)
        self._update()

    def _typed_code(self) -> str:
        return "".join(ch for ch in self.code.text() if ch.isdigit())

    def _update(self) -> None:
        self.ok_button.setEnabled(
            self.matches.isChecked() or len(self._typed_code()) == _CODE_DIGITS
        )

    def answer(self) -> tuple[str | None, str | None]:
        """(fingerprint confirmed, code typed): what the service checks. A typed code wins."""
        if len(self._typed_code()) == _CODE_DIGITS:
            return None, self.code.text()
        return (self.offer.office_fingerprint if self.matches.isChecked() else None), None


def ask_join_confirmation(
    parent: QWidget, offer: JoinOffer
) -> tuple[str | None, str | None] | None:
    """The person's answer, or None when they cancelled (module-level so tests can replace it)."""
    dialog = JoinDialog(offer, parent)
    if not dialog.exec():
        return None
    return dialog.answer()
