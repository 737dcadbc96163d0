"""The first-run set-up: the office profile, this computer's name, the printer.

Shown when the profile is incomplete (`domain.office.profile_complete`): until then every
document prints a "DRAF" mark. It can be run again from Pengaturan. Everything it saves goes
through the services (`AppContext.save_office_profile`), which refuse a device name another
device holds; the wizard only helps a person get there with the keyboard.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.domain.devices import normalise_device_name
from desktop_app.domain.nik import Issue, Severity
from desktop_app.domain.office import (
    ADDRESS_PLACEHOLDER,
    OfficeProfile,
    missing_profile_fields,
    profile_complete,
)
from desktop_app.gui.errors import show_error
from desktop_app.gui.widgets import IssueLabel, mark_field
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.sync.devices import ROLE_FIELD, DeviceService

__all__ = ["PRINTER_KEY", "SetupWizard", "needs_setup", "saved_printer"]

# Shared with the counter's printing: the printer chosen for receipts on this computer.
PRINTER_KEY = "counter/printer"


def _settings() -> QSettings:
    from desktop_app.gui.app import APPLICATION, ORGANISATION

    return QSettings(ORGANISATION, APPLICATION)


def saved_printer() -> str:
    """The receipt printer chosen on this computer ("" = none chosen: save PDF files)."""
    value = _settings().value(PRINTER_KEY)
    return str(value) if value else ""


def _focus_later(widget: QWidget) -> None:
    """Focus `widget` once the wizard has shown its page (it moves the focus to its own buttons
    when changing pages); nothing happens if the widget is gone by then."""

    def focus() -> None:
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    QTimer.singleShot(0, widget, focus)


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class ProfilePage(QWizardPage):
    """The letterhead and the head of office who signs."""

    FIELDS = ("office_name", "address", "phone", "city", "head_title", "head_name", "head_nip")

    def __init__(self, profile: OfficeProfile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("Profil kantor"))
        self.setSubTitle(
            tr(
                "Kop surat dan penandatangan dokumen. Selama belum lengkap, setiap dokumen "
                "dicetak dengan tanda DRAF."
            )
        )
        labels = {
            "office_name": tr("Nama kantor"),
            "address": tr("Alamat kantor"),
            "phone": tr("Telepon"),
            "city": tr("Kota pada baris tanggal"),
            "head_title": tr("Jabatan kepala dinas"),
            "head_name": tr("Nama kepala dinas"),
            "head_nip": tr("NIP kepala dinas"),
        }
        self.labels = labels
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        for name in self.FIELDS:
            value = str(getattr(profile, name))
            edit = QLineEdit("" if value == ADDRESS_PLACEHOLDER else value)
            edit.setObjectName(name)
            edit.textChanged.connect(self._changed)
            self.edits[name] = edit
            required = name in ("address", "head_title", "head_name", "head_nip")
            form.addRow(labels[name] + (" *" if required else ""), edit)
        self.edits["address"].setPlaceholderText(tr("mis. Jl. Contoh No. 1, Kota Blitar"))
        self.edits["head_nip"].setPlaceholderText(tr("18 digit"))
        self.edits["phone"].setPlaceholderText(tr("mis. (0342) 000000 (boleh kosong)"))
        self.issues = IssueLabel()
        form.addRow(self.issues)
        self.base = profile

    def profile(self) -> OfficeProfile:
        # Any: dataclasses.replace's keywords are checked per field, these are all str fields.
        values: dict[str, Any] = {
            name: " ".join(edit.text().split()) for name, edit in self.edits.items()
        }
        values["head_nip"] = values["head_nip"].replace(" ", "")
        return dataclasses.replace(self.base, **values)

    def initializePage(self) -> None:  # noqa: N802 - Qt's API
        first = next((e for e in self.edits.values() if not e.text().strip()), None)
        _focus_later(first or self.edits["office_name"])
        self._changed()

    def _changed(self) -> None:
        profile = self.profile()
        issues = [i for i in profile.validate() if i.code != "office.device_name"]
        # Say every required field still empty, not only those the profile rules call errors
        # (an empty head of office is fine for the rules but leaves documents a draft).
        for name in ("head_name", "head_nip"):
            if not getattr(profile, name):
                issues.append(
                    Issue(
                        f"office.{name}.required",
                        Severity.ERROR,
                        "{label} wajib diisi.",
                        {"label": self.labels[name]},
                    )
                )
        self.issues.set_issues(issues)
        for name, edit in self.edits.items():
            mark_field(edit, [i for i in issues if i.code.startswith(f"office.{name}")])
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's API
        missing = missing_profile_fields(dataclasses.replace(self.profile(), device_name="KANTOR"))
        return not missing


class DevicePage(QWizardPage):
    """This computer's name (receipt-number prefix). The officer is whoever is logged in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setTitle(tr("Komputer ini"))
        self.setSubTitle(
            tr(
                "Nama perangkat menjadi awalan nomor tanda terima. Setiap komputer perlu nama "
                "sendiri: komputer kantor mis. KANTOR, laptop lapangan LAP01, LAP02, dan "
                "seterusnya."
            )
        )
        joined = DeviceService(ctx).role() == ROLE_FIELD
        self.device_name = QLineEdit(ctx.office.device_name or ctx.device.name)
        self.device_name.setObjectName("device_name")
        self.device_name.setMaxLength(8)
        self.device_name.textChanged.connect(self._changed)
        form = QFormLayout(self)
        form.addRow(tr("Nama perangkat") + " *", self.device_name)
        note = tr(
            "Laptop yang akan dipakai di lapangan: beri nama laptop (mis. LAP01), bukan nama "
            "kantor. Kantor mendaftarkan laptop dengan nama ini."
        )
        if joined:
            self.device_name.setReadOnly(True)
            note = tr(
                "Laptop ini sudah bergabung; namanya diberikan kantor dan tidak diubah di sini."
            )
        form.addRow("", _intro(note))
        self.issues = IssueLabel()
        form.addRow(self.issues)

    def name(self) -> str:
        return normalise_device_name(self.device_name.text())

    def initializePage(self) -> None:  # noqa: N802 - Qt's API
        _focus_later(self.device_name)
        self._changed()

    def _changed(self) -> None:
        text = self.device_name.text()
        if text != text.upper():  # names are capitals: show them as they will be stored
            cursor = self.device_name.cursorPosition()
            self.device_name.setText(text.upper())
            self.device_name.setCursorPosition(cursor)
            return  # setText calls this again
        probe = dataclasses.replace(OfficeProfile(), device_name=self.name())
        issues = [i for i in probe.validate() if i.code == "office.device_name"]
        self.issues.set_issues(issues)
        mark_field(self.device_name, issues)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's API
        return not self.issues.has_errors()


class PrinterPage(QWizardPage):
    """The receipt printer of this computer (optional: receipts can be saved as PDF)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("Printer tanda terima (opsional)"))
        self.setSubTitle(
            tr("Printer untuk mencetak tanda terima di loket ini. Dapat diubah kapan saja.")
        )
        self.printer = QComboBox()
        self.printer.setObjectName("printer")
        self.printer.addItem(tr("(Belum ada printer — simpan sebagai PDF)"), "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer.addItem(name, name)
        current = saved_printer() or QPrinterInfo.defaultPrinterName()
        index = self.printer.findData(current)
        self.printer.setCurrentIndex(max(index, 0))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("Printer"), self.printer)
        layout.addLayout(form)
        if self.printer.count() == 1:
            layout.addWidget(
                _intro(
                    tr(
                        "Tidak ada printer terpasang di komputer ini. Pasang printer di sistem "
                        "operasi lalu jalankan panduan ini lagi dari Pengaturan."
                    )
                )
            )
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's API
        _focus_later(self.printer)

    def chosen(self) -> str:
        return str(self.printer.currentData() or "")


class SetupWizard(QWizard):
    """Three pages; Finish saves everything at once (or shows the refusal and stays)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Panduan penyiapan Berdaya"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("&Lanjut >"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< &Kembali"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("&Selesai"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Nanti saja"))
        self.profile_page = ProfilePage(ctx.office)
        self.device_page = DevicePage(ctx)
        self.printer_page = PrinterPage()
        for page in (self.profile_page, self.device_page, self.printer_page):
            self.addPage(page)
        self.setMinimumSize(720, 520)

    def profile(self) -> OfficeProfile:
        return dataclasses.replace(self.profile_page.profile(), device_name=self.device_page.name())

    def accept(self) -> None:
        try:
            profile = self.profile()
            if profile != self.ctx.office:
                self.ctx.save_office_profile(profile)
        except Exception as exc:  # noqa: BLE001 - shown in the chosen language; wizard stays open
            show_error(self, exc, title=tr("Panduan penyiapan"))
            return
        settings = _settings()
        settings.setValue(PRINTER_KEY, self.printer_page.chosen())
        settings.sync()
        super().accept()


def needs_setup(ctx: AppContext) -> bool:
    """Whether the wizard opens on start: the profile is still incomplete (and the database
    can be written)."""
    return not ctx.db.read_only and not profile_complete(ctx.office)
