"""Joining from the Sinkronisasi tab: the office shows the fingerprint and one-time code with the
checkout; the laptop asks for one of them before anything is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.gui.sync import join as join_dialog
from desktop_app.gui.sync import widgets as sync_widgets
from desktop_app.gui.sync.join import JoinDialog
from desktop_app.gui.sync.tab import SyncTab
from desktop_app.services.sync import DeviceService
from tests.sync.helpers import Site, add_household, open_site, register


@dataclass
class Pair:
    office: Site
    lap: Site
    household: str


@pytest.fixture
def pair(tmp_path: Path, clock) -> Iterator[Pair]:  # noqa: ANN001
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    register(office, lap, "LAP01")
    household, _ = add_household(office, 1)
    yield Pair(office, lap, household)
    office.ctx.close()
    lap.ctx.close()


def test_join_needs_the_fingerprint_or_the_code(
    qtbot, pair: Pair, message_boxes, monkeypatch, tmp_path: Path
) -> None:  # noqa: ANN001
    office = SyncTab(pair.office.ctx)
    qtbot.addWidget(office)
    path = tmp_path / "co.bdl"
    # The office's summary carries the fingerprint and the code.
    result = office.sync.checkout("LAP01", path, household_ids=[pair.household])
    office._exported(result)
    summary = message_boxes.texts()[-1]
    fingerprint = DeviceService(pair.office.ctx).identity().fingerprint
    assert fingerprint in summary and result.checkout.join_code in summary
    assert "Orang: 2" in summary

    laptop = SyncTab(pair.lap.ctx)
    qtbot.addWidget(laptop)
    asked: list[object] = []

    def cancel(_parent, offer):  # noqa: ANN001, ANN202
        asked.append(offer)
        return None

    monkeypatch.setattr(join_dialog, "ask_join_confirmation", cancel)
    laptop.import_file(path)
    assert asked[0].office_fingerprint == fingerprint
    assert laptop.sync.role() == "office" and laptop.last_result is None
    # The person types the code from the office's screen.
    monkeypatch.setattr(
        join_dialog, "ask_join_confirmation", lambda *_a: (None, result.checkout.join_code)
    )
    laptop.import_file(path)
    qtbot.waitUntil(lambda: laptop.last_result is not None)
    assert laptop.sync.role() == "field" and laptop.last_result.applied > 0
    assert fingerprint in laptop.identity.text()


def test_the_dialog_allows_joining_only_once_confirmed(qtbot, pair: Pair, tmp_path: Path) -> None:  # noqa: ANN001
    result = pair.office.sync.checkout("LAP01", tmp_path / "co.bdl", household_ids=[pair.household])
    offer = pair.lap.sync.join_offer(tmp_path / "co.bdl")
    dialog = JoinDialog(offer)
    qtbot.addWidget(dialog)
    assert offer.office_fingerprint in dialog.fingerprint.text()
    assert not dialog.ok_button.isEnabled()
    dialog.code.setText("12345")
    assert not dialog.ok_button.isEnabled()
    dialog.code.setText(result.checkout.join_code)
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == (None, result.checkout.join_code)
    dialog.code.clear()
    dialog.matches.setChecked(True)
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == (offer.office_fingerprint, None)


def test_a_junk_file_is_refused_before_the_dialog(
    qtbot, pair: Pair, message_boxes, monkeypatch, tmp_path: Path
) -> None:  # noqa: ANN001
    laptop = SyncTab(pair.lap.ctx)
    qtbot.addWidget(laptop)
    junk = tmp_path / "junk.bdl"
    junk.write_bytes(b"bukan bundel" * 100)
    monkeypatch.setattr(join_dialog, "ask_join_confirmation", lambda *_a: pytest.fail("asked"))
    monkeypatch.setattr(sync_widgets, "ask_open_path", lambda *_a, **_k: junk)
    laptop.import_clicked()
    assert any("bukan bundel sinkronisasi" in t for t in message_boxes.texts())
