"""The Sinkronisasi tab: queues with side-by-side values, decisions, bundles in and out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.sync import widgets as sync_widgets
from desktop_app.gui.sync.models import (
    BundleHistoryModel,
    ConflictModel,
    DeviceModel,
    DoubleClaimModel,
    QuarantineModel,
    RoundProgressModel,
)
from desktop_app.gui.sync.tab import SyncTab
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync.double_claims import DoubleClaimService
from tests.sync import scenario


@pytest.fixture
def world(tmp_path: Path) -> Iterator[scenario.Scenario]:
    built = scenario.build(tmp_path)
    yield built
    built.close()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What the dialogs would answer: a note, a file to open, a file to save to."""
    given: dict[str, object] = {"text": "dicek dengan petugas", "open": None, "save": None}
    monkeypatch.setattr(sync_widgets, "ask_text", lambda *_a, **_k: given["text"])
    monkeypatch.setattr(sync_widgets, "ask_open_path", lambda *_a, **_k: given["open"])
    monkeypatch.setattr(sync_widgets, "ask_save_path", lambda *_a, **_k: given["save"])
    return given


def test_models_pass_the_model_tester(qtmodeltester, world: scenario.Scenario) -> None:  # noqa: ANN001
    from desktop_app.services.sync import SyncService

    svc = SyncService(world.office.ctx)
    claims = DoubleClaimService(world.office.ctx)
    for model, rows in (
        (RoundProgressModel(), claims.round_progress()),
        (DeviceModel(), svc.peers()),
        (DoubleClaimModel(), claims.claims()),
        (ConflictModel(), svc.conflicts()),
        (QuarantineModel(), svc.quarantine()),
        (BundleHistoryModel(), svc.history()),
    ):
        model.set_rows(rows)
        assert model.rowCount() == len(rows) > 0
        qtmodeltester.check(model)


def test_office_queues_side_by_side_and_decisions(
    qtbot, world: scenario.Scenario, answers, message_boxes
) -> None:  # noqa: ANN001
    tab = SyncTab(world.office.ctx)
    qtbot.addWidget(tab)
    assert [tab.queues.tabText(i) for i in range(3)] == [
        "Klaim ganda (1)",
        "Konflik (3)",
        "Karantina (1)",
    ]
    assert tab.devices_panel.round_model.rows[0].by_device == {"LAP01": 2, "LAP02": 3}
    # The double claim, its two receipts side by side; void the second laptop's.
    tab.claims_panel.view.selectRow(0)
    assert len(tab.claims_panel.detail.buttons) == 2
    assert "Sutrisno" in tab.claims_panel.note.text()
    texts = [w.text() for w in tab.claims_panel.detail.findChildren(QLabel)]
    assert any("RST4-LAP01-000001" in t for t in texts)
    assert any("Sri Wahyuni (satu KK)" in t for t in texts)
    tab.claims_panel.detail.buttons[1].click()
    assert tab.queues.tabText(0) == "Klaim ganda (0)"
    dist = DistributionService(world.office.ctx)
    voided = [r for r in dist.receipts(world.round_id) if r.voided]
    assert [r.number for r in voided] == ["RST4-LAP02-000001"]
    assert "dicek dengan petugas" in voided[0].void_reason
    # A critical conflict: choose the field's NIK.
    row = next(i for i, c in enumerate(tab.conflicts_panel.model.rows) if c.field == "nik")
    tab.conflicts_panel.view.selectRow(row)
    conflict = tab.conflicts_panel.model.rows[row]
    choice = next(i for i, c in enumerate(conflict.candidates) if c.device_name == "LAP01")
    tab.conflicts_panel.detail.buttons[choice].click()
    assert tab.queues.tabText(1) == "Konflik (2)"
    person = world.office.registry.get_person(world.world.families[4].head_id)
    assert person.input.nik.endswith("0009")
    # The quarantined change is released and applied with the office's clock.
    tab.quarantine_panel.view.selectRow(0)
    tab.quarantine_panel.decide(True)
    assert tab.queues.tabText(2) == "Karantina (0)"
    assert world.office.registry.get_person(world.world.families[5].head_id).input.phone == (
        "0899-0000"
    )
    assert message_boxes.shown == []
    # The bundle history of one device.
    lap2 = next(p.device_id for p in tab.devices_panel.device_model.rows if p.name == "LAP02")
    tab.show_history_of(lap2)
    assert {b.peer_name for b in tab.history_panel.model.rows} == {"LAP02"}
    assert {b.kind for b in tab.history_panel.model.rows} == {"checkout", "return", "ack"}
    tab.show_history_of(None)
    assert {b.peer_name for b in tab.history_panel.model.rows} == {"LAP01", "LAP02", "LAP03"}


def test_bundles_move_through_the_tab(
    qtbot, world: scenario.Scenario, answers, message_boxes, tmp_path: Path
) -> None:  # noqa: ANN001
    office = SyncTab(world.office.ctx)
    laptop = SyncTab(world.lap1.ctx)
    qtbot.addWidget(office)
    qtbot.addWidget(laptop)
    assert not laptop.checkout_button.isVisibleTo(laptop)
    assert laptop.export_button.text() == "Kirim ke kantor…"
    # The laptop shows the office's conflicts but leaves the decision to the supervisor.
    laptop.conflicts_panel.view.selectRow(0)
    assert laptop.conflicts_panel.detail.buttons == []
    # A receipt in the field, sent to the office, acknowledged back.
    dist = DistributionService(world.lap1.ctx)
    head = world.world.families[5].head_nik
    dist.receive(world.round_id, dist.scan(world.round_id, head).id)
    laptop.refresh()
    assert "1 perubahan" in laptop.status.text()
    answers["save"] = tmp_path / "kirim.bdl"
    laptop.export_clicked()
    qtbot.waitUntil(
        lambda: isinstance(laptop.last_result, object) and laptop.last_result is not None
    )
    assert (tmp_path / "kirim.bdl").exists()
    answers["open"] = tmp_path / "kirim.bdl"
    history = len(office.history_panel.model.rows)
    office.import_clicked()
    qtbot.waitUntil(lambda: office.last_result is not None)
    result = office.last_result
    assert result.applied == 1 and result.ack is not None
    assert len(office.history_panel.model.rows) == history + 2  # the bundle in, the ack out
    assert "Tanda terima untuk LAP01" in message_boxes.texts()[-1]
    laptop.last_result = None
    laptop.import_file(result.ack.path)
    qtbot.waitUntil(lambda: laptop.last_result is not None)
    assert "sudah dikonfirmasi kantor" in laptop.status.text()
    # A tampered bundle is refused with the reason; nothing changes.
    data = bytearray((tmp_path / "kirim.bdl").read_bytes())
    data[-5] ^= 1
    (tmp_path / "rusak.bdl").write_bytes(bytes(data))
    before = len(office.history_panel.model.rows)
    office.last_result = None
    office.import_file(tmp_path / "rusak.bdl")
    qtbot.waitUntil(lambda: any("diubah" in t for t in message_boxes.texts()))
    office.refresh()
    assert len(office.history_panel.model.rows) == before


def test_main_window_has_the_tab(qtbot, world: scenario.Scenario) -> None:  # noqa: ANN001
    window = MainWindow(world.office.ctx)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Sinkronisasi" in titles
    assert isinstance(window.tab("Sinkronisasi"), SyncTab)
