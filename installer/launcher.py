"""Entry script of the frozen Berdaya.exe (PyInstaller runs this as __main__).

It adds what only a frozen, windowed build needs around desktop_app.cli.main:
- a windowed Windows build has no console, so sys.stdout/sys.stderr are None and any library that
  prints would crash; they are pointed at a log file instead;
- the installer must know whether Berdaya is running, so the process holds a named mutex;
- an error that escapes main() (a missing bundled resource, a broken install) is logged to the user
  log folder and shown in a dialog naming the missing file, instead of the process vanishing.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import traceback
from pathlib import Path

APP_NAME = "Berdaya"
# Same folder the app and the self-test log to (platformdirs, appauthor = appname).
LOG_FILE_NAME = "berdaya-startup.log"


def _log_dir() -> Path:
    try:
        import platformdirs

        return Path(platformdirs.user_log_dir(APP_NAME, APP_NAME))
    except Exception:  # the launcher must never fail while reporting a failure
        return Path.home() / f".{APP_NAME.lower()}-logs"


def _log_path() -> Path:
    folder = _log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / LOG_FILE_NAME


def _ensure_streams() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    try:
        stream = open(_log_path(), "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


def _dialogs_allowed(argv: list[str]) -> bool:
    # A dialog under CI or the self-test would block forever with nobody to click it.
    if "--self-test" in argv or os.environ.get("BERDAYA_NO_DIALOGS"):
        return False
    if os.environ.get("QT_QPA_PLATFORM", "") in {"offscreen", "minimal"}:
        return False
    if sys.platform == "win32":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _missing_resource(exc: BaseException) -> str | None:
    """The path a FileNotFoundError (or the app's own resource error) complains about."""
    for error in (exc, exc.__cause__, exc.__context__):
        if isinstance(error, FileNotFoundError):
            # desktop_app.i18n.resource_path names the resource in its message, not .filename.
            return str(error.filename or error)
        path = getattr(error, "resource", None) or getattr(error, "path", None)
        if error is not None and path and "resource" in type(error).__name__.lower():
            return str(path)
    return None


def _show_dialog(title: str, text: str) -> None:
    if sys.platform == "win32":
        import ctypes

        MB_ICONERROR = 0x10
        ctypes.windll.user32.MessageBoxW(None, text, title, MB_ICONERROR)
        return
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        QMessageBox.critical(None, title, text)
        del app
    except Exception:  # nothing better to do than the log file
        pass


def report_fatal(exc: BaseException, argv: list[str]) -> Path | None:
    """Log exc to the user log folder and, when someone can see it, show it in a dialog."""
    log_path: Path | None = None
    details = "".join(traceback.format_exception(exc))
    try:
        log_path = _log_path()
        with open(log_path, "a", encoding="utf-8") as log:
            stamp = _dt.datetime.now().isoformat(timespec="seconds")
            log.write(f"[{stamp}] Berdaya failed to start (argv={argv!r})\n{details}\n")
    except OSError:
        pass
    missing = _missing_resource(exc)
    if missing:
        text = (
            "Berdaya tidak dapat dimulai karena berkas sumber daya tidak ditemukan:\n\n"
            f"{missing}\n\nPasang ulang Berdaya untuk memperbaikinya."
        )
    else:
        text = f"Berdaya tidak dapat dimulai:\n\n{type(exc).__name__}: {exc}"
    if log_path is not None:
        text += f"\n\nCatatan kesalahan: {log_path}"
    if _dialogs_allowed(argv):
        _show_dialog(f"{APP_NAME} - kesalahan", text)
    else:
        print(text, file=sys.stderr)
    return log_path


def _check_bundle() -> None:
    """Fail early, naming the folder, if the install lost its bundled resources."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is None:
        return
    resources = Path(bundle) / "resources"
    if not resources.is_dir():
        raise FileNotFoundError(2, "bundled resources folder is missing", str(resources))


# Must match APP_MUTEX in berdaya.nsi. Kept in a global so the handle lives as long as the process.
APP_MUTEX = "Local\\Berdaya.App"
_mutex_handle: int | None = None


def _hold_running_mutex() -> None:
    """Tell the installer and uninstaller that Berdaya is running (they refuse to proceed)."""
    global _mutex_handle
    if sys.platform != "win32":
        return
    import ctypes

    _mutex_handle = ctypes.windll.kernel32.CreateMutexW(None, False, APP_MUTEX)


def main() -> int:
    _ensure_streams()
    argv = list(sys.argv)
    try:
        _hold_running_mutex()
        _check_bundle()
        from desktop_app.cli import main as cli_main

        return int(cli_main() or 0)
    except SystemExit:
        raise
    except BaseException as exc:  # last line of defence of a windowed app
        report_fatal(exc, argv)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
