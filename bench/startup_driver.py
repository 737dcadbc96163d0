"""Start Berdaya's main window (or, with --baseline, an empty QMainWindow) and report timings.

Run by bench_startup.py in a fresh interpreter per sample. It follows what `berdaya --db X`
does (gui.app.run_app: QApplication, language, open the database, MainWindow, show) and prints
one JSON line when the window is usable: first painted, and the Registri tab's first page of
persons on screen. Times are seconds since the interpreter started (psutil's create_time would
be coarser); resident memory is taken at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def _since_start() -> float:
    return time.perf_counter() - T0


class Marks(dict):
    """Wall seconds since start per phase; CPU seconds of the whole process beside them."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}

    def __setitem__(self, key: str, value: float) -> None:
        super().__setitem__(key, value)
        self.cpu[key] = time.process_time()

    def setdefault(self, key: str, value: float) -> float:  # type: ignore[override]
        if key not in self:
            self[key] = value
        return self[key]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    marks = Marks()

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    marks["qt_imported"] = _since_start()
    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and "first_paint" not in marks:
                marks["first_paint"] = _since_start()
            return False

    painted = FirstPaint()
    if args.baseline:
        window = QMainWindow()
        window.setWindowTitle("baseline")
        window.installEventFilter(painted)
        window.resize(1366, 768)
        window.show()
        ready = lambda: "first_paint" in marks  # noqa: E731
    else:
        from desktop_app.gui.app import open_context, show_main_window
        from desktop_app.gui.main_window import MainWindow
        from desktop_app.i18n import set_language

        marks["app_imported"] = _since_start()
        set_language("id")
        # As the demo database opens: no login dialog (nobody types here). The cached city file
        # is plain and has no accounts; an encrypted office database adds the unlock
        # (bench_encryption (a), ~0.2 s wall) before this point.
        ctx = open_context(args.db, demo=True)
        if ctx is None:
            print(json.dumps({"error": "database could not be opened"}))
            return 2
        marks["database_opened"] = _since_start()
        window = MainWindow(ctx)
        marks["window_built"] = _since_start()
        window.installEventFilter(painted)
        show_main_window(window)
        # The first tab: the Beranda (its figures shown) or, in older builds, the Registri (its
        # first page of rows shown).
        first = window.tabs.widget(0)
        rows_shown: list[int] = []
        finished = getattr(first, "search_finished", None) or getattr(first, "loaded", None)
        if finished is not None:

            def on_rows(n: int = 0) -> None:
                rows_shown.append(n)
                marks.setdefault("registry_rows", _since_start())

            finished.connect(on_rows)
        ready = lambda: "first_paint" in marks and (finished is None or rows_shown)  # noqa: E731

    deadline = time.perf_counter() + args.timeout

    def poll() -> None:
        if ready() or time.perf_counter() > deadline:
            app.processEvents()  # paint the rows that just arrived before taking the time
            marks["usable"] = _since_start()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(1)
    app.exec()
    import psutil

    process = psutil.Process()
    cpu = process.cpu_times()
    result = {
        "marks": dict(marks),
        "cpu_marks": marks.cpu,
        "cpu_s": cpu.user + cpu.system,
        "rss_mb": process.memory_info().rss / 2**20,
        "timed_out": not ready(),
    }
    if not args.baseline:
        result["rows_shown"] = rows_shown[0] if rows_shown else None
    print(json.dumps(result), flush=True)
    # Leave at once: the measurement is taken; tearing down the window is not part of start-up.
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
