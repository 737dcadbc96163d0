"""Dialogs of the Pelatihan tab: training form, sessions, participants, withdrawal, override,
training settings. Each dialog calls the service itself on OK and stays open on a refusal, with
the service's Indonesian message, so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.office import INDONESIAN_DAYS
from desktop_app.domain.training import daily_dates
from desktop_app.gui.errors import show_error
from desktop_app.gui.training.models import ROW_ROLE, _RowsModel, format_date
from desktop_app.gui.widgets import IssueLabel, OptionalDateEdit, date_from_qdate, qdate
from desktop_app.i18n import tr
from desktop_app.services.registry import PersonFilter, PersonInput, PersonRow, RegistryService
from desktop_app.services.training import (
    ParticipantView,
    SessionView,
    TrainingInput,
    TrainingRow,
    TrainingService,
    TrainingSettings,
)

__all__ = [
    "DailySessionsDialog",
    "NewParticipantDialog",
    "OverrideDialog",
    "ParticipantPickerDialog",
    "SessionDialog",
    "TrainingDialog",
    "TrainingSettingsDialog",
    "WithdrawDialog",
]

SEARCH_LIMIT = 200


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Batal"))
    buttons.rejected.connect(dialog.reject)
    return buttons


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit


def _time_edit(text: str) -> QTimeEdit:
    edit = QTimeEdit(QTime.fromString(text, "HH:mm"))
    edit.setDisplayFormat("HH.mm")
    return edit


def _try(parent: QWidget, action: Callable[[], Any], title: str) -> bool:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - shown in Indonesian; the dialog stays open
        show_error(parent, exc, title=title)
        return False
    return True


# -- training ---------------------------------------------------------------------------------
class TrainingDialog(QDialog):
    """Create or edit a training."""

    def __init__(
        self,
        service: TrainingService,
        training: TrainingRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.training = training
        self.training_id: str | None = training.id if training else None
        self.setWindowTitle(tr("Ubah pelatihan") if training else tr("Pelatihan baru"))
        self.setMinimumWidth(560)
        today = service.ctx.clock.today()
        inp = training.to_input() if training else None
        self.title_edit = QLineEdit(inp.title if inp else "")
        self.title_edit.setPlaceholderText(tr("mis. Pelatihan Membuat Jajanan Pasar"))
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(list(service.settings().categories))
        if inp:
            self.category.setCurrentText(inp.category)
        self.organiser = QLineEdit(inp.organiser if inp else service.ctx.office.office_name)
        self.trainers = QPlainTextEdit("\n".join(inp.trainers) if inp else "")
        self.trainers.setPlaceholderText(tr("satu nama per baris"))
        self.trainers.setFixedHeight(64)
        self.venue = QLineEdit(inp.venue if inp else "")
        self.start = _date_edit(inp.start_date if inp else today + timedelta(days=7))
        self.end = _date_edit(inp.end_date if inp else today + timedelta(days=11))
        self.start.dateChanged.connect(self._start_changed)
        self.quota = QSpinBox()
        self.quota.setRange(0, 10000)
        self.quota.setSpecialValueText(tr("tanpa batas"))
        self.quota.setValue(inp.quota or 0 if inp else 0)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(
            inp.threshold_pct
            if inp and inp.threshold_pct is not None
            else service.ctx.office.completion_threshold_pct
        )
        self.threshold.setEnabled(not training or training.status != "selesai")
        self.notes = QLineEdit(inp.notes or "" if inp else "")

        form = QFormLayout()
        form.addRow(tr("Nama pelatihan"), self.title_edit)
        form.addRow(tr("Kategori keterampilan"), self.category)
        form.addRow(tr("Penyelenggara"), self.organiser)
        form.addRow(tr("Pelatih"), self.trainers)
        form.addRow(tr("Tempat"), self.venue)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel(tr("s.d.")))
        dates.addWidget(self.end)
        dates.addStretch(1)
        form.addRow(tr("Tanggal"), dates)
        form.addRow(tr("Kuota peserta"), self.quota)
        form.addRow(tr("Syarat kelulusan (hadir minimal)"), self.threshold)
        form.addRow(tr("Catatan"), self.notes)
        self.buttons = _buttons(self, tr("Simpan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _start_changed(self, value: QDate) -> None:
        if self.end.date() < value:
            self.end.setDate(value)

    def value(self) -> TrainingInput:
        return TrainingInput(
            title=self.title_edit.text(),
            category=self.category.currentText(),
            organiser=self.organiser.text(),
            trainers=self.trainers.toPlainText().splitlines(),
            venue=self.venue.text(),
            start_date=date_from_qdate(self.start.date()),
            end_date=date_from_qdate(self.end.date()),
            quota=self.quota.value() or None,
            threshold_pct=self.threshold.value(),
            notes=self.notes.text(),
        )

    def save(self) -> None:
        inp = self.value()

        def write() -> None:
            if self.training_id is None:
                self.training_id = self.service.create_training(inp)
            else:
                self.service.update_training(self.training_id, inp)

        if _try(self, write, self.windowTitle()):
            self.accept()


# -- sessions ---------------------------------------------------------------------------------
class SessionDialog(QDialog):
    """Add or edit one session."""

    def __init__(
        self,
        service: TrainingService,
        training: TrainingRow,
        session: SessionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.training = training
        self.session = session
        self.setWindowTitle(tr("Ubah sesi") if session else tr("Tambah sesi"))
        self.setMinimumWidth(460)
        self.day = _date_edit(session.session_date if session else training.start_date)
        self.start = _time_edit(session.start_time if session and session.start_time else "08:00")
        self.end = _time_edit(session.end_time if session and session.end_time else "12:00")
        self.topic = QLineEdit(session.topic if session else "")
        self.topic.setPlaceholderText(tr("mis. Membuat adonan kue basah"))
        form = QFormLayout()
        form.addRow(tr("Tanggal"), self.day)
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(QLabel(tr("s.d.")))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow(tr("Jam"), times)
        form.addRow(tr("Topik"), self.topic)
        self.buttons = _buttons(self, tr("Simpan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        day = date_from_qdate(self.day.date())
        start, end = self.start.time().toString("HH:mm"), self.end.time().toString("HH:mm")
        topic = self.topic.text()

        def write() -> None:
            if self.session is None:
                self.service.add_session(self.training.id, day, topic, start, end)
            else:
                self.service.update_session(self.session.id, day, topic, start, end)

        if _try(self, write, self.windowTitle()):
            self.accept()


class DailySessionsDialog(QDialog):
    """Several sessions at once: one per day over a date range ("setiap hari 1-5 Desember")."""

    def __init__(
        self, service: TrainingService, training: TrainingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.training = training
        self.created: list[str] = []
        self.setWindowTitle(tr("Tambah beberapa sesi"))
        self.setMinimumWidth(520)
        self.first = _date_edit(training.start_date)
        self.last = _date_edit(training.end_date)
        self.skip_weekends = QCheckBox(tr("Lewati Sabtu dan Minggu"))
        self.start = _time_edit("08:00")
        self.end = _time_edit("12:00")
        self.topics = QPlainTextEdit()
        self.topics.setPlaceholderText(
            tr("Topik per sesi, satu per baris (boleh kosong: 'Sesi 1', 'Sesi 2', …)")
        )
        self.topics.setFixedHeight(110)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        for signal in (self.first.dateChanged, self.last.dateChanged):
            signal.connect(self._update_preview)
        self.skip_weekends.toggled.connect(self._update_preview)
        self.topics.textChanged.connect(self._update_preview)

        form = QFormLayout()
        days = QHBoxLayout()
        days.addWidget(QLabel(tr("Setiap hari dari")))
        days.addWidget(self.first)
        days.addWidget(QLabel(tr("sampai")))
        days.addWidget(self.last)
        days.addStretch(1)
        form.addRow(days)
        form.addRow("", self.skip_weekends)
        times = QHBoxLayout()
        times.addWidget(self.start)
        times.addWidget(QLabel(tr("s.d.")))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow(tr("Jam"), times)
        form.addRow(tr("Topik"), self.topics)
        self.buttons = _buttons(self, tr("Tambahkan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._update_preview()

    def dates(self) -> list[date]:
        first, last = date_from_qdate(self.first.date()), date_from_qdate(self.last.date())
        if (last - first).days > 366:
            return []
        weekdays = range(5) if self.skip_weekends.isChecked() else None
        return list(daily_dates(first, last, weekdays=weekdays))

    def _update_preview(self) -> None:
        dates = self.dates()
        if not dates:
            self.preview.setText(tr("Tidak ada tanggal dalam rentang ini."))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        shown = ", ".join(
            f"{tr(INDONESIAN_DAYS[d.weekday()])[:3]} {d:%d/%m}" for d in dates[:10]
        ) + (" …" if len(dates) > 10 else "")
        self.preview.setText(tr("{count} sesi: {dates}", count=len(dates), dates=shown))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def save(self) -> None:
        dates = self.dates()
        topics = self.topics.toPlainText().splitlines()

        def write() -> None:
            self.created = self.service.add_daily_sessions(
                self.training.id,
                dates[0],
                dates[-1],
                topics=topics,
                start_time=self.start.time().toString("HH:mm"),
                end_time=self.end.time().toString("HH:mm"),
                skip_weekends=self.skip_weekends.isChecked(),
            )

        if dates and _try(self, write, self.windowTitle()):
            self.accept()


# -- participants -----------------------------------------------------------------------------
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


class NewParticipantDialog(QDialog):
    """Register a new person on the spot and add them, with the registry's NIK checks."""

    def __init__(
        self, service: TrainingService, training: TrainingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.training = training
        self.participant_id: str | None = None
        self.setWindowTitle(tr("Daftarkan peserta baru"))
        self.setMinimumWidth(560)
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
        self.buttons = _buttons(self, tr("Daftarkan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.issues)
        layout.addWidget(self.buttons)
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

        if _try(self, write, self.windowTitle()):
            self.accept()


class WithdrawDialog(QDialog):
    def __init__(
        self, service: TrainingService, participant: ParticipantView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.participant = participant
        self.setWindowTitle(tr("Peserta mundur"))
        self.setMinimumWidth(460)
        today = service.ctx.clock.today()
        self.on = _date_edit(today)
        self.on.setMaximumDate(qdate(today))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("mis. bekerja, pindah domisili, sakit berkepanjangan"))
        form = QFormLayout()
        form.addRow(tr("Peserta"), QLabel(f"<b>{participant.name}</b>"))
        form.addRow(tr("Tanggal mundur"), self.on)
        form.addRow(tr("Alasan"), self.reason)
        self.buttons = _buttons(self, tr("Simpan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        reason, on = self.reason.text(), date_from_qdate(self.on.date())
        if _try(
            self,
            lambda: self.service.withdraw(self.participant.id, reason, on),
            self.windowTitle(),
        ):
            self.accept()


class OverrideDialog(QDialog):
    """An administrator issues a certificate below the completion rule, with a reason."""

    def __init__(
        self,
        service: TrainingService,
        participant: ParticipantView,
        pct: int,
        threshold: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.participant = participant
        self.number: str | None = None
        self.setWindowTitle(tr("Sertifikat dengan pengecualian"))
        self.setMinimumWidth(520)
        note = QLabel(
            tr(
                "<b>{name}</b> hadir {pct}%, di bawah syarat {threshold}%. Hanya administrator "
                "yang boleh menerbitkan sertifikat dengan pengecualian. Alasan dan nama pengguna "
                "({actor}) tercatat di riwayat perubahan.",
                name=participant.name,
                pct=pct,
                threshold=threshold,
                actor=service.ctx.actor,
            )
        )
        note.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            tr("mis. dirawat di rumah sakit dua hari, surat dokter terlampir")
        )
        self.reason.setFixedHeight(80)
        self.buttons = _buttons(self, tr("Terbitkan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(QLabel(tr("Alasan pengecualian")))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        reason = self.reason.toPlainText()

        def write() -> None:
            self.number = self.service.issue_certificate_override(self.participant.id, reason)

        if _try(self, write, self.windowTitle()):
            self.accept()


class TrainingSettingsDialog(QDialog):
    def __init__(self, service: TrainingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        settings = service.settings()
        self.setWindowTitle(tr("Pengaturan pelatihan"))
        self.setMinimumWidth(480)
        self.categories = QPlainTextEdit("\n".join(settings.categories))
        self.categories.setFixedHeight(110)
        self.allow = QCheckBox(tr("Izinkan peserta tanpa NIK (dicatat sebagai kasus peringatan)"))
        self.allow.setChecked(settings.allow_without_nik)
        self.allow.setToolTip(tr("Mis. anak yang belum memiliki KTP."))
        form = QFormLayout()
        form.addRow(tr("Kategori keterampilan\n(satu per baris)"), self.categories)
        form.addRow("", self.allow)
        self.buttons = _buttons(self, tr("Simpan"))
        self.buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        settings = TrainingSettings(
            categories=tuple(self.categories.toPlainText().splitlines()),
            allow_without_nik=self.allow.isChecked(),
        )
        if _try(self, lambda: self.service.save_settings(settings), self.windowTitle()):
            self.accept()


def selected_row(view: QTableView) -> Any:
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None
