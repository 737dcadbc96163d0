"""Every figure of the reporting service recomputed independently: a direct SQL count on the
tiny demo database, the registry's own filter counts, the distribution service's totals (the
BAST's numbers) and the training service's attendance grid."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.domain.nik import validate_nik
from desktop_app.domain.programs import PROGRAMS, Unit, age_on
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.registry import PersonFilter, RegistryService
from desktop_app.services.reporting import Period, ReportingService
from desktop_app.services.training import TrainingService
from tests.helpers import demo_copy, tiny_demo_file

TODAY = date(2026, 11, 20)
MONTH = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_demo_file(tmp_path_factory, "reporting", TODAY)


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[tuple[AppContext, sqlite3.Connection]]:
    with demo_copy(demo_file, tmp_path, TODAY) as opened:
        yield opened


def one(raw: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(raw.execute(sql, params).fetchone()[0])


def units(program_code: str) -> tuple[str, str]:
    if PROGRAMS[program_code].unit == Unit.HOUSEHOLD:
        return "household", "household_id"
    return "person", "person_id"


def test_key_figures_equal_sql_and_registry_counts(demo: tuple) -> None:
    ctx, raw = demo
    figures = ReportingService(ctx).program_figures(MONTH)
    registry = RegistryService(ctx)
    assert [f.code for f in figures] == list(PROGRAMS)
    assert any(f.active for f in figures) and any(f.new for f in figures)
    for f in figures:
        table, key = units(f.code)
        live = f"{key} IN (SELECT id FROM {table} WHERE deleted = 0)"
        assert f.active == one(
            raw,
            f"SELECT count(DISTINCT {key}) FROM enrolment WHERE program_code = ? AND deleted = 0"
            f" AND end_date IS NULL AND {live}",
            f.code,
        )
        flt = PersonFilter(program_code=f.code)
        shown = (
            len(registry.household_ids(flt))
            if table == "household"
            else registry.count_persons(flt)
        )
        assert f.active == shown, f.code  # what the Registri tab lists for the program
        assert f.new == one(
            raw,
            "SELECT count(*) FROM enrolment WHERE program_code = ? AND deleted = 0"
            f" AND strftime('%Y-%m', start_date) = '2026-11' AND {live}",
            f.code,
        )
        assert f.left == one(
            raw,
            "SELECT count(*) FROM enrolment WHERE program_code = ? AND deleted = 0"
            f" AND strftime('%Y-%m', end_date) = '2026-11' AND {live}",
            f.code,
        )


def test_open_rounds_equal_the_bast_totals_and_raw_counts(demo: tuple) -> None:
    ctx, raw = demo
    dist = DistributionService(ctx)
    rounds = ReportingService(ctx).open_rounds()
    assert rounds, "the demo has open rounds"
    for rnd in rounds:
        assert rnd.total == _as_progress(dist.totals(rnd.round_id))
        assert rnd.total.entitled == one(
            raw,
            "SELECT count(*) FROM distribution_roster WHERE round_id = ? AND active = 1",
            rnd.round_id,
        )
        assert rnd.total.received == one(
            raw,
            "SELECT count(DISTINCT r.roster_id) FROM distribution_receipt r"
            " JOIN distribution_roster e ON e.id = r.roster_id AND e.active = 1"
            " WHERE r.round_id = ? AND r.id NOT IN"
            " (SELECT receipt_id FROM distribution_receipt_void)",
            rnd.round_id,
        )
        for bar in rnd.by_point:
            assert bar.progress == _as_progress(dist.totals(rnd.round_id, point_id=bar.key))
        for bar in rnd.by_kelurahan:
            assert bar.progress == _as_progress(dist.totals(rnd.round_id, kelurahan_code=bar.key))
        assert sum(b.progress.entitled for b in rnd.by_point) == rnd.total.entitled
        assert sum(b.progress.received for b in rnd.by_kelurahan) == rnd.total.received


def test_marks_and_proxies_count_like_the_bast(demo: tuple) -> None:
    """Fresh absent and refused marks on the open Rastrada round count as the BAST counts them."""
    ctx, _raw = demo
    dist = DistributionService(ctx)
    rnd = next(r for r in dist.list_rounds("RASTRADA") if r.status == "open")
    pending = [row for row in dist.roster_rows(dist.roster_ids(rnd.id)) if not row.status]
    assert len(pending) >= 3
    dist.mark(rnd.id, pending[0].id, "tidak_hadir", "sakit")
    dist.mark(rnd.id, pending[1].id, "ditolak", "pindah alamat")
    progress = ReportingService(ctx).round_progress(rnd.code)
    assert progress.total == _as_progress(dist.totals(rnd.id))
    assert progress.total.absent >= 1 and progress.total.refused >= 1


def test_stages_compare_each_round_of_the_year(demo: tuple) -> None:
    ctx, raw = demo
    dist = DistributionService(ctx)
    stages = ReportingService(ctx).stages("RASTRADA", TODAY.year)
    assert [s.code for s in stages.stages] == ["RST3", "RST4"]
    for s in stages.stages:
        assert s.total == _as_progress(dist.totals(s.round_id))
    assert one(
        raw,
        "SELECT count(*) FROM distribution_round WHERE program_code = 'RASTRADA'"
        " AND status <> 'draft' AND deleted = 0",
    ) == len(stages.stages)


def test_training_participation_and_completion(demo: tuple) -> None:
    ctx, raw = demo
    year = Period(date(TODAY.year, 1, 1), date(TODAY.year, 12, 31))
    summary = ReportingService(ctx).training_summary(year)
    training = TrainingService(ctx)
    assert len(summary.trainings) == one(
        raw, "SELECT count(*) FROM training WHERE deleted = 0 AND start_date LIKE '2026-%'"
    )
    assert summary.completed > 0
    for t in summary.trainings:
        grid = training.attendance_grid(t.training_id)
        active = [p for p in grid.participants if p.active]
        assert t.participants == len(active)
        assert t.withdrawn == len(grid.participants) - len(active)
        assert t.sessions == len(grid.sessions)
        assert t.completed == sum(1 for p in active if grid.complete(p.id))
        assert t.certificates == one(
            raw,
            "SELECT count(*) FROM certificate WHERE training_id = ? AND deleted = 0",
            t.training_id,
        )
        assert t.women == one(
            raw,
            "SELECT count(*) FROM training_participant tp JOIN person p ON p.id = tp.person_id"
            " WHERE tp.training_id = ? AND tp.deleted = 0 AND tp.status = 'aktif'"
            " AND p.sex = 'P'",
            t.training_id,
        )


def test_sex_and_age_breakdown_recomputed_in_python(demo: tuple) -> None:
    ctx, raw = demo
    service = ReportingService(ctx)
    for code in ("RASTRADA", "RAPELAN", "DISABILITAS", "ANAK_TERLANTAR"):
        expected: Counter[tuple[str, str]] = Counter()
        for sex, birth in _beneficiaries(raw, code):
            if birth is None:
                group = "tidak_diketahui"
            else:
                age = age_on(date.fromisoformat(birth), TODAY)
                group = "anak" if age < 18 else "dewasa" if age < 60 else "lansia"
            expected[(sex or "-", group)] += 1
        got = service.breakdown(code)
        assert dict(got.counts) == dict(expected), code
        kel = service.by_kelurahan(code)
        assert sum(g.total for g in kel) == got.total
        assert sum(g.women for g in kel) == got.count(sex="P")
    # On a day in the past: only enrolments running that day, ages on that day.
    past = date(2025, 1, 1)
    counted = service.breakdown("RAPELAN", past).total
    assert counted == one(
        raw,
        "SELECT count(DISTINCT person_id) FROM enrolment WHERE program_code = 'RAPELAN'"
        " AND deleted = 0 AND start_date <= ? AND (end_date IS NULL OR end_date > ?)"
        " AND person_id IN (SELECT id FROM person WHERE deleted = 0)",
        past.isoformat(),
        past.isoformat(),
    )


def test_disability_by_ragam(demo: tuple) -> None:
    ctx, raw = demo
    expected: Counter[str] = Counter()
    for (details,) in raw.execute(
        "SELECT details FROM enrolment WHERE program_code = 'DISABILITAS' AND deleted = 0"
        " AND end_date IS NULL AND person_id IN (SELECT id FROM person WHERE deleted = 0)"
    ):
        expected.update(set(json.loads(details)["ragam"]))
    got = ReportingService(ctx).disability_by_ragam()
    assert {k: v for k, v in got.items() if v} == dict(expected)
    assert sum(got.values()) >= one(
        raw,
        "SELECT count(*) FROM enrolment WHERE program_code = 'DISABILITAS' AND deleted = 0"
        " AND end_date IS NULL",
    )


def test_data_quality_counts_spoilt_rows(demo: tuple) -> None:
    ctx, raw = demo
    service = ReportingService(ctx)
    assert {q.code: q.count for q in service.data_quality()} == dict.fromkeys(
        (q.code for q in service.data_quality()), 0
    ), "the demo data is clean"
    ids = [r[0] for r in raw.execute("SELECT id FROM person WHERE deleted = 0 ORDER BY rowid")]
    with raw:  # synthetic damage, as an old import or a sync from a careless laptop leaves it
        raw.execute("UPDATE person SET nik = NULL WHERE id IN (?, ?)", ids[:2])
        raw.execute("UPDATE person SET nik = '12345' WHERE id = ?", (ids[2],))
        raw.execute(
            "UPDATE person SET nik = (SELECT nik FROM person WHERE id = ?) WHERE id = ?",
            (ids[4], ids[3]),
        )
        raw.execute(
            "UPDATE person SET sex = CASE sex WHEN 'L' THEN 'P' ELSE 'L' END WHERE id = ?",
            (ids[5],),
        )
        raw.execute("UPDATE person SET birth_date = '1970-02-03' WHERE id = ?", (ids[6],))
        raw.execute("UPDATE person SET kelurahan_code = NULL WHERE id IN (?, ?, ?)", ids[7:10])
        raw.execute(
            "UPDATE person SET name = (SELECT name FROM person WHERE id = ?),"
            " birth_date = (SELECT birth_date FROM person WHERE id = ?) WHERE id = ?",
            (ids[11], ids[11], ids[10]),
        )
        raw.execute(
            "UPDATE household SET card_code = NULL WHERE id IN (SELECT household_id FROM"
            " enrolment WHERE program_code = 'RASTRADA' AND end_date IS NULL LIMIT 4)"
        )
    got = {q.code: q.count for q in service.data_quality()}

    rows = raw.execute(
        "SELECT nik, sex, birth_date, kelurahan_code, name FROM person WHERE deleted = 0"
    ).fetchall()
    mismatch = 0
    for nik, sex, birth, _kel, _name in rows:
        if nik and len(nik) == 16 and nik.isdigit():
            codes = {
                i.code
                for i in validate_nik(
                    nik,
                    birth_date=date.fromisoformat(birth) if birth else None,
                    sex=sex,
                    today=TODAY,
                )
            }
            mismatch += bool(codes & {"nik.birthdate_mismatch", "nik.sex_mismatch"})
    niks = Counter(nik for nik, *_ in rows if nik)
    same = Counter((name.strip().upper(), birth) for _n, _s, birth, _k, name in rows if birth)
    assert got == {
        "no_nik": sum(1 for r in rows if not r[0]),
        "nik_malformed": sum(1 for r in rows if r[0] and not (len(r[0]) == 16 and r[0].isdigit())),
        "nik_mismatch": mismatch,
        "nik_shared": sum(n for n in niks.values() if n > 1),
        "same_name_birth": sum(n for n in same.values() if n > 1),
        "kpm_without_card": one(
            raw,
            "SELECT count(*) FROM household WHERE deleted = 0 AND card_code IS NULL AND id IN"
            " (SELECT household_id FROM enrolment WHERE end_date IS NULL AND deleted = 0)",
        ),
        "no_kelurahan": 3,
    }
    assert got["no_nik"] == 2 and got["nik_malformed"] == 1 and got["nik_shared"] == 2
    assert got["nik_mismatch"] >= 2 and got["kpm_without_card"] == 4


def test_dashboard_holds_every_part(demo: tuple) -> None:
    ctx, _raw = demo
    board = ReportingService(ctx).dashboard()
    assert board.as_of == TODAY and board.month == MONTH
    assert len(board.programs) == len(PROGRAMS)
    assert {r.code for r in board.open_rounds} == {"RST4", "RPL1"}
    assert board.stages and board.stages[0].program_code == "RASTRADA"
    assert board.training.trainings and board.quality


def test_refusals_are_coded(demo: tuple) -> None:
    ctx, _raw = demo
    service = ReportingService(ctx)
    with pytest.raises(ServiceError) as exc:
        service.program_figures(Period(date(2026, 12, 1), date(2026, 11, 1)))
    assert exc.value.code == "reporting.bad_period"
    with pytest.raises(ServiceError) as exc:
        service.breakdown("BANSOS_FIKTIF")
    assert exc.value.code == "reporting.unknown_program"
    with pytest.raises(ServiceError) as exc:
        service.round_progress("XYZ9")
    assert exc.value.code == "reporting.round_not_found"


def _as_progress(t: object) -> object:
    from desktop_app.services.reporting import Progress

    return Progress(
        t.entitled,
        t.received,
        t.by_proxy,
        t.absent,
        t.refused,  # type: ignore[attr-defined]
    )


def _beneficiaries(raw: sqlite3.Connection, code: str) -> list[tuple[str | None, str | None]]:
    """(sex, birth date) of every active beneficiary: the person, or the KPM's head."""
    if PROGRAMS[code].unit == Unit.HOUSEHOLD:
        sql = (
            "SELECT hp.sex, hp.birth_date FROM household h LEFT JOIN person hp"
            " ON hp.id = h.head_person_id WHERE h.deleted = 0 AND h.id IN (SELECT household_id"
            " FROM enrolment WHERE program_code = ? AND deleted = 0 AND end_date IS NULL)"
        )
    else:
        sql = (
            "SELECT p.sex, p.birth_date FROM person p WHERE p.deleted = 0 AND p.id IN"
            " (SELECT person_id FROM enrolment WHERE program_code = ? AND deleted = 0"
            " AND end_date IS NULL)"
        )
    return [(r[0], r[1]) for r in raw.execute(sql, (code,))]
