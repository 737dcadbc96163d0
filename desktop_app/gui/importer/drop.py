"""Drag-and-drop of spreadsheets onto a tab, and the Impor/Ekspor buttons of the Registri tab.

`install_drop_handler(widget, ctx, on_imported)` makes a widget accept a dropped .xlsx/.xls/.ods/
.csv file and open the import wizard with it; while a file is dragged over, a translucent banner
says what will happen. `install_import_export(tab)` is the one hook the Registri tab calls: drop
handling plus the two buttons beside "Tambah KPM".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFileDialog,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.gui.widgets import gate
from desktop_app.gui.workers import JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.importing import SPREADSHEET_SUFFIXES

__all__ = [
    "DropHandler",
    "export_view",
    "install_drop_handler",
    "install_import_export",
    "open_import_wizard",
    "spreadsheet_paths",
]


def spreadsheet_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in SPREADSHEET_SUFFIXES]


def open_import_wizard(
    ctx: AppContext,
    parent: QWidget | None,
    path: Path | None = None,
    on_imported: Callable[[Any], None] | None = None,
) -> QWidget:
    """Open the wizard (non-blocking) and return it."""
    from desktop_app.gui.importer.wizard import ImportWizard

    wizard = ImportWizard(ctx, path, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_imported is not None:
        wizard.imported.connect(on_imported)
    wizard.resize(1180, 700)
    wizard.open()
    return wizard


class DropHandler(QObject):
    """Event filter that turns a dropped spreadsheet into an open import wizard."""

    def __init__(
        self,
        widget: QWidget,
        ctx: AppContext,
        on_imported: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(widget)
        self.widget = widget
        self.ctx = ctx
        self.on_imported = on_imported
        self.wizard: QWidget | None = None
        self.banner = QLabel(
            tr("Lepaskan berkas di sini untuk mengimpor daftar ke registri"), widget
        )
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: rgba(26, 95, 180, 0.82); color: white; font-size: 20px;"
            " font-weight: bold; border: 3px dashed white; border-radius: 12px; padding: 24px; }"
        )
        self.banner.hide()
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent)  # DragMove derives from it
            if spreadsheet_paths(event) and not self.ctx.db.read_only:
                event.acceptProposedAction()
                self._show_banner()
                return True
            return False
        if kind == QEvent.Type.DragLeave:
            self.banner.hide()
            return False
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            self.banner.hide()
            paths = spreadsheet_paths(event)
            if not paths:
                return False
            event.acceptProposedAction()
            self.open(paths[0])
            return True
        if kind == QEvent.Type.Resize and self.banner.isVisible():
            self._show_banner()
        return False

    def _show_banner(self) -> None:
        rect = self.widget.rect().adjusted(40, 40, -40, -40)
        self.banner.setGeometry(rect)
        self.banner.raise_()
        self.banner.show()

    def open(self, path: Path) -> QWidget:
        self.wizard = open_import_wizard(self.ctx, self.widget, path, self.on_imported)
        return self.wizard


def install_drop_handler(
    widget: QWidget, ctx: AppContext, on_imported: Callable[[Any], None] | None = None
) -> DropHandler:
    return DropHandler(widget, ctx, on_imported)


def _layout_holding(layout: QLayout | None, widget: QWidget) -> QBoxLayout | None:
    if layout is None:
        return None
    if isinstance(layout, QBoxLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        item = layout.itemAt(i)
        found = _layout_holding(item.layout(), widget) if item is not None else None
        if found is None and item is not None and item.widget() is not None:
            found = _layout_holding(item.widget().layout(), widget)
        if found is not None:
            return found
    return None


def install_import_export(tab: Any) -> DropHandler:
    """Give the Registri tab drag-and-drop import and the "Impor…"/"Ekspor…" buttons.

    Uses only the tab's public face: ctx, current_filter(), current_view and
    add_household_button (the buttons go right after it). After an import the tab and the
    status bar refresh themselves from the change bus (gui/changes.py).
    """
    handler = install_drop_handler(tab, tab.ctx)
    tab.import_button = QPushButton(tr("Impor…"))
    tab.import_button.setToolTip(
        tr("Impor daftar dari Excel, ODS atau CSV (atau seret berkasnya ke tab ini)")
    )
    tab.import_button.setEnabled(not tab.ctx.db.read_only)
    tab.import_button.clicked.connect(lambda: open_import_wizard(tab.ctx, tab, None))
    tab.export_button = QPushButton(tr("Ekspor…"))
    tab.export_button.setToolTip(tr("Simpan daftar yang tampil (dengan filternya) ke .xlsx/.csv"))
    # The services refuse a role without these permissions; the buttons say so beforehand.
    gate(tab.import_button, tab.ctx, Permission.IMPORT, tab.import_button.toolTip())
    gate(tab.export_button, tab.ctx, Permission.EXPORT, tab.export_button.toolTip())
    tab.export_button.clicked.connect(lambda: export_view(tab))
    anchor = tab.add_household_button
    holder = anchor.parentWidget()
    layout = _layout_holding(holder.layout() if holder is not None else None, anchor)
    if layout is not None:
        at = layout.indexOf(tab.add_household_button) + 1
        layout.insertWidget(at, tab.import_button)
        layout.insertWidget(at + 1, tab.export_button)
    return handler


def export_view(tab: Any, path: Path | None = None) -> None:
    """Export the list the tab shows, with its filter, to .xlsx or .csv.

    Two steps off the GUI thread: measure the list (how many rows, whether it holds restricted
    data: services.exporter.ExportPolicy), ask the options (masked NIK, the file password), then
    write the file."""
    from desktop_app.services.exporter import ExportService

    households = getattr(tab, "current_view", 0) == 1
    if path is None:
        name = tr("KPM") if households else tr("Orang")
        chosen, selected = QFileDialog.getSaveFileName(
            tab,
            tr("Ekspor daftar"),
            f"{name}.xlsx",
            "Excel (*.xlsx);;CSV (*.csv)",
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if "csv" in selected.lower() else ".xlsx")
    flt = tab.current_filter()
    service = ExportService(tab.ctx)
    target = path

    def measure(_job: JobControl) -> Any:
        table = service.households_table(flt) if households else service.persons_table(flt)
        return table, service.policy(table, target)

    def ask(measured: Any) -> None:
        from desktop_app.gui.importer.export_dialog import ExportChoice, ExportOptionsDialog

        table, policy = measured
        choice = ExportChoice(policy.mask_default, None)
        xlsx = target.suffix.lower() == ".xlsx"
        # A list the user may not export, or restricted data as .csv, goes straight to the
        # service's coded refusal: no options to ask first.
        if policy.allowed and (xlsx or not policy.password_required):
            dialog = ExportOptionsDialog(tab, policy, xlsx=xlsx)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            choice = dialog.choice()
        write(table, choice)

    def write(table: Any, choice: Any) -> None:
        def work(job: JobControl) -> Any:
            return service.export(
                table,
                target,
                progress=lambda done, total: job.progress(
                    done, total, tr("Menulis {done} dari {total} baris…", done=done, total=total)
                ),
                cancelled=job.is_cancelled,
                mask_ids=choice.mask_ids,
                password=choice.password,
            )

        def done(result: Any) -> None:
            QMessageBox.information(
                tab,
                tr("Ekspor selesai"),
                tr("{n} baris tersimpan di {path}.", n=result.rows, path=str(result.path)),
            )

        run_job(
            work,
            parent=tab,
            title=tr("Ekspor daftar"),
            write=True,  # the export is recorded in the change log
            on_success=done,
        )

    run_job(measure, parent=tab, title=tr("Ekspor daftar"), on_success=ask)
