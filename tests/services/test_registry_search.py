"""The keystroke's page (`RegistryService.search_page`) against an independent reading of the
same search: every class of keystroke the benchmark times (words, one- and two-character terms,
a word beside a short term, digit runs below and from the NIK/KK prefix length, LIKE wildcards
typed literally), as an actor who sees restricted records and as one who does not.

Issue 17 asks for speed without accuracy loss: the page must hold the same persons in the same
order as the full search (`person_ids` + `person_rows`), and those must be what FTS5 MATCH plus
LIKE on the indexed text give, in registration order, without deleted persons and, for a role
without RESTRICTED_VIEW, without restricted records.
"""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.services.context import AppContext
from desktop_app.services.registry import HouseholdInput, PersonFilter, RegistryService
from desktop_app.storage import search
from tests.helpers import make_kk, person_input

KEL = "35.72.01.1001"

NAMES = [
    "Siti Rahayu", "Maria Ayu", "Ayu Lestari", "Budi_Santoso", "Dewi 50% Sari", "Agus Prasetyo",
    "Maria Yessi", "Zahra Sulastri", "Imam Elvin", "Purwa Dani", "Pangeran Kenes", "Yessi Jaya",
    "Salman Hadi", "Galang Jaiman", "Tugiman Rahmat", "Azizah", "Marwata Rangga", "Elvin Pratama",
    "Warta Budi", "Sri Wahyuni", "Siti Aminah", "Ahmad Zaki", "Yeyen", "Zevanya Putri",
]  # fmt: skip
STREETS = ["Jl. Sumatera No. 3", "Jl. Manggis No. 12", "Gg. Kenanga No. 7", None]

QUERIES = [
    "siti", "sit", "si", "s", "ma", "maria", "maria ay", "maria a", "ayu le", "az", "ye", "ze",
    "sumatera", "sumatera un", "manggis pu", "kenanga siti", "_s", "0%", "%", "jl", "no 1",
    "3572", "357201", "3572010", "35720101", "357201012", "35720150", "siti 3572", "12 ma",
    "tidak ada", "", "zz",
]  # fmt: skip


@pytest.fixture
def world(ctx: AppContext) -> tuple[RegistryService, list[str]]:
    """Persons in registration order: some in households (KK numbers in the body), some
    enrolled (one restricted), one deleted."""
    reg = RegistryService(ctx)
    made = []
    for n, name in enumerate(NAMES, start=1):
        street = STREETS[n % len(STREETS)]
        # Maria Ayu (the second) is a child: she is enrolled in a restricted programme below.
        born = date(2015, 2, 2) if n == 2 else date(1960 + n, 1 + n % 12, n)
        p = person_input(name, "P" if n % 2 else "L", born, n, KEL)
        p.street = street
        made.append(reg.create_person(p))
    for h in range(3):
        hid = reg.create_household(
            HouseholdInput(make_kk(h + 1), kelurahan_code=KEL), head_person_id=made[h * 3]
        )
        reg.add_member(hid, made[h * 3 + 1], "istri")
    reg.enrol("ABH", person_id=made[1], details={"role": "korban"})  # Maria Ayu: restricted
    reg.enrol("RAPELAN", person_id=made[2])
    reg.delete_person(made[5], "data ganda")
    return reg, made


def _expected_rowids(ctx: AppContext, query: str, hidden: frozenset[int]) -> list[int] | None:
    """Rowids FTS5 itself gives for `query` (MATCH for terms of 3+ characters, LIKE on the
    indexed text for shorter ones), live persons only, in rowid order; None for a digit run long
    enough to match NIK/KK by prefix (its own test covers it)."""
    terms = search.search_terms(query)
    if any(len(t) >= search.NUMBER_PREFIX_MIN and t.isdigit() for t in terms):
        return None
    long_terms = [t for t in terms if len(t) >= search.MIN_TERM]
    short_terms = [t for t in terms if len(t) < search.MIN_TERM]
    conds, params = [], []
    if long_terms:
        conds.append("person_fts MATCH ?")
        params.append(" ".join('"' + t + '"' for t in long_terms))
    for t in short_terms:
        conds.append("body LIKE ? ESCAPE '\\'")
        params.append("%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    sql = (
        "SELECT person.rowid FROM person WHERE person.deleted = 0 AND person.rowid IN "
        "(SELECT rowid FROM person_fts WHERE " + " AND ".join(conds or ["1"]) + ")"
        " ORDER BY person.rowid"
    )
    with ctx.db.plain() as conn:
        return [r[0] for r in conn.execute(sql, params) if r[0] not in hidden]


@pytest.mark.parametrize("role", [None, Role.FIELD])
def test_the_page_is_the_search_for_every_kind_of_keystroke(
    ctx: AppContext, world: tuple[RegistryService, list[str]], role: Role | None
) -> None:
    reg, made = world
    with ctx.db.plain() as conn:
        restricted = frozenset(
            r[0] for r in conn.execute("SELECT rowid FROM person WHERE id = ?", (made[1],))
        )
    hidden: frozenset[int] = frozenset()
    if role is not None:
        ctx.accounts_exist = True
        ctx.set_user(Actor("budi", "Budi Lapangan", role))
        hidden = restricted
    with ctx.db.plain() as conn:
        nik = conn.execute("SELECT nik FROM person WHERE id = ?", (made[0],)).fetchone()[0]
    # NIK and KK typed from the card (B-tree prefix), the middle of a NIK (trigrams).
    numbers = [nik[:10], nik[:12] + " siti", make_kk(2)[:11], nik[3:11], nik[:9] + " zz"]
    for query in QUERIES + numbers:
        flt = PersonFilter(query=query)
        full = reg.person_rows(reg.person_ids(flt))
        assert not {r.rowid for r in full} & hidden, query
        if query:
            expected = _expected_rowids(ctx, query, hidden)
            if expected is not None:
                assert [r.rowid for r in full] == expected, query
        for size in (1, 3, 100):
            page = reg.search_page(flt, page=size)
            assert page.rows == full[:size], (query, size)
            assert page.more == (len(full) > size), (query, size)
    # The restricted person is found by an actor who may see her, never by one who may not.
    found = {r.id for r in reg.search_page(PersonFilter(query="maria ay")).rows}
    assert (made[1] in found) == (role is None)
