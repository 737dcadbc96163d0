"""The Sinkronisasi tab: bundles in and out, devices, per-round progress from every device, and
the review queues (double claims, conflicts, quarantined changes) with side-by-side values."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.gui.sync.models import (
    BundleHistoryModel,
    ConflictModel,
    DeviceModel,
    DoubleClaimModel,
    ListModel,
    QuarantineModel,
    RoundProgressModel,
    format_count,
    format_when,
)
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext
from desktop_app.services.distribution import DistributionService
from desktop_app.services.sync import ConflictView, ExportResult, ImportResult, SyncService
from desktop_app.services.sync.devices import DeviceService
from desktop_app.services.sync.double_claims import DoubleClaim, DoubleClaimService

__all__ = ["CheckoutDialog", "SideBySide", "SyncTab"]

BUNDLE_FILTER = "Bundel Berdaya (*.bdl)"
IDENTITY_FILTER = "Identitas perangkat (*.json)"


# Dialog helpers, module-level so tests can replace them.
def ask_open_path(parent: QWidget, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", tr(file_filter))
    return Path(name) if name else None


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, tr(file_filter))
    return Path(name) if name else None


def ask_text(parent: QWidget, title: str, label: str, default: str = "") -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text if ok else None


def _table(model: ListModel[Any]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    return view


def _button(text: str, slot: Callable[[], None], tooltip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda _checked=False: slot())
    if tooltip:
        button.setToolTip(tooltip)
    return button


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(text)}</b>")
    label.setContentsMargins(0, 6, 0, 2)
    return label


class SideBySide(QFrame):
    """Competing values in columns, each with who/where/when and its own action button."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(18)
        self.buttons: list[QPushButton] = []
        self.placeholder = QLabel(tr("Pilih satu baris untuk melihat nilainya berdampingan."))
        self.placeholder.setStyleSheet("color: #666;")
        self.grid.addWidget(self.placeholder, 0, 0)

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None and widget is not self.placeholder:
                widget.deleteLater()
        self.buttons = []
        self.grid.addWidget(self.placeholder, 0, 0)
        self.placeholder.show()

    def set_columns(
        self,
        columns: Sequence[tuple[str, str, str, str | None, bool]],
    ) -> None:
        """Each column: (heading, value, details, button text or None, highlighted)."""
        self.clear()
        self.placeholder.hide()
        self.grid.removeWidget(self.placeholder)
        for i, (heading, value, details, button_text, highlighted) in enumerate(columns):
            head = QLabel(f"<b>{html.escape(heading)}</b>")
            shown = QLabel(html.escape(value))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            background = "#e3f1e5" if highlighted else "#f4f4f4"
            shown.setStyleSheet(
                f"font-size: 15px; padding: 8px; background: {background}; border-radius: 4px;"
            )
            info = QLabel(html.escape(details).replace("\n", "<br>"))
            info.setStyleSheet("color: #444;")
            self.grid.addWidget(head, 0, i)
            self.grid.addWidget(shown, 1, i)
            self.grid.addWidget(info, 2, i)
            if button_text:
                button = QPushButton(button_text)
                button.clicked.connect(lambda _c=False, n=i: self.chosen.emit(n))
                self.grid.addWidget(button, 3, i)
                self.buttons.append(button)
            self.grid.setColumnStretch(i, 1)


class CheckoutDialog(QDialog):
    """Which laptop takes which round (and which of its points) into the field."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Checkout untuk laptop"))
        self.dist = DistributionService(ctx)
        form = QFormLayout(self)
        self.device = QComboBox()
        for d in DeviceService(ctx).devices():
            if d.role == "field" and not d.revoked:
                self.device.addItem(d.name, d.id)
        self.round = QComboBox()
        for r in self.dist.list_rounds():
            if r.status == "open":
                self.round.addItem(f"{r.name} ({r.code})", r.id)
        self.points = QListWidget()
        self.points.setMinimumHeight(180)
        self.round.currentIndexChanged.connect(self._load_points)
        form.addRow(tr("Laptop"), self.device)
        form.addRow(tr("Putaran (dibuka)"), self.round)
        form.addRow(tr("Titik salur"), self.points)
        hint = QLabel(tr("Tanpa centang: semua titik salur putaran ini."))
        hint.setStyleSheet("color: #666;")
        form.addRow("", hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(self.device.count() > 0 and self.round.count() > 0)
        self._load_points()

    def _load_points(self) -> None:
        self.points.clear()
        round_id = self.round.currentData()
        if not round_id:
            return
        for p in self.dist.points(round_id):
            item = QListWidgetItem(f"{p.no}. {p.name}")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.points.addItem(item)

    def chosen(self) -> tuple[str, str, list[str]]:
        points = [
            self.points.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.points.count())
            if self.points.item(i).checkState() == Qt.CheckState.Checked
        ]
        return self.device.currentData(), self.round.currentData(), points


class SyncTab(QWidget):
    counts_changed = Signal()  # an import added or changed registry rows
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
        self.import_button = _button(
            tr("Impor bundel…"), self.import_clicked, tr("Bundel dari laptop, atau dari kantor")
        )
        self.export_button = _button(tr("Ekspor bundel…"), self.export_clicked)
        self.checkout_button = _button(tr("Checkout untuk laptop…"), self.checkout_clicked)
        self.identity_button = _button(tr("Ekspor identitas…"), self.export_identity_clicked)
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
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(_heading(tr("Kemajuan putaran (gabungan semua perangkat)")))
        self.round_model = RoundProgressModel()
        self.round_view = _table(self.round_model)
        lv.addWidget(self.round_view, 2)
        lv.addWidget(_heading(tr("Perangkat")))
        self.device_model = DeviceModel()
        self.device_view = _table(self.device_model)
        lv.addWidget(self.device_view, 2)
        device_buttons = QHBoxLayout()
        self.register_button = _button(tr("Daftarkan laptop…"), self.register_clicked)
        self.revoke_button = _button(tr("Cabut…"), self.revoke_clicked)
        device_buttons.addWidget(self.register_button)
        device_buttons.addWidget(self.revoke_button)
        device_buttons.addStretch(1)
        lv.addLayout(device_buttons)
        splitter.addWidget(left)

        self.queues = QTabWidget()
        self._build_claims()
        self._build_conflicts()
        self._build_quarantine()
        history = QWidget()
        hv = QVBoxLayout(history)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Perangkat:")))
        self.history_device = QComboBox()
        self.history_device.currentIndexChanged.connect(lambda _i: self._fill_history())
        row.addWidget(self.history_device)
        row.addStretch(1)
        hv.addLayout(row)
        self.history_model = BundleHistoryModel()
        self.history_view = _table(self.history_model)
        hv.addWidget(self.history_view, 1)
        self.queues.addTab(history, tr("Riwayat bundel"))
        self._history: list[Any] = []
        splitter.addWidget(self.queues)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([520, 820])
        outer.addWidget(splitter, 1)

    def _build_claims(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.claim_model = DoubleClaimModel()
        self.claim_view = _table(self.claim_model)
        self.claim_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_claim())
        v.addWidget(self.claim_view, 1)
        self.claim_detail = SideBySide()
        self.claim_detail.chosen.connect(self.void_receipt)
        v.addWidget(self.claim_detail)
        row = QHBoxLayout()
        self.claim_note = QLabel()
        self.claim_note.setWordWrap(True)
        row.addWidget(self.claim_note, 1)
        self.confirm_claim_button = _button(
            tr("Konfirmasi: memang diambil dua kali…"),
            self.confirm_claim,
            tr("Simpan sebagai klaim ganda nyata untuk pengembalian"),
        )
        row.addWidget(self.confirm_claim_button)
        v.addLayout(row)
        self.queues.addTab(page, tr("Klaim ganda"))

    def _build_conflicts(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        self.show_closed = QCheckBox(tr("Tampilkan juga yang sudah diputuskan"))
        self.show_closed.toggled.connect(lambda _on: self.refresh())
        v.addWidget(self.show_closed)
        self.conflict_model = ConflictModel()
        self.conflict_view = _table(self.conflict_model)
        self.conflict_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._show_conflict()
        )
        v.addWidget(self.conflict_view, 1)
        self.conflict_detail = SideBySide()
        self.conflict_detail.chosen.connect(self.choose_value)
        v.addWidget(self.conflict_detail)
        self.conflict_hint = QLabel()
        self.conflict_hint.setWordWrap(True)
        v.addWidget(self.conflict_hint)
        self.queues.addTab(page, tr("Konflik"))

    def _build_quarantine(self) -> None:
        page = QWidget()
        v = QVBoxLayout(page)
        hint = QLabel(
            tr(
                "Perubahan dengan waktu lebih dari 1 hari di depan jam komputer ini ditahan. "
                "Periksa jam laptop pengirim; lepaskan bila isinya benar (dicatat ulang dengan "
                "waktu sekarang) atau buang."
            )
        )
        hint.setWordWrap(True)
        v.addWidget(hint)
        self.quarantine_model = QuarantineModel()
        self.quarantine_view = _table(self.quarantine_model)
        v.addWidget(self.quarantine_view, 1)
        row = QHBoxLayout()
        row.addWidget(_button(tr("Lepaskan"), lambda: self.decide_quarantine(True)))
        row.addWidget(_button(tr("Buang"), lambda: self.decide_quarantine(False)))
        row.addStretch(1)
        v.addLayout(row)
        self.queues.addTab(page, tr("Karantina"))

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
        self.register_button.setVisible(office)
        self.revoke_button.setVisible(office)
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
        self.confirm_claim_button.setVisible(office)
        self.round_model.set_rows(self.claims.round_progress())
        self.device_model.set_rows(self.sync.peers())
        claims = self.claims.claims()
        self.claim_model.set_rows(claims)
        conflicts = self.sync.conflicts(open_only=not self.show_closed.isChecked())
        self.conflict_model.set_rows(conflicts)
        held = self.sync.quarantine()
        self.quarantine_model.set_rows(held)
        self._history = self.sync.history()
        chosen = self.history_device.currentData()
        self.history_device.blockSignals(True)
        self.history_device.clear()
        self.history_device.addItem(tr("Semua perangkat"), None)
        for peer in self.device_model.rows:
            self.history_device.addItem(peer.name, peer.device_id)
        index = self.history_device.findData(chosen)
        self.history_device.setCurrentIndex(max(index, 0))
        self.history_device.blockSignals(False)
        self._fill_history()
        open_claims = sum(1 for c in claims if c.status == "open")
        open_conflicts = sum(1 for c in conflicts if c.open)
        waiting = sum(1 for q in held if q.status == "held")
        self.queues.setTabText(0, tr("Klaim ganda ({n})", n=open_claims))
        self.queues.setTabText(1, tr("Konflik ({n})", n=open_conflicts))
        self.queues.setTabText(2, tr("Karantina ({n})", n=waiting))
        self._show_claim()
        self._show_conflict()
        self.refreshed.emit()

    def _fill_history(self) -> None:
        device = self.history_device.currentData()
        rows = [b for b in self._history if device is None or b.peer_id == device]
        self.history_model.set_rows(rows)

    def show_history_of(self, device_id: str | None) -> None:
        """The bundles exchanged with one device (None: all)."""
        self.history_device.setCurrentIndex(max(self.history_device.findData(device_id), 0))

    # -- bundles -------------------------------------------------------------------------------
    def import_clicked(self) -> None:
        path = ask_open_path(self, tr("Impor bundel"), BUNDLE_FILTER)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
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

            return self.sync.import_bundle(path, on_stage=stage)

        run_job(
            work,
            parent=self,
            title=tr("Impor bundel"),
            label=tr("Mengimpor {name}…", name=path.name),
            cancellable=False,
            write=True,
            on_success=self._imported,
        )

    def _imported(self, result: ImportResult) -> None:
        self.last_result = result
        self.refresh()
        self.counts_changed.emit()
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
        QMessageBox.information(self, tr("Impor bundel"), text)

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
        path = ask_save_path(self, tr("Simpan bundel"), suggested, BUNDLE_FILTER)
        if path is not None:
            self.export_to(path, target)

    def export_to(self, path: Path, to_device: str | None = None) -> None:
        run_job(
            lambda _job: self.sync.export(path, to_device),
            parent=self,
            title=tr("Ekspor bundel"),
            label=tr("Menyiapkan bundel terenkripsi…"),
            cancellable=False,
            write=True,
            on_success=self._exported,
        )

    def _exported(self, result: ExportResult) -> None:
        self.last_result = result
        self.refresh()
        QMessageBox.information(
            self,
            tr("Ekspor bundel"),
            tr(
                "Bundel untuk {device}: {n} perubahan, {size} KiB, terenkripsi untuk perangkat "
                "itu saja. Disimpan di {path}.",
                device=result.to_name,
                n=format_count(result.entries),
                size=format_count(max(1, result.size_bytes // 1024)),
                path=str(result.path),
            ),
        )

    def checkout_clicked(self) -> None:
        dialog = CheckoutDialog(self.ctx, self)
        if not dialog.exec():
            return
        device, round_id, points = dialog.chosen()
        name = dialog.device.currentText()
        suggested = f"berdaya-checkout-{name}-{date.today():%Y%m%d}.bdl"
        path = ask_save_path(self, tr("Simpan bundel checkout"), suggested, BUNDLE_FILTER)
        if path is not None:
            self.checkout_to(path, device, round_id, points)

    def checkout_to(self, path: Path, device: str, round_id: str, points: Sequence[str]) -> None:
        run_job(
            lambda _job: self.sync.checkout(device, path, round_id=round_id, point_ids=points),
            parent=self,
            title=tr("Checkout untuk laptop"),
            label=tr("Menyiapkan daftar penerima dan data registri…"),
            cancellable=False,
            write=True,
            on_success=self._exported,
        )

    # -- devices -------------------------------------------------------------------------------
    def export_identity_clicked(self) -> None:
        name = self.devices.identity().name
        path = ask_save_path(
            self, tr("Simpan identitas perangkat"), f"identitas-{name}.json", IDENTITY_FILTER
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

    def register_clicked(self) -> None:
        path = ask_open_path(self, tr("Daftarkan laptop"), IDENTITY_FILTER)
        if path is not None:
            self.register_file(path)

    def register_file(self, path: Path) -> None:
        from desktop_app.gui.errors import show_error

        try:
            ident = self.devices.read_identity_file(path)
            name = ask_text(
                self,
                tr("Daftarkan laptop"),
                tr(
                    "Sidik kunci {fp}. Cocokkan dengan yang tampil di laptop.\n"
                    "Nama perangkat (untuk nomor tanda terima, mis. LAP02):",
                    fp=ident.fingerprint,
                ),
                ident.name if ident.name != "KANTOR" else "",
            )
            if not name:
                return
            self.devices.register(ident, name=name)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc, title=tr("Daftarkan laptop"))
            return
        self.refresh()

    def revoke_clicked(self) -> None:
        from desktop_app.gui.errors import show_error

        index = self.device_view.currentIndex()
        peer = self.device_model.row_at(index.row()) if index.isValid() else None
        if peer is None or peer.role != "field":
            QMessageBox.information(self, tr("Cabut perangkat"), tr("Pilih laptop yang dicabut."))
            return
        reason = ask_text(
            self,
            tr("Cabut perangkat"),
            tr(
                "Alasan mencabut {name} (mis. laptop hilang). Bundelnya akan ditolak:",
                name=peer.name,
            ),
        )
        if not reason:
            return
        try:
            self.devices.revoke(peer.device_id, reason)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Cabut perangkat"))
            return
        self.refresh()

    # -- double claims -------------------------------------------------------------------------
    def selected_claim(self) -> DoubleClaim | None:
        index = self.claim_view.currentIndex()
        return self.claim_model.row_at(index.row()) if index.isValid() else None

    def _show_claim(self) -> None:
        claim = self.selected_claim()
        if claim is None:
            self.claim_detail.clear()
            self.claim_note.setText(
                tr("Tidak ada klaim ganda.") if not self.claim_model.rows else ""
            )
            self.confirm_claim_button.setEnabled(False)
            return
        columns = []
        for r in claim.receipts:
            details = "\n".join(
                [
                    tr("Perangkat: {d}", d=r.device_name),
                    tr("Petugas: {o}", o=r.officer),
                    tr("Waktu: {t}", t=format_when(r.received_at)),
                    tr("Pengambil: {c}", c=r.collector),
                    tr("Titik: {p}", p=r.point_name or "—"),
                ]
            )
            value = r.number + (" — " + tr("dibatalkan") if r.voided else "")
            can_void = not r.voided and claim.status == "open" and self._office
            button = tr("Batalkan tanda terima ini…") if can_void else None
            columns.append((tr("Tanda terima"), value, details, button, not r.voided))
        self.claim_detail.set_columns(columns)
        nik = claim.nik or "—"
        if claim.status == "open":
            note = tr(
                "{name} (NIK {nik}, KK {kk}) menerima lebih dari sekali di {round}. Batalkan "
                "tanda terima yang keliru, atau konfirmasi bila memang diambil dua kali.",
                name=claim.recipient_name,
                nik=nik,
                kk=claim.kk_number or "—",
                round=claim.round_name,
            )
        else:
            note = tr(
                "Dikonfirmasi sebagai klaim ganda nyata oleh {who}: {note}",
                who=claim.decided_by or "—",
                note=claim.note or "",
            )
        self.claim_note.setText(note)
        self.confirm_claim_button.setEnabled(claim.status == "open" and self._office)

    def void_receipt(self, column: int) -> None:
        claim = self.selected_claim()
        if claim is None:
            return
        receipt = claim.receipts[column]
        note = ask_text(
            self,
            tr("Batalkan tanda terima"),
            tr("Alasan membatalkan {number} (hasil pengecekan):", number=receipt.number),
        )
        if note:
            self._decide(claim, "void", note, receipt.number)

    def confirm_claim(self) -> None:
        claim = self.selected_claim()
        if claim is None:
            return
        note = ask_text(
            self,
            tr("Konfirmasi klaim ganda"),
            tr("Catatan untuk pengembalian (mis. siapa menerima dua kali dan tindak lanjutnya):"),
        )
        if note:
            self._decide(claim, "confirm", note, None)

    def _decide(self, claim: DoubleClaim, action: str, note: str, receipt: str | None) -> None:
        from desktop_app.gui.errors import show_error

        try:
            self.claims.resolve(claim.roster_id, action, note, void_receipt=receipt)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Klaim ganda"))
            return
        self.refresh()

    # -- conflicts -----------------------------------------------------------------------------
    def selected_conflict(self) -> ConflictView | None:
        index = self.conflict_view.currentIndex()
        return self.conflict_model.row_at(index.row()) if index.isValid() else None

    def _show_conflict(self) -> None:
        conflict = self.selected_conflict()
        if conflict is None:
            self.conflict_detail.clear()
            self.conflict_hint.setText(
                tr("Tidak ada konflik terbuka.") if not self.conflict_model.rows else ""
            )
            return
        columns = []
        for c in conflict.candidates:
            details = "\n".join(
                [
                    tr("Perangkat: {d}", d=c.device_name),
                    tr("Petugas: {o}", o=c.actor),
                    tr("Waktu: {t}", t=format_when(c.at)),
                ]
            )
            # Decisions are the office supervisor's; a laptop shows the queue for information.
            button = tr("Pakai nilai ini") if conflict.open and self._office else None
            columns.append(
                (tr(conflict.field_label), c.text, details, button, c.text == conflict.current_text)
            )
        self.conflict_detail.set_columns(columns)
        if not conflict.open:
            hint = tr("Sudah diputuskan.")
        elif not self._office:
            hint = tr("Konflik diputuskan oleh supervisor di kantor; keputusannya ikut terkirim.")
        elif conflict.kind == "critical":
            hint = tr(
                "Isian penting: nilai yang disorot dipakai sementara. Seorang supervisor harus "
                "memilih nilai yang benar."
            )
        else:
            hint = tr(
                "Nilai terbaru sudah dipakai (disorot). Pilih nilai lain bila keliru, atau pakai "
                "nilai yang disorot untuk menandai sudah ditinjau."
            )
        self.conflict_hint.setText(hint)

    def choose_value(self, column: int) -> None:
        from desktop_app.gui.errors import show_error

        conflict = self.selected_conflict()
        if conflict is None:
            return
        try:
            self.sync.resolve_conflict(conflict.id, column)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Konflik"))
            return
        self.refresh()
        self.counts_changed.emit()

    # -- quarantine ----------------------------------------------------------------------------
    def decide_quarantine(self, release: bool) -> None:
        from desktop_app.gui.errors import show_error

        index = self.quarantine_view.currentIndex()
        item = self.quarantine_model.row_at(index.row()) if index.isValid() else None
        if item is None or item.status != "held":
            QMessageBox.information(self, tr("Karantina"), tr("Pilih perubahan yang ditahan."))
            return
        try:
            self.sync.decide_quarantine(item.change_id, release)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, title=tr("Karantina"))
            return
        self.refresh()
