"""The assessment form, built from ASSESSMENT_FIELDS[program]: one widget per field kind
(text, long text, number, one choice, several choices, date, yes/no), prefilled from the latest
assessment. A new question is a new FieldDef in desktop_app.domain.casework, not code here."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.domain.casework import ASSESSMENT_FIELDS, FieldDef, FieldKind
from desktop_app.gui.casework.forms import CaseForm, date_edit, fill_choices, notes_edit
from desktop_app.gui.casework.models import label
from desktop_app.gui.widgets import (
    OptionalDateEdit,
    combo_data,
    date_from_qdate,
    fill_combo,
    select_combo_data,
)
from desktop_app.i18n import tr
from desktop_app.services.casework import CaseDetail, CaseworkService

__all__ = ["AssessmentDialog", "FieldWidget"]


class FieldWidget:
    """One assessment field: its widget and how to read and prefill it."""

    def __init__(self, field: FieldDef) -> None:
        self.field = field
        self.widget: QWidget
        self.boxes: dict[str, QCheckBox] = {}
        kind = field.kind
        if kind is FieldKind.TEXT and field.max_chars > 500:
            self.widget = notes_edit()
        elif kind in (FieldKind.TEXT, FieldKind.INT):
            edit = QLineEdit()
            if kind is FieldKind.INT:
                edit.setValidator(QIntValidator(field.minimum or 0, field.maximum or 999_999))
                edit.setMaximumWidth(100)
            else:
                edit.setMaxLength(field.max_chars)
            self.widget = edit
        elif kind is FieldKind.CHOICE:
            combo = QComboBox()
            fill_choices(combo, field.choices or {}, blank="—")
            self.widget = combo
        elif kind is FieldKind.BOOL:
            combo = QComboBox()
            fill_combo(combo, [(None, "—"), ("ya", tr("Ya")), ("tidak", tr("Tidak"))])
            self.widget = combo
        elif kind is FieldKind.DATE:
            self.widget = OptionalDateEdit(label=tr("Diketahui"))
        else:
            grid = QGridLayout()
            grid.setContentsMargins(0, 0, 0, 0)
            for n, key in enumerate(field.choices or {}):
                box = QCheckBox(label(field.choices or {}, key))
                self.boxes[key] = box
                grid.addWidget(box, n // 2, n % 2)
            holder = QWidget()
            holder.setLayout(grid)
            self.widget = holder

    def value(self) -> object:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        if isinstance(w, QLineEdit):
            return w.text().strip()
        if isinstance(w, QComboBox):
            return combo_data(w)
        if isinstance(w, OptionalDateEdit):
            return w.value()
        return [key for key, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: object) -> None:
        w = self.widget
        if value is None:
            return
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        elif isinstance(w, QLineEdit):
            w.setText(str(value))
        elif isinstance(w, QComboBox):
            if isinstance(value, bool):
                value = "ya" if value else "tidak"
            select_combo_data(w, str(value))
        elif isinstance(w, OptionalDateEdit):
            try:
                w.set_value(date.fromisoformat(str(value)))
            except ValueError:
                return
        elif isinstance(value, list | tuple):
            for key in value:
                if str(key) in self.boxes:
                    self.boxes[str(key)].setChecked(True)


class AssessmentDialog(CaseForm):
    """Built from ASSESSMENT_FIELDS[program]: one widget per field kind, prefilled from the
    latest assessment (a new assessment is a new record; the old one stays as history)."""

    def __init__(self, svc: CaseworkService, case: CaseDetail, parent: QWidget | None = None):
        super().__init__(svc, tr("Asesmen — {name}", name=case.person.name), parent)
        self.case = case
        self.fields: dict[str, FieldWidget] = {}
        previous = case.assessment.answers if case.assessment is not None else {}
        self.assessed_on = date_edit(self.today, self.today)
        self.form.addRow(tr("Tanggal asesmen"), self.assessed_on)
        for field in ASSESSMENT_FIELDS.get(case.program_code, ()):
            holder = FieldWidget(field)
            holder.set_value(previous.get(field.key))
            self.fields[field.key] = holder
            caption = tr(field.label) + (" *" if field.required else "")
            self.form.addRow(caption, holder.widget)
        self.setMinimumWidth(660)

    def answers(self) -> dict[str, object]:
        found: dict[str, object] = {}
        for key, holder in self.fields.items():
            value = holder.value()
            if value not in (None, "", []):
                found[key] = value
        return found

    def save(self) -> str:
        return self.svc.record_assessment(
            self.case.id, self.answers(), assessed_on=date_from_qdate(self.assessed_on.date())
        )
