"""Writes the golden database of the current schema version into tests/data/.

Run once per released schema version (`python -m tests.storage.make_golden`) and commit the
file: tests then prove that every old version still opens and upgrades.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import open_app
from desktop_app.services.registry import HouseholdInput, RegistryService
from desktop_app.storage.migrations import CURRENT_VERSION
from tests.helpers import make_kk, person_input

DATA = Path(__file__).resolve().parent.parent / "data"


def golden_path(version: int) -> Path:
    return DATA / f"berdaya-schema-v{version}.sqlite"


def main() -> None:
    path = golden_path(CURRENT_VERSION)
    path.unlink(missing_ok=True)
    ctx = open_app(path, actor="golden", clock=FixedClock(datetime(2026, 1, 5, 2, 0, tzinfo=UTC)))
    reg = RegistryService(ctx)
    kel = "35.72.02.1001"
    # The head of household and his wife, both born in Blitar and living at the household's address.
    address = {"birth_place": "Blitar", "street": "Jl. Contoh 1", "rt": "1", "rw": "2"}
    head = reg.create_person(
        person_input("Contoh Kepala", "L", date(1961, 5, 17), 11, kel, **address)
    )
    wife = reg.create_person(
        person_input("Contoh Istri", "P", date(1964, 8, 2), 12, kel, **address)
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
