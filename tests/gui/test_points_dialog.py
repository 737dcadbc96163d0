"""The "Titik salur…" dialog of the round bar: edit a point's owner for the BAST, add a partner
shop, assign KPM by scanning their KK; refusals are shown and change nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.gui.distribution.points_dialog import PointsDialog
from desktop_app.gui.distribution.round_bar import RoundBar
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import DistributionService
from tests.helpers import draft_round
from tests.services.distribution_fixtures import World, build_world


@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx, rapelan=False)


@pytest.fixture
def svc(ctx: AppContext) -> DistributionService:
    return DistributionService(ctx)


@pytest.fixture
def round_id(ctx: AppContext, world: World) -> str:
    return draft_round(ctx, name="Rastrada Tahap IV 2026")


def _dialog(qtbot, svc: DistributionService, round_id: str) -> PointsDialog:
    dialog = PointsDialog(svc, svc.get_round(round_id))
    qtbot.addWidget(dialog)
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_owner_edit_new_shop_and_assigning_by_scan(qtbot, svc, round_id, world) -> None:
    dialog = _dialog(qtbot, svc, round_id)
    assert dialog.point_list.count() == len(svc.points(round_id)) > 1
    first = svc.points(round_id)[0]
    dialog.owner.setText("Nama Lurah Contoh")
    dialog.save_button.click()
    assert svc.get_point(round_id, first.id).owner == "Nama Lurah Contoh"
    assert dialog.changed and "Nama Lurah Contoh" in dialog.point_list.item(0).text()

    dialog.new_button.click()
    assert dialog.current_point() is None and not dialog.assign_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Toko Contoh Makmur")
    dialog.kind.setCurrentIndex(dialog.kind.findData("toko"))
    qtbot.keyClicks(dialog.owner, "Pemilik Contoh")
    qtbot.keyClicks(dialog.owner_title, "Pemilik Toko Contoh Makmur")
    dialog.save_button.click()
    shop = dialog.current_point()
    assert shop is not None and shop.name == "Toko Contoh Makmur" and shop.owner == "Pemilik Contoh"

    # A scanner types the KK and presses Enter: the KPM is assigned, the field is ready again.
    dialog.codes.setFocus()
    qtbot.keyClicks(dialog.codes, world.families[0].kk)
    qtbot.keyClick(dialog.codes, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter did not close the dialog
    assert dialog.members.rowCount() == 1
    assert dialog.members.item(0, 0).text() == world.families[0].head_name
    assert svc.get_point(round_id, shop.id).assigned == 1
    assert dialog.codes.text() == ""
    dialog.grab().save("/tmp/i14c-points.png")


def test_refusals_are_shown_and_change_nothing(qtbot, svc, round_id, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "desktop_app.gui.distribution.points_dialog.show_error",
        lambda _p, exc, **_k: shown.append(exc.code),
    )
    dialog = _dialog(qtbot, svc, round_id)
    qtbot.keyClicks(dialog.codes, "3572999999999999")
    dialog.assign_button.click()
    assert shown == ["distribution.input_problems"]
    assert dialog.codes.text() == "3572999999999999"  # kept for correcting
    second = svc.points(round_id)[1]
    dialog.name.setText(second.name)  # the first point renamed like the second
    dialog.save_button.click()
    assert shown[-1] == "distribution.point_exists"


def test_round_bar_opens_the_dialog_and_reloads_points(qtbot, svc, round_id, monkeypatch) -> None:
    bar = RoundBar(svc)
    qtbot.addWidget(bar)
    bar.reload_rounds(round_id)
    assert bar.points_button.isEnabled()
    before = bar.point_combo.count()

    def fake_exec(self: PointsDialog) -> int:
        self.svc.add_point(
            self.rnd.id,
            __import__("desktop_app.services.distribution", fromlist=["PointInput"]).PointInput(
                "Toko Contoh Baru", kind="toko"
            ),
        )
        self.changed = True
        return 0

    monkeypatch.setattr(PointsDialog, "exec", fake_exec)
    bar.points_button.click()
    assert bar.point_combo.count() == before + 1
