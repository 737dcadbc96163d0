from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Paragraph, Spacer, Table

from desktop_app.documents.common import (
    Letterhead,
    grid_table_style,
    letterhead_doc,
    numbered_canvas,
    signature_block,
    styles,
)
from desktop_app.domain.office import OfficeProfile


def build_sample(path: Path, rows: int) -> None:
    office = OfficeProfile(phone="(0342) 000000", head_name="Contoh Nama, S.Sos.")
    doc = letterhead_doc(path, Letterhead.from_office(office), title="Contoh Daftar")
    st = styles()
    data = [["No", "Nama", "Alamat"]] + [
        [str(i), f"Penerima {i}", "Jl. Contoh"] for i in range(1, rows + 1)
    ]
    table = Table(data, repeatRows=1)
    table.setStyle(grid_table_style())
    story = [
        Paragraph("DAFTAR CONTOH", st["title"]),
        table,
        Spacer(1, 10),
        signature_block(office, date(2026, 11, 28), left=["Petugas", "", ""]),
    ]
    doc.build(story, canvasmaker=numbered_canvas())


def test_letterhead_and_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "sample.pdf"
    build_sample(path, 150)
    reader = PdfReader(path)
    pages = len(reader.pages)
    assert pages >= 3
    first = reader.pages[0].extract_text()
    assert "PEMERINTAH KOTA BLITAR" in first and "DINAS SOSIAL" in first
    assert f"Halaman 1 dari {pages}" in first
    last = reader.pages[-1].extract_text()
    assert f"Halaman {pages} dari {pages}" in last
    assert "Blitar, 28 November 2026" in last
    assert "Contoh Nama, S.Sos." in last
    # The kop surat is on the first page only by default.
    assert "PEMERINTAH KOTA BLITAR" not in reader.pages[1].extract_text()


# --- QR codes and text widths ------------------------------------------------------------------

SIGNED = "BERDAYA|RST4-LAP02-000123|" + "AbC-_9xYz0" * 8 + "Qw1234"  # 86 signature characters


def _qr_pdf_decodes(path: Path, payload: str, dpi: int) -> list[str]:
    import pypdfium2 as pdfium
    import zxingcpp
    from reportlab.pdfgen.canvas import Canvas

    from desktop_app.documents.common import draw_qr

    canvas = Canvas(str(path), pagesize=(200, 200))
    canvas.rect(0, 0, 200, 200, stroke=0, fill=0)
    draw_qr(canvas, payload, 40, 40, 23 * 72 / 25.4)  # the A6 receipt's 23 mm
    canvas.save()
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[0].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    return [b.text for b in zxingcpp.read_barcodes(image)]


def test_qr_from_the_fast_encoder_and_the_fallback_read_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.documents import common

    fast = common._qr_modules_zxing(SIGNED)
    assert fast is not None, "zxing-cpp is a dependency: the C++ encoder must be used"
    slow = common._qr_modules_reportlab(SIGNED)
    # Same symbol version (size) and one byte per module, dark = 0, light = 255.
    assert fast[0] == slow[0] == 45
    assert len(fast[1]) == len(slow[1]) == 45 * 45 and set(fast[1]) == set(slow[1]) == {0, 255}
    assert _qr_pdf_decodes(tmp_path / "fast.pdf", SIGNED, 203) == [SIGNED]
    # Without zxing-cpp (an older wheel, a failed import) ReportLab's encoder draws it.
    monkeypatch.setattr(common, "_zxing_create", None)
    assert common.qr_modules(SIGNED) == slow
    assert _qr_pdf_decodes(tmp_path / "slow.pdf", SIGNED, 203) == [SIGNED]


def test_qr_of_text_beyond_ascii_keeps_reportlabs_byte_mode() -> None:
    from desktop_app.documents import common

    # zxing-cpp would write Latin-1 where it can; the payload's UTF-8 bytes must not change.
    assert common._qr_modules_zxing("Sertifikat Ñ-1") is None
    size, modules = common.qr_modules("Sertifikat Ñ-1")
    assert len(modules) == size * size
    matrix = common.qr_matrix(SIGNED)
    assert len(matrix) == 45 and all(len(row) == 45 for row in matrix)


@pytest.mark.parametrize(
    "text", ["", "Siti Rahayu", "Jl. Mawar No. 12, RT 001/RW 002", "Ñoño — “x” …", "中文 😀", "\t"]
)
@pytest.mark.parametrize("font", ["Helvetica", "Helvetica-Bold"])
def test_text_width_is_reportlabs_string_width(text: str, font: str) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from desktop_app.documents.common import text_width

    for size in (7.6, 8, 11):
        assert text_width(text, font, size) == pytest.approx(stringWidth(text, font, size))


@given(
    text=st.text(alphabet=st.sampled_from("abcdefWKM ÑüŠ.,/-()\n\t"), max_size=90),
    width=st.sampled_from([0, 20.0, 48 * 72 / 25.4, 130.0]),
    font=st.sampled_from(["Helvetica", "Helvetica-Bold"]),
)
@settings(max_examples=300, deadline=None)
def test_split_lines_wraps_exactly_as_simple_split(text: str, width: float, font: str) -> None:
    from reportlab.lib.utils import simpleSplit

    from desktop_app.documents.common import split_lines

    assert split_lines(text, font, 7.6, width) == simpleSplit(text, font, 7.6, width)
