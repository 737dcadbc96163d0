"""Distribution documents, checked by their text, page counts and barcodes as printed."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from faker import Faker
from pypdf import PdfReader
from reportlab.lib.units import mm

from desktop_app.documents import distribution as dd
from desktop_app.documents.common import format_number_id, terbilang
from desktop_app.documents.distribution import (
    CARDS_PER_PAGE,
    BastDoc,
    CardDoc,
    ListRow,
    PointInfo,
    RecapDoc,
    RecapRow,
    ReceiptDoc,
    ReceptionList,
    RoundInfo,
    Totals,
    bast_pdf,
    cards_pdf,
    recap_pdf,
    receipts_pdf,
    reception_list_pdf,
)
from desktop_app.documents.distribution import receipt as receipt_module
from desktop_app.domain.nik import make_kk, make_nik, mask_nik
from desktop_app.domain.office import OfficeProfile
from desktop_app.domain.receipts import encode_signature, parse_signed_code, signed_qr_payload

OFFICE = OfficeProfile(
    address="Jl. Contoh Raya No. 1, Kota Blitar",
    phone="(0342) 000000",
    head_name="Contoh Kepala, S.Sos.",
    head_nip="197001011990031001",
)
ROUND = RoundInfo(
    id="r1",
    code="RST4",
    name="Rastrada Tahap IV 2025",
    program_name="Beras Kesejahteraan Daerah (Rastrada)",
    item="Beras",
    quantity=30,
    unit="kg",
    start_date=date(2026, 12, 1),
    end_date=date(2026, 12, 12),
)
POINT = PointInfo("p1", "Kantor Kelurahan Sukorejo", "kelurahan", "Jl. Contoh 2")
# 03:05 UTC is 10.05 WIB on a Friday.
RECEIVED_AT = datetime(2026, 11, 20, 3, 5, tzinfo=UTC)


def nik(i: int) -> str:
    return make_nik(
        "35.72.01", date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "LP"[i % 2], 1 + i % 9999
    )


def kk(i: int) -> str:
    return make_kk("35.72.01", date(2015, 3, 10), 1 + i % 9999)


def receipt(i: int, *, proxy: str | None = None) -> ReceiptDoc:
    number = f"RST4-LAP02-{i:06d}"
    return ReceiptDoc(
        receipt_number=number,
        verification_code=f"V{i:05d}",
        round=ROUND,
        point=POINT,
        recipient_name=f"Penerima Contoh {i}",
        recipient_nik=nik(i),
        kk_number=kk(i),
        address=f"Jl. Kenanga {i}, RT 002/RW 004",
        kelurahan="Sukorejo",
        collector_name=f"Pengambil Contoh {i}" if proxy else None,
        collector_nik=nik(i + 5000) if proxy else None,
        collector_relation=proxy,
        officer="Petugas Contoh",
        received_at=RECEIVED_AT,
        device_name="LAP02",
        # As long as a real one: number and an 86-character Ed25519 signature.
        qr_payload=signed_qr_payload(
            number, encode_signature(hashlib.sha512(number.encode()).digest())
        ),
    )


def list_rows(n: int, kelurahan: str = "Sukorejo") -> list[ListRow]:
    fake = Faker("id_ID")
    fake.seed_instance(7)
    statuses = ["diterima", "diwakilkan", "", "tidak_hadir", "ditolak"]
    return [
        ListRow(
            no=i,
            name=fake.name(),
            nik=nik(i),
            kk_number=kk(i),
            address=f"{fake.street_name()} No. {i % 90 + 1}, RT {i % 9 + 1:03d}/RW 004",
            rt=f"{i % 9 + 1:03d}",
            rw="004",
            kelurahan=kelurahan,
            status=statuses[i % 5],
            receipt_number=None,
            collector_name=None,
        )
        for i in range(1, n + 1)
    ]


def reception_list(rows: list[ListRow]) -> ReceptionList:
    n = len(rows)
    return ReceptionList(
        round=ROUND,
        point=POINT,
        kelurahan="Sukorejo",
        rows=rows,
        totals=Totals(entitled=n, received=n - 30, by_proxy=12, absent=20, refused=4),
        printed_on=date(2026, 12, 13),
        officer="Petugas Contoh",
    )


def page_text(page: object) -> str:
    # ReportLab writes the bullet of a masked NIK as WinAnsi code 0x7F, which the PDF spec
    # (and every viewer) shows as a bullet; pypdf passes the raw code through.
    return page.extract_text().replace("\x7f", "\u2022")  # type: ignore[attr-defined]


def page_texts(path: Path) -> list[str]:
    return [page_text(page) for page in PdfReader(path).pages]


def barcodes(path: Path, page: int = 0, dpi: int = 300) -> list[tuple[str, str]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = pdf[page].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    return [(b.text, b.format.name) for b in zxingcpp.read_barcodes(image)]


# --- tanda terima ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", dd.RECEIPT_LAYOUTS)
def test_receipt_text_in_every_layout(tmp_path: Path, layout: str) -> None:
    docs = [receipt(1), receipt(2, proxy="surat_kuasa"), receipt(3, proxy="ahli_waris")]
    path = tmp_path / f"{layout}.pdf"
    pages = receipts_pdf(path, OFFICE, docs, layout=layout)
    texts = page_texts(path)
    assert pages == len(texts) == (2 if layout == "half_a4" else 3)
    text = "\n".join(texts)
    assert text.count("TANDA TERIMA BANTUAN SOSIAL") == 3
    assert text.count("PEMERINTAH KOTA BLITAR") == 3 and text.count("DINAS SOSIAL") >= 3
    for i, doc in enumerate(docs, 1):
        assert doc.receipt_number in text
        assert doc.verification_code in text
        assert mask_nik(doc.recipient_nik) in text
        assert doc.recipient_nik not in text and doc.kk_number not in text
        assert f"Penerima Contoh {i}" in text
    assert "Pengambil Contoh 2" in text and "surat kuasa" in text
    assert "Pengambil Contoh 3" in text and "ahli waris" in text
    assert mask_nik(nik(5002)) in text and nik(5002) not in text
    assert "Yang mengambil," in text and "Yang menerima," in text
    assert "tanda tangan / cap jempol" in text
    assert "Beras 30 kg" in text and "Rastrada Tahap IV 2025" in text
    assert "Petugas Contoh" in text
    flat = " ".join(text.split())
    assert "Jumat, 20 November 2026 pukul 10.05 WIB" in flat


@pytest.mark.parametrize(("layout", "width_mm"), [("thermal58", 58), ("thermal80", 80)])
def test_thermal_pages_are_roll_wide_and_as_long_as_the_receipt(
    tmp_path: Path, layout: str, width_mm: int
) -> None:
    path = tmp_path / "roll.pdf"
    receipts_pdf(path, OFFICE, [receipt(1), receipt(2, proxy="same_kk")], layout=layout)
    personal, proxy = PdfReader(path).pages
    assert float(personal.mediabox.width) == pytest.approx(width_mm * mm, abs=0.01)
    assert float(proxy.mediabox.width) == pytest.approx(width_mm * mm, abs=0.01)
    # The proxy receipt carries three more lines, so its page is longer; neither is A4-long.
    assert float(personal.mediabox.height) < float(proxy.mediabox.height) < 200 * mm
    assert "anggota KK yang sama" in page_text(proxy)


@pytest.mark.parametrize("layout", dd.RECEIPT_LAYOUTS)
def test_receipt_qr_decodes_to_the_exact_payload(tmp_path: Path, layout: str) -> None:
    doc = receipt(42, proxy="surat_kuasa")
    path = tmp_path / "qr.pdf"
    receipts_pdf(path, OFFICE, [doc], layout=layout)
    assert barcodes(path) == [(doc.qr_payload, "QRCode")]
    # The signed code still reads at a thermal printer's 203 dpi, and parses back whole.
    assert barcodes(path, dpi=203) == [(doc.qr_payload, "QRCode")]
    parsed = parse_signed_code(doc.qr_payload)
    assert parsed is not None and parsed.number == doc.receipt_number
    assert parsed.signature == hashlib.sha512(doc.receipt_number.encode()).digest()


def test_half_a4_puts_two_receipts_on_a_sheet_and_each_qr_is_its_own(tmp_path: Path) -> None:
    path = tmp_path / "half.pdf"
    docs = [receipt(i) for i in range(1, 6)]
    assert receipts_pdf(path, OFFICE, docs, layout="half_a4") == 3
    found = {text for text, _ in barcodes(path, page=0)}
    assert found == {docs[0].qr_payload, docs[1].qr_payload}
    assert "potong di sini" in page_texts(path)[0]


def test_receipts_report_progress_and_refuse_bad_input(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = tmp_path / "r.pdf"
    receipts_pdf(
        path, OFFICE, [receipt(i) for i in range(1, 61)], progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (60, 60)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(ValueError):
        receipts_pdf(path, OFFICE, [receipt(1)], layout="a5")
    with pytest.raises(ValueError):
        receipts_pdf(path, OFFICE, [])


def test_a_failed_run_leaves_the_previous_pdf_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.pdf"
    receipts_pdf(path, OFFICE, [receipt(1)])
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("printer driver exploded")

    monkeypatch.setattr(receipt_module, "draw_qr", broken)
    with pytest.raises(RuntimeError):
        receipts_pdf(path, OFFICE, [receipt(2)])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"]


# --- daftar penerimaan -----------------------------------------------------------------------


def test_reception_list_text_masks_and_totals(tmp_path: Path) -> None:
    rows = list_rows(80)
    path = tmp_path / "list.pdf"
    seen: list[tuple[int, int]] = []
    pages = reception_list_pdf(
        path, OFFICE, reception_list(rows), progress=lambda d, t: seen.append((d, t))
    )
    texts = page_texts(path)
    assert pages == len(texts) >= 3
    assert seen[-1][0] == seen[-1][1]
    first, last = texts[0], texts[-1]
    assert "PEMERINTAH KOTA BLITAR" in first and "DINAS SOSIAL" in first
    assert "DAFTAR PENERIMAAN BANTUAN SOSIAL" in first
    assert "Kantor Kelurahan Sukorejo" in first and "Beras 30 kg per KPM" in first
    assert "1 Desember 2026 s.d. 12 Desember 2026" in first
    assert f"Halaman 1 dari {pages}" in first and f"Halaman {pages} dari {pages}" in last
    for page in texts[1:]:
        # Later pages repeat the column header but not the kop surat.
        assert "Cap Jempol" in page and "PEMERINTAH KOTA BLITAR" not in page
    everything = "\n".join(texts)
    for row in rows:
        assert mask_nik(row.nik) in everything
        assert row.nik not in everything and row.kk_number not in everything
    assert "Jumlah KPM terdaftar" in last and "80 KPM" in last
    assert "50 KPM (termasuk 12 diwakilkan)" in last
    assert "1.500 kg beras" in last  # 50 received x 30 kg
    assert "Petugas Penyalur," in last and "Contoh Kepala, S.Sos." in last
    assert "Blitar, 13 Desember 2026" in last
    assert "Diwakilkan" in everything and "Tidak hadir" in everything


def test_reception_list_rows_are_all_there_in_order(tmp_path: Path) -> None:
    rows = list_rows(150)
    path = tmp_path / "list.pdf"
    reception_list_pdf(path, OFFICE, reception_list(rows))
    everything = "\n".join(page_texts(path))
    positions = [everything.index(mask_nik(r.nik)) for r in rows]
    assert positions == sorted(positions)


def test_signature_numbers_alternate_left_and_right() -> None:
    odd, even = (dd.list_cells(r, with_kelurahan=False) for r in list_rows(2))
    assert odd[5:7] == ["1.", ""] and even[5:7] == ["", "2."]
    # RT/RW has its own column, so it is not repeated in the address.
    assert "RT" not in odd[3] and odd[4].endswith("/004")


def test_long_names_wrap_instead_of_overflowing() -> None:
    row = list_rows(1)[0]
    long = ListRow(**{**row.__dict__, "name": "Raden Mas Bagus Sulistyo Hadiningrat " * 3})
    name_cell = dd.list_cells(long, with_kelurahan=False)[1]
    assert name_cell.count("\n") == 1 and name_cell.endswith("…")


def test_reception_list_of_7716_rows_has_the_expected_page_count(tmp_path: Path) -> None:
    n = 7716
    rows = list_rows(n)
    path = tmp_path / "big.pdf"
    pages = reception_list_pdf(path, OFFICE, reception_list(rows))
    reader = PdfReader(path)
    assert pages == len(reader.pages)
    first_text = page_text(reader.pages[0])
    per_first = sum(1 for r in rows[:60] if mask_nik(r.nik) in first_text)
    second_text = page_text(reader.pages[1])
    per_later = sum(1 for r in rows[:120] if mask_nik(r.nik) in second_text)
    assert 15 <= per_first < per_later <= 30
    row_pages = 1 + math.ceil((n - per_first) / per_later)
    last_row_page = page_text(reader.pages[row_pages - 1])
    assert mask_nik(rows[-1].nik) in last_row_page
    # The totals and signatures follow the last rows, on the same page or on one more.
    assert pages in (row_pages, row_pages + 1)
    last = page_text(reader.pages[-1])
    assert "7.716 KPM" in last and f"Halaman {pages} dari {pages}" in last
    assert f"Halaman 1 dari {pages}" in first_text


# --- BAST, cards, recap ----------------------------------------------------------------------


def test_bast_spells_out_the_date_and_names_both_parties(tmp_path: Path) -> None:
    totals = Totals(entitled=400, received=380, by_proxy=15, absent=15, refused=2)
    doc = BastDoc(
        number="BAST/RST4/KANTOR/003",
        round=ROUND,
        point=POINT,
        on=date(2026, 11, 20),
        first_party_name="Contoh Kepala, S.Sos.",
        first_party_title="Kepala Dinas Sosial Kota Blitar",
        second_party_name="Lurah Contoh & Rekan",
        second_party_title="Lurah Sukorejo",
        totals=totals,
        total_quantity=380 * 30,
        notes="Dua KPM pindah domisili.",
    )
    path = tmp_path / "bast.pdf"
    assert bast_pdf(path, OFFICE, doc) == 1
    text = " ".join(page_texts(path)[0].split())
    assert "BERITA ACARA SERAH TERIMA" in text and "Nomor: BAST/RST4/KANTOR/003" in text
    assert (
        "Pada hari Jumat tanggal dua puluh bulan November tahun dua ribu dua puluh enam "
        "(20-11-2026)" in text
    )
    assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    assert "Contoh Kepala, S.Sos." in text and "Lurah Contoh & Rekan" in text
    assert "380 KPM" in text and "11.400 kg" in text and "400 KPM" in text
    assert "Dua KPM pindah domisili." in text
    assert "Blitar, 20 November 2026" in text and "PEMERINTAH KOTA BLITAR" in text
    # The head hands over in person: no "Mengetahui" block repeating the same signer.
    assert "Mengetahui" not in text


def test_bast_by_a_head_of_division_is_acknowledged_by_the_head_on_one_page(tmp_path: Path) -> None:
    doc = BastDoc(
        number="BAST/RST4/KANTOR/004",
        round=ROUND,
        point=None,
        on=date(2026, 12, 14),
        first_party_name="Contoh Kabid, M.M.",
        first_party_title="Kepala Bidang Perlindungan dan Jaminan Sosial",
        second_party_name="Koordinator Contoh",
        second_party_title="Koordinator Penyaluran",
        totals=Totals(7716, 7500, 300, 150, 20),
        total_quantity=7500 * 30,
        notes="Catatan yang agak panjang untuk menguji tata letak. " * 3,
    )
    path = tmp_path / "bast.pdf"
    assert bast_pdf(path, OFFICE, doc) == 1
    text = " ".join(page_texts(path)[0].split())
    assert "Mengetahui" in text and "Contoh Kepala, S.Sos." in text and "197001011990031001" in text
    assert "Pada hari Senin tanggal empat belas bulan Desember" in text
    assert "seluruh titik salur" in text and "225.000 kg" in text and "7.716 KPM" in text


def cards(n: int) -> list[CardDoc]:
    return [
        CardDoc(
            card_code=f"KPM-3572-{i:06d}",
            name=f"Penerima Kartu {i}",
            nik=nik(i),
            kk_number=kk(i),
            address=f"Jl. Melati {i}, RT 001/RW 002",
            kelurahan="Sukorejo",
            kecamatan="Sukorejo",
            program_name=ROUND.program_name,
        )
        for i in range(1, n + 1)
    ]


def test_cards_eight_per_page_masked_with_readable_barcodes(tmp_path: Path) -> None:
    docs = cards(19)
    path = tmp_path / "cards.pdf"
    seen: list[tuple[int, int]] = []
    assert cards_pdf(path, OFFICE, docs, progress=lambda d, t: seen.append((d, t))) == 3
    assert CARDS_PER_PAGE == 8 and seen[-1] == (19, 19)
    texts = page_texts(path)
    assert [t.count("KARTU KPM") for t in texts] == [8, 8, 3]
    assert "Halaman 1 dari 3" in texts[0]
    everything = "\n".join(texts)
    for card in docs:
        assert card.card_code in everything and card.name.upper() in everything
        assert mask_nik(card.nik) in everything
        assert card.nik not in everything and card.kk_number not in everything
    decoded = barcodes(path, page=0)
    assert sorted(decoded) == sorted((c.card_code, "Code128") for c in docs[:8])


def test_recap_rows_grand_total_and_signature(tmp_path: Path) -> None:
    rows = [
        RecapRow("Sukorejo", "Kantor Kelurahan Sukorejo", Totals(400, 350, 20, 10, 2)),
        RecapRow("Sukorejo", "Toko Mitra Sumber Rejeki", Totals(100, 90, 5, 5, 0)),
        RecapRow("Bendo", "Kantor Kelurahan Bendo", Totals(1500, 1400, 60, 50, 10)),
    ]
    grand = Totals(2000, 1840, 85, 65, 12)
    path = tmp_path / "recap.pdf"
    assert recap_pdf(path, OFFICE, RecapDoc(ROUND, rows, grand, date(2026, 12, 13))) == 1
    text = page_texts(path)[0]
    assert "REKAPITULASI PENYALURAN BANTUAN SOSIAL" in text
    assert "Toko Mitra Sumber Rejeki" in text and "Kantor Kelurahan Bendo" in text
    assert "JUMLAH" in text and "2.000" in text and "1.840" in text
    assert "92" in text  # 1840 / 2000 received
    assert "55.200 kg" in text  # 1840 x 30 kg
    assert "Blitar, 13 Desember 2026" in text and "Contoh Kepala, S.Sos." in text
    assert "Halaman 1 dari 1" in text


def test_totals_pending_and_indonesian_numbers() -> None:
    assert Totals(10, 6, 2, 1, 1).pending == 2
    assert terbilang(2026) == "dua ribu dua puluh enam"
    assert terbilang(11) == "sebelas" and terbilang(100) == "seratus"
    assert terbilang(1_000) == "seribu" and terbilang(7_716) == "tujuh ribu tujuh ratus enam belas"
    assert terbilang(2_000_000) == "dua juta"
    assert format_number_id(231480) == "231.480" and format_number_id(2.5) == "2,5"
    assert dd.date_in_words(date(2026, 11, 20)).startswith("hari Jumat tanggal dua puluh")


def test_missing_fields_and_long_text_still_print(tmp_path: Path) -> None:
    long_address = (
        "Perumahan Griya Permata Indah Blok C-12 No. 45, Jalan Raya Kanigoro Kilometer 5, "
        "RT 012/RW 006"
    )
    r = receipt(7, proxy="ahli_waris")
    r = ReceiptDoc(
        **{**r.__dict__, "point": None, "kk_number": None, "collector_nik": None},
    )
    for layout in dd.RECEIPT_LAYOUTS:
        path = tmp_path / f"{layout}.pdf"
        assert receipts_pdf(path, OFFICE, [r], layout=layout) == 1
        text = page_texts(path)[0]
        assert "Titik salur" not in text and "ahli waris" in text
    card = CardDoc(
        **{
            **cards(1)[0].__dict__,
            "name": "Raden Mas Bagus Sulistyo Hadiningrat Kusumawardhani Prawirodirjo",
            "kk_number": None,
            "address": long_address,
        }
    )
    path = tmp_path / "card.pdf"
    cards_pdf(path, OFFICE, [card])
    flat = " ".join(page_texts(path)[0].split())
    # A long address wraps onto a second line rather than losing its RT/RW.
    assert "RT 012/RW 006" in flat and "RADEN MAS BAGUS" in flat
    empty = ReceptionList(**{**reception_list([]).__dict__, "point": None, "kelurahan": None})
    path = tmp_path / "empty.pdf"
    assert reception_list_pdf(path, OFFICE, empty) == 1
    text = page_texts(path)[0]
    assert "(belum ada penerima)" in text and "Semua titik salur" in text


def test_bast_has_stock_lines_a_copy_mark_and_a_labelled_blank_second_party(
    tmp_path: Path,
) -> None:
    doc = BastDoc(
        number="BAST/RST4/LAP02/003",
        round=ROUND,
        point=POINT,
        on=date(2026, 11, 20),
        first_party_name="Contoh Kepala, S.Sos.",
        first_party_title="Kepala Dinas Sosial Kota Blitar",
        second_party_name="....................................",
        second_party_title="Pemilik Toko Contoh",
        totals=Totals(entitled=400, received=380, by_proxy=15, absent=15, refused=2),
        total_quantity=380 * 30,
        stock_received=12000.5,
        copy=True,
        second_party_hint="nama pemilik toko",
    )
    path = tmp_path / "bast.pdf"
    assert bast_pdf(path, OFFICE, doc) == 1
    text = " ".join(page_texts(path)[0].split())
    assert "Nomor: BAST/RST4/LAP02/003 SALINAN" in text
    assert "Diterima dari gudang 12.000,5 kg" in text
    assert "Diserahkan kepada KPM secara langsung 365 KPM 10.950 kg" in text
    assert "Diserahkan kepada wakil KPM (diwakilkan) 15 KPM 450 kg" in text
    assert "Jumlah tersalurkan (2 + 3) 380 KPM 11.400 kg" in text
    assert "Tidak diambil: KPM tidak hadir 15 KPM 450 kg" in text
    assert "Tidak diambil: KPM ditolak 2 KPM 60 kg" in text
    assert "Belum diambil 3 KPM 90 kg" in text
    assert "Sisa / dikembalikan ke gudang (1 - jumlah tersalurkan) 600,5 kg" in text
    assert text.count("(nama pemilik toko)") == 2  # beside the name and under the signature


def test_bast_preview_is_marked_and_leaves_stock_blank(tmp_path: Path) -> None:
    doc = BastDoc(
        number="(nomor diberikan saat dicetak)",
        round=ROUND,
        point=None,
        on=date(2026, 11, 20),
        first_party_name="Contoh Kepala, S.Sos.",
        first_party_title="Kepala Dinas Sosial Kota Blitar",
        second_party_name="Koordinator Contoh",
        second_party_title="Koordinator Penyaluran",
        totals=Totals(10, 8, 1, 1, 0),
        total_quantity=8 * 30,
        preview=True,
    )
    path = tmp_path / "bast.pdf"
    bast_pdf(path, OFFICE, doc)
    text = " ".join(page_texts(path)[0].split())
    assert "PRATINJAU" in text and "SALINAN" not in text
    assert "Diterima dari gudang ........ kg" in text
    assert "Sisa / dikembalikan ke gudang (1 - jumlah tersalurkan) ........ kg" in text
