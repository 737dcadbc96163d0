"""Writes the golden database of the current schema version into tests/data/.

Run once per released schema version (`python -m tests.storage.make_golden`) and commit the
file: tests then prove that every old version still opens and upgrades.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import open_app
from desktop_app.services.registry import HouseholdInput, PersonInput, RegistryService
from desktop_app.storage.migrations import CURRENT_VERSION
from tests.helpers import make_kk, make_nik

DATA = Path(__file__).resolve().parent.parent / "data"


def golden_path(version: int) -> Path:
    return DATA / f"berdaya-schema-v{version}.sqlite"


def main() -> None:
    path = golden_path(CURRENT_VERSION)
    path.unlink(missing_ok=True)
    ctx = open_app(path, actor="golden", clock=FixedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC)))
    reg = RegistryService(ctx)
    kel = "35.72.02.1001"
    head = reg.create_person(
        PersonInput(
            "Contoh Kepala",
            "L",
            make_nik(date(1961, 5, 17), "L", 11),
            "Blitar",
            date(1961, 5, 17),
            "Jl. Contoh 1",
            "1",
            "2",
            kel,
        )
    )
    wife = reg.create_person(
        PersonInput(
            "Contoh Istri",
            "P",
            make_nik(date(1964, 8, 2), "P", 12),
            "Blitar",
            date(1964, 8, 2),
            "Jl. Contoh 1",
            "1",
            "2",
            kel,
        )
    )
    hid = reg.create_household(
        HouseholdInput(make_kk(21), "Jl. Contoh 1", "1", "2", kel), head_person_id=head
    )
    reg.add_member(hid, wife, "istri")
    reg.enrol("RASTRADA", household_id=hid, start_date=date(2025, 1, 2))
    reg.enrol("RAPELAN", person_id=head, start_date=date(2025, 1, 2))
    ctx.close()
    # One self-contained file: fold the WAL in.
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    print(path)


if __name__ == "__main__":
    main()
