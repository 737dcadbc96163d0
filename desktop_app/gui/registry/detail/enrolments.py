"""The programs table of a person or household, with enrol/leave actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.detail.base import (
    PanelBase,
    button_row,
    fill_table,
    make_button,
    make_table,
    selected_data,
    shade_row,
)
from desktop_app.gui.registry.models import (
    INACTIVE_FOREGROUND,
    RESTRICTED_BACKGROUND,
    format_date,
    lock_icon,
    restricted_badge,
    restricted_tooltip,
)
from desktop_app.i18n import tr
from desktop_app.services.registry import (
    EnrolmentView,
)


class EnrolmentsWidget(QWidget):
    """Programs with dates; sensitive programs are marked as restricted data."""

    def __init__(self, panel: PanelBase) -> None:
        super().__init__()
        self.panel = panel
        self.notice = QLabel(
            restricted_badge()
            + " "
            + tr(
                "Berisi data pribadi spesifik (UU PDP): disabilitas/kesehatan atau data anak. "
                "Akses terbatas; jangan dicetak atau dibagikan tanpa dasar hukum."
            )
        )
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: #f3e8fd; color: #4a148c; padding: 4px; border-radius: 4px; }"
        )
        self.table = make_table(
            [tr("Program"), tr("Mulai"), tr("Selesai"), tr("Keterangan")], stretch=3
        )
        self.enrol_button = make_button(tr("Daftarkan ke program…"), panel.enrol)
        self.leave_button = make_button(tr("Keluarkan dari program…"), self._leave)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table)
        layout.addLayout(button_row(self.enrol_button, self.leave_button))
        self.enrolments: list[EnrolmentView] = []

    def set_enrolments(self, enrolments: Sequence[EnrolmentView], can_write: bool) -> None:
        # Active first, then the ended ones, newest first within each group.
        self.enrolments = sorted(enrolments, key=lambda e: (not e.active, e.start_date))
        rows = []
        for e in self.enrolments:
            notes = []
            if e.via_household:
                notes.append(tr("lewat KPM"))
            notes.extend(_detail_text(e))
            if e.end_reason:
                notes.append(tr("alasan: {reason}", reason=e.end_reason))
            rows.append(
                [
                    tr(e.program_name),
                    format_date(e.start_date),
                    format_date(e.end_date) if e.end_date else tr("aktif"),
                    "; ".join(notes),
                ]
            )
        fill_table(self.table, rows, self.enrolments)
        sensitive = False
        for r, e in enumerate(self.enrolments):
            program = PROGRAMS.get(e.program_code)
            if program is not None and program.sensitive:
                sensitive = True
                shade_row(self.table, r, RESTRICTED_BACKGROUND, restricted_tooltip())
                self.table.item(r, 0).setIcon(lock_icon())
            if not e.active:
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setForeground(QBrush(INACTIVE_FOREGROUND))
        self.notice.setVisible(sensitive)
        self.enrol_button.setEnabled(can_write)
        self.can_write = can_write
        self._selection_changed()

    def _selection_changed(self) -> None:
        e = selected_data(self.table)
        self.leave_button.setEnabled(
            getattr(self, "can_write", False) and isinstance(e, EnrolmentView) and e.active
        )

    def selected(self) -> EnrolmentView | None:
        e = selected_data(self.table)
        return e if isinstance(e, EnrolmentView) else None

    def _leave(self) -> None:
        enrolment = self.selected()
        if enrolment is None:
            return
        dialog = dialogs.LeaveProgramDialog(self.panel.ctx, enrolment, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.panel.after_enrolment_change(enrolment)


def _detail_text(e: EnrolmentView) -> list[str]:
    from desktop_app.domain.programs import ABH_ROLES, DISABILITY_DEGREE, DISABILITY_RAGAM

    parts = []
    ragam = e.details.get("ragam")
    if ragam:
        keys = ragam if isinstance(ragam, list) else str(ragam).split(",")
        parts.append(", ".join(tr(DISABILITY_RAGAM.get(k, k)) for k in keys))
    degree = e.details.get("degree")
    if degree:
        parts.append(tr(DISABILITY_DEGREE.get(degree, degree)))
    role = e.details.get("role")
    if role:
        parts.append(tr(ABH_ROLES.get(role, role)))
    return parts
