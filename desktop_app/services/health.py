"""Health check and backup of a database file, for administrators (`berdaya check/backup`).

The check reads the file without changing it: SQLite's integrity, the references between
tables, the search index, and the hash chains of the change log (storage/chain.py). An edited,
removed, inserted or moved change-log entry is a problem named by its device, number and time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain.errors import Msg
from desktop_app.storage import chain, migrations
from desktop_app.storage.chain import ChainBreak
from desktop_app.storage.db import StorageError, backup_database, open_database
from desktop_app.storage.driver import Connection, connect
from desktop_app.storage.messages import NOT_FOUND

__all__ = [
    "CHAIN_ALTERED",
    "CHAIN_FORKED",
    "CHAIN_INTACT",
    "CHAIN_UNCHAINED",
    "CHAIN_UNLINKED",
    "COUNTED_TABLES",
    "FILE_MISSING",
    "FOREIGN_KEYS_BROKEN",
    "INTEGRITY_FAILED",
    "SEARCH_INDEX_MISMATCH",
    "Finding",
    "HealthReport",
    "backup",
    "check_chains",
    "check_database",
]

COUNTED_TABLES = ("person", "household", "enrolment", "change_log")

FILE_MISSING = Msg(
    "health.file_missing", "Berkas {path} tidak ditemukan.", "File {path} not found."
)
INTEGRITY_FAILED = Msg(
    "health.integrity_failed",
    "Pemeriksaan integritas gagal: {result}",
    "Integrity check failed: {result}",
)
FOREIGN_KEYS_BROKEN = Msg(
    "health.foreign_keys_broken",
    "{count} rujukan antar-tabel rusak.",
    "{count} references between tables are broken.",
)
SEARCH_INDEX_MISMATCH = Msg(
    "health.search_index_mismatch",
    "Indeks pencarian tidak sesuai dengan data orang.",
    "The search index does not match the people in the registry.",
)
CHAIN_ALTERED = Msg(
    "health.chain_altered",
    "Catatan perubahan telah diubah: entri no. {seq} (id {entry_id}, {at}) dari perangkat "
    "{device} tidak lagi cocok dengan hash-nya.",
    "The change log was altered: entry no. {seq} (id {entry_id}, {at}) of device {device} no "
    "longer matches its hash.",
)
CHAIN_UNLINKED = Msg(
    "health.chain_unlinked",
    "Rantai catatan perubahan perangkat {device} putus di entri no. {seq} (id {entry_id}, "
    "{at}): ada entri yang dihapus, disisipkan atau dipindah sebelumnya.",
    "The change-log chain of device {device} breaks at entry no. {seq} (id {entry_id}, {at}): "
    "an entry before it was removed, inserted or moved.",
)
CHAIN_UNCHAINED = Msg(
    "health.chain_unchained",
    "Entri catatan perubahan no. {seq} (id {entry_id}, {at}) dari perangkat {device} tidak "
    "memiliki hash: ditambahkan di luar aplikasi.",
    "Change-log entry no. {seq} (id {entry_id}, {at}) of device {device} has no hash: it was "
    "added outside the application.",
)
CHAIN_FORKED = Msg(
    "health.chain_forked",
    "Rantai catatan perubahan perangkat {device} bercabang di entri no. {seq} (id {entry_id}, "
    "{at}): dua entri melanjutkan entri yang sama.",
    "The change-log chain of device {device} forks at entry no. {seq} (id {entry_id}, {at}): "
    "two entries continue the same one.",
)
CHAIN_INTACT = Msg(
    "health.chain_intact",
    "Rantai catatan perubahan utuh: {entries} entri dari {devices} perangkat.",
    "The change-log chains are intact: {entries} entries from {devices} devices.",
)

_BREAK_MESSAGES = {
    "altered": CHAIN_ALTERED,
    "unlinked": CHAIN_UNLINKED,
    "unchained": CHAIN_UNCHAINED,
    "forked": CHAIN_FORKED,
}


@dataclass(frozen=True)
class Finding:
    """One thing the check found, coded like a refusal so it reads in either language."""

    msg: Msg
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.msg.code

    def render(self, lang: str = "id") -> str:
        return self.msg.text(lang, **self.params)


@dataclass
class HealthReport:
    path: str
    usable: bool
    schema_version: int | None = None
    app_schema_version: int = migrations.CURRENT_VERSION
    integrity: str = ""
    foreign_key_problems: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    chain_break: ChainBreak | None = None
    chain_summary: Finding | None = None

    @property
    def problems(self) -> list[str]:
        """The findings in Indonesian."""
        return [f.render() for f in self.findings]

    @property
    def exit_code(self) -> int:
        if not self.usable:
            return 2
        return 1 if self.findings else 0

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        return {
            "path": self.path,
            "usable": self.usable,
            "schema_version": self.schema_version,
            "app_schema_version": self.app_schema_version,
            "integrity": self.integrity,
            "foreign_key_problems": self.foreign_key_problems,
            "counts": self.counts,
            "problems": [f.render(lang) for f in self.findings],
            "problem_codes": [f.code for f in self.findings],
            "chain_break": None if self.chain_break is None else vars(self.chain_break),
            "exit_code": self.exit_code,
        }


def _own_device(conn: Connection) -> str | None:
    row = conn.execute("SELECT value FROM setting WHERE key = 'device'").fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return None
    device = data.get("id") if isinstance(data, dict) else None
    return device if isinstance(device, str) else None


def check_chains(conn: Connection) -> tuple[ChainBreak | None, int, int]:
    """(first break, entries, devices) over every device's chain. This database's own device
    must chain from its first entry; other devices' entries were received in parts."""
    own = _own_device(conn)
    devices = [r[0] for r in conn.execute("SELECT DISTINCT device_id FROM change_log")]
    devices.sort(key=lambda d: (d != own, d))
    for device in devices:
        found = chain.verify_device(conn, device, own=device == own)
        if found is not None:
            return found, 0, len(devices)
    entries = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return None, int(entries), len(devices)


def _device_label(conn: Connection, device_id: str) -> str:
    """A device's name (its receipt prefix) and id, as the administrator knows it."""
    name = None
    row = conn.execute("SELECT name FROM sync_device WHERE id = ?", (device_id,)).fetchone()
    if row is not None:
        name = row[0]
    elif device_id == _own_device(conn):
        own = conn.execute("SELECT value FROM setting WHERE key = 'device'").fetchone()
        try:
            name = json.loads(own[0]).get("name")
        except (ValueError, AttributeError):
            name = None
    return f"{name} ({device_id})" if name else device_id


def _break_finding(conn: Connection, found: ChainBreak) -> Finding:
    return Finding(
        _BREAK_MESSAGES[found.kind],
        {
            "device": _device_label(conn, found.device_id),
            "seq": found.seq,
            "entry_id": found.entry_id,
            "at": found.at,
        },
    )


def check_database(path: Path, key: bytes | None = None) -> HealthReport:
    """Integrity, schema version, counts and the change-log chains, without changing the file.
    `key` opens an encrypted database (from a login); without it one is reported locked."""
    report = HealthReport(path=str(path), usable=False)
    if not path.exists():
        report.findings.append(Finding(FILE_MISSING, {"path": str(path)}))
        return report
    try:
        db = open_database(path, create=False, read_only=True, key=key)
    except StorageError as exc:
        report.findings.append(Finding(exc.msg, dict(exc.params)))
        return report
    report.usable = True
    try:
        report.schema_version = db.schema_version()
        conn = connect(f"{path.resolve().as_uri()}?mode=ro", key=db.key, uri=True)
        try:
            report.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            report.foreign_key_problems = len(conn.execute("PRAGMA foreign_key_check").fetchall())
            for table in COUNTED_TABLES:
                report.counts[table] = conn.execute(
                    f"SELECT count(*) FROM {table}"  # noqa: S608 - fixed table names
                ).fetchone()[0]
            fts = conn.execute("SELECT count(*) FROM person_fts").fetchone()[0]
            found, entries, devices = check_chains(conn)
            broken = None if found is None else _break_finding(conn, found)
        finally:
            conn.close()
    finally:
        db.dispose()
    if report.integrity != "ok":
        report.findings.append(Finding(INTEGRITY_FAILED, {"result": report.integrity}))
    if report.foreign_key_problems:
        report.findings.append(Finding(FOREIGN_KEYS_BROKEN, {"count": report.foreign_key_problems}))
    if fts != report.counts.get("person"):
        report.findings.append(Finding(SEARCH_INDEX_MISMATCH))
    report.chain_break = found
    if broken is not None:
        report.findings.append(broken)
    else:
        report.chain_summary = Finding(CHAIN_INTACT, {"entries": entries, "devices": devices})
    return report


def backup(path: Path, target: Path, key: bytes | None = None) -> Path:
    """A consistent copy, safe while the app is writing to the same file; an encrypted
    database (opened with `key`) gives an encrypted copy with its key file beside it."""
    if not path.exists():
        raise StorageError(NOT_FOUND, path=str(path))
    # Refuses foreign, corrupt and (without the key) locked files before copying anything.
    open_database(path, create=False, read_only=True, key=key).dispose()
    return backup_database(path, target, key=key)
