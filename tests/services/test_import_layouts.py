"""Recognised layouts (issue 18): the published templates a Dinas Sosial receives, built here
with synthetic people (never real names or NIKs), each round-tripped through dry run and commit.
"""

from __future__ import annotations

import json
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
from desktop_app.services.importing.headers import header_layout, is_numbering_row
from desktop_app.services.importing.layouts import (
    LayoutError,
    code_key,
    load_layout,
    load_layouts,
    recognise,
)
from desktop_app.storage.models import Household, Person
from tests.helpers import make_kk, make_nik

SIAK_HEADER = [
    "Nomor KK", "NIK", "Nama Penduduk", "Status", "Tempat Lahir", "Tanggal Lahir", "Kelamin",
    "NIK Ayah", "Ayah", "NIK Ibu", "Ibu", "Status Kawin", "SHDK", "Agama", "Kecamatan",
    "Desa/Kel", "Alamat", "RW", "RT", "Pendidikan", "Pekerjaan", "Deskripsi Pekerjaan",
    "Gol. Darah", "Cacat",
]  # fmt: skip

OPENSID_HEADER = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir",
    "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "status_kawin",
    "kk_level", "warganegara_id", "ayah_nik", "ibu_nik", "nama_ayah", "nama_ibu",
    "golongan_darah_id", "cacat_id",
]  # fmt: skip

# Two synthetic families: (kk serial, [(name, sex, birth, shdk code, nik serial)])
FAMILIES = [
    (
        41,
        [
            ("SUKARDI PRANOTO", "L", date(1971, 3, 4), 1, 11),
            ("WARSINI", "P", date(1975, 8, 19), 3, 12),
            ("DWI ANGGRAINI", "P", date(2001, 12, 2), 4, 13),
        ],
    ),
    (
        42,
        [
            ("MARLIYAH", "P", date(1949, 6, 30), 1, 14),
            ("ADI SAPUTRO", "L", date(1990, 1, 7), 4, 15),
        ],
    ),
]
SHDK_TEXT = {1: "KEPALA KELUARGA", 3: "ISTRI", 4: "ANAK"}


def people() -> list[tuple[str, str, str, date, str, int]]:
    """(kk, nik, name, birth, sex, shdk code) of the synthetic families."""
    out = []
    for kk_serial, members in FAMILIES:
        kk = make_kk(kk_serial)
        for name, sex, born, shdk, serial in members:
            out.append((kk, make_nik(born, sex, serial), name, born, sex, shdk))
    return out


def write(path: Path, rows: list[list[Any]], sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def siak_rows(status: str = "HIDUP") -> list[list[Any]]:
    rows: list[list[Any]] = [SIAK_HEADER]
    for kk, nik, name, born, sex, shdk in people():
        rows.append([
            kk, nik, name, status, "BLITAR", born.strftime("%d-%m-%Y"),
            "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "", "", "", "", "KAWIN",
            SHDK_TEXT[shdk], "ISLAM", "KEPANJENKIDUL", "SENTUL", "JL. MAWAR 3", "002", "001",
            "SLTA/SEDERAJAT", "WIRASWASTA", "", "O", "",
        ])  # fmt: skip
    return rows


def opensid_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [OPENSID_HEADER]
    for kk, nik, name, born, sex, shdk in people():
        rows.append([
            "JL. MELATI 7", "LINGKUNGAN I", "003", "004", name, kk, nik, 1 if sex == "L" else 2,
            "BLITAR", born.isoformat(), 1, 5, 1, 88, 2, shdk, 1, "", "", "", "", 13, "",
        ])  # fmt: skip
    return rows


@pytest.fixture
def svc(ctx: AppContext) -> ImportService:
    return ImportService(ctx)


def run(svc: ImportService, path: Path, *, commit: bool = False, **options: Any) -> ImportReport:
    prepared = svc.prepare(path, ImportOptions(**options))
    try:
        if commit:
            return svc.commit(prepared, accept_valid=False)
        return svc.dry_run(prepared)
    finally:
        prepared.close()


def households(ctx: AppContext) -> dict[str, tuple[str | None, dict[str, str | None]]]:
    """kk -> (head's name, {member name: relation})."""
    with ctx.db.session() as s:
        out = {}
        for hh in s.exec(select(Household)).all():
            members = s.exec(select(Person).where(Person.household_id == hh.id)).all()
            head = next((p.name for p in members if p.id == hh.head_person_id), None)
            out[hh.kk_number] = (head, {p.name: p.relation for p in members})
        return out


def expected_households() -> dict[str, tuple[str | None, dict[str, str | None]]]:
    names = {1: "kepala", 3: "istri", 4: "anak"}
    out: dict[str, tuple[str | None, dict[str, str | None]]] = {}
    for kk, _nik, name, _born, _sex, shdk in people():
        head, members = out.get(kk, (None, {}))
        members[name] = names[shdk]
        out[kk] = (name if shdk == 1 else head, members)
    return out


# -- the layout files --------------------------------------------------------------------------


def test_every_shipped_layout_loads_with_a_name_and_known_fields() -> None:
    layouts = load_layouts()
    assert {"siak", "opensid_penduduk", "bnba"} <= {lay.id for lay in layouts}
    for lay in layouts:
        assert lay.name and lay.signature


def test_a_layout_file_with_a_wrong_field_is_refused_at_load() -> None:
    with pytest.raises(LayoutError):
        load_layout({"id": "x", "name": "X", "signature": [["NIK"]], "columns": {"agama": "A"}})
    with pytest.raises(LayoutError):
        load_layout({"id": "x", "name": "X", "signature": [["NIK"]], "extra_columns": {"nik": "A"}})


def test_code_keys_ignore_number_formats() -> None:
    assert code_key(1.0) == code_key("01") == code_key(" 1 ") == "1"


# -- SIAK ------------------------------------------------------------------------------------------


def test_siak_export_is_recognised_and_round_trips(
    svc: ImportService, ctx: AppContext, tmp_path: Path
) -> None:
    path = write(tmp_path / "siak.xlsx", siak_rows())
    prepared = svc.prepare(path, ImportOptions(kind=ImportKind.PERSONS))
    try:
        assert prepared.layout_name == "SIAK Dukcapil"
        assert prepared.kind_from_layout and prepared.options.kind == ImportKind.HOUSEHOLDS
        for key in ("nik", "kk_number", "name", "sex", "birth_place", "birth_date", "relation",
                    "kecamatan", "kelurahan", "street", "rt", "rw"):  # fmt: skip
            assert key in prepared.mapping, key
        assert prepared.labels[prepared.mapping["name"]] == "Nama Penduduk"
        assert {"status", "disability", "religion", "father_nik"} <= set(prepared.extras)
    finally:
        prepared.close()
    dry = run(svc, path)
    assert dry.layout == "SIAK Dukcapil" and dry.layout_id == "siak"
    assert dry.to_dict()["layout"] == "SIAK Dukcapil"
    assert dry.count(RowStatus.NEW) == 5, [r.reasons for r in dry.rows]
    assert all(r.name for r in dry.rows)
    done = run(svc, path, commit=True)
    assert done.committed and done.count(RowStatus.NEW) == 5
    assert households(ctx) == expected_households()
    with ctx.db.session() as s:
        person = s.exec(select(Person).where(Person.name == "WARSINI")).one()
    assert person.kelurahan_code == "35.72.01.1003" and person.rt == "001" and person.rw == "002"
    again = run(svc, path)
    assert again.count(RowStatus.UNCHANGED) == 5


def test_siak_extra_columns_reach_each_row(svc: ImportService, tmp_path: Path) -> None:
    rows = siak_rows()
    rows[1][SIAK_HEADER.index("Cacat")] = "TUNA NETRA"
    rows[2][SIAK_HEADER.index("Status")] = "MATI"
    path = write(tmp_path / "siak.xlsx", rows)
    prepared = svc.prepare(path, ImportOptions())
    try:
        candidates, _ = svc._read(prepared, None, None)
    finally:
        prepared.close()
    assert candidates[0].extras is not None
    assert candidates[0].extras["disability"] == "TUNA NETRA"
    assert candidates[1].extras is not None and candidates[1].extras["status"] == "MATI"


def test_siak_coded_sex_and_shdk(svc: ImportService, ctx: AppContext, tmp_path: Path) -> None:
    rows = siak_rows()
    sex_col, shdk_col = SIAK_HEADER.index("Kelamin"), SIAK_HEADER.index("SHDK")
    for row, (_kk, _nik, _name, _born, sex, shdk) in zip(rows[1:], people(), strict=True):
        row[sex_col] = 1 if sex == "L" else 2
        row[shdk_col] = shdk
    path = write(tmp_path / "siak-kode.xlsx", rows)
    run(svc, path, commit=True)
    assert households(ctx) == expected_households()


# -- OpenSID --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ImportKind.PERSONS, ImportKind.HOUSEHOLDS])
def test_opensid_penduduk_builds_households_with_heads(
    svc: ImportService, ctx: AppContext, tmp_path: Path, kind: ImportKind
) -> None:
    path = write(tmp_path / "penduduk.xlsx", opensid_rows(), sheet="penduduk")
    dry = run(svc, path, kind=kind)
    assert dry.layout == "OpenSID penduduk"
    assert dry.kind == ImportKind.HOUSEHOLDS
    assert dry.count(RowStatus.NEW) == 5, [r.reasons for r in dry.rows]
    done = run(svc, path, commit=True, kind=kind)
    assert done.count(RowStatus.NEW) == 5
    assert households(ctx) == expected_households()
    with ctx.db.session() as s:
        person = s.exec(select(Person).where(Person.name == "ADI SAPUTRO")).one()
    assert person.sex == "L" and person.birth_date == date(1990, 1, 7)
    # OpenSID's dusun column joins the street, as a BIP address line's Nama Dusun does.
    assert person.street == "JL. MELATI 7, LINGKUNGAN I"
    assert person.rt == "004" and person.rw == "003"


def test_opensid_codes_decode_but_unneeded_extras_stay_out_of_the_rows(
    svc: ImportService, tmp_path: Path
) -> None:
    path = write(tmp_path / "penduduk.xlsx", opensid_rows())
    prepared = svc.prepare(path, ImportOptions())
    try:
        layout = prepared.recognised
        assert layout is not None
        assert layout.decode("religion", 1) == "ISLAM"
        assert layout.decode("occupation", 88.0) == "WIRASWASTA"
        assert layout.decode("marital_status", "02") == "KAWIN"
        candidates, _ = svc._read(prepared, None, None)
    finally:
        prepared.close()
    # Data minimisation: agama, pekerjaan, status kawin ... are not even held per row; the
    # report names them as not stored.
    extras = candidates[0].extras or {}
    assert not {"religion", "occupation", "marital_status", "education"} & set(extras)
    report = run(svc, path)
    assert {"agama_id", "pekerjaan_id", "status_kawin"} <= set(report.not_stored)
    assert "dusun" not in report.not_stored  # it joins the street


# -- BNBA: title rows, split header, column-number rows --------------------------------------------


def bnba_rows(numbering: list[Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["DAFTAR PENERIMA BANTUAN (BNBA)"],
        ["KELURAHAN SENTUL KECAMATAN KEPANJENKIDUL"],
        [],
        [
            "NO",
            "NIK",
            "NAMA PENERIMA",
            "JENIS",
            "JUMLAH ANGGOTA",
            "ALAMAT",
            "RT",
            "RW",
            "KELURAHAN",
            "KECAMATAN",
        ],  # fmt: skip
        ["", "", "", "KELAMIN", "KELUARGA", "", "", "", "", ""],
        numbering,
    ]
    for i, (_kk, nik, name, _born, sex, _shdk) in enumerate(people(), start=1):
        rows.append([i, nik, name, sex, 3, "JL. KENANGA 1", "001", "002", "SENTUL",
                     "KEPANJENKIDUL"])  # fmt: skip
        if i == 3:
            rows.append(numbering)  # the numbering row again, as on every printed page
    return rows


@pytest.mark.parametrize(
    "numbering",
    [
        list(range(1, 11)),
        [f"({n})" for n in range(1, 11)],
        ["KOLOM", *range(2, 11)],
    ],
)
def test_bnba_list_with_split_header_and_numbering_rows(
    svc: ImportService, ctx: AppContext, tmp_path: Path, numbering: list[Any]
) -> None:
    path = write(tmp_path / "bnba.xlsx", bnba_rows(numbering))
    prepared = svc.prepare(path, ImportOptions())
    try:
        assert "JENIS KELAMIN" in prepared.labels and "JUMLAH ANGGOTA KELUARGA" in prepared.labels
        assert "sex" in prepared.mapping
        assert prepared.extras.get("household_size") == prepared.labels.index(
            "JUMLAH ANGGOTA KELUARGA"
        )
    finally:
        prepared.close()
    dry = run(svc, path)
    assert dry.layout == "Daftar BNBA (by name by address)"
    assert dry.count(RowStatus.NEW) == 5, [(r.row, r.reasons) for r in dry.rows]
    assert dry.count(RowStatus.REJECTED) == 0
    done = run(svc, path, commit=True)
    assert done.count(RowStatus.NEW) == 5
    with ctx.db.session() as s:
        sexes = {p.name: p.sex for p in s.exec(select(Person)).all()}
    assert sexes["WARSINI"] == "P" and sexes["SUKARDI PRANOTO"] == "L"


def test_numbering_rows_recognised() -> None:
    assert is_numbering_row([1, 2, 3, 4, 5])
    assert is_numbering_row(["(1)", "(2)", "(3)", "(4)"])
    assert is_numbering_row(["KOLOM", "2", "3", "4"])
    assert is_numbering_row([1.0, 2.0, "", 4.0, 5.0, 6.0])  # a merged cell leaves a gap
    assert not is_numbering_row([1, "3572011201600001", "SITI"])
    assert not is_numbering_row([5, 6, 7])
    assert not is_numbering_row([1, 2])


def test_plain_file_is_not_given_a_layout(svc: ImportService, tmp_path: Path) -> None:
    kk, nik, name, born, sex, _ = people()[0]
    path = write(tmp_path / "plain.xlsx", [["NIK", "NAMA", "L/P"], [nik, name, sex]])
    report = run(svc, path)
    assert report.layout is None and report.to_dict()["layout"] is None
    assert report.count(RowStatus.NEW) == 1


def test_recognise_picks_the_most_specific_layout() -> None:
    rows: list[list[Any]] = [SIAK_HEADER, [1, 2, 3, 4, 5, 6]]
    header = header_layout(rows, 0)
    found = recognise(header, rows)
    assert found is not None and found.id == "siak"
    assert header.numbering_rows == (1,)


def test_report_json_names_the_layout(svc: ImportService, tmp_path: Path) -> None:
    path = write(tmp_path / "siak.xlsx", siak_rows())
    data = json.loads(json.dumps(run(svc, path).to_dict()))
    assert data["layout"] == "SIAK Dukcapil" and data["kind"] == "households"


# -- month-first dates -----------------------------------------------------------------------------


def test_month_first_date_stays_refused_but_names_the_nik_date(
    svc: ImportService, tmp_path: Path
) -> None:
    born = date(1964, 7, 26)
    nik = make_nik(born, "L", 21)
    other = make_nik(date(1964, 3, 2), "L", 22)
    path = write(
        tmp_path / "excel-us.xlsx",
        [
            ["NIK", "NAMA", "L/P", "TGL LAHIR"],
            [nik, "BUDI", "L", "07/26/1964"],
            [other, "AGUS", "L", "07/26/1964"],
        ],  # fmt: skip
    )
    rows = {r.row: r for r in run(svc, path).rows}
    assert rows[2].status == RowStatus.REJECTED and rows[3].status == RowStatus.REJECTED
    assert [e.code for e in rows[2].errors] == ["date.month_first"]
    assert "26-07-1964" in rows[2].reasons
    assert [e.code for e in rows[3].errors] == ["date.format"]  # the NIK does not agree
