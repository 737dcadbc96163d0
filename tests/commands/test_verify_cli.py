"""`berdaya verify TEXT|FILE`: verdict, who/when/where, exit 0 valid / 1 not / 2 unreadable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.documents.distribution import receipts_pdf
from desktop_app.domain.office import OfficeProfile
from desktop_app.domain.receipts import encode_signature
from desktop_app.i18n import set_language
from desktop_app.services.distribution import DistributionService, ReceiptView
from tests.helpers import office_file, open_round
from tests.services.distribution_fixtures import build_world


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, ReceiptView]:
    path = tmp_path / "office.sqlite"
    with office_file(path) as ctx:
        world = build_world(ctx)
        svc = DistributionService(ctx)
        rid = open_round(ctx, name="Rastrada Tahap IV 2026", code="RST4")
        receipt = svc.receive_code(rid, world.families[0].kk)
        receipts_pdf(
            tmp_path / "tanda-terima.pdf",
            OfficeProfile(),
            svc.receipt_docs(rid, numbers=[receipt.number]),
            layout="a6",
        )
    return path, receipt


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    yield
    set_language("id")  # --lang en is process-wide


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_genuine_receipt_is_valid_and_says_who_when_where(signed, capsys) -> None:
    db, receipt = signed
    code, out, err = run(capsys, "verify", receipt.qr_payload, "--db", str(db))
    assert code == 0, err
    assert out.startswith("SAH\n")
    assert receipt.recipient_name in out and receipt.number in out
    assert "20 November 2026 pukul 10.00" in out and "KANTOR" in out


def test_a_forged_code_exits_1_with_the_reason(signed, capsys) -> None:
    db, receipt = signed
    forged = f"BERDAYA|{receipt.number}|{encode_signature(bytes(64))}"
    code, out, _ = run(capsys, "verify", forged, "--db", str(db), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["status"] == "invalid" and data["reason_code"] == "signing.signature_bad"
    assert data["exit_code"] == 1
    code, out, _ = run(capsys, "--lang", "en", "verify", forged, "--db", str(db))
    assert code == 1 and out.startswith("NOT VALID\n") and "forged" in out


def test_unknown_numbers_exit_1_and_unreadable_input_exits_2(signed, capsys, tmp_path) -> None:
    db, _receipt = signed
    code, out, _ = run(capsys, "verify", "RST4-LAP09-000001", "--db", str(db))
    assert code == 1 and "TIDAK DAPAT DIPASTIKAN" in out
    code, _, err = run(capsys, "verify", "bukan kode", "--db", str(db))
    assert code == 2 and "bukan kode tanda terima" in err
    code, _, err = run(capsys, "verify", "BERDAYA|x|y", "--db", str(tmp_path / "tidak-ada.sqlite"))
    assert code == 2
    empty = tmp_path / "kosong.txt"
    empty.write_text("halo\n", encoding="utf-8")
    code, _, err = run(capsys, "verify", str(empty), "--db", str(db))
    assert code == 2 and "Tidak ada kode QR" in err
    broken = tmp_path / "rusak.png"
    broken.write_bytes(b"\x89PNG bukan gambar")
    code, _, err = run(capsys, "verify", str(broken), "--db", str(db))
    assert code == 2 and "tidak dapat dibaca" in err


def test_a_text_file_or_the_printed_pdf_is_read(signed, capsys, tmp_path) -> None:
    db, receipt = signed
    scanned = tmp_path / "pindaian.txt"
    scanned.write_text(f"\n{receipt.qr_payload}\n", encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(scanned), "--db", str(db))
    assert code == 0 and out.startswith("SAH")
    # The printed receipt itself: its QR code is read back (zxing-cpp, a test dependency).
    code, out, err = run(capsys, "verify", str(tmp_path / "tanda-terima.pdf"), "--db", str(db))
    assert code == 0, err
    assert receipt.number in out
