"""Registry reads: lists for the lazy table models, search, details of one person or household.

Lists are fetched by rowid so the GUI's models can hold only keys and read rows a page at a time.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import bindparam, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from desktop_app.domain.nik import clean_number
from desktop_app.domain.people import format_address, normalise_name, program_names
from desktop_app.domain.programs import PROGRAMS
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.values import as_date
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

HOUSEHOLD_SELECT = """
SELECT household.rowid AS rowid, household.id, household.kk_number, head.name AS head_name,
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


def _person_row(m: Any) -> PersonRow:
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
        programs=program_names(m.programs),
    )


def _person_rows_plain(conn: driver.Connection, rowids: Sequence[int]) -> list[PersonRow]:
    """`person_rows` on a plain sqlite3 connection: tuples in PERSON_SELECT's column order."""
    if not rowids:
        return []
    # Integers only, so inlining them is safe and avoids SQLite's bound-parameter limit.
    keys = ",".join(str(int(r)) for r in rowids)
    by_key = {}
    for m in conn.execute(f"{PERSON_SELECT} WHERE person.rowid IN ({keys})"):
        rowid, pid, nik, name, sex, birth, street, rt, rw, kel, kec, kk, status, programs = m
        by_key[rowid] = PersonRow(
            rowid=rowid,
            id=pid,
            nik=nik,
            name=name,
            sex=sex,
            birth_date=as_date(birth),
            address=format_address(street, rt, rw),
            kelurahan=kel or "",
            kecamatan=kec or "",
            kk_number=kk,
            status=status,
            programs=program_names(programs),
        )
    return [by_key[r] for r in rowids if r in by_key]


@dataclass(frozen=True)
class PersonPage:
    """The first page of a search: its rows, and whether more persons match."""

    rows: list[PersonRow]
    more: bool


def _household_row(m: Any) -> HouseholdRow:
    return HouseholdRow(
        rowid=m.rowid,
        id=m.id,
        kk_number=m.kk_number,
        head_name=m.head_name,
        head_nik=m.head_nik,
        address=format_address(m.street, m.rt, m.rw),
        kelurahan=m.kelurahan or "",
        kecamatan=m.kecamatan or "",
        members=m.members,
        programs=program_names(m.programs),
    )


class RegistryReads:
    """The read side of `RegistryService`; the write mixins build on it."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- persons -----------------------------------------------------------------------------
    def _persons_with_nik(self, nik: str, exclude_id: str | None = None) -> list[Person]:
        with self.ctx.db.session() as s:
            stmt = select(Person).where(Person.nik == nik, Person.deleted == False)  # noqa: E712
            return [p for p in s.exec(stmt).all() if p.id != exclude_id]

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
        similar = [
            p.id
            for p in candidates
            if difflib.SequenceMatcher(None, target, normalise_name(p.name)).ratio() >= 0.85
        ]
        return self.person_rows_by_id(similar)

    def get_person(self, person_id: str) -> PersonRecord:
        with self.ctx.db.session() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise ServiceError(PERSON_NOT_FOUND)
            return _record(p)

    def person_detail(self, person_id: str) -> PersonDetail:
        record = self.get_person(person_id)
        household = None
        members: list[PersonRow] = []
        if record.household_id:
            rows = self.household_rows_by_id([record.household_id])
            household = rows[0] if rows else None
            members = self.household_members(record.household_id)
        enrolments = self._enrolments(person_id=person_id, household_id=record.household_id)
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
            history=self.history(person_id),
            nik_issues=nik_issues,
        )

    def history(self, entity_id: str, limit: int = 200) -> list[HistoryEntry]:
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
    def household_detail(self, household_id: str) -> HouseholdDetail:
        rows = self.household_rows_by_id([household_id])
        if not rows:
            raise ServiceError(HOUSEHOLD_NOT_FOUND)
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
            enrolments=self._enrolments(household_id=household_id),
        )

    def household_members(self, household_id: str) -> list[PersonRow]:
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(
                    PERSON_SELECT + " WHERE person.household_id = :hid AND person.deleted = 0"
                    " ORDER BY person.relation = 'kepala' DESC, person.birth_date"
                ),
                {"hid": household_id},
            )
            return [_person_row(m) for m in result]

    # -- enrolments --------------------------------------------------------------------------
    def _enrolments(
        self, *, person_id: str | None = None, household_id: str | None = None
    ) -> list[EnrolmentView]:
        with self.ctx.db.session() as s:
            conds: list[ColumnElement[bool]] = []
            if person_id:
                conds.append(col(Enrolment.person_id) == person_id)
            if household_id:
                conds.append(col(Enrolment.household_id) == household_id)
            if not conds:
                return []
            stmt = (
                select(Enrolment)
                .where(or_(*conds), Enrolment.deleted == False)  # noqa: E712
                .order_by(Enrolment.start_date)  # type: ignore[arg-type]
            )
            return [
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
                for e in s.exec(stmt).all()
            ]

    # -- search and lazy listing -------------------------------------------------------------
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
        where, params = self._person_where(flt, with_text=False)
        query = normalise_search(flt.query)
        if query:
            source, text_where, text_params = search.person_source(conn, query)
            params.update(text_params)
            sql = f"SELECT {search.rowid_column()} FROM {source} WHERE {text_where} AND {where}"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
        else:
            sql = f"SELECT {search.rowid_column()} FROM person WHERE {where} ORDER BY person.name"
        return [r[0] for r in conn.execute(sql, params)]

    def search_page(self, flt: PersonFilter, page: int = SEARCH_PAGE) -> PersonPage:
        """What a keystroke needs: the first `page` matching persons as rows, and whether there
        are more. One plain connection, `page + 1` keys, one read of rows; the full list
        (`person_ids`) and its count (`count_persons`) can follow off the keystroke.
        A search without text lists by name, as `person_ids` does."""
        with self.ctx.db.plain() as conn:
            search.prepare_plain(conn)
            ids = self._person_ids(conn, flt, page + 1)
            rows = _person_rows_plain(conn, ids[:page])
        return PersonPage(rows, len(ids) > page)

    def count_persons(self, flt: PersonFilter) -> int:
        where, params = self._person_where(flt)
        with self.ctx.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM person WHERE {where}", params
                ).scalar_one()
            )

    def _person_where(
        self, flt: PersonFilter, with_text: bool = True
    ) -> tuple[str, dict[str, Any]]:
        conds = ["person.deleted = 0"]
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

    def person_rows(self, rowids: Sequence[int]) -> list[PersonRow]:
        """Rows for the given keys, in the given order (missing keys are skipped). The person
        lists follow a search, so their connection gets the search page cache."""
        with self.ctx.db.plain() as conn:
            search.prepare_plain(conn)
            return _person_rows_plain(conn, rowids)

    def person_rows_by_id(self, ids: Sequence[str]) -> list[PersonRow]:
        return self._rows_by_id(PERSON_SELECT, "person", ids, _person_row)

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

    def household_ids(self, flt: PersonFilter) -> list[int]:
        conds = ["household.deleted = 0"]
        params: dict[str, Any] = {}
        query = normalise_search(flt.query)
        if query:
            clause, p = search.match_clause(query)
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

    def household_rows(self, rowids: Sequence[int]) -> list[HouseholdRow]:
        return self._rows_by_rowid(HOUSEHOLD_SELECT, "household", rowids, _household_row)

    def household_rows_by_id(self, ids: Sequence[str]) -> list[HouseholdRow]:
        return self._rows_by_id(HOUSEHOLD_SELECT, "household", ids, _household_row)

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

    def find_person_by_nik(self, nik: str) -> PersonRow | None:
        people = self._persons_with_nik(clean_number(nik))
        return self.person_rows_by_id([people[0].id])[0] if people else None

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
