"""Skills training rules: status flow, skill categories, session calendars, certificate numbers.

Attendance codes and the completion rule itself live in `attendance.py`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from desktop_app.domain.devices import (
    DEVICE_NAME_PATTERN,
    check_numbering,
    scanned_number,
)
from desktop_app.domain.office import INDONESIAN_MONTHS, format_date_id
from desktop_app.domain.values import member_labels

__all__ = [
    "DEFAULT_SKILL_CATEGORIES",
    "MAX_SESSION_RANGE_DAYS",
    "TRAINING_STATUS_LABELS",
    "CertificateNumber",
    "TrainingStatus",
    "can_move",
    "can_still_complete",
    "certificate_issue_date",
    "daily_dates",
    "format_certificate_number",
    "format_date_range_id",
    "numbered_topics",
    "parse_certificate_number",
    "parse_time",
    "roman_month",
    "sessions_needed",
    "split_trainers",
    "widened_dates",
]

# The first office's skill categories; an office edits the list in its training settings.
DEFAULT_SKILL_CATEGORIES: tuple[str, ...] = (
    "Jajanan",
    "Menjahit",
    "Pengolahan produk rumah tangga",
)


class TrainingStatus(StrEnum):
    PLANNED = "direncanakan"
    RUNNING = "berjalan"
    FINISHED = "selesai"


TRAINING_STATUS_LABELS: dict[TrainingStatus, str] = member_labels(
    TrainingStatus, ("Direncanakan", "Berjalan", "Selesai")
)

# Forward only: a finished training has issued certificates, so reopening it would let
# attendance change under a printed certificate.
_NEXT: dict[TrainingStatus, TrainingStatus] = {
    TrainingStatus.PLANNED: TrainingStatus.RUNNING,
    TrainingStatus.RUNNING: TrainingStatus.FINISHED,
}


def can_move(current: TrainingStatus | str, target: TrainingStatus | str) -> bool:
    """Whether a training may go from `current` to `target` (planned -> running -> finished;
    planned may also finish directly, e.g. a one-day training entered afterwards)."""
    current, target = TrainingStatus(current), TrainingStatus(target)
    if current == TrainingStatus.PLANNED and target == TrainingStatus.FINISHED:
        return True
    return _NEXT.get(current) == target


def sessions_needed(present: int, total: int, threshold_pct: int) -> int:
    """How many more sessions a participant must attend to meet the rule (0: already met)."""
    required = (threshold_pct * total + 99) // 100  # ceil without floats: 80% of 4 is 4
    return max(required - present, 0)


def can_still_complete(present: int, still_open: int, total: int, threshold_pct: int) -> bool:
    """Whether attending every session still open (not held or not yet marked) would meet
    the rule; a participant who cannot is shown as below the rule early."""
    return total > 0 and (present + still_open) * 100 >= threshold_pct * total


def daily_dates(
    start: date, end: date, *, weekdays: Collection[int] | None = None
) -> Iterator[date]:
    """Every day from `start` to `end` inclusive ("setiap hari 1-5 Desember"), optionally only
    on the given weekdays (Monday is 0)."""
    day = start
    while day <= end:
        if weekdays is None or day.weekday() in weekdays:
            yield day
        day += timedelta(days=1)


# A longer range is almost always a typo in the year.
MAX_SESSION_RANGE_DAYS = 366


def numbered_topics(
    dates: Sequence[date], topics: Sequence[str], already: int = 0
) -> list[tuple[date, str]]:
    """Pair each date with the next topic; dates beyond the topics get "Sesi N", counting on
    from the `already` sessions the training has."""
    return [
        (d, topics[i] if i < len(topics) else f"Sesi {already + i + 1}")
        for i, d in enumerate(dates)
    ]


def widened_dates(start: date, end: date, dates: Iterable[date]) -> tuple[date, date]:
    """A training's dates stretched to cover every session date (sessions outside the planned
    dates move the training's dates with them)."""
    days = list(dates)
    return min([start, *days]), max([end, *days])


def split_trainers(trainers: Sequence[str] | str) -> list[str]:
    """Trainer names from a list or from text with one name per line or `;` between names,
    spaces squashed and empty entries dropped."""
    items = trainers.splitlines() if isinstance(trainers, str) else list(trainers)
    parts: list[str] = []
    for item in items:
        parts.extend(p for p in (" ".join(x.split()) for x in str(item).split(";")) if p)
    return parts


_TIME = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


def parse_time(text: str) -> time | None:
    """A clock time as clerks write it: "08.00", "8:30"."""
    match = _TIME.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def format_date_range_id(start: date, end: date) -> str:
    """ "1 - 5 Desember 2026", "28 November - 2 Desember 2026", or one date when equal."""
    if end <= start:
        return format_date_id(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} - {format_date_id(end)}"
    if start.year == end.year:
        return f"{start.day} {INDONESIAN_MONTHS[start.month - 1]} - {format_date_id(end)}"
    return f"{format_date_id(start)} - {format_date_id(end)}"


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_month(month: int) -> str:
    """Indonesian letter numbers write the month in Roman numerals."""
    return _ROMAN[month - 1]


_CERT = re.compile(rf"^(\d{{4,}})/SERT-PLT/({DEVICE_NAME_PATTERN})/([IVX]{{1,4}})/(\d{{4}})$")


@dataclass(frozen=True)
class CertificateNumber:
    sequence: int
    device: str
    month: int
    year: int

    def __str__(self) -> str:
        return format_certificate_number(self.sequence, self.device, date(self.year, self.month, 1))


def format_certificate_number(sequence: int, device: str, issued: date) -> str:
    """ "0007/SERT-PLT/KANTOR/XII/2026": a per-device, per-year counter keeps two laptops from
    minting the same number offline; the rest follows the office's letter-number style."""
    check_numbering(device, sequence)
    return f"{sequence:04d}/SERT-PLT/{device}/{roman_month(issued.month)}/{issued.year}"


def certificate_issue_date(training_end: date, today: date) -> date:
    """Certificates carry the closing day of the training, as offices date them, unless they
    are issued before it (then the day they are issued)."""
    return min(training_end, today)


def parse_certificate_number(text: str) -> CertificateNumber | None:
    """The parts of a certificate number as typed or read from its QR code."""
    match = _CERT.match(scanned_number(text))
    if not match or match.group(3) not in _ROMAN:
        return None
    return CertificateNumber(
        sequence=int(match.group(1)),
        device=match.group(2),
        month=_ROMAN.index(match.group(3)) + 1,
        year=int(match.group(4)),
    )
