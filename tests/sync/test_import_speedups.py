"""The import's shortcuts give exactly what the plain ways give (issue 17: the 8,000-receipt
return bundle): the same JSON text, the same signed bytes, the same stored change-log rows, the
same newest clock stamp, and the interpreter settings put back however an import ends."""

from __future__ import annotations

import gc
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey
from sqlalchemy import select

from desktop_app.domain.clock import FixedClock, Timestamp
from desktop_app.domain.receipts import encode_signature, receipt_signed_bytes
from desktop_app.services.sync import apply as apply_module
from desktop_app.services.sync.merge import Entry, Merger, converters, insert_rows, typed_converters
from desktop_app.services.sync.policies import canonical_json
from desktop_app.storage import chain
from desktop_app.storage.models import ChangeLog
from tests.conftest import FIXED_NOW
from tests.sync.helpers import open_site

_TEXT = ["a", '"', "\\", "\n", "\x00", "\x1f", "\u2028", "é", "中", "😀", "/", "\x7f", "\t"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_TEXT) for _ in range(rng.randint(0, 6)))


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if depth < 3 and roll < 0.35:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return rng.choice([None, True, False, 0, -5, 2**70, 1.5, 1e300, 0.1, _text(rng)])


def test_canonical_json_is_the_unit_of_works_text() -> None:
    rng = random.Random(17)
    for _ in range(3000):
        value = _value(rng)
        assert canonical_json(value) == json.dumps(value, ensure_ascii=False, sort_keys=True)


def test_signed_bytes_are_the_compact_json_of_the_fields() -> None:
    rng = random.Random(18)
    for _ in range(500):
        fields = {
            "round_id": _text(rng),
            "roster_id": _text(rng),
            "number": _text(rng),
            "received_at": "2026-12-05T18:59:52.689057+07:00",
            "collector_name": rng.choice([None, _text(rng)]),
            "collector_nik": _text(rng),
            "collector_relation": None,
            "point_id": _text(rng),
            "officer": _text(rng),
            "device_id": _text(rng),
        }
        parts = [
            "berdaya-receipt/1",
            fields["round_id"],
            fields["roster_id"],
            fields["number"],
            "2026-12-05T11:59:52.689057Z",
            fields["collector_name"] or "",
            fields["collector_nik"],
            "",
            fields["point_id"],
            fields["officer"],
            fields["device_id"],
        ]
        expected = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()
        assert receipt_signed_bytes(fields) == expected


def _entry(n: int, hlc: str, at: str, *, digest: str | None = "h") -> Entry:
    return Entry(
        id=f"change-{n}",
        hlc=hlc,
        device_id="device-test",
        actor="petugas",
        at=at,
        entity="distribution_receipt",
        entity_id=f"receipt-{n}",
        op="receive",
        changes=canonical_json({"id": [None, f"receipt-{n}"], "number": [None, f"R-{n}"]}),
        source="scan_log",
        batch_id=None if n % 2 else f"batch-{n}",
        prev_hash=None if digest is None else f"prev-{n}",
        hash=None if digest is None else f"{digest}-{n}",
    )


def test_newest_stamp_is_the_newest_decoded_stamp() -> None:
    stamps = [
        "1796497192689-00000-dev-a",
        "1796497192689-00001-dev-a",
        "1796497192690-00000-dev-0",
        "1796497192689-00002-dev-z",
    ]
    entries = [_entry(i, h, "2026-12-05T18:59:52") for i, h in enumerate(stamps)]
    assert apply_module._newest_stamp(entries) == max(Timestamp.decode(h) for h in stamps)
    entries.append(_entry(9, "not-a-stamp", "2026-12-05T18:59:52"))
    with pytest.raises(ValueError):
        apply_module._newest_stamp(entries)


def test_values_are_the_fields_new_values() -> None:
    e = _entry(1, "1796497192689-00000-dev-a", "2026-12-05T18:59:52")
    assert e.values == {"id": "receipt-1", "number": "R-1"}
    assert e.values is e.values  # made once
    e.changes, e._parsed = canonical_json({"number": [None, "R-9"]}), None
    assert e.values == {"number": "R-9"}  # made again from the new changes
    broken = _entry(2, "1796497192689-00000-dev-a", "2026-12-05T18:59:52")
    broken.changes = json.dumps({"number": 5})
    with pytest.raises(TypeError):
        _ = broken.values


def test_only_typed_columns_are_converted() -> None:
    typed = typed_converters("distribution_receipt")
    assert "received_at" in typed and "number" not in typed
    every = converters("distribution_receipt")
    assert all(every[name] is convert for name, convert in typed.items())


def test_store_writes_the_rows_insert_rows_writes(tmp_path: Path) -> None:
    clock = FixedClock(FIXED_NOW)
    times = [
        "2026-12-05T18:59:52.689324",  # as a bundle carries it (no zone: UTC)
        "2026-12-05T18:59:52+07:00",  # another zone, no microseconds
        "2026-12-05 18:59:52.000001",  # as the database stores it
        "2026-12-05T18:59:52.689324+00:00",  # as a UTC clock's entry travels
        "2026-12-05T18:59:52+00:00",  # UTC, no microseconds
        "0999-12-05T18:59:52.000001+00:00",  # a year strftime would not pad
    ]
    entries = [_entry(i, f"17964971926{i:02d}-00000-dev-a", at) for i, at in enumerate(times)]
    # And as an import reads them: the stored form cut from the bundle's text.
    entries += [
        Entry.from_wire({**_entry(10 + i, f"179649719269{i}-00000-dev-a", at).to_wire()})
        for i, at in enumerate(times)
    ]
    entries.append(_entry(7, "1796497192699-00000-dev-a", times[0], digest=None))  # chained here
    rows = []
    for name, write in (
        ("merger", lambda s: Merger(s, FIXED_NOW).store(entries)),
        (
            "insert_rows",
            lambda s: insert_rows(
                s,
                ChangeLog.__table__,  # type: ignore[attr-defined]
                [e.to_row() for e in entries],
            ),
        ),
    ):
        site = open_site(tmp_path / name, name, clock)
        try:
            with site.ctx.db.transaction() as s:
                write(s)
            with site.ctx.db.session() as s:
                table = ChangeLog.__table__  # type: ignore[attr-defined]
                columns = [c for c in table.c if c.name != "seq"]
                found = s.execute(
                    select(*columns)
                    .where(table.c.device_id == "device-test")
                    .order_by(table.c.seq)
                ).all()
                rows.append([tuple(r) for r in found])
        finally:
            site.ctx.close()
    assert len(rows[0]) == len(entries)
    assert rows[0] == rows[1]


_TIMES = [
    "2026-12-05T18:59:52.689324+00:00",
    "2026-12-05T18:59:52+00:00",
    "2026-12-05T18:59:52.000001",
    "2026-12-05T18:59:52.5+07:00",
    "2026-12-05 18:59:52.000001",
    "2026-12-05T23:59:59.999999-05:00",
    "0999-01-01T00:00:00.000001+00:00",
    "2026-12-05T18:59:52.689324+00:00:00",
]


def test_computed_hash_is_the_chains_entry_hash() -> None:
    rng = random.Random(19)
    for n in range(600):
        at = rng.choice(_TIMES)
        e = _entry(n, f"1796497192689-{n:05d}-dev-a", at, digest=rng.choice([None, "h"]))
        e.actor, e.entity_id = "a" + _text(rng), _text(rng)
        e.source = rng.choice([None, _text(rng)])
        e.changes = canonical_json({_text(rng): [None, _value(rng)]})
        fields = [getattr(e, k) for k in chain.CHAIN_FIELDS]
        expected = chain.entry_hash(*fields, e.prev_hash)
        assert e.computed_hash() == expected
        wired = Entry.from_wire(json.loads(json.dumps(e.to_wire())))
        assert wired.stored_at == chain.canonical_at(at)
        assert wired.computed_hash() == expected
        e.at = "2026-01-01T00:00:00+00:00"  # a changed time is hashed anew
        assert e.computed_hash() == chain.entry_hash(
            *fields[:4], e.at, *fields[5:], e.prev_hash
        )


def test_interpreter_settings_come_back_however_the_import_ends() -> None:
    interval = sys.getswitchinterval()
    assert gc.isenabled()
    with (
        pytest.raises(RuntimeError),
        apply_module._cyclic_gc_paused(),
        apply_module._quick_gil_handoff(),
    ):
        assert not gc.isenabled()
        assert sys.getswitchinterval() <= apply_module._HANDOFF_S
        raise RuntimeError("the import failed")
    assert gc.isenabled() and sys.getswitchinterval() == interval
    gc.disable()
    try:
        with apply_module._cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


class _Key:
    def __init__(self, verify_key: bytes) -> None:
        self.verify_key = verify_key
        self.revoked_at = None


class _Checker:
    def __init__(self, keys: dict[str, _Key]) -> None:
        self._keys = keys

    def keys(self) -> dict[str, _Key]:
        return self._keys


def _signed_receipts(n: int) -> tuple[_Checker, list[Entry], set[str]]:
    """n receipt entries of one device, every third with a signature over other content."""
    key = SigningKey.generate()
    entries: list[Entry] = []
    honest: set[str] = set()
    for i in range(n):
        fields = {
            "id": f"receipt-{i}",
            "round_id": "round-1",
            "roster_id": f"roster-{i}",
            "number": f"R-{i}",
            "received_at": f"2026-12-05T18:59:52.{i:06d}+00:00",
            "point_id": "point-1",
            "officer": "petugas",
            "device_id": "device-test",
        }
        signed = receipt_signed_bytes(fields if i % 3 else {**fields, "number": "other"})
        fields["signature"] = encode_signature(key.sign(signed).signature)
        e = _entry(i, f"1796497192689-{i:05d}-dev-a", "2026-12-05T18:59:52")
        e.changes = canonical_json({k: [None, v] for k, v in fields.items()})
        entries.append(e)
        if i % 3:
            honest.add(e.id)
    checker = _Checker({"device-test": _Key(bytes(key.verify_key))})
    return checker, entries, honest


def test_chunked_signature_checks_give_the_serial_verdicts(monkeypatch) -> None:
    checker, entries, honest = _signed_receipts(40)
    serial = apply_module.ReceiptSignatures(checker)  # type: ignore[arg-type]
    serial.start(entries)
    assert serial.verified() == honest and serial.submitted == {e.id for e in entries}
    monkeypatch.setattr(apply_module, "_JOBS_PER_THREAD", 1)
    monkeypatch.setattr(apply_module, "_SIGN_CHUNK", 3)
    threaded = apply_module.ReceiptSignatures(checker)  # type: ignore[arg-type]
    threaded.begin(len(entries))
    for i in range(0, len(entries), 7):  # fed as the bundle is read, some ids twice
        threaded.feed(entries[i : i + 7] + entries[i : i + 1])
    threaded.finish()
    # Chunks no thread has begun are checked by the caller: same verdicts either way.
    assert threaded.verified() == honest and threaded.submitted == serial.submitted
    dropped = apply_module.ReceiptSignatures(checker)  # type: ignore[arg-type]
    dropped.begin(len(entries))
    dropped.feed(entries)
    dropped.abandon()  # a refused bundle: nothing more is checked
    assert dropped.verified() == set()
