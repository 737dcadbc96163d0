import sys
import types
from pathlib import Path

import pytest


@pytest.fixture
def isolated(launcher, tmp_path, monkeypatch):
    """Point the launcher's log folder at tmp_path and fail the test if a dialog would open."""
    monkeypatch.setattr(launcher, "_log_dir", lambda: tmp_path)

    def no_dialog(title, text):
        raise AssertionError(f"dialog shown: {text}")

    monkeypatch.setattr(launcher, "_show_dialog", no_dialog)
    return tmp_path


def fake_cli(monkeypatch, main):
    module = types.ModuleType("desktop_app.cli")
    module.main = main
    monkeypatch.setitem(sys.modules, "desktop_app.cli", module)


def test_missing_resource_is_named_in_log_and_message(launcher, isolated, monkeypatch, capsys):
    missing = isolated / "resources" / "kop_surat.png"

    def broken_main():
        raise FileNotFoundError(2, "No such file or directory", str(missing))

    fake_cli(monkeypatch, broken_main)
    monkeypatch.setattr(sys, "argv", ["Berdaya", "--self-test", "out.json"])
    assert launcher.main() == 1
    log = (isolated / launcher.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert str(missing) in log
    message = capsys.readouterr().err
    assert "berkas sumber daya tidak ditemukan" in message
    assert str(missing) in message


def test_resource_error_wrapping_the_cause_is_recognised(launcher):
    class ResourceMissingError(Exception):
        def __init__(self, path):
            super().__init__(f"missing {path}")
            self.path = path

    assert launcher._missing_resource(ResourceMissingError("i18n/en.json")) == "i18n/en.json"
    try:
        try:
            Path("/nonexistent/berdaya/icon.png").read_bytes()
        except OSError as exc:
            raise RuntimeError("startup failed") from exc
    except RuntimeError as wrapped:
        assert launcher._missing_resource(wrapped) == "/nonexistent/berdaya/icon.png"
    from_resource_path = FileNotFoundError("resource 'i18n/en.json' not found (searched: x)")
    assert "i18n/en.json" in launcher._missing_resource(from_resource_path)
    assert launcher._missing_resource(ValueError("bad")) is None


def test_dialog_is_shown_when_someone_can_see_it(launcher, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(launcher, "_log_dir", lambda: tmp_path)
    monkeypatch.setattr(launcher, "_show_dialog", lambda title, text: shown.append(text))
    monkeypatch.setattr(launcher, "_dialogs_allowed", lambda argv: True)
    launcher.report_fatal(FileNotFoundError(2, "gone", "resources/icons/berdaya.png"), ["Berdaya"])
    assert len(shown) == 1
    assert "resources/icons/berdaya.png" in shown[0]
    assert str(tmp_path / launcher.LOG_FILE_NAME) in shown[0]


@pytest.mark.parametrize(
    ("argv", "env", "allowed"),
    [
        (["Berdaya", "--self-test"], {"DISPLAY": ":0"}, False),
        (["Berdaya"], {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
        (["Berdaya"], {"DISPLAY": ":0", "BERDAYA_NO_DIALOGS": "1"}, False),
        (["Berdaya"], {"DISPLAY": ":0"}, True),
    ],
)
def test_dialog_only_where_someone_can_close_it(launcher, monkeypatch, argv, env, allowed):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "BERDAYA_NO_DIALOGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert launcher._dialogs_allowed(argv) is allowed


def test_exit_code_of_the_cli_is_passed_through(launcher, isolated, monkeypatch):
    fake_cli(monkeypatch, lambda: 3)
    assert launcher.main() == 3


def test_bundle_without_resources_is_reported_by_path(launcher, isolated, monkeypatch, capsys):
    monkeypatch.setattr(sys, "_MEIPASS", str(isolated / "bundle"), raising=False)
    monkeypatch.setattr(sys, "argv", ["Berdaya", "--self-test"])
    fake_cli(monkeypatch, lambda: 0)
    assert launcher.main() == 1
    assert str(isolated / "bundle" / "resources") in capsys.readouterr().err


def test_windowed_build_streams_go_to_the_log(launcher, isolated, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    launcher._ensure_streams()
    try:
        print("library chatter")
        sys.stdout.flush()
        assert "library chatter" in (isolated / launcher.LOG_FILE_NAME).read_text("utf-8")
    finally:
        sys.stdout.close()
