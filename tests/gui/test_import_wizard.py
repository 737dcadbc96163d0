"""The import wizard and drag-and-drop onto the Registri tab, driven like a clerk would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from sqlalchemy import func
from sqlmodel import select

from desktop_app.gui import workers
from desktop_app.gui.importer import drop as drop_module
from desktop_app.gui.importer.results import ResultsModel
from desktop_app.gui.importer.wizard import PAGE_COLUMNS, PAGE_DONE, PAGE_PREVIEW, ImportWizard
from desktop_app.services import importing as importer_module
from desktop_app.services.context import AppContext
from desktop_app.services.importing import ImportService, RowStatus
from desktop_app.storage.models import ChangeLog, Person
from tests.gui.helpers import open_wizard
from tests.services.import_files import HEADER, person_row, xlsx

BORN = date(1960, 1, 12)


def persons(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return s.exec(select(func.count()).select_from(Person)).one()


def log_size(ctx: AppContext) -> int:
    with ctx.db.session() as s:
        return s.exec(select(func.count()).select_from(ChangeLog)).one()


def sample_file(tmp_path: Path, broken: bool = True) -> Path:
    rows = [HEADER] + [person_row(i, BORN, kk_serial=i) for i in range(1, 6)]
    if broken:
        rows[3][1] = 3.57201e15
    return xlsx(tmp_path / "usulan.xlsx", rows, title_rows=["DAFTAR USULAN RAPELAN"])


def run_dry(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.page == PAGE_COLUMNS
    with qtbot.waitSignal(wizard.dry_run_finished, timeout=10000):
        wizard.next()
    assert wizard.page == PAGE_PREVIEW


def test_wizard_walks_from_file_to_import(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path))
    assert wizard.prepared is not None
    assert wizard.file_page.header_spin.value() == 2  # under the merged title row
    assert wizard.prepared.mapping["nik"] == 1
    run_dry(qtbot, wizard)
    assert wizard.report is not None
    assert wizard.report.counts["new"] == 4 and wizard.report.counts["rejected"] == 1
    # Rejected rows block the import until the clerk accepts importing the valid ones.
    assert not wizard.import_button.isEnabled()
    wizard.preview_page.accept_valid.setChecked(True)
    assert wizard.import_button.isEnabled()
    with qtbot.waitSignal(wizard.imported, timeout=10000) as signal:
        wizard.import_button.click()
    assert signal.args[0].committed
    assert wizard.page == PAGE_DONE
    assert persons(ctx) == 4
    assert "4 orang baru" in wizard.done_page.done_label.text()
    # The mapping is remembered for the next file with the same header.
    again = ImportService(ctx).prepare(sample_file(tmp_path, broken=False))
    assert again.mapping_origin == "remembered"
    again.close()


def test_dry_run_table_filters_and_shows_diffs(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    path = sample_file(tmp_path, broken=False)
    prepared = ImportService(ctx).prepare(path)
    ImportService(ctx).commit(prepared)
    prepared.close()
    changed = [HEADER] + [person_row(i, BORN, kk_serial=i) for i in range(1, 6)]
    changed[2][7] = "JL. KENANGA 9"
    wizard = open_wizard(qtbot, ctx, xlsx(tmp_path / "perubahan.xlsx", changed))
    run_dry(qtbot, wizard)
    wizard.preview_page.count_labels[RowStatus.UPDATE.value].click()
    assert wizard.preview_page.results.rowCount() == 1
    wizard.preview_page.results_view.selectRow(0)
    html = wizard.preview_page.row_detail.toHtml()
    assert "JL. MAWAR 3" in html and "JL. KENANGA 9" in html
    assert "Diperbarui  1" in wizard.preview_page.count_labels[RowStatus.UPDATE.value].text()


def test_changing_the_mapping_reruns_on_the_new_columns(qtbot, ctx, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path, broken=False))
    wizard.next()
    wizard.columns_page.mapping_combos["name"].setCurrentIndex(0)  # "not imported"
    assert "name" not in wizard.prepared.mapping  # type: ignore[union-attr]
    with qtbot.waitSignal(wizard.dry_run_finished, timeout=10000):
        wizard.next()
    assert wizard.report is not None and wizard.report.counts["rejected"] == 5
    assert "Nama kosong" in wizard.report.rows[0].reasons


def test_bad_file_shows_the_reason_and_blocks_next(qtbot, ctx, tmp_path: Path) -> None:
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"PK\x03\x04 potongan")
    wizard = open_wizard(qtbot, ctx, path)
    assert wizard.prepared is None
    assert "rusak atau terpotong" in wizard.file_page.file_info.text()
    assert not wizard.next_button.isEnabled()


def test_cancel_during_import_leaves_the_database_unchanged(
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes
) -> None:
    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path, broken=False))
    run_dry(qtbot, wizard)
    before = (persons(ctx), log_size(ctx))
    real_apply = ImportService._apply

    def apply_then_cancel(self, uow, ops, progress, cancelled):  # noqa: ANN001, ANN202
        # The clerk presses Batal while rows are being written. (Through the job registry: the
        # worker may get here before run_job has even returned the job to the wizard.)
        workers.cancel_jobs()
        return real_apply(self, uow, ops, progress, cancelled)

    monkeypatch.setattr(importer_module.ImportService, "_apply", apply_then_cancel)
    wizard.import_button.click()
    qtbot.waitUntil(lambda: not wizard._busy, timeout=10000)
    assert (persons(ctx), log_size(ctx)) == before
    assert any("dibatalkan" in t for t in message_boxes.texts())
    assert wizard.page == PAGE_PREVIEW


def test_saving_the_rejected_rows(qtbot, ctx, tmp_path: Path, monkeypatch, message_boxes):
    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path))
    run_dry(qtbot, wizard)
    target = tmp_path / "kembalikan.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    wizard.preview_page.save_rejected_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts()), timeout=10000)
    ws = openpyxl.load_workbook(target).active
    assert ws is not None and ws.max_row == 2
    assert "15 digit" in str(ws.cell(2, ws.max_column).value)


def test_results_model_contract(qtmodeltester, ctx, tmp_path: Path) -> None:
    service = ImportService(ctx)
    prepared = service.prepare(sample_file(tmp_path))
    report = service.dry_run(prepared)
    prepared.close()
    model = ResultsModel()
    model.set_rows(report.rows)
    qtmodeltester.check(model)
    model.set_filter(RowStatus.REJECTED.value)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


_KEEP: list[QMimeData] = []  # an event only points at its mime data: keep it alive


def _drop_event(path: Path, kind: str) -> QDragEnterEvent | QDropEvent:
    mime = QMimeData()
    _KEEP.append(mime)
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons = Qt.MouseButton.LeftButton
    mods = Qt.KeyboardModifier.NoModifier
    action = Qt.DropAction.CopyAction
    if kind == "enter":
        return QDragEnterEvent(QPoint(50, 50), action, mime, buttons, mods)
    return QDropEvent(QPointF(50, 50), action, mime, buttons, mods)


def test_dropping_a_spreadsheet_on_the_registry_tab_opens_the_wizard(
    qtbot, ctx: AppContext, tmp_path: Path
) -> None:
    from desktop_app.gui.registry.tab import RegistryTab

    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    handler = next(c for c in tab.children() if isinstance(c, drop_module.DropHandler))
    path = sample_file(tmp_path, broken=False)
    enter = _drop_event(path, "enter")
    QApplication.sendEvent(tab, enter)
    assert enter.isAccepted() and handler.banner.isVisibleTo(tab)
    QApplication.sendEvent(tab, _drop_event(path, "drop"))
    assert not handler.banner.isVisibleTo(tab)
    wizard = handler.wizard
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(lambda: wizard.prepared is not None, timeout=10000)
    run_dry(qtbot, wizard)
    from desktop_app.gui.changes import ChangeBus

    # The bus tells the tab (and the status bar) to refresh; the wizard then shows its last page.
    with qtbot.waitSignals([ChangeBus.of(ctx).changed, wizard.imported], timeout=10000):
        wizard.import_button.click()
    assert persons(ctx) == 5
    wizard.close()


def test_other_files_are_not_taken(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    from desktop_app.gui.registry.tab import RegistryTab

    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    picture = tmp_path / "foto.png"
    picture.write_bytes(b"\x89PNG")
    enter = _drop_event(picture, "enter")
    enter.ignore()
    QApplication.sendEvent(tab, enter)
    assert not enter.isAccepted()


def test_registry_tab_has_import_and_export_buttons(
    qtbot, ctx: AppContext, tmp_path: Path, monkeypatch, message_boxes
) -> None:
    from desktop_app.gui.registry.tab import RegistryTab

    prepared = ImportService(ctx).prepare(sample_file(tmp_path, broken=False))
    ImportService(ctx).commit(prepared)
    prepared.close()
    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    assert tab.import_button.isEnabled()
    target = tmp_path / "daftar.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    from desktop_app.gui.importer.export_dialog import ExportOptionsDialog

    monkeypatch.setattr(ExportOptionsDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    tab.export_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts()), timeout=10000)
    assert "5 baris" in message_boxes.texts()[-1]
    book = openpyxl.load_workbook(target)
    ws = book.active
    assert ws is not None and ws.max_row == 6 and ws["A1"].value == "NIK"
    assert book.sheetnames[0] == "Keterangan"  # the first sheet says what the file holds


def test_row_detail_names_the_kelurahan(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path, broken=False))
    run_dry(qtbot, wizard)
    wizard.preview_page.count_labels[RowStatus.NEW.value].click()
    wizard.preview_page.results_view.selectRow(0)
    # The clerk reads "Sentul", the name in their file, not only the Kemendagri code.
    assert "Sentul (35.72.01." in wizard.preview_page.row_detail.toPlainText()


def test_row_detail_shows_markup_from_the_file_as_text(qtbot, ctx: AppContext, tmp_path) -> None:
    # A cell is whatever the sender typed: rich text in it must be shown, never interpreted
    # (Qt would load a local image for <img src=...>).
    from desktop_app.domain.nik import Issue, Severity
    from desktop_app.services.importing import RowResult

    wizard = open_wizard(qtbot, ctx, sample_file(tmp_path, broken=False))
    hostile = '<img src="/etc/passwd"><b>Budi</b>'
    problem = Issue("nik.length", Severity.ERROR, "NIK {value} salah.", {"value": hostile})
    row = RowResult(7, RowStatus.REJECTED, "<i>3572</i>", hostile, errors=[problem])
    wizard.preview_page.show_row(row)
    shown = wizard.preview_page.row_detail.toPlainText()
    assert hostile in shown
    assert "<i>3572</i>" in shown
