"""The Sinkronisasi tab: bundles in and out, devices, per-round progress from every device, and
the review queues (double claims, conflicts, quarantined changes) with side-by-side values.

Each queue, the devices and the bundle history are panels of their own (`*_panel.py`); the tab
composes them, moves bundles, and refreshes everything after any decision."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.gui.sync import join as join_dialog
from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.checkout import CheckoutDialog, checkout_summary_text
from desktop_app.gui.sync.claims_panel import DoubleClaimPanel
from desktop_app.gui.sync.conflicts_panel import ConflictPanel
from desktop_app.gui.sync.devices_panel import DevicesPanel
from desktop_app.gui.sync.history_panel import BundleHistoryPanel
from desktop_app.gui.sync.models import format_count
from desktop_app.gui.sync.quarantine_panel import QuarantinePanel
from desktop_app.gui.sync.widgets import SideBySide
from desktop_app.gui.workers import JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.sync import (
    DeviceService,
    DoubleClaimService,
    ExportResult,
    ImportResult,
    SyncService,
)

__all__ = ["CheckoutDialog", "SideBySide", "SyncTab"]


class SyncTab(QWidget):
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sync = SyncService(ctx)
        self.devices = DeviceService(ctx)
        self.claims = DoubleClaimService(ctx)
        self.last_result: ImportResult | ExportResult | None = None
        self._office = True
        self._build()
        self.refresh()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.identity = QLabel()
        self.identity.setTextFormat(Qt.TextFormat.RichText)
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.identity, 1)
        self.import_button = widgets.button(
            tr("Impor bundel…"), self.import_clicked, tr("Bundel dari laptop, atau dari kantor")
        )
        self.export_button = widgets.button(tr("Ekspor bundel…"), self.export_clicked)
        self.checkout_button = widgets.button(tr("Checkout untuk laptop…"), self.checkout_clicked)
        self.identity_button = widgets.button(tr("Ekspor identitas…"), self.export_identity_clicked)
        for button in (
            self.import_button,
            self.export_button,
            self.checkout_button,
            self.identity_button,
        ):
            top.addWidget(button)
        outer.addLayout(top)
        self.status = QLabel()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.devices_panel = DevicesPanel(self.devices)
        self.devices_panel.changed.connect(self.refresh)
        splitter.addWidget(self.devices_panel)

        self.queues = QTabWidget()
        self.claims_panel = DoubleClaimPanel(self.claims)
        self.claims_panel.decided.connect(self.refresh)
        self.queues.addTab(self.claims_panel, tr("Klaim ganda"))
        self.conflicts_panel = ConflictPanel(self.sync)
        self.conflicts_panel.decided.connect(self._conflict_decided)
        self.conflicts_panel.filter_changed.connect(self.refresh)
        self.queues.addTab(self.conflicts_panel, tr("Konflik"))
        self.quarantine_panel = QuarantinePanel(self.sync)
        self.quarantine_panel.decided.connect(self.refresh)
        self.queues.addTab(self.quarantine_panel, tr("Karantina"))
        self.history_panel = BundleHistoryPanel()
        self.queues.addTab(self.history_panel, tr("Riwayat bundel"))
        splitter.addWidget(self.queues)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 820])
        outer.addWidget(splitter, 1)

    # -- refresh -------------------------------------------------------------------------------
    def refresh(self) -> None:
        ident = self.devices.identity()
        office = self._office = self.sync.role() != "field"
        role_text = tr("Kantor (pusat sinkronisasi)") if office else tr("Laptop lapangan")
        text = tr(
            "<b>Perangkat ini:</b> {name} — {role} · sidik kunci <code>{fp}</code>",
            name=html.escape(ident.name),
            role=role_text,
            fp=ident.fingerprint,
        )
        hub = None if office else self.devices.office()
        if hub is not None:
            text += "<br>" + tr(
                "Kantor: {name} · sidik kunci <code>{fp}</code> (cocokkan dengan layar kantor)",
                name=html.escape(hub.name),
                fp=hub.fingerprint,
            )
        self.identity.setText(text)
        self.checkout_button.setVisible(office)
        # The service refuses a role without the permission; the buttons say so beforehand.
        for button, tip in (
            (self.import_button, tr("Bundel dari laptop, atau dari kantor")),
            (self.export_button, ""),
            (self.checkout_button, ""),
            (self.identity_button, ""),
        ):
            widgets.gate(button, self.ctx, Permission.SYNC, tip)
        self.export_button.setText(tr("Kirim ke kantor…") if not office else tr("Ekspor bundel…"))
        if not office:
            pending = self.sync.pending_count()
            self.status.setText(
                tr(
                    "{n} perubahan di laptop ini belum dikonfirmasi kantor.",
                    n=format_count(pending),
                )
                if pending
                else tr("Semua perubahan di laptop ini sudah dikonfirmasi kantor.")
            )
        elif not self.devices.devices():
            self.status.setText(
                tr(
                    "Belum ada laptop terdaftar. Di laptop: Ekspor identitas, lalu di sini: "
                    "Daftarkan laptop."
                )
            )
        else:
            self.status.setText("")
        self.status.setVisible(bool(self.status.text()))
        peers = self.sync.peers()
        self.devices_panel.set_rows(self.claims.round_progress(), peers, office)
        open_claims = self.claims_panel.set_rows(self.claims.claims(), office)
        open_conflicts = self.conflicts_panel.load(office)
        waiting = self.quarantine_panel.load()
        self.history_panel.set_rows(self.sync.history(), peers)
        self.queues.setTabText(0, tr("Klaim ganda ({n})", n=open_claims))
        self.queues.setTabText(1, tr("Konflik ({n})", n=open_conflicts))
        self.queues.setTabText(2, tr("Karantina ({n})", n=waiting))
        self.claims_panel.show_selected()
        self.conflicts_panel.show_selected()
        self.refreshed.emit()

    def _conflict_decided(self) -> None:
        self.refresh()

    def show_history_of(self, device_id: str | None) -> None:
        """The bundles exchanged with one device (None: all)."""
        self.history_panel.show_device(device_id)

    # -- bundles -------------------------------------------------------------------------------
    def import_clicked(self) -> None:
        path = widgets.ask_open_path(self, tr("Impor bundel"), widgets.BUNDLE_FILTER)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        confirm: tuple[str | None, str | None] = (None, None)
        if self.sync.role() != "field":
            # A checkout on a laptop that trusts no office yet: the person confirms the office
            # before anything is written (the service refuses without it).
            try:
                offer = self.sync.join_offer(path)
            except Exception as exc:  # noqa: BLE001 - shown to the user
                from desktop_app.gui.errors import show_error

                show_error(self, exc, title=tr("Impor bundel"))
                return
            if offer is not None:
                answer = join_dialog.ask_join_confirmation(self, offer)
                if answer is None:
                    return
                confirm = answer
        steps = {
            "applied": (1, tr("Menyimpan perubahan…")),
            "stored": (2, tr("Memeriksa klaim ganda dan konflik…")),
            "marked": (3, tr("Menyelesaikan…")),
        }

        def work(job: Any) -> ImportResult:
            job.progress(
                0, 4, tr("Memeriksa tanda tangan dan menggabungkan {name}…", name=path.name)
            )

            def stage(name: str) -> None:
                done, text = steps[name]
                job.progress(done, 4, text)

            if confirm != (None, None):
                fingerprint, code = confirm
                return self.sync.join(
                    path, on_stage=stage, confirm_fingerprint=fingerprint, code=code
                )
            return self.sync.import_bundle(path, on_stage=stage)

        self._bundle_job(
            work, tr("Impor bundel"), tr("Mengimpor {name}…", name=path.name), self._imported
        )

    def _bundle_job(
        self,
        work: Callable[[JobControl], Any],
        title: str,
        label: str,
        on_success: Callable[[Any], None],
    ) -> None:
        """Bundles are written in one transaction: a write job that cannot stop half-way."""
        run_job(
            work,
            parent=self,
            title=title,
            label=label,
            cancellable=False,
            write=True,
            on_success=on_success,
        )

    def _bundle_done(self, result: ImportResult | ExportResult, title: str, text: str) -> None:
        self.last_result = result
        self.refresh()
        QMessageBox.information(self, title, text)

    def _imported(self, result: ImportResult) -> None:
        if result.already_imported:
            text = tr(
                "Bundel dari {device} ini sudah pernah diimpor; tidak ada yang berubah.",
                device=result.from_name,
            )
        else:
            text = tr(
                "Bundel dari {device}: {n} perubahan baru digabungkan. Konflik baru: {c}. "
                "Klaim ganda baru: {d}. Dikarantina: {q}.",
                device=result.from_name,
                n=format_count(result.applied),
                c=result.new_conflicts,
                d=result.double_claims,
                q=result.quarantined,
            )
        if result.ack is not None:
            text += "\n\n" + tr(
                "Tanda terima untuk {device} disimpan di {path}. Bawa kembali ke laptop itu dan "
                "impor di sana: baru setelah itu laptop menandai datanya terkirim.",
                device=result.ack.to_name,
                path=str(result.ack.path),
            )
        if result.needs_review:
            text += "\n\n" + tr("Periksa antrean tinjauan di sebelah kanan.")
        self._bundle_done(result, tr("Impor bundel"), text)

    def export_clicked(self) -> None:
        target: str | None = None
        name = self.devices.identity().name
        if self.sync.role() != "field":
            choices = [
                d.name for d in self.devices.devices() if d.role == "field" and not d.revoked
            ]
            if not choices:
                QMessageBox.information(
                    self, tr("Ekspor bundel"), tr("Belum ada laptop terdaftar.")
                )
                return
            choice, ok = QInputDialog.getItem(
                self, tr("Ekspor bundel"), tr("Kirim pembaruan ke laptop:"), choices, 0, False
            )
            if not ok:
                return
            target, name = choice, choice
        suggested = f"berdaya-{name}-{date.today():%Y%m%d}.bdl"
        path = widgets.ask_save_path(self, tr("Simpan bundel"), suggested, widgets.BUNDLE_FILTER)
        if path is not None:
            self.export_to(path, target)

    def export_to(self, path: Path, to_device: str | None = None) -> None:
        self._bundle_job(
            lambda _job: self.sync.export(path, to_device),
            tr("Ekspor bundel"),
            tr("Menyiapkan bundel terenkripsi…"),
            self._exported,
        )

    def _exported(self, result: ExportResult) -> None:
        text = tr(
            "Bundel untuk {device}: {n} perubahan, {size} KiB, terenkripsi untuk perangkat "
            "itu saja. Disimpan di {path}.",
            device=result.to_name,
            n=format_count(result.entries),
            size=format_count(max(1, result.size_bytes // 1024)),
            path=str(result.path),
        )
        if result.checkout is not None:
            text += "\n\n" + checkout_summary_text(result.checkout)
        self._bundle_done(result, tr("Ekspor bundel"), text)

    def checkout_clicked(self) -> None:
        dialog = CheckoutDialog(self.ctx, self)
        if not dialog.exec():
            return
        device, round_id, points = dialog.chosen()
        role, worker = dialog.access()
        name = dialog.device.currentText()
        suggested = f"berdaya-checkout-{name}-{date.today():%Y%m%d}.bdl"
        path = widgets.ask_save_path(
            self, tr("Simpan bundel checkout"), suggested, widgets.BUNDLE_FILTER
        )
        if path is not None:
            self.checkout_to(path, device, round_id, points, role=role, worker=worker)

    def checkout_to(
        self,
        path: Path,
        device: str,
        round_id: str | None,
        points: Sequence[str],
        *,
        role: str = "field",
        worker: str | None = None,
    ) -> None:
        self._bundle_job(
            lambda _job: self.sync.checkout(
                device,
                path,
                round_id=round_id,
                point_ids=points,
                access_role=role,
                worker=worker,
            ),
            tr("Checkout untuk laptop"),
            tr("Menyiapkan daftar penerima dan data registri…"),
            self._exported,
        )

    # -- devices -------------------------------------------------------------------------------
    def export_identity_clicked(self) -> None:
        name = self.devices.identity().name
        path = widgets.ask_save_path(
            self,
            tr("Simpan identitas perangkat"),
            f"identitas-{name}.json",
            widgets.IDENTITY_FILTER,
        )
        if path is None:
            return
        try:
            ident = self.devices.export_identity(path)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            from desktop_app.gui.errors import show_error

            show_error(self, exc, title=tr("Ekspor identitas"))
            return
        QMessageBox.information(
            self,
            tr("Ekspor identitas"),
            tr(
                "Identitas disimpan di {path}. Sidik kunci: {fp}. Serahkan berkas ini ke kantor "
                "untuk didaftarkan; bacakan sidiknya agar petugas kantor dapat mencocokkan.",
                path=str(path),
                fp=ident.fingerprint,
            ),
        )
