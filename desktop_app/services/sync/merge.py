"""The merge engine: change-log entries from any device, folded into rows the same way everywhere.

An entity's row is a pure function of the *set* of change-log entries about it, so importing
bundles in any order, or twice, gives the same rows on every device:

- entries are folded in hybrid-logical-clock order (ties broken by device id, which the encoded
  HLC already contains); the last write of each field wins;
- some fields are decided together (a status and its date);
- a recorded death is sticky: a later write that did not know of the death ("uninformed": its
  `before` value is not the value it overwrites) cannot make the person alive again, while an
  informed reversal (before = meninggal) can;
- an uninformed write opens a *conflict* on that field: every value written until a supervisor's
  `resolve` entry is kept as a candidate. On ordinary fields the winner is already applied and the
  conflict is listed for review; on critical fields (NIK, KK, head of household, status,
  enrolment) it stays open until decided.

Local services never call this: a local write sees the current row and carries the newest HLC,
so it is exactly what the fold would produce. Imports call `Merger.apply`.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Boolean, Date, DateTime, Table, bindparam, delete, insert, select, update
from sqlmodel import Session

from desktop_app.domain.values import as_date, as_utc
from desktop_app.services.sync import policies
from desktop_app.services.sync.policies import *  # noqa: F403  (re-exported, see __all__)
from desktop_app.services.sync.policies import (
    CHUNK,
    DEATH,
    ENTRY_KEYS,
    POLICIES,
    RESOLVE_OP,
    EntityPolicy,
    Entry,
    table_order,
)
from desktop_app.storage import chain
from desktop_app.storage.models import ChangeLog
from desktop_app.storage.sync_models import SyncConflict

# The policy and entry names stay importable from here (tests and older callers use them).
__all__ = [
    *policies.__all__,
    "Candidate",
    "ConflictItem",
    "Folded",
    "MergeResult",
    "Merger",
    "chunks",
    "converters",
    "driver_rows",
    "entries_for",
    "fold",
    "insert_rows",
    "known_change_ids",
    "rows_in",
    "tuples_in",
]


# -- folding ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    value: Any
    hlc: str
    device_id: str
    actor: str
    at: str
    change_id: str
    applied: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "hlc": self.hlc,
            "device_id": self.device_id,
            "actor": self.actor,
            "at": self.at,
            "change_id": self.change_id,
            "applied": self.applied,
        }


@dataclass
class ConflictItem:
    id: str
    entity: str
    entity_id: str
    unit: tuple[str, ...]
    kind: str
    base: Any
    candidates: list[Candidate]
    current: Any = None
    open: bool = True
    closed_by: str | None = None

    @property
    def field(self) -> str:
        return ",".join(self.unit)


@dataclass
class Folded:
    exists: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    hlc: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    conflicts: list[ConflictItem] = field(default_factory=list)


def _unit_value(unit: tuple[str, ...], values: Sequence[Any]) -> Any:
    return values[0] if len(unit) == 1 else dict(zip(unit, values, strict=True))


def fold(entity: str, entity_id: str, entries: Iterable[Entry]) -> Folded:
    """The state of one entity from all entries known about it (in any order)."""
    policy = POLICIES[entity]
    ordered = sorted(entries, key=lambda e: (e.hlc, e.id))
    if len(ordered) == 1 and ordered[0].is_create:
        # The common case of a bulk import (a receipt): nothing to order or to conflict with.
        e = ordered[0]
        values = {k: v[1] for k, v in e.fields.items() if k != "id"}
        return Folded(True, values, e.hlc, e.at, e.at)
    result = Folded()
    state: dict[str, Any] = {}
    last_writer: dict[tuple[str, ...], Entry] = {}
    spans: dict[tuple[str, ...], ConflictItem] = {}
    closed: list[ConflictItem] = []
    for e in ordered:
        changes = e.fields
        if e.is_create:
            result.exists = True
            if result.created_at is None:
                result.created_at = e.at
        result.hlc, result.updated_at = e.hlc, e.at
        units: list[tuple[str, ...]] = []
        for name in changes:
            if name != "id":
                unit = policy.unit_of(name)
                if unit not in units:
                    units.append(unit)
        for unit in units:
            cur = tuple(state.get(f) for f in unit)
            before = tuple(changes[f][0] if f in changes else cur[i] for i, f in enumerate(unit))
            after = tuple(changes[f][1] if f in changes else cur[i] for i, f in enumerate(unit))
            informed = unit not in last_writer or before == cur
            apply = True
            if policy.sticky_death and "status" in unit:
                i = unit.index("status")
                if cur[i] == DEATH and after[i] != DEATH and before[i] != DEATH:
                    apply = False  # only a write that knew of the death may undo it
            span = spans.get(unit)
            if informed and e.op == RESOLVE_OP:
                if span is not None:
                    span.open, span.closed_by = False, e.id
                    closed.append(spans.pop(unit))
            elif span is not None:
                span.candidates.append(_candidate(e, unit, after, apply))
            elif not informed and not policy.facts:
                pred = last_writer[unit]
                span = ConflictItem(
                    id=_conflict_id(entity_id, unit, pred.id),
                    entity=entity,
                    entity_id=entity_id,
                    unit=unit,
                    kind="critical" if set(unit) & policy.critical else "review",
                    base=_unit_value(unit, before),
                    candidates=[
                        _candidate(pred, unit, cur, True),
                        _candidate(e, unit, after, apply),
                    ],
                )
                spans[unit] = span
            if apply:
                for f, v in zip(unit, after, strict=True):
                    state[f] = v
                last_writer[unit] = e
    result.values = state
    for item in [*closed, *spans.values()]:
        item.current = _unit_value(item.unit, tuple(state.get(f) for f in item.unit))
        distinct = {json.dumps(c.value, sort_keys=True) for c in item.candidates}
        if (
            len(distinct) > 1
            or item.kind == "critical"
            and any(not c.applied for c in item.candidates)
        ):
            result.conflicts.append(item)
    return result


def _candidate(e: Entry, unit: tuple[str, ...], values: Sequence[Any], applied: bool) -> Candidate:
    return Candidate(
        value=_unit_value(unit, values),
        hlc=e.hlc,
        device_id=e.device_id,
        actor=e.actor,
        at=e.at,
        change_id=e.id,
        applied=applied,
    )


def _conflict_id(entity_id: str, unit: tuple[str, ...], first_change: str) -> str:
    key = f"{entity_id}|{','.join(unit)}|{first_change}".encode()
    return hashlib.sha256(key).hexdigest()[:32]


# -- materialising ------------------------------------------------------------------------------
def _same(value: Any) -> Any:
    return value


def _as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _converter(column: Any) -> Any:
    kind = getattr(column.type, "impl", column.type)  # see through TypeDecorators
    if isinstance(kind, DateTime):
        return as_utc
    if isinstance(kind, Date):
        return as_date
    if isinstance(kind, Boolean):
        return _as_bool
    return _same


_CONVERTERS: dict[str, dict[str, Any]] = {}
_TYPED: dict[str, dict[str, Any]] = {}


def converters(entity: str) -> dict[str, Any]:
    if entity not in _CONVERTERS:
        _CONVERTERS[entity] = {c.name: _converter(c) for c in POLICIES[entity].table.columns}
    return _CONVERTERS[entity]


def typed_converters(entity: str) -> dict[str, Any]:
    """The `converters` of an entity's columns that change a value (times, dates, booleans):
    the values of every other column are stored as they came."""
    if entity not in _TYPED:
        _TYPED[entity] = {n: f for n, f in converters(entity).items() if f is not _same}
    return _TYPED[entity]


def _defaults(policy: EntityPolicy) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in policy.model.model_fields.items():
        if info.default is not PydanticUndefined:
            out[name] = info.default
        elif info.default_factory is not None:
            out[name] = info.default_factory()  # type: ignore[call-arg]
        else:
            out[name] = None
    return out


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """executemany of plain rows (dicts with the same keys), with each column's own bind
    processor applied up front.

    Going through `insert(table)` costs SQLAlchemy's per-row parameter machinery, which is most of
    the time of a large import; the stored values are the same because the same processors run.
    The rows' values of processed columns (dates, times, booleans) are replaced in place.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    names = list(rows[0])
    for name in names:
        proc = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            for row in rows:
                value = row[name]
                if value is not None:
                    row[name] = proc(value)
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    getter = itemgetter(*names)
    data = [getter(row) for row in rows] if len(names) > 1 else [(row[names[0]],) for row in rows]
    session.connection().exec_driver_sql(sql, data)


@dataclass
class MergeResult:
    applied: int = 0  # entries new to this database
    inserted: int = 0  # rows created
    updated: int = 0  # rows changed
    pending: int = 0  # entities known only by updates so far (their creation not yet here)
    new_conflicts: int = 0
    touched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def rows_in(
    session: Session, sql: str, ids: Iterable[str], params: Sequence[Any] = ()
) -> Iterator[Any]:
    """Run `sql` (with `{ids}` where the id list goes, positional `?` parameters before it) over
    the ids in chunks. Plain driver SQL: SQLAlchemy's expanding IN costs more than the query
    itself on lists of thousands of ids."""
    conn = session.connection()
    items = list(ids)
    for part in chunks(items):
        marks = ",".join("?" for _ in part)
        yield from conn.exec_driver_sql(sql.format(ids=marks), (*params, *part))


def driver_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """All rows of `sql` as plain tuples, straight from the database driver's cursor.

    For the large reads of an import (a laptop's slice of tens of thousands of rows): going
    through SQLAlchemy's result costs a Python call per row; the driver's `fetchall` does not.
    Values come back as the driver gives them (times as text), so only for ids and codes."""
    cursor = session.connection().connection.cursor()
    try:
        return cursor.execute(sql, tuple(params)).fetchall()
    finally:
        cursor.close()


def tuples_in(
    session: Session, sql: str, ids: Iterable[str], params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """`rows_in` as plain tuples from the driver's cursor (see `driver_rows`)."""
    items = list(ids)
    out: list[tuple[Any, ...]] = []
    for part in chunks(items):
        marks = ",".join("?" for _ in part)
        out.extend(driver_rows(session, sql.format(ids=marks), (*params, *part)))
    return out


def known_change_ids(session: Session, ids: Sequence[str]) -> set[str]:
    return {r[0] for r in tuples_in(session, "SELECT id FROM change_log WHERE id IN ({ids})", ids)}


def entries_for(session: Session, entity_ids: Sequence[str]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = defaultdict(list)
    sql = f"SELECT {', '.join(ENTRY_KEYS)} FROM change_log WHERE entity_id IN ({{ids}})"
    for row in rows_in(session, sql, entity_ids):
        out[row.entity_id].append(Entry.from_row(row))
    return out


# The change-log columns `Merger.store` writes, in the order of its rows' values.
_LOG_COLUMNS = (*chain.CHAIN_FIELDS, "prev_hash", "hash")


def _stored_at(e: Entry, at: Callable[[Any], Any]) -> Any:
    """The change-log time of an entry as the column's bind processor `at` stores it. For a
    UTC time (what a bundle carries) that is the entry's chain form, `Entry.stored_at`, made
    once for its hash; the processor keeps another zone's wall time, so those go through it."""
    if isinstance(e.at, str) and e.at.endswith("+00:00"):
        stored = e.stored_at
        if len(stored) == 26:  # strftime does not pad years before 1000 as the processor does
            return stored
    # Datetime columns hold aware UTC values; a value logged without a zone is UTC.
    return at(as_utc(e.at))


class Merger:
    """Applies new entries inside the caller's transaction."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._folded: dict[tuple[str, str], Folded] = {}

    def store(self, entries: Sequence[Entry]) -> None:
        """Append entries to the change log with their original ids, devices and clocks.

        The rows go to the driver as tuples, the time through its column's own bind processor
        (as `insert_rows` would): the same stored values without a dict per entry."""
        if not entries:
            return
        table = ChangeLog.__table__  # type: ignore[attr-defined]
        dialect = self.session.get_bind().dialect
        at = table.c["at"].type.dialect_impl(dialect).bind_processor(dialect) or _same
        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in _LOG_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _LOG_COLUMNS)})"
        )
        conn = self.session.connection()
        for part in chunks(entries, 5000):
            rows = [
                (
                    e.id,
                    e.hlc,
                    e.device_id,
                    e.actor,
                    _stored_at(e, at),
                    e.entity,
                    e.entity_id,
                    e.op,
                    e.changes,
                    e.source,
                    e.batch_id,
                    e.prev_hash,
                    e.hash,
                )
                for e in part
            ]
            conn.exec_driver_sql(sql, rows)

    def apply(self, new_entries: Sequence[Entry]) -> MergeResult:
        """Fold every entity the new entries touch (they must already be stored or passed
        here; entries already in the log are read back) and write the rows."""
        result = MergeResult(applied=len(new_entries))
        by_entity: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for e in new_entries:
            if e.entity in POLICIES:
                by_entity[(e.entity, e.entity_id)].append(e)
        if not by_entity:
            return result
        ids = [eid for _, eid in by_entity]
        new_ids = {e.id for e in new_entries}
        # Entities with history here need the whole log; brand-new ones fold from the bundle.
        history = entries_for(self.session, ids)
        for entity_id, older in history.items():
            for key in ((e.entity, entity_id) for e in older[:1]):
                if key in by_entity:
                    by_entity[key].extend(e for e in older if e.id not in new_ids)
        by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for key in by_entity:
            by_kind[key[0]].append(key)
        for entity in table_order():
            if entity in by_kind:
                self._materialise(entity, by_kind[entity], by_entity, result)
        self._store_conflicts(by_entity, result)
        return result

    def refold(self, entity: str, entity_ids: Sequence[str]) -> MergeResult:
        """Re-derive rows and conflicts of entities from the log (after a local resolution)."""
        history = entries_for(self.session, list(entity_ids))
        by_entity = {(entity, i): history.get(i, []) for i in entity_ids}
        result = MergeResult()
        self._materialise(entity, list(by_entity), by_entity, result)
        self._store_conflicts(by_entity, result)
        return result

    def _materialise(
        self,
        entity: str,
        keys: Sequence[tuple[str, str]],
        by_entity: dict[tuple[str, str], list[Entry]],
        result: MergeResult,
    ) -> None:
        policy = POLICIES[entity]
        table = policy.table
        conv = converters(entity)
        typed = typed_converters(entity)
        columns = {c.name for c in table.columns}
        existing: dict[str, Any] = {}
        present = [
            r[0]
            for r in tuples_in(
                self.session,
                f"SELECT id FROM {table.name} WHERE id IN ({{ids}})",
                [k[1] for k in keys],
            )
        ]
        if present:  # typed values only for the rows that are compared field by field
            stmt = select(table).where(table.c.id.in_(bindparam("ids", expanding=True)))
            for part in chunks(present):
                for found in self.session.execute(stmt, {"ids": list(part)}):
                    existing[found.id] = found
        defaults = _defaults(policy)
        inserts: list[dict[str, Any]] = []

        def new_row(
            row_id: str, values: dict[str, Any], hlc: str, created: str | None, updated: str | None
        ) -> None:
            # A row inserted from scratch: column defaults, then its values and its stamps.
            full = {**defaults, **values, "hlc": hlc}
            for stamp, at in (("created_at", created), ("updated_at", updated)):
                if stamp in columns:
                    full[stamp] = conv[stamp](at)
            inserts.append(full)
            result.touched[entity].add(row_id)

        for key in keys:
            entries = by_entity[key]
            if len(entries) == 1 and key[1] not in existing and entries[0].is_create:
                # Fast path of a bulk import (receipts): a new row from its one creation.
                e = entries[0]
                given = e.values
                # Entries that passed the rules name only columns (validate_values).
                if given.keys() <= columns:
                    fields = dict(given)
                else:
                    fields = {k: v for k, v in given.items() if k in columns}
                for k, typed_value in typed.items():
                    if k in fields:
                        fields[k] = typed_value(fields[k])
                new_row(key[1], fields, e.hlc, e.at, e.at)
                continue
            folded = fold(entity, key[1], entries)
            self._folded[key] = folded
            values = {k: conv[k](v) for k, v in folded.values.items() if k in columns}
            row = existing.get(key[1])
            if row is None:
                if not folded.exists:
                    result.pending += 1
                    continue
                stamps = (folded.hlc, folded.created_at, folded.updated_at)
                new_row(key[1], {**values, "id": key[1]}, *stamps)
                continue
            current = row._mapping
            delta = {k: v for k, v in values.items() if k != "id" and current[k] != v}
            if folded.hlc > current["hlc"]:
                delta["hlc"] = folded.hlc
            if delta:
                if "updated_at" in columns and set(delta) - {"hlc"}:
                    delta["updated_at"] = conv["updated_at"](folded.updated_at)
                self.session.execute(update(table).where(table.c.id == key[1]).values(**delta))
                result.updated += 1
                result.touched[entity].add(key[1])
        for part in chunks(inserts, 5000):
            insert_rows(self.session, table, list(part))
        result.inserted += len(inserts)

    def _store_conflicts(
        self, by_entity: dict[tuple[str, str], list[Entry]], result: MergeResult
    ) -> None:
        folded = self._folded
        # Only entities written by more than one entry can conflict: skip the bulk of facts.
        keys = [k for k in by_entity if len(by_entity[k]) > 1]
        if not keys:
            return
        table = SyncConflict.__table__  # type: ignore[attr-defined]
        old: dict[str, Any] = {}
        stmt = select(table).where(table.c.entity_id.in_(bindparam("ids", expanding=True)))
        for part in chunks([k[1] for k in keys]):
            for row in self.session.execute(stmt, {"ids": list(part)}):
                old[row.id] = row
        fresh: dict[str, ConflictItem] = {}
        for key in keys:
            f = folded.get(key)
            if f is not None:
                for item in f.conflicts:
                    fresh[item.id] = item
        stale = [cid for cid, row in old.items() if cid not in fresh]
        if stale:
            self.session.execute(delete(table).where(table.c.id.in_(stale)))
        for cid, item in fresh.items():
            values = {
                "entity": item.entity,
                "entity_id": item.entity_id,
                "field": item.field,
                "kind": item.kind,
                "base": json.dumps(item.base, sort_keys=True),
                "candidates": json.dumps([c.as_dict() for c in item.candidates], sort_keys=True),
                "current": json.dumps(item.current, sort_keys=True),
                "open": item.open,
                "closed_by_change": item.closed_by,
            }
            if cid in old:
                row = old[cid]._mapping
                if any(row[k] != v for k, v in values.items()):
                    self.session.execute(update(table).where(table.c.id == cid).values(**values))
            else:
                self.session.execute(
                    insert(table), [dict(values, id=cid, detected_at=as_utc(self.now))]
                )
                if item.open:
                    result.new_conflicts += 1
