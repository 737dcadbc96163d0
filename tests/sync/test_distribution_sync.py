"""Two laptops serve one round offline; the office merges receipts as a set and flags double
claims; a supervisor's decision travels back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.domain.clock import FixedClock
from desktop_app.domain.receipts import verify_code
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution import DistributionService, Proxy
from desktop_app.services.sync.double_claims import DoubleClaimService
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import World
from tests.sync.helpers import Site, join, open_site, open_two_point_round, register


@dataclass
class Round:
    office: Site
    lap1: Site
    lap2: Site
    world: World
    round_id: str
    points: dict[str, str]
    tmp: Path
    clock: FixedClock

    def dist(self, site: Site) -> DistributionService:
        return DistributionService(site.ctx)

    def roster_id(self, site: Site, nik: str) -> str:
        return self.dist(site).scan(self.round_id, nik).id

    def exchange(self, laptop: Site, name: str) -> object:
        result = self.office.sync.import_bundle(laptop.sync.export(self.tmp / f"{name}.bdl").path)
        laptop.sync.import_bundle(result.ack.path)
        return result


@pytest.fixture
def rnd(tmp_path: Path) -> Iterator[Round]:
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    world, rid = open_two_point_round(office)
    dist = DistributionService(office.ctx)
    points = {p.name.split()[-1]: p.id for p in dist.points(rid)}
    laps = []
    for n, skew in ((1, -60_000), (2, 120_000)):
        lap = open_site(tmp_path, f"lap{n}", clock, skew_ms=skew)
        register(office, lap, f"LAP0{n}")
        office.sync.checkout(f"LAP0{n}", tmp_path / f"co{n}.bdl", round_id="RST4")
        join(lap, tmp_path / f"co{n}.bdl", office)
        laps.append(lap)
    yield Round(office, laps[0], laps[1], world, rid, points, tmp_path, clock)
    for site in (office, *laps):
        site.ctx.close()


def test_checkout_of_one_point_carries_only_its_recipients(rnd: Round) -> None:
    lap3 = open_site(rnd.tmp, "lap3", rnd.clock)
    register(rnd.office, lap3, "LAP03")
    rnd.office.sync.checkout("LAP03", rnd.tmp / "co3.bdl", round_id="RST4", point_ids=["1"])
    join(lap3, rnd.tmp / "co3.bdl", rnd.office)
    dist = rnd.dist(lap3)
    totals = dist.totals(rnd.round_id)
    assert totals.entitled == len([f for i, f in enumerate(rnd.world.families) if i % 2 == 0])
    kel_b_head = rnd.world.families[1].head_nik
    assert lap3.registry.find_person_by_nik(kel_b_head) is None
    with pytest.raises(ServiceError):
        dist.scan(rnd.round_id, kel_b_head)


def test_laptops_serve_offline_and_the_office_sees_every_receipt_once(rnd: Round) -> None:
    fams = rnd.world.families
    r1 = rnd.dist(rnd.lap1).receive(rnd.round_id, rnd.roster_id(rnd.lap1, fams[0].head_nik))
    r2 = rnd.dist(rnd.lap2).receive(rnd.round_id, rnd.roster_id(rnd.lap2, fams[1].head_nik))
    assert r1.number.startswith("RST4-LAP01-") and r2.number.startswith("RST4-LAP02-")
    first = rnd.exchange(rnd.lap1, "b1")
    second = rnd.exchange(rnd.lap2, "b2")
    assert first.exit_code == 0 and second.exit_code == 0
    again = rnd.office.sync.import_bundle(rnd.tmp / "b1.bdl")
    assert again.already_imported
    office = rnd.dist(rnd.office)
    assert {r.number for r in office.receipts(rnd.round_id)} == {r1.number, r2.number}
    assert office.totals(rnd.round_id).received == 2
    # A code printed in the field verifies at the office (the checkout carried the key).
    assert verify_code(r1.number, r1.verification_code, office.receipt_code_key())
    [progress] = DoubleClaimService(rnd.office.ctx).round_progress()
    assert progress.by_device == {"LAP01": 1, "LAP02": 1} and progress.open_double_claims == 0
    # After the acks the other laptop knows: a second hand-over there is refused.
    rnd.exchange(rnd.lap1, "b3")
    with pytest.raises(ServiceError, match="SUDAH MENERIMA"):
        rnd.dist(rnd.lap1).receive(rnd.round_id, rnd.roster_id(rnd.lap1, fams[1].head_nik))


def test_both_laptops_serve_one_recipient_a_double_claim_is_flagged(rnd: Round) -> None:
    fam = rnd.world.families[2]
    spouse_id, spouse_nik, spouse_name = fam.members[0]
    r1 = rnd.dist(rnd.lap1).receive(rnd.round_id, rnd.roster_id(rnd.lap1, fam.head_nik))
    r2 = rnd.dist(rnd.lap2).receive(
        rnd.round_id,
        rnd.roster_id(rnd.lap2, fam.head_nik),
        proxy=Proxy(name=spouse_name, nik=spouse_nik, relation="same_kk"),
    )
    assert (
        rnd.office.sync.import_bundle(rnd.lap1.sync.export(rnd.tmp / "a.bdl").path).exit_code == 0
    )
    result = rnd.office.sync.import_bundle(rnd.lap2.sync.export(rnd.tmp / "b.bdl").path)
    assert result.exit_code == 1 and result.double_claims == 1
    claims = DoubleClaimService(rnd.office.ctx)
    [claim] = claims.claims()
    assert claim.status == "open" and claim.recipient_name == fam.head_name
    by_number = {r.number: r for r in claim.receipts}
    assert set(by_number) == {r1.number, r2.number}
    assert (
        by_number[r1.number].device_name == "LAP01"
        and by_number[r1.number].officer == "petugas-lap1"
    )
    assert by_number[r1.number].collector == "penerima sendiri"
    assert by_number[r2.number].device_name == "LAP02"
    assert by_number[r2.number].collector == f"{spouse_name} (satu KK)"
    # Re-importing either bundle, in any order, flags nothing new.
    assert rnd.office.sync.import_bundle(rnd.tmp / "a.bdl").double_claims == 0
    # The supervisor voids the second; the decision and the void travel to both laptops.
    claims.resolve(
        claim.roster_id, "void", "dicek: istri mengambil setelah kepala", void_receipt=r2.number
    )
    assert claims.claims() == []
    assert rnd.dist(rnd.office).totals(rnd.round_id).received == 1
    for lap, name in ((rnd.lap1, "LAP01"), (rnd.lap2, "LAP02")):
        update = rnd.office.sync.export(rnd.tmp / f"u-{name}.bdl", name)
        lap.sync.import_bundle(update.path)
        assert DoubleClaimService(lap.ctx).claims() == []
        voided = rnd.dist(lap).get_receipt(r2.number)
        assert voided.voided and "Klaim ganda" in voided.void_reason
        assert rnd.dist(lap).totals(rnd.round_id).received == 1


def test_confirmed_double_claim_stays_listed_for_recovery(rnd: Round) -> None:
    fam = rnd.world.families[4]
    rnd.dist(rnd.lap1).receive(rnd.round_id, rnd.roster_id(rnd.lap1, fam.head_nik))
    rnd.dist(rnd.lap2).receive(rnd.round_id, rnd.roster_id(rnd.lap2, fam.head_nik))
    rnd.office.sync.import_bundle(rnd.lap1.sync.export(rnd.tmp / "a.bdl").path)
    rnd.office.sync.import_bundle(rnd.lap2.sync.export(rnd.tmp / "b.bdl").path)
    claims = DoubleClaimService(rnd.office.ctx)
    [claim] = claims.claims()
    with pytest.raises(ServiceError) as refused:
        claims.resolve(claim.roster_id, "confirm", "  ")
    assert refused.value.code == "sync.claim_note_required" and refused.value.message
    claims.resolve(claim.roster_id, "confirm", "benar diambil dua kali; ditagih kembali")
    [confirmed] = claims.claims()
    assert confirmed.status == "confirmed" and "ditagih" in confirmed.note
    assert claims.claims(include_confirmed=False) == []
    assert DoubleClaimService(rnd.office.ctx).round_progress()[0].open_double_claims == 0
    with pytest.raises(ServiceError) as refused:
        claims.resolve(claim.roster_id, "confirm", "lagi")
    assert refused.value.code == "sync.claim_already_confirmed" and refused.value.message


def test_double_claims_through_the_command_line(rnd: Round, capsys) -> None:
    import json

    from desktop_app.cli import main

    fam = rnd.world.families[0]
    rnd.dist(rnd.lap1).receive(rnd.round_id, rnd.roster_id(rnd.lap1, fam.head_nik))
    r2 = rnd.dist(rnd.lap2).receive(rnd.round_id, rnd.roster_id(rnd.lap2, fam.head_nik))
    for n, lap in enumerate((rnd.lap1, rnd.lap2)):
        bundle = lap.sync.export(rnd.tmp / f"c{n}.bdl").path
        code = main(["sync", "import", str(bundle), "--db", str(rnd.office.path)])
        assert code == n  # the second laptop's bundle brings the double claim: exit 1
    capsys.readouterr()
    assert main(["sync", "conflicts", "--db", str(rnd.office.path), "--json"]) == 1
    [claim] = json.loads(capsys.readouterr().out)["double_claims"]
    assert {r["device_name"] for r in claim["receipts"]} == {"LAP01", "LAP02"}
    assert main(["sync", "conflicts", "--db", str(rnd.office.path)]) == 1
    assert "KLAIM GANDA" in capsys.readouterr().out
    args = ["sync", "claim", claim["roster_id"][:12], "--db", str(rnd.office.path)]
    assert main([*args, "--void", r2.number, "--note", "salah pindai"]) == 0
    assert main(["sync", "conflicts", "--db", str(rnd.office.path)]) == 0


def test_a_second_checkout_adds_a_point_to_a_joined_laptop(rnd: Round) -> None:
    lap3 = open_site(rnd.tmp, "lap3", rnd.clock)
    register(rnd.office, lap3, "LAP03")
    rnd.office.sync.checkout("LAP03", rnd.tmp / "a.bdl", round_id="RST4", point_ids=["1"])
    join(lap3, rnd.tmp / "a.bdl", rnd.office)
    kel_b_head = rnd.world.families[1].head_nik
    assert lap3.registry.find_person_by_nik(kel_b_head) is None
    # Meanwhile another laptop serves someone at point 2; the office learns of it.
    r = rnd.dist(rnd.lap2).receive(rnd.round_id, rnd.roster_id(rnd.lap2, kel_b_head))
    rnd.office.sync.import_bundle(rnd.lap2.sync.export(rnd.tmp / "l2.bdl").path)
    rnd.office.sync.checkout("LAP03", rnd.tmp / "b.bdl", round_id="RST4", point_ids=["2"])
    result = lap3.sync.import_bundle(rnd.tmp / "b.bdl")
    assert result.exit_code == 0
    dist = rnd.dist(lap3)
    assert dist.totals(rnd.round_id).entitled == len(rnd.world.families)
    assert dist.scan(rnd.round_id, kel_b_head).receipt_number == r.number
    from desktop_app.services.sync.devices import DeviceService

    office = DeviceService(lap3.ctx).office()
    assert (
        office is not None
        and office.fingerprint == DeviceService(rnd.office.ctx).identity().fingerprint
    )
    lap3.ctx.close()


def test_a_collector_correction_travels_to_the_office(rnd: Round) -> None:
    fam = rnd.world.families[0]
    _, wife_nik, wife = fam.members[0]
    lap = rnd.dist(rnd.lap1)
    receipt = lap.receive(rnd.round_id, rnd.roster_id(rnd.lap1, fam.head_nik))
    lap.correct_collector(receipt.number, Proxy(wife, wife_nik, "same_kk"), "Istri yang datang")
    rnd.exchange(rnd.lap1, "b1")
    office = rnd.dist(rnd.office)
    seen = office.get_receipt(receipt.number)
    assert seen.corrected and (seen.collector_name, seen.collector_nik) == (wife, wife_nik)
    assert seen.correction_reason == "Istri yang datang" and seen.recorded_collector_name is None
    assert office.scan(rnd.round_id, fam.kk).status == "diwakilkan"
    assert office.totals(rnd.round_id).by_proxy == 1
