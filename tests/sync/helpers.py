"""Building an office and field laptops for sync tests (synthetic data only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from desktop_app.domain.clock import FixedClock, HybridClock
from desktop_app.services.context import AppContext, open_app
from desktop_app.services.distribution import PointInput
from desktop_app.services.registry import HouseholdInput, PersonInput, RegistryService
from desktop_app.services.sync import ImportResult, SyncService
from desktop_app.services.sync.devices import DeviceService
from desktop_app.services.sync.merge import Entry, insert_rows
from desktop_app.storage.models import ChangeLog
from tests.helpers import make_kk, make_nik, open_round
from tests.services.distribution_fixtures import KEL_A, KEL_B, World, build_world

KEL = "35.72.02.1001"


@dataclass
class Site:
    name: str
    ctx: AppContext
    path: Path

    @property
    def sync(self) -> SyncService:
        return SyncService(self.ctx)

    @property
    def registry(self) -> RegistryService:
        return RegistryService(self.ctx)


def open_site(
    tmp: Path, name: str, clock: FixedClock, skew_ms: int = 0, *, durable: bool = True
) -> Site:
    path = tmp / f"{name}.sqlite"
    ctx = open_app(path, actor=f"petugas-{name}", clock=clock)
    if not durable:
        # Long property runs test merging, not the disk: skip the fsync of every commit.
        event.listen(ctx.db.engine, "connect", lambda c, _r: c.execute("PRAGMA synchronous = OFF"))
        ctx.db.engine.dispose()
    # Drive the HLC by the test clock (plus a skew) so runs are reproducible.
    ctx.hlc = HybridClock(ctx.device.id, now_ms=lambda: clock.now_ms() + skew_ms, last=ctx.hlc.last)
    return Site(name, ctx, path)


def register(office: Site, laptop: Site, name: str) -> None:
    ident = tmp_identity(laptop)
    svc = DeviceService(office.ctx)
    svc.register(svc.read_identity_file(ident), name=name)


def office_fingerprint(office: Site) -> str:
    """What the person at the laptop reads off the office's screen before a first join."""
    return DeviceService(office.ctx).identity().fingerprint


def join(lap: Site, path: Path, office: Site, **kwargs: Any) -> ImportResult:
    """Join a checkout the way a person does: confirming the office's fingerprint."""
    return lap.sync.join(path, confirm_fingerprint=office_fingerprint(office), **kwargs)


def tmp_identity(site: Site) -> Path:
    path = site.path.with_suffix(".identity.json")
    DeviceService(site.ctx).export_identity(path)
    return path


def add_household(site: Site, serial: int, members: int = 2) -> tuple[str, list[str]]:
    reg = site.registry
    head = reg.create_person(
        PersonInput(
            name=f"Kepala Contoh {serial}",
            sex="L",
            nik=make_nik(date(1970, 1, 1 + serial % 27), "L", serial),
            birth_date=date(1970, 1, 1 + serial % 27),
            kelurahan_code=KEL,
        )
    )
    hid = reg.create_household(
        HouseholdInput(kk_number=make_kk(serial), kelurahan_code=KEL), head_person_id=head
    )
    people = [head]
    for i in range(1, members):
        pid = reg.create_person(
            PersonInput(
                name=f"Anggota Contoh {serial}-{i}",
                sex="P",
                nik=make_nik(date(1975, 2, 1 + i), "P", serial * 10 + i),
                birth_date=date(1975, 2, 1 + i),
                kelurahan_code=KEL,
            )
        )
        reg.add_member(hid, pid, "istri" if i == 1 else "anak")
        people.append(pid)
    reg.enrol("RASTRADA", household_id=hid)
    return hid, people


def open_two_point_round(office: Site) -> tuple[World, str]:
    """The synthetic families plus an open Rastrada round with one point per kelurahan
    (Kepanjenkidul, Pakunden): the usual starting state of the distribution sync tests."""
    world = build_world(office.ctx, rapelan=False)
    rid = open_round(
        office.ctx,
        name="Rastrada Tahap IV 2026",
        code="RST4",
        points=[
            PointInput("Kantor Kelurahan Kepanjenkidul", kelurahan_codes=(KEL_A,)),
            PointInput("Kantor Kelurahan Pakunden", kelurahan_codes=(KEL_B,)),
        ],
    )
    return world, rid


def accept_held(site: Site) -> int:
    """A supervisor accepts every change held in quarantine (a batch at a time); returns how
    many were held."""
    count = 0
    while True:
        held = [q for q in site.sync.quarantine() if q.status == "held"]
        if not held:
            return count
        before = len(held)
        site.sync.decide_quarantine(held[0].change_id, release=True)
        count += before - len([q for q in site.sync.quarantine() if q.status == "held"])


def chain_into(site: Site, entries: list[Entry]) -> None:
    """Append entries to the site's change log (its trigger chains them) and give them the
    hashes they got: what the owner of a database can do with its own software."""
    if not entries:
        return
    table = ChangeLog.__table__  # type: ignore[attr-defined]
    with site.ctx.db.transaction() as s:
        insert_rows(s, table, [e.to_row() for e in entries])
        rows = s.execute(
            select(table.c.id, table.c.prev_hash, table.c.hash).where(
                table.c.id.in_([e.id for e in entries])
            )
        ).all()
    hashes = {r.id: (r.prev_hash, r.hash) for r in rows}
    for e in entries:
        e.prev_hash, e.hash = hashes[e.id]
