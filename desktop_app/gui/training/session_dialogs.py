"""Adding, changing and bulk-adding a training's sessions."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop_app.domain.office import INDONESIAN_DAYS
from desktop_app.domain.training import daily_dates
from desktop_app.gui.training.widgets import (
    TrainingFormDialog,
    accept_after,
    date_edit,
    finish_dialog,
    span_row,
    time_edit,
)
from desktop_app.gui.widgets import date_from_qdate
from desktop_app.i18n import tr
from desktop_app.services.training import (
    SessionView,
    TrainingRow,
    TrainingService,
)

__all__ = [
    "DailySessionsDialog",
    "SessionDialog",
]


class SessionDialog(TrainingFormDialog):
    """Add or edit one session."""

    def __init__(
        self,
        service: TrainingService,
        training: TrainingRow,
        session: SessionView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(service, tr("Ubah sesi") if session else tr("Tambah sesi"), 460, parent)
        self.training = training
        self.session = session
        self.day = date_edit(session.session_date if session else training.start_date)
        self.start = time_edit(session.start_time if session and session.start_time else "08:00")
        self.end = time_edit(session.end_time if session and session.end_time else "12:00")
        self.topic = QLineEdit(session.topic if session else "")
        self.topic.setPlaceholderText(tr("mis. Membuat adonan kue basah"))
        form = QFormLayout()
        form.addRow(tr("Tanggal"), self.day)
        form.addRow(tr("Jam"), span_row(self.start, self.end))
        form.addRow(tr("Topik"), self.topic)
        self.buttons = finish_dialog(self, tr("Simpan"), self.save, form)

    def save(self) -> None:
        day = date_from_qdate(self.day.date())
        start, end = self.start.time().toString("HH:mm"), self.end.time().toString("HH:mm")
        topic = self.topic.text()

        def write() -> None:
            if self.session is None:
                self.service.add_session(self.training.id, day, topic, start, end)
            else:
                self.service.update_session(self.session.id, day, topic, start, end)

        accept_after(self, write)


class DailySessionsDialog(TrainingFormDialog):
    """Several sessions at once: one per day over a date range ("setiap hari 1-5 Desember")."""

    def __init__(
        self, service: TrainingService, training: TrainingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(service, tr("Tambah beberapa sesi"), 520, parent)
        self.training = training
        self.created: list[str] = []
        self.first = date_edit(training.start_date)
        self.last = date_edit(training.end_date)
        self.skip_weekends = QCheckBox(tr("Lewati Sabtu dan Minggu"))
        self.start = time_edit("08:00")
        self.end = time_edit("12:00")
        self.topics = QPlainTextEdit()
        self.topics.setPlaceholderText(
            tr("Topik per sesi, satu per baris (boleh kosong: 'Sesi 1', 'Sesi 2', …)")
        )
        self.topics.setFixedHeight(110)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        for signal in (self.first.dateChanged, self.last.dateChanged):
            signal.connect(self._update_preview)
        self.skip_weekends.toggled.connect(self._update_preview)
        self.topics.textChanged.connect(self._update_preview)

        form = QFormLayout()
        form.addRow(
            span_row(self.first, self.last, between=tr("sampai"), before=tr("Setiap hari dari"))
        )
        form.addRow("", self.skip_weekends)
        form.addRow(tr("Jam"), span_row(self.start, self.end))
        form.addRow(tr("Topik"), self.topics)
        self.buttons = finish_dialog(self, tr("Tambahkan"), self.save, form, self.preview)
        self._update_preview()

    def dates(self) -> list[date]:
        first, last = date_from_qdate(self.first.date()), date_from_qdate(self.last.date())
        if (last - first).days > 366:
            return []
        weekdays = range(5) if self.skip_weekends.isChecked() else None
        return list(daily_dates(first, last, weekdays=weekdays))

    def _update_preview(self) -> None:
        dates = self.dates()
        if not dates:
            self.preview.setText(tr("Tidak ada tanggal dalam rentang ini."))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        shown = ", ".join(
            f"{tr(INDONESIAN_DAYS[d.weekday()])[:3]} {d:%d/%m}" for d in dates[:10]
        ) + (" …" if len(dates) > 10 else "")
        self.preview.setText(tr("{count} sesi: {dates}", count=len(dates), dates=shown))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def save(self) -> None:
        dates = self.dates()
        topics = self.topics.toPlainText().splitlines()

        def write() -> None:
            self.created = self.service.add_daily_sessions(
                self.training.id,
                dates[0],
                dates[-1],
                topics=topics,
                start_time=self.start.time().toString("HH:mm"),
                end_time=self.end.time().toString("HH:mm"),
                skip_weekends=self.skip_weekends.isChecked(),
            )

        if dates:
            accept_after(self, write)
