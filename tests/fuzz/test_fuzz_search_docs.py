"""Fuzz (issue 13, item 6): random and boundary strings through the registry search, the
counter's find/scan and roster filter, and every printed document with random profile and
person text. The property: a result or a coded refusal, never a traceback, and a refused scan
changes nothing in the database.

Examples are bounded (a few dozen per property, no deadline) so the suite stays a few seconds;
BERDAYA_FUZZ_EXAMPLES=500 runs a longer search. The database is built once per module and only
read by the search properties.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.distribution import DistributionService, RosterFilter
from desktop_app.services.registry import PersonFilter, RegistryService
from tests.conftest import FIXED_NOW
from tests.documents.every_document import every_document, hostile_office
from tests.helpers import open_round
from tests.services.distribution_fixtures import build_world

EXAMPLES = int(os.environ.get("BERDAYA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people, scanners, pastes and hostile senders produce it: any code point (control
# characters, NUL, lone surrogates included), FTS5 and LIKE syntax, very long runs, many terms.
SYNTAX = st.sampled_from(
    ['"', "'", "*", "^", "(", ")", ":", "%", "_", "\\", "NEAR", "AND", "OR", "NOT", "body:",
     "-", ".", "\x00", "\t", "\n", "\u200b", "\udcff", "<b>", "&", "<img src=x>"]
)  # fmt: skip
WORDS = st.lists(
    st.one_of(st.text(max_size=6), SYNTAX, st.sampled_from(["siti", "3572", "ab", "a"])),
    max_size=300,
).map(" ".join)
SEARCH_TEXT = st.one_of(
    st.text(max_size=400),
    WORDS,
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "%", "ab ", "\x00", "a.", '"']),
              st.integers(0, 70_000)),
)  # fmt: skip


@pytest.fixture(scope="module")
def world_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, str]]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite"
    ctx = open_app(path, actor="tester", clock=FixedClock(FIXED_NOW))
    build_world(ctx, rapelan=False)
    yield ctx, open_round(ctx)
    ctx.close()


def change_count(ctx: AppContext) -> int:
    with ctx.db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar_one())


@FUZZ
@example("siti\x00rahayu")
@example(" ".join(["ab"] * 500))
@example("a" * 100_000)
@given(SEARCH_TEXT)
def test_registry_search_never_raises(world_ctx: tuple[AppContext, str], query: str) -> None:
    ctx, _rid = world_ctx
    reg = RegistryService(ctx)
    flt = PersonFilter(query=query)
    rows = reg.person_rows(reg.person_ids(flt))
    assert reg.count_persons(flt) >= len(rows)
    reg.household_rows(reg.household_ids(flt))


@FUZZ
@example("\x00")
@example("x" * 100_000)
@given(SEARCH_TEXT)
def test_counter_find_and_scan_answer_or_refuse(
    world_ctx: tuple[AppContext, str], query: str
) -> None:
    ctx, rid = world_ctx
    svc = DistributionService(ctx)
    before = change_count(ctx)
    svc.find(rid, query)
    svc.roster_ids(rid, RosterFilter(query=query))
    try:
        svc.scan(rid, query)
    except ServiceError as exc:
        assert exc.code.startswith("distribution.") and exc.message
    assert change_count(ctx) == before  # looking someone up never writes


# Profile and person text: printable or not, markup, very long words.
DOC_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(SYNTAX, st.text(max_size=12)), max_size=12).map(" ".join),
    # A whole spreadsheet cell pasted into a name: one long word or many words.
    st.builds(lambda c, n: c * n, st.sampled_from(["W", "kata ", "<b>&"]), st.integers(1, 4000)),
)
DOCUMENT_NAMES = sorted(every_document("x"))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(text="<b>", name="bast")
@example(text="<img src=/etc/passwd>", name="certificates")
@example(text="\x00\udcff&", name="reception_list")
@example(text="W" * 3000, name="recap")
@example(text="kata " * 800, name="attendance_recap")
@given(text=DOC_TEXT, name=st.sampled_from(DOCUMENT_NAMES))
def test_every_document_prints_any_text(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / f"{name}.pdf"
    pages = every_document(text)[name](path, hostile_office(text))
    assert path.stat().st_size > 0 and (pages is None or int(pages) >= 1)  # type: ignore[call-overload]
