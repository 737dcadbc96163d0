"""The main window: tabs, placeholders, status bar, menus."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.gui.main_window import MainWindow, PlaceholderTab, TabSpec, build_tab


def test_window_opens_with_the_tabs(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[:3] == ["Registri", "Penyaluran", "Pelatihan"]
    assert str(ctx.db.path) in window.db_label.text()
    assert "KANTOR" in window.device_label.text()
    qtbot.waitUntil(lambda: "orang" in window.counts_label.text(), timeout=5000)
    assert window.counts_label.text() == "0 orang · 0 KPM"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Berkas", "&Pengaturan", "B&antuan"]


def test_tabs_are_built_when_first_opened(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    from desktop_app.gui.registry.tab import RegistryTab

    assert isinstance(window.tabs.widget(0), RegistryTab)
    assert type(window.tabs.widget(2)) is QWidget  # not built yet
    window.tabs.setCurrentIndex(2)
    built = window.tabs.widget(2)
    assert type(built) is not QWidget
    assert window.tabs.currentIndex() == 2
    assert window.tabs.tabText(2) == "Pelatihan"
    assert window.tab("Penyaluran") is window.tabs.widget(1)
    assert type(window.tabs.widget(1)) is not QWidget
    assert window.tabs.currentIndex() == 2  # building a tab does not switch to it


def test_missing_tab_module_becomes_a_placeholder(qtbot, ctx):
    tab = build_tab(TabSpec("desktop_app.gui.tidak_ada.tab", "X", "Contoh"), ctx)
    qtbot.addWidget(tab)
    assert isinstance(tab, PlaceholderTab)


def test_broken_tab_becomes_a_placeholder(qtbot, ctx, caplog):
    # The module exists but the class does not: logged, placeholder shown, window still works.
    tab = build_tab(TabSpec("desktop_app.gui.main_window", "TidakAda", "Contoh"), ctx)
    qtbot.addWidget(tab)
    assert isinstance(tab, PlaceholderTab)
    assert "gagal dimuat" in tab.findChild(type(tab.children()[1])).text()
