"""Nothing reads the change log by batch: migration 14 dropped the batch_id index, so a unit of
work must know what it changed without reading its batch back (a scan of the whole log)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

from desktop_app.services.bulk import bulk_insert
from desktop_app.services.context import AppContext
from desktop_app.storage import migrations
from tests.sync.conftest import Field

_BY_BATCH = re.compile(r"\bbatch_id\s*=", re.IGNORECASE)


@contextmanager
def batch_reads(ctx: AppContext) -> Iterator[list[str]]:
    """The SELECT statements of `ctx`'s engine that look change-log rows up by batch."""
    seen: list[str] = []

    def before(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and _BY_BATCH.search(statement):
            seen.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", before)


def _with_phone(field: Field, phone: str):  # type: ignore[no-untyped-def]
    inp = field.lap.registry.get_person(field.people[0][0]).input
    inp.phone = phone
    return inp


def test_export_and_import_of_bundles_read_nothing_by_batch(field: Field) -> None:
    with batch_reads(field.lap.ctx) as lap_reads, batch_reads(field.office.ctx) as office_reads:
        field.lap.registry.update_person(field.people[0][0], _with_phone(field, "0812"))
        bundle = field.lap.sync.export(field.tmp / "ret.bdl").path
        field.office.sync.import_bundle(bundle)
        field.office.sync.export(field.tmp / "out.bdl", to_device=field.lap.ctx.device.id)
    assert lap_reads == [] and office_reads == []


def test_export_still_saves_the_clock_it_stamped_the_bundle_with(field: Field) -> None:
    """The export reads the clock instead of taking an unlogged stamp; the reading is still
    persisted with its transaction, so a restart cannot issue a smaller timestamp."""
    import json

    from desktop_app.services.context import HLC_KEY
    from desktop_app.storage.models import Setting

    field.lap.sync.export(field.tmp / "ret.bdl")
    newest = field.lap.ctx.hlc.last
    assert newest is not None
    with field.lap.ctx.db.session() as s:
        saved = s.get(Setting, HLC_KEY)
    assert saved is not None and json.loads(saved.value) == newest.encode()


def test_bulk_writes_read_nothing_by_batch(ctx: AppContext) -> None:
    now = ctx.clock.now()
    rows = [
        {"id": f"p{i}", "name": f"Orang {i}", "sex": "L", "birth_date": date(1970, 1, 1 + i),
         "status": "aktif", "deleted": False, "created_at": now, "updated_at": now}
        for i in range(3)
    ]  # fmt: skip
    heard = []
    ctx.subscribe(heard.append)
    with batch_reads(ctx) as reads, ctx.unit_of_work() as uow:
        bulk_insert(uow, "person", rows)
    assert reads == []
    assert heard and heard[0].created_ids("person") == {"p0", "p1", "p2"}


def test_change_log_has_no_batch_index_fresh_or_migrated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(tmp_path / "old.sqlite")
    migrations.upgrade(conn, 0, 13)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_change_log_batch_id" in names
    migrations.upgrade(conn, 13)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ix_change_log_batch_id" not in names
    assert "ix_change_log_device_id" in names and "ix_change_log_entity_id" in names
    conn.close()
