"""The change log's hash chain: every writer chains, `berdaya check` finds any tampering."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.services.health import check_database
from desktop_app.storage import chain
from tests.helpers import tiny_demo_file

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The demo writes through the unit of work, bulk inserts and the counter's plain inserts.
    return tiny_demo_file(tmp_path_factory, "chain", TODAY)


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_file, path)
    return path


def _own_rows(path: Path) -> list[tuple[int, str, str]]:
    conn = sqlite3.connect(path)
    try:
        device = conn.execute(
            "SELECT json_extract(value, '$.id') FROM setting WHERE key = 'device'"
        ).fetchone()[0]
        return conn.execute(
            "SELECT seq, id, entity FROM change_log WHERE device_id = ? ORDER BY seq", (device,)
        ).fetchall()
    finally:
        conn.close()


def _tamper(path: Path, sql: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path)  # plain sqlite3, as someone editing the file would
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_every_writer_chains(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        unchained = conn.execute("SELECT count(*) FROM change_log WHERE hash IS NULL").fetchone()
        kinds = {r[0] for r in conn.execute("SELECT DISTINCT entity FROM change_log")}
    finally:
        conn.close()
    assert unchained == (0,)
    assert {"person", "household", "distribution_receipt"} <= kinds
    report = check_database(db)
    assert report.exit_code == 0, report.problems
    assert report.chain_break is None
    assert report.chain_summary is not None
    assert report.chain_summary.code == "health.chain_intact"


def test_healthy_chain_is_reported(db: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Rantai catatan perubahan utuh" in out
    assert out.rstrip().endswith("Sehat.")


def test_edited_changes_are_found(db: Path, capsys: pytest.CaptureFixture) -> None:
    rows = _own_rows(db)
    seq, entry_id, _ = rows[len(rows) // 2]
    _tamper(db, 'UPDATE change_log SET changes = \'{"name": [null, "X"]}\' WHERE seq = ?', (seq,))
    report = check_database(db)
    assert report.exit_code == 1
    assert report.chain_break is not None
    assert (report.chain_break.seq, report.chain_break.kind) == (seq, "altered")
    assert [f.code for f in report.findings] == ["health.chain_altered"]
    assert main(["check", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert f"no. {seq}" in captured.err and entry_id in captured.err
    assert "telah diubah" in captured.err
    assert captured.out.rstrip().endswith("Ada masalah.")
    assert main(["--lang", "en", "check", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "The change log was altered" in captured.err
    assert captured.out.rstrip().endswith("Problems found.")
    assert main(["check", "--db", str(db), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["problem_codes"] == ["health.chain_altered"]
    assert data["chain_break"]["seq"] == seq and data["exit_code"] == 1


@pytest.mark.parametrize("column", ["actor", "at", "entity_id", "op", "hlc"])
def test_any_edited_field_is_found(db: Path, column: str) -> None:
    seq = _own_rows(db)[3][0]
    value = "2020-01-01 00:00:00.000000" if column == "at" else "x"
    _tamper(db, f"UPDATE change_log SET {column} = ? WHERE seq = ?", (value, seq))
    found = check_database(db).chain_break
    assert found is not None and (found.seq, found.kind) == (seq, "altered")


def test_removed_entry_is_found(db: Path) -> None:
    rows = _own_rows(db)
    middle = len(rows) // 2
    _tamper(db, "DELETE FROM change_log WHERE seq = ?", (rows[middle][0],))
    found = check_database(db).chain_break
    assert found is not None
    assert (found.seq, found.entry_id, found.kind) == (*rows[middle + 1][:2], "unlinked")


def test_reordered_entries_are_found(db: Path) -> None:
    rows = _own_rows(db)
    first, second = rows[5][0], rows[6][0]
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE change_log SET seq = -1 WHERE seq = ?", (first,))
        conn.execute("UPDATE change_log SET seq = ? WHERE seq = ?", (first, second))
        conn.execute("UPDATE change_log SET seq = ? WHERE seq = -1", (second,))
        conn.commit()
    finally:
        conn.close()
    found = check_database(db).chain_break
    assert found is not None and (found.seq, found.kind) == (first, "unlinked")


def test_inserted_entry_is_found(db: Path) -> None:
    rows = _own_rows(db)
    conn = sqlite3.connect(db)
    try:
        cols = "id, hlc, device_id, actor, at, entity, entity_id, op, changes, source, batch_id"
        values = conn.execute(
            f"SELECT {cols}, prev_hash FROM change_log WHERE seq = ?", (rows[2][0],)
        ).fetchone()
        forged = ("forged-id", *values[1:11])
        with pytest.raises(sqlite3.OperationalError):
            # Without the application's function the trigger cannot even run.
            conn.execute(f"INSERT INTO change_log ({cols}) VALUES ({','.join('?' * 11)})", forged)
        # Someone who knows the algorithm still cannot continue the chain where it is not.
        chain.register(conn)
        digest = chain.entry_hash(*forged, values[11])
        conn.execute(
            f"INSERT INTO change_log ({cols}, prev_hash, hash) VALUES ({','.join('?' * 13)})",
            (*forged, values[11], digest),
        )
        conn.commit()
    finally:
        conn.close()
    found = check_database(db).chain_break
    assert found is not None and (found.entry_id, found.kind) == ("forged-id", "unlinked")


def test_canonical_time_is_the_same_for_every_spelling() -> None:
    stored = "2026-11-20 03:00:00.000000"
    assert chain.canonical_at("2026-11-20T03:00:00") == stored
    assert chain.canonical_at("2026-11-20T03:00:00+00:00") == stored
    assert chain.canonical_at("2026-11-20T10:00:00+07:00") == stored
    assert chain.canonical_at(stored) == stored


def test_walk_links() -> None:
    assert chain.walk_links("", [("a", "b"), ("", "a")]) == ["a", "b"]
    assert chain.walk_links("", [("", "a"), ("c", "d")]) is None  # a gap
    assert chain.walk_links("", [("", "a"), ("", "b")]) is None  # a fork
    assert chain.walk_links("x", []) == []


def test_upgrade_chains_the_entries_written_before(tmp_path: Path) -> None:
    from desktop_app.storage import migrations
    from desktop_app.storage.db import open_database

    path = tmp_path / "v10.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        conn.execute("BEGIN EXCLUSIVE")
        migrations.upgrade(conn, 0, 10)
        conn.execute("COMMIT")
        conn.execute("INSERT INTO setting (key, value) VALUES ('device', '{\"id\": \"dev-a\"}')")
        for i, device in enumerate(["dev-a", "dev-b", "dev-a", "dev-a", "dev-b"]):
            conn.execute(
                "INSERT INTO change_log (id, hlc, device_id, actor, at, entity, entity_id, op, "
                "changes, source, batch_id) VALUES (?, ?, ?, 'lama', "
                "'2025-01-02 03:04:05.000000', 'person', ?, 'update', '{}', NULL, NULL)",
                (f"e{i}", f"{i:020d}", device, f"p{i}"),
            )
    finally:
        conn.close()
    db = open_database(path)
    try:
        assert db.opened.upgraded_from == 10
    finally:
        db.dispose()
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT device_id, prev_hash, hash FROM change_log ORDER BY seq"
        ).fetchall()
        assert all(r[2] for r in rows)
        assert [r[1] for r in rows if r[0] == "dev-b"] == ["", rows[1][2]]
        assert chain.verify_device(conn, "dev-a", own=True) is None
        assert chain.verify_device(conn, "dev-b", own=True) is None
    finally:
        conn.close()
    report = check_database(path)
    assert report.exit_code == 0 and report.chain_summary is not None
    assert report.chain_summary.params == {"entries": 5, "devices": 2}
