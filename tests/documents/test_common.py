from __future__ import annotations

from datetime import date
from pathlib import Path

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
