"""Run slow work off the GUI thread, with progress, cancel and Indonesian error messages.

Usage from any tab::

    def work(job: JobControl) -> int:
        rows = load_rows()
        for i, row in enumerate(rows):
            if job.is_cancelled():
                return i
            service.do(row)  # services open their own session per call
            job.progress(i + 1, len(rows), tr("Memproses {name}", name=row.name))
        return len(rows)

    run_job(work, parent=self, title=tr("Impor data"), on_success=self._imported, write=True)

The function runs in a QThreadPool thread; its result (or exception) arrives on the GUI thread
through the returned Job's signals and the on_success/on_error callbacks. Services open one
database session per call, so nothing database-related crosses threads. Jobs that write
(`write=True`) go through a pool of one thread, so writes never race each other.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from desktop_app.gui.errors import show_error
from desktop_app.i18n import tr

log = logging.getLogger(__name__)

__all__ = [
    "Job",
    "JobCancelled",
    "JobControl",
    "active_jobs",
    "cancel_jobs",
    "run_job",
    "wait_for_jobs",
]

# Progress signals are throttled: a loop over 160,000 rows must not flood the event queue.
_PROGRESS_INTERVAL_S = 0.05


class JobCancelled(Exception):
    """Raise from a job (or call JobControl.check_cancelled) to stop after a Cancel click."""


class JobControl:
    """What a job function receives: report progress, ask whether the user pressed Cancel."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._cancel = threading.Event()
        self._last_emit = 0.0

    def progress(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last_emit < _PROGRESS_INTERVAL_S:
            return
        self._last_emit = now
        try:
            self._job._progress.emit(int(done), int(total), text)
        except RuntimeError:  # the window closed under a running job: stop quietly
            self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()

    def cancel(self) -> None:
        self._cancel.set()

    def reporter(self, text: str) -> Callable[[int, int], None]:
        """A `progress` callback for a document writer: it stops at Cancel and shows `text`,
        formatted with {done} and {total}."""

        def report(done: int, total: int) -> None:
            self.check_cancelled()
            self.progress(done, total, text.format(done=done, total=total))

        return report


class Job(QObject):
    """A running job; lives on the GUI thread, so its public signals arrive there."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three outcomes

    # Emitted from the worker thread; queued to the slots below on the GUI thread. The result
    # itself travels as a plain attribute, not through Qt: the queued signal only says "ready",
    # so no binding has to convert (or reference-count) a 160,000-element list across threads.
    _progress = Signal(int, int, str)
    _done = Signal()
    _error = Signal()

    def __init__(self, name: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.control = JobControl(self)
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False
        self._outcome: Any = None  # set by the worker thread just before _done/_error
        self._progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._error.connect(self._on_error, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self.control.cancel()

    def is_cancelled(self) -> bool:
        return self.control.is_cancelled()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progressed.emit(done, total, text)

    @Slot()
    def _on_done(self) -> None:
        result = self._outcome
        self.result = result
        self._finish()
        if self.control.is_cancelled():
            self.cancelled.emit()
        else:
            self.succeeded.emit(result)
        self.finished.emit()

    @Slot()
    def _on_error(self) -> None:
        exc = self._outcome
        self._finish()
        if isinstance(exc, JobCancelled):
            self.cancelled.emit()
        else:
            assert isinstance(exc, BaseException)
            self.error = exc
            self.failed.emit(exc)
        self.finished.emit()

    def _finish(self) -> None:
        self.done = True
        self._outcome = None
        _active.discard(self)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobControl], Any], job: Job) -> None:
        super().__init__()
        self.fn = fn
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self.fn(self.job.control)
            except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread
                self.job._outcome = exc
                self.job._error.emit()
            else:
                self.job._outcome = result
                self.job._done.emit()
        except RuntimeError:
            # The Job was destroyed (application shutting down): nobody is left to tell.
            log.debug("job %s finished after its receiver was destroyed", self.job.name)


_active: set[Job] = set()
_write_pool: QThreadPool | None = None


def _pool(write: bool) -> QThreadPool:
    global _write_pool
    if not write:
        return QThreadPool.globalInstance()
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


def active_jobs() -> list[Job]:
    return list(_active)


def cancel_jobs() -> None:
    for job in list(_active):
        job.cancel()


def wait_for_jobs(timeout_ms: int = 30000) -> bool:
    """Block until every pool is idle (for shutdown); results still arrive via the event loop."""
    ok = QThreadPool.globalInstance().waitForDone(timeout_ms)
    if _write_pool is not None:
        ok = _write_pool.waitForDone(timeout_ms) and ok
    return ok


def run_job(
    fn: Callable[[JobControl], Any],
    *,
    parent: QWidget | None = None,
    title: str | None = None,
    label: str = "",
    on_success: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    write: bool = False,
    cancellable: bool = True,
    min_duration_ms: int = 400,
) -> Job:
    """Start `fn(control)` in a worker thread and return the Job.

    With a `title`, a modal QProgressDialog (shown only if the job takes longer than
    `min_duration_ms`) displays progress and offers Cancel. Without `on_error`, failures are
    shown to the user in an Indonesian message box (unexpected ones are also logged).
    """
    job = Job(title or label)
    _active.add(job)
    if title is not None:
        # Connected first so the dialog is gone before a callback opens its own message box.
        dialog = _progress_dialog(job, parent, title, label, cancellable, min_duration_ms)
        job.finished.connect(dialog.deleteLater)
    if on_success is not None:
        job.succeeded.connect(_guarded(parent, on_success))
    if on_cancel is not None:
        job.cancelled.connect(_guarded(parent, on_cancel))
    if on_error is None:

        def on_error(exc: BaseException) -> None:
            show_error(parent, exc, title=title)

    job.failed.connect(_guarded(parent, on_error))
    _pool(write).start(_Runnable(fn, job))
    return job


def _guarded(parent: QWidget | None, callback: Callable[..., None]) -> Callable[..., None]:
    """Skip the callback when its widget was closed meanwhile (e.g. the window was rebuilt)."""
    if parent is None:
        return callback

    def call(*args: Any) -> None:
        if shiboken6.isValid(parent):
            callback(*args)

    return call


def _progress_dialog(
    job: Job,
    parent: QWidget | None,
    title: str,
    label: str,
    cancellable: bool,
    min_duration_ms: int,
) -> QProgressDialog:
    dialog = QProgressDialog(
        label or tr("Sedang memproses…"),
        tr("Batal") if cancellable else "",
        0,
        0,  # busy indicator until the first progress report gives a total
        parent,
    )
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(min_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    if not cancellable:
        dialog.setCancelButton(None)

    def on_progress(done: int, total: int, text: str) -> None:
        if job.done:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)
        if text:
            dialog.setLabelText(text)

    def on_cancel_clicked() -> None:
        job.cancel()
        if job.done:
            return
        # QProgressDialog hides itself on Cancel; keep it up (modal) until the job stops.
        dialog.setLabelText(tr("Membatalkan… menunggu langkah yang sedang berjalan selesai."))
        button = dialog.findChild(QPushButton)
        if button is not None:
            button.setEnabled(False)
        dialog.show()

    def close_dialog(*_args: object) -> None:
        dialog.canceled.disconnect(on_cancel_clicked)
        dialog.hide()

    job.progressed.connect(on_progress)
    dialog.canceled.connect(on_cancel_clicked)
    job.succeeded.connect(close_dialog)
    job.failed.connect(close_dialog)
    job.cancelled.connect(close_dialog)
    return dialog
