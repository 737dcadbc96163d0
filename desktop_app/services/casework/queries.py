"""Case lists: by program, worker, status, kelurahan, name; what is due; counts for reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text

from desktop_app.domain.access import Permission
from desktop_app.domain.casework import CASEWORK_PROGRAMS, CaseStatus, week_bounds
from desktop_app.domain.values import as_date
from desktop_app.services.casework.activities import ActivityOps
from desktop_app.services.casework.views import CaseCounts, CaseFilter, CaseRow

__all__ = ["CaseQueries"]

_LIST = (
    "SELECT c.id, c.program_code, c.person_id, p.name, p.kelurahan_code, c.worker, c.status, "
    "c.opened_on, c.follow_up_on, c.stage, c.carer FROM case_file c "
    "JOIN person p ON p.id = c.person_id WHERE c.deleted = 0"
)
_COUNTS = text(
    "SELECT program_code, status, count(*) FROM case_file WHERE deleted = 0 "
    "GROUP BY program_code, status"
)


class CaseQueries(ActivityOps):
    def list_cases(self, flt: CaseFilter | None = None) -> list[CaseRow]:
        """Cases with the person's name, ordered by next due date then name. Shows restricted
        names, so it needs CASEWORK and RESTRICTED_VIEW (for every casework program)."""
        flt = flt or CaseFilter()
        for code in (flt.program_code,) if flt.program_code else CASEWORK_PROGRAMS:
            self.require_view(code)
        sql = [_LIST]
        params: dict[str, Any] = {}
        if flt.program_code:
            sql.append("AND c.program_code = :program")
            params["program"] = flt.program_code
        else:
            sql.append("AND c.program_code IN ('SIHORE', 'DISABILITAS', 'ANAK_TERLANTAR', 'ABH')")
        if flt.worker:
            sql.append("AND c.worker = :worker")
            params["worker"] = flt.worker
        if flt.status:
            sql.append("AND c.status = :status")
            params["status"] = flt.status
        if flt.kelurahan_code:
            sql.append("AND p.kelurahan_code = :kel")
            params["kel"] = flt.kelurahan_code
        if flt.due_by is not None:
            sql.append("AND c.follow_up_on IS NOT NULL AND c.follow_up_on <= :due")
            params["due"] = flt.due_by.isoformat()
        query = " ".join(flt.query.split()).lower()
        if query:
            sql.append("AND lower(p.name) LIKE :q ESCAPE '\\'")
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params["q"] = f"%{escaped}%"
        sql.append("ORDER BY c.follow_up_on IS NULL, c.follow_up_on, p.name")
        if flt.limit:
            sql.append("LIMIT :limit")
            params["limit"] = int(flt.limit)
        with self.ctx.db.session() as s:
            rows = s.execute(text(" ".join(sql)), params).all()
        return [
            CaseRow(
                id=r[0],
                program_code=r[1],
                person_id=r[2],
                person_name=r[3],
                kelurahan=self.kelurahan_name(r[4]),
                worker=r[5],
                status=r[6],
                opened_on=as_date(r[7]) or date.min,
                follow_up_on=as_date(r[8]),
                stage=r[9],
                carer=r[10],
            )
            for r in rows
        ]

    def my_cases(self, worker: str | None = None) -> list[CaseRow]:
        """The open cases assigned to `worker` (default: whoever is logged in)."""
        actor = self.require_casework()
        return self.list_cases(CaseFilter(worker=worker or self.worker_name(actor)))

    def due_this_week(self, today: date | None = None, worker: str | None = None) -> list[CaseRow]:
        """Open cases whose next follow-up (or Si Hore visit) falls by the end of this week,
        overdue ones included, soonest first."""
        self.require_casework()
        day = today or self.ctx.clock.today()
        _monday, sunday = week_bounds(day)
        return self.list_cases(CaseFilter(worker=worker, due_by=sunday))

    def case_counts(self) -> CaseCounts:
        """Open and closed cases per program: numbers only, no names, so REPORTS_VIEW is
        enough (a head of office sees the caseload, not the children)."""
        if not self.ctx.can(Permission.CASEWORK):
            self.ctx.require(Permission.REPORTS_VIEW)
        by_program = dict.fromkeys(CASEWORK_PROGRAMS, 0)
        open_total = closed_total = 0
        with self.ctx.db.session() as s:
            for program, status, n in s.execute(_COUNTS):
                if program not in by_program:
                    continue
                if status == CaseStatus.OPEN:
                    by_program[program] += n
                    open_total += n
                else:
                    closed_total += n
        return CaseCounts(by_program, open_total, closed_total)
