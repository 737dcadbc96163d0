"""The demo database's casework: one case per person in a casework program, valid rows, every
row change-logged, signed device receipts, and the service reads it."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from nacl.signing import VerifyKey

from desktop_app.domain.casework import device_handover_signed_bytes, validate_assessment
from desktop_app.domain.receipts import decode_signature
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import open_app
from desktop_app.services.demo import generate_demo
from desktop_app.services.demo_registry import DemoOptions
from desktop_app.services.signing import device_signing_key

TODAY = date(2026, 11, 20)
TABLES = ("case_file", "case_assessment", "case_plan", "case_goal", "case_activity",
          "case_device", "case_stage")  # fmt: skip


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    return path, generate_demo(
        path, DemoOptions(scale="tiny", seed=11, today=TODAY, accounts=False)
    )


def test_a_case_for_every_casework_enrolment(demo_db: tuple[Path, dict[str, int]]) -> None:
    path, summary = demo_db
    assert summary["kasus_sihore"] == summary["sihore"] == 4
    assert summary["kasus_disabilitas"] == summary["disabilitas"] == 20
    assert summary["kasus_anak_terlantar"] == 6 and summary["kasus_abh"] == 4
    conn = sqlite3.connect(path)
    visits = conn.execute(
        "SELECT c.id, count(*) FROM case_activity a JOIN case_file c ON c.id = a.case_id "
        "WHERE c.program_code = 'SIHORE' AND a.kind = 'kunjungan_rumah' GROUP BY c.id"
    ).fetchall()
    assert len(visits) == 4 and min(n for _, n in visits) >= 20  # a year of visits each
    out_of_case = conn.execute(
        "SELECT count(*) FROM case_activity a JOIN case_file c ON c.id = a.case_id "
        "WHERE a.done_on < c.opened_on OR a.done_on > ? "
        "OR (c.closed_on IS NOT NULL AND a.done_on > c.closed_on)",
        (TODAY.isoformat(),),
    ).fetchone()[0]
    assert out_of_case == 0
    for program, answers in conn.execute(
        "SELECT c.program_code, a.answers FROM case_assessment a "
        "JOIN case_file c ON c.id = a.case_id"
    ):
        assert validate_assessment(program, json.loads(answers))[1] == []


def test_every_casework_row_is_change_logged(demo_db: tuple[Path, dict[str, int]]) -> None:
    conn = sqlite3.connect(demo_db[0])
    entity = {"case_file": "case"}
    for table in TABLES:
        missing = conn.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM change_log c "
            f"WHERE c.entity = '{entity.get(table, table)}' AND c.entity_id = t.id)"
        ).fetchone()[0]
        assert missing == 0, table
    assert {r[0] for r in conn.execute("SELECT DISTINCT actor FROM change_log")} == {"demo"}


def test_demo_devices_are_signed_and_the_service_reads_it(
    demo_db: tuple[Path, dict[str, int]],
) -> None:
    ctx = open_app(demo_db[0])
    try:
        svc = CaseworkService(ctx)
        verify = VerifyKey(bytes(device_signing_key(ctx).verify_key))
        conn = sqlite3.connect(demo_db[0])
        conn.row_factory = sqlite3.Row
        delivered = conn.execute("SELECT * FROM case_device WHERE status = 'diserahkan'").fetchall()
        for row in delivered:
            verify.verify(
                device_handover_signed_bytes(dict(row)), decode_signature(row["signature"])
            )
            assert svc.device_receipt(row["id"]).number == row["number"]
        assert svc.case_counts().open_total + svc.case_counts().closed_total == 34
        assert svc.monthly_recap(2026, 10).total_visits > 0
        assert svc.overdue_visits(TODAY) is not None
        assert len(svc.disability_list()) >= 19
    finally:
        ctx.close()
