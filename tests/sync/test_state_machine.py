"""Property-based test of the whole exchange: an office and two laptops with skewed clocks.

Each example starts from copies of one prepared set of database files (an office with an open
Rastrada round that both laptops have joined). Hypothesis then interleaves receipts, voids and
registry edits on every device, exports bundles into a pool, imports any bundle any number of
times in any order (sometimes crashing in the middle of the import), and lets a supervisor
decide double claims. At the end a full exchange runs and every database must agree.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.registry import PersonInput
from desktop_app.services.sync import BundleRefused
from desktop_app.services.sync.double_claims import DoubleClaimService
from tests.conftest import FIXED_NOW
from tests.sync.helpers import Site, accept_held, join, open_site, open_two_point_round, register

SKEWS = {"office": 0, "lap1": -5 * 60_000, "lap2": 7 * 60_000}
SYNCED_TABLES = (
    "household",
    "person",
    "kk_history",
    "status_history",
    "enrolment",
    "distribution_round",
    "distribution_point",
    "distribution_roster",
    "distribution_receipt",
    "distribution_receipt_void",
    "distribution_mark",
    "double_claim_decision",
)
_TEMPLATE: dict[str, object] = {}


class Crash(Exception):
    """Stands for a power cut in the middle of an import."""


def _template() -> dict[str, object]:
    """Build the starting databases once per test session."""
    if _TEMPLATE:
        return _TEMPLATE
    root = Path(tempfile.mkdtemp(prefix="berdaya-sync-sm-"))
    clock = FixedClock(FIXED_NOW)
    office = open_site(root, "office", clock)
    world, rid = open_two_point_round(office)
    for n in (1, 2):
        lap = open_site(root, f"lap{n}", clock, skew_ms=SKEWS[f"lap{n}"])
        register(office, lap, f"LAP0{n}")
        office.sync.checkout(f"LAP0{n}", root / f"co{n}.bdl", round_id=rid)
        join(lap, root / f"co{n}.bdl", office)
        lap.ctx.close()
    office.ctx.close()
    heads = [f.head_nik for f in world.families]
    people = [f.head_id for f in world.families] + [m[0] for f in world.families for m in f.members]
    households = [f.household_id for f in world.families]
    _TEMPLATE.update(root=root, round_id=rid, heads=heads, people=people, households=households)
    return _TEMPLATE


def _snapshot(site: Site, tables: tuple[str, ...] = SYNCED_TABLES) -> dict[str, list[tuple]]:
    out = {}
    with site.ctx.db.engine.connect() as conn:
        for table in tables:
            cols = [
                r[1]
                for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")
                if r[1] not in ("created_at", "updated_at")
            ]
            order = ", ".join(str(i + 1) for i in range(len(cols)))
            out[table] = list(
                conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")
            )
    return out


def _full_snapshot(site: Site) -> dict[str, list[tuple]]:
    return _snapshot(
        site,
        (*SYNCED_TABLES, "change_log", "sync_bundle", "sync_peer", "sync_conflict", "sync_slice"),
    )


def _policy_log(site: Site) -> set[tuple]:
    """The synced part of the change log, as stored (text of every column but the local seq)."""
    from desktop_app.services.sync.merge import POLICIES

    marks = ",".join("?" for _ in POLICIES)
    with site.ctx.db.engine.connect() as conn:
        return set(
            conn.exec_driver_sql(
                "SELECT id, hlc, device_id, actor, at, entity, entity_id, op, changes, source, "
                f"batch_id FROM change_log WHERE entity IN ({marks})",
                tuple(POLICIES),
            )
        )


class SyncMachine(RuleBasedStateMachine):
    bundles = Bundle("bundles")

    @initialize()
    def start(self) -> None:
        template = _template()
        self.tmp = Path(tempfile.mkdtemp(prefix="berdaya-sync-ex-"))
        for name in SKEWS:
            for suffix in (".sqlite", ".sqlite-wal"):
                src = template["root"] / f"{name}{suffix}"  # type: ignore[operator]
                if src.exists():
                    shutil.copy(src, self.tmp / src.name)
        self.clock = FixedClock(FIXED_NOW)
        self.sites = {
            n: open_site(self.tmp, n, self.clock, skew_ms=s, durable=False)
            for n, s in SKEWS.items()
        }
        self.round_id: str = template["round_id"]  # type: ignore[assignment]
        self.heads: list[str] = template["heads"]  # type: ignore[assignment]
        self.people: list[str] = list(template["people"])  # type: ignore[call-overload]
        self.households: list[str] = template["households"]  # type: ignore[assignment]
        self.receipts: dict[str, str] = {}  # number -> roster id, everything ever recorded
        self.voided: set[str] = set()
        self.counter = 0

    def teardown(self) -> None:
        if not hasattr(self, "sites"):
            return
        try:
            self._full_exchange_and_check()
        finally:
            for site in self.sites.values():
                site.ctx.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- work on the devices -------------------------------------------------------------------
    @rule(site=st.sampled_from(list(SKEWS)), who=st.integers(0, 5))
    def receive(self, site: str, who: int) -> None:
        dist = DistributionService(self.sites[site].ctx)
        try:
            roster = dist.scan(self.round_id, self.heads[who])
            receipt = dist.receive(self.round_id, roster.id)
        except ServiceError:
            return  # already received as far as this device knows, or the recipient died
        self.receipts[receipt.number] = receipt.roster_id

    @rule(site=st.sampled_from(list(SKEWS)), pick=st.integers(0, 50))
    def void(self, site: str, pick: int) -> None:
        dist = DistributionService(self.sites[site].ctx)
        known = [r for r in dist.receipts(self.round_id) if not r.voided]
        if not known:
            return
        receipt = known[pick % len(known)]
        dist.void(receipt.number, "salah pindai")
        self.voided.add(receipt.number)

    @rule(site=st.sampled_from(list(SKEWS)), who=st.integers(0, 10), phone=st.integers(0, 3))
    def edit_phone(self, site: str, who: int, phone: int) -> None:
        reg = self.sites[site].registry
        person = self.people[who % len(self.people)]
        inp = reg.get_person(person).input
        inp.phone = f"0812000{phone}"
        with contextlib.suppress(ServiceError):  # e.g. nothing changed
            reg.update_person(person, inp)

    @rule(
        site=st.sampled_from(list(SKEWS)),
        who=st.integers(0, 10),
        status=st.sampled_from(["meninggal", "pindah", "aktif"]),
    )
    def set_status(self, site: str, who: int, status: str) -> None:
        reg = self.sites[site].registry
        with contextlib.suppress(ServiceError):  # e.g. the status is already that
            reg.set_status(self.people[who % len(self.people)], status, date(2026, 11, 1))

    @rule(site=st.sampled_from(list(SKEWS)), family=st.integers(0, 5))
    def new_member(self, site: str, family: int) -> None:
        """A baby registered in the field or at the office: a new person in a served KPM."""
        reg = self.sites[site].registry
        self.counter += 1
        person = reg.create_person(
            PersonInput(name=f"Bayi Contoh {self.counter}", sex="P", birth_date=date(2026, 10, 1))
        )
        household = self.households[family]
        with contextlib.suppress(ServiceError):  # e.g. the household was changed meanwhile
            reg.add_member(household, person, "anak")
        self.people.append(person)

    @rule(minutes=st.integers(1, 120))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    # -- bundles -------------------------------------------------------------------------------
    @rule(target=bundles, laptop=st.sampled_from(["lap1", "lap2"]))
    def laptop_exports(self, laptop: str) -> tuple[str, Path]:
        self.counter += 1
        path = self.tmp / f"{laptop}-{self.counter}.bdl"
        self.sites[laptop].sync.export(path)
        return ("office", path)

    @rule(target=bundles, laptop=st.sampled_from(["lap1", "lap2"]))
    def office_exports(self, laptop: str) -> tuple[str, Path]:
        self.counter += 1
        path = self.tmp / f"office-{laptop}-{self.counter}.bdl"
        self.sites["office"].sync.export(path, "LAP0" + laptop[-1])
        return (laptop, path)

    @rule(
        bundle=bundles,
        crash_at=st.sampled_from([None, None, "applied", "stored", "marked"]),
    )
    def import_bundle(self, bundle: tuple[str, Path], crash_at: str | None) -> None:
        where, path = bundle
        site = self.sites[where]
        if crash_at is not None:
            before = _full_snapshot(site)

            def power_cut(stage: str) -> None:
                if stage == crash_at:
                    raise Crash(stage)

            try:
                done = site.sync.import_bundle(path, make_ack=False, on_stage=power_cut)
            except Crash:
                event(f"crashed at {crash_at}")
                assert _full_snapshot(site) == before, "a crashed import left changes behind"
            else:
                assert done.already_imported  # nothing to do, so nothing to interrupt
        site.sync.import_bundle(path, make_ack=False)
        state = _snapshot(site)
        again = site.sync.import_bundle(path, make_ack=False)
        assert again.already_imported and _snapshot(site) == state

    @rule(bundle=consumes(bundles))
    def bundle_lost(self, bundle: tuple[str, Path]) -> None:
        """A stick goes missing: later bundles must make up for it."""

    @rule(pick=st.integers(0, 20), confirm=st.booleans())
    def supervisor_decides(self, pick: int, confirm: bool) -> None:
        claims = DoubleClaimService(self.sites["office"].ctx)
        open_items = [c for c in claims.claims() if c.status == "open"]
        if not open_items:
            return
        item = open_items[pick % len(open_items)]
        if confirm:
            claims.resolve(item.roster_id, "confirm", "benar dua kali")
        else:
            live = [r for r in item.receipts if not r.voided]
            victim = live[-1].number
            claims.resolve(item.roster_id, "void", "dicek", void_receipt=victim)
            self.voided.add(victim)

    @rule(pick=st.integers(0, 20))
    def supervisor_accepts_held(self, pick: int) -> None:
        """What a laptop may only propose (a death, a new member, a void of another device's
        receipt) waits in quarantine until the office accepts it."""
        office = self.sites["office"].sync
        held = [q for q in office.quarantine() if q.status == "held"]
        if held:
            office.decide_quarantine(held[pick % len(held)].change_id, release=True)

    @invariant()
    def numbers_are_unique_everywhere(self) -> None:
        if not hasattr(self, "sites"):
            return
        for site in self.sites.values():
            numbers = [
                r[1] for r in _snapshot(site, ("distribution_receipt",))["distribution_receipt"]
            ]
            assert len(numbers) == len(set(numbers))

    # -- the end: everything comes home and goes out again ---------------------------------------
    def _full_exchange_and_check(self) -> None:
        office = self.sites["office"]
        for laptop in ("lap1", "lap2"):
            path = self.tmp / f"final-{laptop}.bdl"
            self.sites[laptop].sync.export(path)
            office.sync.import_bundle(path, make_ack=False)
        event(f"held for the supervisor at the end: {min(accept_held(office), 3)}+")
        for laptop in ("lap1", "lap2"):
            path = self.tmp / f"final-office-{laptop}.bdl"
            office.sync.export(path, "LAP0" + laptop[-1])
            self.sites[laptop].sync.import_bundle(path, make_ack=False)

        states = {name: _snapshot(site) for name, site in self.sites.items()}
        for table in SYNCED_TABLES:
            assert states["lap1"][table] == states["office"][table], f"lap1 differs in {table}"
            assert states["lap2"][table] == states["office"][table], f"lap2 differs in {table}"
        logs = {name: _policy_log(site) for name, site in self.sites.items()}
        assert logs["lap1"] == logs["office"] == logs["lap2"], "change logs differ"
        conflicts = {
            name: sorted((c.id, c.open) for c in site.sync.conflicts(open_only=False))
            for name, site in self.sites.items()
        }
        for name, site in self.sites.items():
            site.sync.rebuild_conflicts()
            rebuilt = sorted((c.id, c.open) for c in site.sync.conflicts(open_only=False))
            assert rebuilt == conflicts[name], f"{name}: stored conflicts are stale"
        assert conflicts["lap1"] == conflicts["office"] == conflicts["lap2"]

        # Nothing recorded anywhere is missing at the office, and nothing is invented.
        dist = DistributionService(office.ctx)
        at_office = {r.number: r for r in dist.receipts(self.round_id)}
        assert set(at_office) == set(self.receipts)
        assert {n for n, r in at_office.items() if r.voided} == self.voided
        # A double claim is flagged exactly when two non-void receipts exist for one recipient.
        live = Counter(r for n, r in self.receipts.items() if n not in self.voided)
        expected = {roster for roster, n in live.items() if n > 1}
        event(f"double claims at the end: {min(len(expected), 2)}+")
        event(f"open conflicts at the end: {min(sum(o for _, o in conflicts['office']), 3)}+")
        for site in self.sites.values():
            flagged = {c.roster_id for c in DoubleClaimService(site.ctx).claims()}
            assert flagged == expected

        # Every bundle ever made, imported again in any order, changes nothing.
        before = {name: _snapshot(site) for name, site in self.sites.items()}
        for path in sorted(self.tmp.glob("*.bdl"), reverse=True):
            target = "office" if path.name.startswith(("lap", "final-lap")) else None
            if target is None:
                target = "lap1" if "lap1" in path.name else "lap2"
            try:
                self.sites[target].sync.import_bundle(path, make_ack=False)
            except BundleRefused:
                pytest.fail(f"{path.name} refused on re-import")
        after = {name: _snapshot(site) for name, site in self.sites.items()}
        assert after == before


SyncMachine.TestCase.settings = settings(
    # A longer hunt: BERDAYA_SYNC_EXAMPLES=300 pytest tests/sync/test_state_machine.py
    max_examples=int(os.environ.get("BERDAYA_SYNC_EXAMPLES", "12")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_sync_state_machine = SyncMachine.TestCase
