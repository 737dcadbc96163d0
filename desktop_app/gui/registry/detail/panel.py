"""The stack beside the lists: an empty hint, a person's or a household's detail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QWidget,
)

from desktop_app.domain.errors import Refusal
from desktop_app.gui.registry.detail.household import HouseholdDetailPanel
from desktop_app.gui.registry.detail.person import PersonDetailPanel
from desktop_app.i18n import tr, tr_refusal
from desktop_app.services.context import AppContext

# Refusals the detail shows in place of the record (the row stays selectable in the list).
SHOWN_REFUSALS = frozenset({"auth.restricted_record", "auth.permission_denied"})


class DetailPanel(QStackedWidget):
    """Empty hint, person detail or household detail."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty = QLabel(
            tr(
                "Pilih satu baris di daftar untuk melihat rinciannya: keluarga, program, "
                "riwayat status, dan riwayat perubahan."
            )
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #666; padding: 24px;")
        self.refused = QLabel()
        self.refused.setWordWrap(True)
        self.refused.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refused.setStyleSheet("color: #8a1c1c; padding: 24px;")
        self.person = PersonDetailPanel(ctx)
        self.household = HouseholdDetailPanel(ctx)
        self.addWidget(self.empty)
        self.addWidget(self.refused)
        self.addWidget(self.person)
        self.addWidget(self.household)

    def show_person(self, person_id: str | None) -> None:
        try:
            self.person.show_person(person_id)
        except Refusal as exc:
            self._refuse(exc)
            return
        self.setCurrentWidget(self.person if person_id else self.empty)

    def show_household(self, household_id: str | None) -> None:
        try:
            self.household.show_household(household_id)
        except Refusal as exc:
            self._refuse(exc)
            return
        self.setCurrentWidget(self.household if household_id else self.empty)

    def _refuse(self, exc: Refusal) -> None:
        """A restricted record (or a read the role may not do): say so, coded, instead of
        the record."""
        if exc.code not in SHOWN_REFUSALS:
            raise exc
        self.refused.setText(tr_refusal(exc))
        self.setCurrentWidget(self.refused)

    def show_nothing(self) -> None:
        self.setCurrentWidget(self.empty)
