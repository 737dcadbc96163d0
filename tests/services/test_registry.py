from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry import (
    HouseholdInput,
    PersonFilter,
    PersonInput,
    RegistryService,
    ValidationFailed,
)
from desktop_app.storage.models import ChangeLog, Person
from tests.helpers import make_kk, make_nik, person_input

KEL = "35.72.01.1001"  # Kepanjenkidul


def person(
    name: str = "Siti Rahayu",
    sex: str = "P",
    birth: date = date(1958, 4, 12),
    serial: int = 1,
    **kw: object,
) -> PersonInput:
    return person_input(name, sex, birth, serial, KEL, **kw)


@pytest.fixture
def reg(ctx: AppContext) -> RegistryService:
    return RegistryService(ctx)


def log_rows(ctx: AppContext, entity_id: str) -> list[ChangeLog]:
    with ctx.db.session() as s:
        return list(
            s.exec(
                select(ChangeLog).where(ChangeLog.entity_id == entity_id).order_by(ChangeLog.seq)
            )
        )


def test_create_person_logs_every_field(ctx: AppContext, reg: RegistryService) -> None:
    pid = reg.create_person(person())
    rows = log_rows(ctx, pid)
    assert [r.op for r in rows] == ["create"]
    changes = json.loads(rows[0].changes)
    assert changes["name"] == [None, "Siti Rahayu"]
    assert changes["rt"] == [None, "002"]
    assert rows[0].actor == "tester" and rows[0].device_id == ctx.device.id
    assert reg.get_person(pid).input.nik == make_nik(date(1958, 4, 12), "P")


def test_invalid_nik_blocks_saving_with_indonesian_message(
    ctx: AppContext, reg: RegistryService
) -> None:
    bad = person()
    bad.nik = "35720112"
    with pytest.raises(ValidationFailed) as info:
        reg.create_person(bad)
    assert "16 digit" in str(info.value)
    with ctx.db.session() as s:
        assert s.exec(select(Person)).first() is None


def test_nik_date_mismatch_is_only_a_warning(reg: RegistryService) -> None:
    inp = person()
    inp.birth_date = date(1958, 4, 13)  # corrected birth date disagrees with the NIK digits
    issues = reg.check_person(inp)
    assert issues and all(i.severity == "warning" for i in issues)
    assert reg.create_person(inp)


def test_duplicate_nik_and_similar_person_are_warned(reg: RegistryService) -> None:
    reg.create_person(person())
    codes = {i.code for i in reg.check_person(person())}
    assert "dup.nik" in codes
    similar = person(name="SITI  RAHAYU", serial=2)
    codes = {i.code for i in reg.check_person(similar)}
    assert "dup.similar" in codes and "dup.nik" not in codes


def test_update_logs_only_changed_fields(ctx: AppContext, reg: RegistryService) -> None:
    pid = reg.create_person(person())
    changed = person()
    changed.phone = "081234567890"
    delta = reg.update_person(pid, changed)
    assert delta == {"phone": [None, "081234567890"]}
    assert [r.op for r in log_rows(ctx, pid)] == ["create", "update"]
    assert reg.update_person(pid, changed) == {}


def test_status_death_is_history_and_ends_person_programs(
    ctx: AppContext, reg: RegistryService
) -> None:
    pid = reg.create_person(person())
    eid = reg.enrol("RAPELAN", person_id=pid, start_date=date(2025, 1, 3))
    with pytest.raises(ServiceError):
        reg.set_status(pid, "meninggal", None)
    reg.set_status(pid, "meninggal", date(2026, 10, 1), "surat kematian kelurahan")
    detail = reg.person_detail(pid)
    assert detail.record.status == "meninggal"
    assert detail.status_history == [("meninggal", date(2026, 10, 1), "surat kematian kelurahan")]
    (enrolment,) = detail.enrolments
    assert enrolment.id == eid and enrolment.end_date == date(2026, 10, 1)
    assert enrolment.end_reason == "meninggal"
    with pytest.raises(ServiceError):
        reg.enrol("RAPELAN", person_id=pid)


def test_household_members_head_and_kk_history(ctx: AppContext, reg: RegistryService) -> None:
    head = reg.create_person(person(name="Budi Santoso", sex="L", birth=date(1970, 2, 1)))
    wife = reg.create_person(person(name="Sri Wahyuni", sex="P", birth=date(1972, 6, 9), serial=2))
    hid = reg.create_household(
        HouseholdInput(make_kk(1), "Jl. Mawar 1", "1", "2", KEL), head_person_id=head
    )
    reg.add_member(hid, wife, "istri")
    detail = reg.household_detail(hid)
    assert detail.row.head_name == "Budi Santoso" and detail.row.members == 2
    reg.change_kk(hid, make_kk(2), reason="kepala keluarga baru")
    reg.set_head(hid, wife)
    detail = reg.household_detail(hid)
    assert detail.row.kk_number == make_kk(2) and detail.row.head_name == "Sri Wahyuni"
    assert [k[0] for k in detail.kk_history] == [make_kk(1), make_kk(2)]
    assert detail.kk_history[0][2] is not None  # the old KK was closed
    # The new KK is searchable at once (the search index follows the household).
    assert reg.person_ids(PersonFilter(query=make_kk(2)[-8:]))
    with pytest.raises(ServiceError) as info:
        reg.remove_member(wife)  # the head cannot simply leave
    assert info.value.code == "registry.head_cannot_leave" and info.value.message


def test_membership_refusals_are_coded(reg: RegistryService) -> None:
    head = reg.create_person(person(name="Budi Santoso", sex="L", birth=date(1970, 2, 1)))
    other = reg.create_person(person(name="Sri Wahyuni", sex="P", birth=date(1972, 6, 9), serial=2))
    hid = reg.create_household(HouseholdInput(make_kk(1), kelurahan_code=KEL), head_person_id=head)
    hid2 = reg.create_household(HouseholdInput(make_kk(2), kelurahan_code=KEL))
    with pytest.raises(ServiceError) as info:
        reg.add_member(hid, other, "kepala")
    assert info.value.code == "registry.head_taken"
    with pytest.raises(ServiceError) as info:
        reg.set_head(hid2, head)
    assert info.value.code == "registry.head_not_member"
    with pytest.raises(ServiceError) as info:
        reg.add_member(hid2, head, "anak")
    assert info.value.code == "registry.other_household"
    assert "Budi Santoso" in info.value.message and "Budi Santoso" in info.value.render("en")


def test_unknown_kelurahan_code_is_an_error_not_a_crash(reg: RegistryService) -> None:
    # _issue(..., code=...) used to collide with its own first parameter (TypeError).
    bad = person()
    bad.kelurahan_code = "35.72.09.9999"
    issues = [i for i in reg.check_person(bad) if i.code == "person.kelurahan"]
    assert len(issues) == 1 and "35.72.09.9999" in issues[0].message
    with pytest.raises(ValidationFailed) as info:
        reg.create_person(bad)
    assert info.value.code == "registry.invalid" and "35.72.09.9999" in info.value.message
    household = HouseholdInput(make_kk(1), kelurahan_code="35.72.09.9999")
    assert [i.code for i in reg.check_household(household) if i.is_error] == [
        "household.kelurahan"
    ]


def test_household_program_enrols_the_kpm(reg: RegistryService) -> None:
    head = reg.create_person(person(name="Budi Santoso", sex="L", birth=date(1970, 2, 1)))
    hid = reg.create_household(HouseholdInput(make_kk(1), kelurahan_code=KEL), head_person_id=head)
    reg.enrol("RASTRADA", person_id=head)
    rows = reg.household_rows(reg.household_ids(PersonFilter(program_code="RASTRADA")))
    assert [r.id for r in rows] == [hid]
    with pytest.raises(ServiceError) as info:
        reg.enrol("RASTRADA", household_id=hid)  # already active
    assert info.value.code == "registry.already_enrolled" and info.value.message


def test_search_and_filters(reg: RegistryService) -> None:
    a = reg.create_person(person(name="Siti Rahayu"))
    b = reg.create_person(person(name="Agus Prasetyo", sex="L", birth=date(1980, 1, 5), serial=3))
    other_kel = person(name="Sri Lestari", birth=date(1990, 3, 3), serial=4)
    other_kel.kelurahan_code = "35.72.03.1001"
    c = reg.create_person(other_kel)
    ids = lambda f: [r.id for r in reg.person_rows(reg.person_ids(f))]  # noqa: E731
    assert ids(PersonFilter(query="rahayu")) == [a]
    assert ids(PersonFilter(query="agus pras")) == [b]
    assert set(ids(PersonFilter(query="s"))) == {a, b, c}  # too short for the index: LIKE
    assert ids(PersonFilter(query=make_nik(date(1980, 1, 5), "L", 3)[:10])) == [b]
    assert ids(PersonFilter(kecamatan_code="35.72.03")) == [c]
    assert ids(PersonFilter()) == [b, a, c]  # by name
    reg.enrol("RAPELAN", person_id=a)
    assert ids(PersonFilter(program_code="RAPELAN")) == [a]
    assert reg.count_persons(PersonFilter(query="kenanga")) == 3


def test_text_search_stops_at_max_matches(reg: RegistryService) -> None:
    made = [
        reg.create_person(person(name=f"Warga {n}", birth=date(1970, 1, n), serial=n))
        for n in range(1, 5)
    ]
    ids = lambda f: [r.id for r in reg.person_rows(reg.person_ids(f))]  # noqa: E731
    # The first matches in registration order; counting still sees every match.
    assert ids(PersonFilter(query="kenanga", max_matches=2)) == made[:2]
    assert ids(PersonFilter(query="kenanga", max_matches=None)) == made
    assert ids(PersonFilter(query="ke", max_matches=3)) == made[:3]
    assert reg.count_persons(PersonFilter(query="kenanga", max_matches=2)) == 4
    # A list without search text is never cut.
    assert len(reg.person_ids(PersonFilter(max_matches=1))) == 4
    assert ids(PersonFilter(query="warga", kelurahan_code=KEL, max_matches=10)) == made


def test_search_page_is_the_first_page_of_the_same_search(reg: RegistryService) -> None:
    """A keystroke's page (issue 17): the first rows of `person_ids` + `person_rows`, in the
    same order and with the same fields, and whether more persons match."""
    for n in range(1, 6):
        reg.create_person(person(name=f"Warga {n}", birth=date(1970, 1, n), serial=n))
    for flt in (
        PersonFilter(query="kenanga"),
        PersonFilter(query="ke"),
        PersonFilter(query="warga 3"),
        PersonFilter(),
        PersonFilter(query="tidak ada"),
    ):
        full = reg.person_rows(reg.person_ids(flt))
        page = reg.search_page(flt, page=2)
        assert page.rows == full[:2]
        assert page.more == (len(full) > 2)
    assert reg.search_page(PersonFilter(query="warga"), page=5).more is False


def test_short_terms_match_exactly_what_like_on_the_index_matches(
    ctx: AppContext, reg: RegistryService
) -> None:
    """Terms under three characters are checked on FTS5's stored text (person_fts_content) for
    speed: the same persons, in the same order, as LIKE on the index itself, alone and beside
    a long term, with LIKE's wildcards taken literally."""
    names = ["Warga Ayu", "Ayu Lestari", "Budi_Santoso", "Dewi 50% Sari", "Agus Prasetyo"]
    for n, name in enumerate(names, start=1):
        reg.create_person(person(name=name, birth=date(1970, 1, n), serial=n))
    with ctx.db.plain() as conn:
        for query, terms in (
            ("ay", ["ay"]),
            ("ayu le", ["le"]),
            ("_s", ["_s"]),
            ("0%", ["0%"]),
            ("a", ["a"]),
            ("zz", ["zz"]),
        ):
            flt = PersonFilter(query=query)
            long_terms = [t for t in query.split() if len(t) >= 3]
            sql = "SELECT rowid FROM person_fts WHERE " + " AND ".join(
                ["person_fts MATCH ?"] * bool(long_terms)
                + ["body LIKE ? ESCAPE '\\'"] * len(terms)
            )
            like = [
                "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for t in terms
            ]
            params = [" ".join(f'"{t}"' for t in long_terms)] * bool(long_terms) + like
            expected = [r[0] for r in conn.execute(sql + " ORDER BY rowid", params)]
            assert reg.person_ids(flt) == expected, query
            page = reg.search_page(flt, page=2)
            assert [r.rowid for r in page.rows] == expected[:2], query
            assert page.more == (len(expected) > 2)
    assert len(reg.person_ids(PersonFilter(query="ay"))) == 2


def test_search_page_without_text_leaves_restricted_records_out_of_a_full_page(
    ctx: AppContext, reg: RegistryService
) -> None:
    """The page without search text is cut by SQL: a restricted record must neither take a
    row of it nor make it look shorter ("more" stays right)."""
    from desktop_app.domain.access import Actor, Role

    made = [
        reg.create_person(person(name=f"Anak {n}", birth=date(2015, 1, n), serial=n))
        for n in range(1, 5)
    ]
    reg.enrol("ABH", person_id=made[0], details={"role": "korban"})
    ctx.accounts_exist = True
    ctx.set_user(Actor("budi", "Budi Lapangan", Role.FIELD))
    page = reg.search_page(PersonFilter(), page=2)
    assert [r.id for r in page.rows] == made[1:3]
    assert page.more is True
    page = reg.search_page(PersonFilter(), page=3)
    assert [r.id for r in page.rows] == made[1:4]
    assert page.more is False


def test_long_numbers_match_nik_kk_prefix_or_any_part(reg: RegistryService) -> None:
    budi = reg.create_person(person(name="Budi Santoso", sex="L", birth=date(1970, 2, 1)))
    sri = reg.create_person(person(name="Sri Wahyuni", birth=date(1972, 6, 9), serial=2))
    hid = reg.create_household(HouseholdInput(make_kk(7), kelurahan_code=KEL), head_person_id=budi)
    reg.add_member(hid, sri, "istri")
    gone = reg.create_person(person(name="Tini", birth=date(1972, 6, 9), serial=3))
    reg.delete_person(gone, "data ganda")
    ids = lambda q: {r.id for r in reg.person_rows(reg.person_ids(PersonFilter(query=q)))}  # noqa: E731
    nik_sri = make_nik(date(1972, 6, 9), "P", 2)
    assert ids(nik_sri[:12]) == {sri}  # NIK typed from the card: prefix through the index
    assert ids(make_kk(7)[:13]) == {budi, sri}  # KK prefix: every member of the household
    assert ids(nik_sri[4:14]) == {sri}  # the middle of a number: the trigram index
    assert ids(nik_sri[:12] + " wahyu") == {sri}
    assert ids(nik_sri[:12] + " budi") == set()
    assert ids(nik_sri[:12] + " 99") == set()


def test_page_row_address_is_format_address() -> None:
    """The page's rows inline format_address (reads._plain_person_row): the same text for
    every mix of missing street, RT and RW."""
    from desktop_app.domain.people import format_address
    from desktop_app.services.registry import reads

    for street in (None, "", "Jl. Kenanga 5"):
        for rt in (None, "", "003"):
            for rw in (None, "", "012"):
                m = (1, "id", None, "N", "P", "1970-01-01", street, rt, rw, None, None, None,
                     "aktif", None)  # fmt: skip
                row = reads._plain_person_row(m, False)
                assert row.address == format_address(street, rt, rw), (street, rt, rw)
                assert row.birth_date == date(1970, 1, 1) and row.kelurahan == ""


def test_search_connections_read_through_a_memory_map(ctx: AppContext) -> None:
    """A connection prepared for search gets the page cache and memory-mapped reads once;
    preparing again changes nothing and the search still answers."""
    from desktop_app.storage import search

    reg = RegistryService(ctx)
    reg.create_person(person())
    with ctx.db.plain() as conn:
        search.prepare_plain(conn)
        search.prepare_plain(conn)
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -search.SEARCH_CACHE_KIB
        # A build may cap it (SQLITE_MAX_MMAP_SIZE); the bundled driver maps the whole ceiling.
        assert 0 < conn.execute("PRAGMA mmap_size").fetchone()[0] <= search.SEARCH_MMAP_BYTES
    assert [r.name for r in reg.search_page(PersonFilter(query="siti")).rows] == ["Siti Rahayu"]


def test_deleted_person_is_a_tombstone(ctx: AppContext, reg: RegistryService) -> None:
    pid = reg.create_person(person())
    reg.delete_person(pid, "data ganda")
    assert reg.person_ids(PersonFilter()) == []
    with ctx.db.session() as s:
        assert s.get(Person, pid) is not None
    assert log_rows(ctx, pid)[-1].op == "delete"


def test_children_program_refuses_adults(reg: RegistryService) -> None:
    pid = reg.create_person(person())
    with pytest.raises(ValidationFailed):
        reg.enrol("ANAK_TERLANTAR", person_id=pid)


def test_page_rows_are_the_dataclass_rows(reg: RegistryService) -> None:
    """The search page fills its rows' dicts directly (reads._FILL_DIRECTLY): they must be
    the very rows the dataclass constructor gives, equal, hashable, still frozen."""
    import dataclasses

    from desktop_app.services.registry import PersonRow, reads

    assert reads._FILL_DIRECTLY
    reg.create_person(person())
    row = reg.search_page(PersonFilter(query="siti")).rows[0]
    built = PersonRow(**{f.name: getattr(row, f.name) for f in dataclasses.fields(PersonRow)})
    assert row == built and hash(row) == hash(built) and repr(row) == repr(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.name = "x"  # type: ignore[misc]
