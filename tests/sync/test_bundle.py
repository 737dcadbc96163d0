"""The bundle file: signed, encrypted to its recipient, refused whole if anything is off."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from desktop_app.services.sync import BundleRefused
from desktop_app.services.sync import bundle as fmt
from desktop_app.services.sync.bundle import BundleError, NewerFormatError, open_bundle, seal
from tests.sync.helpers import Site

SENDER = SigningKey(bytes(range(32)))
RECIPIENT = SigningKey(bytes(range(1, 33)))


def _fields(**over: object) -> dict:
    base = {
        "bundle_id": "01900000-0000-7000-8000-00000000b001",
        "kind": "return",
        "from_device": "lap",
        "from_name": "LAP01",
        "sender_key": "",
        "to_device": "office",
        "created_at": "2026-11-20T03:00:00+00:00",
        "created_hlc": "1795143600000-00000-lap",
        "seq_from": 1,
        "seq_to": 3,
        "received_upto": 0,
        "entries": 1,
        "counts": {"person": 1},
        "app_version": "0.1.0",
        "schema_version": 2,
    }
    base.update(over)
    return base


PAYLOAD = {"entries": [{"id": "x", "note": "NIK 3572010101700001"}]}


def _sealed() -> bytes:
    return seal(_fields(), PAYLOAD, SENDER, RECIPIENT.verify_key)[1]


def _open(data: bytes) -> fmt.OpenedBundle:
    return open_bundle(data, "office", RECIPIENT, lambda h, m: SENDER.verify_key)


def test_round_trip_and_no_clear_text() -> None:
    data = _sealed()
    opened = _open(data)
    assert opened.payload == PAYLOAD
    assert opened.manifest.counts == {"person": 1}
    assert b"3572010101700001" not in data and b"LAP01" not in data


def test_every_single_byte_change_is_refused() -> None:
    data = _sealed()
    for i in range(len(data)):
        damaged = bytearray(data)
        damaged[i] ^= 0x01
        with pytest.raises(BundleError):
            _open(bytes(damaged))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_byte_value_anywhere_is_refused(data: st.DataObject) -> None:
    raw = _sealed()
    i = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != raw[i]))
    damaged = bytearray(raw)
    damaged[i] = value
    with pytest.raises(BundleError):
        _open(bytes(damaged))


def test_truncated_or_extended_bundle_is_refused() -> None:
    data = _sealed()
    for damaged in (data[:-1], data + b"\0", data[: len(data) // 2], b""):
        with pytest.raises(BundleError):
            _open(damaged)


def test_wrong_signer_is_refused() -> None:
    data = seal(_fields(), PAYLOAD, SigningKey.generate(), RECIPIENT.verify_key)[1]
    with pytest.raises(BundleError) as refused:
        _open(data)
    assert refused.value.code == "sync.bundle_bad_signature" and refused.value.message


def test_other_recipient_cannot_open() -> None:
    data = seal(_fields(), PAYLOAD, SENDER, SigningKey.generate().verify_key)[1]
    with pytest.raises(BundleError) as refused:
        _open(data)
    assert refused.value.code == "sync.bundle_tampered" and refused.value.message


def test_bundle_for_another_device_is_refused_before_decrypting() -> None:
    data = seal(_fields(to_device="lap2"), PAYLOAD, SENDER, RECIPIENT.verify_key)[1]
    with pytest.raises(BundleError) as refused:
        _open(data)
    assert refused.value.code == "sync.bundle_wrong_recipient" and refused.value.message


def test_newer_format_is_refused_with_a_message_to_upgrade(monkeypatch) -> None:
    monkeypatch.setattr(fmt, "FORMAT_VERSION", 2)
    data = seal(_fields(), PAYLOAD, SENDER, RECIPIENT.verify_key)[1]
    monkeypatch.setattr(fmt, "FORMAT_VERSION", 1)
    with pytest.raises(NewerFormatError) as refused:
        _open(data)
    assert refused.value.code == "sync.bundle_newer_format" and refused.value.message


def test_one_flipped_byte_in_a_real_return_bundle_changes_nothing(field) -> None:
    person = field.people[0][0]
    inp = field.lap.registry.get_person(person).input
    inp.phone = "081234"
    field.lap.registry.update_person(person, inp)
    data = field.lap.sync.export(field.tmp / "ret.bdl").path.read_bytes()
    for i in (0, 20, len(data) // 2, len(data) - 1):
        damaged = bytearray(data)
        damaged[i] ^= 0x80
        path = field.tmp / f"bad{i}.bdl"
        path.write_bytes(bytes(damaged))
        before = _snapshot(field.office)
        with pytest.raises(BundleRefused):
            field.office.sync.import_bundle(path)
        assert _snapshot(field.office) == before
    assert field.office.registry.get_person(person).input.phone is None


def _snapshot(site: Site) -> tuple:
    with site.ctx.db.engine.connect() as conn:
        return (
            conn.exec_driver_sql("SELECT count(*) FROM change_log").scalar_one(),
            conn.exec_driver_sql("SELECT count(*) FROM sync_bundle").scalar_one(),
            tuple(conn.exec_driver_sql("SELECT phone FROM person ORDER BY id").scalars()),
        )


def test_unreadable_file_is_refused(field) -> None:
    with pytest.raises(BundleRefused) as refused:
        path = field.tmp / "notes.txt"
        path.write_text("bukan bundel")
        field.office.sync.import_bundle(path)
    assert refused.value.code == "sync.bundle_not_a_bundle" and refused.value.message
    with pytest.raises(BundleRefused) as refused:
        field.office.sync.import_bundle(Path(field.tmp / "missing.bdl"))
    assert refused.value.code == "sync.bundle_unreadable" and refused.value.message
