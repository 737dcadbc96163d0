"""Printing from the Layanan tab: the document is written in a worker (never on the GUI
thread), kept in the documents folder, then shown in the print preview
(desktop_app.gui.printing), whose toolbar also saves a copy elsewhere. The xlsx recap is only
written and its place reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.gui import printing as paper
from desktop_app.gui.workers import Job, JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.casework import CaseworkService

__all__ = [
    "CaseworkPrintOptions",
    "print_device_receipt",
    "print_hearing_summary",
    "print_recap",
    "print_visit_card",
]


class CaseworkPrintOptions:
    """Tests choose the folder and switch off the preview and the message box."""

    folder: Path | None = None
    open_after: bool = True


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "dokumen"


def document_path(name: str) -> Path:
    folder = CaseworkPrintOptions.folder or (
        Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        / "Berdaya dokumen"
    )
    return folder / name


def _run(
    parent: QWidget,
    title: str,
    name: str,
    build: Callable[[Path], object],
    on_done: Callable[[Path], None] | None,
    *,
    preview: bool = True,
    write: bool = False,
) -> Job:
    path = document_path(name)

    def work(_job: JobControl) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        build(path)
        return path

    def finished(result: Path) -> None:
        if on_done is not None:
            on_done(result)
        if not CaseworkPrintOptions.open_after:
            return
        if preview:
            paper.preview_and_print(parent, result, title)
        else:
            QMessageBox.information(parent, title, tr("Tersimpan di {path}", path=str(result)))

    return run_job(
        work,
        parent=parent,
        title=title,
        label=tr("Menyiapkan dokumen…"),
        on_success=finished,
        cancellable=False,
        write=write,
    )


def print_visit_card(
    parent: QWidget,
    svc: CaseworkService,
    case_id: str,
    year: int,
    month: int,
    on_done: Callable[[Path], None] | None = None,
) -> Job:
    """The Si Hore visit card of one client for one month, for the family to sign."""
    return _run(
        parent,
        tr("Kartu kunjungan"),
        f"kartu-kunjungan-{case_id[:8]}-{year}-{month:02d}.pdf",
        lambda path: svc.visit_card_pdf(case_id, year, month, path),
        on_done,
    )


def print_device_receipt(
    parent: QWidget,
    svc: CaseworkService,
    device_id: str,
    number: str,
    on_done: Callable[[Path], None] | None = None,
) -> Job:
    """The signed handover receipt of an assistive device."""
    return _run(
        parent,
        tr("Tanda terima alat bantu"),
        f"tanda-terima-{_slug(number)}.pdf",
        lambda path: svc.device_receipt_pdf(device_id, path),
        on_done,
    )


def print_hearing_summary(
    parent: QWidget,
    svc: CaseworkService,
    case_id: str,
    on_done: Callable[[Path], None] | None = None,
) -> Job:
    """A child's case summary for a hearing, identity masked (initials only)."""
    return _run(
        parent,
        tr("Ringkasan kasus untuk sidang"),
        f"ringkasan-sidang-{case_id[:8]}.pdf",
        lambda path: svc.hearing_summary_pdf(case_id, path),
        on_done,
    )


def print_recap(
    parent: QWidget,
    svc: CaseworkService,
    month: date,
    xlsx: bool = False,
    on_done: Callable[[Path], None] | None = None,
) -> Job:
    """The monthly Si Hore visit recap per client and per carer, as PDF or xlsx."""
    suffix = "xlsx" if xlsx else "pdf"
    name = f"rekap-si-hore-{month.year}-{month.month:02d}.{suffix}"
    recap = svc.recap_xlsx if xlsx else svc.recap_pdf
    return _run(
        parent,
        tr("Rekap kunjungan Si Hore"),
        name,
        lambda path: recap(month.year, month.month, path),
        on_done,
        preview=not xlsx,  # a spreadsheet has no print preview
    )
