"""What the registry takes in (inputs, filters) and hands out (rows, records, details).

Plain dataclasses, so the GUI and the CLI never see a database row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from desktop_app.domain.errors import Msg
from desktop_app.domain.nik import Issue, Severity, clean_number, has_errors
from desktop_app.domain.people import blank_to_none as _blank_to_none
from desktop_app.domain.people import pad_rt as _pad
from desktop_app.services.context import ServiceError
from desktop_app.services.registry.messages import INVALID

__all__ = [
    "SEARCH_LIMIT",
    "EnrolmentView",
    "HistoryEntry",
    "HouseholdDetail",
    "HouseholdInput",
    "HouseholdRow",
    "PersonDetail",
    "PersonFilter",
    "PersonInput",
    "PersonRecord",
    "PersonRow",
    "ValidationFailed",
    "require_row",
]


class ValidationFailed(ServiceError):
    """Raised when input has errors (warnings never block saving); `issues` holds them all."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        errors = [i for i in issues if i.severity == Severity.ERROR]
        details = "\n".join(i.message for i in errors) or "Data tidak valid."
        super().__init__(INVALID, details=details)
        self.issues = list(issues)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.issues,))

    @classmethod
    def raise_if_errors(cls, issues: Sequence[Issue]) -> None:
        """Refuse the input if any issue is an error; warnings alone let the save go on."""
        if has_errors(issues):
            raise cls(issues)


def issue(code: str, severity: Severity, template: str, /, **params: Any) -> Issue:
    """An Issue whose template may itself use a `{code}` placeholder (hence positional-only)."""
    return Issue(code=code, severity=severity, template=template, params=params)


M = TypeVar("M", bound=SQLModel)


def require_row(session: Session, model: type[M], row_id: str, msg: Msg) -> M:
    """The live row `row_id` of `model`; refused with `msg` when it is missing or tombstoned."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "deleted", False):
        raise ServiceError(msg)
    return row


@dataclass
class PersonInput:
    name: str
    sex: str
    nik: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = None
    phone: str | None = None
    notes: str | None = None

    def cleaned(self) -> PersonInput:
        nik = clean_number(self.nik) if self.nik else None
        return PersonInput(
            name=" ".join(self.name.split()),
            sex=(self.sex or "").strip().upper(),
            nik=nik or None,
            birth_place=_blank_to_none(self.birth_place),
            birth_date=self.birth_date,
            street=_blank_to_none(self.street),
            rt=_pad(self.rt),
            rw=_pad(self.rw),
            kelurahan_code=_blank_to_none(self.kelurahan_code),
            phone=_blank_to_none(self.phone),
            notes=_blank_to_none(self.notes),
        )


@dataclass
class HouseholdInput:
    kk_number: str
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = None

    def cleaned(self) -> HouseholdInput:
        return HouseholdInput(
            kk_number=clean_number(self.kk_number or ""),
            street=_blank_to_none(self.street),
            rt=_pad(self.rt),
            rw=_pad(self.rw),
            kelurahan_code=_blank_to_none(self.kelurahan_code),
        )


# Search-as-you-type shows at most this many matches: a clerk narrows a longer list by typing
# more, and collecting every match of a short prefix ("3572" is in every NIK) would cost far more
# than a keystroke's budget.
SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class PersonFilter:
    query: str = ""
    program_code: str | None = None
    kecamatan_code: str | None = None
    kelurahan_code: str | None = None
    status: str | None = None  # None: every status
    # A text search returns at most this many persons (None: all). Listing without search text
    # is never cut; count_persons always counts every match.
    max_matches: int | None = SEARCH_LIMIT


@dataclass(frozen=True)
class PersonRow:
    rowid: int
    id: str
    nik: str | None
    name: str
    sex: str
    birth_date: date | None
    address: str
    kelurahan: str
    kecamatan: str
    kk_number: str | None
    status: str
    programs: str


@dataclass(frozen=True)
class HouseholdRow:
    rowid: int
    id: str
    kk_number: str
    head_name: str | None
    head_nik: str | None
    address: str
    kelurahan: str
    kecamatan: str
    members: int
    programs: str


@dataclass(frozen=True)
class EnrolmentView:
    id: str
    program_code: str
    program_name: str
    start_date: date
    end_date: date | None
    end_reason: str | None
    details: dict
    via_household: bool

    @property
    def active(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    actor: str
    op: str
    summary: str


@dataclass(frozen=True)
class PersonRecord:
    """Everything an edit dialog needs to show one person."""

    id: str
    input: PersonInput
    household_id: str | None
    relation: str | None
    status: str
    status_date: date | None


@dataclass(frozen=True)
class PersonDetail:
    record: PersonRecord
    household: HouseholdRow | None
    members: list[PersonRow]
    enrolments: list[EnrolmentView]
    status_history: list[tuple[str, date | None, str | None]]
    history: list[HistoryEntry]
    nik_issues: list[Issue] = field(default_factory=list)
    # Enrolments in restricted programs left out for an actor without RESTRICTED_VIEW.
    hidden_enrolments: int = 0


@dataclass(frozen=True)
class HouseholdDetail:
    row: HouseholdRow
    input: HouseholdInput
    head_person_id: str | None
    members: list[PersonRow]
    kk_history: list[tuple[str, date | None, date | None, str | None]]
    enrolments: list[EnrolmentView]
    # Left out for an actor without RESTRICTED_VIEW: restricted enrolments, restricted members.
    hidden_enrolments: int = 0
    hidden_members: int = 0
