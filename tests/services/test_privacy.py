"""Log hygiene, owner-only files, the privacy doc's permission table, the incident report."""

from __future__ import annotations

import logging
import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from desktop_app.domain.access import Actor, Role
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.privacy import (
    RedactingFilter,
    create_private,
    incident_report_pdf,
    mask_identifiers,
    mask_nik,
    notice_deadline,
    permission_table_markdown,
    private_log_handler,
)
from desktop_app.storage.models import AccessLog

NIK = "3572011201600001"
KK = "3572010101200003"
POSIX = sys.platform != "win32"
DOC = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"


def test_mask_nik() -> None:
    assert mask_nik(NIK) == "3572********0001"
    assert mask_nik(" 3572011201600001 ") == "3572********0001"
    assert mask_nik("12345") == "12*45"
    assert mask_nik("123") == "***"
    assert mask_nik(None) is None and mask_nik("") == ""


def test_mask_identifiers_in_free_text() -> None:
    text = f"NIK {NIK} dan KK {KK}; id 017f3b2c, jumlah 1234567890123456789"
    masked = mask_identifiers(text)
    assert NIK not in masked and KK not in masked
    assert "3572********0001" in masked and "3572********0003" in masked
    assert "1234567890123456789" in masked  # a longer number is not a NIK
    sql = f"[SQL: SELECT 1 WHERE nik = ?]\n[parameters: ('{NIK}', 'SITI RAHAYU')]\n(Background)"
    assert "SITI" not in mask_identifiers(sql) and "[SQL: SELECT 1" in mask_identifiers(sql)


@pytest.fixture
def log_file(tmp_path: Path):  # noqa: ANN201
    path = tmp_path / "log" / "berdaya.log"
    path.parent.mkdir()
    handler = private_log_handler(path)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_a_search_error_with_a_nik_leaves_no_nik_in_the_log(log_file: Path) -> None:
    log = logging.getLogger("berdaya.test")
    error = RuntimeError(f"fts5: syntax error near \"{NIK}\"")
    log.warning("search failed: %s", error)
    try:
        raise ValueError(f"baris 7: NIK {NIK} sudah ada\n[parameters: ('{NIK}', 'BUDI')]")
    except ValueError:
        log.exception("import job failed")
    log.info("stack", stack_info=True)
    text = read(log_file)
    assert "search failed" in text and "import job failed" in text and "Traceback" in text
    assert NIK not in text and "BUDI" not in text
    assert "3572********0001" in text


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_log_files_are_owner_only_after_rotation(tmp_path: Path) -> None:
    path = tmp_path / "berdaya.log"
    handler = private_log_handler(path, max_bytes=200, backups=2)
    logger = logging.getLogger("berdaya.rotation-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for i in range(30):
            logger.warning("baris %d %s", i, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(tmp_path.glob("berdaya.log*"))
    assert len(files) == 3
    assert {stat.S_IMODE(os.stat(f).st_mode) for f in files} == {0o600}


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_create_private_tightens_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("lama")
    os.chmod(path, 0o644)
    create_private(path)
    assert path.read_text() == "" and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_filter_survives_a_broken_log_call() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    assert RedactingFilter().filter(record) and record.getMessage() == "%d items"


def test_privacy_doc_carries_the_permission_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    marker = "<!-- permission-table:start -->\n"
    start = text.index(marker) + len(marker)
    end = text.index("\n<!-- permission-table:end -->")
    assert text[start:end] == permission_table_markdown(), (
        "docs/privacy.md is out of date: paste the output of "
        "`python -c 'from desktop_app.services.privacy import permission_table_markdown as f; "
        "print(f())'` between the permission-table markers"
    )


# -- the incident report --------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_incident_report(ctx: AppContext, tmp_path: Path) -> None:
    from desktop_app.services.registry import PersonInput, RegistryService
    from tests.helpers import make_nik

    born = datetime(2012, 7, 8).date()
    reg = RegistryService(ctx)
    child = reg.create_person(
        PersonInput(name="ANAK UJI", sex="L", nik=make_nik(born, "L", 3), birth_date=born)
    )
    reg.enrol("ABH", person_id=child, details={"role": "korban"})
    discovered = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert notice_deadline(discovered) == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    out = tmp_path / "insiden.pdf"
    assert incident_report_pdf(
        ctx, out, lost_device="LAP02", discovered_at=discovered, description="Tas hilang di pasar"
    ) == out
    text = pdf_text(out)
    assert "LAPORAN INSIDEN DATA PRIBADI" in text
    assert "LAP02" in text and "Tas hilang di pasar" in text
    assert "23 November 2026 pukul 15.30 WIB" in text  # the 3×24 h deadline, office time
    assert "(ABH)" in text and "YA - data pribadi spesifik" in text
    assert "ANAK UJI" not in text and make_nik(born, "L", 3) not in text  # counts, never people
    assert "Perangkat dicabut" in text  # the checklist
    if POSIX:
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with ctx.db.session() as s:
        entry = s.exec(select(AccessLog).where(AccessLog.entity == "incident_report")).one()
    assert entry.action == "print" and "LAP02" in entry.detail


def test_incident_report_needs_an_administrator(ctx: AppContext, tmp_path: Path) -> None:
    ctx.accounts_exist = True
    ctx.set_user(Actor(username="op", full_name="Operator", role=Role.OPERATOR))
    with pytest.raises(ServiceError) as caught:
        incident_report_pdf(
            ctx,
            tmp_path / "x.pdf",
            lost_device=None,
            discovered_at=datetime(2026, 11, 20, tzinfo=UTC),
            description="",
        )
    assert caught.value.code == "auth.permission_denied"
    assert not (tmp_path / "x.pdf").exists()
