"""Guards against Qt-binding releases that corrupt Python reference counts.

PySide6 6.12.0 decrements the reference count of True on every Signal.emit() and of None when a
queued signal carries a large object; on Python 3.11 the process aborts ("bool_dealloc",
"none_dealloc") after some thousands of signals, i.e. minutes into a clerk's session. These
tests fail fast on such a release instead.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt, Signal

from desktop_app.gui.workers import JobControl, run_job


class _Emitter(QObject):
    bare = Signal()
    carrying = Signal(object)


def test_emit_keeps_reference_counts():
    emitter = _Emitter()
    received: list[int] = []
    emitter.carrying.connect(lambda value: received.append(len(value)))
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.bare.emit()
        emitter.carrying.emit([None] * 10)
    # Other code may take a few references meanwhile; the bug loses one per emit.
    assert sys.getrefcount(True) - true_before > -20
    assert sys.getrefcount(None) - none_before > -20
    assert received == [10] * 200


def test_large_results_from_workers_keep_reference_counts(qtbot):
    none_before = sys.getrefcount(None)
    jobs = [run_job(lambda job: list(range(100_000))) for _ in range(5)]
    jobs += [run_job(lambda job: None) for _ in range(5)]
    qtbot.waitUntil(lambda: all(j.done for j in jobs), timeout=10000)
    assert [len(j.result) for j in jobs[:5]] == [100_000] * 5
    assert sys.getrefcount(None) - none_before > -200


def test_queued_connection_constant_is_available():
    # Used by workers.py; keeps the import above meaningful for readers.
    assert Qt.ConnectionType.QueuedConnection is not None
    assert JobControl is not None
