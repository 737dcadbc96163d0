"""The bundle file: signed, encrypted to its recipient, refused whole if anything is off."""

from __future__ import annotations

import json
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


# -- parsing before trust is bounded ---------------------------------------------------------------
class _CountingFile:
    """A file whose reads are counted, to show how much of it was read."""

    def __init__(self, fh, counter: list[int]) -> None:  # noqa: ANN001
        self._fh, self._counter = fh, counter

    def read(self, n: int = -1) -> bytes:
        data = self._fh.read(n)
        self._counter.append(len(data))
        return data

    def fileno(self) -> int:
        return self._fh.fileno()

    def __enter__(self) -> _CountingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def _counting_open(monkeypatch) -> list[int]:  # noqa: ANN001
    reads: list[int] = []
    monkeypatch.setattr(
        fmt,
        "open",
        lambda p, mode="rb": _CountingFile(open(p, mode), reads),  # noqa: SIM115
        raising=False,
    )
    return reads


def test_a_large_junk_file_is_refused_after_reading_its_first_bytes(
    tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    junk = tmp_path / "film.bdl"
    with open(junk, "wb") as fh:
        fh.write(b"\x00\x00\x00\x18ftypmp42")
        fh.truncate(50 * 1024 * 1024)
    reads = _counting_open(monkeypatch)
    with pytest.raises(BundleError) as refused:
        fmt.read_bundle_file(junk)
    assert refused.value.code == "sync.bundle_not_a_bundle"
    assert sum(reads) <= 8 * 1024


def test_a_bundle_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    big = tmp_path / "big.bdl"
    with open(big, "wb") as fh:
        fh.write(_sealed())
        fh.truncate(fmt.MAX_BUNDLE_BYTES + 1)  # sparse: no disk space used
    reads = _counting_open(monkeypatch)
    with pytest.raises(BundleError) as refused:
        fmt.read_bundle_file(big)
    assert refused.value.code == "sync.bundle_file_too_large" and refused.value.message
    assert "big.bdl" in refused.value.message
    assert sum(reads) <= 8 * 1024


def test_a_real_bundle_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ok.bdl"
    path.write_bytes(_sealed())
    assert _open(fmt.read_bundle_file(path)).payload == PAYLOAD


def _seal_raw(manifest: bytes, compressed: bytes) -> bytes:
    """A bundle signed by SENDER around any manifest line and compressed payload: what a
    registered but hostile device could send."""
    from nacl.public import SealedBox

    try:
        header = json.loads(manifest)
        header = header if isinstance(header, dict) else {}
    except (ValueError, RecursionError):
        header = {}
    header = {
        "format": 1,
        "bundle_id": header.get("bundle_id", "x"),
        "from": header.get("from_device", "lap"),
        "to": header.get("to_device", "office"),
        "kind": header.get("kind", "return"),
    }
    signed = SENDER.sign(manifest + b"\n" + compressed)
    box = SealedBox(RECIPIENT.verify_key.to_curve25519_public_key())
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    return fmt.MAGIC + head + box.encrypt(bytes(signed))


def _manifest_for(compressed: bytes, raw_size: int, **over: object) -> bytes:
    import hashlib

    fields = dict(
        _fields(entries=0, counts={}),
        format=1,
        payload_sha256=hashlib.sha256(compressed).hexdigest(),
        payload_bytes=raw_size,
        extra={},
    )
    fields.update(over)
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def test_a_signed_bundle_that_inflates_past_the_cap_is_refused(monkeypatch) -> None:  # noqa: ANN001
    import tracemalloc
    import zlib

    monkeypatch.setattr(fmt, "MAX_PAYLOAD_BYTES", 4 * 1024 * 1024)
    bomb = zlib.compress(b'{"entries":[],"pad":"' + b" " * (64 * 1024 * 1024) + b'"}', 9)
    assert len(bomb) < 100 * 1024
    # Declared honestly (64 MiB): refused before inflating anything.
    honest = _seal_raw(_manifest_for(bomb, 64 * 1024 * 1024 + 22), bomb)
    with pytest.raises(BundleError) as refused:
        _ = _open(honest).payload
    assert refused.value.code == "sync.bundle_too_large" and refused.value.message
    # Declared small (a lie): inflation stops one chunk past the declared size.
    lying = _seal_raw(_manifest_for(bomb, 1000), bomb)
    opened = _open(lying)
    tracemalloc.start()
    with pytest.raises(BundleError) as refused:
        _ = opened.payload
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refused.value.code == "sync.bundle_too_large"
    assert peak < 8 * 1024 * 1024


def test_a_payload_shorter_than_declared_is_refused() -> None:
    import zlib

    raw = json.dumps(PAYLOAD).encode()
    packed = zlib.compress(raw)
    with pytest.raises(BundleError) as refused:
        _ = _open(_seal_raw(_manifest_for(packed, len(raw) + 5, entries=1), packed)).payload
    assert refused.value.code == "sync.bundle_payload_damaged"
    truncated = zlib.compress(raw)[:-6]
    with pytest.raises(BundleError) as refused:
        _ = _open(_seal_raw(_manifest_for(truncated, len(raw), entries=1), truncated)).payload
    assert refused.value.code == "sync.bundle_payload_damaged"


@pytest.mark.parametrize(
    "manifest",
    [
        b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser's recursion
        b"1" * 5000,  # a number too long to convert
        b'"just a string"',
        b"\xff\xfe not utf-8",
    ],
    ids=["deep", "huge-number", "not-an-object", "not-utf8"],
)
def test_an_unparseable_manifest_is_refused_with_the_usual_message(manifest: bytes) -> None:
    import zlib

    packed = zlib.compress(b'{"entries":[]}')
    with pytest.raises(BundleError) as refused:
        _open(_seal_raw(manifest, packed))
    assert refused.value.code == "sync.bundle_manifest_unreadable" and refused.value.message


@pytest.mark.parametrize(
    "over",
    [
        {"seq_to": "3"},
        {"seq_to": True},
        {"seq_to": 10**30},
        {"seq_from": -1},
        {"entries": 1.5},
        {"counts": {"person": "many"}},
        {"counts": ["person"]},
        {"extra": "office"},
        {"extra": json.loads('{"a":' * 50 + "1" + "}" * 50)},
        {"from_name": "X" * 10_000},
        {"unknown_field": 1},
    ],
    ids=lambda o: next(iter(o)) + ("-deep" if "a" in str(o.get("extra", "")) else ""),
)
def test_a_manifest_with_wrong_types_is_refused(over: dict) -> None:
    import zlib

    packed = zlib.compress(b'{"entries":[]}')
    manifest = _manifest_for(packed, 14, **over)
    with pytest.raises(BundleError) as refused:
        _open(_seal_raw(manifest, packed))
    assert refused.value.code == "sync.bundle_manifest_unreadable" and refused.value.message


def test_a_payload_of_the_wrong_shape_is_refused() -> None:
    import zlib

    for raw in (b'{"entries": 7}', b"[1, 2]", b"[" * 100_000 + b"]" * 100_000):
        packed = zlib.compress(raw)
        bundle = _seal_raw(_manifest_for(packed, len(raw)), packed)
        with pytest.raises(BundleError) as refused:
            _ = _open(bundle).payload
        assert refused.value.code == "sync.bundle_payload_damaged" and refused.value.message


@pytest.mark.parametrize(
    "header",
    [
        b'{"format":true,"bundle_id":"b","from":"a","to":"office","kind":"return"}',
        b'{"format":' + b"9" * 5000 + b"}",
        b"[" * 100_000,
        b'{"format":1,"bundle_id":"' + b"b" * 5000 + b'","from":"a","to":"o","kind":"ack"}',
        b'{"format":1,"bundle_id":"x/../../y","from":"a","to":"office","kind":"return"}',
    ],
    ids=["bool-format", "huge-format", "deep", "header-too-long", "path-in-id"],
)
def test_a_hostile_clear_header_is_refused(header: bytes) -> None:
    with pytest.raises(BundleError) as refused:
        _open(fmt.MAGIC + header + b"\n" + b"\0" * 100)
    assert refused.value.code in ("sync.bundle_header_damaged", "sync.bundle_header_incomplete")


def test_real_checkout_and_return_bundles_hold_no_nik_or_name_in_clear(field) -> None:
    # UU PDP: a bundle on a USB stick is as exposed as the stick. Every NIK and name the
    # checkout carries must be unreadable in its bytes (and in the return's).
    identities: list[bytes] = []
    for family in field.people:
        for pid in family:
            person = field.office.registry.get_person(pid).input
            identities += [person.name.encode(), (person.nik or "").encode()]
    identities = [i for i in identities if len(i) >= 6]
    assert len(identities) >= 4
    checkout = (field.tmp / "checkout.bdl").read_bytes()
    person = field.people[0][0]
    inp = field.lap.registry.get_person(person).input
    inp.phone = "081234"
    field.lap.registry.update_person(person, inp)
    returned = field.lap.sync.export(field.tmp / "ret.bdl").path.read_bytes()
    for data in (checkout, returned):
        assert not [i for i in identities if i in data]
