"""The registry's lists stay index-driven (query plans, not timings).

A city registry has 160,000 persons: the default list must read its keys from an index alone, and
no "deleted = 0" condition may lure SQLite into scanning every person for one household.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from desktop_app.services.context import AppContext
from desktop_app.services.registry import _HOUSEHOLD_SELECT, _PERSON_SELECT


def plan(ctx: AppContext, sql: str) -> str:
    conn = sqlite3.connect(ctx.db.path)
    try:
        return " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    finally:
        conn.close()


def test_default_person_list_reads_only_the_index(ctx: AppContext) -> None:
    sql = "SELECT person.rowid FROM person WHERE person.deleted = 0 ORDER BY person.name"
    assert "COVERING INDEX ix_person_live_name" in plan(ctx, sql)


def test_default_household_list_reads_only_the_index(ctx: AppContext) -> None:
    sql = (
        "SELECT household.rowid FROM household WHERE household.deleted = 0 "
        "ORDER BY household.kk_number"
    )
    assert "COVERING INDEX ix_household_live_kk_number" in plan(ctx, sql)


def test_household_rows_count_members_by_household_index(ctx: AppContext) -> None:
    text = plan(ctx, _HOUSEHOLD_SELECT + " WHERE household.rowid IN (1, 2, 3)")
    assert "SEARCH m USING INDEX ix_person_household_id" in text
    assert "SCAN m" not in text


def test_household_members_use_the_household_index(ctx: AppContext) -> None:
    text = plan(ctx, _PERSON_SELECT + " WHERE person.household_id = 'x' AND person.deleted = 0")
    assert text.startswith("SEARCH person USING INDEX ix_person_household_id")


def test_program_filter_reads_the_enrolments_once(ctx: AppContext) -> None:
    from desktop_app.services.registry import PersonFilter, RegistryService

    service = RegistryService(ctx)
    captured: list[str] = []
    real = ctx.db.engine.connect

    class Spy:
        def __init__(self, conn):
            self.conn = conn

        def __enter__(self):
            self.inner = self.conn.__enter__()
            return self

        def __exit__(self, *exc):
            return self.conn.__exit__(*exc)

        def exec_driver_sql(self, sql, params=None):
            captured.append(sql)
            return self.inner.exec_driver_sql(sql, params or {})

    # The person list runs on the plain sqlite3 connection (Database.plain), the household
    # list through SQLAlchemy: spy on both.
    real_plain = ctx.db.plain

    class PlainSpy:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, params=()):
            captured.append(sql)
            return self.conn.execute(sql, params)

    @contextmanager
    def plain_spy():
        with real_plain() as conn:
            yield PlainSpy(conn)

    ctx.db.engine.connect = lambda: Spy(real())  # type: ignore[method-assign]
    ctx.db.plain = plain_spy  # type: ignore[method-assign]
    try:
        service.person_ids(PersonFilter(program_code="RASTRADA"))
        service.household_ids(PersonFilter(program_code="RASTRADA"))
    finally:
        ctx.db.engine.connect = real  # type: ignore[method-assign]
        ctx.db.plain = real_plain  # type: ignore[method-assign]
    assert len(captured) == 2
    for sql in captured:
        text = plan(ctx, sql.replace(":prog", "'RASTRADA'"))
        assert "CORRELATED" not in text, text
