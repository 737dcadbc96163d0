"""The code to verify from a file: a text file with the scanned text, or a picture/PDF of a
printed receipt or certificate whose QR code is read back.

Reading QR codes from pictures needs zxing-cpp (and pypdfium2 for PDFs). The installed app does
not ship them (hand scanners type the QR text, which the dialog and the command take directly);
where they are installed (a developer's or an administrator's computer) pictures work too.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from desktop_app.domain.receipts import QR_PREFIX, parse_signed_code
from desktop_app.services.context import ServiceError
from desktop_app.services.signing import messages as M

__all__ = ["IMAGE_SUFFIXES", "read_code_file"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
_MAX_FILE_BYTES = 50 * 1024 * 1024  # a scan of a few pages; bigger is not a receipt
_MAX_TEXT_BYTES = 64 * 1024
_MAX_PDF_PAGES = 20


def read_code_file(path: Path) -> str:
    """The receipt/certificate code in `path`; refuses unreadable files and files without one."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ServiceError(M.FILE_UNREADABLE, name=path.name) from exc
    if size > _MAX_FILE_BYTES:
        raise ServiceError(M.FILE_UNREADABLE, name=path.name)
    suffix = path.suffix.lower()
    if suffix == ".pdf" or suffix in IMAGE_SUFFIXES:
        return _pick(_qr_texts(path, suffix == ".pdf"), path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX_TEXT_BYTES)
        content = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(M.FILE_UNREADABLE, name=path.name) from exc
    return _pick([line.strip() for line in content.splitlines() if line.strip()], path)


def _pick(texts: list[str], path: Path) -> str:
    """The first of `texts` that is one of our codes (a page may also carry a card barcode)."""
    for candidate in texts:
        if parse_signed_code(candidate) is not None:
            return candidate
    for candidate in texts:
        if candidate.upper().startswith(QR_PREFIX + "|"):
            return candidate
    raise ServiceError(M.FILE_NO_CODE, name=path.name)


def _optional(module: str, path: Path) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ServiceError(M.QR_READER_MISSING, name=path.name) from exc


def _qr_texts(path: Path, is_pdf: bool) -> list[str]:
    zxing = _optional("zxingcpp", path)
    images: list[Any] = []
    try:
        if is_pdf:
            pdfium = _optional("pypdfium2", path)
            pdf = pdfium.PdfDocument(str(path))
            try:
                for i in range(min(len(pdf), _MAX_PDF_PAGES)):
                    images.append(pdf[i].render(scale=300 / 72).to_pil())
            finally:
                pdf.close()
        else:
            from PIL import Image

            with Image.open(path) as image:
                image.load()
                images.append(image.copy())
    except ServiceError:
        raise
    except Exception as exc:  # a damaged picture or PDF: any decoder error means "unreadable"
        raise ServiceError(M.FILE_UNREADABLE, name=path.name) from exc
    texts: list[str] = []
    for image in images:
        texts += [b.text for b in zxing.read_barcodes(image) if b.text]
    return texts
