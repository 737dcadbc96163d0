"""Background jobs: results on the GUI thread, progress, cancel, Indonesian errors."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from desktop_app.gui.workers import JobCancelled, JobControl, run_job
from desktop_app.services.context import ServiceError


def test_result_arrives_on_the_gui_thread(qtbot):
    seen: list[tuple[int, bool]] = []
    worker_threads: list[int] = []

    def work(job: JobControl) -> int:
        worker_threads.append(threading.get_ident())
        return 42

    job = run_job(
        work,
        on_success=lambda value: seen.append(
            (value, QThread.currentThread() is QApplication.instance().thread())
        ),
    )
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert seen == [(42, True)]
    assert worker_threads and worker_threads[0] != threading.get_ident()
    assert job.result == 42


def test_progress_is_reported(qtbot):
    reports: list[tuple[int, int, str]] = []

    def work(job: JobControl) -> str:
        for i in range(1, 4):
            job.progress(i, 3, f"langkah {i}")
        return "selesai"

    job = run_job(work)
    job.progressed.connect(lambda d, t, text: reports.append((d, t, text)))
    with qtbot.waitSignal(job.succeeded, timeout=5000):
        pass
    # Intermediate reports may be throttled; the last one always arrives.
    assert reports[-1] == (3, 3, "langkah 3")


def test_cancel_stops_the_job(qtbot):
    started = threading.Event()
    cancelled: list[bool] = []

    def work(job: JobControl) -> None:
        started.set()
        while True:
            job.check_cancelled()
            threading.Event().wait(0.005)

    job = run_job(work, on_cancel=lambda: cancelled.append(True))
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        job.cancel()
    assert cancelled == [True]
    assert job.error is None


def test_progress_dialog_cancel_button_cancels(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()

    def work(job: JobControl) -> int:
        started.set()
        n = 0
        while not job.is_cancelled():
            n += 1
            job.progress(n % 100, 100, "memproses")
            threading.Event().wait(0.005)
        return n

    job = run_job(work, parent=parent, title="Uji", min_duration_ms=0)
    qtbot.waitUntil(started.is_set, timeout=5000)
    dialog = parent.findChild(QProgressDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        dialog.findChild(QPushButton).click()
    qtbot.waitUntil(lambda: not dialog.isVisible() if _alive(dialog) else True, timeout=5000)


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_service_error_is_shown_in_indonesian(qtbot, message_boxes):
    def work(job: JobControl) -> None:
        raise ServiceError("Sudah terdaftar aktif di program Rastrada.")

    job = run_job(work, title="Daftarkan")
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    assert message_boxes.shown == [
        ("warning", "Daftarkan", "Sudah terdaftar aktif di program Rastrada.")
    ]


def test_unexpected_error_is_logged_not_dumped(qtbot, message_boxes, caplog):
    def work(job: JobControl) -> None:
        raise ZeroDivisionError("boom")

    job = run_job(work)
    with qtbot.waitSignal(job.failed, timeout=5000):
        pass
    (kind, _title, text) = message_boxes.shown[0]
    assert "kesalahan yang tidak terduga" in text
    assert "ZeroDivisionError" not in text
    assert any("boom" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_custom_error_handler_replaces_the_dialog(qtbot, message_boxes):
    errors: list[BaseException] = []

    def work(job: JobControl) -> None:
        raise ServiceError("tidak boleh")

    job = run_job(work, on_error=errors.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert [str(e) for e in errors] == ["tidak boleh"]
    assert message_boxes.shown == []


def test_write_jobs_run_one_at_a_time(qtbot):
    running = 0
    most = 0
    lock = threading.Lock()

    def work(job: JobControl) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.02)
        with lock:
            running -= 1

    jobs = [run_job(work, write=True) for _ in range(4)]
    qtbot.waitUntil(lambda: all(j.done for j in jobs), timeout=5000)
    assert most == 1


def test_job_cancelled_exception_counts_as_cancel(qtbot):
    def work(job: JobControl) -> None:
        raise JobCancelled()

    job = run_job(work)
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        pass
