"""The frozen migration DDL must produce exactly the tables the SQLModel models describe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import SQLModel

import desktop_app.storage.models  # noqa: F401 - registers the tables
from desktop_app.storage.db import open_database


def test_migrated_schema_matches_models(db_path: Path) -> None:
    open_database(db_path).dispose()
    conn = sqlite3.connect(db_path)
    try:
        for table in SQLModel.metadata.sorted_tables:
            columns = {row[1]: row for row in conn.execute(f"PRAGMA table_info({table.name})")}
            assert columns, f"table {table.name} missing from the migrated schema"
            expected = {c.name for c in table.columns}
            assert set(columns) == expected, f"{table.name}: {set(columns) ^ expected}"
            for col in table.columns:
                notnull = bool(columns[col.name][3])
                assert notnull == (not col.nullable), f"{table.name}.{col.name} nullability"
            indexes = {row[1] for row in conn.execute(f"PRAGMA index_list({table.name})")}
            for index in table.indexes:
                assert index.name in indexes, f"{index.name} missing"
    finally:
        conn.close()
