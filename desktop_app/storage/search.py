"""SQLite-only full-text search over persons (FTS5 with the trigram tokenizer).

Everything SQLite-specific about search lives here so that the rest of storage stays portable
SQL. The index holds one row per person, keyed by the person's rowid, with a body made of name,
NIK, the household's KK, street and kelurahan name. Triggers keep it current on every write, so no
service has to remember to re-index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.search_text import LIKE_ESCAPE, like_escape, search_terms
from desktop_app.storage import driver

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


# Page cache for connections that search, in KiB (SQLite's default is 2 MB). Checking each match
# against the person table is a random B-tree read; with the default cache most reads go to the
# operating system. 16 MB keeps the hot pages of a 160,000-person city in memory (the first page
# of rows costs ~1.5x less at p95); more gave nothing measurable. It is a ceiling per pooled
# connection, filled only as pages are read.
SEARCH_CACHE_KIB = 16384

# Memory-mapped reads for the same connections, in bytes (a ceiling: a 160,000-person city is
# ~580 MB). A page the page cache has lost (a keystroke after a long list or an export evicted
# it) is then read straight from the operating system's file cache instead of being copied in
# through a read() call: ~20% less CPU at a keystroke's p95 (issue 17). The mapped pages are the
# OS's file cache, shared and reclaimable, not the process's own memory. SQLCipher ignores it
# for an encrypted database (its pages must be decrypted; storage/db.py gives those connections
# a larger page cache instead, so they are never prepared here).
SEARCH_MMAP_BYTES = 1 << 30


def _cache_kib(setting: int) -> int:
    # PRAGMA cache_size: negative is KiB, positive is pages (4 KiB here).
    return -setting if setting < 0 else setting * 4


def prepare_connection(conn: Connection) -> None:
    """Give a pooled connection at least the search page cache and memory-mapped reads, once
    per underlying connection (an encrypted database's connections already have a larger
    cache: storage/db.py)."""
    info = conn.connection.info
    if not info.get("search_cache"):
        current = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        if _cache_kib(int(current)) < SEARCH_CACHE_KIB:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{SEARCH_CACHE_KIB}")
            conn.exec_driver_sql(f"PRAGMA mmap_size = {SEARCH_MMAP_BYTES}")
        info["search_cache"] = True


def prepare_plain(conn: driver.Connection) -> None:
    """`prepare_connection` for a DB-API connection (`Database.plain`). One PRAGMA read when
    the connection is already prepared (a DB-API connection has nowhere to keep a flag)."""
    if _cache_kib(conn.execute("PRAGMA cache_size").fetchone()[0]) < SEARCH_CACHE_KIB:
        conn.execute(f"PRAGMA cache_size = -{SEARCH_CACHE_KIB}")
        conn.execute(f"PRAGMA mmap_size = {SEARCH_MMAP_BYTES}")


def create_person_index(conn: sqlite3.Connection | driver.Connection) -> None:
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
    # One definition of what a search term is (domain.search_text): control characters gone,
    # length and number of terms capped, quotes and separators split off. Normalising twice is
    # harmless, so a caller that forgot still cannot send SQLite a NUL or a thousand terms.
    return search_terms(query)


def usable(query: str) -> bool:
    return any(len(t) >= MIN_TERM for t in _terms(query))


def match_clause(query: str) -> tuple[str, dict[str, str]]:
    """SQL fragment restricting `person.rowid` to persons matching every term of `query`.

    Terms of three or more characters use the FTS index; shorter ones are checked with LIKE on
    the indexed body, which SQLite evaluates only on the rows the long terms already selected.
    """
    conditions, params = _conditions(_terms(query), "person_fts")
    if not conditions:
        return "1", {}
    sql = "person.rowid IN (SELECT rowid FROM person_fts WHERE " + " AND ".join(conditions) + ")"
    return sql, params


def _conditions(
    terms: Sequence[str], fts: str, body: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """MATCH for the long terms, LIKE on `body` (default: the index's own column) for the
    short ones."""
    body = body or f"{fts}.body"
    long_terms = [t for t in terms if len(t) >= MIN_TERM]
    short_terms = [t for t in terms if len(t) < MIN_TERM]
    params: dict[str, str] = {}
    conditions = []
    if long_terms:
        # Each term as an FTS5 string: NEAR, AND, *, ^, parentheses and column filters inside
        # it are plain text to match, never query syntax.
        params["fts_match"] = " ".join('"' + t.replace('"', "") + '"' for t in long_terms)
        conditions.append(f"{fts} MATCH :fts_match")
    for i, term in enumerate(short_terms):
        key = f"fts_like{i}"
        params[key] = f"%{like_escape(term)}%"
        conditions.append(f"{body} LIKE :{key} ESCAPE '{LIKE_ESCAPE}'")
    return conditions, params


# FTS5 keeps the indexed text of a table without external content in its shadow table
# "<name>_content" (columns id = rowid, c0 = the first column). Terms too short for trigrams
# are checked with LIKE on that text: reading it there is 2-3x cheaper per row than through the
# virtual table, and the rows and the LIKE are the same (the trigram tokenizer does not take
# LIKE patterns without a 3-character run; SQLite's LIKE checks the text in both cases).
_CONTENT = "person_fts_content"
_BODY_ROW = "fts_body"

# A run of this many digits is a NIK or KK being typed: see person_source.
NUMBER_PREFIX_MIN = 9

_NIK_PREFIX = "person.nik >= :{lo} AND person.nik < :{hi}"
_KK_PREFIX = "h.kk_number >= :{lo} AND h.kk_number < :{hi}"


def _number_prefix(
    conn: Connection | driver.Connection, term: str, i: int
) -> tuple[str, dict[str, str]] | None:
    """A NIK/KK prefix condition for `term`, or None when no NIK or KK starts with it."""
    lo, hi = f"num_lo{i}", f"num_hi{i}"
    params = {lo: term, hi: term + ":"}  # ":" sorts right after "9"
    nik = _NIK_PREFIX.format(lo=lo, hi=hi)
    kk = _KK_PREFIX.format(lo=lo, hi=hi)
    probe = (
        f"SELECT EXISTS (SELECT 1 FROM person WHERE {nik})"
        f" OR EXISTS (SELECT 1 FROM household h WHERE {kk})"
    )
    if isinstance(conn, driver.Connection):
        found = conn.execute(probe, params).fetchone()[0]
    else:
        found = conn.execute(text(probe), params).scalar()
    if not found:
        return None
    condition = f"({nik} OR person.household_id IN (SELECT h.id FROM household h WHERE {kk}))"
    return condition, params


def person_source(
    conn: Connection | driver.Connection, query: str
) -> tuple[str, str, dict[str, str]]:
    """FROM and WHERE fragments for persons matching every term of `query`, in rowid order.

    Unlike `match_clause`, the index drives the loop (CROSS JOIN fixes SQLite's join order), so
    matches stream out in rowid order and a LIMIT stops after the first ones. That matters while
    typing: "3572" is in every NIK and KK, and collecting all 160,000 matches of a city before
    showing the first page costs ~100 ms a keystroke; the first 1,000 cost ~1 ms.

    Long digit runs are NIK/KK fragments. Digits make poor trigrams ("357", "572" and "720" are
    in every Kota Blitar NIK), so once a run has 9 digits a trigram phrase with few matches costs
    15-20 ms even in plain SQLite. When some NIK or KK starts with the run, the run matches by
    prefix through the ordinary B-tree indexes (~0.1 ms); otherwise (the end or middle of a
    number was typed) it falls back to the trigram index.

    The caller prepares the connection once (`prepare_plain`, `prepare_connection`), so that a
    keystroke's statement costs no extra PRAGMA.
    """
    terms = _terms(query)
    number_conditions: list[str] = []
    params: dict[str, str] = {}
    text_terms: list[str] = []
    for term in terms:
        prefix = None
        if len(term) >= NUMBER_PREFIX_MIN and term.isascii() and term.isdigit():
            prefix = _number_prefix(conn, term, len(number_conditions))
        if prefix is None:
            text_terms.append(term)
        else:
            number_conditions.append(prefix[0])
            params.update(prefix[1])
    long_terms = any(len(t) >= MIN_TERM for t in text_terms)
    short_terms = any(len(t) < MIN_TERM for t in text_terms)
    conditions, text_params = _conditions(text_terms, "person_fts", f"{_BODY_ROW}.c0")
    params.update(text_params)
    if long_terms and short_terms:
        source = (
            f"person_fts CROSS JOIN {_CONTENT} AS {_BODY_ROW} ON {_BODY_ROW}.id = person_fts.rowid"
            " CROSS JOIN person ON person.rowid = person_fts.rowid"
        )
    elif long_terms:
        source = "person_fts CROSS JOIN person ON person.rowid = person_fts.rowid"
    elif short_terms:
        source = f"{_CONTENT} AS {_BODY_ROW} CROSS JOIN person ON person.rowid = {_BODY_ROW}.id"
    else:
        return "person", " AND ".join(number_conditions) or "1", params
    return source, " AND ".join(conditions + number_conditions), params


def rowid_column() -> str:
    return "person.rowid"


def rows_by_rowid_clause(rowids: Sequence[int]) -> str:
    # Integers only, so inlining them is safe and avoids SQLite's bound-parameter limit.
    return "person.rowid IN (" + ",".join(str(int(r)) for r in rowids) + ")"
