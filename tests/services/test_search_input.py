"""Odd search input through every caller that takes one: the registry search (GUI search as you
type, the participant picker), the counter's find/scan and roster filter, `export --query`.

Each input here used to end in a traceback from SQLite: a NUL byte ("unterminated string" from
FTS5), a long string ("LIKE or GLOB pattern too complex"), hundreds of short terms ("Expression
tree is too large"). Now every one is a result or a coded refusal, and ordinary searches match
exactly as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.distribution import DistributionService, RosterFilter
from desktop_app.services.registry import PersonFilter, RegistryService
from tests.helpers import make_nik, person_input
from tests.services.distribution_fixtures import World, build_world

KEL = "35.72.01.1001"

ODD = [
    "siti\x00rahayu",
    "\x00",
    "a" * 100_000,
    "%" * 60_000,
    " ".join(["ab"] * 500),
    " ".join(["abc"] * 500),
    "a " * 1000,
    "a.b." * 400,
    "siti\udcff",  # a lone surrogate: an undecodable byte in a command-line argument
    '"',
    '"abc',
    "abc*",
    "abc OR def",
    "NEAR(abc def)",
    "body:abc",
    "(abc",
    "^abc",
    "NOT abc",
    "-abc",
    "a%b_c",
    "\\",
    "\x01\x02\x7f\x85",
    "\u200b\ufeff",
    "{abc}",
    "''''''",
    "\n\t\r",
]


@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx, rapelan=False)


@pytest.fixture
def round_id(ctx: AppContext, world: World) -> str:
    svc = DistributionService(ctx)
    rid = svc.create_round(
        program_code="RASTRADA", name="Rastrada Tahap IV 2025", item="Beras", quantity=30, unit="kg"
    )
    svc.open_round(rid)
    return rid


def test_odd_text_never_breaks_the_registry_search(ctx: AppContext, world: World) -> None:
    reg = RegistryService(ctx)
    for query in ODD:
        flt = PersonFilter(query=query)
        reg.person_rows(reg.person_ids(flt))
        reg.count_persons(flt)
        reg.household_rows(reg.household_ids(flt))
        reg.person_ids(PersonFilter(query=query, status="aktif", max_matches=30))


def test_odd_text_never_breaks_the_counter(ctx: AppContext, round_id: str) -> None:
    svc = DistributionService(ctx)
    for query in ODD:
        svc.find(round_id, query)
        svc.roster_ids(round_id, RosterFilter(query=query))
        try:
            svc.scan(round_id, query)
        except ServiceError as exc:
            assert exc.code.startswith("distribution.")
            assert len(exc.message) < 1000  # the message quotes a capped code, not a paste


def test_search_still_matches_what_a_clerk_means(ctx: AppContext) -> None:
    reg = RegistryService(ctx)
    siti = reg.create_person(person_input("Siti Rahayu", "P", date(1958, 4, 12), 1, KEL))
    agus = reg.create_person(person_input("Agus Prasetyo", "L", date(1980, 1, 5), 3, KEL))

    def ids(query: str) -> list[str]:
        return [r.id for r in reg.person_rows(reg.person_ids(PersonFilter(query=query)))]

    assert ids("siti\x00rahayu") == [siti]  # the NUL separates, as a space would
    assert ids("\tRAHAYU\r\n") == [siti]
    assert ids("ra\u200bhayu") == [siti]  # a zero-width space pasted from a chat
    assert ids("agus\x00") == [agus]
    assert ids(make_nik(date(1980, 1, 5), "L", 3)[:12] + "\x00") == [agus]
    # LIKE wildcards are plain characters: "%" and "_" no longer match everyone.
    assert ids("%") == [] and ids("_") == [] and ids("s%") == []
    assert set(ids("s")) == {siti, agus}
    # Hundreds of terms: the first twelve count.
    assert ids(" ".join(["si"] * 500)) == [siti]
    assert reg.count_persons(PersonFilter(query="rahayu\x00")) == 1


def test_counter_reads_a_scanner_line_and_refuses_junk_with_a_code(
    ctx: AppContext, world: World, round_id: str
) -> None:
    svc = DistributionService(ctx)
    fam = world.families[0]
    entry = svc.scan(round_id, fam.kk + "\r\n")
    assert svc.scan(round_id, "\x00" + fam.head_nik + "\x00").id == entry.id
    assert [r.id for r in svc.find(round_id, "sutris\x00")] == [entry.id]
    with pytest.raises(ServiceError) as info:
        svc.scan(round_id, "\x00\x00\t")
    assert info.value.code == "distribution.scan_empty"
    with pytest.raises(ServiceError) as info:
        svc.scan(round_id, "x" * 100_000)
    assert info.value.code == "distribution.scan_not_found"
    assert len(info.value.message) < 600


def test_export_query_with_odd_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    ctx = open_app(db)
    try:
        RegistryService(ctx).create_person(
            person_input("Siti Rahayu", "P", date(1958, 4, 12), 1, KEL)
        )
    finally:
        ctx.close()
    out = tmp_path / "orang.csv"
    # No real shell passes a NUL or undecodable bytes: the CLI refuses those arguments up front
    # (exit 2, nothing written); the service-level normalisation is tested above.
    for query in ("rahayu\x00", "siti\udcff"):
        out.unlink(missing_ok=True)
        assert main(["export", "--db", str(db), "--query", query, "-o", str(out)]) == 2
        assert not out.exists()
    cases = [
        ("siti " + "ra " * 500, 1),
        ('"siti" rahayu*', 0),  # FTS5 syntax is literal text: no "rahayu*" in the registry
        ('"siti" (rah', 0),
        ("x" * 100_000, 0),
    ]
    for query, rows in cases:
        args = ["export", "--db", str(db), "--query", query, "-o", str(out)]
        assert main(args) == 0, capsys.readouterr().err
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        lines = lines[lines.index("") + 1 :]  # after the notice of what the file holds
        assert len(lines) == 1 + rows, query[:40]
        assert rows == 0 or "Siti Rahayu" in lines[1]
