"""Adding participants from the registry or registering them on the spot, and withdrawals."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.errors import show_error
from desktop_app.gui.training.models import _RowsModel, format_date
from desktop_app.gui.training.widgets import (
    TrainingFormDialog,
    accept_after,
    date_edit,
    finish_dialog,
)
from desktop_app.gui.widgets import IssueLabel, OptionalDateEdit, date_from_qdate, qdate
from desktop_app.i18n import tr
from desktop_app.services.registry import PersonFilter, PersonInput, PersonRow, RegistryService
from desktop_app.services.training import (
    ParticipantView,
    TrainingRow,
    TrainingService,
)

__all__ = [
    "NewParticipantDialog",
    "ParticipantPickerDialog",
    "PersonResultModel",
    "WithdrawDialog",
]


SEARCH_LIMIT = 200


class PersonResultModel(_RowsModel):
    def __init__(self, taken: set[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.taken = taken

    def titles(self) -> list[str]:
        return [tr("Nama"), tr("NIK"), tr("Tgl lahir"), tr("Alamat"), tr("Kelurahan")]

    def cell(self, row: PersonRow, column: int) -> Any:
        values = [
            row.name + (tr(" (sudah peserta)") if row.id in self.taken else ""),
            row.nik or tr("⚠ tanpa NIK"),
            format_date(row.birth_date),
            row.address,
            row.kelurahan,
        ]
        return values[column]

    def flags(self, index: Any) -> Qt.ItemFlag:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return Qt.ItemFlag.NoItemFlags
        if row.id in self.taken or row.status != "aktif":
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ParticipantPickerDialog(QDialog):
    """Find persons in the registry (the same search as the Registri tab) and add them."""

    def __init__(
        self, service: TrainingService, training: TrainingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.registry = RegistryService(service.ctx)
        self.training = training
        self.added: list[str] = []
        self.setWindowTitle(tr("Tambah peserta dari registri"))
        self.resize(860, 520)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari nama, NIK atau No. KK…"))
        self.search.setClearButtonEnabled(True)
        self.model = PersonResultModel(service.participant_person_ids(training.id), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.add_selected())
        self.status = QLabel()
        self.quota_label = QLabel()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.run_search)

        self.add_button = QPushButton(tr("Tambahkan yang dipilih"))
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_selected)
        close = QPushButton(tr("Tutup"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.quota_label, 1)
        bottom.addWidget(self.add_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self._update_quota()

    def run_search(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        if len(query) < 3:
            self.model.set_rows([])
            self.status.setText(tr("Ketik paling sedikit 3 huruf nama, atau NIK."))
            return
        ids = self.registry.person_ids(PersonFilter(query=query, status="aktif"))
        self.model.set_rows(self.registry.person_rows(ids[:SEARCH_LIMIT]))
        self.table.resizeColumnsToContents()
        if len(ids) > SEARCH_LIMIT:
            self.status.setText(
                tr(
                    "{count} orang cocok; {limit} pertama ditampilkan. Perjelas pencarian.",
                    count=len(ids),
                    limit=SEARCH_LIMIT,
                )
            )
        else:
            self.status.setText(tr("{count} orang cocok.", count=len(ids)))

    def selected_persons(self) -> list[PersonRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def add_selected(self) -> None:
        persons = self.selected_persons()
        if not persons:
            self.status.setText(tr("Pilih orang pada daftar terlebih dahulu."))
            return
        for person in persons:
            try:
                self.added.append(self.service.add_participant(self.training.id, person.id))
            except Exception as exc:  # noqa: BLE001 - stop at the first refusal (e.g. quota)
                show_error(self, exc, title=self.windowTitle())
                break
            self.model.taken.add(person.id)
        self.table.clearSelection()
        self.model.layoutChanged.emit()
        self._update_quota()

    def _update_quota(self) -> None:
        training = self.service.get_training(self.training.id)
        quota = tr(" dari kuota {quota}", quota=training.quota) if training.quota else ""
        self.quota_label.setText(
            tr("Peserta aktif: {count}{quota}", count=training.participants, quota=quota)
        )


class NewParticipantDialog(TrainingFormDialog):
    """Register a new person on the spot and add them, with the registry's NIK checks."""

    def __init__(
        self, service: TrainingService, training: TrainingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(service, tr("Daftarkan peserta baru"), 560, parent)
        self.training = training
        self.participant_id: str | None = None
        self.name = QLineEdit()
        self.sex = QComboBox()
        self.sex.addItem(tr("— pilih —"), "")
        self.sex.addItem(tr("Laki-laki"), "L")
        self.sex.addItem(tr("Perempuan"), "P")
        self.nik = QLineEdit()
        self.nik.setPlaceholderText(tr("16 digit"))
        self.nik.setMaxLength(24)
        self.birth_place = QLineEdit()
        self.birth_date = OptionalDateEdit()
        self.birth_date.set_value(None, default=date(1985, 1, 1))
        self.birth_date.set_maximum(service.ctx.clock.today())
        self.kelurahan = QComboBox()
        self.kelurahan.addItem(tr("— tidak diketahui —"), "")
        for code, name in RegistryService(service.ctx).kelurahan_options():
            self.kelurahan.addItem(name, code)
        self.street = QLineEdit()
        self.phone = QLineEdit()
        form = QFormLayout()
        form.addRow(tr("Nama lengkap"), self.name)
        form.addRow(tr("Jenis kelamin"), self.sex)
        form.addRow(tr("NIK"), self.nik)
        form.addRow(tr("Tempat lahir"), self.birth_place)
        form.addRow(tr("Tanggal lahir"), self.birth_date)
        form.addRow(tr("Alamat (jalan)"), self.street)
        form.addRow(tr("Kelurahan"), self.kelurahan)
        form.addRow(tr("Telepon"), self.phone)
        self.issues = IssueLabel()
        self.buttons = finish_dialog(self, tr("Daftarkan"), self.save, form, self.issues)
        for edit in (self.name, self.nik, self.birth_place):
            edit.textChanged.connect(self._validate)
        self.sex.currentIndexChanged.connect(self._validate)
        self.birth_date.changed.connect(self._validate)
        self._validate()

    def value(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(),
            sex=self.sex.currentData() or "",
            nik=self.nik.text() or None,
            birth_place=self.birth_place.text(),
            birth_date=self.birth_date.value(),
            street=self.street.text(),
            kelurahan_code=self.kelurahan.currentData() or None,
            phone=self.phone.text(),
        )

    def _validate(self) -> None:
        issues = self.service.check_new_participant(self.value())
        # Don't shout about empty required fields before the clerk has typed anything.
        if not self.name.text().strip():
            issues = [i for i in issues if i.code not in ("person.name", "person.sex")]
        self.issues.set_issues(issues)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip()) and not self.issues.has_errors())

    def save(self) -> None:
        inp = self.value()

        def write() -> None:
            self.participant_id = self.service.register_participant(self.training.id, inp)

        accept_after(self, write)


class WithdrawDialog(TrainingFormDialog):
    def __init__(
        self, service: TrainingService, participant: ParticipantView, parent: QWidget | None = None
    ) -> None:
        super().__init__(service, tr("Peserta mundur"), 460, parent)
        self.participant = participant
        today = service.ctx.clock.today()
        self.on = date_edit(today)
        self.on.setMaximumDate(qdate(today))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("mis. bekerja, pindah domisili, sakit berkepanjangan"))
        form = QFormLayout()
        form.addRow(tr("Peserta"), QLabel(f"<b>{html.escape(participant.name)}</b>"))
        form.addRow(tr("Tanggal mundur"), self.on)
        form.addRow(tr("Alasan"), self.reason)
        self.buttons = finish_dialog(self, tr("Simpan"), self.save, form)

    def save(self) -> None:
        reason, on = self.reason.text(), date_from_qdate(self.on.date())
        accept_after(self, lambda: self.service.withdraw(self.participant.id, reason, on))
