"""The golden sync bundles: fixed, synthetic test identities and how to (re)make the files.

`python -m tests.sync.golden` writes tests/data/sync-bundle-v{FORMAT_VERSION}.bdl, a return
bundle from a field laptop to the office. Run it once per released bundle format and commit the
file: tests prove every released format stays importable. The keys below are test fixtures,
derived from public strings; they protect nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

from desktop_app.domain.clock import FixedClock, HybridClock
from desktop_app.services.context import AppContext, Device, open_app
from desktop_app.services.registry import HouseholdInput, PersonInput, RegistryService
from desktop_app.services.sync.bundle import FORMAT_VERSION
from desktop_app.services.sync.devices import (
    SIGNING_KEY_SETTING,
    SYNC_ROLE_SETTING,
    DeviceIdentity,
    DeviceService,
    b64,
)
from desktop_app.storage.models import Setting
from tests.helpers import make_kk, make_nik

DATA = Path(__file__).resolve().parent.parent / "data"
OFFICE_ID = "01900000-0000-7000-8000-0000000000a1"
LAPTOP_ID = "01900000-0000-7000-8000-0000000000b2"
GOLDEN_AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def seed(name: str) -> bytes:
    return hashlib.sha256(f"berdaya-golden-{name}".encode()).digest()


def bundle_path(version: int = FORMAT_VERSION) -> Path:
    return DATA / f"sync-bundle-v{version}.bdl"


def with_identity(ctx: AppContext, device_id: str, name: str, key_seed: bytes) -> None:
    """Give a fresh database a fixed device identity (tests only)."""
    with ctx.db.transaction() as s:
        for key, value in (
            ("device", {"id": device_id, "name": name}),
            (SIGNING_KEY_SETTING, {"seed": b64(key_seed)}),
        ):
            row = s.get(Setting, key) or Setting(key=key, value="")
            row.value = json.dumps(value)
            s.add(row)
    ctx.device = Device(device_id, name)
    ctx.hlc = HybridClock(device_id, now_ms=ctx.hlc.physical_ms)


def identity(device_id: str, name: str, key_seed: bytes) -> DeviceIdentity:
    from nacl.signing import SigningKey

    return DeviceIdentity(device_id, name, b64(bytes(SigningKey(key_seed).verify_key)))


def main() -> None:
    import tempfile

    clock = FixedClock(GOLDEN_AT)
    with tempfile.TemporaryDirectory() as tmp:
        lap = open_app(Path(tmp) / "lap.sqlite", actor="golden", clock=clock)
        lap.hlc = HybridClock(lap.device.id, now_ms=clock.now_ms)
        with_identity(lap, LAPTOP_ID, "LAP01", seed("laptop"))
        lap.hlc = HybridClock(LAPTOP_ID, now_ms=clock.now_ms)
        DeviceService(lap).register(identity(OFFICE_ID, "KANTOR", seed("office")), role="office")
        with lap.db.transaction() as s:
            s.add(
                Setting(
                    key=SYNC_ROLE_SETTING,
                    value=json.dumps({"role": "field", "office_id": OFFICE_ID, "rounds": []}),
                )
            )
        reg = RegistryService(lap)
        kel = "35.72.02.1001"
        # The household head and his wife, with just the fields the golden bundle was made from.
        head, wife = (
            reg.create_person(
                PersonInput(
                    name=name,
                    sex=sex,
                    nik=make_nik(born, sex, serial),
                    birth_date=born,
                    kelurahan_code=kel,
                )
            )
            for name, sex, born, serial in (
                ("Contoh Kepala", "L", date(1970, 5, 17), 1),
                ("Contoh Istri", "P", date(1974, 8, 2), 2),
            )
        )
        hid = reg.create_household(
            HouseholdInput(
                kk_number=make_kk(1), street="Jl. Contoh 1", rt="1", rw="2", kelurahan_code=kel
            ),
            head_person_id=head,
        )
        reg.add_member(hid, wife, "istri")
        reg.enrol("RASTRADA", household_id=hid)
        reg.set_status(wife, "meninggal", date(2026, 1, 2))
        from desktop_app.services.sync import SyncService

        target = bundle_path()
        target.unlink(missing_ok=True)
        SyncService(lap).export(target)
        lap.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
