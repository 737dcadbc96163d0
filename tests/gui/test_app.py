"""Starting the app: bad database files get an Indonesian dialog and are never changed."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.gui import app as gui_app
from desktop_app.gui import workers
from desktop_app.services.context import open_app


@pytest.fixture(autouse=True)
def keep_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    # run_app installs the GUI exception hook; give pytest its own back afterwards.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


@pytest.fixture(autouse=True)
def no_first_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """These databases have no account; instead of the first administrator's dialog (tested in
    test_auth.py) they open as a database without accounts."""
    from desktop_app.gui.auth import start

    monkeypatch.setattr(
        start, "ask_first_start", lambda path, parent=None: open_app(path, verify="structure")
    )


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts of the 'cannot open' boxes; the user answers 'Keluar'."""
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: None)
    return shown


def newer_database(path: Path) -> Path:
    open_app(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    return path


def corrupt_database(path: Path) -> Path:
    path.write_bytes(b"SQLite format 3\x00" + b"\x13\x37" * 4000)
    return path


def foreign_database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE catatan (isi TEXT)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (newer_database, "versi Berdaya yang lebih baru"),
        (corrupt_database, "rusak"),
        (foreign_database, "bukan basis data Berdaya"),
    ],
)
def test_bad_database_gets_an_indonesian_dialog(qapp, tmp_path, dialogs, make, expected):
    path = make(tmp_path / "data.sqlite")
    before = path.read_bytes()
    assert gui_app.run_app(path, lang="id") == 2
    assert len(dialogs) == 1
    assert expected in dialogs[0]
    assert "Traceback" not in dialogs[0]
    assert path.read_bytes() == before


def test_open_another_file_after_a_refusal(qapp, tmp_path, monkeypatch):
    bad = corrupt_database(tmp_path / "rusak.sqlite")
    good = tmp_path / "baik.sqlite"
    texts: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        texts.append(box.text())
        return 0

    # The user clicks "Buka berkas lain…" (the default button) and picks a good file.
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: box.defaultButton())
    monkeypatch.setattr(gui_app, "choose_database", lambda parent, start: good)
    ctx = gui_app.open_context(bad)
    assert ctx is not None
    try:
        assert ctx.db.path == good
    finally:
        ctx.close()
    assert len(texts) == 1


def test_language_choice_is_remembered(qapp):
    gui_app.save_language("en")
    assert gui_app.saved_language() == "en"
    gui_app.save_language("id")
    assert gui_app.saved_language() == "id"


def test_uncaught_exception_is_logged_and_shown_briefly(qapp, tmp_path, monkeypatch):
    from desktop_app.gui import errors

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text))
    )
    log_file = errors.setup_logging(tmp_path)
    try:
        raise KeyError("kolom_tidak_ada")
    except KeyError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    assert "kesalahan yang tidak terduga" in shown[0]
    assert "KeyError" not in shown[0]
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    assert "kolom_tidak_ada" in log_file.read_text(encoding="utf-8")


def test_damage_found_after_start_is_reported(qapp, qtbot, tmp_path, message_boxes):
    """Start-up skips the slow full page check; the background check still warns the clerk."""
    path = tmp_path / "kantor.sqlite"
    ctx = open_app(path)
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x)")
        conn.exec_driver_sql(
            "INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
            "WHERE i < 3000) SELECT randomblob(300) FROM n"
        )
    ctx.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page_size // 2) * page_size
    data[middle : middle + 3 * page_size] = b"\xa5" * (3 * page_size)
    path.write_bytes(bytes(data))

    ctx = gui_app.open_context(path)
    assert ctx is not None  # the cheap checks let the window open quickly
    session = gui_app._Session(qapp)
    session.show(ctx)
    qtbot.waitUntil(lambda: any("rusak" in text for text in message_boxes.texts()), timeout=10000)
    session.window.close()
    ctx.close()


def test_healthy_database_gets_no_warning_after_start(qapp, qtbot, tmp_path, message_boxes):
    path = tmp_path / "kantor.sqlite"
    open_app(path).close()
    ctx = gui_app.open_context(path)
    session = gui_app._Session(qapp)
    session.show(ctx)
    assert workers.wait_for_jobs(10000)
    qapp.processEvents()
    assert not any("rusak" in text for text in message_boxes.texts())
    session.window.close()
    ctx.close()
