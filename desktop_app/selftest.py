"""`berdaya --self-test [OUT.json]`: prove that this installation works, without touching real data.

In a temporary folder it creates a database, upgrades an old one, writes small-scale demo data,
renders one of each document, opens the main window offscreen and visits every tab. The result is
JSON ({version, ok, checks: [{name, ok, detail, seconds, since_start}]}) written to OUT.json, or to
the user log folder when no file is given; the exit code is 0 only if every check passed.

It runs in the windowed Windows build, which has no console: nothing here relies on stdout. A log
of the run (with tracebacks) goes to self-test.log in the user log folder.

Adding a check is one function: decorate it with @check("name", requires=(...)) and return a
short detail string, or raise to fail. A check may `schedule` further checks (one per tab).
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app import __version__

__all__ = ["CHECKS", "Check", "CheckResult", "SelfTest", "check", "run_self_test"]

APP_NAME = "Berdaya"
RESULT_FILE = "self-test.json"
LOG_FILE = "self-test.log"
DEMO_SEED = 2025

log = logging.getLogger("berdaya.selftest")


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float
    since_start: float | None  # seconds since the process started: cold-start figures


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[SelfTest], str]
    requires: tuple[str, ...] = ()


@dataclass
class SelfTest:
    """One run: the temporary folder, state shared between checks, and the results."""

    workdir: Path
    state: dict[str, Any] = field(default_factory=dict)
    results: list[CheckResult] = field(default_factory=list)
    _queue: deque[Check] = field(default_factory=deque)

    @property
    def db_path(self) -> Path:
        return self.workdir / "selftest.sqlite"

    @property
    def docs_dir(self) -> Path:
        return self.workdir / "documents"

    def passed(self, name: str) -> bool:
        return any(result.name == name and result.ok for result in self.results)

    def schedule(self, *checks: Check) -> None:
        """Run these next, before the remaining checks (in the given order)."""
        self._queue.extendleft(reversed(checks))

    def run(self, checks: Iterable[Check]) -> list[CheckResult]:
        self._queue.extend(checks)
        while self._queue:
            self.results.append(self._run_one(self._queue.popleft()))
        return self.results

    def _run_one(self, item: Check) -> CheckResult:
        started = time.perf_counter()
        missing = [name for name in item.requires if not self.passed(name)]
        if missing:
            ok, detail = False, f"not run: {', '.join(missing)} did not pass"
        else:
            try:
                ok, detail = True, item.run(self)
            except Exception as exc:  # noqa: BLE001 - a failed check is a result, not a crash
                ok, detail = False, _describe(exc)
                log.error("check %s failed:\n%s", item.name, traceback.format_exc())
        result = CheckResult(
            name=item.name,
            ok=ok,
            detail=detail,
            seconds=round(time.perf_counter() - started, 3),
            since_start=_process_age(),
        )
        log.info("%s %s (%.2f s): %s", "ok" if ok else "FAIL", item.name, result.seconds, detail)
        return result


CHECKS: list[Check] = []


def check(name: str, requires: Sequence[str] = ()) -> Callable[[Callable[[SelfTest], str]], Any]:
    """Register a check; they run in the order they are defined."""

    def register(fn: Callable[[SelfTest], str]) -> Callable[[SelfTest], str]:
        CHECKS.append(Check(name, fn, tuple(requires)))
        return fn

    return register


# -- checks: installation -----------------------------------------------------------------------


@check("resources")
def check_resources(_st: SelfTest) -> str:
    from desktop_app.bundle_check import missing_resources, resource_paths

    missing = missing_resources()
    if missing:
        raise FileNotFoundError(f"missing bundled resources: {', '.join(missing)}")
    paths = resource_paths()
    root = next(iter(paths.values())).parent.parent
    return f"{len(paths)} required files under {root}"


@check("i18n", requires=("resources",))
def check_translations(_st: SelfTest) -> str:
    from desktop_app.i18n import get_language, set_language, tr

    previous = get_language()
    try:
        set_language("en")
        english = tr("Registri")
    finally:
        set_language(previous)
    if english == "Registri":
        raise LookupError("the English catalogue does not translate 'Registri'")
    return f"'Registri' -> {english!r}"


# -- checks: database -----------------------------------------------------------------------------


@check("native_libraries")
def check_native_libraries(_st: SelfTest) -> str:
    """The compiled libraries a frozen build could silently miss: the QR encoder (receipts fall
    back to a 25x slower one), the PDF renderer (direct printing), libsodium (signatures),
    SQLCipher and Argon2id (accounts and encryption at rest)."""
    import nacl.signing
    import pypdfium2

    from desktop_app.documents.common import QR_ENCODER

    if QR_ENCODER != "zxing-cpp":
        raise RuntimeError("zxing-cpp is not bundled: QR codes fall back to the slow encoder")
    pdfium = getattr(pypdfium2, "PDFIUM_INFO", None) or getattr(pypdfium2, "V_PDFIUM", "")
    key = nacl.signing.SigningKey.generate()
    key.verify_key.verify(key.sign(b"berdaya"))
    # SQLCipher (encryption at rest) and Argon2id (passwords, the key file): without them no
    # account could log in.
    from argon2.low_level import Type, hash_secret_raw

    from desktop_app.storage import driver

    conn = driver.connect(":memory:", key=b"\x01" * 32)
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    hash_secret_raw(b"berdaya", b"0123456789abcdef", 1, 8, 1, 32, Type.ID)
    return f"qr={QR_ENCODER}, pdfium={pdfium}, sodium ok, sqlcipher {cipher}, argon2id ok"


@check("database.create")
def check_database_create(st: SelfTest) -> str:
    from desktop_app.services.context import open_app

    ctx = open_app(st.db_path)
    try:
        version = ctx.db.schema_version()
        created = ctx.db.opened.created
    finally:
        ctx.close()
    if not created:
        raise RuntimeError("a fresh database was not reported as created")
    return f"schema version {version}"


@check("database.upgrade")
def check_database_upgrade(st: SelfTest) -> str:
    """An oldest-version database is backed up and migrated, as after installing an upgrade."""
    from desktop_app.storage import migrations
    from desktop_app.storage.db import open_database
    from desktop_app.storage.driver import connect

    old = st.workdir / "old" / "berdaya.sqlite"
    old.parent.mkdir(parents=True)
    conn = connect(str(old), isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        conn.execute("BEGIN EXCLUSIVE")
        migrations.upgrade(conn, 0, 1)
        conn.execute("COMMIT")
    finally:
        conn.close()
    db = open_database(old)
    try:
        opened, version = db.opened, db.schema_version()
    finally:
        db.dispose()
    if opened.upgraded_from != 1 or version != migrations.CURRENT_VERSION:
        raise RuntimeError(f"upgraded from {opened.upgraded_from} to {version}")
    if opened.backup_path is None or not opened.backup_path.exists():
        raise RuntimeError("no backup was made before the upgrade")
    return f"v1 -> v{version}, backup {opened.backup_path.name}"


@check("demo_data", requires=("database.create",))
def check_demo_data(st: SelfTest) -> str:
    from desktop_app.services.accounts import login
    from desktop_app.services.demo import DemoOptions, generate_demo
    from desktop_app.services.demo_accounts import DEMO_LOGIN

    summary = generate_demo(st.db_path, DemoOptions(scale="tiny", seed=DEMO_SEED))
    if not summary.get("persons"):
        raise RuntimeError(f"no persons generated: {summary}")
    # The demo has accounts: log in as its administrator, which also proves Argon2id (and, on an
    # encrypted demo, SQLCipher and the key file) work in this build.
    username, _name, _role, _nip, password = DEMO_LOGIN
    st.state["ctx"] = login(st.db_path, username, password)
    return ", ".join(f"{key} {value}" for key, value in summary.items() if key != "duration_ms")


# -- checks: documents ----------------------------------------------------------------------------


def _pdf(st: SelfTest, name: str, render: Callable[[Path], object]) -> str:
    st.docs_dir.mkdir(parents=True, exist_ok=True)
    path = st.docs_dir / f"{name}.pdf"
    pages = render(path)
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise ValueError(f"{path.name} is not a complete PDF")
    counted = f"{pages} pages, " if isinstance(pages, int) else ""
    return f"{counted}{len(data):,} bytes"


@check("distribution.round", requires=("demo_data",))
def check_distribution_round(st: SelfTest) -> str:
    from desktop_app.services.distribution import DistributionService

    svc = DistributionService(st.state["ctx"])
    round_id = svc.create_round(
        program_code="RASTRADA", name="Uji mandiri", item="Beras", quantity=10, unit="kg"
    )
    opened = svc.open_round(round_id)
    entry = svc.pending(round_id)[0]
    receipt = svc.receive(round_id, entry.id)
    st.state.update(distribution=svc, round_id=round_id, point_id=entry.point_id)
    return f"{opened.entitled} entitled, receipt {receipt.number}"


def _round_document(name: str, builder: str, data: Callable[[Any, str, str], object]) -> None:
    """Register the check that prints one document of the demo round: `data(service, round id,
    point id)` gives its content, `builder` names its writer in documents.distribution."""

    @check(f"document.{name}", requires=("distribution.round",))
    def check_document(st: SelfTest) -> str:
        # Imported when the check runs, like the other document checks, not when it registers.
        from desktop_app.documents import distribution as documents

        svc, rid, pid = st.state["distribution"], st.state["round_id"], st.state["point_id"]
        content = data(svc, rid, pid)
        render = getattr(documents, builder)
        return _pdf(st, name, lambda p: render(p, svc.ctx.office, content))


def _minted_cards(svc: Any, rid: str, pid: str) -> object:
    svc.mint_cards(rid, point_id=pid)  # a card prints its code, not the NIK
    return svc.card_docs(rid, point_id=pid)


for _name, _builder, _data in (
    ("daftar_penerimaan", "reception_list_pdf", lambda s, r, p: s.reception_list(r, point_id=p)),
    ("tanda_terima", "receipts_pdf", lambda s, r, _p: s.receipt_docs(r)),
    ("bast", "bast_pdf", lambda s, r, p: s.bast(r, point_id=p)),
    ("kartu_kpm", "cards_pdf", _minted_cards),
    ("rekap_penyaluran", "recap_pdf", lambda s, r, _p: s.recap(r)),
):
    _round_document(_name, _builder, _data)


@check("training.demo", requires=("demo_data",))
def check_training_demo(st: SelfTest) -> str:
    from desktop_app.services.training import TrainingService

    svc = TrainingService(st.state["ctx"])
    trainings = svc.list_trainings()
    with_participants = [t for t in trainings if t.participants]
    if not with_participants:
        raise RuntimeError("the demo has no training with participants")
    finished = [t for t in with_participants if svc.certificate_data(t.id)]
    if not finished:
        raise RuntimeError("the demo has no training with certificates")
    st.state.update(training=svc, training_id=with_participants[0].id, finished_id=finished[0].id)
    return f"{len(trainings)} trainings"


@check("document.daftar_hadir", requires=("training.demo",))
def check_attendance_sheet(st: SelfTest) -> str:
    from desktop_app.documents.training import attendance_sheet_pdf

    svc = st.state["training"]
    data = svc.attendance_sheet_data(st.state["training_id"])
    return _pdf(st, "daftar_hadir", lambda p: attendance_sheet_pdf(p, svc.ctx.office, data))


@check("document.rekap_kehadiran", requires=("training.demo",))
def check_attendance_recap(st: SelfTest) -> str:
    from desktop_app.documents.training import attendance_recap_pdf

    svc = st.state["training"]
    data = svc.recap_data(st.state["training_id"])
    return _pdf(st, "rekap_kehadiran", lambda p: attendance_recap_pdf(p, svc.ctx.office, data))


@check("document.sertifikat", requires=("training.demo",))
def check_certificate(st: SelfTest) -> str:
    from desktop_app.documents.training import certificates_pdf

    svc = st.state["training"]
    data = svc.certificate_data(st.state["finished_id"])[:1]
    return _pdf(st, "sertifikat", lambda p: certificates_pdf(p, svc.ctx.office, data))


# -- checks: files the office exchanges ------------------------------------------------------------


@check("spreadsheet.roundtrip", requires=("demo_data",))
def check_spreadsheet_roundtrip(st: SelfTest) -> str:
    """Export the registry to .xlsx and read it back as an import would (nothing is written)."""
    from desktop_app.services.exporter import ExportService, export_table
    from desktop_app.services.importing import ImportService

    ctx = st.state["ctx"]
    path = st.workdir / "orang.xlsx"
    exported = export_table(ExportService(ctx).persons_table(), path)
    service = ImportService(ctx)
    prepared = service.prepare(path)
    try:
        report = service.dry_run(prepared)
    finally:
        prepared.close()
    if len(report.rows) != exported or report.rejected:
        raise RuntimeError(f"exported {exported} rows, read back {report.counts}")
    counts = ", ".join(f"{key} {value}" for key, value in report.counts.items() if value)
    return f"{exported} rows exported and read back: {counts}"


@check("sync.bundle", requires=("demo_data",))
def check_sync_bundle(st: SelfTest) -> str:
    """Seal a bundle to a second device and open it there (PyNaCl's compiled library)."""
    from nacl.signing import SigningKey

    from desktop_app.services.sync.bundle import open_bundle, seal
    from desktop_app.services.sync.devices import DeviceService

    ctx = st.state["ctx"]
    sender = DeviceService(ctx).signing_key()
    recipient = SigningKey.generate()
    fields = {
        "bundle_id": "selftest",
        "kind": "ack",
        "from_device": ctx.device.id,
        "from_name": ctx.device.name,
        "sender_key": "",
        "to_device": "selftest-recipient",
        "created_at": datetime.now(UTC).isoformat(),
        "created_hlc": "",
        "seq_from": 0,
        "seq_to": 0,
        "received_upto": 0,
        "entries": 0,
        "counts": {},
        "app_version": __version__,
        "schema_version": ctx.db.schema_version(),
    }
    _, data = seal(fields, {"entries": []}, sender, recipient.verify_key)
    opened = open_bundle(data, "selftest-recipient", recipient, lambda *_: sender.verify_key)
    return f"sealed and opened {len(data)} bytes from {opened.manifest.from_name}"


# -- checks: GUI ----------------------------------------------------------------------------------


@check("gui.window_shown", requires=("demo_data",))
def check_main_window(st: SelfTest) -> str:
    from desktop_app.gui.selftest import GuiSelfTest

    gui = GuiSelfTest(st.state["ctx"], st.workdir / "settings")
    st.state["gui"] = gui
    detail = gui.open_main_window()
    st.schedule(
        *(
            Check(f"gui.tab.{title}", _visit_tab(index), ("gui.window_shown",))
            for index, title in enumerate(gui.tab_titles())
        ),
        Check("gui.close", lambda st: st.state.pop("gui").close()),
    )
    return detail


def _visit_tab(index: int) -> Callable[[SelfTest], str]:
    return lambda st: st.state["gui"].visit_tab(index)


# -- running --------------------------------------------------------------------------------------


def run_self_test(
    out: Path | None,
    *,
    log_dir: Path | None = None,
    checks: Sequence[Check] | None = None,
) -> int:
    """Run the checks; write the JSON result to `out` (or the log folder). 0 = all passed."""
    started_at = datetime.now(UTC)
    # Interpreter start-up and imports before the first check; with gui.window_shown's own
    # seconds this gives the cold start of the app (the demo data in between does not count).
    startup_seconds = _process_age()
    log_dir = log_dir or _user_log_dir()
    handler = _file_handler(log_dir)
    try:
        with tempfile.TemporaryDirectory(
            prefix="berdaya-selftest-", ignore_cleanup_errors=True
        ) as tmp:
            st = SelfTest(Path(tmp))
            log.info("Berdaya %s self-test in %s", __version__, tmp)
            try:
                st.run(CHECKS if checks is None else checks)
            finally:
                _close_leftovers(st)
        report = _report(st.results, started_at, startup_seconds)
        target = out or log_dir / RESULT_FILE
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            log.error("cannot write the result to %s: %s", target, exc)
            _say(f"Hasil uji mandiri tidak dapat ditulis ke {target}: {exc}")
            return 2
        _say_summary(st.results, target)
        return 0 if report["ok"] else 1
    finally:
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()


def _report(
    results: list[CheckResult], started_at: datetime, startup_seconds: float | None
) -> dict[str, Any]:
    return {
        "app": APP_NAME,
        "version": __version__,
        "ok": bool(results) and all(result.ok for result in results),
        "started_at": started_at.isoformat(timespec="seconds"),
        "frozen": bool(getattr(sys, "frozen", False)),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "startup_seconds": startup_seconds,
        "passed": sum(result.ok for result in results),
        "failed": sum(not result.ok for result in results),
        "checks": [asdict(result) for result in results],
    }


def _close_leftovers(st: SelfTest) -> None:
    """Close what a failed run left open, so the temporary folder can be removed."""
    gui = st.state.pop("gui", None)
    if gui is not None:
        try:
            gui.close()
        except Exception:  # noqa: BLE001 - already reported by the failing check
            log.exception("closing the GUI after a failure")
    ctx = st.state.pop("ctx", None)
    if ctx is not None:
        ctx.close()


def _describe(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {Path(frame[0].filename).name}:{frame[0].lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _user_log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, APP_NAME))


def _file_handler(folder: Path) -> logging.Handler | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / LOG_FILE, mode="w", encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


def _say(text: str) -> None:
    # The windowed Windows build has no console (sys.stdout is None or a log file).
    if sys.stdout is not None:
        print(text, file=sys.stdout, flush=True)


def _say_summary(results: list[CheckResult], target: Path) -> None:
    for result in results:
        mark = "ok   " if result.ok else "GAGAL"
        _say(f"{mark} {result.name} ({result.seconds:.2f} s) {result.detail}")
    passed = sum(result.ok for result in results)
    _say(f"Uji mandiri: {passed} lulus, {len(results) - passed} gagal. Hasil: {target}")


def _process_age() -> float | None:
    """Seconds since this process started (the OS's clock, so interpreter start-up counts)."""
    try:
        if sys.platform.startswith("linux"):
            stat = Path("/proc/self/stat").read_text()
            start_ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: starttime
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return round(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 2)
        if sys.platform == "win32":
            return _windows_process_age()
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return None


def _windows_process_age() -> float | None:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    creation, exited, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
    if not kernel32.GetProcessTimes(
        kernel32.GetCurrentProcess(),
        ctypes.byref(creation),
        ctypes.byref(exited),
        ctypes.byref(kernel),
        ctypes.byref(user),
    ):
        return None
    kernel32.GetSystemTimeAsFileTime(ctypes.byref(now))

    def ticks(value: wintypes.FILETIME) -> int:  # 100 ns units
        return (value.dwHighDateTime << 32) | value.dwLowDateTime

    return round((ticks(now) - ticks(creation)) / 1e7, 2)
