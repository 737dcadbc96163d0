"""Casework documents render and say what they must (checked through the text layer): the Si
Hore recap and visit card, the device handover receipt (NIK masked, signed QR), and the hearing
summary, which must not carry the child's name, NIK or address."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.documents.casework import (
    CONFIDENTIAL_NOTE,
    CarerRecap,
    ClientRecap,
    DeviceReceiptDoc,
    HearingSummaryDoc,
    SihoreRecapDoc,
    TimelineLine,
    VisitCardDoc,
    VisitLine,
    device_receipt_pdf,
    hearing_summary_pdf,
    sihore_recap_pdf,
    visit_card_pdf,
)
from desktop_app.domain.office import OfficeProfile

OFFICE = OfficeProfile(
    address="Jl. Contoh No. 1, Kota Blitar",
    phone="(0342) 000000",
    head_name="Kepala Dinas Contoh, S.Sos.",
    head_nip="197001012000031001",
)
NIK = "3572014203850001"


def text_of(path: Path) -> str:
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
        assert done.returncode == 0 and "Error" not in done.stderr, done.stderr
        return " ".join(done.stdout.split())
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def visit(day: int, *services: str, condition: str = "stabil") -> VisitLine:
    return VisitLine(date(2026, 10, day), "Bu Endang", services, condition, None)


def recap_doc(clients: int = 3) -> SihoreRecapDoc:
    rows = tuple(
        ClientRecap(
            case_id=f"c{i}",
            name=f"Mbah Klien {i}",
            kelurahan="Sananwetan",
            carer="Bu Endang" if i % 2 else "Pak Slamet",
            visit_every_days=7,
            visits=4 - i % 2,
            expected=4,
            service_counts={"makanan": 4, "obat": 3},
            last_condition="menurun" if i == 1 else "stabil",
            overdue=bool(i % 2),
        )
        for i in range(1, clients + 1)
    )
    return SihoreRecapDoc(
        year=2026,
        month=10,
        period="Oktober 2026",
        clients=rows,
        carers=(CarerRecap("Bu Endang", 2, 6, 8), CarerRecap("Pak Slamet", 1, 4, 4)),
        visits=(("Mbah Klien 1", visit(3, "obat")),),
        made_on=date(2026, 11, 2),
        officer="Pekerja Sosial Contoh",
    )


def test_sihore_recap(tmp_path: Path) -> None:
    path = tmp_path / "rekap.pdf"
    assert sihore_recap_pdf(path, OFFICE, recap_doc()) == 3
    text = text_of(path)
    for expected in ("REKAPITULASI KUNJUNGAN", "Oktober 2026", "Mbah Klien 3", "Per pendamping",
                     "Bu Endang", "3/4 (!)", "Menurun", "kunjungan 10 dari 12"):  # fmt: skip
        assert expected in text, expected


def test_sihore_recap_runs_over_pages(tmp_path: Path) -> None:
    path = tmp_path / "rekap.pdf"
    sihore_recap_pdf(path, OFFICE, recap_doc(60))
    assert len(PdfReader(path).pages) >= 3 and "Halaman 1 dari" in text_of(path)


def test_visit_card(tmp_path: Path) -> None:
    card = VisitCardDoc(
        client_name="Mbah Sarinah",
        address="Jl. Kenanga 7, RT 002/RW 003",
        kelurahan="Sananwetan",
        carer="Bu Endang",
        visit_every_days=7,
        period="Oktober 2026",
        visits=(visit(3, "obat", "makanan"), visit(10, "kebersihan_diri")),
        blank_rows=3,
    )
    path = tmp_path / "kartu.pdf"
    assert visit_card_pdf(path, OFFICE, card) == 5
    text = text_of(path)
    for expected in ("KARTU KUNJUNGAN", "Mbah Sarinah", "setiap 7 hari", "Paraf keluarga",
                     "3 Oktober 2026", "Makanan, Obat"):  # fmt: skip
        assert expected in text, expected


def receipt_doc() -> DeviceReceiptDoc:
    return DeviceReceiptDoc(
        number="AB2026-KANTOR-000001",
        person_name="Rudi Hartono",
        person_nik=NIK,
        address="Jl. Mawar 3, RT 001/RW 002",
        kelurahan="Sentul",
        device="Kursi roda",
        spec="ukuran dewasa",
        delivered_on=date(2026, 11, 20),
        received_by="Sulastri (istri)",
        officer="Pekerja Sosial Contoh",
        device_name="KANTOR",
        qr_payload="BERDAYA|AB2026-KANTOR-000001|" + "A" * 86,
    )


def test_device_receipt(tmp_path: Path) -> None:
    path = tmp_path / "tanda-terima.pdf"
    assert device_receipt_pdf(path, OFFICE, receipt_doc()) == 1
    text = text_of(path)
    assert len(PdfReader(path).pages) == 1
    for expected in ("TANDA TERIMA ALAT BANTU", "AB2026-KANTOR-000001", "Kursi roda",
                     "Sulastri (istri)", "20 November 2026", "Yang menerima"):  # fmt: skip
        assert expected in text, expected
    assert NIK not in text and "3572" in text  # masked


def summary_doc() -> HearingSummaryDoc:
    return HearingSummaryDoc(
        initials="A.F.R.",
        sex="L",
        age=16,
        program="Anak Berhadapan dengan Hukum (ABH)",
        role="Anak yang berkonflik dengan hukum",
        matter="Pencurian ringan",
        stage="Diversi",
        worker="Pekerja Sosial Contoh",
        opened_on=date(2026, 8, 1),
        timeline=(
            TimelineLine(date(2026, 8, 1), "Kasus dibuka"),
            TimelineLine(date(2026, 8, 3), "Tahap: Penyidikan"),
            TimelineLine(date(2026, 8, 15), "Rujukan", "LPKS"),
        ),
        needs=("Dukungan psikososial",),
        school="Bersekolah",
        made_on=date(2026, 11, 20),
    )


def test_hearing_summary(tmp_path: Path) -> None:
    path = tmp_path / "ringkasan.pdf"
    assert hearing_summary_pdf(path, OFFICE, summary_doc()) == 3
    text = text_of(path)
    for expected in ("RINGKASAN KASUS ANAK", "A.F.R.", "16 tahun", "RAHASIA", "pasal 19",
                     "Penyidikan", "LPKS", "Pencurian ringan"):  # fmt: skip
        assert expected in text, expected
    assert " ".join(CONFIDENTIAL_NOTE.split()[:6]) in text


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_documents_render_to_ink(tmp_path: Path) -> None:
    """Each first page rasterises (poppler reads the file) and carries ink."""
    from PIL import Image

    builders = {
        "recap": lambda p: sihore_recap_pdf(p, OFFICE, recap_doc()),
        "receipt": lambda p: device_receipt_pdf(p, OFFICE, receipt_doc()),
        "summary": lambda p: hearing_summary_pdf(p, OFFICE, summary_doc()),
    }
    for name, build in builders.items():
        pdf = tmp_path / f"{name}.pdf"
        build(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / name)],
            check=True,
        )
        png = next(tmp_path.glob(f"{name}*.png"))
        with Image.open(png) as image:
            lo, _hi = image.convert("L").getextrema()
        assert lo < 80, name


def test_free_text_prints_literally(tmp_path: Path) -> None:
    """Markup in names and notes is text, never ReportLab markup."""
    hostile = "<b>Tebal</b> & <font size=40>x</font>"
    doc = receipt_doc()
    doc = DeviceReceiptDoc(**{**doc.__dict__, "person_name": hostile, "received_by": hostile})
    path = tmp_path / "t.pdf"
    device_receipt_pdf(path, OFFICE, doc)
    assert "<b>Tebal</b> &" in text_of(path)
    recap = recap_doc(1)
    client = ClientRecap(**{**recap.clients[0].__dict__, "name": hostile})
    recap = SihoreRecapDoc(**{**recap.__dict__, "clients": (client,)})
    sihore_recap_pdf(tmp_path / "r.pdf", OFFICE, recap)
    assert "<font size=40>x</font>" in text_of(tmp_path / "r.pdf")
