"""BIP (Buku Induk Penduduk) and DTKS/BDT/Regsosek layouts, title blocks, address lines, and what
lists say about status and need (review items, disability suggestions). Synthetic people only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import select

from desktop_app.services.context import AppContext
from desktop_app.services.importing import (
    ImportKind,
    ImportOptions,
    ImportReport,
    ImportService,
    RowStatus,
)
from desktop_app.services.importing.blocks import (
    AddressLine,
    FamilyAddresses,
    address_line,
    read_title_block,
)
from desktop_app.storage.models import Enrolment, Household, Person
from tests.helpers import make_kk, make_nik

SENTUL = "35.72.01.1003"


def write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(name)
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def run(svc: ImportService, path: Path, *, commit: bool = False, **options: Any) -> ImportReport:
    prepared = svc.prepare(path, ImportOptions(**options))
    try:
        return svc.commit(prepared, accept_valid=True) if commit else svc.dry_run(prepared)
    finally:
        prepared.close()


# -- pure parsing ---------------------------------------------------------------------------------


def test_title_block_in_one_cell_or_spread_over_cells() -> None:
    rows: list[list[Any]] = [
        ["BUKU INDUK PENDUDUK"],
        ["PROVINSI : JAWA TIMUR", None, "PERIODE : JANUARI 2024"],
        ["KABUPATEN/KOTA", ":", "KOTA BLITAR"],
        ["KECAMATAN", ": 35.72.01 - KEPANJENKIDUL"],
        ["DESA/KELURAHAN :", "SENTUL"],
        ["NO", "NIK"],
    ]
    title = read_title_block(rows, 5)
    assert title.provinsi == "JAWA TIMUR" and title.kabupaten == "KOTA BLITAR"
    assert title.kecamatan == "KEPANJENKIDUL" and title.kelurahan == "SENTUL"
    assert title.periode == "JANUARI 2024"
    # Ordinary title rows say nothing about the region.
    assert not read_title_block([["DAFTAR PENERIMA RASTRADA KELURAHAN SENTUL"], ["NIK"]], 1)


def test_address_line_parts() -> None:
    line = address_line(["Alamat: JL. ANGGREK 5, Nama Dusun: KRAJAN, RT/RW: 003/001"])
    assert line == AddressLine("JL. ANGGREK 5, Dusun KRAJAN", "003", "001", None)
    spread = address_line([None, "Alamt:", "JL. MELATI 2", "Nama Dusun: -", "RT: 4", "RW: 2"])
    assert spread == AddressLine("JL. MELATI 2", "004", "002", None)
    kk = make_kk(7)
    named = address_line([f"Alamat: JL. MAWAR 1, No. KK: {kk}, RT/RW: 1/1"])
    assert named is not None and named.kk_number == kk
    # A person's row is never an address line, even with "Alamat:" in its street cell.
    assert address_line([1, make_nik(date(1980, 1, 2)), "BUDI", "Alamat: JL. X"]) is None
    assert address_line(["ALAMAT", "RT", "RW"]) is None  # a header, no colon


def test_address_line_belongs_to_its_family() -> None:
    a, b = make_kk(1), make_kk(2)
    fam = FamilyAddresses()
    line_a, line_b, line_c = AddressLine("A"), AddressLine("B"), AddressLine("C")
    fam.add(0, line_a)  # heads family a
    fam.add(3, line_b)  # after a's head: sits among b's members
    fam.add(6, line_c)  # after the last family: closes it... but b already has its line
    kks: list[str | None] = [a, a, b, b, b, b]
    found = fam.by_family(kks)
    assert found[a] is line_a and found[b] is line_b


# -- BIP -------------------------------------------------------------------------------------------

BIP_TOP = ["NO", "NIK", "NO. KK", "NAMA LENGKAP", "JENIS", "TEMPAT", "TANGGAL", "HUBUNGAN",
           "AGAMA", "CACAT"]  # fmt: skip
BIP_SUB = [None, None, None, None, "KELAMIN", "LAHIR", "LAHIR", "KELUARGA", None, None]


def bip_file(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A BIP 2016-style sheet: title block, two-row header, a column-number row, two family
    blocks (one address line heading its block, one sitting after the head)."""
    kk1, kk2 = make_kk(11), make_kk(12)
    born = [date(1970, 3, 4), date(1972, 5, 6), date(1999, 7, 8), date(1980, 1, 9),
            date(1983, 2, 10)]  # fmt: skip
    niks = [make_nik(born[0], "L", 21), make_nik(born[1], "P", 22), make_nik(born[2], "L", 23),
            make_nik(born[3], "L", 24), make_nik(born[4], "P", 25)]  # fmt: skip
    rows: list[list[Any]] = [
        ["BUKU INDUK PENDUDUK"],
        ["PROVINSI", ":", "JAWA TIMUR"],
        ["KABUPATEN/KOTA", ":", "KOTA BLITAR"],
        ["KECAMATAN", ":", "KEPANJENKIDUL"],
        ["DESA/KELURAHAN", ":", "SENTUL"],
        ["PERIODE", ":", "JANUARI 2024"],
        [],
        BIP_TOP,
        BIP_SUB,
        list(range(1, 11)),
        ["Alamat: JL. ANGGREK 5, Nama Dusun: -, RT/RW: 003/001"],
        [
            1,
            niks[0],
            kk1,
            "Budi Contoh",
            "LK",
            "BLITAR",
            "04-03-1970",
            "KEPALA KELUARGA",
            "ISLAM",
            "TIDAK CACAT",
        ],
        [2, niks[1], kk1, "Sri Contoh", "PR", "BLITAR", "06-05-1972", "ISTRI", "ISLAM", None],
        [
            3,
            niks[2],
            kk1,
            "Adi Contoh",
            "LK",
            "BLITAR",
            "08-07-1999",
            "ANAK",
            "ISLAM",
            "CACAT NETRA/BUTA",
        ],
        [
            4,
            niks[3],
            kk2,
            "Eko Contoh",
            "1",
            "KEDIRI",
            "09-01-1980",
            "KEPALA KELUARGA",
            "ISLAM",
            None,
        ],
        ["Alamat: JL. MELATI 9, Nama Dusun: -, RT/RW: 002/004"],
        [5, niks[4], kk2, "Rina Contoh", "2", "BLITAR", "10-02-1983", "ISTRI", "ISLAM", None],
        [],
        ["Mengetahui,", None, None, "Lurah Sentul"],
    ]
    path = write(tmp_path / "bip.xlsx", {"BIP": rows})
    return path, {"kk": (kk1, kk2), "niks": niks}


def test_bip_round_trip(ctx: AppContext, tmp_path: Path) -> None:
    path, data = bip_file(tmp_path)
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions(kind=ImportKind.HOUSEHOLDS))
    try:
        assert prepared.layout_name == "Buku Induk Penduduk (BIP) Dukcapil"
        assert prepared.title.kelurahan == "SENTUL"
        for key in ("nik", "kk_number", "name", "sex", "birth_place", "birth_date", "relation"):
            assert key in prepared.mapping, key
        report = svc.dry_run(prepared)
    finally:
        prepared.close()
    statuses = [r.status for r in report.rows]
    assert statuses == [RowStatus.NEW] * 5, [(r.row, r.errors) for r in report.rows]
    assert all(r.nik and r.nik.isdigit() for r in report.rows)  # no "Alamat:" person
    assert report.ignored_rows >= 2
    # The disability in the list is a suggestion, never an enrolment.
    assert [(s["nik"], s["ragam"]) for s in report.suggestions] == [
        (data["niks"][2], ["sensorik_netra"])
    ]
    done = run(svc, path, commit=True, kind=ImportKind.HOUSEHOLDS)
    assert done.committed and done.count(RowStatus.NEW) == 5
    kk1, kk2 = data["kk"]
    with ctx.db.session() as s:
        homes = {h.kk_number: h for h in s.exec(select(Household)).all()}
        people = {p.nik: p for p in s.exec(select(Person)).all()}
        assert s.exec(select(Enrolment)).all() == []
    assert (homes[kk1].street, homes[kk1].rt, homes[kk1].rw) == ("JL. ANGGREK 5", "003", "001")
    assert (homes[kk2].street, homes[kk2].rt, homes[kk2].rw) == ("JL. MELATI 9", "002", "004")
    assert homes[kk1].kelurahan_code == SENTUL and homes[kk2].kelurahan_code == SENTUL
    head1 = people[data["niks"][0]]
    assert homes[kk1].head_person_id == head1.id
    assert homes[kk2].head_person_id == people[data["niks"][3]].id
    assert people[data["niks"][4]].street == "JL. MELATI 9"
    # Imported again: nothing changes.
    again = run(svc, path, kind=ImportKind.HOUSEHOLDS)
    assert {r.status for r in again.rows} == {RowStatus.UNCHANGED}


def test_title_block_unknown_kelurahan_is_refused_like_a_column(
    ctx: AppContext, tmp_path: Path
) -> None:
    path, _ = bip_file(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws["C5"] = "DESA ANTAH"
    wb.save(path)
    report = run(ImportService(ctx), path, kind=ImportKind.HOUSEHOLDS)
    assert {r.status for r in report.rows} == {RowStatus.REJECTED}
    assert "ANTAH" in report.rows[0].reasons


# -- DTKS / BDT / Regsosek -------------------------------------------------------------------------


def dtks_file(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    kk = make_kk(31)
    born = [date(1965, 1, 2), date(1968, 3, 4), date(2001, 5, 6)]
    niks = [make_nik(born[0], "L", 41), make_nik(born[1], "P", 42), make_nik(born[2], "P", 43)]
    tempat = [
        ["IDBDT", "PROVINSI", "KABUPATEN", "KECAMATAN", "DESA", "ALAMAT", "NAMA KRT"],
        ["3572010001", "JAWA TIMUR", "KOTA BLITAR", "KEPANJENKIDUL", "SENTUL", "JL. SAWO 1",
         "Joko Contoh"],
    ]  # fmt: skip
    perumahan = [["IDBDT", "STATUS BANGUNAN", "LUAS LANTAI"], ["3572010001", 1, 36]]
    anggota = [
        ["IDBDT", "IDARTBDT", "NAMA KRT", "NAMA ART", "NIK", "NO KK", "JNS KEL", "TGL LAHIR",
         "HUB KK", "STATUS DISABILITAS", "STATUS KEBERADAAN ART", "KELURAHAN", "KECAMATAN"],
        ["3572010001", "1", "Joko Contoh", "Joko Contoh", niks[0], kk, 1, "02-01-1965", None,
         "TIDAK", 1, "SENTUL", "KEPANJENKIDUL"],
        ["3572010001", "2", "Joko Contoh", "Tini Contoh", niks[1], kk, 2, "04-03-1968", 2,
         "DISABILITAS FISIK", 1, "SENTUL", "KEPANJENKIDUL"],
        ["3572010001", "3", "Joko Contoh", "Ani Contoh", niks[2], kk, 2, "06-05-2001", 3,
         None, 2, "SENTUL", "KEPANJENKIDUL"],
    ]  # fmt: skip
    program = [["IDBDT", "NAMA KRT", "PKH", "BPNT"], ["3572010001", "Joko Contoh", 1, 1]]
    path = write(
        tmp_path / "bdt.xlsx",
        {
            "KETERANGAN TEMPAT": tempat,
            "PERUMAHAN": perumahan,
            "ANGGOTA RUMAH TANGGA": anggota,
            "KEIKUTSERTAAN PROGRAM": program,
        },
    )
    return path, {"kk": kk, "niks": niks}


def test_dtks_members_sheet_head_and_review(ctx: AppContext, tmp_path: Path) -> None:
    path, data = dtks_file(tmp_path)
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions(kind=ImportKind.HOUSEHOLDS))
    try:
        assert prepared.sheet == "ANGGOTA RUMAH TANGGA"
        assert prepared.recognised is not None and prepared.recognised.id == "dtks"
        for key in ("nik", "kk_number", "name", "sex", "birth_date", "kelurahan"):
            assert key in prepared.mapping, key
        report = svc.dry_run(prepared)
    finally:
        prepared.close()
    by_nik = {r.nik: r for r in report.rows}
    head, wife, dead = (by_nik[n] for n in data["niks"])
    assert head.status == RowStatus.NEW and wife.status == RowStatus.NEW
    assert head.name == "JOKO CONTOH"
    # The list says she died: a review item, never a silent death and never imported.
    assert dead.status == RowStatus.REVIEW
    assert any(w.code == "import.review_dead" for w in dead.warnings)
    assert report.counts["review"] == 1 and report.count(RowStatus.REJECTED) == 0
    assert [s["nik"] for s in report.suggestions] == [data["niks"][1]]
    assert report.suggestions[0]["ragam"] == ["fisik"]

    done = run(svc, path, commit=True, kind=ImportKind.HOUSEHOLDS)
    assert done.committed
    with ctx.db.session() as s:
        home = s.exec(select(Household)).one()
        people = {p.nik: p for p in s.exec(select(Person)).all()}
        assert s.exec(select(Enrolment)).all() == []
    assert data["niks"][2] not in people
    assert home.kk_number == data["kk"] and home.head_person_id == people[data["niks"][0]].id
    assert people[data["niks"][1]].relation == "istri"
    assert home.kelurahan_code == SENTUL


def test_review_never_changes_a_registered_person(ctx: AppContext, tmp_path: Path) -> None:
    """The list says Mati for someone the registry has as aktif: the row is listed for review
    and the commit leaves the person exactly as they were."""
    path, data = dtks_file(tmp_path)
    svc = ImportService(ctx)
    # First import the family with everybody alive.
    wb = openpyxl.load_workbook(path)
    ws = wb["ANGGOTA RUMAH TANGGA"]
    ws["K4"] = 1
    wb.save(path)
    run(svc, path, commit=True, kind=ImportKind.HOUSEHOLDS)
    ws["K4"] = 2
    ws["D4"] = "Ani Contoh Baru"  # a change the review must not let through
    wb.save(path)
    report = run(svc, path, commit=True, kind=ImportKind.HOUSEHOLDS)
    row = next(r for r in report.rows if r.nik == data["niks"][2])
    assert row.status == RowStatus.REVIEW and row.changes == []
    assert any(w.code == "import.review_registry" for w in row.warnings)
    with ctx.db.session() as s:
        person = s.exec(select(Person).where(Person.nik == data["niks"][2])).one()
    assert person.status == "aktif" and person.name == "ANI CONTOH"


@pytest.mark.parametrize(
    ("value", "code"),
    [("MATI", "import.review_dead"), ("Tidak Valid", "import.review_invalid"),
     ("PINDAH", "import.review_moved")],
)  # fmt: skip
def test_siak_status_review_items(ctx: AppContext, tmp_path: Path, value: str, code: str) -> None:
    nik, kk = make_nik(date(1950, 6, 7), "L", 51), make_kk(51)
    header = ["Nomor KK", "NIK", "Nama Penduduk", "Status", "Tempat Lahir", "Tanggal Lahir",
              "Kelamin", "SHDK", "Kecamatan", "Desa/Kel", "Alamat", "RW", "RT",
              "Cacat"]  # fmt: skip
    row = [kk, nik, "Darto Contoh", value, "BLITAR", "07-06-1950", "1", "1", "KEPANJENKIDUL",
           "SENTUL", "JL. KELAPA 3", "1", "2", "TIDAK CACAT"]  # fmt: skip
    path = write(tmp_path / "siak.xlsx", {"Sheet1": [header, row]})
    report = run(ImportService(ctx), path, commit=True)
    assert report.rows[0].status == RowStatus.REVIEW
    assert [w.code for w in report.rows[0].warnings][:1] == [code]
    assert report.suggestions == []
    with ctx.db.session() as s:
        assert s.exec(select(Person)).all() == []


def test_messy_file_without_layout_is_unchanged(ctx: AppContext, tmp_path: Path) -> None:
    """A plain list with a STATUS column (Berdaya's own export has one) is not read as a
    life status: only a recognised layout's Status column is."""
    nik = make_nik(date(1960, 1, 12), "P", 61)
    path = write(
        tmp_path / "plain.xlsx",
        {"DATA": [["NIK", "NAMA", "L/P", "KELURAHAN", "STATUS", "CACAT"],
                  [nik, "Wati Contoh", "P", "Sentul", "Meninggal dunia", "YA"]]},
    )  # fmt: skip
    report = run(ImportService(ctx), path)
    assert report.rows[0].status == RowStatus.NEW
    assert report.suggestions == [] and report.rows[0].warnings == []
