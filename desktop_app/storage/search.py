"""SQLite-only full-text search over persons (FTS5 with the trigram tokenizer).

Everything SQLite-specific about search lives here so that the rest of storage stays portable
SQL. The index holds one row per person, keyed by the person's rowid, with a body made of name,
NIK, the household's KK, street and kelurahan name. Triggers keep it current on every write, so no
service has to remember to re-index.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The body is built in SQL so that the triggers and the rebuild share one definition.
_BODY = """
    coalesce({p}.name, '') || ' ' || coalesce({p}.nik, '') || ' ' ||
    coalesce((SELECT h.kk_number FROM household h WHERE h.id = {p}.household_id), '') || ' ' ||
    coalesce({p}.street, '') || ' ' ||
    coalesce((SELECT r.name FROM region r WHERE r.code = {p}.kelurahan_code), '')
"""

_DDL = [
    "CREATE VIRTUAL TABLE person_fts USING fts5(body, tokenize = 'trigram')",
    f"""CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_fts(rowid, body) VALUES (new.rowid, {_BODY.format(p="new")});
    END""",
    f"""CREATE TRIGGER person_fts_au AFTER UPDATE OF name, nik, household_id, street,
            kelurahan_code ON person BEGIN
        DELETE FROM person_fts WHERE rowid = old.rowid;
        INSERT INTO person_fts(rowid, body) VALUES (new.rowid, {_BODY.format(p="new")});
    END""",
    """CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN
        DELETE FROM person_fts WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER person_fts_hu AFTER UPDATE OF kk_number ON household BEGIN
        DELETE FROM person_fts
            WHERE rowid IN (SELECT rowid FROM person WHERE household_id = new.id);
        INSERT INTO person_fts(rowid, body)
            SELECT p.rowid, {_BODY.format(p="p")} FROM person p WHERE p.household_id = new.id;
    END""",
]

MIN_TERM = 3  # the trigram tokenizer cannot match shorter terms through its index


def create_person_index(conn: sqlite3.Connection) -> None:
    for statement in _DDL:
        conn.execute(statement)


def rebuild_person_index(conn: Connection) -> None:
    """Re-derive the whole index, e.g. after a bulk load that bypassed nothing but was slow."""
    conn.execute(text("DELETE FROM person_fts"))
    conn.execute(
        text(
            "INSERT INTO person_fts(rowid, body) "
            f"SELECT p.rowid, {_BODY.format(p='p')} FROM person p"
        )
    )


@contextmanager
def person_index_deferred(conn: Connection) -> Iterator[None]:
    """Index persons inserted inside the block with one statement instead of one per row.

    FTS5 flushes its pending terms at every statement boundary, so the insert trigger writes a
    tiny index segment per person and a bulk load of 30,000 persons spends ~90% of its time
    merging them. Inside the caller's transaction the trigger is dropped, the rows are inserted,
    then indexed at once and the trigger is restored with its exact stored text. DDL is
    transactional in SQLite: if anything fails, the rollback restores the trigger too, and no
    other connection can write persons meanwhile because this one holds the write lock.
    """
    trigger_sql = conn.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'person_fts_ai'")
    ).scalar_one_or_none()
    if trigger_sql is None:
        yield
        return
    last = conn.execute(text("SELECT coalesce(max(rowid), 0) FROM person")).scalar_one()
    conn.execute(text("DROP TRIGGER person_fts_ai"))
    yield
    conn.execute(
        text(
            "INSERT INTO person_fts(rowid, body) "
            f"SELECT p.rowid, {_BODY.format(p='p')} FROM person p WHERE p.rowid > :last"
        ),
        {"last": last},
    )
    conn.execute(text(trigger_sql))


def _terms(query: str) -> list[str]:
    # Dots and dashes inside numbers ("3572.01") are noise a clerk types from paper.
    cleaned = re.sub(r"[\"'.\-]", " ", query)
    return [t for t in cleaned.split() if t]


def usable(query: str) -> bool:
    return any(len(t) >= MIN_TERM for t in _terms(query))


def match_clause(query: str) -> tuple[str, dict[str, str]]:
    """SQL fragment restricting `person.rowid` to persons matching every term of `query`.

    Terms of three or more characters use the FTS index; shorter ones are checked with LIKE on
    the indexed body, which SQLite evaluates only on the rows the long terms already selected.
    """
    terms = _terms(query)
    long_terms = [t for t in terms if len(t) >= MIN_TERM]
    short_terms = [t for t in terms if len(t) < MIN_TERM]
    params: dict[str, str] = {}
    conditions = []
    if long_terms:
        params["fts_match"] = " ".join('"' + t.replace('"', "") + '"' for t in long_terms)
        conditions.append("person_fts MATCH :fts_match")
    for i, term in enumerate(short_terms):
        key = f"fts_like{i}"
        params[key] = f"%{term}%"
        conditions.append(f"body LIKE :{key}")
    if not conditions:
        return "1", {}
    sql = "person.rowid IN (SELECT rowid FROM person_fts WHERE " + " AND ".join(conditions) + ")"
    return sql, params


def rowid_column() -> str:
    return "person.rowid"


def rows_by_rowid_clause(rowids: Sequence[int]) -> str:
    # Integers only, so inlining them is safe and avoids SQLite's bound-parameter limit.
    return "person.rowid IN (" + ",".join(str(int(r)) for r in rowids) + ")"
