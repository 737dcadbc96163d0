"""Table models of the Pelatihan tab: trainings, sessions, participants, and the attendance grid.

A training has at most a few hundred participants and a few dozen sessions, so these models hold
their rows (no lazy paging). The attendance grid writes each mark through a callback that calls
the service; a refused mark leaves the model unchanged and reports the service's message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.domain.attendance import ATTENDANCE_LABELS, AttendanceCode, parse_attendance
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import INDONESIAN_DAYS
from desktop_app.domain.training import can_still_complete, sessions_needed
from desktop_app.gui.errors import user_message
from desktop_app.gui.widgets import ListTableModel
from desktop_app.i18n import tr
from desktop_app.services.training import (
    AttendanceGrid,
    ParticipantResult,
    ParticipantView,
    SessionView,
    TrainingRow,
    floor_pct,
)

__all__ = [
    "CODE_COLOURS",
    "ROW_ROLE",
    "AttendanceTableModel",
    "ParticipantTableModel",
    "ResultTableModel",
    "SessionTableModel",
    "TrainingListModel",
    "format_date",
]

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole

CODE_COLOURS: dict[str, str] = {
    "H": "#dcefdc",  # green: present
    "I": "#dde8f7",  # blue: excused
    "S": "#fff1c7",  # yellow: sick
    "A": "#f8d7d3",  # red: absent without notice
}
GREY = QColor("#777777")
WARNING = QColor("#8a5300")
ERROR = QColor("#b3261e")
FUTURE_BACKGROUND = QColor("#f1f1f1")
STATUS_COLOURS = {"direncanakan": "#1f5fa8", "berjalan": "#1b7a3a", "selesai": "#555555"}


def format_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def short_day(value: date) -> str:
    return f"{tr(INDONESIAN_DAYS[value.weekday()])[:3]} {value:%d/%m}"


class _RowsModel(ListTableModel):
    """Rows held in a list; subclasses give titles and cell text."""

    def titles(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row: Any, column: int) -> Any:
        raise NotImplementedError

    def style(self, row: Any, column: int, role: int) -> Any:
        return None

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.titles())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            titles = self.titles()
            return titles[section] if 0 <= section < len(titles) else None
        return str(section + 1) if 0 <= section < len(self._rows) else None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == _DISPLAY:
            value = self.cell(row, index.column())
            return "" if value is None else str(value)
        return self.style(row, index.column(), role)


class TrainingListModel(_RowsModel):
    """Two lines per training: the title, then its dates and category."""

    COL_TITLE, COL_STATUS, COL_PARTICIPANTS = range(3)

    def titles(self) -> list[str]:
        return [tr("Pelatihan"), tr("Status"), tr("Peserta")]

    def cell(self, row: TrainingRow, column: int) -> Any:
        if column == self.COL_TITLE:
            dates = f"{row.start_date:%d/%m/%Y} – {row.end_date:%d/%m/%Y}"
            return f"{row.title}\n{dates} · {row.category}"
        if column == self.COL_STATUS:
            return tr(row.status_label)
        quota = f"/{row.quota}" if row.quota else ""
        return f"{row.participants}{quota}"

    def style(self, row: TrainingRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            return QBrush(QColor(STATUS_COLOURS.get(row.status, "#000000")))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title}\n{row.category} · {row.venue}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_PARTICIPANTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def position_of(self, training_id: str) -> int | None:
        for i, row in enumerate(self._rows):
            if row.id == training_id:
                return i
        return None


class SessionTableModel(_RowsModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.present: dict[str, int] = {}
        self.today = date.min

    def titles(self) -> list[str]:
        return [tr("Sesi"), tr("Hari, tanggal"), tr("Jam"), tr("Topik"), tr("Hadir")]

    def cell(self, row: SessionView, column: int) -> Any:
        if column == 0:
            return row.number
        if column == 1:
            day = tr(INDONESIAN_DAYS[row.session_date.weekday()])
            return f"{day}, {format_date(row.session_date)}"
        if column == 2:
            return row.time_range
        if column == 3:
            return row.topic
        if row.session_date > self.today:
            return tr("belum berlangsung")
        return self.present.get(row.id, 0)

    def style(self, row: SessionView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.session_date > self.today:
            return QBrush(GREY)
        return None


class ParticipantTableModel(_RowsModel):
    COL_NAME, COL_NIK, COL_SEX, COL_BIRTH, COL_KELURAHAN, COL_STATUS = range(6)

    def titles(self) -> list[str]:
        return [
            tr("Nama"),
            tr("NIK"),
            tr("L/P"),
            tr("Tempat, tgl lahir"),
            tr("Kelurahan"),
            tr("Status"),
        ]

    def cell(self, row: ParticipantView, column: int) -> Any:
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_NIK:
            return row.nik or tr("⚠ tanpa NIK")
        if column == self.COL_SEX:
            return tr(row.sex) if row.sex else row.sex  # L/P -> M/F in English
        if column == self.COL_BIRTH:
            return ", ".join(x for x in (row.birth_place, format_date(row.birth_date)) if x)
        if column == self.COL_KELURAHAN:
            return row.kelurahan
        if row.active:
            return tr("Aktif")
        return tr(
            "Mundur {date}: {reason}",
            date=format_date(row.withdrawn_on),
            reason=row.withdraw_reason or "",
        )

    def style(self, row: ParticipantView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.active:
                return QBrush(GREY)
            if row.nik_warning and column == self.COL_NIK:
                return QBrush(WARNING)
        if role == Qt.ItemDataRole.ToolTipRole and row.nik_warning:
            return tr(
                "Peserta tanpa NIK yang valid (kasus peringatan, mis. anak yang belum ber-KTP)."
            )
        return None


class ResultTableModel(_RowsModel):
    """Who meets the completion rule and which certificate they hold (certificate dialog)."""

    def titles(self) -> list[str]:
        return [tr("Nama"), tr("Hadir"), "%", tr("Syarat"), tr("No. sertifikat")]

    def cell(self, row: ParticipantResult, column: int) -> Any:
        if column == 0:
            return row.participant.name
        if column == 1:
            return f"{row.present}/{row.total_sessions}"
        if column == 2:
            return f"{row.pct}%"
        if column == 3:
            if not row.participant.active:
                return tr("Mundur")
            return tr("Memenuhi") if row.complete else tr("Belum memenuhi")
        if row.certificate_number and row.override_reason:
            return tr("{number} (pengecualian)", number=row.certificate_number)
        return row.certificate_number or ""

    def style(self, row: ParticipantResult, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if not row.participant.active:
                return QBrush(GREY)
            if column == 3 and not row.complete:
                return QBrush(ERROR)
        if role == Qt.ItemDataRole.ToolTipRole and row.override_reason:
            return tr("Alasan pengecualian: {reason}", reason=row.override_reason)
        return None


# -- the attendance grid ---------------------------------------------------------------------
Writer = Callable[[str, str, str | None], None]  # (session_id, participant_id, code or None)
ManyWriter = Callable[[str, dict[str, str | None]], None]  # one session, one transaction


class AttendanceTableModel(QAbstractTableModel):
    """Participants x sessions. Columns: No, Nama, NIK, one per session, Hadir, Keterangan.

    Session headers carry the column's counts (H/I/S/A); the last two columns carry the row's
    count and share, and whether the participant meets (or can still meet) the rule.
    """

    COL_NO, COL_NAME, COL_NIK = range(3)
    FIXED = 3
    TAIL = 2
    refused = Signal(str)  # a mark the service refused, with its message
    marks_changed = Signal()

    def __init__(
        self,
        writer: Writer | None = None,
        many_writer: ManyWriter | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._writer = writer
        self._many_writer = many_writer
        self.read_only = False
        self._grid: AttendanceGrid | None = None
        self._marks: dict[tuple[str, str], str] = {}
        self._participants: list[ParticipantView] = []
        self._sessions: list[SessionView] = []

    # -- loading --------------------------------------------------------------------------
    def set_grid(self, grid: AttendanceGrid | None) -> None:
        self.beginResetModel()
        self._grid = grid
        self._marks = dict(grid.marks) if grid else {}
        self._participants = list(grid.participants) if grid else []
        self._sessions = list(grid.sessions) if grid else []
        self.endResetModel()

    @property
    def grid(self) -> AttendanceGrid | None:
        return self._grid

    @property
    def sessions(self) -> list[SessionView]:
        return list(self._sessions)

    @property
    def participants(self) -> list[ParticipantView]:
        return list(self._participants)

    # -- geometry -------------------------------------------------------------------------
    def col_present(self) -> int:
        return self.FIXED + len(self._sessions)

    def col_note(self) -> int:
        return self.col_present() + 1

    def session_at(self, column: int) -> SessionView | None:
        i = column - self.FIXED
        return self._sessions[i] if 0 <= i < len(self._sessions) else None

    def column_of(self, session_id: str) -> int | None:
        for i, s in enumerate(self._sessions):
            if s.id == session_id:
                return self.FIXED + i
        return None

    def is_session_column(self, column: int) -> bool:
        return self.session_at(column) is not None

    # -- rule -----------------------------------------------------------------------------
    @property
    def threshold(self) -> int:
        return self._grid.training.threshold_pct if self._grid else 0

    def code(self, participant_id: str, session_id: str) -> str | None:
        return self._marks.get((participant_id, session_id))

    def present(self, participant_id: str) -> int:
        return sum(1 for s in self._sessions if self.code(participant_id, s.id) == "H")

    def pct(self, participant_id: str) -> int:
        return floor_pct(self.present(participant_id), len(self._sessions))

    def complete(self, participant_id: str) -> bool:
        total = len(self._sessions)
        return total > 0 and self.present(participant_id) * 100 >= self.threshold * total

    def column_counts(self, session_id: str) -> dict[str, int]:
        counts = {c.value: 0 for c in AttendanceCode}
        counts[""] = 0
        for p in self._participants:
            if p.active:
                counts[self.code(p.id, session_id) or ""] += 1
        return counts

    def still_open(self, participant_id: str) -> int:
        """Sessions without a mark for this participant. While the training runs, a blank may
        just not be typed in yet, so only explicit I/S/A marks make the rule unreachable."""
        return sum(1 for s in self._sessions if not self.code(participant_id, s.id))

    def can_complete(self, participant_id: str) -> bool:
        if self._grid is not None and self._grid.training.status == "selesai":
            return self.complete(participant_id)
        return can_still_complete(
            self.present(participant_id),
            self.still_open(participant_id),
            len(self._sessions),
            self.threshold,
        )

    def below_rule(self) -> list[ParticipantView]:
        """Active participants who can no longer meet the rule (once the training is
        finished: everyone below it)."""
        return [p for p in self._participants if p.active and not self.can_complete(p.id)]

    def editable_reason(self, row: int, column: int) -> str | None:
        """Why a cell cannot be marked (None: it can)."""
        session = self.session_at(column)
        if session is None or self._grid is None or not 0 <= row < len(self._participants):
            return tr("Pilih sel pada kolom sesi.")
        if self.read_only:
            return tr("Basis data dibuka hanya-baca; kehadiran tidak dapat diubah.")
        if self._grid.training.status == "selesai":
            return tr("Pelatihan sudah selesai; kehadiran tidak dapat diubah lagi.")
        if session.session_date > self._grid.today:
            return tr(
                "Sesi tanggal {date} belum berlangsung; kehadiran untuk tanggal yang akan datang "
                "tidak dapat dicatat.",
                date=format_date(session.session_date),
            )
        if not self._participants[row].active:
            return tr("Peserta ini sudah mundur; kehadirannya tidak dapat diubah.")
        return None

    # -- Qt API ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._participants)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._grid is None:
            return 0
        return self.FIXED + len(self._sessions) + self.TAIL

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return None
        if not 0 <= section < self.columnCount():
            return None
        session = self.session_at(section)
        if role == _DISPLAY:
            if session is not None:
                counts = self.column_counts(session.id)
                if session.session_date > (self._grid.today if self._grid else date.max):
                    line2 = tr("belum")
                else:
                    line2 = f"H{counts['H']} I{counts['I']} S{counts['S']} A{counts['A']}"
                return f"{session.number} · {short_day(session.session_date)}\n{line2}"
            return {
                self.COL_NO: tr("No"),
                self.COL_NAME: tr("Nama"),
                self.COL_NIK: tr("NIK"),
                self.col_present(): tr("Hadir"),
                self.col_note(): tr("Keterangan"),
            }.get(section)
        if role == Qt.ItemDataRole.ToolTipRole and session is not None:
            counts = self.column_counts(session.id)
            return tr(
                "Sesi {number}: {topic}\n{date} {time}\nHadir {h} · Izin {i} · Sakit {s} · "
                "Alpa {a} · belum diisi {blank}",
                number=session.number,
                topic=session.topic,
                date=format_date(session.session_date),
                time=session.time_range,
                h=counts["H"],
                i=counts["I"],
                s=counts["S"],
                a=counts["A"],
                blank=counts[""],
            )
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable_reason(index.row(), index.column()) is None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._participants):
            return None
        p = self._participants[index.row()]
        column = index.column()
        session = self.session_at(column)
        if role == ROW_ROLE:
            return p
        if role in (_DISPLAY, Qt.ItemDataRole.EditRole):
            return self._text(p, column, session)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (self.COL_NAME, self.COL_NIK, self.col_note()):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and session is not None:
            code = self.code(p.id, session.id)
            if code:
                return QBrush(QColor(CODE_COLOURS[code]))
            if self._grid is not None and session.session_date > self._grid.today:
                return QBrush(FUTURE_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if not p.active:
                return QBrush(GREY)
            if column == self.col_note() and self._sessions and not self.complete(p.id):
                return QBrush(ERROR if not self.can_complete(p.id) else GREY)
            if column == self.COL_NIK and p.nik_warning:
                return QBrush(WARNING)
            return None
        if role == Qt.ItemDataRole.FontRole and session is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if session is not None:
                code = self.code(p.id, session.id)
                label = tr(ATTENDANCE_LABELS[AttendanceCode(code)]) if code else tr("belum diisi")
                return f"{p.name} — {tr('Sesi')} {session.number}: {label}"
            if column == self.COL_NIK and p.nik_warning:
                return tr(
                    "Peserta tanpa NIK yang valid (kasus peringatan, mis. anak yang belum ber-KTP)."
                )
            if column == self.col_note() and not p.active:
                return p.withdraw_reason
        return None

    def _text(self, p: ParticipantView, column: int, session: SessionView | None) -> str:
        if session is not None:
            return self.code(p.id, session.id) or ""
        if column == self.COL_NO:
            return str(p.number)
        if column == self.COL_NAME:
            return p.name
        if column == self.COL_NIK:
            return mask_nik(p.nik) if p.nik else tr("⚠ tanpa NIK")
        if column == self.col_present():
            return f"{self.present(p.id)}/{len(self._sessions)} · {self.pct(p.id)}%"
        if column == self.col_note():
            if not p.active:
                return tr("Mundur")
            if not self._sessions:
                return ""
            if self.complete(p.id):
                return tr("Memenuhi")
            if not self.can_complete(p.id):
                return tr("Di bawah {pct}%", pct=self.threshold)
            needed = sessions_needed(self.present(p.id), len(self._sessions), self.threshold)
            return tr("Perlu {n} sesi lagi", n=needed)
        return ""

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        session = self.session_at(index.column())
        if session is None:
            return False
        reason = self.editable_reason(index.row(), index.column())
        if reason is not None:
            self.refused.emit(reason)
            return False
        text = "" if value is None else str(value).strip()
        code: str | None = None
        if text:
            parsed = parse_attendance(text)
            if parsed is None:
                self.refused.emit(
                    tr("Kode '{code}' tidak dikenal; ketik H, I, S atau A.", code=text)
                )
                return False
            code = parsed.value
        return self.set_codes(session.id, {self._participants[index.row()].id: code})

    def set_codes(self, session_id: str, codes: dict[str, str | None]) -> bool:
        """Write marks for one session through the service, then update the view narrowly."""
        column = self.column_of(session_id)
        if column is None:
            return False
        changed = {pid: c for pid, c in codes.items() if self.code(pid, session_id) != c}
        if not changed:
            return True
        try:
            if self._writer is not None or self._many_writer is not None:
                if len(changed) == 1 and self._writer is not None:
                    ((pid, c),) = changed.items()
                    self._writer(session_id, pid, c)
                else:
                    self._write_many(session_id, changed)
        except Exception as exc:  # noqa: BLE001 - refusals and storage problems alike
            message = user_message(exc)
            if message is None:
                raise
            self.refused.emit(message)
            return False
        rows = []
        for pid, c in changed.items():
            if c is None:
                self._marks.pop((pid, session_id), None)
            else:
                self._marks[(pid, session_id)] = c
            rows.extend(i for i, p in enumerate(self._participants) if p.id == pid)
        for row in rows:
            self.dataChanged.emit(self.index(row, column), self.index(row, column))
            self.dataChanged.emit(
                self.index(row, self.col_present()), self.index(row, self.col_note())
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        self.marks_changed.emit()
        return True

    def mark_all_present(self, session_id: str) -> int:
        """'Semua hadir': every active participant without a mark in this session becomes H;
        izin and sakit already entered stay. Returns how many were marked."""
        todo: dict[str, str | None] = {
            p.id: "H" for p in self._participants if p.active and not self.code(p.id, session_id)
        }
        if not todo:
            return 0
        column = self.column_of(session_id)
        first_active = next((i for i, p in enumerate(self._participants) if p.active), None)
        if column is None or first_active is None:
            return 0
        reason = self.editable_reason(first_active, column)
        if reason is not None:
            self.refused.emit(reason)
            return 0
        return len(todo) if self.set_codes(session_id, todo) else 0

    def _write_many(self, session_id: str, codes: dict[str, str | None]) -> None:
        if self._many_writer is not None:
            self._many_writer(session_id, codes)
            return
        assert self._writer is not None
        for pid, c in codes.items():
            self._writer(session_id, pid, c)
