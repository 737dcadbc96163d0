"""Attacks by someone who owns one field laptop (its database and so its real signing key).

Each test forges entries exactly as the laptop's software would log them, seals them into a
bundle with the laptop's own key, imports it at the office, and checks that the office's data
is unchanged, the entry waits in quarantine with its reason, and the laptop's next honest
bundle still applies.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from desktop_app.domain.clock import FixedClock
from desktop_app.domain.ids import new_id
from desktop_app.domain.receipts import encode_signature
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync import apply as apply_module
from desktop_app.services.sync import export as export_module
from desktop_app.services.sync.authority import FIELD_EDITABLE
from desktop_app.services.sync.merge import Entry, canonical_json
from tests.conftest import FIXED_NOW
from tests.sync.helpers import (
    Site,
    chain_into,
    join,
    open_site,
    open_two_point_round,
    register,
)
from tests.sync.test_state_machine import SYNCED_TABLES, _snapshot


class Setup:
    """An office with an open two-point round; LAP01 serves point 1, LAP02 point 2."""

    def __init__(self, root: Path, clock: FixedClock) -> None:
        self.root, self.clock = root, clock
        self.office = open_site(root, "office", clock, durable=False)
        self.world, self.round_id = open_two_point_round(self.office)
        self.lap1 = self._laptop(1, "1")
        self.lap2 = self._laptop(2, "2")
        with self.office.ctx.db.engine.connect() as conn:
            points = dict(
                conn.exec_driver_sql("SELECT sort_order, id FROM distribution_point").all()
            )
            self.point1, self.point2 = sorted(points.items())[0][1], sorted(points.items())[1][1]
            rows = conn.exec_driver_sql(
                "SELECT id, point_id, household_id FROM distribution_roster"
            ).all()
        self.roster1 = [r[0] for r in rows if r[1] == self.point1]
        self.roster2 = [r[0] for r in rows if r[1] == self.point2]
        self.home1 = [r[2] for r in rows if r[1] == self.point1]
        self.home2 = [r[2] for r in rows if r[1] == self.point2]
        self.n = 0

    def _laptop(self, n: int, point: str) -> Site:
        lap = open_site(self.root, f"lap{n}", self.clock, skew_ms=-60_000, durable=False)
        register(self.office, lap, f"LAP0{n}")
        self.office.sync.checkout(
            f"LAP0{n}", self.root / f"co{n}.bdl", round_id="RST4", point_ids=[point]
        )
        join(lap, self.root / f"co{n}.bdl", self.office)
        return lap

    def person_of(self, household_id: str) -> str:
        with self.office.ctx.db.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT head_person_id FROM household WHERE id = ?", (household_id,)
            ).scalar_one()

    def close(self) -> None:
        for site in (self.office, self.lap1, self.lap2):
            site.ctx.close()


@pytest.fixture
def setup(tmp_path: Path):
    s = Setup(tmp_path, FixedClock(FIXED_NOW))
    s.clock.advance(hours=1)
    yield s
    s.close()


def forge(
    lap: Site,
    entity: str,
    entity_id: str,
    changes: dict[str, list[Any]],
    *,
    op: str = "update",
    device_id: str | None = None,
    ahead_ms: int = 0,
) -> Entry:
    """An entry as the laptop's software logs it (or as a modified copy would)."""
    stamp = lap.ctx.hlc.now()
    hlc = f"{stamp.wall_ms + ahead_ms:013d}-{stamp.counter:05d}-{stamp.device}"
    return Entry(
        id=new_id(),
        hlc=hlc,
        device_id=device_id or lap.ctx.device.id,
        actor="petugas-lap",
        at=lap.ctx.clock.now().isoformat(),
        entity=entity,
        entity_id=entity_id,
        op=op,
        changes=canonical_json(changes),
        batch_id=new_id(),
    )


def send(s: Setup, lap: Site, entries: list[Entry], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Seal the forged entries (plus whatever the laptop really has) with the laptop's real
    key and import the bundle at the office. The forged entries are written into the laptop's
    change log first, as its owner could, so they are part of its hash chain."""
    chain_into(lap, entries)
    real = export_module.own_entries
    monkeypatch.setattr(
        export_module, "own_entries", lambda sess, dev, after: [*real(sess, dev, after), *entries]
    )
    s.n += 1
    path = lap.sync.export(s.root / f"forged-{s.n}.bdl").path
    monkeypatch.setattr(export_module, "own_entries", real)
    return s.office.sync.import_bundle(path, make_ack=False)


def _assert_held(s: Setup, result: Any, before: dict, code: str, n: int = 1) -> None:
    assert result.exit_code == 1 and result.quarantined == n
    assert _snapshot(s.office, SYNCED_TABLES) == before, "the office's data changed"
    held = [q for q in s.office.sync.quarantine() if q.bundle_id == result.bundle_id]
    assert len(held) == n and all(q.status == "held" for q in held)
    assert held[0].reason_code == code and held[0].reason and "LAP01" in held[0].reason


def _still_flows(s: Setup) -> None:
    """The laptop's next honest change (a phone number) applies with exit code 0."""
    person = s.person_of(s.home1[0])
    inp = s.lap1.registry.get_person(person).input
    inp.phone = f"0812-{s.n:04d}"
    s.lap1.registry.update_person(person, inp)
    s.n += 1
    result = s.office.sync.import_bundle(
        s.lap1.sync.export(s.root / f"ok-{s.n}.bdl").path, make_ack=False
    )
    assert result.exit_code == 0 and result.quarantined == 0
    assert s.office.registry.get_person(person).input.phone == inp.phone


def _attack(s: Setup, monkeypatch, entries: list[Entry], code: str) -> None:
    before = _snapshot(s.office, SYNCED_TABLES)
    result = send(s, s.lap1, entries, monkeypatch)
    _assert_held(s, result, before, code, n=len(entries))
    _still_flows(s)


# -- origin ------------------------------------------------------------------------------
def test_entry_stamped_as_the_office_is_held(setup, monkeypatch) -> None:
    person = setup.person_of(setup.home1[0])
    e = forge(
        setup.lap1,
        "person",
        person,
        {"phone": [None, "0800"]},
        device_id=setup.office.ctx.device.id,
    )
    _attack(setup, monkeypatch, [e], "sync.rule.other_origin")


def test_entry_relayed_from_another_revoked_laptop_is_held(setup, monkeypatch) -> None:
    setup.office.sync.devices.revoke(setup.lap2.ctx.device.id, "laptop hilang")
    person = setup.person_of(setup.home1[0])
    e = forge(
        setup.lap1, "person", person, {"phone": [None, "0800"]}, device_id=setup.lap2.ctx.device.id
    )
    _attack(setup, monkeypatch, [e], "sync.rule.other_origin")


# -- tombstones and what is never synced -------------------------------------------------
def test_tombstone_of_a_person_is_held(setup, monkeypatch) -> None:
    person = setup.person_of(setup.home1[0])
    e = forge(setup.lap1, "person", person, {"deleted": [False, True]}, op="delete")
    _attack(setup, monkeypatch, [e], "sync.rule.tombstone")


def test_tombstones_of_enrolments_and_households_are_held(setup, monkeypatch) -> None:
    with setup.office.ctx.db.engine.connect() as conn:
        enrolment = conn.exec_driver_sql(
            "SELECT id FROM enrolment WHERE household_id = ?", (setup.home1[0],)
        ).scalar_one()
    entries = [
        forge(setup.lap1, "enrolment", enrolment, {"deleted": [False, True]}),
        forge(setup.lap1, "household", setup.home1[0], {"deleted": [False, True]}),
    ]
    _attack(setup, monkeypatch, entries, "sync.rule.tombstone")


@pytest.mark.parametrize("entity", ["setting", "sync_device", "user", "device_key"])
def test_changes_to_settings_devices_users_keys_are_held(setup, monkeypatch, entity) -> None:
    e = forge(setup.lap1, entity, setup.office.ctx.device.id, {"revoked": [False, True]})
    _attack(setup, monkeypatch, [e], "sync.rule.not_synced")


def test_removing_a_roster_entry_is_the_offices(setup, monkeypatch) -> None:
    e = forge(setup.lap1, "distribution_roster", setup.roster1[0], {"active": [True, False]})
    _attack(setup, monkeypatch, [e], "sync.rule.office_only")


# -- the registry ----------------------------------------------------------------------------------
def test_registry_edit_outside_the_laptops_slice_is_held(setup, monkeypatch) -> None:
    outsider = setup.person_of(setup.home2[0])
    entries = [
        forge(setup.lap1, "person", outsider, {"phone": [None, "0800"]}),
        forge(
            setup.lap1,
            "person",
            outsider,
            {"status": ["aktif", "meninggal"], "status_date": [None, "2026-11-01"]},
        ),
    ]
    _attack(setup, monkeypatch, entries, "sync.rule.outside_slice")


@pytest.mark.parametrize(
    ("entity", "changes"),
    [
        ("person", {"nik": [None, "3572015001700099"]}),
        ("person", {"status": ["aktif", "meninggal"], "status_date": [None, "2026-11-01"]}),
        ("person", {"status": ["aktif", "pindah"], "status_date": [None, "2026-11-01"]}),
        ("person", {"household_id": [None, None], "relation": ["kepala", None]}),
        ("household", {"kk_number": [None, "3572011003159999"]}),
        ("household", {"head_person_id": [None, "someone-else"]}),
        ("person", {"nik": ["3572015001700099", "3572015001700099"]}),  # "before" lies
    ],
)
def test_critical_facts_arrive_as_proposals(setup, monkeypatch, entity, changes) -> None:
    target = setup.home1[0] if entity == "household" else setup.person_of(setup.home1[0])
    e = forge(setup.lap1, entity, target, changes)
    _attack(setup, monkeypatch, [e], "sync.rule.proposal")


def test_enrolment_end_from_a_laptop_is_a_proposal(setup, monkeypatch) -> None:
    with setup.office.ctx.db.engine.connect() as conn:
        enrolment = conn.exec_driver_sql(
            "SELECT id FROM enrolment WHERE household_id = ?", (setup.home1[0],)
        ).scalar_one()
    e = forge(
        setup.lap1,
        "enrolment",
        enrolment,
        {"end_date": [None, "2026-11-01"], "end_reason": [None, "pindah"]},
    )
    _attack(setup, monkeypatch, [e], "sync.rule.proposal")


def test_a_real_death_is_proposed_then_accepted_or_rejected(setup) -> None:
    office, lap = setup.office, setup.lap1
    head = setup.person_of(setup.home1[0])
    lap.registry.set_status(head, "meninggal", FIXED_NOW.date() - timedelta(days=2))
    result = office.sync.import_bundle(lap.sync.export(setup.root / "d.bdl").path)
    assert result.exit_code == 1 and office.registry.get_person(head).status == "aktif"
    held = office.sync.quarantine()
    assert {q.reason_code for q in held} == {"sync.rule.proposal"}
    # Rejected: the office's value goes back to the laptop as a decision.
    office.sync.decide_quarantine(held[0].change_id, release=False)
    assert {q.status for q in office.sync.quarantine()} == {"discarded"}
    assert office.registry.get_person(head).status == "aktif"
    lap.sync.import_bundle(result.ack.path)
    lap.sync.import_bundle(office.sync.export(setup.root / "u.bdl", "LAP01").path)
    assert lap.registry.get_person(head).status == "aktif"
    # Recorded again and accepted: it applies at the office.
    lap.registry.set_status(head, "meninggal", FIXED_NOW.date() - timedelta(days=1))
    office.sync.import_bundle(lap.sync.export(setup.root / "d2.bdl").path)
    held = [q for q in office.sync.quarantine() if q.status == "held"]
    office.sync.decide_quarantine(held[0].change_id, release=True)
    assert office.registry.get_person(head).status == "meninggal"
    assert all(q.status != "held" for q in office.sync.quarantine())  # the batch went together


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"sex": ["L", "12345"]}, "sex"),
        ({"status": ["aktif", "hilang"]}, "status"),
        ({"rt": [None, "12a4"]}, "rt"),
        ({"kelurahan_code": [None, "99.99.99.9999"]}, "kel"),
        ({"phone": [None, {"x": 1}]}, "type"),
    ],
)
def test_values_failing_domain_validation_are_held(setup, monkeypatch, changes, what) -> None:
    person = setup.person_of(setup.home1[0])
    e = forge(setup.lap1, "person", person, changes)
    _attack(setup, monkeypatch, [e], "sync.rule.invalid_value")


# -- the counter -----------------------------------------------------------------------------------
def _receipt(s: Setup, lap: Site, roster: str, number: str, **extra: Any) -> Entry:
    rid = new_id()
    now = lap.ctx.clock.now().isoformat()
    fields = {
        "id": rid,
        "number": number,
        "round_id": s.round_id,
        "roster_id": roster,
        "point_id": s.point1,
        "collector_name": None,
        "collector_nik": None,
        "collector_relation": None,
        "officer": "petugas",
        "received_at": now,
        "device_id": lap.ctx.device.id,
        "device_name": "LAP01",
        "verification_code": "ABC123",
        **extra,
    }
    return forge(
        lap, "distribution_receipt", rid, {k: [None, v] for k, v in fields.items()}, op="receive"
    )


def test_receipt_for_a_point_not_checked_out_is_held(setup, monkeypatch) -> None:
    e = _receipt(setup, setup.lap1, setup.roster2[0], "RST4-LAP01-000900")
    _attack(setup, monkeypatch, [e], "sync.rule.roster_not_served")


def test_receipt_in_a_round_closed_when_recorded_is_held(setup, monkeypatch) -> None:
    DistributionService(setup.office.ctx).close_round(setup.round_id)
    setup.clock.advance(minutes=30)
    e = _receipt(setup, setup.lap1, setup.roster1[0], "RST4-LAP01-000900")
    _attack(setup, monkeypatch, [e], "sync.rule.round_not_open")


def test_receipt_with_another_laptops_prefix_is_held_and_never_blocks_it(
    setup, monkeypatch
) -> None:
    e = _receipt(setup, setup.lap1, setup.roster1[0], "RST4-LAP02-000001", device_name="LAP02")
    _attack(setup, monkeypatch, [e], "sync.rule.receipt_prefix")
    # LAP02's own first receipt carries that very number: it still imports cleanly.
    dist = DistributionService(setup.lap2.ctx)
    receipt = dist.receive(setup.round_id, setup.roster2[0])
    assert receipt.number == "RST4-LAP02-000001"
    result = setup.office.sync.import_bundle(setup.lap2.sync.export(setup.root / "l2.bdl").path)
    assert result.exit_code == 0 and result.applied >= 1
    assert (
        DistributionService(setup.office.ctx).get_receipt(receipt.number).roster_id
        == (setup.roster2[0])
    )


def test_unsigned_receipt_from_a_laptop_is_held(setup, monkeypatch) -> None:
    # Everything else about it is in order: its own point, its own prefix, an open round.
    e = _receipt(setup, setup.lap1, setup.roster1[0], "RST4-LAP01-000900")
    _attack(setup, monkeypatch, [e], "signing.signature_missing")


def test_receipt_whose_signature_does_not_match_is_held(setup, monkeypatch) -> None:
    # A well-formed signature by some other key (or over other content) proves nothing.
    forged = encode_signature(SigningKey.generate().sign(b"another receipt").signature)
    e = _receipt(setup, setup.lap1, setup.roster1[0], "RST4-LAP01-000900", signature=forged)
    _attack(setup, monkeypatch, [e], "signing.signature_bad")


def test_receipts_checked_on_threads_get_the_same_verdicts(setup, monkeypatch) -> None:
    # Threads even for a handful of receipts. They are screened as signed while the threads
    # work; a forged one among honest ones makes the import run again knowing which it was.
    monkeypatch.setattr(apply_module, "_JOBS_PER_THREAD", 1)
    attempts: list[bool] = []
    merge_in = apply_module.SyncApply._merge_in

    def counting(self, *args: Any, **kwargs: Any) -> Any:
        attempts.append(kwargs["optimistic"])
        return merge_in(self, *args, **kwargs)

    monkeypatch.setattr(apply_module.SyncApply, "_merge_in", counting)
    dist = DistributionService(setup.lap1.ctx)
    honest = [dist.receive(setup.round_id, roster) for roster in setup.roster1[1:3]]
    forged = encode_signature(SigningKey.generate().sign(b"another receipt").signature)
    e = _receipt(setup, setup.lap1, setup.roster1[0], "RST4-LAP01-000900", signature=forged)
    before = _snapshot(setup.office, SYNCED_TABLES)
    result = send(setup, setup.lap1, [e], monkeypatch)
    assert attempts == [True, False]
    assert result.exit_code == 1 and result.quarantined == 1 and result.applied == len(honest)
    held = [q for q in setup.office.sync.quarantine() if q.bundle_id == result.bundle_id]
    assert [q.change_id for q in held] == [e.id]
    assert held[0].reason_code == "signing.signature_bad"
    assert _snapshot(setup.office, SYNCED_TABLES) != before
    office = DistributionService(setup.office.ctx)
    for receipt in honest:
        assert office.get_receipt(receipt.number).roster_id == receipt.roster_id
    attempts.clear()
    _still_flows(setup)  # no receipt in it: nothing for the threads, one attempt
    assert attempts == [True]


def test_honest_receipts_checked_on_threads_import_in_one_attempt(setup, monkeypatch) -> None:
    monkeypatch.setattr(apply_module, "_JOBS_PER_THREAD", 1)
    attempts: list[bool] = []
    merge_in = apply_module.SyncApply._merge_in

    def counting(self, *args: Any, **kwargs: Any) -> Any:
        attempts.append(kwargs["optimistic"])
        return merge_in(self, *args, **kwargs)

    monkeypatch.setattr(apply_module.SyncApply, "_merge_in", counting)
    dist = DistributionService(setup.lap1.ctx)
    honest = [dist.receive(setup.round_id, roster) for roster in setup.roster1[:3]]
    result = setup.office.sync.import_bundle(
        setup.lap1.sync.export(setup.root / "honest.bdl").path, make_ack=False
    )
    assert attempts == [True]
    assert result.exit_code == 0 and result.applied == len(honest) and result.quarantined == 0


def _on_the_offices_receipt(setup: Setup, reason: str) -> dict[str, Any]:
    """The office records a receipt and LAP01 receives it; returns the fields of a laptop's
    change to that receipt (a void or a correction), with a fresh id."""
    receipt = DistributionService(setup.office.ctx).receive(setup.round_id, setup.roster1[1])
    setup.lap1.sync.import_bundle(setup.office.sync.export(setup.root / "u.bdl", "LAP01").path)
    return {
        "id": new_id(),
        "receipt_id": receipt.id,
        "round_id": setup.round_id,
        "reason": reason,
        "at": FIXED_NOW.isoformat(),
        "actor": "x",
        "device_id": setup.lap1.ctx.device.id,
    }


def test_void_of_the_offices_own_receipt_is_held(setup, monkeypatch) -> None:
    fields = _on_the_offices_receipt(setup, "salah")
    e = forge(
        setup.lap1,
        "distribution_receipt_void",
        fields["id"],
        {k: [None, v] for k, v in fields.items()},
        op="void",
    )
    _attack(setup, monkeypatch, [e], "sync.rule.void_not_own")


def test_collector_correction_of_the_offices_receipt_is_held(setup, monkeypatch) -> None:
    fields = {
        **_on_the_offices_receipt(setup, "yang mengambil istrinya"),
        "hlc": "",
        "collector_name": "Orang Lain",
        "collector_nik": None,
        "collector_relation": "surat_kuasa",
    }
    changes = {k: [None, v] for k, v in fields.items() if k != "hlc"}
    e = forge(setup.lap1, "distribution_collector_correction", fields["id"], changes, op="create")
    _attack(setup, monkeypatch, [e], "sync.rule.correction_not_own")


def _bast(setup: Setup, point: str, number: str) -> Entry:
    bid = new_id()
    fields = {
        "id": bid,
        "number": number,
        "round_id": setup.round_id,
        "point_id": point,
        "handover_date": FIXED_NOW.date().isoformat(),
        "received_qty": None,
        "content_hash": "0" * 64,
        "content": "{}",
        "issued_at": FIXED_NOW.isoformat(),
        "issued_by": "x",
        "device_id": setup.lap1.ctx.device.id,
        "device_name": "LAP01",
    }
    changes = {k: [None, v] for k, v in fields.items()}
    return forge(setup.lap1, "distribution_bast", bid, changes, op="create")


def test_bast_for_another_point_or_with_another_prefix_is_held(setup, monkeypatch) -> None:
    _attack(
        setup,
        monkeypatch,
        [_bast(setup, setup.point2, "BAST/RST4/LAP01/001")],
        "sync.rule.bast_point_not_served",
    )
    _attack(
        setup,
        monkeypatch,
        [_bast(setup, setup.point1, "BAST/RST4/LAP02/001")],
        "sync.rule.bast_prefix",
    )


def test_double_claim_decision_from_a_laptop_is_held(setup, monkeypatch) -> None:
    did = new_id()
    fields = {
        "id": did,
        "round_id": setup.round_id,
        "roster_id": setup.roster1[0],
        "decision": "confirm",
        "receipt_ids": "[]",
        "voided_receipt_id": None,
        "note": "x",
        "decided_by": "x",
        "decided_at": FIXED_NOW.isoformat(),
        "device_id": setup.lap1.ctx.device.id,
        "hlc": "",
    }
    e = forge(
        setup.lap1,
        "double_claim_decision",
        did,
        {k: [None, v] for k, v in fields.items()},
        op="confirm",
    )
    _attack(setup, monkeypatch, [e], "sync.rule.decision_office_only")


# -- clocks ----------------------------------------------------------------------------------------
def test_entry_stamped_after_its_own_bundle_is_held(setup, monkeypatch) -> None:
    person = setup.person_of(setup.home1[0])
    e = forge(setup.lap1, "person", person, {"phone": [None, "0800"]}, ahead_ms=23 * 3600_000)
    _attack(setup, monkeypatch, [e], "sync.rule.clock_ahead_bundle")


def test_laptop_clock_ahead_of_the_office_is_held(setup, monkeypatch) -> None:
    # The laptop's whole clock runs 20 minutes ahead: bundle and entry agree, the office not.
    setup.lap1.ctx.hlc.observe(
        setup.lap1.ctx.hlc.now().__class__(
            setup.clock.now_ms() + 20 * 60_000, 0, setup.lap1.ctx.device.id
        )
    )
    person = setup.person_of(setup.home1[0])
    e = forge(setup.lap1, "person", person, {"phone": [None, "0800"]})
    before = _snapshot(setup.office, SYNCED_TABLES)
    result = send(setup, setup.lap1, [e], monkeypatch)
    _assert_held(setup, result, before, "sync.rule.clock_ahead")


def test_office_bundle_may_not_speak_for_the_laptop(setup, monkeypatch) -> None:
    """The office's bundles are held to its authority: never an entry in the laptop's name."""
    person = setup.person_of(setup.home1[0])
    e = forge(
        setup.office,
        "person",
        person,
        {"phone": [None, "0800"]},
        device_id=setup.lap1.ctx.device.id,
    )
    real = export_module.entries_for_device
    monkeypatch.setattr(export_module, "entries_for_device", lambda *a, **k: [*real(*a, **k), e])
    path = setup.office.sync.export(setup.root / "o.bdl", "LAP01").path
    result = setup.lap1.sync.import_bundle(path)
    assert result.quarantined == 1 and result.exit_code == 1
    [held] = setup.lap1.sync.quarantine()
    assert held.reason_code == "sync.rule.forged_own"
    assert setup.lap1.registry.get_person(person).input.phone is None


# -- the property ----------------------------------------------------------------------------------
_TEMPLATE: dict[str, Any] = {}


def _template() -> dict[str, Any]:
    if not _TEMPLATE:
        root = Path(tempfile.mkdtemp(prefix="berdaya-auth-"))
        s = Setup(root, FixedClock(FIXED_NOW))
        DistributionService(s.office.ctx).receive(s.round_id, s.roster1[0])
        _TEMPLATE.update(
            root=root,
            round_id=s.round_id,
            roster1=s.roster1,
            roster2=s.roster2,
            persons1=[s.person_of(h) for h in s.home1],
            persons2=[s.person_of(h) for h in s.home2],
            homes1=s.home1,
            homes2=s.home2,
            point1=s.point1,
            office_id=s.office.ctx.device.id,
            lap2_id=s.lap2.ctx.device.id,
        )
        with s.office.ctx.db.engine.connect() as conn:
            _TEMPLATE["receipts"] = [
                r[0] for r in conn.exec_driver_sql("SELECT id FROM distribution_receipt")
            ]
        s.close()
    return _TEMPLATE


_FIELDS = {
    "phone": ["0811", None],
    "notes": ["catatan"],
    "rt": ["003", "12a"],
    "street": ["Jl. Mawar"],
    "name": ["Nama Lain", ""],
    "sex": ["P", "12345"],
    "nik": ["3572015001700099", "1"],
    "status": ["meninggal", "pindah", "hilang"],
    "status_date": ["2026-11-01"],
    "household_id": [None],
    "relation": ["anak"],
    "deleted": [True],
    "kk_number": ["3572011003159999"],
    "head_person_id": [None],
    "active": [False],
}


@st.composite
def _entries(draw: st.DrawFn, t: dict[str, Any], lap_id: str) -> list[tuple]:
    out = []
    for _ in range(draw(st.integers(1, 6))):
        entity = draw(
            st.sampled_from(
                [
                    "person",
                    "household",
                    "enrolment",
                    "distribution_roster",
                    "distribution_receipt_void",
                    "setting",
                ]
            )
        )
        target = draw(
            st.sampled_from(
                t["persons1"]
                + t["persons2"]
                + t["homes1"]
                + t["homes2"]
                + t["roster1"]
                + t["roster2"]
                + t["receipts"]
                + [new_id()]
            )
        )
        names = draw(
            st.lists(st.sampled_from(sorted(_FIELDS)), min_size=1, max_size=3, unique=True)
        )
        changes = {n: [None, draw(st.sampled_from(_FIELDS[n]))] for n in names}
        device = draw(st.sampled_from([lap_id, lap_id, t["office_id"], t["lap2_id"]]))
        ahead = draw(st.sampled_from([0, 0, 0, 30 * 60_000]))
        out.append((entity, target, changes, device, ahead))
    return out


def _rows(site: Site) -> dict[str, dict[str, tuple]]:
    with site.ctx.db.engine.connect() as conn:
        out = {}
        for table in SYNCED_TABLES:
            cursor = conn.exec_driver_sql(f"SELECT * FROM {table}")
            cols = list(cursor.keys())
            out[table] = {r[0]: dict(zip(cols, r, strict=True)) for r in cursor}
        return out


@settings(
    max_examples=int(__import__("os").environ.get("BERDAYA_AUTH_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_signed_entries_never_change_rows_outside_the_laptops_authority(data) -> None:
    t = _template()
    work = Path(tempfile.mkdtemp(prefix="berdaya-auth-ex-"))
    for name in ("office", "lap1"):
        for suffix in (".sqlite", ".sqlite-wal"):
            src = t["root"] / f"{name}{suffix}"
            if src.exists():
                shutil.copy(src, work / src.name)
    clock = FixedClock(FIXED_NOW)
    office = open_site(work, "office", clock, durable=False)
    lap = open_site(work, "lap1", clock, skew_ms=-60_000, durable=False)
    try:
        plan = data.draw(_entries(t, lap.ctx.device.id))
        forged = [
            forge(lap, entity, target, changes, device_id=device, ahead_ms=ahead)
            for entity, target, changes, device, ahead in plan
        ]
        before = _rows(office)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(export_module, "own_entries", lambda s, d, a: forged)
            path = lap.sync.export(work / "f.bdl").path
        office.sync.import_bundle(path, make_ack=False)
        after = _rows(office)
        mine = set(t["persons1"]) | set(t["homes1"])
        editable = FIELD_EDITABLE | {"hlc", "updated_at"}
        for table in SYNCED_TABLES:
            for rid, row in after[table].items():
                old = before[table].get(rid)
                if old is None:
                    # New rows: only a person without critical facts may appear this way.
                    assert table == "person" and row["nik"] is None and not row["household_id"]
                    continue
                changed = {k for k in row if row[k] != old[k]}
                if not changed:
                    continue
                assert table in ("person", "household") and rid in mine, (table, changed)
                assert changed <= editable, (table, changed)
            assert set(before[table]) <= set(after[table])
    finally:
        office.ctx.close()
        lap.ctx.close()
        shutil.rmtree(work, ignore_errors=True)
