"""Killing the counter at any moment never loses a receipt whose number was shown.

A child process records receipts and prints each number only after the commit returned; the
parent kills it with SIGKILL at random moments, several times, then checks that every printed
number is in the database and that SQLite's integrity check passes.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from desktop_app.domain.ids import new_id
from desktop_app.services.bulk import bulk_insert
from desktop_app.services.context import open_app
from desktop_app.services.distribution import DistributionService

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 2000
ITERATIONS = 5


def _registry(path: Path) -> str:
    """A round with RECIPIENTS card holders, opened; returns its id."""
    ctx = open_app(path, actor="setup")
    try:
        households, persons, enrolments = [], [], []
        for i in range(RECIPIENTS):
            hid, pid = new_id(), new_id()
            persons.append(
                {"id": pid, "nik": f"3572014101{i:06d}", "name": f"Penerima Uji {i}",
                 "sex": "L", "household_id": None, "relation": "kepala",
                 "kelurahan_code": "35.72.01.1001", "status": "aktif", "deleted": False}
            )  # fmt: skip
            households.append(
                {"id": hid, "kk_number": f"3572011503{i:06d}", "head_person_id": pid,
                 "kelurahan_code": "35.72.01.1001", "card_code": f"CRASH{i:05d}",
                 "deleted": False}
            )  # fmt: skip
            enrolments.append(
                {"id": new_id(), "program_code": "RASTRADA", "household_id": hid,
                 "start_date": date(2025, 1, 1), "details": "{}", "deleted": False}
            )  # fmt: skip
        with ctx.unit_of_work(source="test") as w:
            bulk_insert(w, "household", households)
            bulk_insert(w, "person", persons)
            bulk_insert(w, "enrolment", enrolments)
        svc = DistributionService(ctx)
        rid = svc.create_round(
            program_code="RASTRADA", name="Tahap Uji", item="Beras", quantity=10, unit="kg"
        )
        svc.open_round(rid)
        return rid
    finally:
        ctx.close()


def _reader(stream, lines: list[str], ready: threading.Event) -> None:
    for line in stream:
        line = line.strip()
        if line == "READY":
            ready.set()
        elif line:
            lines.append(line)
    ready.set()


@pytest.mark.slow
def test_sigkill_never_loses_a_printed_receipt(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite"
    rid = _registry(db)
    codes = tmp_path / "codes.txt"
    rng = random.Random(20261120)
    order = [f"CRASH{i:05d}" for i in range(RECIPIENTS)]
    rng.shuffle(order)
    codes.write_text("\n".join(order))
    printed: list[str] = []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(ITERATIONS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.services.crash_child", str(db), rid, str(codes)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        ready = threading.Event()
        reader = threading.Thread(target=_reader, args=(child.stdout, lines, ready))
        reader.start()
        assert ready.wait(60), "the child never started"
        # A random moment: anywhere in the receive loop, including inside a commit.
        time.sleep(rng.uniform(0.05, 1.5))
        # kill() is SIGKILL on POSIX and TerminateProcess on Windows: no cleanup runs either way.
        child.kill()
        child.wait(30)
        reader.join(30)
        killed = -signal.SIGKILL if os.name == "posix" else 1
        assert child.returncode == killed, "the child finished before it was killed"
        printed += [line for line in lines if line != "DONE"]

        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {r[0] for r in conn.execute("SELECT number FROM distribution_receipt")}
            doubles = conn.execute(
                "SELECT count(*) FROM (SELECT roster_id FROM distribution_receipt "
                "GROUP BY roster_id HAVING count(*) > 1)"
            ).fetchone()[0]
        finally:
            conn.close()
        missing = [n for n in printed if n not in stored]
        assert not missing, f"printed but not in the database: {missing}"
        assert doubles == 0
    assert len(printed) > ITERATIONS, "too few receipts recorded to mean anything"
    assert len(set(printed)) == len(printed)
