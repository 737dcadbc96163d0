"""The self-test's runner (fake checks, in process) and one real run through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import desktop_app
from desktop_app import bundle_check, selftest
from desktop_app.selftest import Check, SelfTest, run_self_test

ROOT = Path(desktop_app.__file__).resolve().parent.parent


def ok(detail: str):
    return lambda _st: detail


def boom(_st: SelfTest) -> str:
    raise ValueError("kertas habis")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_all_passing_checks_give_exit_code_0_and_a_result_file(tmp_path):
    out = tmp_path / "hasil.json"
    code = run_self_test(
        out, log_dir=tmp_path / "logs", checks=[Check("a", ok("one")), Check("b", ok("two"))]
    )
    assert code == 0
    result = read(out)
    assert result["ok"] is True and result["version"] == desktop_app.__version__
    assert [(c["name"], c["ok"], c["detail"]) for c in result["checks"]] == [
        ("a", True, "one"),
        ("b", True, "two"),
    ]
    assert all(c["seconds"] >= 0 for c in result["checks"])


def test_a_failure_is_recorded_and_its_dependents_do_not_run(tmp_path):
    out = tmp_path / "hasil.json"
    ran = []
    checks = [
        Check("database", boom),
        Check("documents", lambda st: ran.append("documents") or "x", requires=("database",)),
        Check("independent", ok("still runs")),
    ]
    assert run_self_test(out, log_dir=tmp_path / "logs", checks=checks) == 1
    by_name = {c["name"]: c for c in read(out)["checks"]}
    assert by_name["database"]["ok"] is False
    assert "ValueError: kertas habis" in by_name["database"]["detail"]
    assert by_name["documents"]["ok"] is False
    assert by_name["documents"]["detail"] == "not run: database did not pass"
    assert by_name["independent"]["ok"] is True
    assert ran == []
    log = (tmp_path / "logs" / selftest.LOG_FILE).read_text(encoding="utf-8")
    assert "Traceback" in log and "kertas habis" in log


def test_scheduled_checks_run_right_after_the_one_that_scheduled_them(tmp_path):
    def opener(st: SelfTest) -> str:
        st.schedule(Check("tab.1", ok("")), Check("tab.2", ok("")))
        return "opened"

    out = tmp_path / "hasil.json"
    checks = [Check("open", opener), Check("last", ok(""))]
    assert run_self_test(out, log_dir=tmp_path, checks=checks) == 0
    assert [c["name"] for c in read(out)["checks"]] == ["open", "tab.1", "tab.2", "last"]


def test_without_an_output_file_the_result_goes_to_the_log_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)  # the windowed Windows build has no console
    assert run_self_test(None, log_dir=tmp_path, checks=[Check("a", ok(""))]) == 0
    assert read(tmp_path / selftest.RESULT_FILE)["ok"] is True


def test_an_unwritable_result_file_gives_exit_code_2(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert run_self_test(blocker / "hasil.json", log_dir=tmp_path, checks=[]) == 2


def test_no_checks_is_not_a_pass(tmp_path):
    assert run_self_test(tmp_path / "hasil.json", log_dir=tmp_path, checks=[]) == 1


def test_a_missing_resource_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(
        bundle_check,
        "REQUIRED_RESOURCES",
        (*bundle_check.REQUIRED_RESOURCES, ("icons", "tidak-ada.png")),
    )
    assert bundle_check.missing_resources() == ["icons/tidak-ada.png"]
    resources = next(c for c in selftest.CHECKS if c.name == "resources")
    out = tmp_path / "hasil.json"
    assert run_self_test(out, log_dir=tmp_path, checks=[resources]) == 1
    assert "icons/tidak-ada.png" in read(out)["checks"][0]["detail"]


def test_every_required_resource_is_in_the_source_tree():
    assert bundle_check.missing_resources() == []


@pytest.mark.slow
def test_the_real_self_test_passes_through_the_cli(tmp_path):
    """What the installer CI runs: `berdaya --self-test OUT.json`, in a separate process."""
    out = tmp_path / "hasil.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        # Logs and settings of this run stay in tmp_path (Linux and Windows variables).
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "LOCALAPPDATA": str(tmp_path / "localappdata"),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--self-test", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result = read(out)
    failed = [(c["name"], c["detail"]) for c in result["checks"] if not c["ok"]]
    assert completed.returncode == 0, (failed, completed.stderr[-2000:])
    names = [c["name"] for c in result["checks"]]
    for expected in (
        "resources",
        "i18n",
        "database.create",
        "database.upgrade",
        "demo_data",
        "document.daftar_penerimaan",
        "document.tanda_terima",
        "document.bast",
        "document.kartu_kpm",
        "document.rekap_penyaluran",
        "document.daftar_hadir",
        "document.rekap_kehadiran",
        "document.sertifikat",
        "spreadsheet.roundtrip",
        "sync.bundle",
        "gui.window_shown",
        "gui.tab.Registri",
        "gui.tab.Penyaluran",
        "gui.tab.Pelatihan",
        "gui.close",
    ):
        assert expected in names
    assert names[-1] == "gui.close"
    assert result["startup_seconds"] is None or result["startup_seconds"] > 0
    assert "Uji mandiri: " in completed.stdout
