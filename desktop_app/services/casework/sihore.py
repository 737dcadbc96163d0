"""Si Hore home care: carers and visit frequency, the quick visit record, overdue visits, the
monthly recap (data, PDF, xlsx) and the visit card the family signs."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import text

from desktop_app.documents.casework import (
    CarerRecap,
    ClientRecap,
    SihoreRecapDoc,
    VisitCardDoc,
    VisitLine,
    sihore_recap_pdf,
    visit_card_pdf,
)
from desktop_app.domain.casework import (
    SIHORE_CONDITIONS,
    SIHORE_SERVICES,
    ActivityKind,
    CaseStatus,
    month_bounds,
    next_visit_due,
)
from desktop_app.domain.office import format_date_id
from desktop_app.domain.values import as_date
from desktop_app.services.casework import messages as m
from desktop_app.services.casework.common import (
    CASE_ENTITY,
    MAX_VISIT_EVERY_DAYS,
    choice_key,
    load_json,
)
from desktop_app.services.casework.queries import CaseQueries
from desktop_app.services.casework.views import OverdueVisit
from desktop_app.services.context import ServiceError

__all__ = ["MONTHS_ID", "SihoreOps", "period_label"]

PROGRAM = "SIHORE"
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

_OVERDUE = text(
    "SELECT c.id, p.name, p.kelurahan_code, c.carer, c.last_visit_on, c.follow_up_on "
    "FROM case_file c JOIN person p ON p.id = c.person_id "
    "WHERE c.program_code = 'SIHORE' AND c.status = :open AND c.deleted = 0 "
    "AND c.follow_up_on < :today ORDER BY c.follow_up_on, p.name"
)
_MONTH_CASES = text(
    "SELECT c.id, p.name, p.kelurahan_code, p.street, p.rt, p.rw, c.carer, c.visit_every_days, "
    "c.opened_on, c.closed_on, c.follow_up_on, c.status FROM case_file c "
    "JOIN person p ON p.id = c.person_id WHERE c.program_code = 'SIHORE' AND c.deleted = 0 "
    "AND c.opened_on <= :last AND (c.closed_on IS NULL OR c.closed_on >= :first)"
)
_MONTH_VISITS = text(
    "SELECT a.case_id, a.done_on, a.worker, a.notes, a.details FROM case_activity a "
    "JOIN case_file c ON c.id = a.case_id WHERE c.program_code = 'SIHORE' AND c.deleted = 0 "
    "AND a.kind = 'kunjungan_rumah' AND a.deleted = 0 AND a.done_on BETWEEN :first AND :last "
    "ORDER BY a.done_on, a.created_at"
)


def period_label(year: int, month: int) -> str:
    return f"{MONTHS_ID[month - 1]} {year}"


def _check_month(year: int, month: int) -> tuple[date, date]:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ServiceError(m.MONTH_INVALID, month=month, year=year)
    return month_bounds(year, month)


def _services(values: Iterable[str]) -> list[str]:
    chosen = {str(v).strip().lower() for v in values if str(v).strip()}
    unknown = sorted(chosen - set(SIHORE_SERVICES))
    if unknown:
        raise ServiceError(m.SERVICE_UNKNOWN, service=unknown[0])
    if not chosen:
        raise ServiceError(m.SERVICES_REQUIRED)
    return [s for s in SIHORE_SERVICES if s in chosen]


def _expected_visits(first: date, last: date, opened: date, closed: date | None, every: int) -> int:
    """Visits the plan asks for in the part of the month the case was open (at least one)."""
    start, end = max(first, opened), min(last, closed or last)
    if end < start:
        return 0
    return max(1, ((end - start).days + 1) // max(1, every))


class SihoreOps(CaseQueries):
    def set_visit_plan(
        self, case_id: str, *, carer: str | None, visit_every_days: int | None
    ) -> None:
        """Who visits a Si Hore client and how often; the next due visit follows."""
        self.require_casework()
        every = visit_every_days
        if every is not None and not 1 <= every <= MAX_VISIT_EVERY_DAYS:
            raise ServiceError(m.VISIT_FREQUENCY_INVALID)
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            self._require_program(case.program_code, PROGRAM)
            changes: dict[str, Any] = {
                "carer": " ".join((carer or "").split()) or None,
                "visit_every_days": every,
                "follow_up_on": next_visit_due(case.last_visit_on, every, case.opened_on),
            }
            uow.update(case, CASE_ENTITY, changes)

    def _require_program(self, program: str, expected: str) -> None:
        if program != expected:
            raise ServiceError(m.WRONG_PROGRAM, expected=expected, program=program)

    def record_visit(
        self,
        case_id: str,
        *,
        services: Iterable[str],
        condition: str,
        visited_on: date | None = None,
        next_visit_on: date | None = None,
        notes: str | None = None,
        carer: str | None = None,
    ) -> str:
        """The carer's quick visit form: services given (SIHORE_SERVICES keys), the client's
        condition (SIHORE_CONDITIONS), the next visit (default: by the visit frequency). One
        unit of work; returns the activity id."""
        self.require_casework()
        chosen = _services(services)
        condition = choice_key(condition, SIHORE_CONDITIONS, m.CONDITION_UNKNOWN, "condition")
        with self.ctx.unit_of_work() as uow:
            case = self.open_case_for_write(uow, case_id)
            self._require_program(case.program_code, PROGRAM)
            day = self.work_date(case, visited_on)
            nxt = as_date(next_visit_on) or next_visit_due(day, case.visit_every_days, day)
            if nxt <= day:
                raise ServiceError(
                    m.NEXT_VISIT_BEFORE, next_visit=format_date_id(nxt), on=format_date_id(day)
                )
            who = " ".join((carer or case.carer or "").split()) or self.worker_name(
                self.ctx.current_actor()
            )
            activity_id = self.insert_activity(
                uow,
                case,
                ActivityKind.HOME_VISIT.value,
                done_on=day,
                notes=self.clean_notes(notes),
                follow_up_on=None,
                target=None,
                details={
                    "services": chosen,
                    "condition": condition,
                    "carer": who,
                    "next_visit_on": nxt.isoformat(),
                },
            )
            latest = max(day, case.last_visit_on) if case.last_visit_on else day
            changes: dict[str, Any] = {"last_visit_on": latest}
            if latest == day:
                changes["follow_up_on"] = nxt
            uow.update(case, CASE_ENTITY, changes, op="visit")
            return activity_id

    def overdue_visits(self, today: date | None = None) -> list[OverdueVisit]:
        """Open Si Hore clients whose next visit is before `today` (default: today), most
        overdue first."""
        self.require_view(PROGRAM)
        day = today or self.ctx.clock.today()
        with self.ctx.db.session() as s:
            rows = s.execute(
                _OVERDUE, {"open": CaseStatus.OPEN.value, "today": day.isoformat()}
            ).all()
        out = []
        for r in rows:
            due = as_date(r[5]) or day
            out.append(
                OverdueVisit(
                    case_id=r[0],
                    person_name=r[1],
                    kelurahan=self.kelurahan_name(r[2]),
                    carer=r[3],
                    last_visit_on=as_date(r[4]),
                    due_on=due,
                    days_late=(day - due).days,
                )
            )
        return out

    # -- the monthly recap -----------------------------------------------------------------
    def monthly_recap(self, year: int, month: int) -> SihoreRecapDoc:
        """Visits of one month per client (against the plan, services given, last condition)
        and per carer."""
        actor = self.require_view(PROGRAM)
        first, last = _check_month(year, month)
        params = {"first": first.isoformat(), "last": last.isoformat()}
        with self.ctx.db.session() as s:
            cases = s.execute(_MONTH_CASES, params).all()
            visits = s.execute(_MONTH_VISITS, params).all()
        by_case: dict[str, list[VisitLine]] = defaultdict(list)
        for case_id, done_on, worker, notes, details_text in visits:
            details = load_json(details_text)
            by_case[case_id].append(
                VisitLine(
                    done_on=as_date(done_on) or first,
                    carer=str(details.get("carer") or worker),
                    services=tuple(details.get("services") or ()),
                    condition=details.get("condition"),
                    next_visit_on=as_date(details.get("next_visit_on")),
                    notes=notes,
                )
            )
        names = {r[0]: r[1] for r in cases}
        clients: list[ClientRecap] = []
        carers: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in sorted(cases, key=lambda r: (r[1], r[0])):
            lines = by_case.get(r[0], [])
            every = r[7] or 7
            expected = _expected_visits(first, last, as_date(r[8]) or first, as_date(r[9]), every)
            counts = {k: sum(1 for v in lines if k in v.services) for k in SIHORE_SERVICES}
            carer = r[6] or "-"
            clients.append(
                ClientRecap(
                    case_id=r[0],
                    name=r[1],
                    kelurahan=self.kelurahan_name(r[2]),
                    carer=carer,
                    visit_every_days=every,
                    visits=len(lines),
                    expected=expected,
                    service_counts=counts,
                    last_condition=lines[-1].condition if lines else None,
                    overdue=len(lines) < expected,
                )
            )
            tally = carers[carer]
            tally[0] += 1
            tally[1] += len(lines)
            tally[2] += expected
        ordered = sorted(
            ((names.get(cid, ""), v) for cid, lines in by_case.items() for v in lines),
            key=lambda item: (item[1].done_on, item[0]),
        )
        return SihoreRecapDoc(
            year=year,
            month=month,
            period=period_label(year, month),
            clients=tuple(clients),
            carers=tuple(CarerRecap(name, *tally) for name, tally in sorted(carers.items())),
            visits=tuple(ordered),
            made_on=self.ctx.clock.today(),
            officer=actor.full_name or self.ctx.actor,
        )

    def recap_pdf(self, year: int, month: int, path: Path) -> int:
        """The monthly recap as PDF (logged as a print of restricted data); returns clients."""
        doc = self.monthly_recap(year, month)
        count = sihore_recap_pdf(Path(path), self.ctx.office, doc)
        self.ctx.log_access("print", CASE_ENTITY, None, f"sihore_recap {year:04d}-{month:02d}")
        return count

    def recap_xlsx(self, year: int, month: int, path: Path) -> int:
        """The monthly recap as a workbook (per client, per carer, every visit). Every text
        cell is written as a string and no formula is ever written. Returns clients."""
        doc = self.monthly_recap(year, month)
        write_recap_xlsx(Path(path), doc)
        self.ctx.log_access("export", CASE_ENTITY, None, f"sihore_recap {year:04d}-{month:02d}")
        return len(doc.clients)

    def visit_card(self, case_id: str, year: int, month: int) -> VisitCardDoc:
        self.require_casework()
        first, last = _check_month(year, month)
        detail = self.get_case(case_id)
        self._require_program(detail.program_code, PROGRAM)
        every = detail.visit_every_days or 7
        visits = tuple(
            VisitLine(
                done_on=a.done_on,
                carer=str(a.details.get("carer") or a.worker),
                services=tuple(a.details.get("services") or ()),
                condition=a.details.get("condition"),
                next_visit_on=as_date(a.details.get("next_visit_on")),
            )
            for a in reversed(detail.activities)
            if a.kind == ActivityKind.HOME_VISIT and first <= a.done_on <= last
        )
        planned = _expected_visits(first, last, detail.opened_on, detail.closed_on, every)
        return VisitCardDoc(
            client_name=detail.person.name,
            address=detail.person.address,
            kelurahan=detail.person.kelurahan,
            carer=detail.carer or "-",
            visit_every_days=every,
            period=period_label(year, month),
            visits=visits,
            blank_rows=max(2, planned - len(visits) + 1),
        )

    def visit_card_pdf(self, case_id: str, year: int, month: int, path: Path) -> int:
        """The printable visit card of one client for one month; returns the rows printed."""
        card = self.visit_card(case_id, year, month)
        rows = visit_card_pdf(Path(path), self.ctx.office, card)
        self.ctx.log_access("print", CASE_ENTITY, case_id, "sihore_visit_card")
        return rows


def write_recap_xlsx(path: Path, doc: SihoreRecapDoc) -> None:
    """Write the recap workbook beside `path`, then move it over: strings and numbers only."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})

        def table(name: str, header: list[str], rows: Iterable[list[object]]) -> None:
            sheet = book.add_worksheet(name)
            sheet.write_string(0, 0, f"Rekap Si Hore {doc.period} - {name}", bold)
            for c, h in enumerate(header):
                sheet.write_string(2, c, h, head)
                sheet.set_column(c, c, 28 if c in (1, 2, 3) else 12)
            for r, row in enumerate(rows, 3):
                for c, v in enumerate(row):
                    if isinstance(v, int) and not isinstance(v, bool):
                        sheet.write_number(r, c, v)
                    else:
                        sheet.write_string(r, c, "" if v is None else str(v))

        services = list(SIHORE_SERVICES)
        table(
            "Per klien",
            ["No", "Nama klien", "Kelurahan", "Pendamping", "Kunjungan", "Rencana"]
            + [SIHORE_SERVICES[s] for s in services]
            + ["Kondisi terakhir"],
            (
                [i, c.name, c.kelurahan, c.carer, c.visits, c.expected]
                + [c.service_counts.get(s, 0) for s in services]
                + [SIHORE_CONDITIONS.get(c.last_condition or "", "-")]
                for i, c in enumerate(doc.clients, 1)
            ),
        )
        table(
            "Per pendamping",
            ["No", "Pendamping", "Klien", "Kunjungan", "Rencana"],
            ([i, c.carer, c.clients, c.visits, c.expected] for i, c in enumerate(doc.carers, 1)),
        )
        table(
            "Kunjungan",
            ["No", "Tanggal", "Klien", "Pendamping", "Layanan", "Kondisi"],
            (
                [
                    i,
                    v.done_on.isoformat(),
                    name,
                    v.carer,
                    ", ".join(SIHORE_SERVICES[s] for s in services if s in v.services),
                    SIHORE_CONDITIONS.get(v.condition or "", "-"),
                ]
                for i, (name, v) in enumerate(doc.visits, 1)
            ),
        )
        book.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
