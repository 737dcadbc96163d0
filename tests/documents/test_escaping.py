"""One escaping path for every document: markup in the office profile or in a name prints as
text, never as formatting, and never makes ReportLab read a file.

Before, the profile (city, head name, title, NIP) went into Paragraphs unescaped: a `<b>` in the
head's name broke every signed document and `<img src=...>` made ReportLab open a local file.
"""

from __future__ import annotations

import ast
import builtins
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate

import desktop_app
from desktop_app.documents import common
from desktop_app.documents import training as td
from desktop_app.documents.common import (
    Markup,
    checked_image,
    escape_text,
    markup,
    para,
    styles,
)
from tests.documents.every_document import SIGNED, every_document, hostile_office

DOCUMENTS = Path(desktop_app.__file__).parent / "documents"


def texts(path: Path) -> str:
    """The PDF's text with whitespace collapsed (wrapped lines join)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path opened with open() while the test runs."""
    seen: list[str] = []
    real_open = builtins.open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        seen.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", spy)
    return seen


def secret_image(tmp_path: Path) -> Path:
    # A real, valid PNG: if markup could load it, ReportLab would.
    from PIL import Image

    secret = tmp_path / "secret.png"
    Image.new("RGB", (2, 2), "red").save(secret)
    return secret


def test_the_spy_sees_an_unescaped_img_read_the_file(tmp_path: Path, opened: list[str]) -> None:
    # The failure this file guards against, reproduced with a raw Paragraph.
    secret = secret_image(tmp_path)
    doc = SimpleDocTemplate(str(tmp_path / "raw.pdf"))
    doc.build([Paragraph(f'<img src="{secret}" width="5" height="5"/>', styles()["normal"])])
    assert str(secret) in opened


HOSTILE = '<b>Budi & "Sri"</b> <img src="secret.png"/> <font face="Courier">x</font> &nbsp;'
LITERALS = ['<b>Budi & "Sri"</b>', '<img src="secret.png"/>', '<font face="Courier">x</font>']


@pytest.mark.parametrize("name", sorted(every_document("x")))
def test_markup_in_profile_and_names_prints_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[str], name: str
) -> None:
    secret_image(tmp_path)
    opened.clear()  # writing the image above is not a read
    monkeypatch.chdir(tmp_path)  # where ReportLab would look for src="secret.png"
    path = tmp_path / f"{name}.pdf"
    every_document(HOSTILE)[name](path, hostile_office(HOSTILE))
    assert not [p for p in opened if "secret" in p], "a document read the img src"
    printed = texts(path)
    if name == "cards":  # a card cuts long lines with an ellipsis
        assert '<b>Budi & "Sri"</b> <img' in printed
        return
    for literal in LITERALS:
        assert literal in printed, (name, literal)
    if name in SIGNED:
        # The head's title and NIP under the signature line, exactly as typed.
        assert f"NIP. 1970 {HOSTILE}" in printed
        if name != "bast":  # a BAST carries the parties' own titles
            assert f"Kepala {HOSTILE}" in printed


def test_para_escapes_text_and_keeps_deliberate_markup() -> None:
    style = styles()["normal"]
    shown = para("<b>x</b> & y", style)
    assert shown.text == "&lt;b&gt;x&lt;/b&gt; &amp; y"  # printed as typed
    assert "".join(f.text for f in shown.frags) == "<b>x</b> & y"
    assert escape_text("a<b>&\x00\x07c") == "a&lt;b&gt;&amp;  c"
    bold = markup("<b>{name}</b>, {title}", name="<i>A</i>", title="B & C")
    assert isinstance(bold, Markup) and bold == "<b>&lt;i&gt;A&lt;/i&gt;</b>, B &amp; C"
    nested = markup("{head}<br/>{rest}", head=bold, rest="<br/>")
    assert nested == "<b>&lt;i&gt;A&lt;/i&gt;</b>, B &amp; C<br/>&lt;br/&gt;"
    # A plain str built from Markup is text again: the safe way to fail.
    assert para(str(bold) + "!", style).text.startswith("&lt;b&gt;")
    assert para(bold, style).text == bold


def test_only_para_makes_paragraphs() -> None:
    """No module of documents/ calls Paragraph(...) except `para` in common.py."""
    offenders = []
    for path in sorted(DOCUMENTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed: set[int] = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name == "para"
                and path.name == "common.py"
            ):
                allowed |= {n.lineno for n in ast.walk(node) if hasattr(n, "lineno")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = getattr(func, "id", None) or getattr(func, "attr", None)
                if called == "Paragraph" and node.lineno not in allowed:
                    offenders.append(f"{path.relative_to(DOCUMENTS)}:{node.lineno}")
        # Nothing escapes on its own either: one path.
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "xml.sax.saxutils"
                and path.name != "common.py"
            ):
                offenders.append(f"{path.relative_to(DOCUMENTS)}:{node.lineno} escape")
    assert not offenders, offenders


def test_emblem_only_from_a_real_small_image(tmp_path: Path) -> None:
    png = secret_image(tmp_path)
    assert checked_image(png) == png
    jpeg = tmp_path / "logo.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    assert checked_image(jpeg) == jpeg
    text = tmp_path / "passwd.png"
    text.write_text("root:x:0:0")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * common.MAX_IMAGE_BYTES)
    for bad in [text, big, tmp_path, tmp_path / "missing.png", None, "", "\x00"]:
        assert checked_image(bad) is None, bad
    assert common.Letterhead.from_office(hostile_office("x"), emblem=text).emblem is None
    assert common.Letterhead.from_office(hostile_office("x"), emblem=png).emblem == png


def test_a_damaged_emblem_prints_the_placeholder(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    info = td.TrainingInfo("Judul", "Kategori", "Dinsos", ("A",), "Aula", date(2026, 12, 1),
                           date(2026, 12, 2), 80)  # fmt: skip
    cert = td.CertificateData("0001/SERT", "Nama", None, None, info, 100, date(2026, 12, 6))
    path = tmp_path / "cert.pdf"
    assert td.certificates_pdf(path, hostile_office("Blitar"), [cert], emblem=broken) == 1
    assert "SERTIFIKAT" in texts(path)
    # A good emblem is drawn.
    assert td.certificates_pdf(
        path, hostile_office("Blitar"), [cert], emblem=secret_image(tmp_path)
    )
    assert PdfReader(path).pages[0].images
