"""Registry dialogs: person and household forms with inline validation, program enrolment,
leaving a program, status changes, KK changes and household membership.

Every dialog validates as the clerk types: errors (red) disable Save, warnings (amber) are shown
but do not block. Saving calls one RegistryService method (one transaction with change log).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue, Severity, validate_kk
from desktop_app.domain.programs import (
    ABH_ROLES,
    DETAIL_ABH_ROLE,
    DETAIL_DISABILITY_DEGREE,
    DETAIL_DISABILITY_RAGAM,
    DISABILITY_DEGREE,
    DISABILITY_RAGAM,
    PROGRAMS,
    Unit,
    validate_enrolment,
)
from desktop_app.domain.status import RELATION_LABELS, SEX_LABELS, STATUS_LABELS, PersonStatus
from desktop_app.gui.errors import show_error
from desktop_app.gui.registry.models import format_date, restricted_badge, restricted_tooltip
from desktop_app.gui.widgets import (
    IssueLabel,
    OptionalDateEdit,
    combo_data,
    fill_combo,
    mark_field,
    select_combo_data,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
    HouseholdInput,
    PersonFilter,
    PersonInput,
    PersonRow,
    RegistryService,
    ValidationFailed,
)

__all__ = [
    "AddMemberDialog",
    "ChangeKkDialog",
    "EnrolDialog",
    "HouseholdDialog",
    "LeaveProgramDialog",
    "PersonDialog",
    "StatusDialog",
]

VALIDATE_DELAY_MS = 150


def _issue(code: str, template: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(code=code, severity=severity, template=template)


class FormDialog(QDialog):
    """A dialog with an issue area and Save/Cancel; subclasses implement check() and commit()."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RegistryService(ctx)
        self.setWindowTitle(title)
        self.issues = IssueLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button.setText(tr("Simpan"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Batal"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        self.result_id: str | None = None

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def schedule_validation(self, *_args: object) -> None:
        self._timer.start()

    def check(self) -> list[Issue]:
        raise NotImplementedError

    def commit(self) -> str | None:
        raise NotImplementedError

    def mark_fields(self, issues: Sequence[Issue]) -> None:
        """Outline the fields the issues are about (subclasses map issue codes to fields)."""

    def finish_layout(self, layout: QVBoxLayout) -> None:
        """Issues and buttons at the bottom; spare height goes above them, not into the issues."""
        layout.addStretch(1)
        layout.addWidget(self.issues)
        layout.addWidget(self.buttons)

    def validate_now(self) -> list[Issue]:
        self._timer.stop()
        issues = self.check()
        self.issues.set_issues(issues)
        self.mark_fields(issues)
        self.save_button.setEnabled(not self.issues.has_errors())
        # Grow when a longer message appears, so nothing overlaps (never shrink under the user).
        wanted = self.sizeHint().height()
        if self.isVisible() and self.height() < wanted:
            self.resize(self.width(), wanted)
        return issues

    def save(self) -> None:
        if self.issues_block():
            return
        try:
            self.result_id = self.commit()
        except ValidationFailed as exc:
            self.issues.set_issues(exc.issues)
            self.mark_fields(exc.issues)
            self.save_button.setEnabled(False)
            return
        except Exception as exc:  # noqa: BLE001 - a refusal or failed write: tell, keep the form
            show_error(self, exc, title=self.windowTitle())
            return
        self.accept()

    def issues_block(self) -> bool:
        self.validate_now()
        return self.issues.has_errors()


def _line(placeholder: str = "", max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


class RegionChooser(QWidget):
    """Kecamatan then kelurahan: the kelurahan list follows the chosen kecamatan."""

    def __init__(self, service: RegistryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.kecamatan = QComboBox()
        self.kelurahan = QComboBox()
        self.kecamatan.setMinimumWidth(160)
        self.kelurahan.setMinimumWidth(180)
        fill_combo(
            self.kecamatan,
            [(None, tr("— pilih kecamatan —")), *service.kecamatan_options()],
        )
        self.kecamatan.currentIndexChanged.connect(self._kecamatan_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kecamatan)
        layout.addWidget(self.kelurahan, 1)
        self._kecamatan_changed()

    def _kecamatan_changed(self, *_args: object) -> None:
        kec = combo_data(self.kecamatan)
        options = self.service.kelurahan_options(kec) if kec else []
        fill_combo(self.kelurahan, [(None, tr("— pilih kelurahan —")), *options])

    def value(self) -> str | None:
        return combo_data(self.kelurahan)

    def set_value(self, kelurahan_code: str | None) -> None:
        if not kelurahan_code:
            select_combo_data(self.kecamatan, None)
            return
        region = self.service.ctx.regions.get(kelurahan_code)
        parent = region.parent_code if region is not None else None
        select_combo_data(self.kecamatan, parent)
        self._kecamatan_changed()
        select_combo_data(self.kelurahan, kelurahan_code)


class AddressFields(QWidget):
    """Street, RT, RW on one line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.street = _line(tr("Jalan, nomor rumah, dusun/lingkungan"))
        self.rt = _line(tr("RT"), 3)
        self.rw = _line(tr("RW"), 3)
        for edit in (self.rt, self.rw):
            edit.setFixedWidth(56)
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.street, 1)
        layout.addWidget(QLabel(tr("RT")))
        layout.addWidget(self.rt)
        layout.addWidget(QLabel(tr("RW")))
        layout.addWidget(self.rw)


class PersonDialog(FormDialog):
    """Add or edit a person; as "add member" it also asks the relation to the head."""

    def __init__(
        self,
        ctx: AppContext,
        person_id: str | None = None,
        *,
        household_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if person_id:
            title = tr("Ubah data orang")
        elif household_id:
            title = tr("Tambah anggota keluarga baru")
        else:
            title = tr("Tambah orang")
        super().__init__(ctx, title, parent)
        self.person_id = person_id
        self.household_id = household_id
        self.setMinimumWidth(680)

        self.nik = _line(tr("16 digit sesuai KTP/KK"), 24)
        self.name = _line(tr("Nama lengkap sesuai KTP"))
        self.sex = QComboBox()
        fill_combo(
            self.sex,
            [(None, tr("— pilih —")), *((code, tr(label)) for code, label in SEX_LABELS.items())],
        )
        self.birth_place = _line(tr("Kota/kabupaten"))
        self.birth_date = OptionalDateEdit(optional=True, label=tr("Tanggal lahir diketahui"))
        self.birth_date.set_value(None, default=date(1970, 1, 1))
        self.birth_date.set_maximum(ctx.clock.today())
        self.address = AddressFields()
        self.region = RegionChooser(self.service)
        self.phone = _line(tr("Nomor HP (boleh kosong)"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(56)
        self.notes.setPlaceholderText(tr("Catatan petugas (boleh kosong)"))
        self.relation = QComboBox()
        fill_combo(
            self.relation,
            [(rel.value, tr(label)) for rel, label in RELATION_LABELS.items()],
        )
        select_combo_data(self.relation, "anak")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(tr("NIK"), self.nik)
        form.addRow(tr("Nama lengkap *"), self.name)
        form.addRow(tr("Jenis kelamin *"), self.sex)
        born = QHBoxLayout()
        born.addWidget(self.birth_place, 1)
        born.addWidget(self.birth_date, 2)
        form.addRow(tr("Tempat / tanggal lahir"), born)
        form.addRow(tr("Alamat"), self.address)
        form.addRow(tr("Kecamatan / kelurahan"), self.region)
        form.addRow(tr("Telepon"), self.phone)
        if household_id and not person_id:
            form.addRow(tr("Hubungan dalam keluarga"), self.relation)
        form.addRow(tr("Catatan"), self.notes)
        hint = QLabel(
            tr(
                "Tanda * wajib diisi. Kesalahan (merah) harus diperbaiki sebelum menyimpan; "
                "peringatan (kuning) boleh disimpan setelah diperiksa."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        self.finish_layout(layout)

        if person_id:
            self._load(person_id)
        elif household_id:
            detail = self.service.household_detail(household_id)
            self.address.street.setText(detail.input.street or "")
            self.address.rt.setText(detail.input.rt or "")
            self.address.rw.setText(detail.input.rw or "")
            self.region.set_value(detail.input.kelurahan_code)

        for edit in (self.nik, self.name, self.birth_place, self.phone):
            edit.textChanged.connect(self.schedule_validation)
        self.sex.currentIndexChanged.connect(self.schedule_validation)
        self.birth_date.changed.connect(self.schedule_validation)
        self.region.kelurahan.currentIndexChanged.connect(self.schedule_validation)
        self.validate_now()

    def _load(self, person_id: str) -> None:
        inp = self.service.get_person(person_id).input
        self.nik.setText(inp.nik or "")
        self.name.setText(inp.name)
        select_combo_data(self.sex, inp.sex)
        self.birth_place.setText(inp.birth_place or "")
        self.birth_date.set_value(inp.birth_date, default=date(1970, 1, 1))
        self.address.street.setText(inp.street or "")
        self.address.rt.setText(inp.rt or "")
        self.address.rw.setText(inp.rw or "")
        self.region.set_value(inp.kelurahan_code)
        self.phone.setText(inp.phone or "")
        self.notes.setPlainText(inp.notes or "")

    def person_input(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(),
            sex=combo_data(self.sex) or "",
            nik=self.nik.text(),
            birth_place=self.birth_place.text(),
            birth_date=self.birth_date.value(),
            street=self.address.street.text(),
            rt=self.address.rt.text(),
            rw=self.address.rw.text(),
            kelurahan_code=self.region.value(),
            phone=self.phone.text(),
            notes=self.notes.toPlainText(),
        )

    def check(self) -> list[Issue]:
        return self.service.check_person(self.person_input(), person_id=self.person_id)

    def mark_fields(self, issues: Sequence[Issue]) -> None:
        def about(*prefixes: str) -> list[Issue]:
            return [i for i in issues if i.code.startswith(prefixes)]

        mark_field(self.nik, about("nik.", "dup.nik"))
        mark_field(self.name, about("person.name", "dup.similar"))
        mark_field(self.sex, about("person.sex", "nik.sex"))
        mark_field(self.birth_date.edit, about("person.birth_date", "nik.birthdate"))

    def commit(self) -> str | None:
        inp = self.person_input()
        if self.person_id:
            self.service.update_person(self.person_id, inp)
            return self.person_id
        if self.household_id:
            return self.service.create_person(
                inp, household_id=self.household_id, relation=combo_data(self.relation)
            )
        return self.service.create_person(inp)


class PersonPicker(QWidget):
    """Find an existing person by name or NIK (for heads and members)."""

    def __init__(self, service: RegistryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.query = _line(tr("Ketik nama atau NIK (minimal 3 huruf/angka)…"))
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(140)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query)
        layout.addWidget(self.results)

    def search_now(self) -> None:
        self._timer.stop()
        self.results.clear()
        text = self.query.text().strip()
        if len(text) < 3:
            return
        ids = self.service.person_ids(PersonFilter(query=text, status="aktif"))[:30]
        for row in self.service.person_rows(ids):
            item = QListWidgetItem(person_line(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def selected(self) -> PersonRow | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def person_line(row: PersonRow) -> str:
    parts = [row.name, row.nik or tr("tanpa NIK"), format_date(row.birth_date)]
    if row.kk_number:
        parts.append(tr("KK {kk}", kk=row.kk_number))
    else:
        parts.append(tr("belum masuk KPM"))
    return " · ".join(p for p in parts if p)


class HouseholdDialog(FormDialog):
    """Add a KPM (with its head) or edit its address. The KK number changes via ChangeKkDialog."""

    def __init__(
        self,
        ctx: AppContext,
        household_id: str | None = None,
        *,
        head: PersonRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, tr("Ubah data KPM") if household_id else tr("Tambah KPM"), parent)
        self.household_id = household_id
        self.setMinimumWidth(640)
        self.kk = _line(tr("16 digit sesuai kartu keluarga"), 24)
        self.address = AddressFields()
        self.region = RegionChooser(self.service)
        self.head_picker: PersonPicker | None = None
        self.head = head

        form = QFormLayout()
        form.addRow(tr("No. KK *"), self.kk)
        form.addRow(tr("Alamat"), self.address)
        form.addRow(tr("Kecamatan / kelurahan"), self.region)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if household_id:
            detail = self.service.household_detail(household_id)
            self.kk.setText(detail.input.kk_number)
            self.kk.setReadOnly(True)
            self.kk.setToolTip(tr("Gunakan 'Ganti No. KK' agar riwayat nomor lama tersimpan."))
            self._fill_address(detail.input)
        else:
            head_box = QGroupBox(tr("Kepala keluarga *"))
            head_layout = QVBoxLayout(head_box)
            if head is not None:
                head_layout.addWidget(QLabel(person_line(head)))
                self._fill_from_person(head)
            else:
                self.head_picker = PersonPicker(self.service)
                self.head_picker.results.currentItemChanged.connect(self._head_chosen)
                head_layout.addWidget(
                    QLabel(tr("Cari orang yang sudah terdaftar (tambahkan dulu jika belum ada):"))
                )
                head_layout.addWidget(self.head_picker)
            layout.addWidget(head_box)
        self.finish_layout(layout)
        self.kk.textChanged.connect(self.schedule_validation)
        self.region.kelurahan.currentIndexChanged.connect(self.schedule_validation)
        self.validate_now()

    def _fill_address(self, inp: HouseholdInput) -> None:
        self.address.street.setText(inp.street or "")
        self.address.rt.setText(inp.rt or "")
        self.address.rw.setText(inp.rw or "")
        self.region.set_value(inp.kelurahan_code)

    def _fill_from_person(self, row: PersonRow) -> None:
        inp = self.service.get_person(row.id).input
        if not self.address.street.text():
            self._fill_address(HouseholdInput("", inp.street, inp.rt, inp.rw, inp.kelurahan_code))

    def _head_chosen(self, *_args: object) -> None:
        row = self.head_picker.selected() if self.head_picker is not None else None
        if row is not None:
            self._fill_from_person(row)
        self.schedule_validation()

    def chosen_head(self) -> PersonRow | None:
        if self.head is not None:
            return self.head
        return self.head_picker.selected() if self.head_picker is not None else None

    def household_input(self) -> HouseholdInput:
        return HouseholdInput(
            kk_number=self.kk.text(),
            street=self.address.street.text(),
            rt=self.address.rt.text(),
            rw=self.address.rw.text(),
            kelurahan_code=self.region.value(),
        )

    def check(self) -> list[Issue]:
        issues = self.service.check_household(self.household_input(), self.household_id)
        if self.household_id is None:
            head = self.chosen_head()
            if head is None:
                issues.append(_issue("household.head", "Pilih kepala keluarga."))
            elif head.kk_number:
                issues.append(
                    Issue(
                        "household.head",
                        Severity.ERROR,
                        "{name} sudah menjadi anggota KPM lain (KK {kk}).",
                        {"name": head.name, "kk": head.kk_number},
                    )
                )
        return issues

    def mark_fields(self, issues: Sequence[Issue]) -> None:
        mark_field(self.kk, [i for i in issues if i.code.startswith(("kk.", "dup.kk"))])

    def commit(self) -> str | None:
        if self.household_id:
            self.service.update_household(self.household_id, self.household_input())
            return self.household_id
        head = self.chosen_head()
        return self.service.create_household(
            self.household_input(), head_person_id=head.id if head else None
        )


class AddMemberDialog(FormDialog):
    """Add an already registered person to a household, with the relation to the head."""

    def __init__(self, ctx: AppContext, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Tambah anggota KPM"), parent)
        self.household_id = household_id
        self.setMinimumWidth(560)
        self.picker = PersonPicker(self.service)
        self.relation = QComboBox()
        fill_combo(
            self.relation,
            [
                (rel.value, tr(label))
                for rel, label in RELATION_LABELS.items()
                if rel.value != "kepala"
            ],
        )
        select_combo_data(self.relation, "anak")
        self.new_person = QPushButton(tr("Orang belum terdaftar? Tambah orang baru…"))
        self.new_person.clicked.connect(self._add_new)
        form = QFormLayout()
        form.addRow(tr("Hubungan dalam keluarga"), self.relation)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Cari orang yang akan ditambahkan:")))
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(self.new_person, 0, Qt.AlignmentFlag.AlignLeft)
        self.finish_layout(layout)
        self.picker.results.currentItemChanged.connect(self.schedule_validation)
        self.validate_now()

    def _add_new(self) -> None:
        dialog = PersonDialog(self.ctx, household_id=self.household_id, parent=self)
        if dialog.exec():
            self.result_id = dialog.result_id
            self.accept()

    def check(self) -> list[Issue]:
        row = self.picker.selected()
        if row is None:
            return [_issue("member.person", "Pilih orang yang akan ditambahkan.")]
        if row.kk_number:
            return [
                Issue(
                    "member.other_household",
                    Severity.ERROR,
                    "{name} sudah menjadi anggota KPM lain (KK {kk}).",
                    {"name": row.name, "kk": row.kk_number},
                )
            ]
        return []

    def commit(self) -> str | None:
        row = self.picker.selected()
        assert row is not None
        self.service.add_member(self.household_id, row.id, combo_data(self.relation) or "lainnya")
        return row.id


class EnrolDialog(FormDialog):
    """Enrol a person (or their household, for household programs) in a program."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        person_id: str | None = None,
        household_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, tr("Daftarkan ke program"), parent)
        self.person_id = person_id
        self.household_id = household_id
        self.setMinimumWidth(600)
        self.birth_date: date | None = None
        subject = ""
        if person_id:
            record = self.service.get_person(person_id)
            self.birth_date = record.input.birth_date
            self.household_id = household_id or record.household_id
            subject = record.input.name
        elif household_id:
            subject = tr("KPM {kk}", kk=self.service.household_detail(household_id).row.kk_number)

        self.program = QComboBox()
        options: list[tuple[str | None, str]] = [(None, tr("— pilih program —"))]
        for program in PROGRAMS.values():
            if person_id is None and program.unit != Unit.HOUSEHOLD:
                continue  # a household view enrols households only
            label = program.name
            if program.unit == Unit.HOUSEHOLD:
                label += tr(" — untuk seluruh KPM")
            if program.sensitive:
                label += tr(" — data terbatas")
            options.append((program.code, label))
        fill_combo(self.program, options)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #444;")
        self.restricted = QLabel(
            restricted_badge()
            + " "
            + tr("Data pribadi spesifik (UU PDP): hanya petugas berwenang yang boleh melihat.")
        )
        self.restricted.setToolTip(restricted_tooltip())
        self.restricted.setWordWrap(True)
        self.restricted.setStyleSheet(
            "QLabel { background: #f3e8fd; color: #4a148c; padding: 4px; border-radius: 4px; }"
        )
        self.start = OptionalDateEdit(optional=False)
        self.start.set_value(ctx.clock.today())
        self.start.set_maximum(ctx.clock.today())

        self.ragam_box = QGroupBox(tr("Ragam disabilitas (UU 8/2016)"))
        ragam_layout = QVBoxLayout(self.ragam_box)
        self.ragam: dict[str, QCheckBox] = {}
        for key, label in DISABILITY_RAGAM.items():
            check = QCheckBox(tr(label))
            check.toggled.connect(self.schedule_validation)
            ragam_layout.addWidget(check)
            self.ragam[key] = check
        self.degree = QComboBox()
        fill_combo(
            self.degree,
            [(None, tr("— belum ditentukan —"))]
            + [(k, tr(v)) for k, v in DISABILITY_DEGREE.items()],
        )
        self.degree.currentIndexChanged.connect(self.schedule_validation)
        degree_row = QFormLayout()
        degree_row.addRow(tr("Tunggal / ganda / multi"), self.degree)
        ragam_layout.addLayout(degree_row)

        self.abh_box = QGroupBox(tr("Kedudukan anak dalam perkara"))
        abh_layout = QVBoxLayout(self.abh_box)
        self.abh_role = QButtonGroup(self)
        for key, label in ABH_ROLES.items():
            radio = QRadioButton(tr(label))
            radio.setProperty("role_key", key)
            radio.toggled.connect(self.schedule_validation)
            self.abh_role.addButton(radio)
            abh_layout.addWidget(radio)

        form = QFormLayout()
        if subject:
            form.addRow(tr("Peserta"), QLabel(f"<b>{html.escape(subject)}</b>"))
        form.addRow(tr("Program *"), self.program)
        form.addRow("", self.description)
        form.addRow(tr("Mulai tanggal *"), self.start)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restricted)
        layout.addWidget(self.ragam_box)
        layout.addWidget(self.abh_box)
        self.finish_layout(layout)
        self.program.currentIndexChanged.connect(self._program_changed)
        self.start.changed.connect(self.schedule_validation)
        self._program_changed()

    def _program_changed(self, *_args: object) -> None:
        code = combo_data(self.program)
        program = PROGRAMS.get(code) if code else None
        self.description.setText(tr(program.description) if program else "")
        self.description.setVisible(program is not None)
        self.restricted.setVisible(bool(program and program.sensitive))
        self.ragam_box.setVisible(code == "DISABILITAS")
        self.abh_box.setVisible(code == "ABH")
        self.adjustSize()
        self.validate_now()

    def details(self) -> dict:
        code = combo_data(self.program)
        if code == "DISABILITAS":
            details: dict = {
                DETAIL_DISABILITY_RAGAM: [k for k, c in self.ragam.items() if c.isChecked()]
            }
            degree = combo_data(self.degree)
            if degree:
                details[DETAIL_DISABILITY_DEGREE] = degree
            return details
        if code == "ABH":
            button = self.abh_role.checkedButton()
            return {DETAIL_ABH_ROLE: button.property("role_key")} if button else {}
        return {}

    def check(self) -> list[Issue]:
        code = combo_data(self.program)
        if not code:
            return [_issue("enrol.program", "Pilih program.")]
        program = PROGRAMS[code]
        start = self.start.value() or self.ctx.clock.today()
        birth = None if program.unit == Unit.HOUSEHOLD else self.birth_date
        issues = validate_enrolment(program, birth_date=birth, on=start, details=self.details())
        if program.unit == Unit.HOUSEHOLD and not self.household_id:
            issues.append(
                _issue(
                    "enrol.household",
                    "Program ini untuk KPM: orang ini belum terdaftar dalam KPM. "
                    "Buat KPM atau tambahkan ke KPM dulu.",
                )
            )
        for enrolment in self._active_enrolments():
            if enrolment.program_code == code:
                issues.append(_issue("enrol.active", "Sudah terdaftar aktif di program ini."))
        return issues

    def _active_enrolments(self) -> list[EnrolmentView]:
        if self.person_id:
            return [e for e in self.service.person_detail(self.person_id).enrolments if e.active]
        if self.household_id:
            return [
                e for e in self.service.household_detail(self.household_id).enrolments if e.active
            ]
        return []

    def commit(self) -> str | None:
        code = combo_data(self.program)
        assert code is not None
        program = PROGRAMS[code]
        return self.service.enrol(
            code,
            person_id=self.person_id if program.unit == Unit.PERSON else None,
            household_id=self.household_id if program.unit == Unit.HOUSEHOLD else None,
            start_date=self.start.value(),
            details=self.details(),
        )


class LeaveProgramDialog(FormDialog):
    def __init__(
        self, ctx: AppContext, enrolment: EnrolmentView, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, tr("Keluarkan dari program"), parent)
        self.enrolment = enrolment
        self.setMinimumWidth(480)
        self.end = OptionalDateEdit(optional=False)
        self.end.set_value(ctx.clock.today())
        self.end.set_maximum(ctx.clock.today())
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(
            [
                "",
                tr("Tidak memenuhi syarat lagi"),
                tr("Mengundurkan diri"),
                tr("Pindah domisili"),
                tr("Meninggal dunia"),
                tr("Data ganda"),
            ]
        )
        self.reason.lineEdit().setPlaceholderText(tr("Pilih atau ketik alasan"))
        form = QFormLayout()
        form.addRow(tr("Program"), QLabel(f"<b>{html.escape(tr(enrolment.program_name))}</b>"))
        form.addRow(tr("Terdaftar sejak"), QLabel(format_date(enrolment.start_date)))
        form.addRow(tr("Tanggal keluar *"), self.end)
        form.addRow(tr("Alasan *"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if enrolment.via_household:
            whole = QLabel(tr("Program ini untuk seluruh KPM: semua anggota keluarga ikut keluar."))
            whole.setWordWrap(True)
            whole.setStyleSheet("color: #8a5300;")
            layout.addWidget(whole)
        self.finish_layout(layout)
        self.reason.currentTextChanged.connect(self.schedule_validation)
        self.end.changed.connect(self.schedule_validation)
        self.validate_now()

    def check(self) -> list[Issue]:
        issues = []
        end = self.end.value()
        if end is not None and end < self.enrolment.start_date:
            issues.append(_issue("leave.date", "Tanggal keluar tidak boleh sebelum tanggal mulai."))
        if not self.reason.currentText().strip():
            issues.append(_issue("leave.reason", "Alasan keluar program wajib diisi."))
        return issues

    def commit(self) -> str | None:
        end = self.end.value()
        assert end is not None
        self.service.leave_program(self.enrolment.id, end, self.reason.currentText())
        return self.enrolment.id


class StatusDialog(FormDialog):
    """Record a status change (meninggal, pindah, keluar, aktif again) as history."""

    def __init__(self, ctx: AppContext, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Ubah status"), parent)
        self.person_id = person_id
        self.setMinimumWidth(520)
        record = self.service.get_person(person_id)
        self.current = record.status
        self.status = QComboBox()
        fill_combo(
            self.status,
            [(None, tr("— pilih status baru —"))]
            + [
                (status.value, tr(label))
                for status, label in STATUS_LABELS.items()
                if status.value != record.status
            ],
        )
        self.effective = OptionalDateEdit(optional=True, label=tr("Tanggal diketahui"))
        self.effective.set_value(ctx.clock.today())
        self.effective.set_maximum(ctx.clock.today())
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(64)
        self.note.setPlaceholderText(
            tr("Mis. nomor akta kematian, alamat baru, atau sumber informasi")
        )
        self.consequence = QLabel()
        self.consequence.setWordWrap(True)
        self.consequence.setStyleSheet("color: #8a5300;")
        form = QFormLayout()
        form.addRow(tr("Nama"), QLabel(f"<b>{html.escape(record.input.name)}</b>"))
        form.addRow(tr("Status sekarang"), QLabel(tr(STATUS_LABELS[PersonStatus(record.status)])))
        form.addRow(tr("Status baru *"), self.status)
        form.addRow(tr("Berlaku sejak"), self.effective)
        form.addRow(tr("Keterangan"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.consequence)
        self.finish_layout(layout)
        self.status.currentIndexChanged.connect(self.schedule_validation)
        self.effective.changed.connect(self.schedule_validation)
        self.validate_now()

    def check(self) -> list[Issue]:
        status = combo_data(self.status)
        self.consequence.setText(
            tr(
                "Kepesertaan program perorangan akan diakhiri pada tanggal tersebut. "
                "Riwayat tetap tersimpan."
            )
            if status and status != PersonStatus.AKTIF.value
            else ""
        )
        self.consequence.setVisible(bool(self.consequence.text()))
        if not status:
            return [_issue("status.choose", "Pilih status baru.")]
        if status == PersonStatus.MENINGGAL.value and self.effective.value() is None:
            return [_issue("status.date", "Tanggal meninggal wajib diisi.")]
        return []

    def commit(self) -> str | None:
        status = combo_data(self.status)
        assert status is not None
        self.service.set_status(
            self.person_id, status, self.effective.value(), self.note.toPlainText()
        )
        return self.person_id


class ChangeKkDialog(FormDialog):
    """A new family card number; the old number stays in the KK history."""

    def __init__(self, ctx: AppContext, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Ganti No. KK"), parent)
        self.household_id = household_id
        self.setMinimumWidth(520)
        self.old = self.service.household_detail(household_id).input.kk_number
        self.kk = _line(tr("16 digit No. KK baru"), 24)
        self.reason = _line(tr("Mis. kepala keluarga baru, pisah KK, KK hilang"))
        self.valid_from = OptionalDateEdit(optional=False)
        self.valid_from.set_value(ctx.clock.today())
        self.valid_from.set_maximum(ctx.clock.today())
        form = QFormLayout()
        form.addRow(tr("No. KK lama"), QLabel(self.old))
        form.addRow(tr("No. KK baru *"), self.kk)
        form.addRow(tr("Berlaku sejak"), self.valid_from)
        form.addRow(tr("Alasan *"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.finish_layout(layout)
        self.kk.textChanged.connect(self.schedule_validation)
        self.reason.textChanged.connect(self.schedule_validation)
        self.validate_now()

    def check(self) -> list[Issue]:
        issues = validate_kk(self.kk.text(), office_province=self.ctx.office.province_code)
        if not issues:
            issues = [
                replace(i, code="dup.kk")
                for i in self.service.check_household(HouseholdInput(self.kk.text()))
                if i.code == "dup.kk"
            ]
        if self.kk.text().strip() and "".join(self.kk.text().split()) == self.old:
            issues.append(_issue("kk.same", "No. KK baru sama dengan yang lama."))
        if not self.reason.text().strip():
            issues.append(_issue("kk.reason", "Alasan penggantian No. KK wajib diisi."))
        return issues

    def mark_fields(self, issues: Sequence[Issue]) -> None:
        mark_field(self.kk, [i for i in issues if i.code != "kk.reason"])

    def commit(self) -> str | None:
        self.service.change_kk(
            self.household_id, self.kk.text(), self.reason.text(), self.valid_from.value()
        )
        return self.household_id
