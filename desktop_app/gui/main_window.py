"""The main window: one tab per area, menus, and a status bar with the database, counts and who
is logged in; the idle lock hides the tabs behind a password screen."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.domain.access import Permission
from desktop_app.gui.auth.lock import IdleWatcher, LockScreen
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
    # Language or user changed: rebuild every widget in the new language, for the new role.
    rebuild_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        idle_lock_ms: int | None = None,
    ) -> None:
        """`idle_lock_ms` overrides the administrator's idle time (tests); the lock only runs
        when somebody is logged in."""
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
        # The tabs, or the lock screen in their place: locked, nothing personal stays on screen.
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.setCentralWidget(self.body)
        self.lock_screen: LockScreen | None = None
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
        self.idle_watcher: IdleWatcher | None = None
        if ctx.user is not None:
            self.idle_watcher = IdleWatcher(idle_lock_ms or self._idle_lock_ms(), self)
            self.idle_watcher.idle.connect(self.lock)

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
        if self.ctx.user is not None:
            self._build_account_menu()

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

    def _build_account_menu(self) -> None:
        menu = self.account_menu = self.menuBar().addMenu(tr("A&kun"))
        self.switch_user_action = QAction(tr("Ganti &pengguna…"), self)
        self.switch_user_action.triggered.connect(self.switch_user)
        menu.addAction(self.switch_user_action)
        self.change_password_action = QAction(tr("Ganti &kata sandi…"), self)
        self.change_password_action.triggered.connect(self.change_password)
        menu.addAction(self.change_password_action)
        self.lock_action = QAction(tr("&Kunci sekarang"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        menu.addAction(self.lock_action)
        self.users_action: QAction | None = None
        self.access_log_action: QAction | None = None
        if self.ctx.can(Permission.USERS_MANAGE):
            menu.addSeparator()
            self.users_action = QAction(tr("P&engguna…"), self)
            self.users_action.triggered.connect(self.manage_users)
            menu.addAction(self.users_action)
            self.access_log_action = QAction(tr("&Log akses…"), self)
            self.access_log_action.setObjectName("access_log_action")
            self.access_log_action.triggered.connect(self.show_access_log)
            menu.addAction(self.access_log_action)
            self.recovery_action = QAction(tr("Kunci &pemulihan baru…"), self)
            self.recovery_action.setObjectName("recovery_action")
            self.recovery_action.setEnabled(self.ctx.db.key is not None)
            self.recovery_action.triggered.connect(self.rotate_recovery_key)
            menu.addAction(self.recovery_action)
            self.incident_action = QAction(tr("Laporan &insiden data…"), self)
            self.incident_action.setObjectName("incident_action")
            self.incident_action.triggered.connect(self.report_incident)
            menu.addAction(self.incident_action)

    # -- the logged-in person -----------------------------------------------------------------
    def switch_user(self) -> None:
        from desktop_app.gui.auth.start import switch_user

        if switch_user(self.ctx, self):
            self.unlock()
            self.rebuild_requested.emit()  # tabs and menus follow the new role

    def change_password(self) -> None:
        from desktop_app.gui.auth.password_dialog import change_own_password

        if change_own_password(self.ctx, self).exec():
            self.statusBar().showMessage(tr("Kata sandi sudah diganti."), 10000)

    def manage_users(self) -> None:
        from desktop_app.gui.auth.accounts_dialog import AccountsDialog

        AccountsDialog(self.ctx, self).exec()
        self.user_label.setText(self._user_text())  # one's own name or NIP may have changed

    def show_access_log(self) -> None:
        from desktop_app.gui.auth.privacy_dialogs import AccessLogDialog
        from desktop_app.gui.errors import show_error

        try:
            dialog = AccessLogDialog(self.ctx, self)
        except Exception as exc:  # noqa: BLE001 - a refusal or a read failure, shown
            show_error(self, exc, tr("Log akses"))
            return
        dialog.exec()

    def rotate_recovery_key(self) -> None:
        """A new recovery key (the old one may be in a lost laptop bag): asked, then shown once."""
        from desktop_app.gui.auth.privacy_dialogs import RecoveryKeyDialog
        from desktop_app.gui.errors import show_error
        from desktop_app.services.accounts import AccountService

        answer = QMessageBox.question(
            self,
            tr("Kunci pemulihan baru"),
            tr("Buat kunci pemulihan baru? Kunci yang lama langsung tidak berlaku."),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            key = AccountService(self.ctx).rotate_recovery_key()
        except Exception as exc:  # noqa: BLE001 - a coded refusal, shown
            show_error(self, exc, tr("Kunci pemulihan baru"))
            return
        RecoveryKeyDialog(key, self).exec()

    def report_incident(self) -> None:
        """Laporan insiden: the prefilled data-breach report for a lost laptop or copied file."""
        from desktop_app.gui.auth.privacy_dialogs import (
            IncidentReportDialog,
            ask_incident_path,
            write_incident_report,
        )
        from desktop_app.services.sync import DeviceService

        try:
            devices = [d.name for d in DeviceService(self.ctx).devices() if d.name]
        except Exception:  # noqa: BLE001 - the list is a convenience; the name can be typed
            devices = []
        dialog = IncidentReportDialog(self.ctx, sorted(set(devices)), self)
        if not dialog.exec():
            return
        path = ask_incident_path(self)
        if path is not None and write_incident_report(self.ctx, dialog, path):
            from desktop_app.gui.printing import preview_and_print

            preview_and_print(self, path, tr("Laporan insiden"))

    def _idle_lock_ms(self) -> int:
        from desktop_app.services.accounts import AccountService

        return AccountService(self.ctx).idle_lock_minutes() * 60_000

    @property
    def locked(self) -> bool:
        return self.body.currentWidget() is self.lock_screen and self.lock_screen is not None

    def lock(self) -> None:
        """Hide everything personal: the tabs, the menus and every other open window (an open
        dialog is cancelled: its content may be a person's record)."""
        if self.ctx.user is None or self.locked:
            return
        if self.idle_watcher is not None:
            self.idle_watcher.pause()
        for widget in QApplication.topLevelWidgets():
            if widget is self or not widget.isVisible():
                continue
            if isinstance(widget, QProgressDialog):
                continue  # a running job's progress: no personal data, and Cancel would stop it
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.hide()
        if self.lock_screen is None:
            screen = LockScreen(self.ctx)
            screen.unlocked.connect(self.unlock)
            screen.switch_requested.connect(self.switch_user)
            self.lock_screen = screen
            self.body.addWidget(screen)
        self.lock_screen.reset()
        self.body.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.password.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's API
        # A window replaced by a rebuild must not lock (or watch input) any more.
        if self.idle_watcher is not None:
            self.idle_watcher.stop()
        super().closeEvent(event)

    def unlock(self) -> None:
        self.body.setCurrentWidget(self.tabs)
        self.menuBar().setEnabled(True)
        if self.idle_watcher is not None:
            self.idle_watcher.resume()

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
        from desktop_app.services.backups import backup_now

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
            lambda _job: backup_now(self.ctx, target),
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
            if self.idle_watcher is not None and dialog.idle_lock_changed:
                self.idle_watcher.set_interval_ms(self._idle_lock_ms())
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
        self.user_label = QLabel(self._user_text())
        self.user_label.setObjectName("user_label")
        self.user_label.setVisible(self.ctx.user is not None)
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.backup_label)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.device_label)
        self.refresh_counts()

    def _user_text(self) -> str:
        from desktop_app.gui.auth.common import user_text

        user = self.ctx.user
        return tr("Pengguna: {user}", user=user_text(user)) if user is not None else ""

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
