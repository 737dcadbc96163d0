"""Dry run, commit and round trip of the import service against a real database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select

from desktop_app.services.context import AppContext
from desktop_app.services.exporter import ExportService
from desktop_app.services.importing import (
    ImportCancelled,
    ImportKind,
    ImportOptions,
    ImportReport,
    ImportService,
    PlanChanged,
    RejectedRows,
    RowStatus,
)
from desktop_app.services.importing import apply as apply_module
from desktop_app.services.registry import PersonFilter, PersonInput, RegistryService
from desktop_app.storage.models import ChangeLog, Enrolment, Household, Person
from tests.helpers import make_kk, make_nik
from tests.services.import_files import HEADER, person_row, xlsx

BORN = date(1960, 1, 12)
SENTUL = "35.72.01.1003"
KARANGTENGAH = "35.72.03.1006"


@pytest.fixture
def svc(ctx: AppContext) -> ImportService:
    return ImportService(ctx)


@pytest.fixture
def reg(ctx: AppContext) -> RegistryService:
    return RegistryService(ctx)


def run(svc: ImportService, path: Path, *, commit: bool = False, **options: Any) -> ImportReport:
    prepared = svc.prepare(path, ImportOptions(**options))
    try:
        if commit:
            return svc.commit(prepared, accept_valid=True)
        return svc.dry_run(prepared)
    finally:
        prepared.close()


def by_row(report: ImportReport) -> dict[int, Any]:
    return {r.row: r for r in report.rows}


def counts(ctx: AppContext) -> tuple[int, int, int, int]:
    with ctx.db.session() as s:
        return (
            s.exec(select(func.count()).select_from(Person)).one(),
            s.exec(select(func.count()).select_from(Household)).one(),
            s.exec(select(func.count()).select_from(Enrolment)).one(),
            s.exec(select(func.count()).select_from(ChangeLog)).one(),
        )


def messy_file(tmp_path: Path) -> Path:
    """Every kind of mess the issue lists, one per row (row numbers as Excel shows them)."""
    f = date(1975, 8, 17)
    data: list[list[Any]] = [HEADER]
    data.append(  # 2: leading apostrophe, mixed case, extra spaces, LAKI-LAKI
        [1, "'" + make_nik(BORN, "L", 1), make_kk(1), "  budi   santoso ", "LAKI-LAKI", "Blitar",
         "12-01-1960", "Jl.  Mawar 3", "1", "2", "Sentul", "Kepanjenkidul", "KEPALA KELUARGA"]
    )  # fmt: skip
    data.append(  # 3: spaces in the NIK, text month, PEREMPUAN, "Karang Tengah"
        [2, " ".join([make_nik(f, "P", 2)[i : i + 4] for i in range(0, 16, 4)]), make_kk(2),
         "Siti Aminah", "PEREMPUAN", "Blitar", "17 Agustus 1975", "Jl. Kenanga", "3", "1",
         "Karang Tengah", "Sananwetan", "ISTRI"]
    )  # fmt: skip
    data.append(  # 4: dots in the NIK, Excel serial date, L, "Kepanjen Kidul", abbreviated month
        [3, ".".join([make_nik(f, "L", 3)[i : i + 4] for i in range(0, 16, 4)]), make_kk(3),
         "AHMAD", "L", "Kediri", float((f - date(1899, 12, 30)).days), "Jl. Melati", "4", "1",
         "Kepanjen Kidul", "", "KEPALA KELUARGA"]
    )  # fmt: skip
    data.append(  # 5: NIK destroyed by Excel (scientific number)
        [4, 3.57201e15, make_kk(4), "RUSAK", "L", "", "12/01/1960", "", "", "", "Sentul", "", ""]
    )
    data.append(  # 6: NIK typed as text in scientific notation
        [5, "3.57201E+15", make_kk(5), "RUSAK JUGA", "P", "", "", "", "", "", "", "", ""]
    )
    data.append(  # 7: unknown kelurahan (typo gets a suggestion)
        [6, make_nik(BORN, "L", 7), make_kk(6), "SALAH KEL", "L", "", "12 Jan 1960", "", "", "",
         "Sentol", "", ""]
    )  # fmt: skip
    data.append([])  # 8: an empty row inside the data
    data.append(  # 9: KEL. prefix and a date with slashes
        [7, make_nik(BORN, "P", 9), make_kk(7), "dewi", "P", "", "12/01/1960", "", "", "",
         "KEL. SENTUL", "", ""]
    )  # fmt: skip
    data += [[], [], [None, None, None, "Mengetahui,"], [None, None, None, "Lurah Sentul"]]
    data += [[]] * 5  # empty trailing rows
    return xlsx(tmp_path / "usulan kelurahan.xlsx", data)


def test_every_mess_is_cleaned_or_rejected_with_a_reason(svc: ImportService, tmp_path: Path):
    report = run(svc, messy_file(tmp_path))
    rows = by_row(report)
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 9]
    assert report.ignored_rows >= 3  # the blank row and the signature block

    budi = {c.field: c.new for c in rows[2].changes}
    assert rows[2].status == RowStatus.NEW
    assert budi["name"] == "BUDI SANTOSO"
    assert (budi["sex"], budi["birth_date"]) == ("L", BORN)
    assert (budi["street"], budi["rt"], budi["rw"]) == ("Jl. Mawar 3", "001", "002")
    assert budi["kelurahan_code"] == SENTUL
    assert rows[2].nik == make_nik(BORN, "L", 1)

    siti = {c.field: c.new for c in rows[3].changes}
    assert rows[3].nik == make_nik(date(1975, 8, 17), "P", 2)
    assert siti["birth_date"] == date(1975, 8, 17) and siti["sex"] == "P"
    assert siti["kelurahan_code"] == KARANGTENGAH and siti["name"] == "SITI AMINAH"

    ahmad = {c.field: c.new for c in rows[4].changes}
    assert ahmad["birth_date"] == date(1975, 8, 17)
    assert ahmad["kelurahan_code"] == "35.72.01.1001"

    assert rows[5].status == RowStatus.REJECTED and "3.57201E+15" in rows[5].reasons
    assert rows[6].status == RowStatus.REJECTED and "ilmiah" in rows[6].reasons
    assert rows[7].status == RowStatus.REJECTED
    assert "Sentol" in rows[7].reasons and "Sentul" in rows[7].reasons
    assert rows[9].status == RowStatus.NEW
    assert {c.field: c.new for c in rows[9].changes}["kelurahan_code"] == SENTUL


def test_dry_run_writes_nothing(ctx: AppContext, svc: ImportService, tmp_path: Path) -> None:
    before = counts(ctx)
    run(svc, messy_file(tmp_path))
    assert counts(ctx) == before


def test_rejected_rows_stop_the_import_unless_valid_rows_are_accepted(
    ctx: AppContext, svc: ImportService, tmp_path: Path
) -> None:
    path = messy_file(tmp_path)
    before = counts(ctx)
    prepared = svc.prepare(path)
    with pytest.raises(RejectedRows) as caught:
        svc.commit(prepared)
    assert caught.value.count == 3
    assert counts(ctx) == before
    report = svc.commit(prepared, accept_valid=True)
    prepared.close()
    assert report.committed and report.counts["new"] == 4
    assert counts(ctx)[0] == before[0] + 4


def test_commit_logs_every_change_with_the_file_name(
    ctx: AppContext, svc: ImportService, tmp_path: Path
) -> None:
    report = run(svc, messy_file(tmp_path), commit=True)
    with ctx.db.session() as s:
        log = s.exec(select(ChangeLog).where(ChangeLog.batch_id == report.batch_id)).all()
        names = sorted(p.name for p in s.exec(select(Person)).all())
    assert names == ["AHMAD", "BUDI SANTOSO", "DEWI", "SITI AMINAH"]
    assert len(log) == 4 and {e.source for e in log} == {"usulan kelurahan.xlsx"}
    assert {e.entity for e in log} == {"person"} and {e.op for e in log} == {"create"}
    assert json.loads(log[0].changes)["nik"][0] is None


def _one_person_file(tmp_path: Path, name: str, **changes: Any) -> Path:
    row = person_row(1, BORN, serial=1, name=name)
    for index, value in changes.items():
        row[int(index[1:])] = value
    return xlsx(tmp_path / f"{name}.xlsx", [HEADER, row])


def test_update_by_nik_shows_field_changes(
    ctx: AppContext, svc: ImportService, reg: RegistryService, tmp_path: Path
) -> None:
    run(svc, _one_person_file(tmp_path, "SITI RAHAYU"), commit=True)
    # The street and RT changed; the name only in case and spacing; the phone cell is blank.
    path = _one_person_file(tmp_path, "siti  rahayu", c7="JL. KENANGA 9", c8="4")
    report = run(svc, path)
    row = report.rows[0]
    assert row.status == RowStatus.UPDATE
    assert {(c.field, c.old, c.new) for c in row.changes} == {
        ("street", "JL. MAWAR 3", "JL. KENANGA 9"),
        ("rt", "001", "004"),
    }
    committed = run(svc, path, commit=True)
    person = reg.find_person_by_nik(make_nik(BORN, "L", 1))
    assert person is not None and person.name == "SITI RAHAYU"
    assert person.address.startswith("JL. KENANGA 9, RT 004")
    with ctx.db.session() as s:
        entry = s.exec(select(ChangeLog).where(ChangeLog.batch_id == committed.batch_id)).one()
    assert entry.op == "update"
    assert json.loads(entry.changes) == {
        "rt": ["001", "004"],
        "street": ["JL. MAWAR 3", "JL. KENANGA 9"],
    }
    assert run(svc, path).rows[0].status == RowStatus.UNCHANGED


def test_an_empty_cell_never_erases(svc: ImportService, reg: RegistryService, tmp_path: Path):
    run(svc, _one_person_file(tmp_path, "A"), commit=True)
    path = _one_person_file(tmp_path, "A", c5="", c6="", c7="", c10="")
    assert run(svc, path).rows[0].status == RowStatus.UNCHANGED
    record = reg.get_person(reg.find_person_by_nik(make_nik(BORN, "L", 1)).id)  # type: ignore[union-attr]
    assert record.input.birth_date == BORN and record.input.street == "JL. MAWAR 3"


def test_duplicates_within_the_file(svc: ImportService, tmp_path: Path) -> None:
    same = person_row(1, BORN, serial=1)
    other = person_row(2, BORN, serial=2)
    differing = list(other)
    differing[3] = "NAMA LAIN"
    path = xlsx(tmp_path / "dup.xlsx", [HEADER, same, list(same), other, differing])
    rows = by_row(run(svc, path))
    assert rows[2].status == RowStatus.NEW
    assert rows[3].status == RowStatus.REJECTED and "baris 2" in rows[3].reasons
    # One NIK with two different contents: the file must decide, so both are refused.
    assert rows[4].status == rows[5].status == RowStatus.REJECTED
    assert "4, 5" in rows[4].reasons


def test_warnings_do_not_block(svc: ImportService, tmp_path: Path) -> None:
    row = person_row(1, BORN, "L", serial=1)
    row[6] = "13-01-1960"  # the record's birth date disagrees with the NIK digits
    report = run(svc, xlsx(tmp_path / "w.xlsx", [HEADER, row]))
    assert report.rows[0].status == RowStatus.NEW
    assert any("berbeda dengan tanggal pada NIK" in w.message for w in report.rows[0].warnings)


def test_nik_as_an_exact_number_is_accepted_with_a_warning(svc: ImportService, tmp_path: Path):
    row = person_row(1, BORN, serial=1)
    row[1] = float(row[1])  # ...0001: a final 1 proves Excel did not round it
    report = run(svc, xlsx(tmp_path / "n.xlsx", [HEADER, row]))
    assert report.rows[0].status == RowStatus.NEW
    assert any(w.code == "id.number_cell" for w in report.rows[0].warnings)


def test_cancel_leaves_the_database_unchanged(
    ctx: AppContext, svc: ImportService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = [HEADER] + [person_row(i, BORN, serial=i, kk_serial=i) for i in range(1, 40)]
    path = xlsx(tmp_path / "besar.xlsx", data)
    before = counts(ctx)
    checks: list[int] = []

    def cancelled() -> bool:
        checks.append(1)
        return len(checks) > 3  # reading is done; cancel while writing

    prepared = svc.prepare(path)
    with pytest.raises(ImportCancelled):
        svc.commit(prepared, cancelled=cancelled)
    prepared.close()
    assert counts(ctx) == before


def test_commit_refuses_when_the_registry_changed_since_the_preview(
    ctx: AppContext, svc: ImportService, reg: RegistryService, tmp_path: Path
) -> None:
    path = _one_person_file(tmp_path, "BARU")
    prepared = svc.prepare(path)
    preview = svc.dry_run(prepared)
    # Meanwhile another clerk registers the same NIK by hand.
    reg.create_person(PersonInput(name="BARU", sex="L", nik=make_nik(BORN, "L", 1)))
    before = counts(ctx)
    with pytest.raises(PlanChanged):
        svc.commit(prepared, expected=preview.fingerprint)
    prepared.close()
    assert counts(ctx) == before


def test_households_with_members(ctx: AppContext, svc: ImportService, tmp_path: Path) -> None:
    data = [
        HEADER,
        person_row(1, BORN, "L", serial=1, kk_serial=7, relation="KEPALA KELUARGA"),
        person_row(2, BORN, "P", serial=2, kk_serial=7, relation="ISTRI"),
        person_row(3, date(1990, 3, 4), "L", serial=3, kk_serial=7, relation="ANAK"),
        person_row(4, BORN, "L", serial=4, kk_serial=8, relation=""),  # one-person KK
    ]
    report = run(svc, xlsx(tmp_path / "kpm.xlsx", data), kind=ImportKind.HOUSEHOLDS, commit=True)
    assert report.counts["new"] == 4
    with ctx.db.session() as s:
        households = {h.kk_number: h for h in s.exec(select(Household)).all()}
        people = {p.nik: p for p in s.exec(select(Person)).all()}
    family = households[make_kk(7)]
    head = people[make_nik(BORN, "L", 1)]
    assert family.head_person_id == head.id
    assert family.street == "JL. MAWAR 3" and family.kelurahan_code == SENTUL
    assert {p.relation for p in people.values() if p.household_id == family.id} == {
        "kepala",
        "istri",
        "anak",
    }
    single = households[make_kk(8)]
    assert single.head_person_id == people[make_nik(BORN, "L", 4)].id
    assert any(w.code == "import.assumed_head" for w in report.rows[3].warnings)
    # Importing the same file again changes nothing.
    again = run(svc, xlsx(tmp_path / "kpm2.xlsx", data), kind=ImportKind.HOUSEHOLDS)
    assert again.counts["unchanged"] == 4


def test_household_conflicts_are_rejected(
    svc: ImportService, reg: RegistryService, tmp_path: Path
) -> None:
    data = [
        HEADER,
        person_row(1, BORN, "L", serial=1, kk_serial=7),
        person_row(2, BORN, "L", serial=2, kk_serial=7),  # a second KEPALA on the same KK
        person_row(3, BORN, "L", serial=3, kk_serial=9),
    ]
    run(svc, xlsx(tmp_path / "first.xlsx", [HEADER, data[3]]), kind="households", commit=True)
    moved = list(data[3])
    moved[2] = make_kk(10)  # the same person now listed on another KK
    rows = by_row(
        run(svc, xlsx(tmp_path / "k.xlsx", [*data[:3], moved]), kind=ImportKind.HOUSEHOLDS)
    )
    assert rows[2].status == rows[3].status == RowStatus.REJECTED
    assert "lebih dari satu kepala" in rows[2].reasons
    assert rows[4].status == RowStatus.REJECTED and "KPM lain" in rows[4].reasons


def test_enrolments_for_person_and_household_programs(
    ctx: AppContext, svc: ImportService, tmp_path: Path
) -> None:
    data = [HEADER] + [person_row(i, BORN, serial=i, kk_serial=i) for i in (1, 2)]
    path = xlsx(tmp_path / "rapelan.xlsx", data)
    report = run(svc, path, kind=ImportKind.ENROLMENTS, program_code="RAPELAN", commit=True)
    assert report.counts["new"] == 2
    assert all(any(c.entity == "enrolment" for c in r.changes) for r in report.rows)
    again = run(svc, path, kind=ImportKind.ENROLMENTS, program_code="RAPELAN")
    assert again.counts["unchanged"] == 2
    # A household programme enrols each KPM once, whatever the number of member rows.
    kpm = [HEADER, person_row(1, BORN, serial=1, kk_serial=1)]
    kpm.append(person_row(3, date(1985, 2, 2), "P", serial=3, kk_serial=1, relation="ANAK"))
    report = run(
        svc,
        xlsx(tmp_path / "rastrada.xlsx", kpm),
        kind=ImportKind.ENROLMENTS,
        program_code="RASTRADA",
        commit=True,
    )
    with ctx.db.session() as s:
        rastrada = s.exec(select(Enrolment).where(Enrolment.program_code == "RASTRADA")).all()
    assert len(rastrada) == 1 and rastrada[0].household_id is not None
    assert report.counts["rejected"] == 0


def test_enrolment_rules_reject_rows(svc: ImportService, tmp_path: Path) -> None:
    data = [HEADER, person_row(1, BORN, serial=1)]
    report = run(
        svc, xlsx(tmp_path / "abh.xlsx", data), kind=ImportKind.ENROLMENTS, program_code="ABH"
    )
    assert report.rows[0].status == RowStatus.REJECTED
    assert "di bawah 18 tahun" in report.rows[0].reasons


def test_program_and_ragam_columns(ctx: AppContext, svc: ImportService, tmp_path: Path) -> None:
    header = ["NIK", "NAMA", "JK", "PROGRAM", "RAGAM DISABILITAS"]
    data = [
        header,
        [make_nik(BORN, "L", 1), "A", "L", "Disabilitas", "tuna netra, daksa"],
        [make_nik(BORN, "L", 2), "B", "L", "DISABILITAS", "terbang"],
    ]
    rows = by_row(run(svc, xlsx(tmp_path / "d.xlsx", data), kind="enrolments", commit=True))
    assert rows[2].status == RowStatus.NEW and rows[3].status == RowStatus.REJECTED
    with ctx.db.session() as s:
        enrolment = s.exec(select(Enrolment)).one()
    assert json.loads(enrolment.details) == {"ragam": ["sensorik_netra", "fisik"]}


def test_large_import_keeps_search_working(
    ctx: AppContext, svc: ImportService, reg: RegistryService, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(apply_module, "_WRITE_BATCH", 7)  # several batches
    data = [HEADER] + [
        person_row(i, BORN, serial=i, name=f"WARGA NOMOR {i:03d}") for i in range(1, 31)
    ]
    run(svc, xlsx(tmp_path / "besar.xlsx", data), commit=True)
    assert reg.count_persons(PersonFilter(query="NOMOR 017")) == 1
    assert reg.count_persons(PersonFilter(query="WARGA")) == 30
    # The index trigger is back for ordinary writes.
    reg.create_person(PersonInput(name="TAMBAHAN MANUAL", sex="P"))
    assert reg.count_persons(PersonFilter(query="TAMBAHAN")) == 1


def test_rejected_rows_report(svc: ImportService, tmp_path: Path) -> None:
    prepared = svc.prepare(messy_file(tmp_path))
    report = svc.dry_run(prepared)
    target = tmp_path / "ditolak.xlsx"
    assert svc.save_rejected_report(prepared, report, target) == 3
    prepared.close()
    ws = openpyxl.load_workbook(target).active
    assert ws is not None
    values = list(ws.values)
    assert values[0][0] == "Baris di berkas asal" and values[0][-1] == "Alasan ditolak"
    assert [v[0] for v in values[1:]] == [5, 6, 7]
    assert "Sentol" in values[3][-1]
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_export_then_import_changes_nothing(
    ctx: AppContext, svc: ImportService, tmp_path: Path, suffix: str
) -> None:
    data = [HEADER] + [
        person_row(i, date(1950 + i, i % 12 + 1, i % 27 + 1), "LP"[i % 2], serial=i,
                   kk_serial=i // 2 + 1, relation="KEPALA KELUARGA" if i % 2 else "ISTRI",
                   kelurahan=["Sentul", "Karang Tengah", "Bendo"][i % 3],
                   kecamatan=["Kepanjenkidul", "Sananwetan", "Kepanjenkidul"][i % 3])
        for i in range(1, 13)
    ]  # fmt: skip
    run(svc, xlsx(tmp_path / "awal.xlsx", data), kind=ImportKind.HOUSEHOLDS, commit=True)
    exporter = ExportService(ctx)
    out = tmp_path / f"ekspor{suffix}"
    exporter.export(exporter.persons_table(PersonFilter()), out)
    for kind in (ImportKind.PERSONS, ImportKind.HOUSEHOLDS):
        report = run(svc, out, kind=kind)
        assert report.counts["unchanged"] == 12, report.to_dict(all_rows=False)
        assert report.counts["warnings"] == 0
    households = tmp_path / f"kpm{suffix}"
    exporter.export(exporter.households_table(PersonFilter()), households)
    report = run(svc, households, kind=ImportKind.HOUSEHOLDS)
    assert report.counts["unchanged"] == 6, report.to_dict(all_rows=False)


def test_bulk_rows_are_stored_exactly_like_orm_rows(
    ctx: AppContext, svc: ImportService, reg: RegistryService, tmp_path: Path
) -> None:
    """The import writes through executemany; the text in the file must be what the ORM writes."""
    reg.create_person(PersonInput(name="LEWAT FORMULIR", sex="P", birth_date=BORN))
    run(svc, _one_person_file(tmp_path, "LEWAT IMPOR"), commit=True)
    with ctx.db.engine.connect() as conn:
        people = conn.exec_driver_sql(
            "SELECT name, created_at, updated_at, birth_date, deleted, typeof(deleted) FROM person"
            " ORDER BY name"
        ).all()
        logs = conn.exec_driver_sql("SELECT source, at FROM change_log ORDER BY seq").all()
    (imported, by_form) = people
    for a, b in zip(imported[1:], by_form[1:], strict=True):
        assert type(a) is type(b) and len(str(a)) == len(str(b))
    assert "+" not in imported[1] and imported[3] == "1960-01-12"
    assert len({len(at) for _, at in logs}) == 1


def test_bulk_writes_get_a_larger_page_cache_that_is_set_back(
    ctx: AppContext, svc: ImportService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The import's writes run with the bulk page cache (indexes of a city registry outgrow
    # SQLite's 2 MB default); the pooled connection gets its own size back afterwards, also
    # when the write fails.
    from desktop_app.services import bulk

    seen: list[int] = []
    real = apply_module.bulk_insert

    def spy(uow: Any, entity: str, rows: Any, op: str = "create") -> int:
        seen.append(uow.session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one())
        return real(uow, entity, rows, op)

    monkeypatch.setattr(apply_module, "bulk_insert", spy)
    with ctx.db.engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    path = xlsx(tmp_path / "a.xlsx", [HEADER, person_row(1, BORN, serial=1)])
    report = run(svc, path, commit=True)
    assert report.committed
    assert seen and all(size == -bulk.BULK_CACHE_KIB for size in seen)
    with ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == before
