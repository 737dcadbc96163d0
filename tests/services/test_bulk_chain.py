"""Bulk writes hash their change-log rows in Python (services/bulk.py, chain.chain_rows): the
chain must be the one the trigger would have built, whatever is written around them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_app.services.bulk import bulk_insert, bulk_update
from desktop_app.services.context import AppContext
from desktop_app.services.health import check_database
from desktop_app.services.importing import ImportCancelled, ImportKind, ImportOptions, ImportService
from desktop_app.services.registry import PersonInput, RegistryService
from desktop_app.storage import chain
from tests.helpers import make_nik
from tests.services.import_files import HEADER, person_row, xlsx

BORN = date(1960, 1, 12)


def _import(ctx: AppContext, path: Path, **options: Any) -> None:
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions(**options))
    try:
        assert svc.commit(prepared, accept_valid=True).committed
    finally:
        prepared.close()


def _chain(ctx: AppContext) -> list[tuple[Any, ...]]:
    with ctx.db.engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT seq, device_id, prev_hash, hash FROM change_log ORDER BY seq"
            ).all()
        )


def _assert_chain_is_the_triggers(ctx: AppContext) -> None:
    """Every entry verifies, and re-chaining the whole log from nothing (what the trigger and
    migration step 11 compute) gives byte-identical hashes."""
    stored = _chain(ctx)
    assert stored and all(row[3] for row in stored)
    with ctx.db.engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        assert chain.verify_device(dbapi, ctx.device.id, own=True) is None
        conn.exec_driver_sql("UPDATE change_log SET prev_hash = NULL, hash = NULL")
        assert chain.chain_existing(dbapi) == len(stored)
        again = list(
            conn.exec_driver_sql(
                "SELECT seq, device_id, prev_hash, hash FROM change_log ORDER BY seq"
            ).all()
        )
        conn.rollback()
    assert again == stored


def _persons(first: int, count: int, kk: int) -> list[list[Any]]:
    return [
        person_row(i, BORN, serial=i, kk_serial=kk + (i - first) // 3,
                   relation="KEPALA KELUARGA" if (i - first) % 3 == 0 else "ANAK")
        for i in range(first, first + count)
    ]  # fmt: skip


def test_import_mixed_with_ordinary_writes_chains_like_the_trigger(
    ctx: AppContext, tmp_path: Path
) -> None:
    reg = RegistryService(ctx)
    reg.create_person(PersonInput(name="SEBELUM IMPOR", sex="L", birth_date=BORN))
    _import(ctx, xlsx(tmp_path / "a.xlsx", [HEADER, *_persons(1, 12, 1)]), kind="households")
    reg.create_person(PersonInput(name="DI ANTARA", sex="P", birth_date=BORN))
    # The same people again with other names and streets: bulk updates of persons and households.
    changed = [row[:3] + [f"NAMA BARU {row[0]}"] + row[4:7] + ["JL. BARU"] + row[8:]
               for row in _persons(1, 12, 1)]  # fmt: skip
    _import(ctx, xlsx(tmp_path / "b.xlsx", [HEADER, *changed]), kind=ImportKind.HOUSEHOLDS)
    reg.create_person(PersonInput(name="SESUDAH IMPOR", sex="L", birth_date=BORN))
    with ctx.db.engine.connect() as conn:
        ops = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT op FROM change_log")}
    assert {"create", "update"} <= ops
    _assert_chain_is_the_triggers(ctx)
    report = check_database(ctx.db.path)
    assert report.exit_code == 0, report.problems
    assert report.chain_break is None


def test_bulk_rows_between_entries_of_the_same_unit_of_work(ctx: AppContext) -> None:
    """ORM entries pending in the session are flushed after the bulk rows: the trigger links
    them to the last bulk row, which has the highest seq so far."""
    with ctx.unit_of_work(source="uji") as w:
        w.log("setting", "a", "update", {"x": [None, 1]})
        rows = [
            {"id": f"p{i}", "nik": make_nik(BORN, "L", i), "name": f"ORANG {i}", "sex": "L"}
            for i in range(1, 6)
        ]
        bulk_insert(w, "person", rows)
        w.session.flush()
        w.log("setting", "b", "update", {"x": [1, 2]})
        bulk_update(w, "person", [("p1", {"name": "ORANG SATU"}, {"name": "ORANG 1"})])
        w.log("setting", "c", "update", {"x": [2, 3]})
    assert len(_chain(ctx)) == 9
    _assert_chain_is_the_triggers(ctx)


def test_a_cancelled_import_leaves_the_chain_as_it_was(ctx: AppContext, tmp_path: Path) -> None:
    reg = RegistryService(ctx)
    reg.create_person(PersonInput(name="SEBELUM", sex="L", birth_date=BORN))
    before = _chain(ctx)
    checks: list[int] = []

    def cancelled() -> bool:
        checks.append(1)
        return len(checks) > 3  # reading is done; cancel while writing

    svc = ImportService(ctx)
    prepared = svc.prepare(xlsx(tmp_path / "c.xlsx", [HEADER, *_persons(1, 30, 1)]))
    with pytest.raises(ImportCancelled):
        svc.commit(prepared, cancelled=cancelled)
    prepared.close()
    assert _chain(ctx) == before
    reg.create_person(PersonInput(name="SESUDAH", sex="P", birth_date=BORN))
    _import(ctx, xlsx(tmp_path / "d.xlsx", [HEADER, *_persons(40, 5, 20)]))
    _assert_chain_is_the_triggers(ctx)


def test_chain_rows_refuses_another_devices_row(ctx: AppContext) -> None:
    with ctx.db.engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        assert chain.chain_head(dbapi, "nobody") == chain.GENESIS
        row = ("id", "hlc", "other", "a", "2026-11-20 00:00:00.000000", "e", "x", "op", "{}",
               None, None)  # fmt: skip
        with pytest.raises(ValueError):
            chain.chain_rows(dbapi, "mine", [row])
        (linked,) = chain.chain_rows(dbapi, "other", [row])
        assert linked[-2] == chain.GENESIS and linked[-1] == chain.row_hash(row, chain.GENESIS)


def test_creation_json_is_the_encoders_text() -> None:
    from datetime import datetime
    from enum import IntEnum, StrEnum

    from desktop_app.services.bulk import _creation_dumps, creation_json

    class Kind(StrEnum):
        A = "a"

    class Level(IntEnum):
        ONE = 1

    rows = [
        {"id": "x", "name": 'AGUS "GUS" SANTOSO', "nik": "3572011201600001", "rt": None,
         "deleted": False, "birth_date": date(1960, 1, 12), "n": 3, "f": 1.5, "hlc": "h",
         "created_at": datetime(2026, 11, 20, 8, 30), "notes": "baris\nbaru \\ ü ñ 中 \x01"},
        {"id": "y", "name": "", "nik": None, "rt": "001", "deleted": True,
         "birth_date": datetime(2026, 1, 2, 3, 4, 5, 6), "n": Level.ONE, "f": float("nan"),
         "hlc": None, "created_at": None, "notes": Kind.A},
        {"id": "z", "name": None, "nik": None, "rt": None, "deleted": None, "birth_date": None,
         "n": -10**20, "f": None, "hlc": "h", "created_at": None, "notes": {"b": [1, None]}},
    ]  # fmt: skip
    keys = list(rows[0])
    write = creation_json(keys)
    for row in rows:
        assert write([row[k] for k in keys]) == _creation_dumps(row)
    assert write([None] * len(keys)) == "{}" == _creation_dumps(dict.fromkeys(keys))
