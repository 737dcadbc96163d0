"""Device identities: made once, exported, registered at the office, revoked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.services.context import ServiceError, open_app
from desktop_app.services.sync import BundleRefused
from desktop_app.services.sync.devices import DeviceService
from tests.sync.helpers import Site, open_site, tmp_identity


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
