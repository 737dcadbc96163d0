"""The data the casework documents print: desktop_app.services.casework builds these, the
document modules only lay them out (documents never read the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "CarerRecap",
    "ClientRecap",
    "DeviceReceiptDoc",
    "HearingSummaryDoc",
    "SihoreRecapDoc",
    "TimelineLine",
    "VisitCardDoc",
    "VisitLine",
]


@dataclass(frozen=True)
class VisitLine:
    done_on: date
    carer: str
    services: tuple[str, ...]  # SIHORE_SERVICES keys
    condition: str | None  # SIHORE_CONDITIONS key
    next_visit_on: date | None
    notes: str | None = None


@dataclass(frozen=True)
class ClientRecap:
    case_id: str
    name: str
    kelurahan: str
    carer: str
    visit_every_days: int
    visits: int
    expected: int
    service_counts: dict[str, int]  # SIHORE_SERVICES key -> visits that gave it
    last_condition: str | None
    overdue: bool


@dataclass(frozen=True)
class CarerRecap:
    carer: str
    clients: int
    visits: int
    expected: int


@dataclass(frozen=True)
class SihoreRecapDoc:
    year: int
    month: int
    period: str  # "November 2026"
    clients: tuple[ClientRecap, ...]
    carers: tuple[CarerRecap, ...]
    visits: tuple[tuple[str, VisitLine], ...]  # (client name, visit), by date
    made_on: date
    officer: str

    @property
    def total_visits(self) -> int:
        return sum(c.visits for c in self.clients)

    @property
    def total_expected(self) -> int:
        return sum(c.expected for c in self.clients)


@dataclass(frozen=True)
class VisitCardDoc:
    """The card kept at the client's home: every visit of the month, signed by the family."""

    client_name: str
    address: str
    kelurahan: str
    carer: str
    visit_every_days: int
    period: str
    visits: tuple[VisitLine, ...]
    blank_rows: int  # empty rows to fill by hand for visits still to come


@dataclass(frozen=True)
class DeviceReceiptDoc:
    number: str
    person_name: str
    person_nik: str  # full; the document masks it
    address: str
    kelurahan: str
    device: str  # label
    spec: str
    delivered_on: date
    received_by: str
    officer: str
    device_name: str  # the laptop that recorded the handover
    qr_payload: str  # BERDAYA|number|signature


@dataclass(frozen=True)
class TimelineLine:
    on: date
    label: str
    detail: str = ""


@dataclass(frozen=True)
class HearingSummaryDoc:
    """A child's case summary for a hearing. Built with the identity already masked (UU 11/2012
    pasal 19): initials, sex and age; no NIK, no address, no free-text notes."""

    initials: str
    sex: str
    age: int | None
    program: str
    role: str  # kedudukan: pelaku / korban / saksi label, "" for anak terlantar
    matter: str  # perkara
    stage: str
    worker: str
    opened_on: date
    timeline: tuple[TimelineLine, ...]
    needs: tuple[str, ...]
    school: str
    made_on: date
