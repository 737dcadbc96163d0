from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.domain.nik import validate_kk, validate_nik
from desktop_app.domain.programs import age_on, get_program, validate_enrolment
from desktop_app.services import demo
from desktop_app.services.context import AppContext, open_app
from desktop_app.services.demo import DemoOptions, DemoRefused, generate_demo, populate_demo
from desktop_app.services.registry import PersonFilter, RegistryService

TODAY = date(2026, 11, 20)
TINY = DemoOptions(scale="tiny", seed=7, today=TODAY, accounts=False)


def persons_digest(path: Path) -> str:
    """Everything a person row says, without the random ids and timestamps."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT p.nik, p.name, p.sex, p.birth_place, p.birth_date, p.relation, p.street,"
            " p.rt, p.rw, p.kelurahan_code, p.phone, p.status, p.status_date, h.kk_number,"
            " h.card_code"
            " FROM person p LEFT JOIN household h ON h.id = p.household_id ORDER BY p.rowid"
        ).fetchall()
    finally:
        conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "tiny.sqlite"
    return path, generate_demo(path, TINY)


@pytest.fixture
def conn(tiny_db: tuple[Path, dict[str, int]]) -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(tiny_db[0])
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def test_same_seed_same_data_other_seed_other_data(
    tmp_path: Path, tiny_db: tuple[Path, dict[str, int]]
) -> None:
    again = tmp_path / "again.sqlite"
    generate_demo(again, TINY)
    assert persons_digest(again) == persons_digest(tiny_db[0])

    other = tmp_path / "other.sqlite"
    generate_demo(other, DemoOptions(scale="tiny", seed=8, today=TODAY, accounts=False))
    assert persons_digest(other) != persons_digest(tiny_db[0])


def test_counts_at_tiny_scale(
    tiny_db: tuple[Path, dict[str, int]], conn: sqlite3.Connection
) -> None:
    summary = tiny_db[1]
    assert summary["kpm_rastrada"] == 80
    assert 200 <= summary["persons"] <= 500
    assert summary["rapelan"] == 12
    assert summary["sihore"] == 4
    assert summary["disabilitas"] == 20
    assert summary["anak_terlantar"] == 6
    assert summary["abh"] == 4
    assert summary["meninggal"] == 4
    assert summary["pindah"] == 3

    def scalar(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    assert scalar("SELECT count(*) FROM person") == summary["persons"]
    assert scalar("SELECT count(*) FROM household") == summary["households"]
    assert (
        scalar(
            "SELECT count(*) FROM enrolment WHERE program_code = 'RASTRADA'"
            " AND end_date IS NULL AND household_id IS NOT NULL"
        )
        == 80
    )
    # 2,464 / 3,735 / 3,336 scaled to 80 KPM, and every kelurahan has some.
    per_kecamatan = dict(
        conn.execute(
            "SELECT substr(kelurahan_code, 1, 8), count(*) FROM household"
            " WHERE card_code IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert per_kecamatan == {"35.72.01": 21, "35.72.02": 31, "35.72.03": 28}
    assert scalar("SELECT count(DISTINCT kelurahan_code) FROM household") == 21


def test_niks_valid_unique_and_consistent(conn: sqlite3.Connection) -> None:
    rows = conn.execute("SELECT nik, birth_date, sex FROM person").fetchall()
    niks = [r["nik"] for r in rows]
    assert len(set(niks)) == len(niks)
    for r in rows:
        issues = validate_nik(
            r["nik"], birth_date=date.fromisoformat(r["birth_date"]), sex=r["sex"]
        )
        assert issues == [], (r["nik"], [i.message for i in issues])
    regions = Counter(nik[:4] for nik in niks)
    assert regions["3572"] > 0.75 * len(niks)  # mostly issued in Kota Blitar
    assert len(regions) > 1  # ... but some were first issued elsewhere


def test_households_kk_cards_and_heads(conn: sqlite3.Connection) -> None:
    households = conn.execute("SELECT * FROM household").fetchall()
    kks = [h["kk_number"] for h in households]
    assert len(set(kks)) == len(kks)
    assert all(validate_kk(kk, today=TODAY) == [] for kk in kks)
    cards = [h["card_code"] for h in households if h["card_code"]]
    assert len(set(cards)) == len(cards) == 80
    assert all(re.fullmatch(r"RST-\d{8}", c) for c in cards)
    for h in households:
        assert h["street"] and re.fullmatch(r"\d{3}", h["rt"]) and re.fullmatch(r"\d{3}", h["rw"])
        heads = conn.execute(
            "SELECT id FROM person WHERE household_id = ? AND relation = 'kepala'", (h["id"],)
        ).fetchall()
        assert [r["id"] for r in heads] == [h["head_person_id"]]
    relations = Counter(r[0] for r in conn.execute("SELECT relation FROM person"))
    assert relations["istri"] > 0 and relations["anak"] > 0
    # The current KK of every household is in its history; some have an older one.
    assert (
        conn.execute(
            "SELECT count(*) FROM household h WHERE NOT EXISTS (SELECT 1 FROM kk_history k"
            " WHERE k.household_id = h.id AND k.kk_number = h.kk_number AND k.valid_to IS NULL)"
        ).fetchone()[0]
        == 0
    )
    assert conn.execute("SELECT count(*) FROM kk_history WHERE valid_to IS NOT NULL").fetchone()[0]


def test_enrolments_follow_the_program_rules(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT e.program_code, e.start_date, e.end_date, e.details, p.birth_date, p.status"
        " FROM enrolment e JOIN person p ON p.id = e.person_id"
    ).fetchall()
    assert {r["program_code"] for r in rows} == {
        "RAPELAN",
        "SIHORE",
        "DISABILITAS",
        "ANAK_TERLANTAR",
        "ABH",
        "PELATIHAN",  # trainees, from the training demo extension
    }
    for r in rows:
        birth = date.fromisoformat(r["birth_date"])
        start = date.fromisoformat(r["start_date"])
        details = json.loads(r["details"])
        issues = validate_enrolment(
            get_program(r["program_code"]), birth_date=birth, on=start, details=details
        )
        assert issues == [], (r["program_code"], [i.message for i in issues])
        assert start <= TODAY
        if r["program_code"] in ("RAPELAN", "SIHORE"):
            assert age_on(birth, TODAY) >= 60
        # A person who died or moved has no open enrolment.
        assert (r["end_date"] is None) == (r["status"] == "aktif")


def test_deaths_and_moves_have_status_history(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT p.status, p.status_date, s.status AS h_status, s.effective_date"
        " FROM person p JOIN status_history s ON s.person_id = p.id"
    ).fetchall()
    assert Counter(r["status"] for r in rows) == {"meninggal": 4, "pindah": 3}
    assert all(
        r["status"] == r["h_status"] and r["status_date"] == r["effective_date"] for r in rows
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM person WHERE status != 'aktif'"
            " AND id NOT IN (SELECT person_id FROM status_history)"
        ).fetchone()[0]
        == 0
    )
    # One Rapelan client died and one disabilitas client moved away: their enrolments ended.
    ended = conn.execute(
        "SELECT program_code, end_reason FROM enrolment WHERE end_date IS NOT NULL"
    ).fetchall()
    assert sorted(map(tuple, ended)) == [("DISABILITAS", "pindah"), ("RAPELAN", "meninggal")]
    # The only member of a Rastrada KPM died: distribution must refuse that KPM.
    assert conn.execute(
        "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id"
        " WHERE p.status = 'meninggal' AND h.card_code IS NOT NULL"
        " AND (SELECT count(*) FROM person m WHERE m.household_id = h.id) = 1"
    ).fetchone()[0]


def test_every_row_has_its_change_log_row(conn: sqlite3.Connection) -> None:
    for table in ("person", "household", "kk_history", "enrolment", "status_history"):
        missing = conn.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM change_log c"
            f" WHERE c.entity = '{table}' AND c.entity_id = t.id AND c.op IN ('create', 'enrol'))"
        ).fetchone()[0]
        assert missing == 0, table
    actors = {r[0] for r in conn.execute("SELECT DISTINCT actor FROM change_log")}
    assert actors == {"demo"}


def test_demo_persons_are_searchable(tiny_db: tuple[Path, dict[str, int]]) -> None:
    ctx = open_app(tiny_db[0], read_only=True)
    try:
        reg = RegistryService(ctx)
        everyone = reg.person_ids(PersonFilter())
        assert len(everyone) == tiny_db[1]["persons"]
        sample = reg.person_rows(everyone[:1])[0]
        assert sample.nik is not None
        found = reg.person_ids(PersonFilter(query=sample.nik[-8:]))
        assert everyone[0] in found
        found = reg.person_ids(PersonFilter(query=sample.name))
        assert everyone[0] in found
    finally:
        ctx.close()


def test_refuses_a_database_that_has_data(
    tiny_db: tuple[Path, dict[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_db[0]
    before = persons_digest(path)
    with pytest.raises(DemoRefused, match="sudah berisi data"):
        generate_demo(path, TINY)
    assert cli.main(["demo", "--db", str(path), "--scale", "tiny"]) == 2
    assert "sudah berisi data" in capsys.readouterr().err
    assert persons_digest(path) == before


def test_cli_demo_fills_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.sqlite"
    assert cli.main(["demo", "--db", str(path), "--scale", "tiny", "--seed", "3"]) == 0
    assert "kpm_rastrada: 80" in capsys.readouterr().out


EXTENSION_CALLS: list[tuple[int, float]] = []


def record_extension(ctx: AppContext, rng: random.Random, options: DemoOptions) -> dict:
    EXTENSION_CALLS.append((RegistryService(ctx).count_persons(PersonFilter()), rng.random()))
    return {"extra_rows": 5}


def test_extensions_run_after_the_registry(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = f"{__name__}:record_extension"
    monkeypatch.setattr(demo, "DEMO_EXTENSIONS", [spec])
    EXTENSION_CALLS.clear()
    summary = populate_demo(ctx, TINY)
    assert summary["extra_rows"] == 5
    # Called once, after the persons were saved, with its own seeded generator.
    expected = [(summary["persons"], random.Random(f"7:{spec}").random())]
    assert expected == EXTENSION_CALLS


def test_bulk_loaded_persons_indexed_and_trigger_restored(ctx: AppContext) -> None:
    from desktop_app.services.registry import PersonInput

    populate_demo(ctx, TINY)
    reg = RegistryService(ctx)
    new_id = reg.create_person(PersonInput(name="Sumarni Wulandari", sex="P"))
    with ctx.db.engine.connect() as c:
        indexed = c.exec_driver_sql("SELECT count(*) FROM person_fts").scalar_one()
        persons = c.exec_driver_sql("SELECT count(*) FROM person").scalar_one()
        triggers = c.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'person_fts_ai'"
        ).scalar_one()
    assert indexed == persons and triggers == 1
    rows = reg.person_rows(reg.person_ids(PersonFilter(query="Sumarni Wulan")))
    assert new_id in [r.id for r in rows]
