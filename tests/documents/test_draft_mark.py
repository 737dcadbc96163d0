"""Until the office profile is complete every document carries a visible "DRAF" mark; a complete
profile prints none. Checked through the text layer (pdftotext) on every page of every document,
and once by rendering a page (pdftoppm) to see that the mark is ink, not only text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.documents.common import Letterhead
from desktop_app.domain.office import OfficeProfile
from tests.documents.every_document import every_document

COMPLETE = OfficeProfile(
    address="Jl. Contoh Raya No. 1, Kota Blitar",
    phone="(0342) 000000",
    head_name="Nama Kepala Contoh, S.Sos.",
    head_nip="197001012000031001",
)
DOCUMENTS = every_document("Contoh")


def _pages(path: Path) -> list[str]:
    """The text of each page as a person's tools read it: pdftotext (poppler) when installed,
    which also reports damaged drawing state on stderr, else pypdf."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        )
        assert "Error" not in done.stderr, done.stderr
        return done.stdout.split("\f")[: len(PdfReader(path).pages)]
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def test_letterhead_knows_whether_the_profile_is_complete() -> None:
    assert Letterhead.from_office(OfficeProfile()).draft
    assert not Letterhead.from_office(COMPLETE).draft


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_page_of_a_draft_says_draf(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.pdf"
    DOCUMENTS[name](path, OfficeProfile())  # a fresh install: placeholder address, no head
    pages = _pages(path)
    assert pages and all("DRAF" in text for text in pages), name


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_complete_profile_prints_no_mark(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.pdf"
    DOCUMENTS[name](path, COMPLETE)
    assert not any("DRAF" in text for text in _pages(path)), name


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_the_mark_is_visible_ink(tmp_path: Path) -> None:
    """The rendered draft page has light-grey pixels where the complete one is white."""
    from PIL import Image

    grey = {}
    for label, office in (("draft", OfficeProfile()), ("final", COMPLETE)):
        pdf = tmp_path / f"{label}.pdf"
        DOCUMENTS["bast"](pdf, office)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / label)],
            check=True,
        )
        png = next(tmp_path.glob(f"{label}*.png"))
        pixels = Image.open(png).convert("L").tobytes()
        grey[label] = sum(1 for v in pixels if 150 <= v <= 235)
    assert grey["draft"] > grey["final"] + 500
