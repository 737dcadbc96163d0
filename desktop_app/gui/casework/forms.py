"""The keyboard-first dialogs of the Layanan tab.

Each form saves through `CaseworkService` when Simpan (or Enter) is pressed; a refusal is shown
inline, coded (`gui.errors.user_message`), and the dialog stays open so nothing typed is lost.
Choices and the assessment fields come from `desktop_app.domain.casework` (data, not code).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.casework import (
    ACTIVITY_KINDS,
    CASEWORK_PROGRAMS,
    CLOSE_REASONS,
    DEFAULT_VISIT_EVERY_DAYS,
    DEVICE_KINDS,
    PLACEMENTS,
    REFERRAL_TARGETS,
    SIHORE_CONDITIONS,
    SIHORE_SERVICES,
    SPPA_STAGES,
    ActivityKind,
    stage_move_allowed,
)
from desktop_app.gui.casework.models import label, program_label
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import (
    OptionalDateEdit,
    button_box,
    combo_data,
    date_from_qdate,
    fill_combo,
    qdate,
    select_combo_data,
)
from desktop_app.i18n import tr
from desktop_app.services.casework import CaseDetail, CaseworkService, GoalInput
from desktop_app.services.context import ServiceError
from desktop_app.services.registry import PersonFilter, RegistryService

__all__ = [
    "ActivityDialog",
    "CaseForm",
    "CloseCaseDialog",
    "DeviceRequestDialog",
    "HandOverDialog",
    "OpenCaseDialog",
    "PlanDialog",
    "ReferralDialog",
    "StageDialog",
    "VisitDialog",
    "date_edit",
    "fill_choices",
    "notes_edit",
]

NOTES_HEIGHT = 70


def date_edit(value: date, maximum: date | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    if maximum is not None:
        edit.setMaximumDate(qdate(maximum))
    return edit


def fill_choices(combo: QComboBox, choices: Mapping[str, str], blank: str | None = None) -> None:
    options: list[tuple[str | None, str]] = [(None, blank)] if blank is not None else []
    fill_combo(combo, options + [(k, label(choices, k)) for k in choices], keep=False)


def notes_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setFixedHeight(NOTES_HEIGHT)
    return edit


class _Incomplete(Exception):
    """Something the form itself needs before the service is asked (its text is shown)."""


class CaseForm(QDialog):
    """A form that saves with one service call: `save()` returns True when it was stored."""

    def __init__(self, svc: CaseworkService, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.setWindowTitle(title)
        self.result_value: Any = None
        self.refusal_code = ""  # the code of the refusal shown (tests and logs branch on it)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self.buttons = button_box(self, tr("Simpan"), self.submit, save=True)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setDefault(True)
        save.setAutoDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    @property
    def today(self) -> date:
        return self.svc.ctx.clock.today()

    def save(self) -> Any:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.result_value = self.save()
        except ServiceError as exc:
            self.show_refusal(exc)
            return
        except _Incomplete as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        self.accept()

    def show_refusal(self, exc: BaseException) -> None:
        message = user_message(exc)
        if message is None:
            raise exc
        self.refusal_code = str(getattr(exc, "code", ""))
        self.error.setText(message)
        self.error.setVisible(True)

    def refusal_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()


# -- opening a case ----------------------------------------------------------------------------
class OpenCaseDialog(CaseForm):
    """Pick a person enrolled in the program (registry search), the program and the worker."""

    SEARCH_LIMIT = 50

    def __init__(
        self, svc: CaseworkService, program: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(svc, tr("Buka kasus"), parent)
        self.registry = RegistryService(svc.ctx)
        self.program = QComboBox()
        fill_combo(self.program, [(code, program_label(code)) for code in CASEWORK_PROGRAMS])
        select_combo_data(self.program, program)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Cari nama atau NIK penerima program…"))
        self.people = QListWidget()
        self.people.setMinimumHeight(150)
        self.setMinimumWidth(560)
        self.worker = QLineEdit(svc.worker_name(svc.ctx.current_actor()))
        self.opened_on = date_edit(self.today, self.today)
        self.carer = QLineEdit()
        self.every = QSpinBox()
        self.every.setRange(1, 90)
        self.every.setValue(DEFAULT_VISIT_EVERY_DAYS)
        self.every.setSuffix(tr(" hari"))
        self.form.addRow(tr("&Program"), self.program)
        self.form.addRow(tr("&Cari orang"), self.search)
        self.form.addRow(tr("Orang"), self.people)
        self.form.addRow(tr("&Petugas"), self.worker)
        self.form.addRow(tr("Tanggal dibuka"), self.opened_on)
        self.form.addRow(tr("Pen&damping (Si Hore)"), self.carer)
        self.form.addRow(tr("Kunjungan setiap"), self.every)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.find_people)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.program.currentIndexChanged.connect(self._program_changed)
        self._program_changed()

    def _program_changed(self) -> None:
        sihore = combo_data(self.program) == "SIHORE"
        for widget in (self.carer, self.every):
            widget.setEnabled(sihore)
        self.find_people()

    def find_people(self) -> None:
        """Persons enrolled in the chosen program whose name or NIK matches."""
        flt = PersonFilter(
            query=self.search.text().strip(),
            program_code=combo_data(self.program),
            max_matches=self.SEARCH_LIMIT,
        )
        try:
            rows = self.registry.person_rows(self.registry.person_ids(flt)[: self.SEARCH_LIMIT])
        except ServiceError as exc:
            self.show_refusal(exc)
            return
        self.people.clear()
        for row in rows:
            text = f"{row.name} — {row.nik or '-'} — {row.kelurahan}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.people.addItem(item)
        if rows:
            self.people.setCurrentRow(0)

    def save(self) -> str:
        item = self.people.currentItem()
        if item is None:
            raise _Incomplete(tr("Pilih orangnya dulu."))
        sihore = combo_data(self.program) == "SIHORE"
        return self.svc.open_case(
            str(item.data(Qt.ItemDataRole.UserRole)),
            combo_data(self.program) or "",
            worker=self.worker.text(),
            opened_on=date_from_qdate(self.opened_on.date()),
            carer=self.carer.text() if sihore else None,
            visit_every_days=self.every.value() if sihore else None,
        )


# -- Si Hore visit -----------------------------------------------------------------------------
class VisitDialog(CaseForm):
    """The one-minute visit form: number keys 1-5 (or Space on a box) tick the services, the
    condition is a list, the next visit is prefilled from the visit frequency, Enter saves."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Kunjungan Si Hore — {name}", name=case.person.name), parent)
        self.case = case
        self.every = case.visit_every_days or DEFAULT_VISIT_EVERY_DAYS
        grid = QGridLayout()
        self.services: dict[str, QCheckBox] = {}
        for n, (key, text) in enumerate(SIHORE_SERVICES.items(), start=1):
            box = QCheckBox(f"&{n}  {tr(text)}")
            self.services[key] = box
            grid.addWidget(box, (n - 1) // 2, (n - 1) % 2)
        services = QWidget()
        services.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        self.condition = QComboBox()
        fill_choices(self.condition, SIHORE_CONDITIONS)
        select_combo_data(self.condition, self._last_condition())
        self.condition.installEventFilter(self)
        self.visited_on = date_edit(self.today, self.today)
        self.next_visit = date_edit(self.today + timedelta(days=self.every))
        self.visited_on.dateChanged.connect(self._visit_date_changed)
        self.notes = QLineEdit()
        self.form.addRow(tr("Layanan (tekan 1–5)"), services)
        self.form.addRow(tr("&Kondisi"), self.condition)
        self.form.addRow(tr("&Tanggal kunjungan"), self.visited_on)
        self.form.addRow(tr("Kunjungan &berikutnya"), self.next_visit)
        self.form.addRow(tr("Ca&tatan"), self.notes)
        first = next(iter(self.services.values()))
        first.setFocus()

    def _last_condition(self) -> str | None:
        for activity in self.case.activities:
            condition = activity.details.get("condition")
            if activity.kind == ActivityKind.HOME_VISIT and isinstance(condition, str):
                return condition
        return None

    def _visit_date_changed(self) -> None:
        day = date_from_qdate(self.visited_on.date())
        self.next_visit.setDate(qdate(day + timedelta(days=self.every)))

    def _tick_by_digit(self, event: QKeyEvent) -> bool:
        """Digit n ticks (or unticks) the n-th service; True when it did."""
        key = event.key()
        boxes = list(self.services.values())
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            index = key - Qt.Key.Key_1
            if index < len(boxes):
                boxes[index].toggle()
                return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Digits reach the dialog when the focused field does not take them (a check box).
        if not self._tick_by_digit(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # The condition list would use a digit to search its items (none starts with one).
        if (
            watched is self.condition
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self._tick_by_digit(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def chosen_services(self) -> list[str]:
        return [key for key, box in self.services.items() if box.isChecked()]

    def save(self) -> str:
        return self.svc.record_visit(
            self.case.id,
            services=self.chosen_services(),
            condition=combo_data(self.condition) or "",
            visited_on=date_from_qdate(self.visited_on.date()),
            next_visit_on=date_from_qdate(self.next_visit.date()),
            notes=self.notes.text(),
        )


# -- plan, activity, referral ------------------------------------------------------------------
class PlanDialog(CaseForm):
    """A plan: one goal per line (the goals still running are prefilled), a summary and the
    review date."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Rencana — {name}", name=case.person.name), parent)
        self.case = case
        self.summary = QLineEdit((case.plan.summary or "") if case.plan else "")
        self.goals = QPlainTextEdit()
        self.goals.setTabChangesFocus(True)
        self.goals.setPlaceholderText(tr("Satu tujuan per baris"))
        if case.plan is not None:
            self.goals.setPlainText(
                "\n".join(g.text for g in case.plan.goals if g.status == "berjalan")
            )
        self.review_on = OptionalDateEdit(label=tr("Ada"))
        self.review_on.set_value(None, default=self.today + timedelta(days=90))
        self.form.addRow(tr("&Ringkasan"), self.summary)
        self.form.addRow(tr("&Tujuan"), self.goals)
        self.form.addRow(tr("Tinjau ulang"), self.review_on)

    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.goals.toPlainText().splitlines() if line.strip()]

    def save(self) -> str:
        goals: list[GoalInput | str] = list(self.goal_lines())
        return self.svc.make_plan(
            self.case.id, goals, review_on=self.review_on.value(), summary=self.summary.text()
        )


class _FollowUpForm(CaseForm):
    """A dated entry of one kind picked from a list, with notes and an optional follow-up
    date; `record` is the service call that stores it (an activity, a referral)."""

    def __init__(
        self,
        svc: CaseworkService,
        case: CaseDetail,
        parent: QWidget | None,
        *,
        title: str,
        label: str,
        choices: dict[str, str],
        follow_up_days: int,
        record: Callable[..., str],
    ):
        super().__init__(svc, title, parent)
        self.case = case
        self._record = record
        self.choice = QComboBox()
        fill_choices(self.choice, choices)
        self.done_on = date_edit(self.today, self.today)
        self.notes = notes_edit()
        self.follow_up = OptionalDateEdit(label=tr("Ada"))
        self.follow_up.set_value(None, default=self.today + timedelta(days=follow_up_days))
        self.form.addRow(label, self.choice)
        self.form.addRow(tr("&Tanggal"), self.done_on)
        self.form.addRow(tr("Ca&tatan"), self.notes)
        self.form.addRow(tr("Tindak lanjut"), self.follow_up)

    def save(self) -> str:
        return self._record(
            self.case.id,
            combo_data(self.choice) or "",
            done_on=date_from_qdate(self.done_on.date()),
            notes=self.notes.toPlainText(),
            follow_up_on=self.follow_up.value(),
        )


class ActivityDialog(_FollowUpForm):
    """A dated activity (session, home visit, hearing attended) with notes and a follow-up."""

    KINDS = (ActivityKind.SESSION, ActivityKind.HOME_VISIT, ActivityKind.HEARING)

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(
            svc,
            case,
            parent,
            title=tr("Kegiatan — {name}", name=case.person.name),
            label=tr("&Kegiatan"),
            choices={k.value: ACTIVITY_KINDS[k] for k in self.KINDS},
            follow_up_days=7,
            record=svc.add_activity,
        )
        self.kind = self.choice


class ReferralDialog(_FollowUpForm):
    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(
            svc,
            case,
            parent,
            title=tr("Rujukan — {name}", name=case.person.name),
            label=tr("&Dirujuk ke"),
            choices=REFERRAL_TARGETS,
            follow_up_days=14,
            record=svc.refer,
        )
        self.target = self.choice


# -- devices -----------------------------------------------------------------------------------
class DeviceRequestDialog(CaseForm):
    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Permintaan alat bantu — {name}", name=case.person.name), parent)
        self.case = case
        self.kind = QComboBox()
        fill_choices(self.kind, DEVICE_KINDS)
        self.requested_on = date_edit(self.today, self.today)
        self.spec = QLineEdit()
        self.spec.setPlaceholderText(tr("ukuran, sisi, model…"))
        self.notes = notes_edit()
        self.form.addRow(tr("&Alat bantu"), self.kind)
        self.form.addRow(tr("&Tanggal permintaan"), self.requested_on)
        self.form.addRow(tr("&Spesifikasi"), self.spec)
        self.form.addRow(tr("Ca&tatan"), self.notes)

    def save(self) -> str:
        return self.svc.request_device(
            self.case.id,
            combo_data(self.kind) or "",
            requested_on=date_from_qdate(self.requested_on.date()),
            spec=self.spec.text() or None,
            notes=self.notes.toPlainText() or None,
        )


class HandOverDialog(CaseForm):
    """Hand a requested device over; the signed receipt is printed after saving."""

    def __init__(
        self,
        svc: CaseworkService,
        case: CaseDetail,
        device_id: str,
        parent: QWidget | None = None,
    ):
        super().__init__(svc, tr("Serah terima alat bantu — {name}", name=case.person.name), parent)
        self.case = case
        self.device_id = device_id
        self.received_by = QLineEdit(case.person.name)
        self.delivered_on = date_edit(self.today, self.today)
        self.form.addRow(tr("&Diterima oleh"), self.received_by)
        self.form.addRow(tr("&Tanggal serah terima"), self.delivered_on)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Serahkan && cetak"))

    def save(self) -> str:
        return self.svc.hand_over_device(
            self.device_id,
            received_by=self.received_by.text(),
            delivered_on=date_from_qdate(self.delivered_on.date()),
        )


# -- children ----------------------------------------------------------------------------------
class StageDialog(CaseForm):
    """Move an ABH case to a later SPPA stage (never back)."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Tahap SPPA — {name}", name=case.person.name), parent)
        self.case = case
        self.stage = QComboBox()
        allowed = {k: v for k, v in SPPA_STAGES.items() if stage_move_allowed(case.stage, k)}
        fill_choices(self.stage, allowed)
        self.started_on = date_edit(self.today, self.today)
        self.placement = QComboBox()
        fill_choices(self.placement, PLACEMENTS, blank="—")
        self.note = QLineEdit()
        self.form.addRow(tr("Tahap sekarang"), QLabel(label(SPPA_STAGES, case.stage) or "—"))
        self.form.addRow(tr("&Tahap baru"), self.stage)
        self.form.addRow(tr("&Mulai"), self.started_on)
        self.form.addRow(tr("&Penempatan"), self.placement)
        self.form.addRow(tr("Ca&tatan"), self.note)
        self.stage.currentIndexChanged.connect(self._stage_changed)
        self._stage_changed()

    def _stage_changed(self) -> None:
        self.placement.setEnabled(combo_data(self.stage) == "pembinaan")

    def save(self) -> str:
        placement = combo_data(self.placement) if self.placement.isEnabled() else None
        return self.svc.set_stage(
            self.case.id,
            combo_data(self.stage) or "",
            started_on=date_from_qdate(self.started_on.date()),
            placement=placement,
            note=self.note.text() or None,
        )


class CloseCaseDialog(CaseForm):
    """Close a case with a reason; a closed case is kept, read-only."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Tutup kasus — {name}", name=case.person.name), parent)
        self.case = case
        self.reason = QComboBox()
        fill_choices(self.reason, CLOSE_REASONS, blank="—")
        self.closed_on = date_edit(self.today, self.today)
        self.note = notes_edit()
        hint = QLabel(tr("Kasus yang ditutup tetap tersimpan dan tidak bisa diubah lagi."))
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.form.addRow(tr("&Alasan"), self.reason)
        self.form.addRow(tr("&Tanggal"), self.closed_on)
        self.form.addRow(tr("Ca&tatan"), self.note)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Tutup kasus"))

    def save(self) -> None:
        self.svc.close_case(
            self.case.id,
            combo_data(self.reason) or "",
            closed_on=date_from_qdate(self.closed_on.date()),
            note=self.note.toPlainText() or None,
        )


class AssignDialog(CaseForm):
    """Who works on a case (the worker's user name) and, for Si Hore, the carer and how often
    they visit: the next due visit follows the new frequency."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Petugas kasus — {name}", name=case.person.name), parent)
        self.case = case
        self.worker = QLineEdit(case.worker)
        self.worker.setPlaceholderText(tr("nama pengguna pekerja sosial, mis. peksos"))
        self.form.addRow(tr("&Pekerja sosial"), self.worker)
        self.sihore = case.program_code == "SIHORE"
        self.carer = QLineEdit(case.carer or "")
        self.every = QSpinBox()
        self.every.setRange(1, 90)
        self.every.setSuffix(tr(" hari"))
        self.every.setValue(case.visit_every_days or 7)
        if self.sihore:
            self.form.addRow(tr("Pen&damping"), self.carer)
            self.form.addRow(tr("Kunjungan &setiap"), self.every)

    def save(self) -> None:
        worker = self.worker.text().strip()
        if worker != self.case.worker:
            self.svc.reassign(self.case.id, worker)
        if self.sihore:
            carer = self.carer.text().strip() or None
            every = int(self.every.value())
            if (carer, every) != (self.case.carer, self.case.visit_every_days):
                self.svc.set_visit_plan(self.case.id, carer=carer, visit_every_days=every)


FormFactory = Callable[[CaseworkService, CaseDetail, QWidget | None], CaseForm]
