"""A person's detail: identity, household, programs, status and change history."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from desktop_app.domain.programs import age_on
from desktop_app.domain.status import Relation
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.detail.base import (
    Change,
    PanelBase,
    address_text,
    button_row,
    fill_table,
    header_label,
    hidden_note,
    make_button,
    make_table,
    sex_label,
    status_badge,
    tab_widget,
)
from desktop_app.gui.registry.detail.enrolments import EnrolmentsWidget
from desktop_app.gui.registry.detail.history import HistoryWidget
from desktop_app.gui.registry.detail.members import MembersWidget
from desktop_app.gui.registry.models import (
    format_date,
    status_label,
)
from desktop_app.gui.widgets import IssueLabel
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
    PersonDetail,
)


class PersonDetailPanel(PanelBase):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.person_id: str | None = None
        self.detail: PersonDetail | None = None
        self.header = header_label()
        self.nik_issues = IssueLabel()
        self.edit_button = make_button(tr("Ubah data…"), self.edit)
        self.status_button = make_button(tr("Ubah status…"), self.change_status)
        self.enrol_button = make_button(tr("Daftarkan ke program…"), self.enrol)
        self.members = MembersWidget(self)
        self.enrolments = EnrolmentsWidget(self)
        self.status_history = make_table([tr("Status"), tr("Berlaku sejak"), tr("Keterangan")], 2)
        self.history = HistoryWidget()
        self.tabs = tab_widget(
            (self.members, tr("Keluarga (KPM)")),
            (self.enrolments, tr("Program")),
            (self.status_history, tr("Riwayat status")),
            (self.history, tr("Riwayat perubahan")),
        )
        self.lay_out(
            self.header,
            self.nik_issues,
            button_row(self.edit_button, self.status_button, self.enrol_button),
            self.tabs,
        )

    def show_person(self, person_id: str | None) -> None:
        self.person_id = person_id
        self.reload()

    def reload(self) -> None:
        if self.person_id is None:
            self.detail = None
            return
        detail = self.service.person_detail(self.person_id)
        self.detail = detail
        rec = detail.record
        inp = rec.input
        facts = [html.escape(inp.nik or tr("tanpa NIK")), tr(sex_label(inp.sex))]
        if inp.birth_date:
            age = age_on(inp.birth_date, self.ctx.clock.today())
            born = f"{inp.birth_place}, " if inp.birth_place else ""
            facts.append(
                html.escape(born + format_date(inp.birth_date)) + " " + tr("({age} th)", age=age)
            )
        place = ", ".join(
            p
            for p in (
                address_text(inp.street, inp.rt, inp.rw),
                self._region_name(inp.kelurahan_code),
            )
            if p
        )
        status = status_badge(rec.status)
        if rec.status_date:
            status += " " + html.escape(tr("sejak {date}", date=format_date(rec.status_date)))
        self.header.setText(
            f"<div style='font-size:15pt; font-weight:600'>{html.escape(inp.name)}</div>"
            f"<div>{' · '.join(facts)}</div>"
            f"<div>{html.escape(place) or tr('(alamat belum diisi)')}</div>"
            f"<div style='margin-top:4px'>{status}</div>"
            + hidden_note(
                tr(
                    "{n} kepesertaan program terbatas tidak ditampilkan.",
                    n=detail.hidden_enrolments,
                )
                if detail.hidden_enrolments
                else ""
            )
        )
        self.nik_issues.set_issues(detail.nik_issues)
        active = rec.status == "aktif"
        self.edit_button.setEnabled(self.can_write)
        self.status_button.setEnabled(self.can_write)
        self.enrol_button.setEnabled(self.can_write and active)
        self.explain_disabled(self.edit_button, self.status_button, self.enrol_button)
        if detail.household is not None:
            h = detail.household
            summary = tr(
                "<b>KPM · No. KK {kk}</b><br>Kepala keluarga: {head} · {address}",
                kk=html.escape(h.kk_number),
                head=html.escape(h.head_name or "-"),
                address=html.escape(", ".join(p for p in (h.address, h.kelurahan) if p)),
            )
            head_id = self._head_id(detail)
            self.members.set_household(h.id, head_id, detail.members, summary, self.can_write)
        else:
            self.members.set_household(
                None,
                None,
                [],
                tr("Orang ini belum tercatat dalam KPM (kartu keluarga) mana pun."),
                self.can_write,
            )
        self.enrolments.set_enrolments(detail.enrolments, self.can_write and active)
        fill_table(
            self.status_history,
            [
                [status_label(s), format_date(d), note or ""]
                for s, d, note in reversed(detail.status_history)
            ],
        )
        self.history.set_history(detail.history)

    def _head_id(self, detail: PersonDetail) -> str | None:
        relations = self.service.relations([m.id for m in detail.members])
        return next(
            (m.id for m in detail.members if relations.get(m.id) == Relation.KEPALA.value), None
        )

    def _region_name(self, code: str | None) -> str:
        if not code:
            return ""
        kel = self.ctx.regions.get(code)
        if kel is None:
            return code
        kec = self.ctx.regions.get(kel.parent_code) if kel.parent_code else None
        return f"{kel.name}, {kec.name}" if kec else kel.name

    def edit(self) -> None:
        if self.person_id is None:
            return
        self._change_with(dialogs.PersonDialog(self.ctx, self.person_id, parent=self))

    def change_status(self) -> None:
        if self.person_id is None:
            return
        self._change_with(dialogs.StatusDialog(self.ctx, self.person_id, self))

    def _change_with(self, dialog: QDialog) -> None:
        """Run a dialog that writes this person; on OK, repaint them and their household."""
        if self.person_id is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            household = self.detail.record.household_id if self.detail else None
            self.emit_change(Change([self.person_id], [household] if household else []))

    def enrol(self) -> None:
        if self.person_id is None:
            return
        dialog = dialogs.EnrolDialog(self.ctx, person_id=self.person_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.after_enrolment_change(None)

    def after_enrolment_change(self, enrolment: EnrolmentView | None) -> None:
        household = self.detail.record.household_id if self.detail else None
        people = [self.person_id] if self.person_id else []
        if household:  # a household program shows on every member's row
            people = [m.id for m in self.service.household_members(household)]
        self.emit_change(Change(people, [household] if household else []))

    def can_create_household(self) -> bool:
        return True

    def create_household(self) -> None:
        if self.person_id is None:
            return
        rows = self.service.person_rows_by_id([self.person_id])
        dialog = dialogs.HouseholdDialog(self.ctx, head=rows[0] if rows else None, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_id:
            self.emit_change(Change([self.person_id], [dialog.result_id], created=True))
