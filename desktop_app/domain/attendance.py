"""Attendance codes for training sessions and the completion rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from desktop_app.domain.values import member_labels

__all__ = [
    "ATTENDANCE_LABELS",
    "AttendanceCode",
    "attendance_pct",
    "floor_pct",
    "is_complete",
    "parse_attendance",
]


class AttendanceCode(StrEnum):
    HADIR = "H"
    IZIN = "I"
    SAKIT = "S"
    ALPA = "A"


ATTENDANCE_LABELS: dict[AttendanceCode, str] = member_labels(
    AttendanceCode, ("Hadir", "Izin", "Sakit", "Alpa")
)

_SPELLINGS: dict[str, AttendanceCode] = {
    **dict.fromkeys(["h", "hadir", "v", "\u2713", "\u2714", "ok", "ya"], AttendanceCode.HADIR),
    **dict.fromkeys(["i", "izin", "ijin"], AttendanceCode.IZIN),
    **dict.fromkeys(["s", "sakit"], AttendanceCode.SAKIT),
    **dict.fromkeys(["a", "alpa", "alfa", "alpha", "absen", "tidakhadir"], AttendanceCode.ALPA),
}


def parse_attendance(raw: str) -> AttendanceCode | None:
    """A code from what people type or find in spreadsheets ("H", "hadir", "✓", "ijin")."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    if text in _SPELLINGS:
        return _SPELLINGS[text]
    return _SPELLINGS.get(re.sub(r"[^a-z]", "", text))


def attendance_pct(codes: Iterable[AttendanceCode | str | None], total_sessions: int) -> float:
    """Share of the training's sessions attended (H only: izin and sakit are excused, not
    attended), as a percentage 0-100. Sessions without a mark count as not attended."""
    if total_sessions <= 0:
        return 0.0
    present = sum(1 for code in codes if code == AttendanceCode.HADIR)
    return 100.0 * min(present, total_sessions) / total_sessions


def floor_pct(present: int, total: int) -> int:
    """The whole-number share shown beside the rule, floored so 79.5% never shows as 80%."""
    return 0 if total <= 0 else present * 100 // total


def is_complete(
    codes: Iterable[AttendanceCode | str | None], total_sessions: int, threshold_pct: int
) -> bool:
    """Whether a participant passes: attendance at or above the office's threshold."""
    if total_sessions <= 0:
        return False
    present = sum(1 for code in codes if code == AttendanceCode.HADIR)
    # Integer comparison avoids 79.99999 vs 80 rounding surprises.
    return present * 100 >= threshold_pct * total_sessions
