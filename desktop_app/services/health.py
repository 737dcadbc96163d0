"""Health check and backup of a database file, for administrators (`berdaya check/backup`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.storage import migrations
from desktop_app.storage.db import StorageError, backup_database, open_database
from desktop_app.storage.driver import connect
from desktop_app.storage.messages import NOT_FOUND

COUNTED_TABLES = ("person", "household", "enrolment", "change_log")


@dataclass
class HealthReport:
    path: str
    usable: bool
    schema_version: int | None = None
    app_schema_version: int = migrations.CURRENT_VERSION
    integrity: str = ""
    foreign_key_problems: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if not self.usable:
            return 2
        return 1 if self.problems else 0


def check_database(path: Path) -> HealthReport:
    """Integrity, schema version and counts, without changing the file."""
    report = HealthReport(path=str(path), usable=False)
    if not path.exists():
        report.problems.append(f"Berkas {path} tidak ditemukan.")
        return report
    try:
        db = open_database(path, create=False, read_only=True)
    except StorageError as exc:
        report.problems.append(exc.user_message)
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
        finally:
            conn.close()
    finally:
        db.dispose()
    if report.integrity != "ok":
        report.problems.append(f"Pemeriksaan integritas gagal: {report.integrity}")
    if report.foreign_key_problems:
        report.problems.append(f"{report.foreign_key_problems} rujukan antar-tabel rusak.")
    if fts != report.counts.get("person"):
        report.problems.append("Indeks pencarian tidak sesuai dengan data orang.")
    return report


def backup(path: Path, target: Path) -> Path:
    """A consistent copy, safe while the app is writing to the same file."""
    if not path.exists():
        raise StorageError(NOT_FOUND, path=str(path))
    open_database(path, create=False, read_only=True).dispose()  # refuses foreign/corrupt files
    return backup_database(path, target)
