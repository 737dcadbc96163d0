"""Training PDFs checked by their text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop_app.documents.training import (
    AttendanceRecapData,
    AttendanceSheetData,
    CertificateData,
    RecapRow,
    SheetParticipant,
    SheetSession,
    TrainingInfo,
    attendance_recap_pdf,
    attendance_sheet_pdf,
    certificates_pdf,
)
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile

OFFICE = OfficeProfile(head_name="Contoh Kepala, S.Sos.", head_nip="197001011990031001")
INFO = TrainingInfo(
    title="Pelatihan Membuat Jajanan Pasar",
    category="Jajanan",
    organiser="Dinas Sosial Kota Blitar",
    trainers=("Sri Wahyuni", "Budi Santoso"),
    venue="Aula Kelurahan Sananwetan",
    start_date=date(2026, 12, 1),
    end_date=date(2026, 12, 5),
    threshold_pct=80,
)
SESSIONS = [
    SheetSession(i, date(2026, 12, i), "08:00 - 12:00", f"Topik ke-{i}") for i in range(1, 6)
]
FULL_NIK = "3572034509870001"


def text_of(path: Path) -> list[str]:
    """Page texts with whitespace collapsed (wrapped lines join) and the mask bullet, which
    pypdf reads back from Helvetica's WinAnsi encoding as DEL, restored."""
    return [
        " ".join(page.extract_text().replace("\x7f", "•").split()) for page in PdfReader(path).pages
    ]


def participants(n: int) -> list[SheetParticipant]:
    return [
        SheetParticipant(i, f"Peserta Nomor {i}", mask_nik(FULL_NIK), "Sananwetan")
        for i in range(1, n + 1)
    ]


def test_attendance_sheet_per_session(tmp_path: Path) -> None:
    path = tmp_path / "hadir.pdf"
    seen: list[tuple[int, int]] = []
    data = AttendanceSheetData(INFO, SESSIONS[:2], participants(30))
    pages = attendance_sheet_pdf(path, OFFICE, data, progress=lambda d, t: seen.append((d, t)))
    texts = text_of(path)
    assert pages == len(texts) >= 4
    everything = "\n".join(texts)
    assert everything.count("DAFTAR HADIR PESERTA PELATIHAN") == 2
    # Every session starts on a page with the kop surat.
    starts = [t for t in texts if "DAFTAR HADIR" in t]
    assert all("PEMERINTAH KOTA BLITAR" in t for t in starts)
    assert "Selasa, 1 Desember 2026" in everything and "Rabu, 2 Desember 2026" in everything
    assert "Peserta Nomor 30" in everything
    assert "3572••••••••0001" in everything and FULL_NIK not in everything
    assert "29. ....." in everything and "30. ....." in everything
    assert f"Halaman 1 dari {pages}" in texts[0]
    assert seen[-1] == (2, 2)


def test_attendance_sheet_shows_participants_without_nik(tmp_path: Path) -> None:
    path = tmp_path / "hadir.pdf"
    people = [SheetParticipant(1, "Anak Tanpa KTP", "", "Bendo", nik_warning=True)]
    attendance_sheet_pdf(path, OFFICE, AttendanceSheetData(INFO, SESSIONS[:1], people))
    assert "(tanpa NIK)" in text_of(path)[0]


def test_recap_marks_who_meets_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "rekap.pdf"
    rows = [
        RecapRow(1, "Lulus Semua", "3572••••••••0001", ("H",) * 5, 5, 100, True),
        RecapRow(2, "Kurang Hadir", "3572••••••••0002", ("H", "I", "S", "A", "H"), 2, 40, False),
        RecapRow(
            3,
            "Sudah Mundur",
            "",
            ("H", "", "", "", ""),
            1,
            20,
            False,
            note="Mundur 2 Desember 2026: pindah",
        ),
    ]
    attendance_recap_pdf(path, OFFICE, AttendanceRecapData(INFO, SESSIONS, rows, date(2026, 12, 6)))
    text = "\n".join(text_of(path))
    assert "REKAPITULASI KEHADIRAN PESERTA PELATIHAN" in text
    assert "hadir (H) minimal 80% dari 5 sesi" in text
    assert "Memenuhi" in text and "Belum" in text
    assert "Peserta aktif: 2 · memenuhi syarat: 1 · belum memenuhi: 1 · mundur: 1" in text
    assert "Blitar, 6 Desember 2026" in text and "Contoh Kepala, S.Sos." in text


def test_certificates_one_page_each_with_number(tmp_path: Path) -> None:
    path = tmp_path / "sertifikat.pdf"
    certs = [
        CertificateData(
            number=f"000{i}/SERT-PLT/KANTOR/XII/2026",
            name=f"Peserta Lulus {i}",
            birth_place="Blitar",
            birth_date=date(1985, 3, i),
            training=INFO,
            attendance_pct=100,
            issued_on=date(2026, 12, 6),
        )
        for i in range(1, 4)
    ]
    assert certificates_pdf(path, OFFICE, certs) == 3
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert height > width  # A4 portrait
    first = text_of(path)[0]
    assert "SERTIFIKAT" in first
    assert "Nomor: 0001/SERT-PLT/KANTOR/XII/2026" in first
    assert "PESERTA LULUS 1" in first
    assert "Tempat, tanggal lahir: Blitar, 1 Maret 1985" in first
    assert "Pelatihan Membuat Jajanan Pasar" in first
    assert "1 - 5 Desember 2026" in first and "Aula Kelurahan Sananwetan" in first
    assert "LULUS" in first
    assert "Kepala Dinas Sosial Kota Blitar" in first and "Contoh Kepala, S.Sos." in first
    assert "NIP. 197001011990031001" in first
    assert "Pindai untuk verifikasi" in first


def test_override_certificate_does_not_claim_a_pass(tmp_path: Path) -> None:
    path = tmp_path / "sertifikat.pdf"
    cert = CertificateData(
        "0009/SERT-PLT/KANTOR/XII/2026",
        "Peserta Khusus",
        None,
        None,
        INFO,
        60,
        date(2026, 12, 6),
        passed=False,
    )
    certificates_pdf(path, OFFICE, [cert])
    text = text_of(path)[0]
    assert "dengan kehadiran 60%" in text and "LULUS" not in text
    assert "Tempat, tanggal lahir: -, -" in text


def test_failed_build_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "kosong.pdf"
    with pytest.raises(ValueError):
        certificates_pdf(path, OFFICE, [])
    assert list(tmp_path.iterdir()) == []


def test_certificate_qr_carries_number_and_signature(tmp_path: Path) -> None:
    import hashlib

    import pypdfium2 as pdfium
    import zxingcpp

    from desktop_app.domain.receipts import encode_signature, signed_qr_payload

    number = "0001/SERT-PLT/KANTOR/XII/2026"
    payload = signed_qr_payload(number, encode_signature(hashlib.sha512(b"x").digest()))
    cert = CertificateData(
        number=number,
        name="Peserta Lulus 1",
        birth_place="Blitar",
        birth_date=date(1985, 3, 1),
        training=INFO,
        attendance_pct=100,
        issued_on=date(2026, 12, 6),
        qr_payload=payload,
    )
    path = tmp_path / "sertifikat.pdf"
    certificates_pdf(path, OFFICE, [cert])
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[0].render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [payload]
    assert number in text_of(path)[0]  # the number stays printed for people
