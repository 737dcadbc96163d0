"""The hash chain that makes the change log tamper-evident (UU PDP: security of processing).

Each change-log entry carries `prev_hash` (the `hash` of the entry its device wrote before it,
"" for a device's first) and `hash`: hex SHA-256 over a canonical encoding of the entry's fields
and `prev_hash`. A device's entries form one chain in the order it wrote them, so editing,
removing, inserting or reordering one of them breaks the chain from there on; `berdaya check`
walks the chains (services/health.py).

The SQL function `berdaya_chain_hash` is registered on every connection (`register`) and the
trigger `change_log_chain` fills both columns of every row inserted without a hash (the unit of
work's entries). Writers of many rows at once (bulk imports, the counter's plain inserts) hash
their rows here in Python with the same `row_hash` and insert them with both columns filled,
which the trigger leaves alone: its UPDATE and the call back into Python through SQLite cost
more than the insert itself (`chain_rows`). Entries merged from a sync bundle arrive with their
sender's hashes and keep them.

Plain data in, plain data out: this module knows SQL and hashing, nothing of the services.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop_app.storage import driver

# The app's connections are SQLCipher's (storage/driver.py); tools and tests may hand in the
# standard library's: both have the same API.
DBConnection = sqlite3.Connection | driver.Connection

__all__ = [
    "CHAIN_FIELDS",
    "FUNCTION_NAME",
    "GENESIS",
    "TRIGGER_SQL",
    "ChainBreak",
    "canonical_at",
    "chain_existing",
    "chain_head",
    "chain_rows",
    "entry_hash",
    "register",
    "row_hash",
    "verify_device",
    "walk_links",
]

FUNCTION_NAME = "berdaya_chain_hash"
GENESIS = ""  # the prev_hash of a device's first entry

# The hashed fields, in their encoded order (prev_hash comes last).
CHAIN_FIELDS = (
    "id",
    "hlc",
    "device_id",
    "actor",
    "at",
    "entity",
    "entity_id",
    "op",
    "changes",
    "source",
    "batch_id",
)

_AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
# One encoder for every entry: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _is_stored_form(text: str) -> bool:
    """The form SQLAlchemy stores ("YYYY-MM-DD HH:MM:SS.ffffff"): the trigger's common case."""
    return len(text) == 26 and text[10] == " " and text[19] == "." and text[:4].isdigit()


def canonical_at(value: Any) -> str:
    """`at` as the database stores it (SQLAlchemy's SQLite DATETIME text, UTC, microseconds).

    The same instant hashes the same whether it is the stored text, the ISO text of a bundle
    ("T" separator, no microseconds when they are zero, a "+00:00" zone) or a datetime, so an
    entry that travelled verifies at the receiver."""
    if isinstance(value, datetime):
        at = value
    else:
        text = str(value)
        if _is_stored_form(text):
            return text
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            return text  # not a time at all: hash what is there
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    if type(at) is datetime and at.year >= 1000:
        # The same text as strftime(_AT_FORMAT), several times faster (an import hashes
        # thousands of entries); strftime does not pad years before 1000 the same way.
        return at.isoformat(" ", "microseconds")
    return at.strftime(_AT_FORMAT)


def entry_hash(
    id: Any,  # noqa: A002 - the column's name
    hlc: Any,
    device_id: Any,
    actor: Any,
    at: Any,
    entity: Any,
    entity_id: Any,
    op: Any,
    changes: Any,
    source: Any,
    batch_id: Any,
    prev_hash: Any,
) -> str:
    """Hex SHA-256 of the canonical encoding: a compact JSON array of the fields in
    `CHAIN_FIELDS` order and then `prev_hash` (None stays null, so "" and NULL differ)."""
    return row_hash(
        (id, hlc, device_id, actor, at, entity, entity_id, op, changes, source, batch_id),
        prev_hash,
    )


def row_hash(values: Sequence[Any], prev_hash: Any) -> str:
    """`entry_hash` of the `CHAIN_FIELDS` values in order (a change_log row's columns)."""
    fields = list(values)
    fields[4] = canonical_at(fields[4])
    fields.append(prev_hash or GENESIS)
    return hashlib.sha256(_ENCODE(fields).encode("utf-8")).hexdigest()


def register(conn: DBConnection) -> None:
    """Make `berdaya_chain_hash` available on a connection (the trigger calls it)."""
    conn.create_function(FUNCTION_NAME, 12, entry_hash, deterministic=True)


_PREV = (
    "coalesce((SELECT c.hash FROM change_log c WHERE c.device_id = NEW.device_id "
    "AND c.seq < NEW.seq ORDER BY c.seq DESC LIMIT 1), '')"
)

# Frozen text used by migration step 11; a later change needs a new step.
TRIGGER_SQL = f"""
CREATE TRIGGER change_log_chain AFTER INSERT ON change_log
WHEN NEW.hash IS NULL
BEGIN
    UPDATE change_log SET
        prev_hash = {_PREV},
        hash = {FUNCTION_NAME}(NEW.id, NEW.hlc, NEW.device_id, NEW.actor, NEW.at, NEW.entity,
            NEW.entity_id, NEW.op, NEW.changes, NEW.source, NEW.batch_id, {_PREV})
    WHERE seq = NEW.seq;
END;
"""

_COLUMNS = ", ".join(("seq", *CHAIN_FIELDS, "prev_hash", "hash"))


def chain_existing(conn: DBConnection) -> int:
    """Chain every entry that has no hash yet, per device in `seq` order (migration step 11:
    the entries written before the chain existed). Returns how many were chained."""
    heads: dict[str, str] = {}
    updates: list[tuple[str, str, int]] = []
    rows = conn.execute(f"SELECT {_COLUMNS} FROM change_log ORDER BY seq")  # noqa: S608
    for row in rows:
        seq, device = row[0], row[3]
        if row[-1] is not None:
            heads[device] = row[-1]
            continue
        prev = heads.get(device, GENESIS)
        digest = row_hash(row[1:12], prev)
        heads[device] = digest
        updates.append((prev, digest, seq))
    conn.executemany("UPDATE change_log SET prev_hash = ?, hash = ? WHERE seq = ?", updates)
    return len(updates)


_HEAD = "SELECT hash FROM change_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1"


def chain_head(conn: DBConnection, device_id: str) -> str:
    """The hash a new entry of `device_id` links to: that of its entry with the highest seq
    (GENESIS when it has none), as the trigger's `prev_hash` would be."""
    row = conn.execute(_HEAD, (device_id,)).fetchone()
    return row[0] if row is not None and row[0] is not None else GENESIS


def chain_rows(
    conn: DBConnection, device_id: str, rows: Iterable[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """Rows about to be appended to `device_id`'s chain, each with `prev_hash` and `hash` added.

    `rows` hold the `CHAIN_FIELDS` values as they will be stored (`at` as the stored text or a
    datetime), in the order they will be inserted: that order becomes their `seq` order, so the
    caller inserts the returned tuples in the same order (one executemany), inside the same
    transaction that read the head, with nothing of this device written between. The hashes are
    those the trigger would give: `berdaya check` verifies them the same way."""
    prev = chain_head(conn, device_id)
    out: list[tuple[Any, ...]] = []
    append = out.append
    for row in rows:
        if row[2] != device_id:
            raise ValueError(f"a row of device {row[2]!r} in {device_id!r}'s chain")
        digest = row_hash(row, prev)
        append((*row, prev, digest))
        prev = digest
    return out


@dataclass(frozen=True)
class ChainBreak:
    """The first entry of a device's chain that does not verify.

    `kind`: "altered" (its fields no longer give its hash: edited), "unlinked" (its prev_hash is
    not the hash of the entry before it: one was removed, inserted or moved), "unchained" (no
    hash at all), "forked" (two received entries continue the same one)."""

    device_id: str
    seq: int
    entry_id: str
    at: str
    kind: str


def _rows(conn: DBConnection, device_id: str) -> Iterator[tuple[Any, ...]]:
    sql = f"SELECT {_COLUMNS} FROM change_log WHERE device_id = ? ORDER BY seq"  # noqa: S608
    yield from conn.execute(sql, (device_id,))


def verify_device(conn: DBConnection, device_id: str, *, own: bool) -> ChainBreak | None:
    """The first break in one device's chain, None when it verifies.

    `own`: this database wrote the device's entries, so they must link one after the other from
    the first. Entries received from another device are a part of its chain (a laptop sends only
    what the office needs; quarantined entries join later), so each is checked alone and no two
    may continue the same entry; sync checks continuity when they arrive (`walk_links`)."""
    expected = GENESIS
    successors: set[str] = set()
    for row in _rows(conn, device_id):
        seq, entry_id, at = row[0], row[1], canonical_at(row[5])
        prev, digest = row[-2], row[-1]
        if digest is None:
            return ChainBreak(device_id, seq, entry_id, at, "unchained")
        if own and prev != expected:
            return ChainBreak(device_id, seq, entry_id, at, "unlinked")
        if row_hash(row[1:12], prev) != digest:
            return ChainBreak(device_id, seq, entry_id, at, "altered")
        if not own:
            if prev in successors:
                return ChainBreak(device_id, seq, entry_id, at, "forked")
            successors.add(prev)
        expected = digest
    return None


def walk_links(start: str, links: Iterable[tuple[str, str]]) -> Sequence[str] | None:
    """The hashes of a chain segment in order, following `prev -> hash` links from `start`.

    None when the links do not form one unbroken line from `start` that uses every link: a gap
    (a link nothing leads to), a fork (two links from one hash) or a loop."""
    by_prev: dict[str, str] = {}
    count = 0
    for prev, digest in links:
        count += 1
        if prev in by_prev:
            return None
        by_prev[prev] = digest
    out: list[str] = []
    current = start
    while current in by_prev and len(out) <= count:
        current = by_prev[current]
        out.append(current)
    return out if len(out) == count else None
