"""Device identities: made once, exported, registered at the office, revoked."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from desktop_app.services.context import ServiceError, open_app
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync import BundleRefused
from desktop_app.services.sync.devices import DeviceService
from tests.sync.helpers import Site, join, open_site, open_two_point_round, tmp_identity


def test_key_pair_is_made_once_and_survives_reopening(tmp_path: Path, clock) -> None:
    ctx = open_app(tmp_path / "a.sqlite", clock=clock)
    first = DeviceService(ctx).identity()
    assert DeviceService(ctx).identity() == first
    ctx.close()
    ctx = open_app(tmp_path / "a.sqlite", clock=clock)
    assert DeviceService(ctx).identity() == first
    ctx.close()


def test_identity_file_round_trip_and_registration(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    path = tmp_identity(lap)
    svc = DeviceService(office.ctx)
    ident = svc.read_identity_file(path)
    assert ident == DeviceService(lap.ctx).identity()
    record = svc.register(ident, name="lap02")
    assert record.name == "LAP02" and record.role == "field" and not record.revoked
    assert [d.name for d in svc.devices()] == ["LAP02"]
    # Registering the same identity again only renames it.
    assert svc.register(ident, name="LAP03").name == "LAP03"


def test_tampered_identity_file_is_refused(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    path = tmp_identity(lap)
    data = json.loads(path.read_text())
    data["name"] = "PALSU"
    path.write_text(json.dumps(data))
    with pytest.raises(ServiceError) as refused:
        DeviceService(office.ctx).read_identity_file(path)
    assert refused.value.code == "sync.identity_tampered" and refused.value.message


def test_another_key_for_a_known_device_is_refused(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    svc = DeviceService(office.ctx)
    ident = svc.read_identity_file(tmp_identity(lap))
    svc.register(ident, name="LAP01")
    forged = type(ident)(ident.device_id, "LAP01", DeviceService(office.ctx).identity().verify_key)
    with pytest.raises(ServiceError) as refused:
        svc.register(forged, name="LAP01")
    assert refused.value.code == "sync.device_key_mismatch" and refused.value.message


def test_names_stay_unique_and_well_formed(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    a, b = open_site(tmp_path, "a", clock), open_site(tmp_path, "b", clock)
    svc = DeviceService(office.ctx)
    svc.register(svc.read_identity_file(tmp_identity(a)), name="LAP01")
    with pytest.raises(ServiceError) as refused:
        svc.register(svc.read_identity_file(tmp_identity(b)), name="LAP01")
    assert refused.value.code == "sync.device_name_taken" and refused.value.message
    with pytest.raises(ServiceError) as refused:
        svc.register(svc.read_identity_file(tmp_identity(b)), name="laptop nomor dua")
    assert refused.value.code == "sync.device_name_invalid" and refused.value.message


def test_revoked_device_bundles_are_refused(field) -> None:
    field.lap.registry.update_person(
        field.people[0][0], _with_phone(field.lap, field.people[0][0], "0812")
    )
    bundle = field.lap.sync.export(field.tmp / "ret.bdl").path
    DeviceService(field.office.ctx).revoke("LAP01", "laptop hilang")
    before = _count(field.office)
    with pytest.raises(BundleRefused) as refused:
        field.office.sync.import_bundle(bundle)
    assert refused.value.code == "sync.device_revoked" and refused.value.message
    assert _count(field.office) == before
    with pytest.raises(ServiceError) as refused:
        DeviceService(field.office.ctx).register(
            DeviceService(field.office.ctx).read_identity_file(tmp_identity(field.lap)),
            name="LAP09",
        )
    assert refused.value.code == "sync.device_revoked_no_reregister" and refused.value.message


def _with_phone(site: Site, person_id: str, phone: str):
    inp = site.registry.get_person(person_id).input
    inp.phone = phone
    return inp


def _count(site: Site) -> int:
    with site.ctx.db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar_one()


def test_a_hostile_sender_name_gives_a_safe_ack_path(field) -> None:  # noqa: ANN001
    from desktop_app.services.context import Device
    from desktop_app.services.sync.devices import safe_name

    inbox = field.tmp / "inbox"
    inbox.mkdir()
    # The laptop's name as the manifest carries it is written by the sender.
    real = field.lap.ctx.device
    field.lap.ctx.device = Device(real.id, "../../x")
    bundle = field.lap.sync.export(inbox / "ret.bdl").path
    field.lap.ctx.device = real
    result = field.office.sync.import_bundle(bundle)
    assert result.ack is not None
    ack = result.ack.path
    assert ack.parent == inbox and ack.exists()
    assert ".." not in ack.name and "/" not in ack.name
    assert ack.name.startswith("berdaya-ack-PERANGKAT-")
    assert safe_name("lap02") == "LAP02" and safe_name("a/b") == "PERANGKAT"
    assert safe_name(None) == "PERANGKAT"  # type: ignore[arg-type]


# -- names: a laptop is never named like the office or another device -------------------------


def _office_with_a_receipt(tmp_path: Path, clock) -> tuple[Site, object, str]:
    office = open_site(tmp_path, "office", clock)
    world, rid = open_two_point_round(office)
    dist = DistributionService(office.ctx)
    dist.receive(rid, dist.scan(rid, world.families[1].head_nik).id)  # RST4-KANTOR-000001
    return office, world, rid


def test_register_without_a_name_refuses_the_offices_own_name(tmp_path: Path, clock) -> None:
    """A fresh laptop's identity says KANTOR like every new install: registering it as KANTOR
    at the office called KANTOR made every receipt on it fail after joining."""
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    svc = DeviceService(office.ctx)
    ident = svc.read_identity_file(tmp_identity(lap))
    assert ident.name == "KANTOR"
    with pytest.raises(ServiceError) as refused:
        svc.register(ident)
    assert refused.value.code == "sync.device_name_is_office"
    assert "LAP01" in refused.value.message
    assert svc.suggested_name() == "LAP01"
    assert svc.devices() == []
    # Named as suggested it registers, and the next suggestion moves on.
    assert svc.register(ident, name=svc.suggested_name()).name == "LAP01"
    assert svc.suggested_name() == "LAP02"


def test_a_laptop_named_in_the_wizard_registers_under_that_name(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    profile = dataclasses.replace(lap.ctx.office, device_name="lap07")
    lap.ctx.save_office_profile(profile)
    assert lap.ctx.device.name == lap.ctx.office.device_name == "LAP07"
    svc = DeviceService(office.ctx)
    assert svc.register(svc.read_identity_file(tmp_identity(lap))).name == "LAP07"


def test_after_joining_receipts_work_on_the_laptop(tmp_path: Path, clock) -> None:
    """The reported failure, end to end: the office already served someone (its receipt is in
    the checkout); the laptop, registered with a name of its own, records receipts."""
    office, world, rid = _office_with_a_receipt(tmp_path, clock)
    lap = open_site(tmp_path, "lap1", clock, skew_ms=-60_000)
    svc = DeviceService(office.ctx)
    ident = svc.read_identity_file(tmp_identity(lap))
    with pytest.raises(ServiceError):
        svc.register(ident)  # no --name: refused instead of becoming a second KANTOR
    rec = svc.register(ident, name=svc.suggested_name())
    office.sync.checkout(rec.id, tmp_path / "co.bdl", round_id="RST4")
    join(lap, tmp_path / "co.bdl", office)
    dist = DistributionService(lap.ctx)
    receipt = dist.receive(rid, dist.scan(rid, world.families[2].head_nik).id)
    assert receipt.number == "RST4-LAP01-000001"


def test_join_refuses_a_checkout_naming_the_laptop_like_the_office(tmp_path: Path, clock) -> None:
    """An office database made before the register check (or a hand-edited one) still holds a
    laptop called KANTOR: the laptop refuses to join rather than fail at every receipt."""
    office, world, rid = _office_with_a_receipt(tmp_path, clock)
    lap = open_site(tmp_path, "lap1", clock)
    svc = DeviceService(office.ctx)
    rec = svc.register(svc.read_identity_file(tmp_identity(lap)), name="LAP01")
    with office.ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sync_device SET name = 'KANTOR' WHERE id = ?", (rec.id,))
    office.sync.checkout(rec.id, tmp_path / "co.bdl", round_id="RST4")
    with pytest.raises(BundleRefused) as refused:
        join(lap, tmp_path / "co.bdl", office)
    assert refused.value.code == "sync.checkout_name_clash" and refused.value.message
    assert DeviceService(lap.ctx).role() == "office"  # nothing was changed
    assert DistributionService(lap.ctx).list_rounds() == []


def test_join_refuses_a_name_on_another_devices_receipts(tmp_path: Path, clock) -> None:
    office, world, rid = _office_with_a_receipt(tmp_path, clock)
    lap = open_site(tmp_path, "lap1", clock)
    svc = DeviceService(office.ctx)
    rec = svc.register(svc.read_identity_file(tmp_identity(lap)), name="LAP01")
    # Receipts another laptop minted as LAP01 are in the office's database (e.g. a laptop that
    # was lost and replaced without being revoked, its name then edited by hand).
    with office.ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE distribution_receipt SET device_name = 'LAP01'")
        conn.exec_driver_sql(
            "UPDATE change_log SET changes = replace(changes, '\"KANTOR\"', '\"LAP01\"') "
            "WHERE entity = 'distribution_receipt'"
        )
    office.sync.checkout(rec.id, tmp_path / "co.bdl", round_id="RST4")
    with pytest.raises(BundleRefused) as refused:
        join(lap, tmp_path / "co.bdl", office)
    assert refused.value.code == "sync.checkout_name_clash"


def test_profile_refuses_a_known_devices_name(tmp_path: Path, clock) -> None:
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    svc = DeviceService(office.ctx)
    svc.register(svc.read_identity_file(tmp_identity(lap)), name="LAP01")
    with pytest.raises(ServiceError) as refused:
        office.ctx.save_office_profile(dataclasses.replace(office.ctx.office, device_name="LAP01"))
    assert refused.value.code == "office.device_name_used"
    assert "LAP02" in refused.value.message
    assert office.ctx.office.device_name == "KANTOR"
    with pytest.raises(ServiceError) as refused:
        office.ctx.save_office_profile(dataclasses.replace(office.ctx.office, device_name="a b"))
    assert refused.value.code == "office.profile_invalid"


def test_a_joined_laptop_keeps_the_name_the_office_gave(field) -> None:  # noqa: ANN001
    ctx = field.lap.ctx
    with pytest.raises(ServiceError) as refused:
        ctx.save_office_profile(dataclasses.replace(ctx.office, device_name="LAP09"))
    assert refused.value.code == "office.device_name_assigned"
    # Other fields stay editable.
    ctx.save_office_profile(dataclasses.replace(ctx.office, phone="(0342) 000000"))
    assert ctx.office.phone == "(0342) 000000" and ctx.device.name == "LAP01"
