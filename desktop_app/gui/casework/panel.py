"""The opened case: who it is for, its status and worker, the next due date, and its sections
(assessment, plan and goals, activities newest first, devices, SPPA stages), with the actions
the role and the case allow."""

from __future__ import annotations

import html
import logging
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.casework import (
    ASSESSMENT_FIELDS,
    CHILD_PROGRAMS,
    CLOSE_REASONS,
    SPPA_STAGES,
    FieldKind,
)
from desktop_app.domain.status import SEX_LABELS
from desktop_app.gui.casework import docs, forms
from desktop_app.gui.casework.assessment import AssessmentDialog
from desktop_app.gui.casework.models import (
    ActivityModel,
    DeviceModel,
    GoalModel,
    RowsModel,
    StageModel,
    format_date,
    label,
    program_label,
)
from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.errors import show_error
from desktop_app.gui.widgets import push_button, read_only_table
from desktop_app.i18n import tr
from desktop_app.services.casework import CaseDetail, CaseworkService
from desktop_app.services.context import ChangeSet, ServiceError

__all__ = ["CASEWORK_KINDS", "CasePanel", "age_on"]

# The change-log entity kinds of casework writes (services.casework docstring).
CASEWORK_KINDS = (
    "case",
    "case_assessment",
    "case_plan",
    "case_goal",
    "case_activity",
    "case_device",
    "case_stage",
)

log = logging.getLogger(__name__)


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _answer_text(kind: FieldKind, choices: dict[str, str] | None, value: object) -> str:
    if kind is FieldKind.CHOICE:
        return label(choices or {}, str(value))
    if kind is FieldKind.MULTI and isinstance(value, list):
        return ", ".join(label(choices or {}, str(v)) for v in value)
    if kind is FieldKind.BOOL:
        return tr("Ya") if value else tr("Tidak")
    if kind is FieldKind.DATE:
        try:
            return format_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


class CasePanel(QWidget):
    """Shows one case; `changed` after this panel saved something (the lists also hear it
    through the ChangeBus)."""

    changed = Signal(str)  # case id

    def __init__(self, svc: CaseworkService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = svc
        self.ctx = svc.ctx
        self.case: CaseDetail | None = None
        self._stale = False
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setWordWrap(True)

        self.visit_button = self._form_button(tr("&Kunjungan"), forms.VisitDialog)
        self.activity_button = self._form_button(tr("K&egiatan"), forms.ActivityDialog)
        self.referral_button = self._form_button(tr("&Rujukan"), forms.ReferralDialog)
        self.assessment_button = self._form_button(tr("&Asesmen"), AssessmentDialog)
        self.plan_button = self._form_button(tr("Re&ncana"), forms.PlanDialog)
        self.device_button = self._form_button(tr("&Minta alat bantu"), forms.DeviceRequestDialog)
        self.stage_button = self._form_button(tr("&Tahap SPPA"), forms.StageDialog)
        self.card_button = push_button(tr("Kartu k&unjungan"), self.print_card)
        self.summary_button = push_button(tr("Ringkasan &sidang"), self.print_summary)
        self.close_button = self._form_button(tr("T&utup kasus"), forms.CloseCaseDialog)
        self.assign_button = self._form_button(tr("Pe&tugas…"), forms.AssignDialog)
        self.work_buttons = [
            self.assign_button,
            self.visit_button,
            self.activity_button,
            self.referral_button,
            self.assessment_button,
            self.plan_button,
            self.device_button,
            self.stage_button,
            self.close_button,
        ]
        row1 = QHBoxLayout()
        for b in (
            self.visit_button,
            self.activity_button,
            self.referral_button,
            self.assessment_button,
            self.plan_button,
        ):
            row1.addWidget(b)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        for b in (
            self.device_button,
            self.stage_button,
            self.card_button,
            self.summary_button,
            self.assign_button,
            self.close_button,
        ):
            row2.addWidget(b)
        row2.addStretch(1)

        self.sections = QTabWidget()
        self.assessment_label = QLabel()
        self.assessment_label.setTextFormat(Qt.TextFormat.RichText)
        self.assessment_label.setWordWrap(True)
        self.assessment_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.assessment_label)
        self.activity_model = ActivityModel(self)
        self.activity_table = self._table(self.activity_model, [80, 150, 95, 85])
        self.goal_model = GoalModel(self)
        self.goal_table = self._table(self.goal_model, [90, 85, 85])
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.goal_done_button = push_button(
            tr("Tujuan tercapai"), lambda: self.set_goal("tercapai")
        )
        self.goal_cancel_button = push_button(
            tr("Batalkan tujuan"), lambda: self.set_goal("dibatalkan")
        )
        plan_page = self._page(
            self.plan_label, self.goal_table, [self.goal_done_button, self.goal_cancel_button]
        )
        self.device_model = DeviceModel(self)
        self.device_table = self._table(self.device_model, [120, 85, 85, 85, 120, 130])
        self.hand_over_button = push_button(tr("Serahkan alat…"), self.hand_over)
        self.receipt_button = push_button(tr("Cetak tanda terima"), self.print_receipt)
        device_page = self._page(
            None, self.device_table, [self.hand_over_button, self.receipt_button]
        )
        self.stage_model = StageModel(self)
        self.stage_table = self._table(self.stage_model, [85, 130, 150])
        self.sections.addTab(self.activity_table, tr("Kegiatan"))
        self.sections.addTab(scroll, tr("Asesmen"))
        self.sections.addTab(plan_page, tr("Rencana"))
        self.devices_index = self.sections.addTab(device_page, tr("Alat bantu"))
        self.stages_index = self.sections.addTab(self.stage_table, tr("Tahapan SPPA"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.info)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.sections, 1)
        ChangeBus.of(self.ctx).changed.connect(self._on_changes)

    def _on_changes(self, changes: ChangeSet) -> None:
        if self.case is None or not changes.touches(*CASEWORK_KINDS):
            return
        # Opening a case is written to the access log: a hidden panel waits until it is seen.
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def _table(self, model: RowsModel, widths: list[int]) -> QTableView:
        table = read_only_table(model)
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)
        return table

    def _page(self, top: QWidget | None, table: QTableView, buttons: list[QPushButton]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        if top is not None:
            layout.addWidget(top)
        layout.addWidget(table, 1)
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    # -- showing -----------------------------------------------------------------------------
    def show_case(self, case_id: str) -> bool:
        try:
            detail = self.svc.get_case(case_id)
        except ServiceError as exc:
            show_error(self, exc, tr("Buka kasus"))
            return False
        self.set_case(detail)
        return True

    def reload(self) -> None:
        if self.case is not None:
            self.show_case(self.case.id)

    def set_case(self, case: CaseDetail) -> None:
        self.case = case
        self._stale = False
        today = self.ctx.clock.today()
        person = case.person
        age = age_on(person.birth_date, today)
        facts = [
            tr("{age} th", age=age) if age is not None else "",
            tr(SEX_LABELS.get(person.sex, person.sex)) if person.sex else "",
            person.kelurahan,
            program_label(case.program_code),
        ]
        self.header.setText(
            f"<h3 style='margin:0'>{html.escape(person.name)}</h3>"
            f"<span style='color:#444'>{html.escape(' · '.join(f for f in facts if f))}</span>"
        )
        self.info.setText(self._info_html(case, today))
        self._fill_assessment(case)
        self.plan_label.setText(self._plan_text(case))
        self.goal_model.set_rows(case.plan.goals if case.plan else ())
        self.activity_model.set_rows(case.activities)
        self.device_model.set_rows(case.devices)
        self.stage_model.set_rows(case.stages)
        self.sections.setTabVisible(self.devices_index, case.program_code == "DISABILITAS")
        self.sections.setTabVisible(self.stages_index, case.program_code == "ABH")
        self._update_actions()

    def _info_html(self, case: CaseDetail, today: date) -> str:
        if case.status == "ditutup":
            status = tr(
                "Ditutup {on}: {reason}",
                on=format_date(case.closed_on),
                reason=label(CLOSE_REASONS, case.close_reason),
            )
        else:
            status = tr("Aktif sejak {on}", on=format_date(case.opened_on))
        parts = [html.escape(status), html.escape(tr("Petugas: {worker}", worker=case.worker))]
        if case.carer:
            parts.append(html.escape(tr("Pendamping: {carer}", carer=case.carer)))
        if case.stage:
            parts.append(html.escape(tr("Tahap: {stage}", stage=label(SPPA_STAGES, case.stage))))
        if case.follow_up_on is not None and case.status != "ditutup":
            due = html.escape(tr("Jatuh tempo: {on}", on=format_date(case.follow_up_on)))
            if case.follow_up_on < today:
                due = f"<b style='color:#b00020'>{due}</b>"
            parts.append(due)
        return " · ".join(parts)

    def _fill_assessment(self, case: CaseDetail) -> None:
        if case.assessment is None:
            self.assessment_label.setText(tr("Belum ada asesmen."))
            return
        answers = case.assessment.answers
        rows = []
        for field in ASSESSMENT_FIELDS.get(case.program_code, ()):
            if field.key not in answers:
                continue
            value = _answer_text(field.kind, dict(field.choices or {}), answers[field.key])
            rows.append(
                f"<tr><td style='color:#444;padding-right:12px'>{html.escape(tr(field.label))}"
                f"</td><td>{html.escape(value)}</td></tr>"
            )
        head = tr(
            "Asesmen {on} oleh {who}",
            on=format_date(case.assessment.assessed_on),
            who=case.assessment.assessor,
        )
        self.assessment_label.setText(
            f"<p><b>{html.escape(head)}</b></p><table>{''.join(rows)}</table>"
        )

    def _plan_text(self, case: CaseDetail) -> str:
        if case.plan is None:
            return tr("Belum ada rencana.")
        text = tr("Rencana {on}", on=format_date(case.plan.made_on))
        if case.plan.review_on:
            text += " · " + tr("tinjau ulang {on}", on=format_date(case.plan.review_on))
        if case.plan.summary:
            text += "\n" + case.plan.summary
        return text

    def _update_actions(self) -> None:
        case = self.case
        writable = (
            case is not None
            and case.status != "ditutup"
            and not self.ctx.db.read_only
            and self.ctx.can(Permission.CASEWORK)
        )
        program = case.program_code if case is not None else ""
        for b in self.work_buttons:
            b.setVisible(writable)
        self.visit_button.setVisible(writable and program == "SIHORE")
        self.device_button.setVisible(writable and program == "DISABILITAS")
        self.stage_button.setVisible(writable and program == "ABH")
        can_print = self.ctx.can(Permission.PRINT)
        self.card_button.setVisible(can_print and program == "SIHORE")
        self.summary_button.setVisible(can_print and program in CHILD_PROGRAMS)
        for b in (self.goal_done_button, self.goal_cancel_button, self.hand_over_button):
            b.setVisible(writable)
        self.receipt_button.setVisible(can_print)

    # -- actions -----------------------------------------------------------------------------
    def _form_button(self, text: str, dialog: forms.FormFactory) -> QPushButton:
        return push_button(text, partial(self._form, dialog))

    def _form(self, dialog: forms.FormFactory) -> bool:
        """Open one of the case's forms (a CaseForm class) on the shown case: the buttons'
        action, True when it was saved."""
        if self.case is None:
            return False
        saved = bool(dialog(self.svc, self.case, self).exec())
        if saved and self.case is not None:
            # The ChangeBus brings the new state back (see _on_changes).
            self.changed.emit(self.case.id)
        return saved

    def _selected(self, table: QTableView, model: RowsModel) -> Any:
        index = table.currentIndex()
        if not index.isValid():
            return None
        return model.row_at(index.row())

    def set_goal(self, status: str) -> None:
        goal = self._selected(self.goal_table, self.goal_model)
        if goal is None:
            return
        try:
            self.svc.set_goal_status(goal.id, status)
        except ServiceError as exc:
            show_error(self, exc, tr("Rencana"))

    def hand_over(self) -> None:
        device = self._selected(self.device_table, self.device_model)
        if device is None or self.case is None:
            return
        case = self.case
        device_id = str(device.id)
        dialog = forms.HandOverDialog(self.svc, case, device_id, self)
        if dialog.exec():
            self.changed.emit(case.id)
            docs.print_device_receipt(self, self.svc, device_id, str(dialog.result_value))

    def print_receipt(self) -> None:
        device = self._selected(self.device_table, self.device_model)
        if device is None or not getattr(device, "number", None):
            return
        docs.print_device_receipt(self, self.svc, device.id, device.number)

    def print_card(self) -> None:
        if self.case is not None:
            today = self.ctx.clock.today()
            docs.print_visit_card(self, self.svc, self.case.id, today.year, today.month)

    def print_summary(self) -> None:
        if self.case is not None:
            docs.print_hearing_summary(self, self.svc, self.case.id)
