"""A household's detail: KK, head, members, programs and KK history."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.detail.base import (
    Change,
    PanelBase,
    button_row,
    fill_table,
    header_label,
    hidden_note,
    make_button,
    make_table,
    tab_widget,
)
from desktop_app.gui.registry.detail.enrolments import EnrolmentsWidget
from desktop_app.gui.registry.detail.history import HistoryWidget
from desktop_app.gui.registry.detail.members import MembersWidget
from desktop_app.gui.registry.models import (
    format_date,
)
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
    HouseholdDetail,
)


class HouseholdDetailPanel(PanelBase):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.household_id: str | None = None
        self.detail: HouseholdDetail | None = None
        self.header = header_label()
        self.edit_button = make_button(tr("Ubah alamat KPM…"), self.edit)
        self.enrol_button = make_button(tr("Daftarkan ke program…"), self.enrol)
        self.members = MembersWidget(self)
        self.enrolments = EnrolmentsWidget(self)
        self.kk_history = make_table(
            [tr("No. KK"), tr("Berlaku sejak"), tr("Sampai"), tr("Alasan")], stretch=3
        )
        self.history = HistoryWidget()
        self.tabs = tab_widget(
            (self.members, tr("Anggota")),
            (self.enrolments, tr("Program")),
            (self.kk_history, tr("Riwayat No. KK")),
            (self.history, tr("Riwayat perubahan")),
        )
        self.lay_out(self.header, button_row(self.edit_button, self.enrol_button), self.tabs)

    def show_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.reload()

    def reload(self) -> None:
        if self.household_id is None:
            self.detail = None
            return
        detail = self.service.household_detail(self.household_id)
        self.detail = detail
        row = detail.row
        place = ", ".join(p for p in (row.address, row.kelurahan, row.kecamatan) if p)
        self.header.setText(
            "<div style='font-size:15pt; font-weight:600'>"
            + tr("KPM · No. KK {kk}", kk=html.escape(row.kk_number))
            + "</div><div>"
            + tr(
                "Kepala keluarga: <b>{head}</b> ({nik})",
                head=html.escape(row.head_name or tr("(belum ditetapkan)")),
                nik=html.escape(row.head_nik or tr("tanpa NIK")),
            )
            + f"</div><div>{html.escape(place) or tr('(alamat belum diisi)')}</div>"
            + "<div>"
            + tr("{n} anggota", n=row.members)
            + "</div>"
            + hidden_note(
                tr("{n} anggota terbatas tidak ditampilkan.", n=detail.hidden_members)
                if detail.hidden_members
                else ""
            )
            + hidden_note(
                tr(
                    "{n} kepesertaan program terbatas tidak ditampilkan.",
                    n=detail.hidden_enrolments,
                )
                if detail.hidden_enrolments
                else ""
            )
        )
        self.edit_button.setEnabled(self.can_write)
        self.enrol_button.setEnabled(self.can_write)
        self.explain_disabled(self.edit_button, self.enrol_button)
        self.members.set_household(
            row.id, detail.head_person_id, detail.members, "", self.can_write
        )
        self.enrolments.set_enrolments(detail.enrolments, self.can_write)
        fill_table(
            self.kk_history,
            [
                [kk, format_date(start), format_date(end) if end else tr("sekarang"), reason or ""]
                for kk, start, end, reason in reversed(detail.kk_history)
            ],
        )
        self.history.set_history(self.service.history(row.id))

    def edit(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.HouseholdDialog(self.ctx, self.household_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.emit_change(Change([], [self.household_id]))

    def enrol(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.EnrolDialog(self.ctx, household_id=self.household_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.after_enrolment_change(None)

    def after_enrolment_change(self, enrolment: EnrolmentView | None) -> None:
        if self.household_id is None:
            return
        people = [m.id for m in self.service.household_members(self.household_id)]
        self.emit_change(Change(people, [self.household_id]))
