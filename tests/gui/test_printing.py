"""Printing without a PDF viewer: receipts straight to the counter's printer, documents through a
print preview. The "printer" is Qt's own PDF printer output; what it printed is rendered back and
its QR read like a scanner would."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QToolBar

from desktop_app.documents.distribution import receipts_pdf
from desktop_app.domain.receipts import parse_signed_code
from desktop_app.gui import printing as paper
from desktop_app.gui.distribution import printing
from desktop_app.gui.distribution.tab import DistributionTab
from desktop_app.gui.workers import active_jobs
from tests.documents.test_distribution_docs import OFFICE, barcodes, receipt
from tests.gui.test_distribution_tab import scan

MM = 72 / 25.4


def pdf_printer(out: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def page_sizes(path: Path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_size() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.fixture(autouse=True)
def no_real_printers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, list]:
    """One installed "printer" (a PDF file per QPrinter made) and recorded viewer calls."""
    made: dict[str, list] = {"printers": [], "opened": [], "asked": []}

    def make(name: str) -> QPrinter:
        out = tmp_path / f"printed-{len(made['printers']) + 1}.pdf"
        made["printers"].append(out)
        return pdf_printer(out)

    def choose(_parent, printers: list[str], current: str | None) -> str | None:  # noqa: ANN001
        made["asked"].append((printers, current))
        return "Kasir 58 mm"

    monkeypatch.setattr(paper.PrintHooks, "printer_names", staticmethod(lambda: ["Kasir 58 mm"]))
    monkeypatch.setattr(paper.PrintHooks, "make_printer", staticmethod(make))
    monkeypatch.setattr(paper.PrintHooks, "choose", staticmethod(choose))
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: made["opened"].append(url) or True)
    )
    monkeypatch.setattr(printing.PrintOptions, "receipts_folder", tmp_path / "struk")
    monkeypatch.setattr(printing.PrintOptions, "ask_path", lambda p, t, n: tmp_path / "docs" / n)
    monkeypatch.setattr(printing.PrintOptions, "open_after", True)
    paper._settings().remove(paper.PRINTER_KEY)
    paper._settings().remove(printing.LAYOUT_KEY)
    return made


# -- the painting ------------------------------------------------------------------------------
def test_print_pdf_sends_each_page_at_its_own_size_and_the_qr_still_reads(tmp_path: Path):
    doc = receipt(7, proxy="surat_kuasa")
    source = tmp_path / "struk.pdf"
    receipts_pdf(source, OFFICE, [doc, receipt(8)], layout="thermal58")
    out = tmp_path / "printed.pdf"

    assert paper.print_pdf(source, pdf_printer(out)) == 2

    sizes = page_sizes(out)
    assert len(sizes) == 2
    assert [round(w / MM) for w, _h in sizes] == [58, 58]  # a 58 mm roll, not an A4 sheet
    assert [round(h) for _w, h in sizes] == [round(h) for _w, h in page_sizes(source)]
    assert barcodes(out) == [(doc.qr_payload, "QRCode")]
    assert barcodes(out, dpi=203) == [(doc.qr_payload, "QRCode")]  # a thermal printer's dots


def test_print_pdf_honours_a_page_range_and_a4(tmp_path: Path):
    source = tmp_path / "a4.pdf"
    receipts_pdf(source, OFFICE, [receipt(i) for i in range(1, 7)], layout="half_a4")  # 3 sheets
    printer = pdf_printer(tmp_path / "out.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert paper.print_pdf(source, printer) == 2
    assert [(round(w / MM), round(h / MM)) for w, h in page_sizes(tmp_path / "out.pdf")] == [
        (210, 297)
    ] * 2


# -- receipts at the counter -------------------------------------------------------------------
# (`tab`, `world` and `round_id`: the counter fixtures of tests/gui/conftest.py)
def choose_layout(tab: DistributionTab, key: str) -> None:
    action = next(a for a in tab.round_bar.layout_group.actions() if a.data() == key)
    action.trigger()


def test_receipt_goes_straight_to_the_printer_chosen_once(
    qtbot,
    tab: DistributionTab,
    world,
    no_real_printers,
    tmp_path: Path,
):
    choose_layout(tab, "thermal58")
    assert printing.saved_receipt_layout() == "thermal58"  # remembered on this computer
    tab.counter.auto_print.setChecked(True)

    scan(qtbot, tab, world.families[0].kk)
    qtbot.waitUntil(lambda: not active_jobs(), timeout=20000)

    assert len(no_real_printers["asked"]) == 1 and paper.saved_printer() == "Kasir 58 mm"
    (printed,) = no_real_printers["printers"]
    assert printed.exists() and not no_real_printers["opened"]  # no PDF viewer
    ((payload, kind),) = barcodes(printed)
    parsed = parse_signed_code(payload)
    assert kind == "QRCode" and parsed is not None and parsed.number == "RST4-KANTOR-000001"
    assert round(page_sizes(printed)[0][0] / MM) == 58
    assert (tmp_path / "struk" / "RST4-KANTOR-000001.pdf").exists()  # the PDF stays available

    # F6 prints it again: no question this time.
    tab.counter.print_current_receipt()
    qtbot.waitUntil(
        lambda: len(no_real_printers["printers"]) == 2 and not active_jobs(), timeout=20000
    )
    assert len(no_real_printers["asked"]) == 1
    assert barcodes(no_real_printers["printers"][1]) == [(payload, "QRCode")]


def test_a_missing_printer_keeps_the_pdf_and_says_where(
    qtbot,
    tab: DistributionTab,
    world,
    message_boxes,
    tmp_path: Path,
):
    paper.save_printer("Printer Lama")
    tab.counter.auto_print.setChecked(True)
    scan(qtbot, tab, world.families[0].kk)
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=20000)
    saved = tmp_path / "struk" / "RST4-KANTOR-000001.pdf"
    assert saved.exists()
    text = message_boxes.texts()[0]
    assert "Printer Lama" in text and str(saved) in text
    assert len(tab.svc.receipts(tab.round_id())) == 1  # the receipt itself is recorded


def test_a_counter_without_printer_opens_the_pdf(
    qtbot,
    tab: DistributionTab,
    world,
    no_real_printers,
):
    paper.save_printer(paper.PDF_ONLY)
    tab.counter.auto_print.setChecked(True)
    scan(qtbot, tab, world.families[0].kk)
    qtbot.waitUntil(lambda: bool(no_real_printers["opened"]), timeout=20000)
    assert not no_real_printers["printers"] and not no_real_printers["asked"]


# -- documents through a preview ---------------------------------------------------------------
def test_list_opens_a_preview_that_prints_and_saves_a_copy(
    qtbot,
    tab: DistributionTab,
    world,
    monkeypatch,
    tmp_path: Path,
):
    seen: dict[str, object] = {}
    out = tmp_path / "dari-pratinjau.pdf"

    def run_preview(dialog: QPrintPreviewDialog) -> bool:
        widget = dialog.findChild(QPrintPreviewWidget)
        widget.updatePreview()
        seen["pages"] = widget.pageCount()
        toolbar = dialog.findChild(QToolBar)
        save = next(a for a in toolbar.actions() if a.text() == "Simpan PDF…")
        save.trigger()
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        widget.print()  # what the dialog's Print button does after its print dialog
        return True

    copy = tmp_path / "salinan" / "daftar.pdf"
    copy.parent.mkdir()
    monkeypatch.setattr(paper.PrintHooks, "run_preview", staticmethod(run_preview))
    monkeypatch.setattr(paper.PrintHooks, "ask_save_path", staticmethod(lambda _p, _s: copy))

    tab.print_document("list")
    qtbot.waitUntil(lambda: out.exists() and not active_jobs(), timeout=30000)

    (kept,) = (tmp_path / "docs").glob("daftar-penerimaan*.pdf")
    assert seen["pages"] == len(page_sizes(kept)) >= 1
    assert len(page_sizes(out)) == len(page_sizes(kept))
    assert copy.read_bytes() == kept.read_bytes()


def test_a_long_document_skips_the_preview_for_a_page_range(qtbot, monkeypatch, tmp_path: Path):
    source = tmp_path / "panjang.pdf"
    receipts_pdf(source, OFFICE, [receipt(i) for i in range(1, 5)], layout="a6")
    monkeypatch.setattr(paper, "PREVIEW_MAX_PAGES", 2)
    seen: list[tuple[int, int]] = []

    def run_print_dialog(dialog: QPrintDialog) -> bool:
        seen.append((dialog.minPage(), dialog.maxPage()))
        dialog.printer().setPrintRange(QPrinter.PrintRange.PageRange)
        dialog.printer().setFromTo(4, 4)
        return True

    monkeypatch.setattr(paper.PrintHooks, "run_print_dialog", staticmethod(run_print_dialog))
    monkeypatch.setattr(
        paper.PrintHooks,
        "run_preview",
        staticmethod(lambda _d: pytest.fail("no preview for a long document")),
    )
    started: list[QPrinter] = []
    assert paper.preview_and_print(None, source, "Kartu", start_print=started.append)
    assert seen == [(1, 4)] and len(started) == 1
    started[0].setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    started[0].setOutputFileName(str(tmp_path / "out.pdf"))
    assert paper.print_pdf(source, started[0]) == 1
