"""The Beranda tab: the office at a glance, the first thing a clerk or the head sees.

Key figures per program (cards), where every open distribution round stands per kelurahan or
per point (a stacked bar chart), the rounds of a year compared, training participation and
completion, and data-quality findings. Everything is read by `ReportingService.dashboard()` in a
worker thread and refreshed after any committed change (the change bus), so the tab never blocks
typing elsewhere. A click on a card or a bar opens the list behind the figure.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.clock import WIB
from desktop_app.domain.errors import Refusal
from desktop_app.domain.office import format_date_id
from desktop_app.gui.beranda.bars import Bar, Segment, StackedBars, format_count
from desktop_app.gui.beranda.navigate import open_registry, open_roster
from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr, tr_refusal
from desktop_app.services.context import AppContext, ChangeSet
from desktop_app.services.reporting import (
    Dashboard,
    ProgramFigures,
    Progress,
    ReportingService,
    RoundProgress,
)

__all__ = ["BerandaTab", "progress_segments"]

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 400  # a burst of writes (an import, a sync bundle) -> one reload
# Only these change what the data-quality checks count (they read every person, so they are
# not repeated after each receipt at the counter).
QUALITY_KINDS = ("person", "household", "enrolment")
BY_KELURAHAN, BY_POINT = 0, 1


def progress_segments() -> list[Segment]:
    # The keys are the roster filter's states, so a click on a segment lists exactly those.
    return [
        Segment("diterima", tr("Diterima langsung"), "#2e7d32"),
        Segment("diwakilkan", tr("Diwakilkan"), "#8bc34a"),
        Segment("tidak_hadir", tr("Tidak hadir"), "#f9a825"),
        Segment("ditolak", tr("Ditolak"), "#c62828"),
        Segment("belum", tr("Belum menerima"), "#b0bec5"),
    ]


def progress_values(p: Progress) -> list[int]:
    return [p.direct, p.by_proxy, p.absent, p.refused, p.pending]


def progress_note(p: Progress) -> str:
    pct = f" ({100 * p.received // p.entitled}%)" if p.entitled else ""
    return f"{format_count(p.received)} / {format_count(p.entitled)}{pct}"


def quality_labels() -> dict[str, str]:
    return {
        "no_nik": tr("Orang tanpa NIK"),
        "nik_malformed": tr("NIK tidak 16 angka"),
        "nik_mismatch": tr("NIK tidak cocok dengan tanggal lahir atau jenis kelamin"),
        "nik_shared": tr("Orang dengan NIK yang sama (kemungkinan duplikat)"),
        "same_name_birth": tr("Orang dengan nama dan tanggal lahir sama (kemungkinan duplikat)"),
        "kpm_without_card": tr("KPM penerima tanpa kartu"),
        "no_kelurahan": tr("Orang tanpa kelurahan"),
    }


class ProgramCard(QFrame):
    """One program's key figures; a click lists its beneficiaries in the registry."""

    clicked = Signal(str)

    def __init__(self, figures: ProgramFigures, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = figures.code
        self.setObjectName("programCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#programCard { background: #f5f9ff; border: 1px solid #c5d5ea; border-radius: 6px; }"
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        unit = tr("KPM") if figures.unit == "household" else tr("orang")
        self.setToolTip(tr("Klik untuk membuka daftar penerima {program}", program=figures.name))
        name = QLabel(f"<b>{tr(figures.short)}</b>")
        self.count = QLabel(
            f"<span style='font-size:20pt; font-weight:600'>{format_count(figures.active)}</span>"
            f" {unit}"
        )
        moves = QLabel(
            tr(
                "+{new} baru · −{left} keluar bulan ini",
                new=format_count(figures.new),
                left=format_count(figures.left),
            )
        )
        moves.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        for w in (name, self.count, moves):
            layout.addWidget(w)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if e.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.code)
        super().mousePressEvent(e)


class BerandaTab(QWidget):
    loaded = Signal()  # a dashboard was shown (tests, status)
    quality_loaded = Signal()  # the data-quality checks were shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ReportingService(ctx)
        self.dashboard: Dashboard | None = None
        self._generation = 0
        self._stale = False
        self._quality_stale = True
        self.quality: list = []
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        ChangeBus.of(ctx).changed.connect(self._on_changes)
        self.reload()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(f"<h2>{tr('Beranda')}</h2>")
        self.status_label = QLabel(tr("Memuat…"))
        self.status_label.setStyleSheet("color: #555;")
        self.refresh_button = QPushButton(tr("Perbarui"))
        self.refresh_button.clicked.connect(self.reload)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.status_label)
        header.addWidget(self.refresh_button)

        self.cards_box = QGridLayout()
        self.cards_box.setSpacing(8)
        self.cards: list[ProgramCard] = []

        # Open rounds
        self.round_combo = QComboBox()
        self.round_combo.setMinimumContentsLength(24)
        self.round_combo.currentIndexChanged.connect(lambda _i: self._show_round())
        self.group_combo = QComboBox()
        self.group_combo.addItem(tr("Per kelurahan"), BY_KELURAHAN)
        self.group_combo.addItem(tr("Per titik salur"), BY_POINT)
        self.group_combo.currentIndexChanged.connect(lambda _i: self._show_round())
        self.round_summary = QLabel()
        self.progress_chart = StackedBars(progress_segments())
        self.progress_chart.bar_clicked.connect(self._progress_clicked)
        rounds_box = QGroupBox(tr("Penyaluran yang sedang berjalan"))
        row = QHBoxLayout()
        row.addWidget(self.round_combo, 1)
        row.addWidget(self.group_combo)
        rounds_layout = QVBoxLayout(rounds_box)
        rounds_layout.addLayout(row)
        rounds_layout.addWidget(self.round_summary)
        rounds_layout.addWidget(self.progress_chart)
        rounds_layout.addStretch(1)

        # Stages compared
        self.stages_chart = StackedBars(progress_segments())
        self.stages_chart.bar_clicked.connect(self._stage_clicked)
        self.stages_box = QGroupBox(tr("Perbandingan tahap"))
        QVBoxLayout(self.stages_box).addWidget(self.stages_chart)

        # Training
        self.training_label = QLabel()
        self.training_label.setTextFormat(Qt.TextFormat.RichText)
        self.training_box = QGroupBox(tr("Pelatihan"))
        QVBoxLayout(self.training_box).addWidget(self.training_label)

        # Data quality
        self.quality_label = QLabel()
        self.quality_label.setTextFormat(Qt.TextFormat.RichText)
        self.quality_label.setWordWrap(True)
        quality_box = QGroupBox(tr("Kualitas data"))
        QVBoxLayout(quality_box).addWidget(self.quality_label)

        right = QVBoxLayout()
        right.addWidget(self.stages_box)
        right.addWidget(self.training_box)
        right.addWidget(quality_box)
        right.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(rounds_box, 3)
        middle.addLayout(right, 2)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(header)
        layout.addLayout(self.cards_box)
        layout.addLayout(middle, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every figure again in a worker; only the newest answer is shown."""
        self._timer.stop()
        self._stale = False
        self._generation += 1
        generation = self._generation
        if not self.ctx.can(Permission.REPORTS_VIEW):
            # A role without reports (e.g. a field officer): say so, coded, instead of failing
            # in a worker on every refresh.
            try:
                self.ctx.require(Permission.REPORTS_VIEW)
            except Refusal as exc:
                self.status_label.setText(tr_refusal(exc))
            return
        self.status_label.setText(tr("Memuat…"))
        started = time.perf_counter()
        run_job(
            lambda _job: self.service.dashboard(quality=False),
            parent=self,
            on_success=lambda board: self._loaded(generation, board, started),
            on_error=self._failed,
        )
        if self._quality_stale:
            self._quality_stale = False
            run_job(
                lambda _job: self.service.data_quality(),
                parent=self,
                on_success=self._quality_loaded,
                on_error=self._failed,
            )

    def _quality_loaded(self, items: list) -> None:
        self.quality = list(items)
        self._show_quality()
        self.quality_loaded.emit()

    def _on_changes(self, changes: ChangeSet) -> None:
        # Any committed write may move a figure (a receipt, an enrolment, an attendance mark).
        if changes.touches(*QUALITY_KINDS):
            self._quality_stale = True
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        log.warning("dashboard failed: %s", type(exc).__name__)
        if isinstance(exc, Refusal):
            self.status_label.setText(tr_refusal(exc))
            return
        self.status_label.setText(tr("Angka gagal dimuat; coba Perbarui."))

    def _loaded(self, generation: int, board: Dashboard, started: float) -> None:
        if generation != self._generation:
            return
        self.dashboard = board
        self._show_cards(board)
        keep = self.round_combo.currentData()
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for rnd in board.open_rounds:
            self.round_combo.addItem(f"{rnd.code} — {rnd.name}", rnd.round_id)
        index = self.round_combo.findData(keep) if keep else -1
        self.round_combo.setCurrentIndex(max(index, 0) if board.open_rounds else -1)
        self.round_combo.blockSignals(False)
        self._show_round()
        self._show_stages(board)
        self._show_training(board)
        self.status_label.setText(
            tr(
                "Keadaan {date}, pukul {time}",
                date=format_date_id(board.as_of),
                # The office's clock (WIB), like the date: the computer's own zone may differ.
                time=f"{self.ctx.clock.now().astimezone(WIB):%H.%M}",
            )
        )
        log.debug("dashboard shown in %.0f ms", (time.perf_counter() - started) * 1000)
        self.loaded.emit()

    # -- parts --------------------------------------------------------------------------------
    def _show_cards(self, board: Dashboard) -> None:
        for card in self.cards:
            self.cards_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        columns = 4 if len(board.programs) > 4 else max(len(board.programs), 1)
        for i, figures in enumerate(board.programs):
            card = ProgramCard(figures)
            card.clicked.connect(lambda code: open_registry(self, code))
            self.cards_box.addWidget(card, i // columns, i % columns)
            self.cards.append(card)

    def current_round(self) -> RoundProgress | None:
        if self.dashboard is None:
            return None
        rid = self.round_combo.currentData()
        return next((r for r in self.dashboard.open_rounds if r.round_id == rid), None)

    def _show_round(self) -> None:
        rnd = self.current_round()
        if rnd is None:
            self.round_summary.setText(tr("Tidak ada putaran penyaluran yang sedang dibuka."))
            self.progress_chart.set_bars([])
            return
        self.round_summary.setText(
            tr(
                "{received} dari {entitled} penerima sudah menerima ({proxy} diwakilkan); "
                "{absent} tidak hadir, {refused} ditolak, {pending} belum.",
                received=format_count(rnd.total.received),
                entitled=format_count(rnd.total.entitled),
                proxy=format_count(rnd.total.by_proxy),
                absent=format_count(rnd.total.absent),
                refused=format_count(rnd.total.refused),
                pending=format_count(rnd.total.pending),
            )
        )
        by_point = self.group_combo.currentData() == BY_POINT
        groups = rnd.by_point if by_point else rnd.by_kelurahan
        none_label = tr("(tanpa titik salur)") if by_point else tr("(tanpa kelurahan)")
        self.progress_chart.set_bars(
            [
                Bar(
                    b.key,
                    b.label if b.key is not None else none_label,
                    progress_values(b.progress),
                    progress_note(b.progress),
                )
                for b in groups
            ]
        )

    def _progress_clicked(self, key: object, segment: str) -> None:
        rnd = self.current_round()
        if rnd is None:
            return
        if self.group_combo.currentData() == BY_POINT:
            open_roster(self, rnd.round_id, str(key) if key else None, segment or None)
        else:
            # The roster lists per point; the registry shows who lives in a kelurahan.
            open_registry(self, rnd.program_code, str(key) if key else None)

    def _show_stages(self, board: Dashboard) -> None:
        bars = [
            Bar(
                s.round_id,
                f"{tr(cmp.program_short)}: {s.name}",
                progress_values(s.total),
                progress_note(s.total),
            )
            for cmp in board.stages
            for s in cmp.stages
        ]
        self.stages_box.setTitle(tr("Perbandingan tahap {year}", year=board.as_of.year))
        self.stages_chart.set_bars(bars, tr("Belum ada dua tahap atau lebih tahun ini."))

    def _stage_clicked(self, key: object, segment: str) -> None:
        open_roster(self, str(key), None, segment or None)

    def _show_training(self, board: Dashboard) -> None:
        t = board.training
        women = sum(x.women for x in t.trainings)
        self.training_box.setTitle(tr("Pelatihan {year}", year=board.as_of.year))
        self.training_label.setText(
            tr(
                "{trainings} pelatihan · {participants} peserta ({women} perempuan)<br>"
                "{completed} memenuhi syarat kehadiran · {certificates} sertifikat terbit",
                trainings=format_count(len(t.trainings)),
                participants=format_count(t.participants),
                women=format_count(women),
                completed=format_count(t.completed),
                certificates=format_count(t.certificates),
            )
        )

    def _show_quality(self) -> None:
        labels = quality_labels()
        lines = []
        for item in self.quality:
            color = "#b71c1c" if item.count else "#2e7d32"
            mark = "⚠" if item.count else "✓"
            lines.append(
                f"<span style='color:{color}'>{mark}</span> "
                f"{labels.get(item.code, item.label)}: <b>{format_count(item.count)}</b>"
            )
        self.quality_label.setText("<br>".join(lines))
