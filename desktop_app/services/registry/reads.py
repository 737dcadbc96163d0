"""Registry reads: lists for the lazy table models, search, details of one person or household.

Lists are fetched by rowid so the GUI's models can hold only keys and read rows a page at a time.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import bindparam, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from desktop_app.domain.access import Permission, is_restricted_program
from desktop_app.domain.nik import clean_number
from desktop_app.domain.people import format_address, normalise_name, program_names
from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.values import as_date
from desktop_app.services.access import (
    MASKED_NAME,
    RESTRICTED_PERSONS_SQL,
    guard_person,
    requires,
    restricted_person_ids,
    restricted_person_rowids,
    restricted_rowid_list,
    sees_restricted,
)
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry.messages import HOUSEHOLD_NOT_FOUND, PERSON_NOT_FOUND
from desktop_app.services.registry.records import (
    EnrolmentView,
    HistoryEntry,
    HouseholdDetail,
    HouseholdInput,
    HouseholdRow,
    PersonDetail,
    PersonFilter,
    PersonInput,
    PersonRecord,
    PersonRow,
)
from desktop_app.storage import driver, search
from desktop_app.storage.models import Enrolment, Household, KkHistory, Person, StatusHistory

__all__ = [
    "HOUSEHOLD_SELECT",
    "PERSON_PROGRAMS_FROM",
    "PERSON_SELECT",
    "SEARCH_PAGE",
    "PersonPage",
    "RegistryReads",
]

READ = Permission.REGISTRY_READ

# Rows a keystroke shows at once: the registry table model's page.
SEARCH_PAGE = 100

_Row = TypeVar("_Row")

# A person's current programmes (own or through the household) and the joins for its address
# and KK: the tail of every person list, here and in the exporter.
PERSON_PROGRAMS_FROM = """(SELECT group_concat(e.program_code, ',') FROM enrolment e
         WHERE e.deleted = 0 AND e.end_date IS NULL
           AND (e.person_id = person.id OR e.household_id = person.household_id)) AS programs
FROM person
LEFT JOIN region kel ON kel.code = person.kelurahan_code
LEFT JOIN region kec ON kec.code = kel.parent_code
LEFT JOIN household ON household.id = person.household_id
"""

PERSON_SELECT = (
    """
SELECT person.rowid AS rowid, person.id, person.nik, person.name, person.sex, person.birth_date,
       person.street, person.rt, person.rw, kel.name AS kelurahan, kec.name AS kecamatan,
       household.kk_number, person.status,
       """
    + PERSON_PROGRAMS_FROM
)

# The same columns for a search's first page, read in the search's own statement: the
# programmes subquery runs only for the rows shown, and no second lookup of the page's keys.
_PAGE_COLUMNS = """person.rowid, person.id, person.nik, person.name, person.sex, person.birth_date,
       person.street, person.rt, person.rw, kel.name, kec.name, household.kk_number,
       person.status,
       (SELECT group_concat(e.program_code, ',') FROM enrolment e
         WHERE e.deleted = 0 AND e.end_date IS NULL
           AND (e.person_id = person.id OR e.household_id = person.household_id))"""
_PAGE_JOINS = """
LEFT JOIN region kel ON kel.code = person.kelurahan_code
LEFT JOIN region kec ON kec.code = kel.parent_code
LEFT JOIN household ON household.id = person.household_id"""

HOUSEHOLD_SELECT = """
SELECT household.rowid AS rowid, household.id, household.kk_number,
       household.head_person_id AS head_person_id, head.name AS head_name,
       head.nik AS head_nik, household.street, household.rt, household.rw,
       kel.name AS kelurahan, kec.name AS kecamatan,
       (SELECT count(*) FROM person m WHERE m.household_id = household.id AND m.deleted = 0)
           AS members,
       (SELECT group_concat(e.program_code, ',') FROM enrolment e
         WHERE e.deleted = 0 AND e.end_date IS NULL AND e.household_id = household.id) AS programs
FROM household
LEFT JOIN person head ON head.id = household.head_person_id
LEFT JOIN region kel ON kel.code = household.kelurahan_code
LEFT JOIN region kec ON kec.code = kel.parent_code
"""


def _programs(codes: str | None, hide: bool) -> str:
    """Program names for a list cell; restricted programs left out when `hide`."""
    if hide and codes:
        codes = ",".join(c for c in codes.split(",") if not is_restricted_program(c))
    return program_names(codes)


# A list cell per (codes, hide): a registry has a few dozen combinations of programmes, and a
# page of 100 rows would otherwise split and look them up 100 times per keystroke.
_PROGRAM_CELLS: dict[tuple[str | None, bool], str] = {}


def _program_cell(codes: str | None, hide: bool) -> str:
    cell = _PROGRAM_CELLS.get((codes, hide))
    if cell is None:
        if len(_PROGRAM_CELLS) >= 4096:  # bounded, whatever a database holds
            _PROGRAM_CELLS.clear()
        cell = _PROGRAM_CELLS[(codes, hide)] = _programs(codes, hide)
    return cell


def _plain_person_row(m: Sequence[Any], hide: bool) -> PersonRow:
    """A PersonRow from a plain tuple in `_PAGE_COLUMNS` (and PERSON_SELECT) order."""
    rowid, pid, nik, name, sex, birth, street, rt, rw, kel, kec, kk, status, programs = m
    # format_address, inlined: a call per row was a fifth of the Python cost of a page.
    if rt or rw:
        rt_rw = f"RT {rt or '-'}/RW {rw or '-'}"
        address = f"{street}, {rt_rw}" if street else rt_rw
    else:
        address = street or ""
    cell = _PROGRAM_CELLS.get((programs, hide))
    if cell is None:
        cell = _program_cell(programs, hide)
    values = {
        "rowid": rowid,
        "id": pid,
        "nik": nik,
        "name": name,
        "sex": sex,
        # SQLite gives the stored ISO text; as_date for anything else.
        "birth_date": _fromisoformat(birth[:10]) if type(birth) is str else as_date(birth),
        "address": address,
        "kelurahan": kel or "",
        "kecamatan": kec or "",
        "kk_number": kk,
        "status": status,
        "programs": cell,
    }
    if _FILL_DIRECTLY:
        row = _new_object(PersonRow)
        row.__dict__.update(values)
        return row
    return PersonRow(**values)


# A frozen dataclass sets each field through object.__setattr__: half the Python cost of a
# keystroke's page of 100 rows. Filling the new instance's dict gives an equal row (the same
# fields, compared and hashed by the dataclass's own methods); only while PersonRow stays a
# plain frozen dataclass (no slots, no __post_init__, the fields above).
_new_object = object.__new__
_FILL_DIRECTLY = (
    "__slots__" not in PersonRow.__dict__
    and not hasattr(PersonRow, "__post_init__")
    and [f.name for f in dataclasses.fields(PersonRow)]
    == [
        "rowid", "id", "nik", "name", "sex", "birth_date", "address", "kelurahan",
        "kecamatan", "kk_number", "status", "programs",
    ]
)  # fmt: skip
_fromisoformat = date.fromisoformat


def _person_row(m: Any, hide: bool = False) -> PersonRow:
    return PersonRow(
        rowid=m.rowid,
        id=m.id,
        nik=m.nik,
        name=m.name,
        sex=m.sex,
        birth_date=as_date(m.birth_date),
        address=format_address(m.street, m.rt, m.rw),
        kelurahan=m.kelurahan or "",
        kecamatan=m.kecamatan or "",
        kk_number=m.kk_number,
        status=m.status,
        programs=_programs(m.programs, hide),
    )


def _person_rows_plain(
    conn: driver.Connection, rowids: Sequence[int], hidden: frozenset[int] | None = None
) -> list[PersonRow]:
    """`person_rows` on a plain sqlite3 connection: tuples in PERSON_SELECT's column order.
    `hidden`: rowids of restricted records the actor may not see (left out, and restricted
    programs too); None when the actor sees everything."""
    hide = hidden is not None
    if hidden:
        rowids = [r for r in rowids if r not in hidden]
    if not rowids:
        return []
    # Integers only, so inlining them is safe and avoids SQLite's bound-parameter limit.
    keys = ",".join(str(int(r)) for r in rowids)
    sql = f"{PERSON_SELECT} WHERE person.rowid IN ({keys})"
    by_key = {m[0]: _plain_person_row(m, hide) for m in conn.execute(sql)}
    return [by_key[r] for r in rowids if r in by_key]


@dataclass(frozen=True)
class PersonPage:
    """The first page of a search: its rows, and whether more persons match."""

    rows: list[PersonRow]
    more: bool


def _household_row(m: Any, restricted: frozenset[str] | None = None) -> HouseholdRow:
    """`restricted`: the restricted person ids when the actor may not see them (the head's
    name and NIK are masked then, and restricted programs left out)."""
    hidden_head = restricted is not None and m.head_person_id in restricted
    return HouseholdRow(
        rowid=m.rowid,
        id=m.id,
        kk_number=m.kk_number,
        head_name=MASKED_NAME if hidden_head else m.head_name,
        head_nik=None if hidden_head else m.head_nik,
        address=format_address(m.street, m.rt, m.rw),
        kelurahan=m.kelurahan or "",
        kecamatan=m.kecamatan or "",
        members=m.members,
        programs=_programs(m.programs, restricted is not None),
    )


class RegistryReads:
    """The read side of `RegistryService`; the write mixins build on it."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def _hide(self) -> bool:
        """Whether restricted records are hidden from the current actor (no query)."""
        return not sees_restricted(self.ctx)

    def _hidden_rowids(self) -> frozenset[int] | None:
        """The restricted persons' rowids when the actor may not see them, else None."""
        return restricted_person_rowids(self.ctx) if self._hide() else None

    def _hidden_set(self) -> frozenset[str] | None:
        """The restricted person ids when the actor may not see them, else None."""
        return restricted_person_ids(self.ctx) if self._hide() else None

    # -- persons -----------------------------------------------------------------------------
    def _persons_with_nik(self, nik: str, exclude_id: str | None = None) -> list[Person]:
        with self.ctx.db.session() as s:
            stmt = select(Person).where(Person.nik == nik, Person.deleted == False)  # noqa: E712
            return [p for p in s.exec(stmt).all() if p.id != exclude_id]

    @requires(READ)
    def similar_persons(
        self, name: str, birth_date: date, exclude_id: str | None = None
    ) -> list[PersonRow]:
        target = normalise_name(name)
        with self.ctx.db.session() as s:
            stmt = select(Person).where(
                Person.birth_date == birth_date,
                Person.deleted == False,  # noqa: E712
            )
            candidates = [p for p in s.exec(stmt).all() if p.id != exclude_id]
        hidden = self._hidden_set()
        if hidden:
            candidates = [p for p in candidates if p.id not in hidden]
        similar = [
            p.id
            for p in candidates
            if difflib.SequenceMatcher(None, target, normalise_name(p.name)).ratio() >= 0.85
        ]
        return self.person_rows_by_id(similar)

    @requires(READ)
    def get_person(self, person_id: str) -> PersonRecord:
        """One person's record (for the edit dialog); a restricted record is refused to an
        actor without RESTRICTED_VIEW and its opening logged for anyone."""
        guard_person(self.ctx, person_id, detail="ubah")
        return self._get_person(person_id)

    def _get_person(self, person_id: str) -> PersonRecord:
        with self.ctx.db.session() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise ServiceError(PERSON_NOT_FOUND)
            return _record(p)

    @requires(READ)
    def person_detail(self, person_id: str) -> PersonDetail:
        """Everything about one person. A restricted record is refused to an actor without
        RESTRICTED_VIEW (`auth.restricted_record`, logged as denied) and its opening logged for
        anyone else; restricted enrolments are left out (counted) for such an actor."""
        guard_person(self.ctx, person_id)
        record = self._get_person(person_id)
        household = None
        members: list[PersonRow] = []
        if record.household_id:
            rows = self.household_rows_by_id([record.household_id])
            household = rows[0] if rows else None
            members = self.household_members(record.household_id)
        enrolments, hidden = self._enrolments(
            person_id=person_id, household_id=record.household_id
        )
        with self.ctx.db.session() as s:
            hist = s.exec(
                select(StatusHistory)
                .where(StatusHistory.person_id == person_id)
                .order_by(StatusHistory.recorded_at)  # type: ignore[arg-type]
            ).all()
            status_history = [(h.status, h.effective_date, h.note) for h in hist]
        nik_issues = []
        if record.input.nik:
            nik_issues = self.ctx.check_nik(
                record.input.nik,
                birth_date=record.input.birth_date,
                sex=record.input.sex,
            )
        return PersonDetail(
            record=record,
            household=household,
            members=members,
            enrolments=enrolments,
            status_history=status_history,
            history=self._history(person_id),
            nik_issues=nik_issues,
            hidden_enrolments=hidden,
        )

    @requires(READ)
    def history(self, entity_id: str, limit: int = 200) -> list[HistoryEntry]:
        guard_person(self.ctx, entity_id, detail="riwayat")
        return self._history(entity_id, limit)

    def _history(self, entity_id: str, limit: int = 200) -> list[HistoryEntry]:
        rows = []
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(
                    "SELECT at, actor, op, changes, source FROM change_log WHERE entity_id = :id "
                    "ORDER BY seq DESC LIMIT :limit"
                ),
                {"id": entity_id, "limit": limit},
            )
            for at, actor, op, changes, source in result:
                fields = json.loads(changes)
                summary = ", ".join(
                    f"{k}: {_short(v[0])} → {_short(v[1])}"
                    for k, v in fields.items()
                    if k not in ("id",)
                )
                if source:
                    summary = f"[{source}] {summary}"
                rows.append(HistoryEntry(str(at)[:19], actor, op, summary))
        return rows

    # -- households --------------------------------------------------------------------------
    @requires(READ)
    def household_detail(self, household_id: str) -> HouseholdDetail:
        rows = self.household_rows_by_id([household_id])
        if not rows:
            raise ServiceError(HOUSEHOLD_NOT_FOUND)
        enrolments, hidden = self._enrolments(household_id=household_id)
        with self.ctx.db.session() as s:
            h = s.get(Household, household_id)
            assert h is not None
            hist = s.exec(
                select(KkHistory)
                .where(KkHistory.household_id == household_id)
                .order_by(KkHistory.recorded_at)  # type: ignore[arg-type]
            ).all()
            inp = HouseholdInput(h.kk_number, h.street, h.rt, h.rw, h.kelurahan_code)
            head = h.head_person_id
        return HouseholdDetail(
            row=rows[0],
            input=inp,
            head_person_id=head,
            members=self.household_members(household_id),
            kk_history=[(k.kk_number, k.valid_from, k.valid_to, k.reason) for k in hist],
            enrolments=enrolments,
            hidden_enrolments=hidden,
            hidden_members=self._hidden_members(household_id),
        )

    @requires(READ)
    def household_members(self, household_id: str) -> list[PersonRow]:
        """The household's live members; restricted ones left out for an actor without
        RESTRICTED_VIEW (see `HouseholdDetail.hidden_members`)."""
        hide = self._hide()
        restricted = f" AND person.id NOT IN {RESTRICTED_PERSONS_SQL}" if hide else ""
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(
                    PERSON_SELECT + " WHERE person.household_id = :hid AND person.deleted = 0"
                    + restricted
                    + " ORDER BY person.relation = 'kepala' DESC, person.birth_date"
                ),
                {"hid": household_id},
            )
            return [_person_row(m, hide) for m in result]

    @requires(READ)
    def relations(self, person_ids: Sequence[str]) -> dict[str, str | None]:
        """Each person's relation in their household (SHDK), for a members list: no opening of
        the records (nothing logged); restricted persons left out for an actor who may not see
        them."""
        hidden = self._hidden_set() or frozenset()
        wanted = [p for p in person_ids if p not in hidden]
        if not wanted:
            return {}
        with self.ctx.db.session() as s:
            rows = s.exec(
                select(Person.id, Person.relation).where(col(Person.id).in_(wanted))
            ).all()
        return {pid: relation for pid, relation in rows}

    def _hidden_members(self, household_id: str) -> int:
        if not self._hide():
            return 0
        with self.ctx.db.engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM person WHERE household_id = :hid AND deleted = 0"
                        f" AND id IN {RESTRICTED_PERSONS_SQL}"
                    ),
                    {"hid": household_id},
                ).scalar_one()
            )

    # -- enrolments --------------------------------------------------------------------------
    def _enrolments(
        self, *, person_id: str | None = None, household_id: str | None = None
    ) -> tuple[list[EnrolmentView], int]:
        """The enrolments the actor may see, and how many restricted ones were left out."""
        hide = self._hide()
        with self.ctx.db.session() as s:
            conds: list[ColumnElement[bool]] = []
            if person_id:
                conds.append(col(Enrolment.person_id) == person_id)
            if household_id:
                conds.append(col(Enrolment.household_id) == household_id)
            if not conds:
                return [], 0
            stmt = (
                select(Enrolment)
                .where(or_(*conds), Enrolment.deleted == False)  # noqa: E712
                .order_by(Enrolment.start_date)  # type: ignore[arg-type]
            )
            rows = [e for e in s.exec(stmt).all()]
            shown = [e for e in rows if not (hide and is_restricted_program(e.program_code))]
            views = [
                EnrolmentView(
                    id=e.id,
                    program_code=e.program_code,
                    program_name=PROGRAMS[e.program_code].name
                    if e.program_code in PROGRAMS
                    else e.program_code,
                    start_date=e.start_date,
                    end_date=e.end_date,
                    end_reason=e.end_reason,
                    details=json.loads(e.details or "{}"),
                    via_household=e.household_id is not None,
                )
                for e in shown
            ]
            return views, len(rows) - len(shown)

    # -- search and lazy listing -------------------------------------------------------------
    @requires(READ)
    def person_ids(self, flt: PersonFilter) -> list[int]:
        """Row keys of every matching person, in display order; rows are fetched per page.

        Without a search text the list is ordered by name (an index walk). With one, matches come
        in registration order, at most `flt.max_matches` of them: sorting or even collecting tens
        of thousands of matches on every keystroke would cost more than the whole search budget.
        """
        with self.ctx.db.plain() as conn:
            return self._person_ids(conn, flt, flt.max_matches)

    def _person_ids(
        self, conn: driver.Connection, flt: PersonFilter, limit: int | None
    ) -> list[int]:
        # The plain sqlite3 cursor: per keystroke, SQLAlchemy's result handling cost about as
        # much as SQLite's own work (issue 17).
        query = normalise_search(flt.query)
        # Listing everything by name: restricted records are dropped here rather than by SQL
        # (a set lookup per key; a NOT IN per row made listing a city 40% slower).
        hidden = None if query else self._hidden_rowids()
        # A list without search text is never cut (the lazy model holds every key).
        sql, params = self._person_sql(
            conn, flt, search.rowid_column(), "", limit if query else None, exclude=hidden is None
        )
        if hidden:
            return [r[0] for r in conn.execute(sql, params) if r[0] not in hidden]
        return [r[0] for r in conn.execute(sql, params)]

    def _person_sql(
        self,
        conn: driver.Connection,
        flt: PersonFilter,
        columns: str,
        joins: str,
        limit: int | None,
        *,
        exclude: bool = True,
    ) -> tuple[str, dict[str, Any]]:
        """The statement listing `columns` of the persons matching `flt`: with a search text in
        registration order (the index drives, so a LIMIT stops early), without one by name.
        `joins` are LEFT JOINs the columns need; `exclude=False`: restricted records are left
        to the caller."""
        query = normalise_search(flt.query)
        where, params = self._person_where(flt, with_text=False, exclude=exclude)
        if query:
            search.prepare_plain(conn)  # once per statement: the search's page cache
            source, text_where, text_params = search.person_source(conn, query)
            params.update(text_params)
            sql = f"SELECT {columns} FROM {source}{joins} WHERE {text_where} AND {where}"
        else:
            sql = f"SELECT {columns} FROM person{joins} WHERE {where} ORDER BY person.name"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return sql, params

    @requires(READ)
    def search_page(self, flt: PersonFilter, page: int = SEARCH_PAGE) -> PersonPage:
        """What a keystroke needs: the first `page` matching persons as rows, and whether there
        are more. One plain connection and one statement: the search reads the page's columns
        itself (`page + 1` rows, the last only to say "more"). The full list (`person_ids`),
        its count (`count_persons`) and, for an actor without RESTRICTED_VIEW, how many
        restricted records were left out (`count_hidden`) can follow off the keystroke. A
        search without text lists by name, as `person_ids` does; restricted records are never
        among the rows of an actor who may not see them."""
        hide = self._hide()
        with self.ctx.db.plain() as conn:
            if not normalise_search(flt.query):  # with a text, _person_sql prepares it
                search.prepare_plain(conn)
            sql, params = self._person_sql(conn, flt, _PAGE_COLUMNS, _PAGE_JOINS, page + 1)
            rows = [_plain_person_row(m, hide) for m in conn.execute(sql, params)]
        return PersonPage(rows[:page], len(rows) > page)

    @requires(READ)
    def count_hidden(self, flt: PersonFilter) -> int:
        """How many restricted records match `flt` but are not shown to this actor (0 for an
        actor with RESTRICTED_VIEW): the list says "N data terbatas tidak ditampilkan". The
        restricted rowids drive; costs about what the search itself does (off the keystroke,
        like `count_persons`)."""
        if not self._hide():
            return 0
        with self.ctx.db.plain() as conn:
            search.prepare_plain(conn)
            return self._count(conn, flt, restricted_only=True)

    def _count(
        self, conn: driver.Connection, flt: PersonFilter, *, restricted_only: bool = False
    ) -> int:
        where, params = self._person_where(flt, restricted_only=restricted_only)
        return int(conn.execute(f"SELECT count(*) FROM person WHERE {where}", params).fetchone()[0])

    @requires(READ)
    def count_persons(self, flt: PersonFilter) -> int:
        where, params = self._person_where(flt)
        with self.ctx.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM person WHERE {where}", params
                ).scalar_one()
            )

    def _person_where(
        self,
        flt: PersonFilter,
        with_text: bool = True,
        *,
        restricted_only: bool = False,
        exclude: bool = True,
    ) -> tuple[str, dict[str, Any]]:
        """The WHERE of a person list: an actor without RESTRICTED_VIEW never matches a
        restricted record (`restricted_only`: only those, to count what is hidden;
        `exclude=False`: the caller drops them itself)."""
        conds = ["person.deleted = 0"]
        if restricted_only or (exclude and self._hide()):
            # The cached rowid list: per row an integer lookup, where the subquery over text
            # ids made listing a city by name five times slower.
            restricted = restricted_rowid_list(self.ctx)
            if restricted_only:
                conds.append(f"person.rowid IN {restricted}" if restricted else "0")
            elif restricted:
                conds.append(f"person.rowid NOT IN {restricted}")
        params: dict[str, Any] = {}
        query = normalise_search(flt.query) if with_text else ""
        if query:
            clause, p = search.match_clause(query)
            conds.append(clause)
            params.update(p)
        if flt.status:
            conds.append("person.status = :status")
            params["status"] = flt.status
        _region_filter("person", flt, conds, params)
        if flt.program_code:
            # Uncorrelated IN lists, evaluated once: a correlated EXISTS let SQLite (without
            # statistics) walk the program_code index for every person, 7,700 Rastrada rows
            # times 160,000 persons (minutes). tests/storage/test_list_indexes.py checks the plan.
            conds.append(
                "(person.id IN (SELECT e.person_id FROM enrolment e WHERE e.program_code = :prog"
                " AND e.end_date IS NULL AND e.deleted = 0 AND e.person_id IS NOT NULL)"
                " OR person.household_id IN (SELECT e.household_id FROM enrolment e"
                " WHERE e.program_code = :prog AND e.end_date IS NULL AND e.deleted = 0"
                " AND e.household_id IS NOT NULL))"
            )
            params["prog"] = flt.program_code
        # exec_driver_sql takes the DBAPI's named style, which for sqlite3 is :name.
        return " AND ".join(conds), params

    @requires(READ)
    def person_rows(self, rowids: Sequence[int]) -> list[PersonRow]:
        """Rows for the given keys, in the given order (missing keys are skipped). The person
        lists follow a search, so their connection gets the search page cache."""
        with self.ctx.db.plain() as conn:
            search.prepare_plain(conn)
            return _person_rows_plain(conn, rowids, self._hidden_rowids())

    @requires(READ)
    def person_rows_by_id(self, ids: Sequence[str]) -> list[PersonRow]:
        hidden = self._hidden_set()
        if hidden is None:
            return self._rows_by_id(PERSON_SELECT, "person", ids, _person_row)
        shown = [i for i in ids if i not in hidden]
        return self._rows_by_id(PERSON_SELECT, "person", shown, lambda m: _person_row(m, True))

    def _rows_by_rowid(
        self,
        select_sql: str,
        table: str,
        rowids: Sequence[int],
        make: Callable[[Any], _Row],
        *,
        search_cache: bool = False,
    ) -> list[_Row]:
        """`make(m)` for each row of `select_sql` whose `table.rowid` is in `rowids`, in the
        order of `rowids` (missing keys are skipped). The person lists follow a search, so
        their connection gets the search page cache."""
        if not rowids:
            return []
        # Integers only, so inlining them is safe and avoids SQLite's bound-parameter limit.
        keys = ",".join(str(int(r)) for r in rowids)
        sql = f"{select_sql} WHERE {table}.rowid IN ({keys})"
        with self.ctx.db.engine.connect() as conn:
            if search_cache:
                search.prepare_connection(conn)
            by_key = {m.rowid: make(m) for m in conn.exec_driver_sql(sql)}
        return [by_key[r] for r in rowids if r in by_key]

    def _rows_by_id(
        self, select_sql: str, table: str, ids: Sequence[str], make: Callable[[Any], _Row]
    ) -> list[_Row]:
        """`make(m)` for each row of `select_sql` whose `table.id` is in `ids`."""
        if not ids:
            return []
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(f"{select_sql} WHERE {table}.id IN :ids").bindparams(_expanding("ids")),
                {"ids": list(ids)},
            )
            return [make(m) for m in result]

    @requires(READ)
    def household_ids(self, flt: PersonFilter) -> list[int]:
        conds = ["household.deleted = 0"]
        params: dict[str, Any] = {}
        query = normalise_search(flt.query)
        if query:
            clause, p = search.match_clause(query)
            restricted = restricted_rowid_list(self.ctx) if self._hide() else None
            if restricted:
                # A restricted member's name must not find (and so reveal) their household.
                clause += f" AND person.rowid NOT IN {restricted}"
            conds.append(
                "household.id IN (SELECT person.household_id FROM person WHERE " + clause + ")"
            )
            params.update(p)
        _region_filter("household", flt, conds, params)
        if flt.program_code:
            conds.append(
                "household.id IN (SELECT e.household_id FROM enrolment e"
                " WHERE e.program_code = :prog AND e.end_date IS NULL AND e.deleted = 0"
                " AND e.household_id IS NOT NULL)"
            )
            params["prog"] = flt.program_code
        sql = "SELECT household.rowid FROM household WHERE " + " AND ".join(conds)
        if not query:
            sql += " ORDER BY household.kk_number"
        with self.ctx.db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(sql, params)]

    @requires(READ)
    def household_rows(self, rowids: Sequence[int]) -> list[HouseholdRow]:
        hidden = self._hidden_set()
        return self._rows_by_rowid(
            HOUSEHOLD_SELECT, "household", rowids, lambda m: _household_row(m, hidden)
        )

    @requires(READ)
    def household_rows_by_id(self, ids: Sequence[str]) -> list[HouseholdRow]:
        hidden = self._hidden_set()
        return self._rows_by_id(
            HOUSEHOLD_SELECT, "household", ids, lambda m: _household_row(m, hidden)
        )

    @requires(READ)
    def find_household_by_kk(self, kk_number: str) -> HouseholdRow | None:
        kk = clean_number(kk_number)
        with self.ctx.db.session() as s:
            h = s.exec(
                select(Household).where(
                    Household.kk_number == kk,
                    Household.deleted == False,  # noqa: E712
                )
            ).first()
        if h is None:
            return None
        return self.household_rows_by_id([h.id])[0]

    @requires(READ)
    def find_person_by_nik(self, nik: str) -> PersonRow | None:
        people = self._persons_with_nik(clean_number(nik))
        rows = self.person_rows_by_id([people[0].id]) if people else []
        return rows[0] if rows else None

    # -- reference lists ---------------------------------------------------------------------
    def kecamatan_options(self) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.ctx.regions.kecamatan()]

    def kelurahan_options(self, kecamatan_code: str | None = None) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.ctx.regions.kelurahan(kecamatan_code)]

    def program_options(self) -> list[tuple[str, str]]:
        return [(p.code, p.name) for p in PROGRAMS.values()]


def _region_filter(table: str, flt: PersonFilter, conds: list[str], params: dict[str, Any]) -> None:
    """Narrow `table` (person or household) to the filter's kelurahan, else its kecamatan."""
    if flt.kelurahan_code:
        conds.append(f"{table}.kelurahan_code = :kel")
        params["kel"] = flt.kelurahan_code
    elif flt.kecamatan_code:
        conds.append(f"{table}.kelurahan_code LIKE :kec")
        params["kec"] = flt.kecamatan_code + ".%"


def _expanding(name: str) -> Any:
    return bindparam(name, expanding=True)


def _short(value: Any) -> str:
    text_value = "∅" if value is None else str(value)
    return text_value if len(text_value) <= 40 else text_value[:37] + "…"


def _record(p: Person) -> PersonRecord:
    return PersonRecord(
        id=p.id,
        input=PersonInput(
            name=p.name,
            sex=p.sex,
            nik=p.nik,
            birth_place=p.birth_place,
            birth_date=p.birth_date,
            street=p.street,
            rt=p.rt,
            rw=p.rw,
            kelurahan_code=p.kelurahan_code,
            phone=p.phone,
            notes=p.notes,
        ),
        household_id=p.household_id,
        relation=p.relation,
        status=p.status,
        status_date=p.status_date,
    )
