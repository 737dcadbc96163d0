"""The main window: one tab per area, menus, and a status bar with the database and counts."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.domain.access import Permission
from desktop_app.gui.changes import ChangeBus
from desktop_app.gui.qt_texts import install_qt_texts
from desktop_app.i18n import LANGUAGES, get_language, set_language, tr
from desktop_app.services.context import AppContext, ChangeSet

__all__ = ["MainWindow", "PlaceholderTab", "TabSpec", "tab_specs"]

log = logging.getLogger(__name__)

# The entities the status-bar counts are made of.
COUNTED = ("person", "household")
CASEWORK_TAB = "desktop_app.gui.casework.tab"


@dataclass(frozen=True)
class TabSpec:
    module: str  # desktop_app.gui.<area>.tab
    class_name: str  # a QWidget subclass taking (ctx, parent=None)
    title: str


def tab_specs() -> list[TabSpec]:
    """The tabs in order. An area whose module is not there yet gets a placeholder."""
    return [
        TabSpec("desktop_app.gui.beranda.tab", "BerandaTab", tr("Beranda")),
        TabSpec("desktop_app.gui.registry.tab", "RegistryTab", tr("Registri")),
        TabSpec("desktop_app.gui.distribution.tab", "DistributionTab", tr("Penyaluran")),
        TabSpec("desktop_app.gui.training.tab", "TrainingTab", tr("Pelatihan")),
        TabSpec(CASEWORK_TAB, "CaseworkTab", tr("Layanan")),
        TabSpec("desktop_app.gui.sync.tab", "SyncTab", tr("Sinkronisasi")),
    ]


class PlaceholderTab(QWidget):
    """Stands in for an area that is not built yet (or failed to load)."""

    def __init__(self, title: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(f"<h2>{title}</h2><p>{message}</p>")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        layout.addWidget(label)


def build_tab(spec: TabSpec, ctx: AppContext, parent: QWidget | None = None) -> QWidget:
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not spec.module.startswith(exc.name):
            log.exception("tab %s failed to import", spec.module)
            return PlaceholderTab(spec.title, _failed_text(), parent)
        return PlaceholderTab(
            spec.title, tr("Bagian ini sedang disiapkan dan akan tersedia pada versi berikutnya.")
        )
    except Exception:  # noqa: BLE001 - one broken area must not stop the others
        log.exception("tab %s failed to import", spec.module)
        return PlaceholderTab(spec.title, _failed_text(), parent)
    try:
        return getattr(module, spec.class_name)(ctx, parent)
    except Exception:  # noqa: BLE001
        log.exception("tab %s failed to open", spec.module)
        return PlaceholderTab(spec.title, _failed_text(), parent)


def _failed_text() -> str:
    return tr(
        "Bagian ini gagal dimuat. Rincian dicatat di folder log; bagian lain tetap bisa dipakai."
    )


class MainWindow(QMainWindow):
    open_requested = Signal(Path)  # another database file chosen (handled by gui.app)
    rebuild_requested = Signal()  # language changed: rebuild every widget in the new language

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        install_qt_texts()  # Qt's own OK/Batal/Ya/Tidak, also in tests and --self-test
        self.setWindowTitle(
            tr("Berdaya — {office}", office=ctx.office.office_name)
            + (tr(" (hanya-baca)") if ctx.db.read_only else "")
        )
        self.setMinimumSize(1000, 640)
        # Before the tabs: they find the same bus with ChangeBus.of(ctx).
        self.changes = ChangeBus.of(ctx)
        self.changes.changed.connect(self._on_changes)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        # Only the first tab is built now; the others when first opened, so the window is
        # usable at once even when an area's tab loads a lot (measured on 160,000 persons).
        # Layanan only for casework (names) or reports (its counts, without names).
        casework = ctx.can(Permission.CASEWORK) or ctx.can(Permission.REPORTS_VIEW)
        self._specs = [s for s in tab_specs() if s.module != CASEWORK_TAB or casework]
        self._pending: dict[int, QWidget] = {}
        for index, spec in enumerate(self._specs):
            if index == 0:
                self.tabs.addTab(self._build(spec), spec.title)
            else:
                pending = QWidget()
                self._pending[index] = pending
                self.tabs.addTab(pending, spec.title)
        self.tabs.currentChanged.connect(self._ensure_built)
        self._build_menus()
        self._build_status_bar()

    # -- tabs ---------------------------------------------------------------------------------
    def tab(self, title: str) -> QWidget | None:
        """The tab with this title, built if it was not opened yet."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == title:
                self._ensure_built(i)
                return self.tabs.widget(i)
        return None

    def _build(self, spec: TabSpec) -> QWidget:
        return build_tab(spec, self.ctx, self.tabs)

    def _ensure_built(self, index: int) -> None:
        pending = self._pending.pop(index, None)
        if pending is None:
            return
        spec = self._specs[index]
        widget = self._build(spec)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, spec.title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        pending.deleteLater()

    # -- menus --------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("&Berkas"))
        self.open_action = QAction(tr("&Buka basis data…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        self.backup_action = QAction(tr("&Cadangkan basis data…"), self)
        self.backup_action.triggered.connect(self.backup_database)
        file_menu.addAction(self.backup_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("&Keluar"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        settings_menu = bar.addMenu(tr("&Pengaturan"))
        self.office_action = QAction(tr("&Profil kantor…"), self)
        self.office_action.triggered.connect(self.edit_office_profile)
        self.office_action.setEnabled(not self.ctx.db.read_only)
        settings_menu.addAction(self.office_action)
        language_menu = settings_menu.addMenu(tr("&Bahasa"))
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == get_language())
            action.triggered.connect(lambda _checked=False, c=code: self.change_language(c))
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

        from desktop_app.gui.beranda.reports import add_report_actions

        self.report_actions = add_report_actions(bar.addMenu(tr("&Laporan")), self.ctx, self)

        help_menu = bar.addMenu(tr("B&antuan"))
        self.help_action = QAction(tr("&Panduan"), self)
        self.help_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.help_action.triggered.connect(self.show_help)
        help_menu.addAction(self.help_action)
        self.verify_action = QAction(tr("&Verifikasi tanda terima / sertifikat…"), self)
        self.verify_action.triggered.connect(self.verify_code)
        help_menu.addAction(self.verify_action)
        about = QAction(tr("&Tentang Berdaya"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def show_help(self) -> None:
        from desktop_app.gui.help_window import HelpWindow

        window = getattr(self, "help_window", None)
        if window is None:
            window = self.help_window = HelpWindow(self)
        window.show()
        window.raise_()
        window.activateWindow()

    def verify_code(self) -> None:
        from desktop_app.gui.verify_dialog import VerifyDialog

        VerifyDialog(self.ctx, self).exec()

    def choose_database(self) -> None:
        from desktop_app.gui.app import choose_database

        path = choose_database(self, self.ctx.db.path.parent)
        if path is not None:
            self.open_requested.emit(path)

    def backup_database(self) -> None:
        from desktop_app.gui.workers import run_job
        from desktop_app.services.health import backup

        source = self.ctx.db.path
        suggested = source.with_name(f"{source.stem}-cadangan-{date.today():%Y%m%d}.sqlite")
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Cadangkan basis data"), str(suggested), tr("Basis data (*.sqlite)")
        )
        if not name:
            return
        target = Path(name)
        if target.resolve() == source.resolve():
            QMessageBox.warning(
                self,
                tr("Cadangkan"),
                tr("Pilih berkas lain: cadangan tidak boleh menimpa basis data."),
            )
            return
        run_job(
            lambda _job: backup(source, target),
            parent=self,
            title=tr("Cadangkan basis data"),
            label=tr("Menyalin basis data…"),
            cancellable=False,
            on_success=lambda path: self.statusBar().showMessage(
                tr("Cadangan tersimpan: {path}", path=str(path)), 10000
            ),
        )

    def edit_office_profile(self) -> None:
        from desktop_app.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        if dialog.exec():
            self.setWindowTitle(tr("Berdaya — {office}", office=self.ctx.office.office_name))
            self.device_label.setText(self._device_text())
            if dialog.language_changed:
                self.rebuild_requested.emit()

    def change_language(self, lang: str) -> None:
        if lang == get_language():
            return
        from desktop_app.gui.app import save_language

        set_language(lang)
        save_language(lang)
        self.rebuild_requested.emit()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            tr("Tentang Berdaya"),
            tr(
                "<h3>Berdaya {version}</h3><p>Aplikasi layanan Dinas Sosial: registri penerima "
                "manfaat, penyaluran bantuan, dan pelatihan. Bekerja tanpa internet.</p>"
                "<p>Basis data: {path}</p>",
                version=__version__,
                path=str(self.ctx.db.path),
            ),
        )

    # -- status bar ---------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(tr("Basis data: {path}", path=str(self.ctx.db.path)))
        self.db_label.setToolTip(str(self.ctx.db.path))
        self.device_label = QLabel(self._device_text())
        self.counts_label = QLabel()
        from desktop_app.gui.backup_status import BackupStatusLabel

        self.backup_label = BackupStatusLabel(self.ctx)
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.backup_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.device_label)
        self.refresh_counts()

    def _device_text(self) -> str:
        return tr("Perangkat: {device}", device=self.ctx.office.device_name or self.ctx.device.name)

    def set_counts(self, persons: int, households: int) -> None:
        self.counts_label.setText(
            tr(
                "{persons} orang · {households} KPM",
                persons=f"{persons:,}".replace(",", "."),
                households=f"{households:,}".replace(",", "."),
            )
        )

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches(*COUNTED):
            self.refresh_counts()

    def refresh_counts(self) -> None:
        from desktop_app.gui.workers import run_job
        from desktop_app.services.registry import PersonFilter, RegistryService

        service = RegistryService(self.ctx)

        def count(_job: object) -> tuple[int, int]:
            everyone = PersonFilter()
            return service.count_persons(everyone), len(service.household_ids(everyone))

        run_job(
            count,
            parent=self,
            on_success=lambda counts: self.set_counts(*counts),
            on_error=lambda exc: log.warning("counting failed: %s", exc),
        )
