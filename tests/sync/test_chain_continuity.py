"""A laptop's return bundles must continue its change-log chain as the office accepted it.

A gap (an entry left out) or a rewritten history (an entry the office already accepted, edited
and re-chained on the laptop) is refused entry by entry into quarantine with a coded reason,
never a crash; an honest laptop flows on.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.services.health import check_database
from desktop_app.services.sync import export as export_module
from desktop_app.storage import chain
from desktop_app.storage.sync_models import SyncPeer
from tests.sync.test_authority import Setup, _still_flows


@pytest.fixture
def setup(tmp_path: Path):
    from desktop_app.domain.clock import FixedClock
    from tests.conftest import FIXED_NOW

    s = Setup(tmp_path, FixedClock(FIXED_NOW))
    s.clock.advance(hours=1)
    yield s
    s.close()


def _edit_phone(s: Setup, phone: str) -> str:
    person = s.person_of(s.home1[0])
    inp = s.lap1.registry.get_person(person).input
    inp.phone = phone
    s.lap1.registry.update_person(person, inp)
    return person


def _roundtrip(s: Setup, name: str):
    """Laptop exports, office imports and answers, laptop imports the ack."""
    path = s.lap1.sync.export(s.root / f"{name}.bdl").path
    result = s.office.sync.import_bundle(path, ack_path=s.root / f"{name}-ack.bdl")
    s.lap1.sync.import_bundle(s.root / f"{name}-ack.bdl")
    return result


def _head(site, device_id: str) -> str:
    with site.ctx.db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT hash FROM change_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
            (device_id,),
        ).scalar_one()


def _accepted_head(s: Setup) -> str:
    with s.office.ctx.db.session() as sess:
        peer = sess.get(SyncPeer, s.lap1.ctx.device.id)
        return peer.chain_hash if peer else ""


def test_honest_bundles_continue_the_chain(setup: Setup) -> None:
    _edit_phone(setup, "0812-0001")
    first = _roundtrip(setup, "r1")
    assert first.exit_code == 0 and first.quarantined == 0
    lap_id = setup.lap1.ctx.device.id
    # The join left a local entry on the laptop: its link travelled, its content did not.
    assert _accepted_head(setup) == _head(setup.lap1, lap_id)
    _edit_phone(setup, "0812-0002")
    second = _roundtrip(setup, "r2")
    assert second.exit_code == 0 and second.quarantined == 0
    assert _accepted_head(setup) == _head(setup.lap1, lap_id)
    # The laptop's entries keep its hashes at the office, and both files check healthy.
    assert _head(setup.office, lap_id) == _head(setup.lap1, lap_id)
    for site in (setup.office, setup.lap1):
        report = check_database(site.path)
        assert report.chain_break is None and report.exit_code == 0, report.problems


def test_a_gap_is_held(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    _roundtrip(setup, "r0")
    for n in range(3):
        _edit_phone(setup, f"0812-100{n}")
    real = export_module.own_entries

    def without_middle(sess, device, after):  # type: ignore[no-untyped-def]
        entries = real(sess, device, after)
        return entries[:1] + entries[2:]

    monkeypatch.setattr(export_module, "own_entries", without_middle)
    path = setup.lap1.sync.export(setup.root / "gap.bdl").path
    monkeypatch.setattr(export_module, "own_entries", real)
    result = setup.office.sync.import_bundle(path, make_ack=False)
    assert result.exit_code == 1 and result.quarantined == 2
    held = [q for q in setup.office.sync.quarantine() if q.bundle_id == result.bundle_id]
    assert {q.reason_code for q in held} == {"sync.rule.chain_gap"}
    assert all("LAP01" in q.reason for q in held)


def test_rewritten_history_is_held(setup: Setup) -> None:
    _edit_phone(setup, "0812-2001")
    assert _roundtrip(setup, "r1").quarantined == 0
    # The laptop's owner edits an entry the office already accepted and re-chains the log.
    lap_id = setup.lap1.ctx.device.id
    conn = sqlite3.connect(setup.lap1.path)
    try:
        seq = conn.execute(
            "SELECT seq FROM change_log WHERE device_id = ? AND entity = 'person' "
            "ORDER BY seq DESC LIMIT 1",
            (lap_id,),
        ).fetchone()[0]
        conn.execute(
            'UPDATE change_log SET changes = \'{"phone": [null, "0000"]}\' WHERE seq = ?',
            (seq,),
        )
        conn.execute(
            "UPDATE change_log SET prev_hash = NULL, hash = NULL WHERE device_id = ?", (lap_id,)
        )
        chain.chain_existing(conn)
        conn.commit()
    finally:
        conn.close()
    _edit_phone(setup, "0812-2002")
    path = setup.lap1.sync.export(setup.root / "rewritten.bdl").path
    result = setup.office.sync.import_bundle(path, make_ack=False)
    assert result.exit_code == 1 and result.quarantined == 1
    [held] = [q for q in setup.office.sync.quarantine() if q.bundle_id == result.bundle_id]
    assert held.reason_code == "sync.rule.chain_rewritten" and "LAP01" in held.reason
    # Flagged once: the laptop's next bundles continue from what it holds now (the held phone
    # makes the next one a conflict to review, not a chain problem).
    _edit_phone(setup, "0812-2003")
    path = setup.lap1.sync.export(setup.root / "after.bdl").path
    assert setup.office.sync.import_bundle(path, make_ack=False).quarantined == 0


def test_an_altered_entry_is_held(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_phone(setup, "0812-3001")
    real = export_module.own_entries

    def altered(sess, device, after):  # type: ignore[no-untyped-def]
        entries = real(sess, device, after)
        entries[-1].changes = entries[-1].changes.replace("0812-3001", "0812-9999")
        entries[-1]._parsed = None
        return entries

    monkeypatch.setattr(export_module, "own_entries", altered)
    path = setup.lap1.sync.export(setup.root / "altered.bdl").path
    monkeypatch.setattr(export_module, "own_entries", real)
    result = setup.office.sync.import_bundle(path, make_ack=False)
    assert result.exit_code == 1 and result.quarantined == 1
    [held] = [q for q in setup.office.sync.quarantine() if q.bundle_id == result.bundle_id]
    assert held.reason_code == "sync.rule.chain_altered"
    person = setup.person_of(setup.home1[0])
    assert setup.office.registry.get_person(person).input.phone != "0812-9999"


def test_an_older_bundle_after_a_newer_one_changes_nothing(setup: Setup) -> None:
    _edit_phone(setup, "0812-4001")
    old = setup.lap1.sync.export(setup.root / "old.bdl").path
    _edit_phone(setup, "0812-4002")
    new = setup.lap1.sync.export(setup.root / "new.bdl").path
    assert setup.office.sync.import_bundle(new, make_ack=False).quarantined == 0
    head = _accepted_head(setup)
    result = setup.office.sync.import_bundle(old, make_ack=False)
    assert result.quarantined == 0 and _accepted_head(setup) == head
    _still_flows(setup)
