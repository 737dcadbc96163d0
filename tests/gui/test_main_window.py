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
    assert titles[:4] == ["Beranda", "Registri", "Penyaluran", "Pelatihan"]
    assert str(ctx.db.path) in window.db_label.text()
    assert "KANTOR" in window.device_label.text()
    qtbot.waitUntil(lambda: "orang" in window.counts_label.text(), timeout=5000)
    assert window.counts_label.text() == "0 orang · 0 KPM"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Berkas", "&Pengaturan", "&Laporan", "B&antuan"]


def test_tabs_are_built_when_first_opened(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    from desktop_app.gui.beranda.tab import BerandaTab

    assert isinstance(window.tabs.widget(0), BerandaTab)
    assert type(window.tabs.widget(3)) is QWidget  # not built yet
    window.tabs.setCurrentIndex(3)
    built = window.tabs.widget(3)
    assert type(built) is not QWidget
    assert window.tabs.currentIndex() == 3
    assert window.tabs.tabText(3) == "Pelatihan"
    assert window.tab("Penyaluran") is window.tabs.widget(2)
    assert type(window.tabs.widget(2)) is not QWidget
    assert window.tabs.currentIndex() == 3  # building a tab does not switch to it


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


def test_a_service_write_updates_the_counts_through_the_change_bus(qtbot, ctx):
    from datetime import date

    from desktop_app.gui.changes import ChangeBus
    from desktop_app.services.registry import PersonInput, RegistryService
    from tests.helpers import make_nik

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.counts_label.text() == "0 orang · 0 KPM", timeout=5000)
    assert window.changes is ChangeBus.of(ctx)  # one bus per context, shared with the tabs
    birth = date(1960, 1, 2)
    with qtbot.waitSignal(window.changes.changed, timeout=5000) as heard:
        RegistryService(ctx).create_person(
            PersonInput(name="Budi Santoso", sex="L", nik=make_nik(birth), birth_date=birth)
        )
    assert heard.args[0].touches("person")
    qtbot.waitUntil(lambda: window.counts_label.text() == "1 orang · 0 KPM", timeout=5000)


def test_the_registry_tab_refreshes_itself_after_a_write_elsewhere(qtbot, ctx):
    from datetime import date

    from desktop_app.gui.registry.tab import RegistryTab
    from desktop_app.services.registry import PersonInput, RegistryService
    from tests.helpers import make_nik

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("Registri")
    window.tabs.setCurrentWidget(tab)
    assert isinstance(tab, RegistryTab)
    qtbot.waitUntil(lambda: tab.person_model.rowCount() == 0 and "orang" in tab.result_label.text())
    birth = date(1960, 1, 2)
    with qtbot.waitSignal(tab.search_finished, timeout=5000):
        RegistryService(ctx).create_person(
            PersonInput(name="Budi Santoso", sex="L", nik=make_nik(birth), birth_date=birth)
        )
    assert tab.person_model.rowCount() == 1


def test_a_closed_bus_hears_nothing(qtbot, ctx):
    from desktop_app.gui.changes import ChangeBus

    bus = ChangeBus(ctx)
    heard: list[object] = []
    bus.changed.connect(heard.append)
    bus.close()
    ctx.save_office_profile(ctx.office)
    qtbot.wait(50)  # the queued delivery would have arrived by now
    assert heard == []
