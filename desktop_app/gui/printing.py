"""Printing a finished PDF on a real printer, without a PDF viewer.

Every document is first written as a PDF (ReportLab, in documents/); that file stays available.
To print it, each page is rendered with PDFium (pypdfium2) at the printer's resolution (capped,
see MAX_DPI) and painted onto a QPrinter, page size by page size: a 58 mm thermal strip goes to
the receipt printer as a 58 mm page, an A4 list as A4. Qt's own PDF module is not part of
PySide6-Essentials, PDFium is the renderer Chrome uses and its wheel carries the library.

- Receipts go straight to the counter's printer, chosen once per computer (QSettings).
- Lists, BAST, cards and certificates open a print preview (QPrintPreviewDialog); its toolbar also
  saves the PDF elsewhere. Documents longer than PREVIEW_MAX_PAGES skip the preview (it would
  hold every page in memory) and open the print dialog with a page range instead.

Painting runs in a worker thread: QPainter on a QPrinter is supported off the GUI thread, and a
400-page card run must not freeze the window. PDFium is not thread-safe: one lock.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSettings, QSizeF, Qt
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.errors import Msg, Refusal
from desktop_app.gui.widgets import button_box
from desktop_app.i18n import tr

__all__ = [
    "PDF_ONLY",
    "PRINTER_MISSING",
    "PRINT_FAILED",
    "PrintHooks",
    "available_printers",
    "choose_printer",
    "make_printer",
    "page_count",
    "preview_and_print",
    "print_pdf",
    "save_printer",
    "saved_printer",
]

PRINTER_KEY = "printing/receipt_printer"
# The saved "printer" of a counter without one: receipts are saved as PDF and opened.
PDF_ONLY = "pdf"
# Beyond 300 dpi printed text gains nothing visible, while an A4 page grows from 35 MB to 140 MB
# of pixels (and so does the print spool). Thermal printers are 203 dpi, office lasers 300-600.
MAX_DPI = 300
# The preview keeps every page as an image: screen resolution is enough to read it.
PREVIEW_DPI = 96
PREVIEW_MAX_PAGES = 60

PRINTER_MISSING = Msg(
    "printing.printer_missing",
    "Printer {name} tidak ditemukan di komputer ini. Dokumen tersimpan sebagai PDF di {path}. "
    "Pilih printer lain di Pengaturan.",
    "Printer {name} was not found on this computer. The document was saved as a PDF at {path}. "
    "Choose another printer in Settings.",
)
PRINT_FAILED = Msg(
    "printing.failed",
    "Printer {name} tidak dapat mencetak. Periksa kabel, kertas dan daya printer. Dokumen "
    "tersimpan sebagai PDF di {path}.",
    "Printer {name} could not print. Check its cable, paper and power. The document was saved "
    "as a PDF at {path}.",
)

_pdfium_lock = threading.Lock()


class PrintHooks:
    """Tests replace the printers and the modal dialogs (nothing here may block offscreen)."""

    printer_names: Callable[[], list[str]] | None = None
    make_printer: Callable[[str], QPrinter] | None = None
    # Run the preview dialog; True when the person chose to print.
    run_preview: Callable[[QPrintPreviewDialog], bool] | None = None
    run_print_dialog: Callable[[QPrintDialog], bool] | None = None
    choose: Callable[[QWidget | None, list[str], str | None], str | None] | None = None
    ask_save_path: Callable[[QWidget | None, Path], Path | None] | None = None


# -- the counter's printer ---------------------------------------------------------------------
def _settings() -> QSettings:
    return QSettings("Berdaya", "Berdaya")


def saved_printer() -> str | None:
    """The receipt printer chosen on this computer, PDF_ONLY, or None when never chosen."""
    value = _settings().value(PRINTER_KEY)
    return str(value) if value else None


def save_printer(name: str) -> None:
    settings = _settings()
    settings.setValue(PRINTER_KEY, name)
    settings.sync()


def available_printers() -> list[str]:
    if PrintHooks.printer_names is not None:
        return PrintHooks.printer_names()
    return list(QPrinterInfo.availablePrinterNames())


def make_printer(name: str) -> QPrinter | None:
    """A QPrinter for the installed printer `name`, or None when it is not installed."""
    if PrintHooks.make_printer is not None:
        return PrintHooks.make_printer(name) if name in available_printers() else None
    info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


class PrinterChoiceDialog(QDialog):
    """One list: the installed printers, and "no printer: save PDF and open it"."""

    def __init__(
        self, printers: list[str], current: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Printer tanda terima"))
        self.combo = QComboBox()
        fill_printer_combo(self.combo, printers, current)
        text = QLabel(
            tr(
                "Tanda terima dicetak langsung ke printer ini tanpa membuka PDF. Pilihan ini "
                "diingat di komputer ini dan dapat diubah di Pengaturan."
            )
        )
        text.setWordWrap(True)
        buttons = button_box(self, tr("Pakai printer ini"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)

    def value(self) -> str:
        return str(self.combo.currentData())


def fill_printer_combo(
    combo: QComboBox, printers: list[str], current: str | None, *, unset_item: bool = False
) -> None:
    """Fill `combo` with PDF_ONLY and the printers (data = saved value) and select `current`.

    Nothing chosen yet: with `unset_item` (Pengaturan) an explicit "not chosen" entry (data "")
    is selected, so saving other settings does not answer the question; otherwise (the question
    itself) the system's default printer is preselected.
    """
    combo.clear()
    if unset_item and not current:
        combo.addItem(tr("Belum dipilih: ditanyakan pada tanda terima pertama"), "")
    combo.addItem(tr("Tanpa printer: simpan PDF lalu buka"), PDF_ONLY)
    for name in printers:
        combo.addItem(name, name)
    if current and current != PDF_ONLY and current not in printers:
        # Keep an unplugged printer's name rather than silently switching to another one.
        combo.addItem(tr("{name} (tidak tersedia)", name=current), current)
    if unset_item and not current:
        combo.setCurrentIndex(0)
        return
    default = QPrinterInfo.defaultPrinterName() if PrintHooks.printer_names is None else ""
    index = combo.findData(current or default) if (current or default) else -1
    combo.setCurrentIndex(index if index >= 0 else (1 if printers else 0))


def choose_printer(parent: QWidget | None) -> str | None:
    """Ask which printer receipts go to and remember it for this computer; None if cancelled."""
    printers = available_printers()
    current = saved_printer()
    if PrintHooks.choose is not None:
        chosen = PrintHooks.choose(parent, printers, current)
    else:
        dialog = PrinterChoiceDialog(printers, current, parent)
        chosen = dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
    if chosen:
        save_printer(chosen)
    return chosen


# -- printing a PDF ----------------------------------------------------------------------------
def page_count(path: Path) -> int:
    with _pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def _page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    landscape = width_pt > height_pt
    size = QSizeF(height_pt, width_pt) if landscape else QSizeF(width_pt, height_pt)
    # Fuzzy: a ReportLab A4 (595.3 x 841.9 pt) becomes the printer's own A4, not a custom size.
    page_size = QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def _render(page: pdfium.PdfPage, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
    fmt = QImage.Format.Format_RGBX8888 if bitmap.mode == "RGBX" else QImage.Format.Format_RGB888
    # copy(): the QImage must own its pixels; PDFium frees the bitmap's buffer.
    return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()


def _pages_to_print(printer: QPrinter, total: int) -> range:
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(total, printer.toPage() or total)
        return range(first - 1, last)
    return range(total)


def print_pdf(
    path: Path,
    printer: QPrinter,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Paint every page of the PDF at `path` onto `printer`; the number of pages printed.

    `progress(done, total)` may raise (a cancelled job) to stop: the print job is aborted.
    """
    preview = printer.paintEngine() is not None and (
        printer.paintEngine().type() == QPaintEngine.Type.Picture
    )
    dpi = min(printer.resolution(), PREVIEW_DPI if preview else MAX_DPI)
    name = printer.printerName() or printer.outputFileName() or "PDF"
    painter = QPainter()
    printed = 0
    with _pdfium_lock:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pages = _pages_to_print(printer, len(pdf))
            for n, index in enumerate(pages):
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    layout = _page_layout(width, height)
                    # Qt lets only its PDF output change the paper between pages; a driver keeps
                    # the first page's paper and later pages are fitted onto it.
                    if n == 0 or (
                        printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                        and not preview
                        and not layout.pageSize().isEquivalentTo(printer.pageLayout().pageSize())
                    ):
                        printer.setPageLayout(layout)
                    if n == 0:
                        printer.setFullPage(True)  # the PDF carries its own margins
                        if not painter.begin(printer):
                            raise Refusal(PRINT_FAILED, name=name, path=str(path))
                    elif not printer.newPage():
                        raise Refusal(PRINT_FAILED, name=name, path=str(path))
                    image = _render(page, dpi)
                finally:
                    page.close()
                target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                target.moveTo(0, 0)
                # Fit the page into the paper the driver really has (a roll printer may keep
                # its own length), keeping proportions; top-aligned like a receipt strip.
                scale = min(target.width() / image.width(), target.height() / image.height())
                w, h = image.width() * scale, image.height() * scale
                painter.drawImage(QRectF((target.width() - w) / 2, 0, w, h), image)
                printed += 1
                if progress is not None:
                    try:
                        progress(printed, len(pages))
                    except BaseException:
                        printer.abort()
                        raise
        finally:
            if painter.isActive():
                painter.end()
            pdf.close()
    return printed


# -- lists, BAST, cards, certificates ----------------------------------------------------------
def _add_save_action(dialog: QPrintPreviewDialog, path: Path) -> None:
    """A "Simpan PDF…" button on the preview's toolbar: the PDF stays available."""
    toolbar = dialog.findChild(QToolBar)
    if toolbar is None:
        return
    action = QAction(tr("Simpan PDF…"), dialog)
    action.setToolTip(tr("Simpan dokumen ini sebagai berkas PDF"))
    action.triggered.connect(lambda: save_pdf_copy(dialog, path))
    toolbar.addSeparator()
    toolbar.addAction(action)
    # The toolbar's own icon-only buttons stay; this one shows its text.
    button = toolbar.widgetForAction(action)
    if button is not None:
        button.setProperty("toolButtonStyle", Qt.ToolButtonStyle.ToolButtonTextOnly)


def save_pdf_copy(parent: QWidget | None, path: Path) -> Path | None:
    if PrintHooks.ask_save_path is not None:
        chosen: Path | None = PrintHooks.ask_save_path(parent, path)
    else:
        name, _ = QFileDialog.getSaveFileName(
            parent, tr("Simpan PDF"), str(path), tr("Dokumen PDF (*.pdf)")
        )
        chosen = Path(name) if name else None
    if chosen is None:
        return None
    if chosen.suffix.lower() != ".pdf":
        chosen = chosen.with_suffix(".pdf")
    if chosen.resolve() != path.resolve():
        shutil.copyfile(path, chosen)
    return chosen


def preview_and_print(
    parent: QWidget | None,
    path: Path,
    title: str,
    *,
    start_print: Callable[[QPrinter], object] | None = None,
) -> bool:
    """Show the PDF in a print preview (or, when long, the print dialog) and print it if asked.

    The pages are painted in a worker after the dialog closes (`start_print`, by default
    `print_in_background`); True when printing was started.
    """
    start = start_print or (lambda printer: print_in_background(parent, path, printer, title))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    total = page_count(path)
    if total > PREVIEW_MAX_PAGES:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(tr("Cetak {title} ({pages} halaman)", title=title, pages=total))
        dialog.setMinMax(1, total)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        run = PrintHooks.run_print_dialog or (lambda d: d.exec() == QDialog.DialogCode.Accepted)
        if not run(dialog):
            return False
        start(printer)
        return True

    wanted: list[bool] = []

    def paint(target: QPrinter) -> None:
        if target.paintEngine() is not None and (
            target.paintEngine().type() == QPaintEngine.Type.Picture
        ):
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                print_pdf(path, target)
            finally:
                QApplication.restoreOverrideCursor()
        else:
            # The real print: after the dialog closes, in a worker (see module docstring).
            wanted.append(True)

    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(tr("Pratinjau cetak — {title}", title=title))
    preview.paintRequested.connect(paint)
    _add_save_action(preview, path)
    preview.resize(1000, 700)
    run_preview = PrintHooks.run_preview or (lambda d: bool(d.exec()))
    run_preview(preview)
    preview.deleteLater()
    if not wanted:
        return False
    start(printer)
    return True


def print_in_background(
    parent: QWidget | None,
    path: Path,
    printer: QPrinter,
    title: str,
    on_done: Callable[[int], None] | None = None,
) -> object:
    """Paint the PDF onto `printer` in a worker with progress and Cancel."""
    from desktop_app.gui.workers import JobControl, run_job

    label = tr("Mengirim halaman {done} dari {total} ke printer…")

    def work(job: JobControl) -> int:
        # `printer` is captured here so it lives until the job ends.
        return print_pdf(path, printer, progress=job.reporter(label))

    return run_job(
        work,
        parent=parent,
        title=title,
        label=tr("Mengirim ke printer…"),
        on_success=on_done,
    )
