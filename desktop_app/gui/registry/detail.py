"""The detail panel beside the registry lists: a person's household, programs and history, or a
household's members, programs and KK history, with the actions that change them."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.programs import PROGRAMS, age_on
from desktop_app.domain.status import RELATION_LABELS, Relation
from desktop_app.gui.errors import show_error
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.models import (
    INACTIVE_FOREGROUND,
    RESTRICTED_BACKGROUND,
    format_date,
    lock_icon,
    restricted_badge,
    restricted_tooltip,
    short_status_label,
    status_label,
)
from desktop_app.gui.widgets import IssueLabel
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    EnrolmentView,
    HistoryEntry,
    HouseholdDetail,
    PersonDetail,
    PersonRow,
    RegistryService,
)

__all__ = ["Change", "DetailPanel", "HouseholdDetailPanel", "PersonDetailPanel"]

STATUS_COLOURS = {
    "aktif": "#1b5e20",
    "meninggal": "#424242",
    "pindah": "#0d47a1",
    "keluar": "#6d4c41",
}


@dataclass
class Change:
    """What a write touched, so the lists repaint only those rows (or reload on new rows)."""

    person_ids: list[str] = field(default_factory=list)
    household_ids: list[str] = field(default_factory=list)
    created: bool = False


def _table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], data: Sequence[object] = ()) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if c == 0 and r < len(data):
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)


def _selected_data(table: QTableWidget) -> object | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def _shade_row(table: QTableWidget, row: int, background: object = None, tooltip: str = "") -> None:
    for c in range(table.columnCount()):
        item = table.item(row, c)
        if item is None:
            continue
        if background is not None:
            item.setBackground(QBrush(background))
        if tooltip:
            item.setToolTip(tooltip)


def _button(text: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda _checked=False: slot())
    if tip:
        button.setToolTip(tip)
    return button


def _button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


def _status_badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#424242")
    return (
        f'<span style="background:{colour}; color:white; padding:2px 6px;">'
        f"&nbsp;{html.escape(status_label(status))}&nbsp;</span>"
    )


class EnrolmentsWidget(QWidget):
    """Programs with dates; sensitive programs are marked as restricted data."""

    def __init__(self, panel: _PanelBase) -> None:
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
        self.table = _table(
            [tr("Program"), tr("Mulai"), tr("Selesai"), tr("Keterangan")], stretch=3
        )
        self.enrol_button = _button(tr("Daftarkan ke program…"), panel.enrol)
        self.leave_button = _button(tr("Keluarkan dari program…"), self._leave)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(self.table)
        layout.addLayout(_button_row(self.enrol_button, self.leave_button))
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
        _fill(self.table, rows, self.enrolments)
        sensitive = False
        for r, e in enumerate(self.enrolments):
            program = PROGRAMS.get(e.program_code)
            if program is not None and program.sensitive:
                sensitive = True
                _shade_row(self.table, r, RESTRICTED_BACKGROUND, restricted_tooltip())
                self.table.item(r, 0).setIcon(lock_icon())
            if not e.active:
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setForeground(QBrush(INACTIVE_FOREGROUND))
        self.notice.setVisible(sensitive)
        self.enrol_button.setEnabled(can_write)
        self.can_write = can_write
        self._selection_changed()

    def _selection_changed(self) -> None:
        e = _selected_data(self.table)
        self.leave_button.setEnabled(
            getattr(self, "can_write", False) and isinstance(e, EnrolmentView) and e.active
        )

    def selected(self) -> EnrolmentView | None:
        e = _selected_data(self.table)
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


class HistoryWidget(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.table = _table([tr("Waktu"), tr("Petugas"), tr("Aksi"), tr("Perubahan")], stretch=3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def set_history(self, entries: Sequence[HistoryEntry]) -> None:
        _fill(
            self.table,
            [
                [h.at.replace("T", " "), h.actor, _op_label(h.op), _readable_summary(h.summary)]
                for h in entries
            ],
        )


def _field_labels() -> dict[str, str]:
    return {
        "name": tr("Nama"),
        "nik": tr("NIK"),
        "sex": tr("Jenis kelamin"),
        "birth_place": tr("Tempat lahir"),
        "birth_date": tr("Tgl. lahir"),
        "street": tr("Jalan"),
        "rt": tr("RT"),
        "rw": tr("RW"),
        "kelurahan_code": tr("Kelurahan"),
        "phone": tr("Telepon"),
        "notes": tr("Catatan"),
        "status": tr("Status"),
        "status_date": tr("Tanggal status"),
        "household_id": tr("KPM"),
        "relation": tr("Hubungan"),
        "deleted": tr("Dihapus"),
        "kk_number": tr("No. KK"),
        "head_person_id": tr("Kepala keluarga"),
        "program_code": tr("Program"),
        "start_date": tr("Mulai"),
        "end_date": tr("Selesai"),
        "end_reason": tr("Alasan"),
        "details": tr("Rincian"),
    }


_FIELD = re.compile(r"(^|, |\] )([a-z_]+): ")


def _readable_summary(summary: str) -> str:
    """'birth_date: ∅ → 1957-03-13, name: …' with the clerk's words for the field names."""
    labels = _field_labels()
    return _FIELD.sub(lambda m: m.group(1) + labels.get(m.group(2), m.group(2)) + ": ", summary)


def _op_label(op: str) -> str:
    labels = {
        "create": tr("dibuat"),
        "update": tr("diubah"),
        "status": tr("status"),
        "enrol": tr("didaftarkan"),
        "leave": tr("keluar program"),
        "delete": tr("dihapus"),
        "change_kk": tr("ganti KK"),
        "set_head": tr("kepala baru"),
    }
    return labels.get(op, op)


class MembersWidget(QWidget):
    """A household's members, with add / set head / remove / edit."""

    def __init__(self, panel: _PanelBase) -> None:
        super().__init__()
        self.panel = panel
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.table = _table([tr("Nama"), tr("Hubungan"), tr("Umur"), tr("NIK"), tr("Status")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 140)
        self.add_button = _button(tr("Tambah anggota…"), self._add)
        self.head_button = _button(tr("Jadikan kepala"), self._set_head)
        self.remove_button = _button(tr("Keluarkan dari KPM"), self._remove)
        self.new_kpm_button = _button(
            tr("Buat KPM dengan orang ini sebagai kepala…"), panel.create_household
        )
        self.change_kk_button = _button(tr("Ganti No. KK…"), self._change_kk)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(
            lambda _item: self.panel.member_activated(self.selected())
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(
            _button_row(
                self.add_button, self.head_button, self.remove_button, self.change_kk_button
            )
        )
        layout.addLayout(_button_row(self.new_kpm_button))
        self.household_id: str | None = None
        self.head_id: str | None = None
        self.can_write = False

    def set_household(
        self,
        household_id: str | None,
        head_id: str | None,
        members: Sequence[PersonRow],
        summary: str,
        can_write: bool,
    ) -> None:
        self.household_id, self.head_id, self.can_write = household_id, head_id, can_write
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        service = self.panel.service
        rows = []
        today = self.panel.ctx.clock.today()
        for m in members:
            relation = service.get_person(m.id).relation  # a handful of members: fine
            rows.append(
                [
                    m.name,
                    _relation_label(relation, m.id == head_id, short=True),
                    str(age_on(m.birth_date, today)) if m.birth_date else "",
                    m.nik or "",
                    short_status_label(m.status),
                ]
            )
        _fill(self.table, rows, list(members))
        for r, m in enumerate(members):
            self.table.item(r, 2).setToolTip(
                tr("Lahir {date}", date=format_date(m.birth_date)) if m.birth_date else ""
            )
            if m.id == head_id:
                font = QFont()
                font.setBold(True)
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setFont(font)
            if m.status != "aktif":
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setForeground(QBrush(INACTIVE_FOREGROUND))
        in_household = household_id is not None
        self.table.setVisible(in_household)
        for b in (self.add_button, self.head_button, self.remove_button, self.change_kk_button):
            b.setVisible(in_household)
        self.new_kpm_button.setVisible(not in_household and self.panel.can_create_household())
        self.new_kpm_button.setEnabled(can_write)
        self.add_button.setEnabled(can_write)
        self.change_kk_button.setEnabled(can_write)
        self._selection_changed()

    def selected(self) -> PersonRow | None:
        row = _selected_data(self.table)
        return row if isinstance(row, PersonRow) else None

    def _selection_changed(self) -> None:
        row = self.selected()
        chosen = row is not None and self.can_write
        self.head_button.setEnabled(chosen and row.id != self.head_id)
        self.remove_button.setEnabled(chosen and row.id != self.head_id)

    def _add(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.AddMemberDialog(self.panel.ctx, self.household_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_id:
            self.panel.emit_change(Change([dialog.result_id], [self.household_id], created=True))

    def _set_head(self) -> None:
        row = self.selected()
        if row is None or self.household_id is None:
            return
        answer = QMessageBox.question(
            self,
            tr("Jadikan kepala"),
            tr(
                "Jadikan {name} kepala keluarga KPM ini? Kepala lama menjadi 'Famili Lain'; "
                "ubah hubungannya bila perlu. No. KK biasanya ikut berganti "
                "(gunakan 'Ganti No. KK').",
                name=row.name,
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        old_head = self.head_id
        self.panel.run_write(
            lambda: self.panel.service.set_head(self.household_id, row.id),
            Change([row.id] + ([old_head] if old_head else []), [self.household_id]),
            tr("Jadikan kepala"),
        )

    def _remove(self) -> None:
        row = self.selected()
        if row is None or self.household_id is None:
            return
        answer = QMessageBox.question(
            self,
            tr("Keluarkan dari KPM"),
            tr("Keluarkan {name} dari KPM ini? Datanya tetap ada di registri.", name=row.name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.panel.run_write(
            lambda: self.panel.service.remove_member(row.id),
            Change([row.id], [self.household_id]),
            tr("Keluarkan dari KPM"),
        )

    def _change_kk(self) -> None:
        if self.household_id is None:
            return
        dialog = dialogs.ChangeKkDialog(self.panel.ctx, self.household_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            members = [m.id for m in self.panel.service.household_members(self.household_id)]
            self.panel.emit_change(Change(members, [self.household_id]))


def _relation_label(relation: str | None, is_head: bool, short: bool = False) -> str:
    if is_head:
        return tr("Kepala") if short else tr(RELATION_LABELS[Relation.KEPALA])
    try:
        return tr(RELATION_LABELS[Relation(relation)]) if relation else ""
    except ValueError:
        return relation or ""


class _PanelBase(QWidget):
    changed = Signal(object)  # a Change
    open_person = Signal(str)  # person id, e.g. double-click on a member

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = RegistryService(ctx)
        self.can_write = not ctx.db.read_only

    def emit_change(self, change: Change) -> None:
        self.reload()
        self.changed.emit(change)

    def run_write(self, write: Callable[[], object], change: Change, title: str) -> None:
        """A small write (one transaction) on the GUI thread; refusals shown in Indonesian."""
        try:
            write()
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=title)
            return
        self.emit_change(change)

    def reload(self) -> None:
        raise NotImplementedError

    def enrol(self) -> None:
        raise NotImplementedError

    def create_household(self) -> None:
        pass

    def can_create_household(self) -> bool:
        return False

    def member_activated(self, row: PersonRow | None) -> None:
        if row is not None:
            self.open_person.emit(row.id)

    def after_enrolment_change(self, enrolment: EnrolmentView) -> None:
        raise NotImplementedError


class PersonDetailPanel(_PanelBase):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.person_id: str | None = None
        self.detail: PersonDetail | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.nik_issues = IssueLabel()
        self.edit_button = _button(tr("Ubah data…"), self.edit)
        self.status_button = _button(tr("Ubah status…"), self.change_status)
        self.enrol_button = _button(tr("Daftarkan ke program…"), self.enrol)
        self.members = MembersWidget(self)
        self.enrolments = EnrolmentsWidget(self)
        self.status_history = _table([tr("Status"), tr("Berlaku sejak"), tr("Keterangan")], 2)
        self.history = HistoryWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.members, tr("Keluarga (KPM)"))
        self.tabs.addTab(self.enrolments, tr("Program"))
        self.tabs.addTab(self.status_history, tr("Riwayat status"))
        self.tabs.addTab(self.history, tr("Riwayat perubahan"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.nik_issues)
        layout.addLayout(_button_row(self.edit_button, self.status_button, self.enrol_button))
        layout.addWidget(self.tabs, 1)

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
        facts = [html.escape(inp.nik or tr("tanpa NIK")), tr(_sex_label(inp.sex))]
        if inp.birth_date:
            age = age_on(inp.birth_date, self.ctx.clock.today())
            born = f"{inp.birth_place}, " if inp.birth_place else ""
            facts.append(
                html.escape(born + format_date(inp.birth_date)) + " " + tr("({age} th)", age=age)
            )
        place = ", ".join(
            p
            for p in (
                _address(inp.street, inp.rt, inp.rw),
                self._region_name(inp.kelurahan_code),
            )
            if p
        )
        status = _status_badge(rec.status)
        if rec.status_date:
            status += " " + html.escape(tr("sejak {date}", date=format_date(rec.status_date)))
        self.header.setText(
            f"<div style='font-size:15pt; font-weight:600'>{html.escape(inp.name)}</div>"
            f"<div>{' · '.join(facts)}</div>"
            f"<div>{html.escape(place) or tr('(alamat belum diisi)')}</div>"
            f"<div style='margin-top:4px'>{status}</div>"
        )
        self.nik_issues.set_issues(detail.nik_issues)
        active = rec.status == "aktif"
        self.edit_button.setEnabled(self.can_write)
        self.status_button.setEnabled(self.can_write)
        self.enrol_button.setEnabled(self.can_write and active)
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
        _fill(
            self.status_history,
            [
                [status_label(s), format_date(d), note or ""]
                for s, d, note in reversed(detail.status_history)
            ],
        )
        self.history.set_history(detail.history)

    def _head_id(self, detail: PersonDetail) -> str | None:
        for m in detail.members:
            if self.service.get_person(m.id).relation == Relation.KEPALA.value:
                return m.id
        return None

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
        dialog = dialogs.PersonDialog(self.ctx, self.person_id, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            household = self.detail.record.household_id if self.detail else None
            self.emit_change(Change([self.person_id], [household] if household else []))

    def change_status(self) -> None:
        if self.person_id is None:
            return
        dialog = dialogs.StatusDialog(self.ctx, self.person_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
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


class HouseholdDetailPanel(_PanelBase):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.household_id: str | None = None
        self.detail: HouseholdDetail | None = None
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = _button(tr("Ubah alamat KPM…"), self.edit)
        self.enrol_button = _button(tr("Daftarkan ke program…"), self.enrol)
        self.members = MembersWidget(self)
        self.enrolments = EnrolmentsWidget(self)
        self.kk_history = _table(
            [tr("No. KK"), tr("Berlaku sejak"), tr("Sampai"), tr("Alasan")], stretch=3
        )
        self.history = HistoryWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.members, tr("Anggota"))
        self.tabs.addTab(self.enrolments, tr("Program"))
        self.tabs.addTab(self.kk_history, tr("Riwayat No. KK"))
        self.tabs.addTab(self.history, tr("Riwayat perubahan"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(_button_row(self.edit_button, self.enrol_button))
        layout.addWidget(self.tabs, 1)

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
        )
        self.edit_button.setEnabled(self.can_write)
        self.enrol_button.setEnabled(self.can_write)
        self.members.set_household(
            row.id, detail.head_person_id, detail.members, "", self.can_write
        )
        self.enrolments.set_enrolments(detail.enrolments, self.can_write)
        _fill(
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
        self.person = PersonDetailPanel(ctx)
        self.household = HouseholdDetailPanel(ctx)
        self.addWidget(self.empty)
        self.addWidget(self.person)
        self.addWidget(self.household)

    def show_person(self, person_id: str | None) -> None:
        self.person.show_person(person_id)
        self.setCurrentWidget(self.person if person_id else self.empty)

    def show_household(self, household_id: str | None) -> None:
        self.household.show_household(household_id)
        self.setCurrentWidget(self.household if household_id else self.empty)

    def show_nothing(self) -> None:
        self.setCurrentWidget(self.empty)


def _sex_label(sex: str) -> str:
    from desktop_app.domain.status import SEX_LABELS

    return SEX_LABELS.get(sex, sex)


def _address(street: str | None, rt: str | None, rw: str | None) -> str:
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)
