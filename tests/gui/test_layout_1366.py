"""Issue 14's layout and language list at 1366x768, asserted on real widgets: the registry list
gets the width, the sub-tabs stay whole, each list keeps its count, the add-person form takes
sex and birth date from the NIK, a closed round says so, the roster fits the No. KK and explains
its colours, Qt's own texts and numbers are Indonesian, and the BAST dialog issues numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDoubleSpinBox, QFileDialog, QLabel

from desktop_app.gui.distribution import bast_dialog, printing
from desktop_app.gui.distribution.bast_dialog import BastDialog, parse_quantity
from desktop_app.gui.distribution.models import STATUS_COLOURS, RosterTableModel
from desktop_app.gui.distribution.tab import DistributionTab
from desktop_app.gui.qt_texts import apply_locale, install_qt_texts
from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.models import PersonTableModel
from desktop_app.gui.registry.tab import HOUSEHOLDS, PERSONS, RegistryTab
from desktop_app.i18n import set_language
from desktop_app.services.context import AppContext
from tests.gui.helpers import settle
from tests.helpers import make_nik
from tests.services.distribution_fixtures import World

# -- registry ---------------------------------------------------------------------------------


@pytest.fixture
def registry(qtbot, ctx: AppContext, world: World) -> RegistryTab:
    widget = RegistryTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitUntil(lambda: widget.person_model.rowCount() > 0, timeout=5000)
    return widget


def test_registry_list_has_the_width_until_a_row_is_chosen(qtbot, registry: RegistryTab):
    assert not registry.detail.isVisible()
    table = registry.views[PERSONS].table
    assert table.width() > 1300
    # The address comes right after the name and is wide enough for a street and RT/RW.
    header = table.horizontalHeader()
    assert header.visualIndex(PersonTableModel.COL_ADDRESS) == 2
    assert table.columnWidth(PersonTableModel.COL_ADDRESS) >= 250
    table.selectRow(0)
    qtbot.waitUntil(registry.detail.isVisible, timeout=3000)
    assert table.width() > 700


def test_a_long_result_text_does_not_squeeze_the_sub_tabs(qtbot, registry: RegistryTab):
    registry.result_label.setText(
        "Lebih dari 1.000 orang cocok — perjelas pencarian " * 2
    )  # longer than the real one
    qtbot.wait(10)
    bar = registry.view_bar
    assert not bar.usesScrollButtons()
    assert bar.width() >= bar.sizeHint().width()
    assert registry.width() == 1366


def test_person_count_comes_back_with_the_person_list(qtbot, registry: RegistryTab, world):
    people = registry.result_label.text()
    assert people.endswith("orang")
    registry.view_bar.setCurrentIndex(HOUSEHOLDS)
    qtbot.waitUntil(lambda: registry.result_label.text().endswith("KPM"), timeout=5000)
    registry.view_bar.setCurrentIndex(PERSONS)
    assert registry.result_label.text() == people


def test_add_person_takes_sex_and_birth_date_from_the_nik(qtbot, ctx: AppContext):
    dialog = dialogs.PersonDialog(ctx)
    qtbot.addWidget(dialog)
    # Empty until known: no made-up 01-01-1970.
    assert dialog.birth_date.value() is None
    assert "1970" not in dialog.birth_date.edit.text()
    dialog.nik.setText(make_nik(date(1984, 7, 9), "P", 77))
    assert dialog.sex.currentData() == "P"
    assert dialog.birth_date.value() == date(1984, 7, 9)
    # What the clerk chose is never overwritten by a later NIK.
    dialog.nik.setText(make_nik(date(1990, 1, 2), "L", 78))
    assert dialog.sex.currentData() == "P" and dialog.birth_date.value() == date(1984, 7, 9)


# -- distribution -----------------------------------------------------------------------------
# (`tab`, `world` and `round_id`: the counter fixtures of tests/gui/conftest.py)


def test_closed_round_says_closed_and_the_scan_field_is_off(qtbot, tab: DistributionTab):
    assert tab.counter.scan.isEnabled()
    assert tab.counter.panel_title.text() == "Siap"
    tab.svc.close_round(tab.round_id())
    tab.reload_rounds(select=tab.round_id())
    settle(qtbot)
    assert not tab.counter.scan.isEnabled()
    assert tab.counter.panel_title.text() == "Putaran ditutup"
    assert "sudah ditutup" in tab.counter.panel_body.text()


def test_roster_fits_the_kk_number_and_explains_its_colours(qtbot, tab: DistributionTab):
    table = tab.roster.table
    digits = table.fontMetrics().horizontalAdvance("3572010101010001")
    assert table.columnWidth(RosterTableModel.COL_KK) > digits
    # No. KK ends inside the visible part of the table.
    right_edge = sum(table.columnWidth(c) for c in range(RosterTableModel.COL_KK + 1))
    assert right_edge <= table.viewport().width()
    labels = tab.roster.legend.findChildren(QLabel)
    assert [lbl.text() for lbl in labels] == [
        "Diterima",
        "Diwakilkan",
        "Tidak hadir",
        "Ditolak",
        "Dikeluarkan",
    ]
    assert len(labels) == len(STATUS_COLOURS)
    assert tab.width() == 1366


def test_bast_dialog_defaults_to_the_last_day_and_shows_a_copy(
    qtbot, ctx: AppContext, tab: DistributionTab, world: World
):
    svc = tab.svc
    rid = tab.round_id()
    fam = world.families[0]
    svc.receive_code(rid, fam.kk)
    point = svc.scan(rid, fam.kk).point_id
    dialog = BastDialog(svc, rid, point, "kg")
    qtbot.addWidget(dialog)
    assert dialog.values() == (date(2026, 11, 20), None)
    assert "nomor BAST baru" in dialog.state.text()
    dialog.stock.setText("10")  # less than was handed out
    assert dialog.error.isVisibleTo(dialog) and "sudah tersalurkan" in dialog.error.text()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.stock.setText("abc")
    assert "harus berupa angka" in dialog.error.text()
    dialog.stock.setText("60")
    svc.issue_bast(rid, point, date(2026, 11, 20), stock_received=60)
    dialog.stock.setText("60,0")
    assert "SALINAN" in dialog.state.text() and "/001" in dialog.state.text()
    assert [parse_quantity(t) for t in ("2.310", "2310,5", "2310.5", "")] == [
        2310,
        2310.5,
        2310.5,
        None,
    ]


def test_printing_a_bast_issues_it(
    qtbot, tab: DistributionTab, world: World, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(printing.PrintOptions, "ask_path", lambda p, t, n: tmp_path / n)
    monkeypatch.setattr(printing.PrintOptions, "open_after", False)
    monkeypatch.setattr(
        bast_dialog, "ask_bast", lambda *_a: (date(2026, 11, 20), 200.0), raising=True
    )
    tab.svc.receive_code(tab.round_id(), world.families[0].kk)
    tab.print_document("bast")
    settle(qtbot)
    assert [r.number for r in tab.svc.bast_register(tab.round_id())] == ["BAST/RST4/KANTOR/001"]
    assert next(tmp_path.glob("berita-acara*.pdf")).stat().st_size > 1000


# -- Qt's own texts and numbers ---------------------------------------------------------------


def test_qt_file_dialog_and_numbers_follow_the_language(qtbot):
    install_qt_texts()
    apply_locale()
    try:
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        assert dialog.findChild(QLabel, "lookInLabel").text() == "&Cari di:"
        assert dialog.findChild(QLabel, "fileTypeLabel").text() == "&Jenis berkas:"
        spin = QDoubleSpinBox()
        qtbot.addWidget(spin)
        spin.setDecimals(1)
        spin.setValue(30)
        assert spin.text() == "30,0"
        set_language("en")
        apply_locale()
        english = QDoubleSpinBox()
        qtbot.addWidget(english)
        english.setDecimals(1)
        english.setValue(30)
        assert english.text() == "30.0"
    finally:
        set_language("id")
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
