"""Printing from the Penyaluran tab. Every document is built as a PDF in a worker with progress
and kept in the documents folder; then

- a receipt (F6, "cetak otomatis") goes straight to the counter's printer, chosen once per
  computer, in the receipt size chosen for it; a counter without a printer opens the PDF;
- lists, BAST, cards and the recap open a print preview whose toolbar also saves the PDF.

The painting itself is desktop_app.gui.printing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_app.documents import distribution as docs
from desktop_app.documents.distribution import RECEIPT_LAYOUTS
from desktop_app.domain.errors import Refusal
from desktop_app.gui import printing as paper
from desktop_app.gui.workers import Job, JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService
from desktop_app.services.distribution.messages import (
    NOTHING_TO_PRINT_CARDS,
    NOTHING_TO_PRINT_RECEIPTS,
)

__all__ = [
    "DOCUMENTS",
    "PrintOptions",
    "print_document",
    "print_receipt",
    "save_receipt_layout",
    "saved_receipt_layout",
]

_FOLDER_KEY = "distribution/print_folder"
LAYOUT_KEY = "distribution/receipt_layout"


class PrintOptions:
    """Tests choose where the PDFs go and switch off what follows (preview, printer, viewer)."""

    ask_path: Callable[[QWidget, str, str], Path | None] | None = None
    open_after: bool = True  # show the preview / print the receipt / open the PDF
    receipts_folder: Path | None = None


def saved_receipt_layout() -> str:
    """The receipt size chosen on this computer (it goes with the counter's printer)."""
    value = str(QSettings("Berdaya", "Berdaya").value(LAYOUT_KEY, "a6"))
    return value if value in RECEIPT_LAYOUTS else "a6"


def save_receipt_layout(layout: str) -> None:
    if layout in RECEIPT_LAYOUTS:
        settings = QSettings("Berdaya", "Berdaya")
        settings.setValue(LAYOUT_KEY, layout)
        settings.sync()


def document_titles() -> dict[str, str]:
    return {
        "list": tr("Daftar penerimaan"),
        "receipts": tr("Tanda terima"),
        "bast": tr("Berita acara serah terima (BAST)"),
        "cards": tr("Kartu KPM"),
        "recap": tr("Rekap penyaluran"),
    }


DOCUMENTS = ("list", "receipts", "bast", "cards", "recap")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "penyaluran"


def _documents_folder() -> Path:
    settings = QSettings("Berdaya", "Berdaya")
    return Path(
        str(settings.value(_FOLDER_KEY, ""))
        or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )


def _choose_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where the document's PDF is kept: the documents folder, no question asked (the preview's
    "Simpan PDF…" saves a copy elsewhere)."""
    if PrintOptions.ask_path is not None:
        return PrintOptions.ask_path(parent, title, name)
    return _documents_folder() / "Berdaya dokumen" / name


def ask_pdf_path(parent: QWidget, title: str, name: str) -> Path | None:
    """A file dialog for a PDF name (the preview's "Simpan PDF…")."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, title, str(_documents_folder() / name), tr("Dokumen PDF (*.pdf)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    QSettings("Berdaya", "Berdaya").setValue(_FOLDER_KEY, str(path.parent))
    return path


def open_pdf(parent: QWidget, path: Path) -> None:
    """Open the PDF in the default viewer; without one, say where it was saved."""
    if not PrintOptions.open_after:
        return
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        QMessageBox.information(
            parent,
            tr("PDF tersimpan"),
            tr(
                "PDF tersimpan di {path}. Penampil PDF tidak dapat dibuka; buka berkas itu "
                "untuk mencetak.",
                path=str(path),
            ),
        )


def _then_preview(
    parent: QWidget, title: str, on_done: Callable[[Path], None] | None
) -> Callable[[Path], None]:
    """What a finished document job does: tell the caller, then show the print preview."""

    def done(result: Path) -> None:
        if on_done is not None:
            on_done(result)
        if PrintOptions.open_after:
            paper.preview_and_print(parent, result, title)

    return done


def print_document(
    parent: QWidget,
    ctx: AppContext,
    document: str,
    round_id: str,
    *,
    point_id: str | None = None,
    round_name: str = "",
    layout: str = "a6",
    bast: tuple[date, float | None] | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> Job | None:
    """Build the document in a worker, keep its PDF, then show the print preview. A BAST takes
    its handover date and stock received (`bast`, from BastDialog) and is issued: a number from
    the register."""
    title = document_titles()[document]
    path = _choose_path(parent, title, f"{slug(title)}-{slug(round_name)}.pdf")
    if path is None:
        return None
    # Cards count cards and receipts count receipts (the worker reports items, not pages).
    label = {
        "cards": tr("Menyusun kartu {done} dari {total}…"),
        "receipts": tr("Menyusun tanda terima {done} dari {total}…"),
    }.get(document, tr("Menyusun halaman {done} dari {total}…"))

    def work(job: JobControl) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        svc = DistributionService(ctx)
        report = job.reporter(label)
        if document == "list":
            docs.reception_list_pdf(
                path, ctx.office, svc.reception_list(round_id, point_id=point_id), progress=report
            )
        elif document == "receipts":
            receipts = svc.receipt_docs(round_id, point_id=point_id, progress=report)
            if not receipts:
                raise ServiceError(NOTHING_TO_PRINT_RECEIPTS)
            docs.receipts_pdf(path, ctx.office, receipts, layout=layout, progress=report)
        elif document == "bast":
            handover, stock = bast if bast is not None else (None, None)
            issued = svc.issue_bast(round_id, point_id, handover, stock_received=stock)
            docs.bast_pdf(path, ctx.office, issued)
        elif document == "cards":
            # The write first: households without a card code get one, so the printed barcode
            # is what the counter will scan. Reading the cards mints nothing.
            svc.mint_cards(round_id, point_id=point_id)
            cards = svc.card_docs(round_id, point_id=point_id, progress=report)
            if not cards:
                raise ServiceError(NOTHING_TO_PRINT_CARDS)
            docs.cards_pdf(path, ctx.office, cards, progress=report)
        else:
            docs.recap_pdf(path, ctx.office, svc.recap(round_id))
        return path

    return run_job(
        work,
        parent=parent,
        title=title,
        label=tr("Menyusun {document}…", document=title.lower()),
        on_success=_then_preview(parent, title, on_done),
        # Cards mint the missing card codes first (`mint_cards`) and a BAST enters the register:
        # both are writes.
        write=document in ("cards", "bast"),
    )


def _counter_printer(parent: QWidget) -> str:
    """The receipt printer's name or PDF_ONLY; asked once on this computer, then remembered.
    Cancelling the question prints this receipt as a PDF and asks again next time."""
    name = paper.saved_printer()
    if name is None:
        name = paper.choose_printer(parent)
    return name or paper.PDF_ONLY


def print_receipt(
    parent: QWidget,
    ctx: AppContext,
    round_id: str,
    number: str,
    *,
    layout: str | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> Job:
    """One tanda terima right after the hand-over: its PDF saved beside the others, then printed
    straight to the counter's printer (or, at a counter without one, opened).

    A missing or failing printer never loses the receipt: the PDF is saved first and the
    message says where it is.
    """
    folder = PrintOptions.receipts_folder or (_documents_folder() / "Berdaya tanda terima")
    path = folder / f"{number}.pdf"
    size = layout or saved_receipt_layout()
    name = _counter_printer(parent) if PrintOptions.open_after else paper.PDF_ONLY
    # Made here, on the GUI thread; only painted in the worker.
    printer = None if name == paper.PDF_ONLY else paper.make_printer(name)

    def work(_job: JobControl) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        receipts = DistributionService(ctx).receipt_docs(round_id, numbers=[number])
        docs.receipts_pdf(path, ctx.office, receipts, layout=size)
        if name != paper.PDF_ONLY and printer is None:
            raise Refusal(paper.PRINTER_MISSING, name=name, path=str(path))
        if printer is not None:
            printer.setDocName(number)
            paper.print_pdf(path, printer)
        return path

    def done(result: Path) -> None:
        if on_done is not None:
            on_done(result)
        if printer is None and PrintOptions.open_after:
            open_pdf(parent, result)

    return run_job(work, parent=parent, on_success=done)
