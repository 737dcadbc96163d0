"""Export hygiene (issue 12 item 6): masked NIK, what the file says about itself, no formulas,
owner-only files, and restricted data only for EXPORT_RESTRICTED, encrypted and logged."""

from __future__ import annotations

import csv
import io
import os
import stat
import sys
from datetime import date
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from sqlmodel import select

from desktop_app.domain.access import Actor, Role
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.exporter import (
    NOTICE_SHEET,
    Column,
    ExportService,
    Table,
    export_table,
    neutralise_formula,
)
from desktop_app.services.registry import PersonFilter, PersonInput, RegistryService
from desktop_app.storage.models import AccessLog, ChangeLog
from tests.helpers import make_nik

POSIX = sys.platform != "win32"
PASSWORD = "rahasia-kantor-1"


def person(ctx: AppContext, n: int, born: date, name: str | None = None) -> str:
    return RegistryService(ctx).create_person(
        PersonInput(
            name=name or f"WARGA UJI {n}",
            sex="L",
            nik=make_nik(born, "L", n),
            birth_date=born,
            kelurahan_code=ctx.regions.match_name("Sentul").code,
        )
    )


@pytest.fixture
def world(ctx: AppContext) -> dict[str, str]:
    """Two adults and one child enrolled in ABH (a restricted program)."""
    ids = {
        "adult1": person(ctx, 1, date(1970, 3, 4)),
        "adult2": person(ctx, 2, date(1971, 5, 6)),
        "child": person(ctx, 3, date(2012, 7, 8), name="ANAK UJI"),
    }
    RegistryService(ctx).enrol("ABH", person_id=ids["child"], details={"role": "korban"})
    return ids


def login(ctx: AppContext, role: Role) -> None:
    ctx.accounts_exist = True
    ctx.set_user(Actor(username=role.value, full_name=f"Petugas {role.value}", role=role))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# -- formulas -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Budi", "Budi"),
        ("", ""),
    ],
)
def test_neutralise_formula(text: str, expected: str) -> None:
    assert neutralise_formula(text) == expected


HOSTILE = ['=HYPERLINK("http://x","klik")', "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]


def hostile_table() -> Table:
    rows = [(f"35720112016000{i:02d}", text, i) for i, text in enumerate(HOSTILE)]
    return Table("X", [Column("NIK", "id"), Column("NAMA"), Column("N", "int")], rows, len(rows))


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    export_table(hostile_table(), out)
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    names = [row[1] for row in rows[1:]]
    assert names == ["'" + text for text in HOSTILE]
    assert [row[2] for row in rows[1:]] == [str(i) for i in range(len(HOSTILE))]  # numbers stay


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    export_table(hostile_table(), out)
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    cells = [ws.cell(r, 2) for r in range(2, 2 + len(HOSTILE))]
    # XLSX escapes a carriage return as _x000D_ (openpyxl leaves the escape as it is).
    assert [str(c.value).replace("_x000D_", "\r") for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}  # "f" would be a formula


# -- masking and the notice -----------------------------------------------------------------


def test_masked_export_has_no_full_nik(ctx: AppContext, world, tmp_path: Path) -> None:
    service = ExportService(ctx)
    niks = [make_nik(date(1970, 3, 4), "L", 1), make_nik(date(1971, 5, 6), "L", 2)]
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"orang{suffix}"
        flt = PersonFilter(query="WARGA")
        result = service.export(service.persons_table(flt), out, mask_ids=True)
        assert result.masked and result.rows == 2
        data = out.read_bytes()
        if suffix == ".xlsx":
            book = openpyxl.load_workbook(out)
            ws = book.active
            assert ws is not None
            data = "".join(str(c.value) for row in ws.iter_rows() for c in row).encode()
            assert ws["A2"].value == niks[0][:4] + "********" + niks[0][-4:]
        for nik in niks:
            assert nik.encode() not in data


def test_the_first_sheet_says_what_the_file_holds(ctx: AppContext, world, tmp_path: Path) -> None:
    service = ExportService(ctx)
    out = tmp_path / "orang.xlsx"
    service.export(service.persons_table(PersonFilter(query="WARGA")), out, mask_ids=True)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == NOTICE_SHEET
    assert book.active is not None and book.active.title == "Orang"  # opens on the data
    notice = {row[0]: row[1] for row in book[NOTICE_SHEET].iter_rows(values_only=True)}
    assert notice["Jumlah baris"] == "2"
    assert notice["Diekspor oleh"] == "tester"
    assert notice["NIK dan No. KK"] == "disamarkan"
    assert notice["Program"] == "Semua program"
    assert notice["Tanggal ekspor"] == "20-11-2026 10:00 WIB"  # 03:00 UTC, office time
    assert "JANGAN DISEBARLUASKAN" in str(notice["Peringatan"])


@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_exported_files_are_owner_only(ctx: AppContext, world, tmp_path: Path) -> None:
    service = ExportService(ctx)
    for name in ("a.xlsx", "a.csv"):
        out = tmp_path / name
        out.write_text("old")
        os.chmod(out, 0o644)  # an older export being overwritten
        service.export(service.persons_table(PersonFilter(query="WARGA")), out)
        assert mode(out) == 0o600


def test_mask_default_follows_the_role(ctx: AppContext, world) -> None:
    service = ExportService(ctx)
    table = service.persons_table(PersonFilter(query="WARGA"))
    assert service.policy(table).mask_default is False  # no accounts: everything, as before
    login(ctx, Role.OPERATOR)
    assert service.policy(table).mask_default is True
    login(ctx, Role.SOCIAL_WORKER)
    assert service.policy(table).mask_default is False


# -- restricted data ------------------------------------------------------------------------


def test_a_list_with_a_restricted_person_is_restricted(ctx: AppContext, world) -> None:
    service = ExportService(ctx)
    everyone = service.persons_table(PersonFilter())
    assert everyone.restricted == 1 and everyone.restricted_programs == ("ABH",)
    adults = service.persons_table(PersonFilter(query="WARGA"))
    assert adults.restricted == 0
    abh = service.persons_table(PersonFilter(program_code="ABH"))
    assert abh.restricted == 1
    assert service.policy(abh).programs == "ABH"


def test_operator_cannot_export_restricted_data(ctx: AppContext, world, tmp_path: Path) -> None:
    login(ctx, Role.OPERATOR)
    service = ExportService(ctx)
    out = tmp_path / "abh.xlsx"
    with pytest.raises(ServiceError) as caught:
        abh = service.persons_table(PersonFilter(program_code="ABH"))
        service.export(abh, out, password=PASSWORD)
    assert caught.value.code == "export.restricted_not_allowed" and caught.value.message
    assert not out.exists()
    # The non-restricted part of the registry stays exportable (masked by default).
    result = service.export(service.persons_table(PersonFilter(query="WARGA")), out)
    assert result.rows == 2 and result.masked


def test_field_officer_cannot_export_restricted_data(ctx: AppContext, world, tmp_path) -> None:
    login(ctx, Role.FIELD)
    service = ExportService(ctx)
    # The child is hidden from the field officer's registry, so the whole list holds no
    # restricted record and exports, without the child.
    out = service.export(service.persons_table(PersonFilter()), tmp_path / "a.xlsx").path
    sheets = openpyxl.load_workbook(out, read_only=True)
    text = " ".join(str(v) for ws in sheets for row in ws.iter_rows(values_only=True) for v in row)
    assert "ANAK UJI" not in text and "WARGA" in text
    # Asking for the restricted program itself is refused, though the list would be empty.
    with pytest.raises(ServiceError) as caught:
        service.export(service.persons_table(PersonFilter(program_code="ABH")), tmp_path / "b.xlsx")
    assert caught.value.code == "export.restricted_not_allowed"
    assert not (tmp_path / "b.xlsx").exists()


def test_head_of_office_cannot_export_at_all(ctx: AppContext, world, tmp_path: Path) -> None:
    login(ctx, Role.HEAD)
    service = ExportService(ctx)
    with pytest.raises(ServiceError) as caught:
        service.export(service.persons_table(PersonFilter(query="WARGA")), tmp_path / "a.xlsx")
    assert caught.value.code == "auth.permission_denied"


def test_restricted_export_is_encrypted_and_logged(ctx: AppContext, world, tmp_path: Path) -> None:
    tmp_path = tmp_path / "ekspor"
    tmp_path.mkdir()
    login(ctx, Role.SOCIAL_WORKER)
    service = ExportService(ctx)
    table = service.persons_table(PersonFilter(program_code="ABH"))
    with pytest.raises(ServiceError) as caught:
        service.export(table, tmp_path / "abh.csv", password=PASSWORD)
    assert caught.value.code == "export.restricted_csv"
    with pytest.raises(ServiceError) as caught:
        service.export(table, tmp_path / "abh.xlsx")
    assert caught.value.code == "export.password_required"
    with pytest.raises(ServiceError) as caught:
        service.export(table, tmp_path / "abh.xlsx", password="pendek")
    assert caught.value.code == "export.password_too_short"
    assert not list(tmp_path.iterdir())

    out = tmp_path / "abh.xlsx"
    table = service.persons_table(PersonFilter(program_code="ABH"))
    result = service.export(table, out, password=PASSWORD)
    assert result.protected and result.restricted == 1 and result.rows == 1
    assert [p.name for p in tmp_path.iterdir()] == ["abh.xlsx"]  # no plain copy left behind
    if POSIX:
        assert mode(out) == 0o600
    raw = out.read_bytes()
    assert b"ANAK UJI" not in raw and not raw.startswith(b"PK")  # an encrypted OLE file
    with out.open("rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        assert office.is_encrypted()
        office.load_key(password=PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    book = openpyxl.load_workbook(plain)
    assert book.active is not None and book.active["C2"].value == "ANAK UJI"
    with ctx.db.session() as s:
        access = s.exec(select(AccessLog).where(AccessLog.action == "export")).one()
        change = s.exec(select(ChangeLog).where(ChangeLog.op == "export")).one()
    assert access.username == "social_worker" and access.entity == "export"
    assert "abh.xlsx" in access.detail and "ABH" in access.detail and "1 baris" in access.detail
    book = openpyxl.load_workbook(plain)
    notice = {row[0]: row[1] for row in book[NOTICE_SHEET].iter_rows(values_only=True)}
    assert notice["Program"] == "Anak Berhadapan dengan Hukum (ABH)"
    assert notice["Kata sandi berkas"] == "ya"
    assert '"protected": [null, true]' in change.changes.replace(" ,", ",")


def test_without_accounts_a_restricted_export_keeps_working(
    ctx: AppContext, world, tmp_path: Path
) -> None:
    """A database without accounts (before the upgrade, tools below the login) runs as the
    system administrator: no password is forced, but the export is still access-logged."""
    service = ExportService(ctx)
    result = service.export(service.persons_table(PersonFilter()), tmp_path / "semua.csv")
    assert result.rows == 3 and result.restricted == 1 and not result.protected
    with ctx.db.session() as s:
        assert len(s.exec(select(AccessLog)).all()) == 1


def test_a_household_with_a_restricted_member_is_restricted(
    ctx: AppContext, tmp_path: Path
) -> None:
    from desktop_app.services.importing import ImportKind, ImportOptions, ImportService
    from desktop_app.storage.models import Person
    from tests.services.import_files import HEADER, person_row, xlsx

    rows = [
        HEADER,
        person_row(1, date(1980, 1, 2), kk_serial=1),
        person_row(2, date(2012, 3, 4), kk_serial=1, relation="ANAK"),
        person_row(3, date(1981, 5, 6), "P", kk_serial=2),
    ]
    service = ImportService(ctx)
    prepared = service.prepare(
        xlsx(tmp_path / "kpm.xlsx", rows), ImportOptions(kind=ImportKind.HOUSEHOLDS)
    )
    service.commit(prepared)
    prepared.close()
    with ctx.db.session() as s:
        child = s.exec(select(Person).where(Person.birth_date == date(2012, 3, 4))).one()
    RegistryService(ctx).enrol("ABH", person_id=child.id, details={"role": "saksi"})
    exporter = ExportService(ctx)
    households = exporter.households_table(PersonFilter())
    assert households.count == 2 and households.restricted == 1
    persons = exporter.persons_table(PersonFilter())
    assert persons.count == 3 and persons.restricted == 1
