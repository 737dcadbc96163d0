"""Household forms: a new KPM or its address, adding a member, a new KK number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue, Severity, validate_kk
from desktop_app.domain.status import RELATION_LABELS
from desktop_app.gui.registry.dialogs.form import (
    AddressFields,
    FormDialog,
    RegionChooser,
    _issue,
    line_edit,
)
from desktop_app.gui.registry.dialogs.person import PersonDialog, PersonPicker, person_line
from desktop_app.gui.widgets import (
    OptionalDateEdit,
    combo_data,
    fill_combo,
    mark_field,
    select_combo_data,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    HouseholdInput,
    PersonRow,
)


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
        super().__init__(
            ctx, tr("Ubah data KPM") if household_id else tr("Tambah KPM"), parent, min_width=640
        )
        self.household_id = household_id
        self.kk = line_edit(tr("16 digit sesuai kartu keluarga"), 24)
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
        super().__init__(ctx, tr("Tambah anggota KPM"), parent, min_width=560)
        self.household_id = household_id
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


class ChangeKkDialog(FormDialog):
    """A new family card number; the old number stays in the KK history."""

    def __init__(self, ctx: AppContext, household_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, tr("Ganti No. KK"), parent, min_width=520)
        self.household_id = household_id
        self.old = self.service.household_detail(household_id).input.kk_number
        self.kk = line_edit(tr("16 digit No. KK baru"), 24)
        self.reason = line_edit(tr("Mis. kepala keluarga baru, pisah KK, KK hilang"))
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
