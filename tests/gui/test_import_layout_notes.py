"""The wizard names a participant list's programme and shows the report's notes (issue 18)."""

from __future__ import annotations

from pathlib import Path

from desktop_app.services.context import AppContext
from tests.gui.helpers import open_wizard
from tests.gui.test_import_wizard import run_dry
from tests.services.test_import_layouts_programs import opensid_export, opensid_printed


def test_programme_suggestions_counted_apart(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, opensid_export(tmp_path, "Pelatihan Keterampilan"))
    info = wizard.file_page.file_info.text()
    assert "OpenSID peserta program bantuan" in info
    assert "Daftar peserta program <b>Pelatihan Keterampilan</b>" in info
    run_dry(qtbot, wizard)
    summary = wizard.preview_page.summary.text()
    assert "3 usulan pendaftaran ke program daftar ini" in summary
    assert "tercatat cacat" not in summary  # not counted as disability suggestions
    assert "Kolom tidak disimpan" in summary  # Peserta, No. Peserta


def test_unknown_programme_note_shown(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, opensid_printed(tmp_path, "BLT DANA DESA"))
    run_dry(qtbot, wizard)
    summary = wizard.preview_page.summary.text()
    assert "BLT DANA DESA" in summary and "(3 baris)" in summary
