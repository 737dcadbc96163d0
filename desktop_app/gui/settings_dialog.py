"""Settings: the office profile (letterhead, region, device name), the interface language, the
idle lock time (administrator), and this computer's receipt printer, receipt size and how many
daily backups are kept. The officer is the logged-in person, not a name typed here."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.office import OfficeProfile
from desktop_app.gui.errors import show_error
from desktop_app.gui.widgets import IssueLabel, button_box, mark_field
from desktop_app.i18n import LANGUAGES, get_language, set_language, tr
from desktop_app.services.context import AppContext

__all__ = ["SettingsDialog"]


def _field_labels() -> dict[str, str]:
    return {
        "office_name": tr("Nama kantor"),
        "government_line": tr("Baris 1 kop surat (pemerintah daerah)"),
        "department_line": tr("Baris 2 kop surat (nama dinas)"),
        "address": tr("Alamat kantor"),
        "phone": tr("Telepon"),
        "email": tr("Email"),
        "city": tr("Kota pada baris tanggal"),
        "region_code": tr("Kode wilayah (Kemendagri)"),
        "province_code": tr("Kode provinsi"),
        "head_title": tr("Jabatan kepala dinas"),
        "head_name": tr("Nama kepala dinas"),
        "head_nip": tr("NIP kepala dinas"),
        "device_name": tr("Nama perangkat"),
    }


def receipt_layout_labels() -> dict[str, str]:
    return {
        "a6": tr("A6"),
        "half_a4": tr("Setengah A4"),
        "thermal80": tr("Printer thermal 80 mm"),
        "thermal58": tr("Printer thermal 58 mm"),
    }


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.language_changed = False
        self.idle_lock_changed = False
        self.setWindowTitle(tr("Pengaturan"))
        self.setMinimumWidth(640)
        labels = _field_labels()
        profile = ctx.office
        self.fields: dict[str, QLineEdit] = {}
        for name in labels:
            edit = QLineEdit(str(getattr(profile, name)))
            edit.textChanged.connect(self._validate)
            self.fields[name] = edit
        self.fields["device_name"].setToolTip(
            tr("Awalan nomor tanda terima dari perangkat ini, 2-8 huruf besar/angka (mis. KANTOR).")
        )
        self.fields["region_code"].setPlaceholderText("35.72")
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(profile.completion_threshold_pct)
        self.threshold.valueChanged.connect(self._validate)

        office_box = QGroupBox(tr("Profil kantor (kop surat dan dokumen)"))
        form = QFormLayout(office_box)
        for name in ("office_name", "government_line", "department_line", "address"):
            form.addRow(labels[name], self.fields[name])
        contact = QHBoxLayout()
        contact.addWidget(self.fields["phone"])
        contact.addWidget(self.fields["email"])
        self.fields["phone"].setPlaceholderText(tr("Telepon"))
        self.fields["email"].setPlaceholderText(tr("Email"))
        form.addRow(tr("Telepon / email"), contact)
        form.addRow(labels["city"], self.fields["city"])
        region = QHBoxLayout()
        region.addWidget(self.fields["region_code"])
        region.addWidget(self.fields["province_code"])
        form.addRow(tr("Kode wilayah / provinsi"), region)
        for name in ("head_title", "head_name", "head_nip", "device_name"):
            form.addRow(labels[name], self.fields[name])
        form.addRow(tr("Batas kehadiran lulus pelatihan"), self.threshold)

        language_box = QGroupBox(tr("Bahasa antarmuka"))
        language_form = QFormLayout(language_box)
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(get_language()))
        language_form.addRow(tr("Bahasa"), self.language)

        # Accounts exist and this person may change settings: the idle lock time.
        self.idle_lock: QSpinBox | None = None
        security_box: QGroupBox | None = None
        if ctx.user is not None and ctx.can(Permission.PROFILE_EDIT):
            from desktop_app.services.accounts import AccountService

            security_box = QGroupBox(tr("Keamanan"))
            security_form = QFormLayout(security_box)
            self.idle_lock = QSpinBox()
            self.idle_lock.setObjectName("idle_lock")
            self.idle_lock.setRange(1, 240)
            self.idle_lock.setSuffix(tr(" menit"))
            self.idle_lock.setValue(AccountService(ctx).idle_lock_minutes())
            self.idle_lock.setToolTip(
                tr(
                    "Tanpa aktivitas selama waktu ini, layar dikunci dan meminta kata sandi "
                    "pengguna."
                )
            )
            security_form.addRow(tr("Kunci otomatis setelah"), self.idle_lock)

        computer_box = QGroupBox(tr("Komputer ini: printer, cadangan"))
        computer_form = QFormLayout(computer_box)
        self._build_computer_fields(computer_form)

        self.issues = IssueLabel()
        self.buttons = button_box(self, tr("Simpan"), self.save, save=True)

        # The first-run wizard again (profile, this computer's name, printer); it saves on its
        # own, so this dialog closes after it without saving its now stale fields.
        self.wizard_button = QPushButton(tr("Jalankan panduan penyiapan…"))
        self.wizard_button.clicked.connect(self.run_setup_wizard)
        self.buttons.addButton(self.wizard_button, QDialogButtonBox.ButtonRole.ResetRole)

        layout = QVBoxLayout(self)
        layout.addWidget(office_box)
        # Side by side: the dialog must fit a 1366x768 screen with a taskbar.
        row = QHBoxLayout()
        row.addWidget(language_box, 1)
        if security_box is not None:
            row.addWidget(security_box, 1)
        layout.addLayout(row)
        layout.addWidget(computer_box)
        layout.addWidget(self.issues)
        layout.addWidget(self.buttons)
        self._validate()

    def run_setup_wizard(self) -> None:
        from desktop_app.gui.setup_wizard import SetupWizard

        if SetupWizard(self.ctx, self).exec():
            self.done(QDialog.DialogCode.Accepted)

    def _build_computer_fields(self, form: QFormLayout) -> None:
        """Per computer (QSettings): the counter's printer and receipt size, backup retention."""
        from desktop_app.gui import printing
        from desktop_app.gui.backup_status import saved_backup_keep
        from desktop_app.gui.distribution.printing import saved_receipt_layout
        from desktop_app.services.backups import MAX_KEEP

        self.printer = QComboBox()
        printing.fill_printer_combo(
            self.printer, printing.available_printers(), printing.saved_printer(), unset_item=True
        )
        self.printer.setToolTip(
            tr("Tanda terima dicetak langsung ke printer ini, tanpa membuka PDF.")
        )
        form.addRow(tr("Printer tanda terima"), self.printer)
        self.receipt_layout = QComboBox()
        for key, label in receipt_layout_labels().items():
            self.receipt_layout.addItem(label, key)
        self.receipt_layout.setCurrentIndex(
            max(0, self.receipt_layout.findData(saved_receipt_layout()))
        )
        form.addRow(tr("Ukuran tanda terima"), self.receipt_layout)
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, MAX_KEEP)
        self.backup_keep.setSuffix(tr(" hari"))
        self.backup_keep.setValue(saved_backup_keep())
        self.backup_keep.setToolTip(
            tr(
                'Basis data disalin sekali sehari ke folder "cadangan" di samping berkasnya; '
                "cadangan yang lebih lama dihapus."
            )
        )
        form.addRow(tr("Simpan cadangan harian"), self.backup_keep)

    def _save_computer_fields(self) -> None:
        from desktop_app.gui import printing
        from desktop_app.gui.backup_status import save_backup_keep
        from desktop_app.gui.distribution.printing import save_receipt_layout

        chosen = str(self.printer.currentData() or "")
        if chosen and chosen != printing.saved_printer():  # "" = not chosen yet
            printing.save_printer(chosen)
        save_receipt_layout(str(self.receipt_layout.currentData()))
        save_backup_keep(self.backup_keep.value())

    def profile(self) -> OfficeProfile:
        values = {name: edit.text().strip() for name, edit in self.fields.items()}
        values["device_name"] = values["device_name"].upper()
        return dataclasses.replace(
            self.ctx.office, **values, completion_threshold_pct=self.threshold.value()
        )

    def _validate(self) -> None:
        issues = self.profile().validate()
        self.issues.set_issues(issues)
        for name, edit in self.fields.items():
            mark_field(edit, [i for i in issues if i.code.startswith(f"office.{name}")])
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not self.issues.has_errors())

    def save(self) -> None:
        profile = self.profile()
        if self.issues.has_errors():
            return
        if profile != self.ctx.office:
            try:
                self.ctx.save_office_profile(profile)
            except Exception as exc:  # noqa: BLE001 - shown in Indonesian, dialog stays open
                show_error(self, exc, title=tr("Pengaturan"))
                return
        if self.idle_lock is not None:
            from desktop_app.services.accounts import AccountService

            service = AccountService(self.ctx)
            if self.idle_lock.value() != service.idle_lock_minutes():
                try:
                    service.set_idle_lock_minutes(self.idle_lock.value())
                except Exception as exc:  # noqa: BLE001 - shown translated, dialog stays open
                    show_error(self, exc, title=tr("Pengaturan"))
                    return
                self.idle_lock_changed = True
        self._save_computer_fields()
        lang = self.language.currentData()
        if lang != get_language():
            from desktop_app.gui.app import save_language

            set_language(lang)
            save_language(lang)
            self.language_changed = True
        self.accept()
