"""The double-claim queue: receipts of one recipient from two laptops, side by side; the office
voids the wrong one or confirms a real double hand-over."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.access import Permission
from desktop_app.gui.sync import widgets
from desktop_app.gui.sync.models import DoubleClaimModel, format_when
from desktop_app.i18n import tr
from desktop_app.services.sync import DoubleClaim, DoubleClaimService

__all__ = ["DoubleClaimPanel"]


class DoubleClaimPanel(QWidget):
    decided = Signal()  # a claim was voided or confirmed

    def __init__(self, claims: DoubleClaimService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.claims = claims
        self.office = True
        self.may_decide = True
        v = QVBoxLayout(self)
        self.model = DoubleClaimModel()
        self.view = widgets.table(self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.show_selected())
        v.addWidget(self.view, 1)
        self.detail = widgets.SideBySide()
        self.detail.chosen.connect(self.void_receipt)
        v.addWidget(self.detail)
        row = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.confirm_button = widgets.button(
            tr("Konfirmasi: memang diambil dua kali…"),
            self.confirm_claim,
            tr("Simpan sebagai klaim ganda nyata untuk pengembalian"),
        )
        row.addWidget(self.confirm_button)
        v.addLayout(row)

    def set_rows(self, claims: list[DoubleClaim], office: bool) -> int:
        """Show these claims; returns how many are open (for the queue's tab title)."""
        self.office = office
        self.confirm_button.setVisible(office)
        self.may_decide = widgets.gate(
            self.confirm_button,
            self.claims.ctx,
            Permission.SUPERVISE,
            tr("Simpan sebagai klaim ganda nyata untuk pengembalian"),
        )
        self.model.set_rows(claims)
        return sum(1 for c in claims if c.status == "open")

    def selected(self) -> DoubleClaim | None:
        return widgets.current_row(self.view, self.model)

    def show_selected(self) -> None:
        claim = self.selected()
        if claim is None:
            self.detail.clear()
            self.note.setText(tr("Tidak ada klaim ganda.") if not self.model.rows else "")
            self.confirm_button.setEnabled(False)
            return
        columns: list[tuple[str, str, str, str | None, bool]] = []
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
            can_void = not r.voided and claim.status == "open" and self.office and self.may_decide
            button = tr("Batalkan tanda terima ini…") if can_void else None
            columns.append((tr("Tanda terima"), value, details, button, not r.voided))
        self.detail.set_columns(columns)
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
        self.note.setText(note)
        self.confirm_button.setEnabled(claim.status == "open" and self.office and self.may_decide)

    def void_receipt(self, column: int) -> None:
        claim = self.selected()
        if claim is None:
            return
        receipt = claim.receipts[column]
        note = widgets.ask_text(
            self,
            tr("Batalkan tanda terima"),
            tr("Alasan membatalkan {number} (hasil pengecekan):", number=receipt.number),
        )
        if note:
            self._decide(claim, "void", note, receipt.number)

    def confirm_claim(self) -> None:
        claim = self.selected()
        if claim is None:
            return
        note = widgets.ask_text(
            self,
            tr("Konfirmasi klaim ganda"),
            tr("Catatan untuk pengembalian (mis. siapa menerima dua kali dan tindak lanjutnya):"),
        )
        if note:
            self._decide(claim, "confirm", note, None)

    def _decide(self, claim: DoubleClaim, action: str, note: str, receipt: str | None) -> None:
        widgets.attempt(
            self,
            tr("Klaim ganda"),
            lambda: self.claims.resolve(claim.roster_id, action, note, void_receipt=receipt),
            self.decided.emit,
        )
