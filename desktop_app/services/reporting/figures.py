"""The figures behind the Beranda and the reports, each one aggregate SQL read.

Counting rules, once:

- A program's *active* beneficiaries are live persons (person programs) or live KPM (household
  programs) with an open, live enrolment: exactly what the Registri tab lists for that program.
  *Active on a day* (reports) is an enrolment started on or before the day and not ended by it.
- *New* and *left* count enrolments whose start or end date falls in the period.
- A household program's sex and age come from the head of each KPM; its kelurahan is the KPM's.
- A round's progress counts active roster entries the way the BAST and the recap do: an entry
  with a valid (not voided) receipt is received (by proxy when no receipt of it was collected in
  person); otherwise the latest absent/refused mark after its last receipt decides.
- Age groups: anak under 18, dewasa 18-59, lansia 60 and over, on the reference day.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.access import Permission
from desktop_app.domain.programs import (
    ADULT_AGE,
    DISABILITY_RAGAM,
    ELDERLY_AGE,
    PROGRAMS,
    Program,
    Unit,
)
from desktop_app.services.access import requires
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.reporting.messages import BAD_PERIOD, NO_ROUND, UNKNOWN_PROGRAM
from desktop_app.services.reporting.types import (
    NO_PROGRESS,
    Breakdown,
    Dashboard,
    GroupCount,
    Period,
    ProgramFigures,
    Progress,
    ProgressBar,
    QualityItem,
    RoundProgress,
    StageComparison,
    TrainingFigures,
    TrainingSummary,
)

__all__ = ["NO_KELURAHAN", "NO_POINT", "ReportingService"]

NO_KELURAHAN = "(tanpa kelurahan)"
NO_POINT = "(tanpa titik salur)"

# -- SQL pieces ------------------------------------------------------------------------------

_OPEN = "e.end_date IS NULL"
_ACTIVE_ON = "e.start_date <= :on AND (e.end_date IS NULL OR e.end_date > :on)"


def _beneficiaries_sql(program: Program, active: str) -> str:
    """One row per beneficiary of the program: unit id, kelurahan, sex and birth date (a
    household program's of the KPM's head)."""
    if program.unit == Unit.HOUSEHOLD:
        return f"""
            SELECT DISTINCT h.id AS uid, h.kelurahan_code AS kel, hp.sex AS sex,
                   hp.birth_date AS birth
            FROM enrolment e
            JOIN household h ON h.id = e.household_id AND h.deleted = 0
            LEFT JOIN person hp ON hp.id = h.head_person_id
            WHERE e.program_code = :prog AND e.deleted = 0 AND {active}
        """
    return f"""
        SELECT DISTINCT p.id AS uid, p.kelurahan_code AS kel, p.sex AS sex,
               p.birth_date AS birth
        FROM enrolment e
        JOIN person p ON p.id = e.person_id AND p.deleted = 0
        WHERE e.program_code = :prog AND e.deleted = 0 AND {active}
    """


# Completed years on :on from ISO dates: the year difference, less one before the birthday
# (string comparison of "MM-DD", which is how domain.programs.age_on compares too).
_AGE = (
    "(CAST(substr(:on, 1, 4) AS INTEGER) - CAST(substr(b.birth, 1, 4) AS INTEGER)"
    " - (substr(:on, 6, 5) < substr(b.birth, 6, 5)))"
)
_AGE_GROUP = f"""
CASE WHEN b.birth IS NULL OR b.birth = '' THEN 'tidak_diketahui'
     WHEN {_AGE} < {ADULT_AGE} THEN 'anak'
     WHEN {_AGE} < {ELDERLY_AGE} THEN 'dewasa'
     ELSE 'lansia' END
"""

# Per roster entry of round :r: its valid receipts (personal = 1 when one was collected in
# person) and, for the few entries with a mark, the mark that decides its state.
_PROGRESS_SQL = """
WITH rc AS (
    SELECT r.roster_id, max(r.collector_relation IS NULL) AS personal
    FROM distribution_receipt r
    WHERE r.round_id = :r
      AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)
    GROUP BY r.roster_id
),
mk AS (
    SELECT e.id AS roster_id,
           (SELECT m.kind FROM distribution_mark m WHERE m.roster_id = e.id
              AND m.hlc > coalesce((SELECT max(r2.hlc) FROM distribution_receipt r2
                                    WHERE r2.roster_id = e.id), '')
            ORDER BY m.hlc DESC LIMIT 1) AS kind
    FROM distribution_roster e
    WHERE e.round_id = :r AND e.active = 1
      AND e.id IN (SELECT m.roster_id FROM distribution_mark m WHERE m.round_id = :r)
)
SELECT e.kelurahan_code AS kel, e.point_id AS pt, count(*) AS entitled,
       count(rc.roster_id) AS received,
       coalesce(sum(rc.personal = 0), 0) AS by_proxy,
       coalesce(sum(rc.roster_id IS NULL AND mk.kind = 'tidak_hadir'), 0) AS absent,
       coalesce(sum(rc.roster_id IS NULL AND mk.kind = 'ditolak'), 0) AS refused
FROM distribution_roster e
LEFT JOIN rc ON rc.roster_id = e.id
LEFT JOIN mk ON mk.roster_id = e.id
WHERE e.round_id = :r AND e.active = 1
GROUP BY e.kelurahan_code, e.point_id
"""

_ROUNDS_SQL = """
SELECT id, code, name, program_code, status, start_date,
       CAST(strftime('%Y', coalesce(start_date, opened_at, created_at)) AS INTEGER) AS year
FROM distribution_round WHERE deleted = 0
"""

_TRAININGS_SQL = """
SELECT t.id, t.title, t.category, t.status, t.start_date, t.end_date, t.threshold_pct,
       (SELECT count(*) FROM training_session s
         WHERE s.training_id = t.id AND s.deleted = 0) AS sessions
FROM training t
WHERE t.deleted = 0 AND t.start_date <= :end AND t.end_date >= :start
ORDER BY t.start_date, t.title
"""

# Per participant: status, sex and the sessions attended (H on a live session).
_PARTICIPANTS_SQL = """
SELECT tp.training_id, tp.status, p.sex,
       (SELECT count(*) FROM attendance a
          JOIN training_session s ON s.id = a.session_id AND s.deleted = 0
         WHERE a.participant_id = tp.id AND a.deleted = 0 AND a.code = 'H') AS present
FROM training_participant tp
JOIN person p ON p.id = tp.person_id
WHERE tp.deleted = 0 AND tp.training_id IN (SELECT value FROM json_each(:ids))
"""

# Data quality over live rows. The per-person checks share one pass over the person table
# (a scan per check cost 4x as much on the office database); duplicates are counted from the
# nik index and a grouping of names and birth dates.
_NIK_OK = "(length(p.nik) = 16 AND p.nik NOT GLOB '*[^0-9]*')"
# The digits 7-12 of a NIK are the birth date as DDMMYY, the day plus 40 for women: a record
# that disagrees has a typo in the NIK, the birth date or the sex (domain.nik warns the same).
_NIK_SEX_WRONG = "((CAST(substr(p.nik, 7, 2) AS INTEGER) > 40) <> (p.sex = 'P'))"
_NIK_DATE_WRONG = (
    "(p.birth_date IS NOT NULL AND substr(p.nik, 7, 6) <> printf('%02d%s%s',"
    " CAST(substr(p.birth_date, 9, 2) AS INTEGER) + 40 * (p.sex = 'P'),"
    " substr(p.birth_date, 6, 2), substr(p.birth_date, 3, 2)))"
)
_PERSON_CHECKS_SQL = f"""
SELECT coalesce(sum(p.nik IS NULL OR p.nik = ''), 0) AS no_nik,
       coalesce(sum(p.nik <> '' AND NOT {_NIK_OK}), 0) AS nik_malformed,
       coalesce(sum({_NIK_OK} AND p.sex IN ('L', 'P')
                    AND ({_NIK_SEX_WRONG} OR {_NIK_DATE_WRONG})), 0) AS nik_mismatch,
       coalesce(sum(p.kelurahan_code IS NULL OR p.kelurahan_code = ''), 0) AS no_kelurahan
FROM person p WHERE p.deleted = 0
"""
QUALITY_LABELS: dict[str, str] = {
    "no_nik": "Orang tanpa NIK",
    "nik_malformed": "NIK tidak 16 angka",
    "nik_mismatch": "NIK tidak cocok dengan tanggal lahir atau jenis kelamin",
    "nik_shared": "Orang dengan NIK yang sama (kemungkinan duplikat)",
    "same_name_birth": "Orang dengan nama dan tanggal lahir sama (kemungkinan duplikat)",
    "kpm_without_card": "KPM penerima tanpa kartu",
    "no_kelurahan": "Orang tanpa kelurahan",
}
_OTHER_CHECKS_SQL: dict[str, str] = {
    "nik_shared": (
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM person p"
        " WHERE p.deleted = 0 AND p.nik > '' GROUP BY p.nik HAVING n > 1)"
    ),
    "same_name_birth": (
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM person p"
        " WHERE p.deleted = 0 AND p.birth_date IS NOT NULL"
        " GROUP BY upper(trim(p.name)), p.birth_date HAVING n > 1)"
    ),
    "kpm_without_card": (
        "SELECT count(*) FROM household h WHERE h.deleted = 0 AND coalesce(h.card_code, '') = ''"
        " AND h.id IN (SELECT e.household_id FROM enrolment e WHERE e.deleted = 0"
        " AND e.end_date IS NULL AND e.household_id IS NOT NULL)"
    ),
}


def _check_period(period: Period) -> None:
    if period.start > period.end:
        raise ServiceError(BAD_PERIOD, start=period.start.isoformat(), end=period.end.isoformat())


def program_of(code: str) -> Program:
    program = PROGRAMS.get((code or "").strip().upper())
    if program is None:
        raise ServiceError(UNKNOWN_PROGRAM, code=code, known=", ".join(PROGRAMS))
    return program


def _progress(m: Any) -> Progress:
    return Progress(
        entitled=int(m["entitled"]),
        received=int(m["received"]),
        by_proxy=int(m["by_proxy"]),
        absent=int(m["absent"]),
        refused=int(m["refused"]),
    )


class ReportingService:
    """Read-only figures over the whole database; every method opens its own connection, so
    the GUI calls them from a worker thread."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def _conn(self) -> Connection:
        return self.ctx.db.engine.connect()

    def today(self) -> date:
        return self.ctx.clock.today()

    def kelurahan_name(self, code: str | None) -> str:
        if not code:
            return NO_KELURAHAN
        region = self.ctx.regions.get(code)
        return region.name if region else code

    # -- programs ----------------------------------------------------------------------------
    @requires(Permission.REPORTS_VIEW)
    def program_figures(
        self, period: Period | None = None, programs: Iterable[str] | None = None
    ) -> list[ProgramFigures]:
        """Active beneficiaries now, and new/left in `period` (default: this month)."""
        period = period or Period.month_of(self.today())
        _check_period(period)
        chosen = [program_of(c) for c in programs] if programs else list(PROGRAMS.values())
        out = []
        with self._conn() as conn:
            for program in chosen:
                active = conn.execute(
                    text(f"SELECT count(*) FROM ({_beneficiaries_sql(program, _OPEN)})"),
                    {"prog": program.code},
                ).scalar_one()
                new, left = self._moves(conn, program, period)
                out.append(
                    ProgramFigures(
                        code=program.code,
                        name=program.name,
                        short=program.short,
                        unit=program.unit.value,
                        active=int(active),
                        new=new,
                        left=left,
                    )
                )
        return out

    @staticmethod
    def _moves(conn: Connection, program: Program, period: Period) -> tuple[int, int]:
        table, key = (
            ("household", "household_id")
            if program.unit == Unit.HOUSEHOLD
            else ("person", "person_id")
        )
        row = conn.execute(
            text(
                f"SELECT coalesce(sum(e.start_date BETWEEN :a AND :b), 0),"
                f" coalesce(sum(e.end_date BETWEEN :a AND :b), 0)"
                f" FROM enrolment e JOIN {table} u ON u.id = e.{key} AND u.deleted = 0"
                f" WHERE e.program_code = :prog AND e.deleted = 0"
            ),
            {"prog": program.code, "a": period.start.isoformat(), "b": period.end.isoformat()},
        ).one()
        return int(row[0]), int(row[1])

    @requires(Permission.REPORTS_VIEW)
    def left_by_reason(self, program_code: str, period: Period) -> dict[str, int]:
        """Enrolments of the program that ended in the period, by their end reason."""
        program = program_of(program_code)
        _check_period(period)
        table, key = (
            ("household", "household_id")
            if program.unit == Unit.HOUSEHOLD
            else ("person", "person_id")
        )
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    f"SELECT coalesce(nullif(trim(e.end_reason), ''), '-') AS reason, count(*)"
                    f" FROM enrolment e JOIN {table} u ON u.id = e.{key} AND u.deleted = 0"
                    f" WHERE e.program_code = :prog AND e.deleted = 0"
                    f" AND e.end_date BETWEEN :a AND :b GROUP BY reason ORDER BY reason"
                ),
                {"prog": program.code, "a": period.start.isoformat(), "b": period.end.isoformat()},
            ).all()
        return {str(r[0]): int(r[1]) for r in rows}

    def _active_where(self, on: date | None) -> tuple[str, dict[str, Any]]:
        if on is None:
            return _OPEN, {"on": self.today().isoformat()}
        return _ACTIVE_ON, {"on": on.isoformat()}

    @requires(Permission.REPORTS_VIEW)
    def by_kelurahan(self, program_code: str, on: date | None = None) -> list[GroupCount]:
        """Beneficiaries per kelurahan and sex (active now, or on `on`), by kelurahan name."""
        program = program_of(program_code)
        active, params = self._active_where(on)
        sql = (
            f"SELECT b.kel, coalesce(sum(b.sex = 'L'), 0) AS men,"
            f" coalesce(sum(b.sex = 'P'), 0) AS women, count(*) AS n"
            f" FROM ({_beneficiaries_sql(program, active)}) b GROUP BY b.kel"
        )
        with self._conn() as conn:
            rows = conn.execute(text(sql), {"prog": program.code, **params}).mappings().all()
        groups = [
            GroupCount(
                key=m["kel"] or None,
                label=self.kelurahan_name(m["kel"]),
                men=int(m["men"]),
                women=int(m["women"]),
            )
            for m in rows
        ]
        return sorted(groups, key=lambda g: (g.key is None, g.label))

    @requires(Permission.REPORTS_VIEW)
    def breakdown(self, program_code: str, on: date | None = None) -> Breakdown:
        """Beneficiaries by sex and age group (active now, or on `on`); age on that day."""
        program = program_of(program_code)
        active, params = self._active_where(on)
        sql = (
            f"SELECT coalesce(b.sex, '-') AS sex, {_AGE_GROUP} AS grp, count(*) AS n"
            f" FROM ({_beneficiaries_sql(program, active)}) b GROUP BY sex, grp"
        )
        with self._conn() as conn:
            rows = conn.execute(text(sql), {"prog": program.code, **params}).all()
        return Breakdown(
            on=date.fromisoformat(params["on"]),
            counts={(str(r[0]), str(r[1])): int(r[2]) for r in rows},
        )

    @requires(Permission.REPORTS_VIEW)
    def disability_by_ragam(self, on: date | None = None) -> dict[str, int]:
        """Active disability beneficiaries per ragam (a person with two ragam counts in both);
        ragam recorded outside the UU 8/2016 list are counted under their own key."""
        active, params = self._active_where(on)
        counts = dict.fromkeys(DISABILITY_RAGAM, 0)
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT e.details FROM enrolment e JOIN person p ON p.id = e.person_id"
                    f" AND p.deleted = 0 WHERE e.program_code = 'DISABILITAS'"
                    f" AND e.deleted = 0 AND {active}"
                ),
                params,
            ).all()
        for (raw,) in rows:
            for ragam in _ragam_of(raw):
                counts[ragam] = counts.get(ragam, 0) + 1
        return counts

    # -- distribution rounds -----------------------------------------------------------------
    def _round_rows(self, conn: Connection) -> list[dict[str, Any]]:
        return [dict(m) for m in conn.execute(text(_ROUNDS_SQL)).mappings()]

    def _progress_of(
        self, conn: Connection, rnd: Mapping[str, Any], *, detail: bool
    ) -> RoundProgress:
        rows = conn.execute(text(_PROGRESS_SQL), {"r": rnd["id"]}).mappings().all()
        total = NO_PROGRESS
        by_kel: dict[str | None, Progress] = {}
        by_point: dict[str | None, Progress] = {}
        for m in rows:
            p = _progress(m)
            total = total + p
            by_kel[m["kel"] or None] = by_kel.get(m["kel"] or None, NO_PROGRESS) + p
            by_point[m["pt"] or None] = by_point.get(m["pt"] or None, NO_PROGRESS) + p
        kel_bars: list[ProgressBar] = []
        point_bars: list[ProgressBar] = []
        if detail:
            kel_bars = sorted(
                (ProgressBar(k, self.kelurahan_name(k), v) for k, v in by_kel.items()),
                key=lambda b: (b.key is None, b.label),
            )
            names = {
                str(r[0]): (str(r[1]), int(r[2] or 0))
                for r in conn.execute(
                    text(
                        "SELECT id, name, sort_order FROM distribution_point"
                        " WHERE round_id = :r AND deleted = 0"
                    ),
                    {"r": rnd["id"]},
                )
            }
            point_bars = sorted(
                (
                    ProgressBar(k, names.get(k, (NO_POINT, 0))[0] if k else NO_POINT, v)
                    for k, v in by_point.items()
                ),
                key=lambda b: (b.key is None, names.get(b.key or "", ("", 0))[1], b.label),
            )
        start = rnd["start_date"]
        return RoundProgress(
            round_id=rnd["id"],
            code=rnd["code"],
            name=rnd["name"],
            program_code=rnd["program_code"],
            status=rnd["status"],
            start_date=date.fromisoformat(str(start)) if start else None,
            total=total,
            by_kelurahan=kel_bars,
            by_point=point_bars,
        )

    @requires(Permission.REPORTS_VIEW)
    def round_progress(self, round_ref: str) -> RoundProgress:
        """One round's progress per kelurahan and per point; the round by id or code."""
        with self._conn() as conn:
            rounds = self._round_rows(conn)
            rnd = next(
                (r for r in rounds if round_ref in (r["id"], r["code"])),
                None,
            ) or next((r for r in rounds if r["code"].upper() == round_ref.strip().upper()), None)
            if rnd is None:
                raise ServiceError(NO_ROUND, ref=round_ref)
            return self._progress_of(conn, rnd, detail=True)

    @requires(Permission.REPORTS_VIEW)
    def open_rounds(self) -> list[RoundProgress]:
        with self._conn() as conn:
            rounds = [r for r in self._round_rows(conn) if r["status"] == "open"]
            rounds.sort(key=lambda r: (str(r["start_date"] or ""), r["code"]))
            return [self._progress_of(conn, r, detail=True) for r in rounds]

    @requires(Permission.REPORTS_VIEW)
    def stages(self, program_code: str, year: int) -> StageComparison:
        """The opened rounds of a program in a year (by start date), in date order."""
        program = program_of(program_code)
        with self._conn() as conn:
            return self._stages(conn, program, year)

    def _stages(self, conn: Connection, program: Program, year: int) -> StageComparison:
        rounds = [
            r
            for r in self._round_rows(conn)
            if r["program_code"] == program.code and r["year"] == year and r["status"] != "draft"
        ]
        rounds.sort(key=lambda r: (str(r["start_date"] or ""), r["code"]))
        return StageComparison(
            program_code=program.code,
            program_short=program.short,
            year=year,
            stages=[self._progress_of(conn, r, detail=False) for r in rounds],
        )

    @requires(Permission.REPORTS_VIEW)
    def stage_comparisons(self, year: int) -> list[StageComparison]:
        """Every program with more than one opened round in the year."""
        with self._conn() as conn:
            codes = sorted(
                {
                    r["program_code"]
                    for r in self._round_rows(conn)
                    if r["year"] == year and r["status"] != "draft"
                }
            )
            out = [self._stages(conn, PROGRAMS[c], year) for c in codes if c in PROGRAMS]
        return [s for s in out if len(s.stages) > 1]

    # -- training ----------------------------------------------------------------------------
    @requires(Permission.REPORTS_VIEW)
    def training_summary(self, period: Period) -> TrainingSummary:
        """Trainings that ran (at least partly) in the period: participation and completion."""
        _check_period(period)
        with self._conn() as conn:
            trainings = (
                conn.execute(
                    text(_TRAININGS_SQL),
                    {"start": period.start.isoformat(), "end": period.end.isoformat()},
                )
                .mappings()
                .all()
            )
            ids = [t["id"] for t in trainings]
            per: dict[str, list[Any]] = {i: [] for i in ids}
            if ids:
                for m in conn.execute(text(_PARTICIPANTS_SQL), {"ids": json.dumps(ids)}).mappings():
                    per[m["training_id"]].append(m)
        out = []
        for t in trainings:
            people = per[t["id"]]
            sessions = int(t["sessions"])
            active = [p for p in people if p["status"] == "aktif"]
            out.append(
                TrainingFigures(
                    training_id=t["id"],
                    title=t["title"],
                    category=t["category"],
                    status=t["status"],
                    start_date=date.fromisoformat(str(t["start_date"])),
                    end_date=date.fromisoformat(str(t["end_date"])),
                    sessions=sessions,
                    participants=len(active),
                    withdrawn=len(people) - len(active),
                    # domain.attendance.is_complete, as integers: present/total >= threshold.
                    completed=sum(
                        1
                        for p in active
                        if sessions > 0
                        and int(p["present"]) * 100 >= int(t["threshold_pct"]) * sessions
                    ),
                    certificates=self._certificates(t["id"]),
                    women=sum(1 for p in active if p["sex"] == "P"),
                )
            )
        return TrainingSummary(out)

    def _certificates(self, training_id: str) -> int:
        with self._conn() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM certificate WHERE training_id = :t AND deleted = 0"),
                    {"t": training_id},
                ).scalar_one()
            )

    # -- data quality ------------------------------------------------------------------------
    @requires(Permission.REPORTS_VIEW)
    def data_quality(self) -> list[QualityItem]:
        with self._conn() as conn:
            counts = dict(conn.execute(text(_PERSON_CHECKS_SQL)).mappings().one())
            for code, sql in _OTHER_CHECKS_SQL.items():
                counts[code] = conn.execute(text(sql)).scalar_one()
        return [
            QualityItem(code, label, int(counts[code])) for code, label in QUALITY_LABELS.items()
        ]

    # -- everything the Beranda shows --------------------------------------------------------
    @requires(Permission.REPORTS_VIEW)
    def dashboard(self, *, quality: bool = True) -> Dashboard:
        """Every figure of the Beranda. `quality=False` leaves out the data-quality checks,
        which read every person: the Beranda asks for them apart, and only again after the
        registry changed (a receipt at the counter does not change them)."""
        started = time.perf_counter()
        today = self.today()
        month = Period.month_of(today)
        year = Period(date(today.year, 1, 1), date(today.year, 12, 31))
        figures = self.program_figures(month)
        rounds = self.open_rounds()
        stages = self.stage_comparisons(today.year)
        training = self.training_summary(year)
        checks = self.data_quality() if quality else []
        return Dashboard(
            as_of=today,
            month=month,
            programs=figures,
            open_rounds=rounds,
            stages=stages,
            training=training,
            quality=checks,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )


def _ragam_of(raw: str | None) -> list[str]:
    """The ragam keys of an enrolment's details JSON (a list, or a comma-separated string)."""
    try:
        details = json.loads(raw or "{}")
    except ValueError:
        return []
    value = details.get("ragam") if isinstance(details, dict) else None
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        return []
    return list(dict.fromkeys(str(i).strip().lower() for i in items if str(i).strip()))
