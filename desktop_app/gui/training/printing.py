"""Printing from the Pelatihan tab: build the PDF in a worker with progress, keep it in the
documents folder, then show the print preview (desktop_app.gui.printing), whose toolbar also saves
the PDF elsewhere.

Certificates issue numbers first (a write), so that job runs on the single write worker.
Cancelling stops between pages; the PDF writer only moves a finished file into place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QWidget

from desktop_app.documents.training import (
    attendance_recap_pdf,
    attendance_sheet_pdf,
    certificates_pdf,
)
from desktop_app.gui import printing as paper
from desktop_app.gui.workers import Job, JobControl, run_job
from desktop_app.i18n import tr
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.training import TrainingRow, TrainingService, messages

__all__ = [
    "PrintOptions",
    "print_attendance_recap",
    "print_attendance_sheets",
    "print_certificates",
]

_FOLDER_KEY = "training/print_folder"


class PrintOptions:
    """Tests choose where the PDFs go and switch off the print preview."""

    ask_path: Callable[[QWidget, str, str], Path | None] | None = None
    open_after: bool = True  # show the print preview


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "pelatihan"


def _choose_path(parent: QWidget, title: str, name: str) -> Path | None:
    """Where the PDF is kept: the documents folder, no question asked (the preview's
    "Simpan PDF…" saves a copy elsewhere)."""
    if PrintOptions.ask_path is not None:
        return PrintOptions.ask_path(parent, title, name)
    folder = str(QSettings("Berdaya", "Berdaya").value(_FOLDER_KEY, "")) or (
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    return Path(folder) / "Berdaya dokumen" / name


def _finished(
    parent: QWidget, path: Path, title: str, on_done: Callable[[Path], None] | None
) -> None:
    if on_done is not None:
        on_done(path)
    if PrintOptions.open_after:
        paper.preview_and_print(parent, path, title)


def _print_job(
    parent: QWidget,
    title: str,
    name: str,
    label: str,
    build: Callable[[JobControl, Path], None],
    on_done: Callable[[Path], None] | None,
    *,
    write: bool = False,
) -> Job | None:
    """Run `build(job, path)` in a worker, then show the print preview of the PDF."""
    path = _choose_path(parent, title, name)
    if path is None:
        return None

    def work(job: JobControl) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        build(job, path)
        return path

    return run_job(
        work,
        parent=parent,
        title=title,
        label=label,
        on_success=lambda p: _finished(parent, p, title, on_done),
        write=write,
    )


def print_attendance_sheets(
    parent: QWidget,
    ctx: AppContext,
    training: TrainingRow,
    session_id: str | None = None,
    session_number: int | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> Job | None:
    suffix = f"-sesi-{session_number}" if session_number else ""
    label = tr("Menyusun daftar hadir sesi {done} dari {total}…")

    def build(job: JobControl, path: Path) -> None:
        data = TrainingService(ctx).attendance_sheet_data(training.id, session_id)
        if not data.participants:
            raise ServiceError(messages.NO_ACTIVE_PARTICIPANTS_TO_PRINT)
        attendance_sheet_pdf(path, ctx.office, data, progress=job.reporter(label))

    return _print_job(
        parent,
        tr("Cetak daftar hadir"),
        f"daftar-hadir-{slug(training.title)}{suffix}.pdf",
        tr("Menyusun daftar hadir…"),
        build,
        on_done,
    )


def print_attendance_recap(
    parent: QWidget,
    ctx: AppContext,
    training: TrainingRow,
    on_done: Callable[[Path], None] | None = None,
) -> Job | None:
    def build(job: JobControl, path: Path) -> None:
        data = TrainingService(ctx).recap_data(training.id)
        if not data.rows:
            raise ServiceError(messages.NO_PARTICIPANTS_TO_PRINT)
        job.progress(0, 1, tr("Menyusun rekap kehadiran…"))
        attendance_recap_pdf(path, ctx.office, data)

    return _print_job(
        parent,
        tr("Cetak rekap kehadiran"),
        f"rekap-kehadiran-{slug(training.title)}.pdf",
        tr("Menyusun rekap kehadiran…"),
        build,
        on_done,
    )


def print_certificates(
    parent: QWidget,
    ctx: AppContext,
    training: TrainingRow,
    on_done: Callable[[Path], None] | None = None,
) -> Job | None:
    label = tr("Mencetak sertifikat {done} dari {total}…")

    def build(job: JobControl, path: Path) -> None:
        service = TrainingService(ctx)
        service.issue_certificates(training.id)
        data = service.certificate_data(training.id)
        if not data:
            raise ServiceError(messages.NO_CERTIFICATES_TO_PRINT)
        certificates_pdf(path, ctx.office, data, progress=job.reporter(label))

    return _print_job(
        parent,
        tr("Cetak sertifikat"),
        f"sertifikat-{slug(training.title)}.pdf",
        tr("Menerbitkan nomor sertifikat…"),
        build,
        on_done,
        write=True,
    )
