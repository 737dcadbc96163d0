"""Fast bulk writes for demo data and large imports.

Inserting row by row through the ORM costs ~100 µs a row; tens of thousands of rows would keep a
clerk waiting. These helpers insert plain dicts with executemany inside the caller's unit of
work and still append one change-log row per entity, so bulk data is as auditable and syncable
as data typed by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Column, Table
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from desktop_app.domain.ids import new_ids
from desktop_app.services.context import UnitOfWork
from desktop_app.storage import chain, search
from desktop_app.storage.distribution_models import (
    CollectionMark,
    DistributionAssignment,
    Receipt,
    ReceiptVoid,
    RosterEntry,
)
from desktop_app.storage.models import (
    ChangeLog,
    Enrolment,
    Household,
    KkHistory,
    Person,
    StatusHistory,
)

ENTITY_TABLES: dict[str, type[SQLModel]] = {
    "person": Person,
    "household": Household,
    "kk_history": KkHistory,
    "enrolment": Enrolment,
    "status_history": StatusHistory,
    "distribution_assignment": DistributionAssignment,
    "distribution_roster": RosterEntry,
    "distribution_receipt": Receipt,
    "distribution_receipt_void": ReceiptVoid,
    "distribution_mark": CollectionMark,
}

_SKIP_IN_LOG = ("hlc", "created_at", "updated_at")

# Page cache for bulk writes, in KiB. SQLite's default (2 MB) holds the person table's seven
# B-trees for a few thousand rows only; beyond that every insert reads index pages back from the
# operating system and the cost per row grows with the registry (66 -> 73 us a row between
# 10,000 and 160,000 rows). The cache is a ceiling, filled only as pages are touched, and is set
# back when the bulk work ends. 16 MB measured 11.8 -> 11.3 s CPU for a 160,000-row import;
# 64 MB gained nothing more and added 50 MB of resident memory.
BULK_CACHE_KIB = 16384


@contextmanager
def bulk_cache(conn: Connection, kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """Give the connection a larger page cache for the duration of a bulk write."""
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def bulk_insert(
    uow: UnitOfWork, entity: str, rows: Sequence[Mapping[str, Any]], op: str = "create"
) -> int:
    """Insert new entity rows (dicts of column values, `id` included) and log each as created."""
    if not rows:
        return 0
    model = ENTITY_TABLES[entity]
    now = uow.now()
    stamped = [k for k in ("created_at", "updated_at") if k in model.model_fields]
    device, actor, source, batch = uow.ctx.device.id, uow.ctx.actor, uow.source, uow.batch_id
    first_keys = list(rows[0])
    width = len(first_keys)
    # Rows with the first row's keys (an import's are all built alike) get their log JSON from
    # a template of those keys; any other row from the encoder itself.
    changes_json = creation_json(first_keys)
    get = itemgetter(*first_keys) if width > 1 else lambda r: (r[first_keys[0]],)
    prepared: list[dict[str, Any]] = []
    log_rows: list[tuple[Any, ...]] = []
    log_ids = new_ids(len(rows))
    for row, stamp, log_id in zip(rows, uow.stamps(len(rows)), log_ids, strict=True):
        full = dict(row)
        full["hlc"] = stamp
        for key in stamped:
            full.setdefault(key, now)
        prepared.append(full)
        try:
            text = changes_json(get(row)) if len(row) == width else _creation_dumps(full)
        except KeyError:  # other keys than the first row's
            text = _creation_dumps(full)
        log_rows.append(
            (log_id, stamp, device, actor, now, entity, full["id"], op, text, source, batch)
        )
    del log_ids
    conn = uow.session.connection()
    if entity == "person":
        # Index the whole batch at once: per-row FTS trigger writes are ~10x slower.
        with search.person_index_deferred(conn):
            _insert_many(conn, model.__table__, prepared)  # type: ignore[attr-defined]
    else:
        _insert_many(conn, model.__table__, prepared)  # type: ignore[attr-defined]
    insert_log_rows(conn, device, log_rows)
    # Counted here, so the unit of work's change set need not read the batch back.
    uow.logged(entity, [row[6] for row in log_rows], created=op == "create")
    return len(prepared)


# The change-log JSON of every bulk writer: sorted keys, dates as ISO text, the encoder's
# default separators (the form the unit of work's log writes too).
_DUMPS = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default).encode


def _creation_dumps(full: Mapping[str, Any]) -> str:
    """The JSON of a new row's log entry: {field: [null, value]} of its non-empty fields."""
    skip = _SKIP_IN_LOG
    return _DUMPS({k: [None, v] for k, v in full.items() if v is not None and k not in skip})


def creation_json(keys: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """`_creation_dumps` for rows given as their values in the order of `keys`.

    Byte for byte the encoder's text, without building a dict and a list per field and sorting
    them for every row (about half of bulk_insert's Python per row): the keys are sorted and
    encoded once; text, whole numbers, booleans and dates are written the way the encoder
    writes them, any other value by the encoder itself."""
    fields = [
        (index, encode_basestring(key) + ": [null, ")
        for key, index in sorted((k, i) for i, k in enumerate(keys) if k not in _SKIP_IN_LOG)
    ]

    def write(values: Sequence[Any]) -> str:
        out: list[str] = []
        for index, prefix in fields:
            value = values[index]
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                text = encode_basestring(value)
            elif kind is bool:
                text = "true" if value else "false"
            elif kind is int:
                text = int.__repr__(value)
            elif kind is date or kind is datetime:
                text = '"' + value.isoformat() + '"'
            else:
                text = _DUMPS(value)
            out.append(prefix + text + "]")
        return "{" + ", ".join(out) + "}"

    return write


_LOG_COLUMNS = chain.CHAIN_FIELDS  # a log row's values in this order, then prev_hash and hash
_CHANGE_LOG: Table = ChangeLog.__table__  # type: ignore[attr-defined]


def insert_log_rows(conn: Connection, device_id: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Append change-log rows (values in `chain.CHAIN_FIELDS` order, all of `device_id`) to the
    device's hash chain, in list order, inside the caller's transaction.

    The rows are hashed here (`chain.chain_rows`, on the values as they will be stored) and
    inserted with `prev_hash` and `hash` filled, so the chain trigger skips them: it would run an
    UPDATE with two look-ups and a call back into Python per row (50,000 rows measured 1.44 s
    CPU through the trigger, 1.12 s hashed here, insert included). Call it after the rows'
    entity writes, so the transaction already holds the write lock when the chain head is read:
    no other writer can append to the chain in between."""
    if not rows:
        return
    columns, converted = _convert(conn, _CHANGE_LOG, rows, _LOG_COLUMNS)
    dbapi = conn.connection.driver_connection  # the same connection, inside its transaction
    assert dbapi is not None
    chained = chain.chain_rows(dbapi, device_id, converted)
    del converted
    columns += [_CHANGE_LOG.c.prev_hash, _CHANGE_LOG.c.hash]
    _execute(conn, _CHANGE_LOG, columns, chained)


def _insert_many(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[tuple[Any, ...]],
    names: Sequence[str] | None = None,
) -> None:
    """executemany straight to the driver, with each column converted by its own SQLAlchemy
    type (dates and datetimes become the same text SQLAlchemy would store).

    Going through `insert(table)` builds and converts a parameter dict per row, which costs more
    than SQLite's own work. Rows are dicts (columns missing from the first row take their scalar
    default) or tuples in the order of ``names``.
    """
    columns, converted = _convert(conn, table, rows, names)
    _execute(conn, table, columns, [tuple(values) for values in converted])


def _convert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | Sequence[tuple[Any, ...]],
    names: Sequence[str] | None = None,
) -> tuple[list[Column[Any]], list[list[Any]]]:
    """The columns written and each row's values in their order, as they will be stored."""
    dialect = conn.dialect
    converted: list[list[Any]]
    if names is None:
        first = rows[0]
        assert isinstance(first, Mapping)
        present = [c.name for c in table.columns if c.name in first]
        # Columns the rows leave out take their scalar default (deleted=False, status='aktif').
        missing = [
            c for c in table.columns if c.name not in first and _scalar_default(c) is not _NONE
        ]
        defaults = [_scalar_default(c) for c in missing]
        columns = [table.columns[n] for n in present] + missing
        get = itemgetter(*present) if len(present) > 1 else lambda r: (r[present[0]],)
        try:
            converted = [[*get(row), *defaults] for row in rows]
        except KeyError:  # rows with different keys: the slow, general way
            converted = [
                [cast(Mapping[str, Any], row).get(n) for n in present] + defaults for row in rows
            ]
    else:
        columns = [table.columns[n] for n in names]
        converted = [list(row) for row in rows]
    # dialect_impl: the SQLite type's own processor (a TypeDecorator alone would hand sqlite3 a
    # datetime, which its default adapter writes in another text format).
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    for i, process in enumerate(processors):
        if process is None:
            continue
        # Timestamps of a batch are one shared object: convert it once.
        last_in: Any = _NONE
        last_out: Any = None
        for values in converted:
            value = values[i]
            if value is None:
                continue
            if value is not last_in:
                last_in, last_out = value, process(value)
            values[i] = last_out
    return columns, converted


def _execute(
    conn: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    dialect = conn.dialect
    quoted = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(
        f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})",
        rows,
    )


_NONE = object()


def _scalar_default(column: Column) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return getattr(default, "arg", _NONE)
    return _NONE


def chunked(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_update(
    uow: UnitOfWork,
    entity: str,
    updates: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]],
    op: str = "update",
) -> int:
    """Apply many field updates: ``(id, {field: new}, {field: old})`` per entity, one log row each.

    Rows that change the same set of fields share one executemany statement. Callers pass only
    fields that really change (the import's dry run has compared them already).
    """
    if not updates:
        return 0
    from sqlalchemy import bindparam, update

    model = ENTITY_TABLES[entity]
    table = model.__table__  # type: ignore[attr-defined]
    now = uow.now()
    stamped = "updated_at" in model.model_fields
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    log_rows: list[tuple[Any, ...]] = []
    device, actor, source, batch = uow.ctx.device.id, uow.ctx.actor, uow.source, uow.batch_id
    log_ids = iter(new_ids(sum(1 for u in updates if u[1])))
    for entity_id, changes, before in updates:
        if not changes:
            continue
        stamp = uow.stamp()
        params = {f"p_{k}": v for k, v in changes.items()}
        params["p_id"] = entity_id
        params["p_hlc"] = stamp
        if stamped:
            params["p_updated_at"] = now
        groups.setdefault(tuple(sorted(changes)), []).append(params)
        logged = json.dumps(
            {k: [_json_value(before.get(k)), _json_value(v)] for k, v in sorted(changes.items())},
            ensure_ascii=False,
        )
        log_rows.append(
            (next(log_ids), stamp, device, actor, now, entity, entity_id, op, logged, source, batch)
        )
    conn = uow.session.connection()
    for fields, params_list in groups.items():
        values: dict[str, Any] = {k: bindparam(f"p_{k}") for k in fields}
        values["hlc"] = bindparam("p_hlc")
        if stamped:
            values["updated_at"] = bindparam("p_updated_at")
        stmt = update(table).where(table.c.id == bindparam("p_id")).values(values)
        conn.execute(stmt, params_list)
    insert_log_rows(conn, device, log_rows)
    uow.logged(entity, [row[6] for row in log_rows], created=op == "create")
    return len(log_rows)
