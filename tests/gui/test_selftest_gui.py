"""The GUI half of --self-test: a tab that fails to load fails the check; an area not built yet
does not; message boxes are answered and reported instead of blocking."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.gui import main_window
from desktop_app.gui.main_window import TabSpec
from desktop_app.gui.selftest import GuiSelfTest


@pytest.fixture
def gui(qapp, ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(
        main_window,
        "tab_specs",
        lambda: [
            TabSpec("desktop_app.gui.registry.tab", "RegistryTab", "Registri"),
            TabSpec("desktop_app.gui.belum_ada.tab", "BelumAdaTab", "Belum ada"),
            # The module exists but the class does not: the tab fails to load.
            TabSpec("desktop_app.gui.main_window", "TidakAdaTab", "Rusak"),
        ],
    )
    driver = GuiSelfTest(ctx, tmp_path / "settings")
    yield driver
    if driver.window is not None:
        driver.close()


def test_every_tab_is_visited_and_a_broken_one_fails(gui):
    assert "3 tabs" in gui.open_main_window()
    assert gui.tab_titles() == ["Registri", "Belum ada", "Rusak"]
    assert gui.visit_tab(0).startswith("RegistryTab, painted")
    assert "not built yet" in gui.visit_tab(1)
    with pytest.raises(RuntimeError, match="failed to load"):
        gui.visit_tab(2)
    assert gui.close() == "closed, background jobs finished"


def test_a_message_box_is_answered_and_reported(gui, message_boxes):
    gui.open_main_window()
    answer = QMessageBox.warning(None, "Gagal", "Berkas tidak dapat dibaca")
    assert answer == QMessageBox.StandardButton.No
    with pytest.raises(RuntimeError, match="Berkas tidak dapat dibaca"):
        gui.visit_tab(0)
    gui.close()
    # The test suite's own message-box recorder is back in place afterwards.
    QMessageBox.warning(None, "Judul", "sesudah")
    assert message_boxes.texts() == ["sesudah"]
