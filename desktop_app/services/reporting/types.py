"""Plain values the reporting service hands out: figures, never rows or sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "AGE_GROUPS",
    "AGE_GROUP_LABELS",
    "SEXES",
    "SEX_LABELS",
    "Breakdown",
    "Dashboard",
    "GroupCount",
    "Period",
    "Progress",
    "ProgressBar",
    "ProgramFigures",
    "QualityItem",
    "RoundProgress",
    "StageComparison",
    "TrainingFigures",
    "TrainingSummary",
]

SEXES: tuple[str, ...] = ("L", "P")
SEX_LABELS: dict[str, str] = {"L": "Laki-laki", "P": "Perempuan"}
# UU 35/2014 (anak: under 18) and UU 13/1998 (lanjut usia: 60 and over); persons without a
# birth date are counted apart instead of guessed into a group.
AGE_GROUPS: tuple[str, ...] = ("anak", "dewasa", "lansia", "tidak_diketahui")
AGE_GROUP_LABELS: dict[str, str] = {
    "anak": "Anak (< 18 th)",
    "dewasa": "Dewasa (18-59 th)",
    "lansia": "Lansia (>= 60 th)",
    "tidak_diketahui": "Usia tidak diketahui",
}


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included."""

    start: date
    end: date

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        nxt = (
            first.replace(year=first.year + 1, month=1)
            if first.month == 12
            else first.replace(month=first.month + 1)
        )
        return cls(first, date.fromordinal(nxt.toordinal() - 1))


@dataclass(frozen=True)
class ProgramFigures:
    """Key figures of one program: who it serves now and who came and went in a period."""

    code: str
    name: str
    short: str
    unit: str  # "person" / "household": what one beneficiary is
    active: int  # live beneficiaries with an open enrolment (what the registry filter lists)
    new: int  # enrolments that started in the period
    left: int  # enrolments that ended in the period


@dataclass(frozen=True)
class Progress:
    """Where a round's roster stands: the same counts as the BAST and the recap."""

    entitled: int
    received: int  # includes by proxy
    by_proxy: int
    absent: int
    refused: int

    @property
    def direct(self) -> int:
        return self.received - self.by_proxy

    @property
    def pending(self) -> int:
        return self.entitled - self.received - self.absent - self.refused

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.entitled + other.entitled,
            self.received + other.received,
            self.by_proxy + other.by_proxy,
            self.absent + other.absent,
            self.refused + other.refused,
        )


NO_PROGRESS = Progress(0, 0, 0, 0, 0)


@dataclass(frozen=True)
class ProgressBar:
    """One bar of a round's chart: a kelurahan (key: its code) or a point (key: its id)."""

    key: str | None  # None: entries without a kelurahan or without a point
    label: str
    progress: Progress


@dataclass(frozen=True)
class RoundProgress:
    round_id: str
    code: str
    name: str
    program_code: str
    status: str
    start_date: date | None
    total: Progress
    by_kelurahan: Sequence[ProgressBar] = ()
    by_point: Sequence[ProgressBar] = ()


@dataclass(frozen=True)
class StageComparison:
    """The rounds (tahap) of one program in one year, side by side."""

    program_code: str
    program_short: str
    year: int
    stages: Sequence[RoundProgress]


@dataclass(frozen=True)
class TrainingFigures:
    training_id: str
    title: str
    category: str
    status: str
    start_date: date
    end_date: date
    sessions: int
    participants: int  # active (not withdrawn)
    withdrawn: int
    completed: int  # active participants meeting the attendance rule
    certificates: int
    women: int  # active participants who are women


@dataclass(frozen=True)
class TrainingSummary:
    trainings: Sequence[TrainingFigures]

    @property
    def participants(self) -> int:
        return sum(t.participants for t in self.trainings)

    @property
    def completed(self) -> int:
        return sum(t.completed for t in self.trainings)

    @property
    def certificates(self) -> int:
        return sum(t.certificates for t in self.trainings)


@dataclass(frozen=True)
class QualityItem:
    """One data-quality finding: a stable code, its Indonesian label and how many rows."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class GroupCount:
    """Beneficiaries of one group (e.g. a kelurahan), split by sex."""

    key: str | None
    label: str
    men: int
    women: int

    @property
    def total(self) -> int:
        return self.men + self.women


@dataclass(frozen=True)
class Breakdown:
    """Beneficiaries by sex and age group on a reference day.

    `counts[(sex, group)]`; a household program counts the head of each KPM."""

    on: date
    counts: Mapping[tuple[str, str], int]

    def count(self, sex: str | None = None, group: str | None = None) -> int:
        return sum(
            n
            for (s, g), n in self.counts.items()
            if (sex is None or s == sex) and (group is None or g == group)
        )

    @property
    def total(self) -> int:
        return self.count()


@dataclass(frozen=True)
class Dashboard:
    """Everything the Beranda shows, read in one go off the GUI thread."""

    as_of: date
    month: Period
    programs: Sequence[ProgramFigures]
    open_rounds: Sequence[RoundProgress]
    stages: Sequence[StageComparison]
    training: TrainingSummary
    quality: Sequence[QualityItem]
    elapsed_ms: float = field(default=0.0, compare=False)
