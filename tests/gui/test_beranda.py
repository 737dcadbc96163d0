"""The Beranda tab on the tiny demo: it opens first, its charts draw, a click opens the list
behind a figure, and a write elsewhere refreshes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from desktop_app.domain.clock import FixedClock
from desktop_app.gui.beranda.tab import BY_POINT, BerandaTab
from desktop_app.gui.main_window import MainWindow
from desktop_app.i18n import set_language
from desktop_app.services.context import AppContext, open_app
from desktop_app.services.demo import DemoOptions, generate_demo
from desktop_app.services.distribution import DistributionService

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("beranda") / "tiny.sqlite"
    generate_demo(path, DemoOptions(scale="tiny", seed=7, today=TODAY, accounts=False))
    return path


@pytest.fixture
def demo_ctx(demo_file: Path, tmp_path: Path) -> Iterator[AppContext]:
    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_file, path)
    ctx = open_app(path, actor="tester", clock=FixedClock(TODAY))
    yield ctx
    ctx.close()


def _window(qtbot, ctx: AppContext) -> tuple[MainWindow, BerandaTab]:  # noqa: ANN001
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    tab = window.tabs.widget(0)
    assert isinstance(tab, BerandaTab)
    qtbot.waitUntil(lambda: tab.dashboard is not None and bool(tab.quality), timeout=15000)
    return window, tab


def _drawn(image: QImage) -> int:
    """How many distinct colours a grab holds: bars in several colours, not a blank area."""
    colours = set()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colours.add(image.pixel(x, y))
    return len(colours)


def test_beranda_is_the_first_tab_and_its_charts_draw(qtbot, demo_ctx) -> None:  # noqa: ANN001
    window, tab = _window(qtbot, demo_ctx)
    assert window.tabs.tabText(0) == "Beranda"
    board = tab.dashboard
    assert board is not None
    assert len(tab.cards) == len(board.programs)
    rastrada = next(p for p in board.programs if p.code == "RASTRADA")
    assert "80" in tab.cards[0].count.text() and rastrada.active == 80
    assert tab.round_combo.count() == 2  # RST4 and RPL1 are open
    chart = tab.progress_chart
    assert len(chart.bars) == len(tab.current_round().by_kelurahan)
    assert _drawn(chart.grab().toImage()) >= 5  # legend and bars in their colours
    assert len(tab.stages_chart.bars) == 2  # Rastrada Tahap III and IV
    assert _drawn(tab.stages_chart.grab().toImage()) >= 5
    assert "Orang tanpa NIK" in tab.quality_label.text()
    assert "pelatihan" in tab.training_label.text()
    assert len(tab.quality) == 7
    tab.group_combo.setCurrentIndex(BY_POINT)
    assert len(chart.bars) == len(tab.current_round().by_point)


def test_a_point_bar_opens_the_roster_filtered(qtbot, demo_ctx) -> None:  # noqa: ANN001
    window, tab = _window(qtbot, demo_ctx)
    rnd = tab.current_round()
    assert rnd is not None and rnd.code == "RST4"
    tab.group_combo.setCurrentIndex(BY_POINT)
    chart = tab.progress_chart
    row = next(i for i, b in enumerate(chart.bars) if b.values[4] > 0)  # has "belum"
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.segment_center(row, 4))
    dist = window.tabs.currentWidget()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Penyaluran"
    assert dist.round_id() == rnd.round_id
    assert dist.point_id() == chart.bars[row].key
    assert dist.roster.filter_combo.currentData() == "belum"
    expected = chart.bars[row].values[4]
    qtbot.waitUntil(lambda: dist.roster.model.rowCount() == expected, timeout=10000)


def test_a_kelurahan_bar_and_a_card_open_the_registry_filtered(qtbot, demo_ctx) -> None:  # noqa: ANN001
    window, tab = _window(qtbot, demo_ctx)
    chart = tab.progress_chart
    bar = chart.bars[0]
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.segment_center(0, 0))
    registry = window.tabs.currentWidget()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Registri"
    assert registry.current_filter().program_code == "RASTRADA"
    assert registry.current_filter().kelurahan_code == bar.key
    assert registry.current_view == 1  # the KPM list: Rastrada is a household program
    qtbot.waitUntil(lambda: registry.household_model.rowCount() == bar.total, timeout=10000)

    window.tabs.setCurrentIndex(0)
    card = next(c for c in tab.cards if c.code == "RAPELAN")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is registry
    assert registry.current_filter().program_code == "RAPELAN"
    assert registry.current_filter().kelurahan_code is None
    assert registry.current_view == 0
    active = next(p.active for p in tab.dashboard.programs if p.code == "RAPELAN")
    qtbot.waitUntil(lambda: registry.person_model.rowCount() == active, timeout=10000)


def test_a_receipt_elsewhere_refreshes_the_beranda(qtbot, demo_ctx) -> None:  # noqa: ANN001
    _window_, tab = _window(qtbot, demo_ctx)
    before = tab.current_round().total
    dist = DistributionService(demo_ctx)
    rnd = tab.current_round()
    pending = next(r for r in dist.roster_rows(dist.roster_ids(rnd.round_id)) if not r.status)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        dist.mark(rnd.round_id, pending.id, "tidak_hadir", "sakit")
    assert tab.current_round().total.absent == before.absent + 1
    assert not tab._quality_stale  # a mark changes no registry row: no new quality scan


@pytest.mark.parametrize("lang", ["id", "en"])
def test_screenshot(qtbot, demo_ctx, lang: str, tmp_path: Path) -> None:  # noqa: ANN001
    set_language(lang)
    window, tab = _window(qtbot, demo_ctx)
    image = window.grab()
    assert image.width() == 1366
    image.save(str(tmp_path / f"beranda-{lang}.png"))
    if lang == "en":
        assert window.tabs.tabText(0) == "Home"
        assert tab.refresh_button.text() == "Refresh"


def test_the_laporan_menu_saves_a_report(qtbot, demo_ctx, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.gui.beranda.reports import ReportDialog

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    assert list(window.report_actions) == ["bulanan", "realisasi", "pelatihan", "kualitas"]
    target = tmp_path / "realisasi.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    dialog = ReportDialog(demo_ctx, "realisasi", window)
    qtbot.addWidget(dialog)
    assert dialog.round.count() == 3  # RST3 (closed), RST4 and RPL1 (open)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=15000)
    assert target.stat().st_size > 1000
