"""Issue 18, the rest: OpenSID programme-participant lists, BNBA lists without a column-number
row, columns deliberately not stored, and restricted programmes past the clerk's permissions.
Synthetic people only (tests.helpers.make_nik / make_kk)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import select

from desktop_app.domain.access import Actor, Role
from desktop_app.services.context import AppContext
from desktop_app.services.importing import (
    ImportKind,
    ImportOptions,
    ImportReport,
    ImportService,
    RowStatus,
)
from desktop_app.services.importing.blocks import list_program
from desktop_app.services.importing.headers import detect_header, header_layout
from desktop_app.services.importing.layouts import load_layouts, recognise
from desktop_app.storage.models import Enrolment, Person
from tests.helpers import make_kk, make_nik

# (name, sex, birth, serial)
PEOPLE = [
    ("SITI AMINAH", "P", date(1961, 4, 12), 31),
    ("KARTO WIYONO", "L", date(1950, 9, 3), 32),
    ("RINI ASTUTI", "P", date(1988, 1, 25), 33),
]


def write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        if first:
            ws = wb.active
            assert ws is not None
            ws.title = name
            first = False
        else:
            ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def run(svc: ImportService, path: Path, *, commit: bool = False, **options: Any) -> ImportReport:
    prepared = svc.prepare(path, ImportOptions(**options))
    try:
        if commit:
            return svc.commit(prepared, accept_valid=True)
        return svc.dry_run(prepared)
    finally:
        prepared.close()


def niks() -> list[str]:
    return [make_nik(born, sex, serial) for _n, sex, born, serial in PEOPLE]


# -- OpenSID "peserta program bantuan" ---------------------------------------------------------


def opensid_export(tmp_path: Path, program: str) -> Path:
    """OpenSID's export of a programme (Program_bantuan::expor): a Program sheet of label/value
    rows and a Peserta sheet whose columns are the identity on each participant's card."""
    program_sheet = [
        ["id", 7],
        ["config_id", 1],
        ["Nama Program", program],
        ["Sasaran Program", 1],
        ["Keterangan", "Bantuan contoh"],
        ["Asal Dana", "APBD-KOTA"],
        ["Rentang Waktu (Awal)", "2026-01-01"],
        ["Rentang Waktu (Akhir)", "2026-12-31"],
    ]
    peserta = [["Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat"]]
    for (name, _sex, born, _serial), nik in zip(PEOPLE, niks(), strict=True):
        peserta.append(
            [nik, f"K-{nik[-4:]}", nik, name, "BLITAR", born.isoformat(), "RT 001 / RW 002"]
        )
    return write(tmp_path / "program_bantuan.xlsx", {"Program": program_sheet, "Peserta": peserta})


def opensid_printed(tmp_path: Path, program: str) -> Path:
    """OpenSID's printed/downloaded participant list (program_bantuan/cetak): title rows, a
    two-row header with "Identitas di Kartu Peserta" over the card's columns."""
    kk = make_kk(51)
    rows: list[list[Any]] = [
        ["PEMERINTAH KOTA BLITAR"],
        ["KECAMATAN KEPANJENKIDUL"],
        ["KELURAHAN SENTUL"],
        [f"Daftar Peserta Program {program}"],
        ["Sasaran Peserta : Penduduk Perorangan"],
        ["Masa Berlaku : 01 Januari 2026 - 31 Desember 2026"],
        ["No", "NIK", "No. KK", "Nama Penduduk", "Identitas di Kartu Peserta"],
        ["", "", "", "", "No. Kartu Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir",
         "Jenis Kelamin", "Alamat"],
    ]  # fmt: skip
    for i, ((name, sex, born, _serial), nik) in enumerate(zip(PEOPLE, niks(), strict=True), 1):
        rows.append([
            i, nik, kk, name, f"K-{i:03d}", nik, name, "BLITAR", born.strftime("%d-%m-%Y"),
            "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "JL. DAHLIA 2",
        ])  # fmt: skip
    return write(tmp_path / "peserta_cetak.xlsx", {"Sheet1": rows})


def test_opensid_export_is_recognised_with_its_programme_sheet(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = opensid_export(tmp_path, "Pelatihan Keterampilan")
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions())
    try:
        assert prepared.sheet == "Peserta"
        assert prepared.recognised is not None and prepared.recognised.id == "opensid_peserta"
        assert prepared.title.program == "Pelatihan Keterampilan"
        assert {"nik", "name", "birth_place", "birth_date", "street"} <= set(prepared.mapping)
    finally:
        prepared.close()
    report = run(svc, path)
    assert report.layout == "OpenSID peserta program bantuan"
    assert report.count(RowStatus.NEW) == 3, [(r.row, r.reasons) for r in report.rows]
    # A person import suggests the enrolment (a person reviews it); nothing is enrolled.
    assert [s["program"] for s in report.suggestions] == ["PELATIHAN"] * 3
    assert all("import.suggest_program" in [w.code for w in r.warnings] for r in report.rows)
    assert set(report.not_stored) == {"Peserta", "No. Peserta"}


def test_opensid_export_as_enrolments_uses_the_list_programme(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = opensid_export(tmp_path, "Pelatihan Keterampilan")
    report = run(ImportService(ctx), path, commit=True, kind=ImportKind.ENROLMENTS)
    assert report.count(RowStatus.NEW) == 3, [(r.row, r.reasons) for r in report.rows]
    assert report.suggestions == []
    with ctx.db.session() as s:
        codes = [e.program_code for e in s.exec(select(Enrolment)).all()]
    assert codes == ["PELATIHAN"] * 3


def test_clerks_programme_wins_over_the_lists(ctx: AppContext, tmp_path: Path) -> None:
    path = opensid_export(tmp_path, "Pelatihan Keterampilan")
    run(ImportService(ctx), path, commit=True, kind=ImportKind.ENROLMENTS, program_code="RAPELAN")
    with ctx.db.session() as s:
        codes = {e.program_code for e in s.exec(select(Enrolment)).all()}
    assert codes == {"RAPELAN"}


def test_opensid_printed_list_unknown_programme_is_named_in_the_report(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = opensid_printed(tmp_path, "BLT DANA DESA")
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions())
    try:
        assert prepared.recognised is not None and prepared.recognised.id == "opensid_peserta"
        assert prepared.layout.row == 6 and prepared.layout.depth == 2
        labels = prepared.labels
        # The upper row's own columns are kept, the card's columns joined to their group.
        assert labels[:4] == ["No", "NIK", "No. KK", "Nama Penduduk"]
        assert labels[prepared.mapping["name"]] == "Nama Penduduk"
        assert labels[prepared.mapping["nik"]] == "NIK"
        assert labels[prepared.mapping["sex"]] == "Identitas di Kartu Peserta / Jenis Kelamin"
        assert prepared.title.program == "BLT DANA DESA"
    finally:
        prepared.close()
    report = run(svc, path, commit=True)
    assert report.count(RowStatus.NEW) == 3, [(r.row, r.reasons) for r in report.rows]
    assert report.suggestions == []
    assert [n.code for n in report.notes][:1] == ["import.list_program_unknown"]
    assert "BLT DANA DESA" in report.notes[0].message and "3 baris" in report.notes[0].message
    data = json.loads(json.dumps(report.to_dict()))
    assert data["notes"][0]["code"] == "import.list_program_unknown"
    with ctx.db.session() as s:
        sexes = {p.name: p.sex for p in s.exec(select(Person)).all()}
        assert s.exec(select(Enrolment)).all() == []
    assert sexes == {"SITI AMINAH": "P", "KARTO WIYONO": "L", "RINI ASTUTI": "P"}


def test_unknown_list_programme_in_enrolment_import_asks_for_a_programme(
    ctx: AppContext, tmp_path: Path
) -> None:
    path = opensid_printed(tmp_path, "BLT DANA DESA")
    report = run(ImportService(ctx), path, kind=ImportKind.ENROLMENTS)
    assert report.count(RowStatus.REJECTED) == 3
    assert {e.code for r in report.rows for e in r.errors} == {"import.program_missing"}
    assert [n.code for n in report.notes][:1] == ["import.list_program_unknown"]


def test_programme_column_per_row(ctx: AppContext, tmp_path: Path) -> None:
    rows: list[list[Any]] = [["No", "Program", "NIK", "Nama", "No. Peserta", "Tanggal Lahir"]]
    for i, ((name, _sex, born, _s), nik) in enumerate(zip(PEOPLE, niks(), strict=True), 1):
        rows.append([i, "Rapelan" if i < 3 else "PKH", nik, name, f"P{i}", born.isoformat()])
    path = write(tmp_path / "peserta.xlsx", {"Peserta": rows})
    report = run(ImportService(ctx), path)
    assert report.layout_id == "opensid_peserta"
    assert [s["program"] for s in report.suggestions] == ["RAPELAN", "RAPELAN"]
    assert [n.code for n in report.notes] == [
        "import.list_program_unknown",
        "import.columns_not_stored",  # No. Peserta: the card number is not kept
    ]
    assert report.notes[0].params == {"program": "PKH", "n": 1}


def test_list_program_needs_the_layouts_rule() -> None:
    rows: list[list[Any]] = [["Daftar Peserta Program RAPELAN"], ["NIK", "NAMA"]]
    assert list_program(None, rows, 1) == ""
    siak = next(lay for lay in load_layouts() if lay.id == "siak")
    assert list_program(siak, rows, 1) == ""
    opensid = next(lay for lay in load_layouts() if lay.id == "opensid_peserta")
    assert list_program(opensid, rows, 1) == "RAPELAN"


# -- BNBA without a column-number row -----------------------------------------------------------

BNBA_HEADER = ["NO", "NAMA KPM", "NIK", "NO KK", "ALAMAT", "RT", "RW", "DESA/KELURAHAN",
               "KECAMATAN", "JENIS BANTUAN", "TANDA TANGAN/CAP JEMPOL"]  # fmt: skip


def test_bnba_recognised_without_a_numbering_row(ctx: AppContext, tmp_path: Path) -> None:
    rows: list[list[Any]] = [["DAFTAR NOMINATIF PENERIMA BANTUAN"], BNBA_HEADER]
    kk = make_kk(61)
    for i, ((name, _sex, _born, _s), nik) in enumerate(zip(PEOPLE, niks(), strict=True), 1):
        rows.append([i, name, nik, kk, "JL. KENANGA 1", "001", "002", "SENTUL",
                     "KEPANJENKIDUL", "RASTRADA", ""])  # fmt: skip
    path = write(tmp_path / "bnba.xlsx", {"BNBA": rows})
    report = run(ImportService(ctx), path)
    assert report.layout_id == "bnba"
    assert report.count(RowStatus.NEW) == 3, [(r.row, r.reasons) for r in report.rows]


@pytest.mark.parametrize(
    "header",
    [
        # An ordinary registry list: many BNBA words, none distinctive.
        ["NO", "NIK", "NAMA", "NO KK", "ALAMAT", "RT", "RW", "KELURAHAN", "KECAMATAN", "L/P"],
        ["NO", "NIK", "NAMA PENERIMA", "ALAMAT", "RT", "RW", "KELURAHAN", "KECAMATAN"],
        # Distinctive but too few typical columns.
        ["NIK", "NAMA KPM", "ALAMAT", "TTD"],
    ],
)
def test_ordinary_lists_are_not_taken_for_bnba(header: list[str]) -> None:
    rows: list[list[Any]] = [header, ["3572010101010001"] * len(header)]
    index = detect_header(rows)
    assert index == 0
    found = recognise(header_layout(rows, 0), rows)
    assert found is None or found.id != "bnba"


# -- columns read but not stored ----------------------------------------------------------------

SIAK_HEADER = [
    "Nomor KK", "NIK", "Nama Penduduk", "Status", "Tempat Lahir", "Tanggal Lahir", "Kelamin",
    "Status Kawin", "SHDK", "Agama", "Kecamatan", "Desa/Kel", "Alamat", "RW", "RT",
    "Pendidikan", "Pekerjaan", "Gol. Darah", "Cacat",
]  # fmt: skip


def siak_file(tmp_path: Path, cacat: list[str]) -> Path:
    kk = make_kk(71)
    rows: list[list[Any]] = [SIAK_HEADER]
    shdk = ["KEPALA KELUARGA", "FAMILI LAIN", "ANAK"]
    for i, ((name, sex, born, _s), nik) in enumerate(zip(PEOPLE, niks(), strict=True)):
        rows.append([
            kk, nik, name, "HIDUP", "BLITAR", born.strftime("%d-%m-%Y"),
            "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "KAWIN", shdk[i], "ISLAM",
            "KEPANJENKIDUL", "SENTUL", "JL. MAWAR 3", "002", "001", "SLTA/SEDERAJAT",
            "WIRASWASTA", "O", cacat[i],
        ])  # fmt: skip
    return write(tmp_path / "siak.xlsx", {"Sheet1": rows})


def test_siak_columns_not_stored_are_named(ctx: AppContext, tmp_path: Path) -> None:
    report = run(ImportService(ctx), siak_file(tmp_path, ["", "", ""]))
    assert report.not_stored == ["Status Kawin", "Agama", "Pendidikan", "Pekerjaan", "Gol. Darah"]
    note = next(n for n in report.notes if n.code == "import.columns_not_stored")
    assert "Agama" in note.message and "tidak disimpan (tidak diperlukan" in note.message
    assert report.to_dict()["not_stored_columns"] == report.not_stored


def test_plain_file_has_no_not_stored_columns(ctx: AppContext, tmp_path: Path) -> None:
    path = write(
        tmp_path / "plain.xlsx",
        {"DATA": [["NIK", "NAMA", "L/P", "AGAMA"], [niks()[0], "Siti Contoh", "P", "ISLAM"]]},
    )
    report = run(ImportService(ctx), path)
    assert report.layout is None and report.not_stored == [] and report.notes == []


# -- restricted programmes and the clerk's permissions ----------------------------------------


def as_role(ctx: AppContext, role: Role) -> None:
    ctx.accounts_exist = True
    ctx.set_user(Actor(f"u_{role.value}", f"Petugas {role.value}", role))


def test_disability_suggestions_need_restricted_view(ctx: AppContext, tmp_path: Path) -> None:
    path = siak_file(tmp_path, ["", "CACAT NETRA/BUTA", "CACAT FISIK"])
    as_role(ctx, Role.OPERATOR)  # may import, may not see restricted data
    report = run(ImportService(ctx), path, commit=True)
    assert report.count(RowStatus.NEW) == 3
    assert report.suggestions == []
    # Nothing on the rows tells the operator who has a disability.
    assert not any("import.suggest_disability" in [w.code for w in r.warnings] for r in report.rows)
    note = next(n for n in report.notes if n.code == "import.restricted_left_out")
    assert note.params["n"] == 2 and note.params["program"] == "Disabilitas"


def test_disability_suggestions_shown_with_restricted_view(ctx: AppContext, tmp_path: Path) -> None:
    path = siak_file(tmp_path, ["", "CACAT NETRA/BUTA", "CACAT FISIK"])
    as_role(ctx, Role.SOCIAL_WORKER)
    report = run(ImportService(ctx), path)
    assert [s["program"] for s in report.suggestions] == ["DISABILITAS"] * 2
    assert all(n.code != "import.restricted_left_out" for n in report.notes)


def test_restricted_enrolments_left_out_rest_imports(ctx: AppContext, tmp_path: Path) -> None:
    rows: list[list[Any]] = [["NIK", "NAMA", "L/P", "PROGRAM"]]
    programs = ["DISABILITAS", "PELATIHAN", "DISABILITAS"]
    for (name, sex, _born, _s), nik, code in zip(PEOPLE, niks(), programs, strict=True):
        rows.append([nik, name, sex, code])
    path = write(tmp_path / "enrol.xlsx", {"DATA": rows})
    as_role(ctx, Role.OPERATOR)
    report = run(ImportService(ctx), path, commit=True, kind=ImportKind.ENROLMENTS)
    assert report.count(RowStatus.NEW) == 3 and report.count(RowStatus.REJECTED) == 0
    assert [(n.code, n.params["n"]) for n in report.notes] == [("import.restricted_left_out", 2)]
    with ctx.db.session() as s:
        assert len(s.exec(select(Person)).all()) == 3
        assert [e.program_code for e in s.exec(select(Enrolment)).all()] == ["PELATIHAN"]


def test_cli_prints_the_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main
    from desktop_app.services.context import open_app

    db = tmp_path / "cli.sqlite"
    open_app(db).close()
    path = siak_file(tmp_path, ["", "", ""])
    assert main(["import", str(path), "--db", str(db), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Catatan  : Kolom tidak disimpan (tidak diperlukan" in out and "Agama" in out


# -- DTKS / BDT and Regsosek life-status codes ------------------------------------------------


@pytest.mark.parametrize(
    ("field", "code", "expected"),
    [
        ("status", 1, None),  # tinggal di ruta
        ("status", 2, "mati"),
        ("status", 3, "pindah"),
        ("status", 4, None),  # anggota rumah tangga baru
        ("status", 5, "tidak_valid"),  # kesalahan prelist
        ("status", 6, "hilang"),  # tidak ditemukan
        ("status_regsosek", 1, None),
        ("status_regsosek", 3, "pindah"),
        ("status_regsosek", 4, "pindah"),  # ke luar negeri (DTKS: a new member)
        ("status_regsosek", 5, None),  # anggota keluarga baru (DTKS: prelist error)
        ("status_regsosek", 6, "hilang"),
    ],
)
def test_dtks_and_regsosek_status_codes(field: str, code: int, expected: str | None) -> None:
    from desktop_app.services.importing.layouts import layout_by_id
    from desktop_app.services.importing.parse import Candidate, read_list_status

    dtks = layout_by_id("dtks")
    assert dtks is not None
    cand = Candidate(row=2, values={}, errors=[], warnings=[])
    read_list_status({field: dtks.decode(field, code)}, cand)
    assert cand.list_status == expected and cand.warnings == []


def test_the_header_decides_which_status_table() -> None:
    from desktop_app.services.importing.layouts import layout_by_id

    dtks = layout_by_id("dtks")
    assert dtks is not None
    labels = ["STATUS KEBERADAAN ART", "KETERANGAN KEBERADAAN ANGGOTA KELUARGA"]
    assert dtks.extra_mapping(labels) == {"status": 0, "status_regsosek": 1}


def test_a_card_number_column_alone_is_not_opensid() -> None:
    """A health-insurance list with NO KARTU PESERTA is not an OpenSID participant list."""
    header = ["NO", "NO KARTU PESERTA", "NIK", "NAMA", "TANGGAL LAHIR"]
    rows: list[list[Any]] = [header, ["1", "0001", "3572010101010001", "X", "01-01-1970"]]
    found = recognise(header_layout(rows, 0), rows)
    assert found is None or found.id != "opensid_peserta"


def test_opensid_table_keys(ctx: AppContext, tmp_path: Path) -> None:
    """program_peserta rows as OpenSID's API or a database dump gives them."""
    rows: list[list[Any]] = [
        ["peserta", "no_id_kartu", "kartu_nik", "kartu_nama", "kartu_tempat_lahir",
         "kartu_tanggal_lahir", "kartu_alamat"],
    ]  # fmt: skip
    for (name, _sex, born, _s), nik in zip(PEOPLE, niks(), strict=True):
        rows.append([nik, "", nik, name, "BLITAR", born.isoformat(), "RT 001 / RW 002"])
    path = write(tmp_path / "program_peserta.xlsx", {"program_peserta": rows})
    svc = ImportService(ctx)
    prepared = svc.prepare(path, ImportOptions())
    try:
        assert prepared.recognised is not None and prepared.recognised.id == "opensid_peserta"
        assert {k: prepared.labels[v] for k, v in prepared.mapping.items()} == {
            "nik": "kartu_nik",
            "name": "kartu_nama",
            "birth_place": "kartu_tempat_lahir",
            "birth_date": "kartu_tanggal_lahir",
            "street": "kartu_alamat",
        }
    finally:
        prepared.close()
    assert run(svc, path).count(RowStatus.NEW) == 3


# -- OpenSID penduduk: the dusun column joins the street ----------------------------------------


def test_dusun_into_street_rule() -> None:
    from desktop_app.services.importing.blocks import DusunIntoStreet

    rule = DusunIntoStreet(street_col=0, dusun_col=1, nik_col=2)
    nik = "3572010101010001"
    assert rule.row(5, ["JL. MELATI 7", "KRAJAN", nik]) == [
        "JL. MELATI 7, Dusun KRAJAN",
        "KRAJAN",
        nik,
    ]
    assert rule.row(5, ["", "LINGKUNGAN II", nik])[0] == "LINGKUNGAN II"
    assert rule.row(5, ["JL. X, DUSUN KRAJAN", "Krajan", nik])[0] == "JL. X, DUSUN KRAJAN"
    assert rule.row(5, ["JL. X", "-", nik])[0] == "JL. X"
    assert rule.row(5, ["", "KRAJAN", ""])[0] == ""  # no NIK: not a person row, left alone
    assert DusunIntoStreet(None, 1, 2).row(5, ["", "KRAJAN", nik]) == ["", "KRAJAN", nik]
