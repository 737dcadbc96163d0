"""Dialogs of the Penyaluran tab: a new round, who collected (proxy), and a reason."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import ERROR_BACKGROUND, ERROR_COLOUR, OptionalDateEdit, button_box
from desktop_app.i18n import tr
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution import DistributionService, PointInput, Proxy, ReceiptView
from desktop_app.services.distribution.messages import POINTS_FILE_NOT_CHOSEN

__all__ = [
    "NewRoundDialog",
    "ProxyDialog",
    "ReasonDialog",
    "ask_correction",
    "ask_proxy",
    "ask_reason",
    "relation_label",
]


def relation_label(relation: str | None) -> str:
    return {
        "same_kk": tr("Anggota KK yang sama"),
        "surat_kuasa": tr("Dengan surat kuasa"),
        "ahli_waris": tr("Ahli waris (satu KK)"),
    }.get(relation or "", relation or "")


def _ok_cancel(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """OK/Cancel wired to the dialog's accept (which validates) and reject."""
    return button_box(dialog, ok_text or "")


class _ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)
        self.setStyleSheet(
            f"QLabel {{ color: {ERROR_COLOUR}; background: {ERROR_BACKGROUND}; padding: 6px; "
            "border-radius: 4px; }"
        )

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setVisible(bool(message))


class NewRoundDialog(QDialog):
    """Program, name, item and quantity, dates, and where it is handed out."""

    def __init__(self, service: DistributionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.round_id: str | None = None
        self.points_file: Path | None = None
        self.setWindowTitle(tr("Putaran penyaluran baru"))
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.program = QComboBox()
        for program in PROGRAMS.values():
            self.program.addItem(program.name, program.code)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("mis. Rastrada Tahap IV 2025"))
        self.item = QLineEdit(tr("Beras"))
        self.quantity = QDoubleSpinBox()
        self.quantity.setRange(0, 100000)
        self.quantity.setDecimals(1)
        self.quantity.setValue(30)
        self.unit = QLineEdit("kg")
        self.start = OptionalDateEdit(label=tr("Ditentukan"))
        self.end = OptionalDateEdit(label=tr("Ditentukan"))
        today = service.ctx.clock.today()
        self.start.set_value(None, today)
        self.end.set_value(None, today)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("otomatis"))
        self.code.setMaxLength(8)
        self.by_kelurahan = QRadioButton(tr("Satu titik per kelurahan (kantor kelurahan)"))
        self.by_file = QRadioButton(tr("Dari berkas CSV titik salur…"))
        self.by_kelurahan.setChecked(True)
        self.file_label = QLabel("")
        choose = QPushButton(tr("Pilih berkas…"))
        choose.clicked.connect(self._choose_file)
        points = QVBoxLayout()
        points.addWidget(self.by_kelurahan)
        file_row = QHBoxLayout()
        file_row.addWidget(self.by_file)
        file_row.addWidget(choose)
        file_row.addWidget(self.file_label, 1)
        points.addLayout(file_row)
        form.addRow(tr("Program"), self.program)
        form.addRow(tr("Nama putaran"), self.name)
        form.addRow(tr("Barang"), self.item)
        qty_row = QHBoxLayout()
        qty_row.addWidget(self.quantity)
        qty_row.addWidget(self.unit)
        form.addRow(tr("Jumlah per penerima"), qty_row)
        form.addRow(tr("Tanggal mulai"), self.start)
        form.addRow(tr("Tanggal selesai"), self.end)
        form.addRow(tr("Kode (nomor tanda terima)"), self.code)
        form.addRow(tr("Titik salur"), points)
        self.error = _ErrorLabel()
        buttons = _ok_cancel(self, tr("Buat putaran"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("Berkas titik salur"), "", tr("Berkas CSV (*.csv)")
        )
        if chosen:
            self.set_points_file(Path(chosen))

    def set_points_file(self, path: Path) -> None:
        self.points_file = path
        self.file_label.setText(path.name)
        self.by_file.setChecked(True)

    def accept(self) -> None:
        """Create the round; problems stay in the dialog so nothing typed is lost."""
        try:
            points: list[PointInput] | None = None
            if self.by_file.isChecked():
                if self.points_file is None:
                    raise ServiceError(POINTS_FILE_NOT_CHOSEN)
                points = self.service.points_from_file(self.points_file)
            self.round_id = self.service.create_round(
                program_code=str(self.program.currentData()),
                name=self.name.text(),
                item=self.item.text(),
                quantity=self.quantity.value(),
                unit=self.unit.text(),
                start_date=self.start.value(),
                end_date=self.end.value(),
                code=self.code.text().strip() or None,
                points=points,
            )
        except ServiceError as exc:
            self.error.show_message(user_message(exc) or exc.message)
            return
        super().accept()


class ProxyDialog(QDialog):
    """Who collected for the recipient: a member of the same KK, someone with a letter of
    authority, or (for a deceased recipient) an heir on the same KK."""

    def __init__(
        self,
        recipient: str,
        candidates: list[tuple[str, str, str]],
        deceased: bool,
        parent: QWidget | None = None,
        *,
        prefill: Proxy | None = None,
        correction_of: str | None = None,
    ) -> None:
        """`prefill`: the collector to offer (the member whose KTP was scanned).
        `correction_of`: a receipt number whose collector is being corrected: the dialog then
        also asks for the reason and offers "the recipient in person"."""
        super().__init__(parent)
        self.correction_of = correction_of
        self.setWindowTitle(
            tr("Koreksi pengambil {number}", number=correction_of)
            if correction_of
            else tr("Diambil oleh wakil")
        )
        self.setMinimumWidth(560)
        self.proxy: Proxy | None = None
        self.reason_text = ""
        intro = QLabel()
        intro.setWordWrap(True)
        if deceased:
            intro.setText(
                tr(
                    "<b>{name}</b> tercatat meninggal dunia. Hanya ahli waris yang satu KK yang "
                    "boleh mengambil.",
                    name=html.escape(recipient),
                )
            )
        else:
            intro.setText(
                tr(
                    "Penerima: <b>{name}</b>. Anggota KK yang sama menunjukkan KK dan KTP; orang "
                    "lain wajib membawa surat kuasa.",
                    name=html.escape(recipient),
                )
            )
        if correction_of:
            intro.setText(
                tr(
                    "Koreksi siapa yang mengambil untuk <b>{name}</b> (tanda terima {number}). "
                    "Tanda terimanya tetap tercatat; koreksi disimpan dengan alasan dan hanya "
                    "dapat dilakukan pada hari yang sama.",
                    name=html.escape(recipient),
                    number=html.escape(correction_of),
                )
            )
        self.members = QListWidget()
        for name, nik, relation in candidates:
            item = QListWidgetItem(f"{name} — {nik} ({relation or '-'})")
            item.setData(Qt.ItemDataRole.UserRole, (name, nik))
            self.members.addItem(item)
        self.members.setMaximumHeight(120)
        self.members.itemClicked.connect(self._pick)
        self.members.itemActivated.connect(self._pick)
        self.name = QLineEdit()
        self.nik = QLineEdit()
        self.nik.setMaxLength(20)
        self.nik.setPlaceholderText(tr("16 digit sesuai KTP"))
        self.relation = QComboBox()
        for key in ("same_kk", "surat_kuasa", "ahli_waris"):
            self.relation.addItem(relation_label(key), key)
        self.relation.setCurrentIndex(2 if deceased else 0)
        self.deceased = deceased
        self.in_person = QCheckBox(tr("Penerima mengambil sendiri (tanpa wakil)"))
        self.in_person.toggled.connect(self._in_person_toggled)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("mis. yang datang istrinya, bukan kepala keluarga"))
        form = QFormLayout()
        if correction_of:
            form.addRow("", self.in_person)
        form.addRow(tr("Nama pengambil"), self.name)
        form.addRow(tr("NIK pengambil"), self.nik)
        form.addRow(tr("Hubungan"), self.relation)
        if correction_of:
            form.addRow(tr("Alasan koreksi"), self.reason)
        self.error = _ErrorLabel()
        buttons = _ok_cancel(self, tr("Simpan koreksi") if correction_of else tr("Catat diterima"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if candidates:
            layout.addWidget(QLabel(tr("Anggota KK (klik untuk mengisi):")))
            layout.addWidget(self.members)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if prefill is not None:
            self.set_values(prefill.name, prefill.nik, prefill.relation)
        # Enter accepts what is prefilled; otherwise the clerk starts with the name.
        (self.reason if correction_of and prefill else self.name).setFocus()

    def _in_person_toggled(self, checked: bool) -> None:
        for widget in (self.name, self.nik, self.relation, self.members):
            widget.setEnabled(not checked)

    def _pick(self, item: QListWidgetItem) -> None:
        name, nik = item.data(Qt.ItemDataRole.UserRole)
        self.name.setText(name)
        self.nik.setText(nik)
        self.relation.setCurrentIndex(
            self.relation.findData("ahli_waris" if self.deceased else "same_kk")
        )

    def set_values(self, name: str, nik: str, relation: str) -> None:
        self.name.setText(name)
        self.nik.setText(nik)
        self.relation.setCurrentIndex(max(self.relation.findData(relation), 0))

    def show_error(self, message: str) -> None:
        self.error.show_message(message)

    def accept(self) -> None:
        self.reason_text = " ".join(self.reason.text().split())
        if self.correction_of and not self.reason_text:
            self.error.show_message(tr("Alasan koreksi wajib diisi."))
            return
        if self.correction_of and self.in_person.isChecked():
            self.proxy = None
            super().accept()
            return
        if not self.name.text().strip() or not self.nik.text().strip():
            self.error.show_message(tr("Nama dan NIK pengambil wajib diisi."))
            return
        self.proxy = Proxy(self.name.text(), self.nik.text(), str(self.relation.currentData()))
        super().accept()


class ReasonDialog(QDialog):
    """A reason for a void, a refusal or an absence."""

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        required: bool = True,
        default: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.required = required
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.reason = QLineEdit(default)
        self.error = _ErrorLabel()
        buttons = _ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def value(self) -> str:
        return " ".join(self.reason.text().split())

    def accept(self) -> None:
        if self.required and not self.value():
            self.error.show_message(tr("Alasan wajib diisi."))
            return
        super().accept()


def ask_reason(
    parent: QWidget, title: str, prompt: str, *, required: bool = True, default: str = ""
) -> str | None:
    """The reason typed, or None when cancelled (tests replace this)."""
    dialog = ReasonDialog(title, prompt, required=required, default=default, parent=parent)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_proxy(
    parent: QWidget,
    recipient: str,
    candidates: list[tuple[str, str, str]],
    deceased: bool,
    record: Callable[[Proxy], ReceiptView],
    prefill: Proxy | None = None,
) -> ReceiptView | None:
    """Show the proxy dialog until `record(proxy)` succeeds or the clerk cancels; a refusal is
    shown inside the dialog so the clerk can correct it (tests replace this)."""
    dialog = ProxyDialog(recipient, candidates, deceased, parent, prefill=prefill)
    while dialog.exec() == QDialog.DialogCode.Accepted and dialog.proxy is not None:
        try:
            return record(dialog.proxy)
        except ServiceError as exc:
            dialog.show_error(user_message(exc) or exc.message)
    return None


def ask_correction(
    parent: QWidget,
    recipient: str,
    number: str,
    candidates: list[tuple[str, str, str]],
    deceased: bool,
    record: Callable[[Proxy | None, str], ReceiptView],
    prefill: Proxy | None = None,
) -> ReceiptView | None:
    """The proxy dialog in correction mode (who collected, the reason) until
    `record(proxy or None for in person, reason)` succeeds or the clerk cancels (tests replace
    this)."""
    dialog = ProxyDialog(
        recipient, candidates, deceased, parent, prefill=prefill, correction_of=number
    )
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            return record(dialog.proxy, dialog.reason_text)
        except ServiceError as exc:
            dialog.show_error(user_message(exc) or exc.message)
    return None
