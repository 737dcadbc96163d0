"""The office's checkout dialog: which laptop takes which round (and points) into the field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from desktop_app.domain.access import Role
from desktop_app.gui.sync.models import format_count
from desktop_app.gui.widgets import button_box
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync import ENTITY_LABELS, DeviceService
from desktop_app.services.sync.views import CheckoutSummary

__all__ = ["CheckoutDialog", "checkout_summary_text"]


_FIRST = ("household", "person", "distribution_roster", "enrolment")


def order_kinds(kind: str) -> tuple[int, str]:
    """KPM, persons, roster and enrolments first: what a clerk checks."""
    return (_FIRST.index(kind) if kind in _FIRST else len(_FIRST), kind)


def checkout_summary_text(summary: CheckoutSummary) -> str:
    """What the office reads out or writes down for the laptop: what the checkout carries, the
    office's fingerprint and the one-time code. Shown on screen only, never saved beside the
    bundle: it must reach the laptop another way than the stick."""
    carries = ", ".join(
        f"{tr(ENTITY_LABELS.get(kind, kind))}: {format_count(n)}"
        for kind, n in sorted(summary.carries.items(), key=lambda kv: order_kinds(kv[0]))
    )
    text = tr("Isi checkout: {carries}.", carries=carries)
    if summary.fields:
        text += "\n" + tr("Data pribadi: {fields}.", fields=summary.fields)
    if summary.withheld:
        text += " " + tr(
            "Tidak dibawa: {n} kepesertaan program khusus (data pribadi spesifik).",
            n=format_count(summary.withheld),
        )
    text += "\n\n" + tr(
        "Sidik kunci kantor {office}: {fp}\nKode sekali pakai: {code}\n\nDi laptop, saat "
        "bergabung: cocokkan sidik itu atau ketik kodenya. Catat atau bacakan; jangan simpan "
        "di flashdisk bersama bundel.",
        office=summary.office_name,
        fp=summary.office_fingerprint,
        code=summary.join_code,
    )
    return text


class CheckoutDialog(QDialog):
    """Which laptop takes which round (and which of its points) into the field."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Checkout untuk laptop"))
        self.dist = DistributionService(ctx)
        form = QFormLayout(self)
        self.device = QComboBox()
        for d in DeviceService(ctx).devices():
            if d.role == "field" and not d.revoked:
                self.device.addItem(d.name, d.id)
        self.round = QComboBox()
        for r in self.dist.list_rounds():
            if r.status == "open":
                self.round.addItem(f"{r.name} ({r.code})", r.id)
        # A social worker's checkout needs no round; a field officer's always has one.
        self.round.insertItem(0, tr("(tanpa putaran)"), None)
        self.round.setCurrentIndex(1 if self.round.count() > 1 else 0)
        self.points = QListWidget()
        self.points.setMinimumHeight(180)
        self.round.currentIndexChanged.connect(self._load_points)
        # Who takes the laptop: a field officer (a round's roster) or a social worker (their
        # open cases; no round needed). The service enforces what each may carry.
        self.role = QComboBox()
        self.role.addItem(tr("Petugas lapangan (penyaluran)"), str(Role.FIELD))
        self.role.addItem(tr("Pekerja sosial (kasus)"), str(Role.SOCIAL_WORKER))
        self.worker = QLineEdit()
        self.worker.setPlaceholderText(tr("nama pengguna pekerja sosial, mis. peksos"))
        user = ctx.user
        if user is not None and user.role is Role.SOCIAL_WORKER:
            self.worker.setText(user.username)
        self.role.currentIndexChanged.connect(self._role_changed)
        form.addRow(tr("Laptop"), self.device)
        form.addRow(tr("Untuk"), self.role)
        form.addRow(tr("Pekerja sosial"), self.worker)
        form.addRow(tr("Putaran (dibuka)"), self.round)
        form.addRow(tr("Titik salur"), self.points)
        hint = QLabel(tr("Tanpa centang: semua titik salur putaran ini."))
        hint.setStyleSheet("color: #666;")
        form.addRow("", hint)
        buttons = button_box(self)
        form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._role_changed()
        self._load_points()

    def _role_changed(self) -> None:
        casework = self.role.currentData() == str(Role.SOCIAL_WORKER)
        self.worker.setEnabled(casework)
        has_round = self.round.count() > 1  # the first entry is "(tanpa putaran)"
        if not casework and self.round.currentData() is None and has_round:
            self.round.setCurrentIndex(1)
        self.ok_button.setEnabled(self.device.count() > 0 and (casework or has_round))

    def _load_points(self) -> None:
        self.points.clear()
        round_id = self.round.currentData()
        if not round_id:
            return
        for p in self.dist.points(round_id):
            item = QListWidgetItem(f"{p.no}. {p.name}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.points.addItem(item)

    def chosen(self) -> tuple[str, str | None, list[str]]:
        points = [
            self.points.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.points.count())
            if self.points.item(i).checkState() == Qt.CheckState.Checked
        ]
        return self.device.currentData(), self.round.currentData(), points

    def access(self) -> tuple[str, str | None]:
        """The role the laptop is checked out for, and the social worker's username."""
        role = str(self.role.currentData())
        worker = self.worker.text().strip().lower() or None
        return role, worker if role == str(Role.SOCIAL_WORKER) else None
