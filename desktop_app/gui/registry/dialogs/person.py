"""Adding and editing a person, and picking an existing person for a household."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue, parse_nik
from desktop_app.domain.status import RELATION_LABELS, SEX_LABELS
from desktop_app.gui.registry.dialogs.form import (
    VALIDATE_DELAY_MS,
    AddressFields,
    FormDialog,
    RegionChooser,
    line_edit,
)
from desktop_app.gui.registry.models import format_date
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
    PersonFilter,
    PersonInput,
    PersonRow,
    RegistryService,
)


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
        super().__init__(ctx, title, parent, min_width=680)
        self.person_id = person_id
        self.household_id = household_id

        self.nik = line_edit(tr("16 digit sesuai KTP/KK"), 24)
        self.name = line_edit(tr("Nama lengkap sesuai KTP"))
        self.sex = QComboBox()
        fill_combo(
            self.sex,
            [(None, tr("— pilih —")), *((code, tr(label)) for code, label in SEX_LABELS.items())],
        )
        self.birth_place = line_edit(tr("Kota/kabupaten"))
        self.birth_date = OptionalDateEdit(optional=True, label=tr("Tanggal lahir diketahui"))
        # Empty until known: the NIK fills it (see _fill_from_nik), or the clerk ticks the box.
        self.birth_date.set_value(None)
        self.birth_date.set_maximum(ctx.clock.today())
        self.address = AddressFields()
        self.region = RegionChooser(self.service)
        self.phone = line_edit(tr("Nomor HP (boleh kosong)"))
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

        self.nik.textChanged.connect(self._fill_from_nik)
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
        self.birth_date.set_value(inp.birth_date)
        self.address.street.setText(inp.street or "")
        self.address.rt.setText(inp.rt or "")
        self.address.rw.setText(inp.rw or "")
        self.region.set_value(inp.kelurahan_code)
        self.phone.setText(inp.phone or "")
        self.notes.setPlainText(inp.notes or "")

    def _fill_from_nik(self, text: str) -> None:
        """A valid NIK already says the sex and the birth date: fill what is still empty (never
        overwrite what the clerk chose; a disagreement is the validator's warning)."""
        info = parse_nik(text, today=self.ctx.clock.today())
        if info is None:
            return
        if combo_data(self.sex) is None:
            select_combo_data(self.sex, info.sex)
        if self.birth_date.value() is None and info.birth_date <= self.ctx.clock.today():
            self.birth_date.set_value(info.birth_date)

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
        self.query = line_edit(tr("Ketik nama atau NIK (minimal 3 huruf/angka)…"))
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
