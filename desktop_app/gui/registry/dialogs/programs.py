"""Enrolling in a program and leaving it."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.nik import Issue
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
from desktop_app.gui.registry.dialogs.form import (
    FormDialog,
    _issue,
)
from desktop_app.gui.registry.models import format_date, restricted_badge, restricted_tooltip
from desktop_app.gui.widgets import (
    OptionalDateEdit,
    combo_data,
    fill_combo,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
)


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
        super().__init__(ctx, tr("Daftarkan ke program"), parent, min_width=600)
        self.person_id = person_id
        self.household_id = household_id
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
        super().__init__(ctx, tr("Keluarkan dari program"), parent, min_width=480)
        self.enrolment = enrolment
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
