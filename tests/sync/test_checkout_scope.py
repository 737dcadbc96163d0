"""Minimal checkouts: a field laptop carries what its round needs and no restricted-programme data
(children in conflict with the law, neglected children, disability, home care), neither in the
checkout nor in any later update; the checkout summary says what it carries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import VerifyKey

from desktop_app.domain.programs import PROGRAMS
from desktop_app.services.context import ServiceError
from desktop_app.services.registry import HouseholdInput
from desktop_app.services.sync.bundle import open_bundle, read_bundle_file
from desktop_app.services.sync.devices import DeviceService, unb64
from desktop_app.services.sync.views import ExportResult
from tests.helpers import make_kk, open_round, person_input
from tests.services.distribution_fixtures import KEL_A, KEL_B
from tests.sync.helpers import Site, join, open_site, open_two_point_round, register

SENSITIVE = {code for code, p in PROGRAMS.items() if p.sensitive}
CHILD = date(2014, 5, 6)


@dataclass
class Registry:
    office: Site
    lap: Site
    round_id: str
    rostered_sensitive: set[str]  # enrolment ids in rostered households
    only_sensitive: set[str]  # persons who are in the registry only through such programmes
    child_member: str  # an ABH child who is a member of a rostered household
    head: str  # the head of that household
    tmp: Path


@pytest.fixture
def registry(tmp_path: Path, sync_clock) -> Registry:  # noqa: ANN001
    office = open_site(tmp_path, "office", sync_clock)
    world, rid = open_two_point_round(office)
    reg = office.registry
    # A child of a rostered KPM in ABH, a rostered spouse with a disability.
    fam = world.families[0]
    child = reg.create_person(person_input("Anak Contoh", "L", CHILD, 81, KEL_A))
    reg.add_member(fam.household_id, child, "anak")
    sensitive = {
        reg.enrol("ABH", person_id=child, details={"role": "saksi"}),
        reg.enrol(
            "DISABILITAS", person_id=world.families[1].members[0][0], details={"ragam": "fisik"}
        ),
    }
    # People the registry holds only for restricted programmes: a neglected child without a KK,
    # a household of its own with a child in ABH.
    alone = reg.create_person(person_input("Anak Terlantar Contoh", "P", CHILD, 82, KEL_B))
    reg.enrol("ANAK_TERLANTAR", person_id=alone)
    head = reg.create_person(person_input("Kepala Lain", "L", date(1980, 1, 2), 83, KEL_A))
    other = reg.create_household(
        HouseholdInput(make_kk(40), kelurahan_code=KEL_A), head_person_id=head
    )
    abh = reg.create_person(person_input("Anak Lain", "L", CHILD, 84, KEL_A))
    reg.add_member(other, abh, "anak")
    reg.enrol("ABH", person_id=abh, details={"role": "korban"})
    lap = open_site(tmp_path, "lap1", sync_clock)
    register(office, lap, "LAP01")
    return Registry(office, lap, rid, sensitive, {alone, head, abh}, child, fam.head_id, tmp_path)


def _opened(site: Site, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The bundle as the laptop decrypts it: its manifest extra and its entries."""
    opened = open_bundle(
        read_bundle_file(path),
        site.ctx.device.id,
        DeviceService(site.ctx).signing_key(),
        lambda _h, m: VerifyKey(unb64(m.sender_key)),
    )
    return opened.manifest.extra, opened.payload["entries"]


def _programs(entries: list[dict[str, Any]]) -> set[str]:
    out = set()
    for e in entries:
        if e["entity"] == "enrolment":
            changes = e["changes"] if isinstance(e["changes"], dict) else json.loads(e["changes"])
            if "program_code" in changes:
                out.add(changes["program_code"][1])
    return out


def test_a_rice_round_checkout_carries_no_restricted_programme_data(registry: Registry) -> None:
    path = registry.tmp / "co.bdl"
    result = registry.office.sync.checkout("LAP01", path, round_id="RST4")
    extra, entries = _opened(registry.lap, path)
    assert _programs(entries) == {"RASTRADA"}
    ids = {e["entity_id"] for e in entries}
    assert not ids & registry.rostered_sensitive
    assert not ids & registry.only_sensitive
    # The child is a member of a rostered KPM (the collector rules need the KK's members); what
    # the bundle says about him is his person row, not the programme.
    assert registry.child_member in ids
    summary = result.checkout
    assert summary is not None and summary.withheld == len(registry.rostered_sensitive)
    assert summary.carries == extra["carries"]
    assert summary.carries["household"] == 6 and summary.carries["distribution_roster"] == 6
    assert summary.carries["person"] == 12  # 6 heads, 5 spouses, the child
    assert summary.carries["enrolment"] == 6  # one Rastrada membership per KPM
    # The laptop that joins holds none of it.
    join(registry.lap, path, registry.office)
    with registry.lap.ctx.db.engine.connect() as conn:
        held = set(conn.exec_driver_sql("SELECT DISTINCT program_code FROM enrolment").scalars())
        people = set(conn.exec_driver_sql("SELECT id FROM person").scalars())
    assert held == {"RASTRADA"} and not people & registry.only_sensitive


def test_later_updates_do_not_carry_restricted_enrolments(registry: Registry) -> None:
    registry.office.sync.checkout("LAP01", registry.tmp / "co.bdl", round_id="RST4")
    join(registry.lap, registry.tmp / "co.bdl", registry.office)
    reg = registry.office.registry
    # After the checkout: a new disability enrolment of a held person, and a phone number of
    # the same person (which must travel).
    head = registry.head
    late = reg.enrol("DISABILITAS", person_id=head, details={"ragam": "mental"})
    inp = reg.get_person(head).input
    inp.phone = "0812-7777"
    reg.update_person(head, inp)
    update = registry.office.sync.export(registry.tmp / "upd.bdl", "LAP01")
    _, entries = _opened(registry.lap, update.path)
    # Cumulative since the laptop last confirmed (it has not yet): the checkout again, the
    # phone number, and no restricted enrolment, old or new.
    assert _programs(entries) == {"RASTRADA"}
    ids = {e["entity_id"] for e in entries}
    assert late not in ids and not ids & registry.rostered_sensitive
    registry.lap.sync.import_bundle(update.path)
    assert registry.lap.registry.get_person(head).input.phone == "0812-7777"
    with registry.lap.ctx.db.engine.connect() as conn:
        held = set(conn.exec_driver_sql("SELECT DISTINCT program_code FROM enrolment").scalars())
    assert held == {"RASTRADA"}


def test_a_round_of_a_restricted_programme_stays_at_the_office(registry: Registry) -> None:
    open_round(
        registry.office.ctx,
        program_code="DISABILITAS",
        name="Alat Bantu 2026",
        item="Kursi roda",
        quantity=1,
        unit="unit",
        code="ALB1",
    )
    with pytest.raises(ServiceError) as refused:
        registry.office.sync.checkout("LAP01", registry.tmp / "x.bdl", round_id="ALB1")
    assert refused.value.code == "sync.checkout_restricted_round" and refused.value.message
    assert not (registry.tmp / "x.bdl").exists()


def test_a_kelurahan_checkout_leaves_restricted_enrolments_behind(registry: Registry) -> None:
    svc = registry.office.sync
    result: ExportResult = svc.checkout(
        "LAP01", registry.tmp / "kel.bdl", household_ids=svc.households_in([KEL_A])
    )
    _, entries = _opened(registry.lap, result.path)
    assert not _programs(entries) & SENSITIVE
    assert result.checkout is not None and result.checkout.withheld == 2  # two ABH children
