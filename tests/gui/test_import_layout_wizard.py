"""The wizard names the published layout it recognised (issue 18)."""

from __future__ import annotations

from pathlib import Path

from desktop_app.gui.importer.wizard import PAGE_COLUMNS
from desktop_app.services.context import AppContext
from desktop_app.services.importing import ImportKind
from tests.gui.helpers import open_wizard
from tests.services.test_import_layouts import opensid_rows, siak_rows, write


def test_wizard_says_format_dikenali_siak(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, write(tmp_path / "siak.xlsx", siak_rows()))
    text = wizard.file_page.file_info.text()
    assert "Format dikenali: <b>SIAK Dukcapil</b>" in text
    assert "No. KK dan SHDK" in text
    wizard.next()
    assert wizard.page == PAGE_COLUMNS
    assert wizard.prepared is not None
    assert wizard.prepared.options.kind == ImportKind.HOUSEHOLDS
    assert wizard.columns_page.mapping()["name"] == 2  # "Nama Penduduk"


def test_wizard_opensid_maps_kk_level(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, write(tmp_path / "penduduk.xlsx", opensid_rows()))
    assert "OpenSID penduduk" in wizard.file_page.file_info.text()
    assert wizard.prepared is not None
    assert wizard.prepared.mapping["relation"] == 15  # kk_level
