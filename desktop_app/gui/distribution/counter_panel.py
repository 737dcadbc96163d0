"""The counter: the scan field, the result panel, the progress and the recording keys.

One search/scan field always has the focus. A barcode scanner types the card code and Enter; a
clerk may type a NIK, KK or name. A single match is recorded as received by the recipient at
once (one keystroke); several name matches are listed to choose from, then Enter records. F2
records a proxy, F3 absent, F4 refused, F6 prints the receipt again, F8 voids it.

A household member's own NIK is never recorded as the recipient collecting in person: the panel
asks who collects, inside the panel: Enter = that member as a same-KK proxy (prefilled), F7 =
the recipient is there in person, F2 = someone else. F2 acts on the current match right after
a scan too: with a code typed it looks it up and asks for the proxy instead of recording; on a
receipt just recorded it corrects the collector (same day, with a reason, a recorded fact).

Recording a receipt is a few milliseconds of service work and runs on the GUI thread on purpose:
scans must be handled strictly one after another, and the number shown must already be on disk.
The progress counts run in a worker.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.access import Permission
from desktop_app.domain.collectors import correction_refusal
from desktop_app.domain.errors import Refusal
from desktop_app.domain.nik import mask_nik
from desktop_app.gui.distribution import printing
from desktop_app.gui.distribution.dialogs import (
    ask_correction,
    ask_proxy,
    ask_reason,
    relation_label,
)
from desktop_app.gui.distribution.models import status_text
from desktop_app.gui.errors import show_error, user_message
from desktop_app.gui.widgets import allow, push_button
from desktop_app.gui.workers import run_job
from desktop_app.i18n import tr, tr_refusal
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import (
    NOT_FOUND_CODES,
    DistributionService,
    Proxy,
    ReceiptView,
    RosterRow,
    RoundView,
    format_count,
)

__all__ = ["CounterPanel", "ask_correction", "ask_proxy", "ask_reason"]

# Panel colours: what happened must be readable from across the counter.
_OK = ("#1b5e20", "#d8f0dc")
_WARN = ("#7a4a00", "#fff0cc")
_ERROR = ("#8c1d18", "#f9d9d6")
_INFO = ("#1a1a1a", "#eef1f5")


def _key_button(
    text: str, slot: Callable[[], object], height: int = 40, font: QFont | None = None
) -> QPushButton:
    """A counter button: it never takes the focus, so the scan field keeps it between clicks."""
    button = push_button(text, slot)
    button.setMinimumHeight(height)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if font is not None:
        button.setFont(font)
    return button


class CounterPanel(QWidget):
    """Serves one recipient after another for the round and point the tab has chosen."""

    receipt_recorded = Signal(str)  # the receipt number, after the commit
    progress_changed = Signal()
    row_changed = Signal(int)  # the roster rowid whose state changed
    roster_stale = Signal()  # the roster list should refilter soon

    def __init__(
        self,
        ctx: AppContext,
        svc: DistributionService,
        current_round: Callable[[], RoundView | None],
        point_id: Callable[[], str | None],
        receipt_layout: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.svc = svc
        self.current_round = current_round
        self.point_id = point_id
        self.receipt_layout = receipt_layout
        self.current: RosterRow | None = None
        # A member's NIK was scanned: the collector Enter records (that member), until the clerk
        # answers or scans someone else.
        self.choice: Proxy | None = None
        self.last_receipt: ReceiptView | None = None
        self.totals: object | None = None
        self._progress_generation = 0
        self._build()

    def _build(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        huge = QFont(self.font())
        huge.setPointSizeF(huge.pointSizeF() * 2.0)
        huge.setBold(True)
        self.progress_label = QLabel()
        self.progress_label.setFont(huge)
        self.progress_detail = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(14)

        self.scan = QLineEdit()
        self.scan.setFont(big)
        self.scan.setMinimumHeight(48)
        self.scan.setPlaceholderText(
            tr("Pindai kartu atau ketik NIK, No. KK, atau nama, lalu Enter")
        )
        self.scan.setClearButtonEnabled(True)
        self.scan.returnPressed.connect(self.on_enter)

        self.panel = QFrame()
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel_title = QLabel()
        self.panel_title.setFont(huge)
        self.panel_title.setWordWrap(True)
        self.panel_body = QLabel()
        self.panel_body.setFont(big)
        self.panel_body.setWordWrap(True)
        self.panel_body.setTextFormat(Qt.TextFormat.RichText)
        # The question "who collects?" is answered inside the panel, by key or by button.
        self.choice_member_button = _key_button("", self.enter_current, 48, big)
        self.choice_present_button = _key_button("", self.receive_in_person, 48, big)
        self.choice_box = QWidget()
        choice_layout = QHBoxLayout(self.choice_box)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.choice_member_button)
        choice_layout.addWidget(self.choice_present_button)
        self.choice_box.setVisible(False)
        panel_layout = QVBoxLayout(self.panel)
        panel_layout.addWidget(self.panel_title)
        panel_layout.addWidget(self.panel_body)
        panel_layout.addWidget(self.choice_box)
        panel_layout.addStretch(1)
        self.panel.setMinimumHeight(220)

        self.matches = QListWidget()
        self.matches.setFont(big)
        self.matches.setVisible(False)
        self.matches.itemActivated.connect(self._match_chosen)

        self.receive_button = _key_button(tr("Terima (Enter)"), self.enter_current)
        self.proxy_button = _key_button(tr("Diwakilkan… (F2)"), self.receive_by_proxy)
        self.absent_button = _key_button(tr("Tidak hadir (F3)"), self.mark_absent)
        self.refuse_button = _key_button(tr("Ditolak… (F4)"), self.mark_refused)
        self.reprint_button = _key_button(tr("Cetak tanda terima (F6)"), self.print_current_receipt)
        self.void_button = _key_button(tr("Batalkan tanda terima… (F8)"), self.void_current)
        self.auto_print = QCheckBox(tr("Cetak tanda terima otomatis"))
        actions = QHBoxLayout()
        for button in (
            self.receive_button,
            self.proxy_button,
            self.absent_button,
            self.refuse_button,
            self.reprint_button,
            self.void_button,
        ):
            actions.addWidget(button)
        for key, slot in (
            ("F2", self.receive_by_proxy),
            ("F3", self.mark_absent),
            ("F4", self.mark_refused),
            ("F6", self.print_current_receipt),
            ("F7", self.receive_in_person),
            ("F8", self.void_current),
            ("Esc", self.clear_current),
        ):
            QShortcut(QKeySequence(key), self, activated=slot)

        left = QVBoxLayout(self)
        left.addWidget(self.progress_label)
        left.addWidget(self.progress_bar)
        left.addWidget(self.progress_detail)
        left.addWidget(self.scan)
        left.addWidget(self.matches)
        left.addWidget(self.panel, 1)
        left.addLayout(actions)
        left.addWidget(self.auto_print)
        self.show_panel(
            tr("Siap"), tr("Pilih putaran dan titik salur, lalu pindai kartu penerima."), _INFO
        )

    def update_buttons(self) -> None:
        rnd = self.current_round()
        status = rnd.status if rnd else None
        self.scan.setEnabled(status == "open")  # closed: the roster's filter still finds people
        counter = status == "open" and self.current is not None
        pending = counter and self.current is not None and not self.current.received
        received = counter and self.current is not None and self.current.received
        self.receive_button.setEnabled(bool(pending))
        # F2 records a proxy; on a receipt already recorded it corrects the collector.
        self.proxy_button.setEnabled(bool(pending or received))
        self.proxy_button.setText(
            tr("Koreksi pengambil… (F2)") if received else tr("Diwakilkan… (F2)")
        )
        self.absent_button.setEnabled(bool(pending))
        self.refuse_button.setEnabled(bool(pending))
        # Voiding a receipt is a supervisor's decision (the service refuses others too).
        allow(self.void_button, bool(received), self.ctx, Permission.SUPERVISE)
        self.reprint_button.setEnabled(
            self.current is not None and self.current.receipt_number is not None
        )

    # -- progress ------------------------------------------------------------------------------
    def refresh_progress(self) -> None:
        rnd = self.current_round()
        if rnd is None:
            self.progress_label.setText(tr("Belum ada putaran penyaluran"))
            self.progress_detail.setText(tr("Buat putaran baru untuk memulai."))
            self.progress_bar.setValue(0)
            return
        self._progress_generation += 1
        generation = self._progress_generation
        round_id, point_id = rnd.id, self.point_id()

        def done(totals: object) -> None:
            if generation == self._progress_generation:
                self._show_progress(totals)

        run_job(lambda _job: self.svc.totals(round_id, point_id), parent=self, on_success=done)

    def _show_progress(self, t: object) -> None:
        self.totals = t
        entitled = getattr(t, "entitled", 0)
        received = getattr(t, "received", 0)
        self.progress_label.setText(
            tr(
                "{received} / {entitled} diterima",
                received=format_count(received),
                entitled=format_count(entitled),
            )
        )
        self.progress_detail.setText(
            tr(
                "Diwakilkan {proxy} · tidak hadir {absent} · ditolak {refused} · belum {pending}",
                proxy=format_count(getattr(t, "by_proxy", 0)),
                absent=format_count(getattr(t, "absent", 0)),
                refused=format_count(getattr(t, "refused", 0)),
                pending=format_count(getattr(t, "pending", 0)),
            )
        )
        self.progress_bar.setMaximum(max(entitled, 1))
        self.progress_bar.setValue(received)
        self.progress_changed.emit()

    # -- the counter -------------------------------------------------------------------------
    def on_enter(self) -> None:
        """Enter in the scan field: find what was typed; a single match is recorded at once.
        With the field empty, Enter records the recipient on screen."""
        rnd = self.current_round()
        if rnd is None:
            return
        text = self.scan.text().strip()
        self.scan.clear()
        if not text:
            self.enter_current()
            return
        entry = self._lookup(text)
        if entry is None:
            return
        if rnd.status != "open":
            return
        if entry.member_match and not entry.received:
            # The person at the counter showed their own KTP: ask, never assume the head.
            self._ask_who_collects(entry)
            return
        # Also for someone who already received: the refusal says when, where and by whom.
        self.receive_current()

    def _lookup(self, text: str) -> RosterRow | None:
        """Find what was typed and show it (several names: the list to choose from); the entry
        when exactly one matched, None otherwise (the panel says why)."""
        rnd = self.current_round()
        if rnd is None:
            return None
        self.matches.setVisible(False)
        try:
            matches = self.svc.find(rnd.id, text, self.point_id())
            active = [m for m in matches if m.active]
            if len(matches) > 1 and len(active) != 1:
                self._show_matches(matches, text)
                return None
            entry = self.svc.scan(rnd.id, text, self.point_id())
        except ServiceError as exc:
            self.current = None
            self.choice = None
            self.choice_box.setVisible(False)
            self.update_buttons()
            found = exc.code in NOT_FOUND_CODES
            self.show_panel(
                tr("Tidak ditemukan") if found else tr("Tidak dapat dilayani"),
                html.escape(user_message(exc) or exc.message),
                _WARN if found else _ERROR,
            )
            return None
        self.set_current(entry)
        return entry

    def enter_current(self) -> None:
        """Enter with the scan field empty (or the Terima button): the prefilled answer. After a
        member's NIK that is the member collecting; otherwise the recipient on screen."""
        entry = self.current
        if entry is None or entry.received:
            return
        if self.choice is not None:
            self._record_choice(self.choice, in_person=False)
        else:
            self.receive_current()

    def receive_in_person(self) -> None:
        """F7 after a member's NIK: the recipient is there and collects in person."""
        if self.current is None or self.current.received or self.choice is None:
            return
        self._record_choice(None, in_person=True)

    def _ask_who_collects(self, entry: RosterRow) -> None:
        """Ask in the panel whether the member whose NIK was scanned collects, or the recipient
        is present; Enter takes the prefilled answer (the member)."""
        proxy = self.svc.member_proxy(entry)
        if proxy is None:
            return
        self.choice = proxy
        heir = proxy.relation == "ahli_waris"
        member = html.escape(proxy.name)
        lines = [
            tr(
                "NIK {nik} milik <b>{member}</b> ({relation}), anggota KK penerima, bukan "
                "penerimanya.",
                nik=html.escape(proxy.nik),
                member=member,
                relation=html.escape(entry.matched_relation or "-"),
            ),
            tr("<b>Siapa yang mengambil?</b>"),
            tr("F2: orang lain atau dengan surat kuasa · Esc: batal"),
        ]
        if heir:
            lines.insert(
                0, tr("<b>Penerima tercatat meninggal dunia</b>: hanya ahli waris satu KK (F2).")
            )
        self.show_panel(
            tr("{name} — diambil oleh anggota KK?", name=entry.name), "<br>".join(lines), _WARN
        )
        self.choice_member_button.setText(
            tr("Enter — {member} mengambil (ahli waris)", member=proxy.name)
            if heir
            else tr("Enter — {member} mengambil (wakil satu KK)", member=proxy.name)
        )
        self.choice_present_button.setText(tr("F7 — {name} hadir sendiri", name=entry.name))
        self.choice_present_button.setVisible(not self.svc.recipient_deceased(entry.id))
        self.choice_box.setVisible(True)
        self.scan.setFocus()

    def _record_choice(self, proxy: Proxy | None, *, in_person: bool) -> None:
        """Record the answer to "who collects?"; a refusal stays in the panel with the question
        still open (e.g. the member is recorded as deceased: F2 for someone else)."""
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None:
            return
        try:
            receipt = self._receive(rnd, entry, proxy, in_person=in_person)
        except ServiceError as exc:
            self.panel_body.setText(
                html.escape(user_message(exc) or exc.message)
                + "<br>"
                + tr("F2: orang lain atau dengan surat kuasa · Esc: batal")
            )
            self.show_panel(self.panel_title.text(), self.panel_body.text(), _ERROR)
            self.scan.setFocus()
            return
        self._recorded(entry, receipt)

    def _show_matches(self, matches: list[RosterRow], text: str) -> None:
        self.current = None
        self.update_buttons()
        self.matches.clear()
        for m in matches:
            label = f"{m.name} — {mask_nik(m.nik) if m.nik else '-'} — {m.kelurahan}"
            if m.status:
                label += f" [{status_text(m.status)}]"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.matches.addItem(item)
        self.matches.setVisible(True)
        self.matches.setCurrentRow(0)
        self.matches.setFocus()
        self.show_panel(
            tr("{n} nama cocok", n=len(matches)),
            tr(
                "Pilih penerima untuk '{query}' dengan panah lalu Enter, atau pindai kartunya.",
                query=html.escape(text),
            ),
            _INFO,
        )

    def _match_chosen(self, item: QListWidgetItem) -> None:
        rows = self.svc.roster_rows_by_id([str(item.data(Qt.ItemDataRole.UserRole))])
        self.matches.setVisible(False)
        if rows:
            self.set_current(rows[0])
        self.scan.setFocus()

    def set_current(self, entry: RosterRow) -> None:
        self.current = entry
        self.choice = None
        self.choice_box.setVisible(False)
        self.update_buttons()
        lines = [
            tr("NIK {nik} · No. KK {kk}", nik=entry.nik or "-", kk=entry.kk_number or "-"),
            html.escape(f"{entry.address}, {entry.kelurahan}"),
            tr("Titik salur: {point}", point=html.escape(entry.point_name or "-")),
        ]
        colours = _INFO
        title = entry.name
        if entry.received:
            colours = _OK
            lines.insert(
                0,
                tr(
                    "<b>Sudah menerima</b> — tanda terima {number}",
                    number=entry.receipt_number or "",
                ),
            )
        elif entry.status in ("tidak_hadir", "ditolak"):
            colours = _WARN
            lines.insert(
                0,
                f"<b>{status_text(entry.status)}</b>: {html.escape(entry.mark_reason or '')}",
            )
        elif not entry.active:
            colours = _ERROR
            lines.insert(0, f"<b>{tr('Dikeluarkan dari daftar')}</b>")
        else:
            lines.insert(0, tr("<b>Belum menerima</b> — Enter untuk mencatat diterima."))
        if self.svc.recipient_deceased(entry.id):
            lines.insert(
                0, tr("<b>Penerima tercatat meninggal dunia</b>: hanya ahli waris satu KK (F2).")
            )
            colours = _WARN if not entry.received else colours
        self.show_panel(title, "<br>".join(lines), colours)

    def clear_current(self) -> None:
        self.current = None
        self.choice = None
        self.choice_box.setVisible(False)
        self.matches.setVisible(False)
        self.update_buttons()
        self.scan.setFocus()

    def show_panel(self, title: str, body: str, colours: tuple[str, str]) -> None:
        fg, bg = colours
        self.panel.setStyleSheet(
            f"QFrame {{ background: {bg}; border-radius: 8px; }} QLabel {{ color: {fg}; }}"
        )
        self.panel_title.setText(title)
        self.panel_body.setText(body)

    def _receive(
        self, rnd: RoundView, entry: RosterRow, proxy: Proxy | None, *, in_person: bool = False
    ) -> ReceiptView:
        """Record `entry` at this panel's point, saying whose NIK matched so the service can
        refuse a member recorded as the recipient in person."""
        return self.svc.receive(
            rnd.id,
            entry.id,
            point_id=self.point_id(),
            proxy=proxy,
            matched_person_id=entry.matched_person_id,
            in_person=in_person,
        )

    def receive_current(self, proxy: Proxy | None = None) -> ReceiptView | None:
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None:
            return None
        try:
            receipt = self._receive(rnd, entry, proxy)
        except ServiceError as exc:
            if proxy is not None:
                raise
            self.show_panel(entry.name, html.escape(user_message(exc) or exc.message), _ERROR)
            self.scan.setFocus()
            return None
        self._recorded(entry, receipt)
        return receipt

    def _recorded(self, entry: RosterRow, receipt: ReceiptView) -> None:
        self.last_receipt = receipt
        fresh = self.svc.roster_rows_by_id([entry.id])
        self.current = fresh[0] if fresh else entry
        self.choice = None
        self.choice_box.setVisible(False)
        self.update_buttons()
        via = ""
        if receipt.collector_name:
            via = "<br>" + tr(
                "Diambil oleh {name} ({relation})",
                name=html.escape(receipt.collector_name),
                relation=relation_label(receipt.collector_relation),
            )
        rnd = self.current_round()
        handover = ""
        if rnd is not None:
            handover = "<br>" + tr(
                "Serahkan: {item} {quantity}",
                item=html.escape(rnd.item),
                quantity=rnd.quantity_text,
            )
        self.show_panel(
            tr("DITERIMA — {name}", name=entry.name),
            tr("Tanda terima <b>{number}</b>", number=receipt.number)
            + via
            + handover
            + "<br>"
            + tr("Pindai penerima berikutnya."),
            _OK,
        )
        self.row_changed.emit(entry.rowid)
        self.roster_stale.emit()  # the row leaves a "not yet" list shortly after
        self.refresh_progress()
        self.receipt_recorded.emit(receipt.number)
        if self.auto_print.isChecked():
            self.print_current_receipt()
        self.scan.setFocus()

    def receive_by_proxy(self) -> None:
        """F2: a proxy for the current match. With a code in the scan field, look it up first
        (without recording it in person); on a receipt already recorded, correct its collector."""
        rnd = self.current_round()
        if rnd is None or rnd.status != "open":
            return
        typed = self.scan.text().strip()
        if typed:
            self.scan.clear()
            if self._lookup(typed) is None:
                return
        entry = self.current
        if entry is None:
            return
        if entry.received:
            self.correct_collector()
            return
        receipt = ask_proxy(
            self,
            entry.name,
            self.svc.collector_candidates(entry.id),
            self.svc.recipient_deceased(entry.id),
            lambda proxy: self._receive(rnd, entry, proxy),
            prefill=self.choice or self.svc.member_proxy(entry),
        )
        if receipt is not None:
            self._recorded(entry, receipt)
        self.scan.setFocus()

    def correct_collector(self) -> None:
        """Who collected the current receipt, corrected with a reason on the receipt's day (a
        recorded fact; the receipt itself is never edited). Later days are refused at once."""
        entry, number = self.current, self.current.receipt_number if self.current else None
        if entry is None or not number or not entry.received:
            return
        if entry.received_at is not None:
            late = correction_refusal(number, entry.received_at.date(), self.ctx.clock.today())
            if late is not None:
                self.show_panel(
                    entry.name, html.escape(tr_refusal(Refusal(late.msg, **late.params))), _ERROR
                )
                self.scan.setFocus()
                return
        receipt = ask_correction(
            self,
            entry.name,
            number,
            self.svc.collector_candidates(entry.id),
            self.svc.recipient_deceased(entry.id),
            lambda proxy, reason: self.svc.correct_collector(number, proxy, reason),
        )
        if receipt is None:
            self.scan.setFocus()
            return
        self.last_receipt = receipt
        fresh = self.svc.roster_rows_by_id([entry.id])
        self.current = fresh[0] if fresh else entry
        self.update_buttons()
        who = (
            tr(
                "Diambil oleh {name} ({relation})",
                name=html.escape(receipt.collector_name),
                relation=relation_label(receipt.collector_relation),
            )
            if receipt.collector_name
            else tr("Diambil sendiri oleh penerima")
        )
        self.show_panel(
            tr("PENGAMBIL DIKOREKSI — {name}", name=entry.name),
            tr("Tanda terima <b>{number}</b>", number=receipt.number)
            + "<br>"
            + who
            + "<br>"
            + tr("Alasan: {reason}", reason=html.escape(receipt.correction_reason or ""))
            + "<br>"
            + tr("F6: cetak ulang tanda terima yang sudah dikoreksi."),
            _OK,
        )
        self.row_changed.emit(entry.rowid)
        self.roster_stale.emit()
        self.refresh_progress()
        if self.auto_print.isChecked():
            self.print_current_receipt()
        self.scan.setFocus()

    def _mark(self, kind: str, reason: str) -> None:
        rnd, entry = self.current_round(), self.current
        if rnd is None or entry is None:
            return
        try:
            self.svc.mark(rnd.id, entry.id, kind, reason, point_id=self.point_id())
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._reload_entry(entry)
        self.roster_stale.emit()
        self.refresh_progress()
        self.scan.setFocus()

    def _reload_entry(self, entry: RosterRow) -> None:
        """Show `entry` as the database has it now, in the panel and in its table row."""
        fresh = self.svc.roster_rows_by_id([entry.id])
        if fresh:
            self.set_current(fresh[0])
        self.row_changed.emit(entry.rowid)

    def mark_absent(self) -> None:
        if self.current is None or self.current.received:
            return
        reason = ask_reason(
            self,
            tr("Tidak hadir"),
            tr("Catat {name} tidak hadir. Keterangan (boleh kosong):", name=self.current.name),
            required=False,
        )
        if reason is not None:
            self._mark("tidak_hadir", reason)

    def mark_refused(self) -> None:
        if self.current is None or self.current.received:
            return
        reason = ask_reason(
            self,
            tr("Ditolak"),
            tr("Alasan {name} ditolak (wajib):", name=self.current.name),
        )
        if reason is not None:
            self._mark("ditolak", reason)

    def void_current(self) -> None:
        entry = self.current
        if entry is None or not entry.receipt_number:
            return
        reason = ask_reason(
            self,
            tr("Batalkan tanda terima"),
            tr(
                "Tanda terima {number} untuk {name} akan dibatalkan (tetap tercatat sebagai "
                "batal). Alasan (wajib):",
                number=entry.receipt_number,
                name=entry.name,
            ),
        )
        if reason is None:
            return
        try:
            self.svc.void(entry.receipt_number, reason)
        except ServiceError as exc:
            show_error(self, exc)
            return
        self._reload_entry(entry)
        self.refresh_progress()
        self.scan.setFocus()

    def print_current_receipt(self) -> None:
        rnd = self.current_round()
        number = self.current.receipt_number if self.current else None
        if rnd is None or not number:
            return
        printing.print_receipt(self, self.ctx, rnd.id, number, layout=self.receipt_layout())
        self.scan.setFocus()
