"""A first join is confirmed by a person: the office's key fingerprint or the checkout's one-time
code, read at the office. Without it nothing is written; a rogue office (one that registered the
laptop from its public identity file) is refused and the real office still works; a laptop that
joined one office refuses checkouts from another."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.services.sync import BundleRefused
from desktop_app.services.sync.apply import JoinNeedsConfirmation
from desktop_app.services.sync.devices import join_code
from desktop_app.services.sync.views import ExportResult
from tests.sync.helpers import Site, add_household, office_fingerprint, open_site, register


@dataclass
class Offices:
    real: Site
    rogue: Site
    lap: Site
    real_checkout: ExportResult
    rogue_checkout: ExportResult
    tmp: Path


@pytest.fixture
def offices(tmp_path: Path, sync_clock) -> Offices:  # noqa: ANN001
    real = open_site(tmp_path, "office", sync_clock)
    rogue = open_site(tmp_path, "rogue", sync_clock)
    lap = open_site(tmp_path, "lap", sync_clock)
    # Both offices register the laptop from the same public identity file.
    register(real, lap, "LAP01")
    register(rogue, lap, "LAP01")
    household, _ = add_household(real, 1)
    forged, _ = add_household(rogue, 2)
    real_co = real.sync.checkout("LAP01", tmp_path / "real.bdl", household_ids=[household])
    rogue_co = rogue.sync.checkout("LAP01", tmp_path / "rogue.bdl", household_ids=[forged])
    yield Offices(real, rogue, lap, real_co, rogue_co, tmp_path)
    for site in (real, rogue, lap):
        site.ctx.close()


def _state(site: Site) -> tuple:
    """Everything a join could write: settings, devices, the log, the registry."""
    with site.ctx.db.engine.connect() as conn:
        return tuple(
            tuple(conn.exec_driver_sql(sql).all())
            for sql in (
                "SELECT key, value FROM setting WHERE key NOT IN ('hlc_last') ORDER BY key",
                "SELECT * FROM sync_device ORDER BY id",
                "SELECT count(*) FROM change_log",
                "SELECT count(*) FROM person",
                "SELECT count(*) FROM sync_bundle",
            )
        )


def test_a_first_join_without_confirmation_writes_nothing(offices: Offices) -> None:
    before = _state(offices.lap)
    with pytest.raises(JoinNeedsConfirmation) as asked:
        offices.lap.sync.join(offices.tmp / "real.bdl")
    assert asked.value.code == "sync.join_confirm_office" and asked.value.message
    assert asked.value.params["fingerprint"] == office_fingerprint(offices.real)
    assert office_fingerprint(offices.real) in asked.value.message
    # Through the general import path (the GUI's Impor bundel) the same.
    with pytest.raises(BundleRefused) as asked:
        offices.lap.sync.import_bundle(offices.tmp / "real.bdl")
    assert asked.value.code == "sync.join_confirm_office"
    assert _state(offices.lap) == before and offices.lap.sync.role() == "office"


def test_the_office_summary_gives_the_fingerprint_and_a_code_for_this_checkout(
    offices: Offices,
) -> None:
    summary = offices.real_checkout.checkout
    assert summary is not None
    assert summary.office_fingerprint == office_fingerprint(offices.real)
    assert summary.join_code == join_code(
        offices.real_checkout.bundle_id, offices.real.sync.devices.identity().verify_key
    )
    assert len(summary.join_code.replace("-", "")) == 10
    assert summary.carries == {"enrolment": 1, "household": 1, "kk_history": 1, "person": 2}
    # What the laptop shows before joining.
    offer = offices.lap.sync.join_offer(offices.tmp / "real.bdl")
    assert offer is not None
    assert offer.office_fingerprint == summary.office_fingerprint
    assert offer.device_name == "LAP01" and offer.counts == summary.carries


def test_a_wrong_fingerprint_or_code_writes_nothing(offices: Offices) -> None:
    before = _state(offices.lap)
    real_fp = office_fingerprint(offices.real)
    for given in (office_fingerprint(offices.rogue), real_fp[-4:], "0000-0000-0000-0000"):
        with pytest.raises(BundleRefused) as refused:
            offices.lap.sync.join(offices.tmp / "real.bdl", confirm_fingerprint=given)
        assert refused.value.code == "sync.join_fingerprint_mismatch" and refused.value.message
    another = offices.real.sync.checkout(
        "LAP01", offices.tmp / "again.bdl", household_ids=[_household(offices.real)]
    )
    for code in (another.checkout.join_code, "12345-67890", "x"):
        with pytest.raises(BundleRefused) as refused:
            offices.lap.sync.join(offices.tmp / "real.bdl", code=code)
        assert refused.value.code == "sync.join_code_mismatch" and refused.value.message
    assert _state(offices.lap) == before


def test_the_fingerprint_is_forgiving_about_case_spaces_and_dashes(offices: Offices) -> None:
    typed = office_fingerprint(offices.real).replace("-", " ").lower()
    result = offices.lap.sync.join(offices.tmp / "real.bdl", confirm_fingerprint=typed)
    assert result.applied > 0 and offices.lap.sync.role() == "field"


def test_a_rogue_office_is_refused_and_the_real_one_still_works(offices: Offices) -> None:
    lap = offices.lap
    before = _state(lap)
    # The person reads the real office's fingerprint and code; neither fits the rogue bundle.
    real_fp = office_fingerprint(offices.real)
    with pytest.raises(BundleRefused) as refused:
        lap.sync.join(offices.tmp / "rogue.bdl", confirm_fingerprint=real_fp)
    assert refused.value.code == "sync.join_fingerprint_mismatch"
    with pytest.raises(BundleRefused) as refused:
        lap.sync.join(offices.tmp / "rogue.bdl", code=offices.real_checkout.checkout.join_code)
    assert refused.value.code == "sync.join_code_mismatch"
    # Unconfirmed, it shows the rogue's fingerprint, which differs from the office screen.
    with pytest.raises(JoinNeedsConfirmation) as asked:
        lap.sync.join(offices.tmp / "rogue.bdl")
    assert asked.value.params["fingerprint"] != real_fp
    assert _state(lap) == before
    # The real office's checkout, with its code, joins.
    result = lap.sync.join(offices.tmp / "real.bdl", code=offices.real_checkout.checkout.join_code)
    assert result.applied > 0 and lap.sync.role() == "field"
    assert lap.sync.devices.office().fingerprint == real_fp
    # From now on the rogue is refused however it is confirmed, and nothing changes.
    joined = _state(lap)
    for kwargs in ({}, {"code": offices.rogue_checkout.checkout.join_code}):
        with pytest.raises(BundleRefused) as refused:
            lap.sync.join(offices.tmp / "rogue.bdl", **kwargs)
        assert refused.value.code == "sync.foreign_office" and refused.value.message
    assert _state(lap) == joined
    # And the real office keeps working: a second checkout needs no confirmation.
    offices.real.sync.checkout(
        "LAP01", offices.tmp / "second.bdl", household_ids=[_household(offices.real)]
    )
    assert lap.sync.join(offices.tmp / "second.bdl").already_imported is False
    assert lap.sync.join_offer(offices.tmp / "second.bdl") is None


def test_a_rogue_claiming_the_real_office_id_is_refused(
    offices: Offices, tmp_path: Path, sync_clock
) -> None:  # noqa: ANN001
    lap = offices.lap
    lap.sync.join(offices.tmp / "real.bdl", code=offices.real_checkout.checkout.join_code)
    # A rogue database whose device id is the real office's (both are public).
    clone = open_site(tmp_path, "clone", sync_clock)
    clone.ctx.close()
    with sqlite3.connect(clone.path) as conn:
        conn.execute(
            "UPDATE setting SET value = ? WHERE key = 'device'",
            (json.dumps({"id": offices.real.ctx.device.id, "name": "KANTOR"}),),
        )
    clone = open_site(tmp_path, "clone", sync_clock)
    assert clone.ctx.device.id == offices.real.ctx.device.id
    register(clone, lap, "LAP01")
    household, _ = add_household(clone, 5)
    clone.sync.checkout("LAP01", tmp_path / "clone.bdl", household_ids=[household])
    before = _state(lap)
    with pytest.raises(BundleRefused) as refused:
        lap.sync.join(tmp_path / "clone.bdl")
    assert refused.value.code == "sync.sender_key_mismatch" and refused.value.message
    assert _state(lap) == before
    clone.ctx.close()


def test_a_bad_device_name_in_a_checkout_is_not_adopted(offices: Offices) -> None:
    # The office's device table says the laptop is called "../X" (a damaged or forged row).
    with offices.real.ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sync_device SET name = '../X'")
    offices.real.sync.checkout(
        offices.lap.ctx.device.id, offices.tmp / "bad.bdl", household_ids=[_household(offices.real)]
    )
    before = _state(offices.lap)
    with pytest.raises(BundleRefused) as refused:
        offices.lap.sync.join(
            offices.tmp / "bad.bdl", confirm_fingerprint=office_fingerprint(offices.real)
        )
    assert refused.value.code == "sync.checkout_name_invalid" and refused.value.message
    assert _state(offices.lap) == before


def _household(site: Site) -> str:
    with site.ctx.db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT id FROM household LIMIT 1").scalar_one()
