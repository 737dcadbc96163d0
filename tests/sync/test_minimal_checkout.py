"""Minimal checkouts, field by field: of persons and KPM a field laptop carries only what the
counter shows, the proxy rules need and a field role may edit; the rest (e.g. the place of birth)
stays at the office, and a laptop's edit merges there without wiping it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import VerifyKey

from desktop_app.services.health import check_database
from desktop_app.services.sync.authority import FIELD_EDITABLE
from desktop_app.services.sync.bundle import open_bundle, read_bundle_file
from desktop_app.services.sync.devices import DeviceService, unb64
from desktop_app.services.sync.merge import Entry
from desktop_app.services.sync.slices import (
    FIELD_CARRIED,
    carried_fields_text,
    minimal_entries,
    office_only_fields,
)
from tests.sync.helpers import Site, join, open_site, open_two_point_round, register

BIRTH_PLACE = "Blitar"


@dataclass
class Setup:
    office: Site
    lap: Site
    head: str  # a rostered head of household whose place of birth the office holds
    tmp: Path


@pytest.fixture
def setup(tmp_path: Path, sync_clock) -> Setup:  # noqa: ANN001
    office = open_site(tmp_path, "office", sync_clock)
    world, _ = open_two_point_round(office)
    head = world.families[0].head_id
    reg = office.registry
    inp = reg.get_person(head).input
    inp.birth_place = BIRTH_PLACE
    reg.update_person(head, inp)
    lap = open_site(tmp_path, "lap1", sync_clock)
    register(office, lap, "LAP01")
    return Setup(office, lap, head, tmp_path)


def _entries(site: Site, path: Path) -> list[dict[str, Any]]:
    """The bundle's entries as the laptop decrypts them."""
    opened = open_bundle(
        read_bundle_file(path),
        site.ctx.device.id,
        DeviceService(site.ctx).signing_key(),
        lambda _h, m: VerifyKey(unb64(m.sender_key)),
    )
    return list(opened.payload["entries"])


def _changes(entry: dict[str, Any]) -> dict[str, Any]:
    changes = entry["changes"]
    return changes if isinstance(changes, dict) else json.loads(changes)


def _fields_sent(entries: list[dict[str, Any]], entity: str) -> set[str]:
    return {name for e in entries if e["entity"] == entity for name in _changes(e)}


def _checkout(s: Setup) -> Path:
    path = s.tmp / "co.bdl"
    s.office.sync.checkout("LAP01", path, round_id="RST4")
    return path


def test_the_carried_fields_cover_what_a_field_role_edits() -> None:
    for entity in ("person", "household"):
        assert FIELD_EDITABLE & set(office_only_fields(entity)) == set()
    assert set(FIELD_CARRIED["person"]) >= FIELD_EDITABLE
    assert "birth_place" in office_only_fields("person")
    assert office_only_fields("distribution_receipt") == ()


def test_the_checkout_leaves_the_place_of_birth_at_the_office(setup: Setup) -> None:
    path = _checkout(setup)
    entries = _entries(setup.lap, path)
    sent = _fields_sent(entries, "person")
    assert "birth_place" not in sent
    assert {"name", "nik", "sex", "household_id"} <= sent
    assert BIRTH_PLACE not in json.dumps(entries)
    # Nothing outside the carried list, for persons and KPM alike.
    for entity in ("person", "household"):
        assert not _fields_sent(entries, entity) & set(office_only_fields(entity))


def test_the_summary_says_what_the_checkout_carries(setup: Setup) -> None:
    result = setup.office.sync.checkout("LAP01", setup.tmp / "co.bdl", round_id="RST4")
    assert result.checkout is not None
    line = result.checkout.fields
    assert line == carried_fields_text()
    assert line.startswith("orang: nama, NIK")
    assert "KPM: No. KK" in line and line.endswith("tidak dibawa: tempat lahir")


def test_the_laptop_joins_without_quarantine_and_checks_healthy(setup: Setup) -> None:
    result = join(setup.lap, _checkout(setup), setup.office)
    assert result.quarantined == 0
    person = setup.lap.registry.get_person(setup.head).input
    assert person.birth_place is None and person.name
    # The shortened entries carry hashes of what they now say.
    report = check_database(setup.lap.path)
    assert report.chain_break is None and report.exit_code == 0, report.problems


def test_a_field_edit_merges_without_wiping_what_stayed_at_the_office(setup: Setup) -> None:
    join(setup.lap, _checkout(setup), setup.office)
    lap_reg = setup.lap.registry
    inp = lap_reg.get_person(setup.head).input
    inp.phone = "0812-5555-01"
    lap_reg.update_person(setup.head, inp)
    back = setup.lap.sync.export(setup.tmp / "ret.bdl")
    # The laptop's edit names only what it changed.
    assert _fields_sent(_entries(setup.office, back.path), "person") == {"phone"}
    result = setup.office.sync.import_bundle(back.path, make_ack=False)
    assert result.quarantined == 0 and result.applied >= 1
    person = setup.office.registry.get_person(setup.head).input
    assert person.phone == "0812-5555-01"
    assert person.birth_place == BIRTH_PLACE


def test_later_updates_leave_office_only_edits_out(setup: Setup) -> None:
    join(setup.lap, _checkout(setup), setup.office)
    reg = setup.office.registry
    inp = reg.get_person(setup.head).input
    inp.birth_place = "Kediri"
    reg.update_person(setup.head, inp)
    inp = reg.get_person(setup.head).input
    inp.phone = "0812-5555-02"
    inp.birth_place = "Malang"
    reg.update_person(setup.head, inp)
    update = setup.office.sync.export(setup.tmp / "upd.bdl", "LAP01")
    entries = _entries(setup.lap, update.path)
    assert "birth_place" not in _fields_sent(entries, "person")
    assert "Kediri" not in json.dumps(entries) and "Malang" not in json.dumps(entries)
    result = setup.lap.sync.import_bundle(update.path)
    assert result.quarantined == 0
    person = setup.lap.registry.get_person(setup.head).input
    assert person.phone == "0812-5555-02" and person.birth_place is None
    # The office keeps its own, unshortened log.
    assert reg.get_person(setup.head).input.birth_place == "Malang"


def test_minimal_entries_drops_an_entry_of_office_only_fields() -> None:
    def entry(changes: dict[str, Any], entity: str = "person") -> Entry:
        return Entry(
            id=f"c{len(changes)}{entity}",
            hlc="0000000000001-0000-dev",
            device_id="dev",
            actor="x",
            at="2026-01-02T03:04:05+00:00",
            entity=entity,
            entity_id="p1",
            op="update",
            changes=json.dumps(changes, sort_keys=True),
            prev_hash="",
            hash="h",
        )

    only = entry({"birth_place": [None, "Blitar"]})
    mixed = entry({"birth_place": [None, "Blitar"], "phone": [None, "0812"]})
    other = entry({"birth_place": [None, "Blitar"]}, "distribution_receipt")
    out = minimal_entries([only, mixed, other])
    assert [e.entity for e in out] == ["person", "distribution_receipt"]
    short = out[0]
    assert short.fields == {"phone": [None, "0812"]} and short.id == mixed.id
    assert short.hash == short.computed_hash() and short.prev_hash == ""
    assert out[1] is other
