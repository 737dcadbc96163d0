"""Importing persons, households (KPM with members) and program enrolments from spreadsheets.

The flow the wizard and the CLI share:

1. `ImportService.prepare(path, options)` opens the file, picks the sheet, finds the header row
   and maps columns to fields (given mapping > remembered mapping for this header > suggestions).
2. `dry_run(prepared)` reads every row and classifies it as new / update / unchanged / rejected,
   with reasons, warnings and the field-level changes an update would make. Nothing is written.
3. `commit(prepared, expected=...)` plans again inside one write transaction (the registry may
   have changed since the preview), refuses if the plan differs from what the clerk saw, and
   applies it: every insert and update appends change-log rows that carry the file name. A
   cancel or any error rolls the whole import back.

Rules that make an import safe to trust:

- Persons are matched by NIK only, households by No. KK only. No fuzzy matching creates or
  merges records.
- An empty cell never erases a stored value: it means "not in this file".
- Differences of case or spacing alone are not changes; names of new persons are stored in
  capitals as printed on the KTP.
- Rows the file repeats are flagged: an identical repeat is rejected as a duplicate, and rows
  that give one NIK two different contents are all rejected (the file must decide, not us).
- Rows below the last identity number (signature blocks, "Mengetahui, Lurah ...") are ignored.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection
from sqlmodel import select

from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import PROVINCES as PROVINCES_BY_CODE
from desktop_app.domain.nik import Issue, Severity, parse_nik, validate_kk, validate_nik
from desktop_app.domain.programs import (
    DETAIL_ABH_ROLE,
    DETAIL_DISABILITY_RAGAM,
    PROGRAMS,
    Program,
    Unit,
    get_program,
    validate_enrolment,
)
from desktop_app.domain.status import RELATION_LABELS, PersonStatus, Relation, parse_relation
from desktop_app.domain.status import parse_sex as _parse_sex
from desktop_app.services.bulk import bulk_insert, bulk_update
from desktop_app.services.cleaning import (
    clean_id_cell,
    clean_name,
    clean_phone,
    clean_rt,
    clean_text,
    is_blank,
    number_cell_warning,
    parse_date_cell,
    same_text,
    split_birth_place_date,
    split_rt_rw,
    text_of,
)
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork, diff
from desktop_app.services.spreadsheet import (
    FIELD_BY_KEY,
    HeaderLayout,
    SpreadsheetError,
    Workbook,
    column_index,
    column_letter,
    detect_header,
    header_key,
    header_layout,
    header_score,
    open_workbook,
    suggest_mapping,
)
from desktop_app.storage.models import Setting

__all__ = [
    "FieldChange",
    "ImportCancelled",
    "ImportKind",
    "ImportOptions",
    "ImportReport",
    "ImportService",
    "PreparedImport",
    "RowResult",
    "RowStatus",
]

# progress(done, total, stage): stage is "read" (rows read and checked) or "write" (rows saved).
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

MAPPING_KEY_PREFIX = "import_mapping:"
_CHUNK = 900  # below SQLite's default limit of bound parameters per statement
_CHECK_EVERY = 2000  # rows between progress reports / cancel checks
_WRITE_BATCH = 20000


class ImportKind(StrEnum):
    PERSONS = "persons"
    HOUSEHOLDS = "households"
    ENROLMENTS = "enrolments"


KIND_LABELS: dict[ImportKind, str] = {
    ImportKind.PERSONS: "Orang (perorangan)",
    ImportKind.HOUSEHOLDS: "KPM dengan anggota keluarga",
    ImportKind.ENROLMENTS: "Peserta program",
}

_PERSON_FIELDS = [
    "nik",
    "name",
    "sex",
    "sex_male_mark",
    "sex_female_mark",
    "birth_place",
    "birth_date",
    "birth_place_date",
    "street",
    "rt",
    "rw",
    "rt_rw",
    "kelurahan",
    "kecamatan",
    "phone",
    "notes",
]
_HOUSEHOLD_FIELDS = [*_PERSON_FIELDS[:1], "kk_number", *_PERSON_FIELDS[1:], "relation"]
KIND_FIELDS: dict[ImportKind, list[str]] = {
    ImportKind.PERSONS: _PERSON_FIELDS,
    ImportKind.HOUSEHOLDS: _HOUSEHOLD_FIELDS,
    ImportKind.ENROLMENTS: [*_HOUSEHOLD_FIELDS, "program", "start_date", "ragam", "abh_role"],
}
REQUIRED_FIELDS: dict[ImportKind, list[str]] = {
    ImportKind.PERSONS: ["nik"],
    ImportKind.HOUSEHOLDS: ["nik", "kk_number"],
    ImportKind.ENROLMENTS: ["nik"],
}

# Person columns an import may set, with the labels used in diffs and reports.
PERSON_LABELS: dict[str, str] = {
    "nik": "NIK",
    "name": "Nama",
    "sex": "Jenis kelamin",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "street": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "kelurahan_code": "Kelurahan",
    "phone": "Telepon",
    "notes": "Keterangan",
    "household_id": "KPM (No. KK)",
    "relation": "Hubungan keluarga",
}
HOUSEHOLD_LABELS: dict[str, str] = {
    "kk_number": "No. KK",
    "street": "Alamat KPM",
    "rt": "RT KPM",
    "rw": "RW KPM",
    "kelurahan_code": "Kelurahan KPM",
    "head_person_id": "Kepala keluarga",
}
_TEXT_FIELDS = {"name", "birth_place", "street", "notes"}
# Fields compared for an existing person. Notes are free text a clerk may have extended; an
# import never overwrites them.
_COMPARED = ("name", "sex", "birth_place", "birth_date", "street", "rt", "rw", "kelurahan_code",
             "phone")  # fmt: skip


class RowStatus(StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


STATUS_LABELS: dict[RowStatus, str] = {
    RowStatus.NEW: "Baru",
    RowStatus.UPDATE: "Diperbarui",
    RowStatus.UNCHANGED: "Tidak berubah",
    RowStatus.REJECTED: "Ditolak",
}


class ImportCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("Impor dibatalkan; tidak ada data yang berubah.")


class PlanChanged(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "Data di registri berubah sejak pratinjau dibuat (mungkin oleh pengguna lain). "
            "Jalankan pratinjau lagi sebelum menyimpan; belum ada yang tersimpan."
        )


class RejectedRows(ServiceError):
    def __init__(self, count: int) -> None:
        super().__init__(
            f"{count} baris ditolak; tidak ada yang diimpor. Perbaiki berkasnya, atau impor baris "
            "yang valid saja."
        )
        self.count = count


def _error(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.ERROR, template, dict(params))


def _warning(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.WARNING, template, dict(params))


class FieldChange(NamedTuple):
    entity: str  # "person" / "household" / "enrolment"
    field: str
    label: str
    old: Any
    new: Any

    def describe(self) -> str:
        old = "∅" if self.old in (None, "") else text_of(self.old)
        return f"{self.label}: {old} → {text_of(self.new)}"


@dataclass(slots=True)
class RowResult:
    row: int  # row number as the spreadsheet shows it (1-based)
    status: RowStatus
    nik: str | None
    name: str | None
    kk_number: str | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # A new person's record (its fields become the row's changes) and the other changes. The
    # changes of a new row are built only when someone looks: 160,000 rows stay light.
    new_person: dict[str, Any] | None = None
    edits: list[FieldChange] = field(default_factory=list)

    @property
    def changes(self) -> list[FieldChange]:
        if self.new_person is None:
            return self.edits
        person = self.new_person
        fresh = [
            FieldChange("person", key, PERSON_LABELS[key], None, person[key])
            for key in _COMPARED
            if person.get(key) is not None
        ]
        return fresh + self.edits

    @property
    def reasons(self) -> str:
        return "; ".join(i.message for i in self.errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "status": self.status.value,
            "nik": self.nik,
            "name": self.name,
            "kk_number": self.kk_number,
            "changes": [
                {"entity": c.entity, "field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                for c in self.changes
            ],
            "errors": [i.message for i in self.errors],
            "warnings": [i.message for i in self.warnings],
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class ImportOptions:
    kind: ImportKind = ImportKind.PERSONS
    sheet: str | None = None
    header_row: int | None = None  # 0-based; None: detect
    mapping: dict[str, int] | None = None  # field -> 0-based column; None: remembered/suggested
    program_code: str | None = None  # enrolments: the program, unless a column names it
    start_date: date | None = None  # enrolments: default start date (today)


@dataclass
class PreparedImport:
    """A file made ready to import: sheet, header, columns and what each column is."""

    path: Path
    workbook: Workbook
    options: ImportOptions
    sheet: str
    layout: HeaderLayout
    mapping: dict[str, int]
    mapping_origin: str  # "given" / "remembered" / "suggested"
    suggested: dict[str, int]
    preview: list[list[Any]]

    @property
    def labels(self) -> list[str]:
        return self.layout.labels

    @property
    def file_name(self) -> str:
        return self.path.name

    def column_name(self, col: int) -> str:
        label = self.labels[col] if col < len(self.labels) else ""
        return f"{column_letter(col)} ({label})" if label else column_letter(col)

    def close(self) -> None:
        self.workbook.close()


@dataclass
class ImportReport:
    file_name: str
    sheet: str
    kind: ImportKind
    rows: list[RowResult]
    ignored_rows: int = 0  # blank rows and rows below the data (signatures, totals)
    committed: bool = False
    batch_id: str | None = None
    fingerprint: str = ""

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in RowStatus}
        for r in self.rows:
            out[r.status.value] += 1
        out["warnings"] = sum(1 for r in self.rows if r.warnings)
        return out

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == RowStatus.REJECTED]

    def to_dict(self, *, all_rows: bool = True) -> dict[str, Any]:
        rows = (
            self.rows
            if all_rows
            else [r for r in self.rows if r.status != RowStatus.UNCHANGED or r.warnings]
        )
        return {
            "file": self.file_name,
            "sheet": self.sheet,
            "kind": self.kind.value,
            "committed": self.committed,
            "batch_id": self.batch_id,
            "counts": self.counts,
            "ignored_rows": self.ignored_rows,
            "rows": [r.to_dict() for r in rows],
        }


# -- parsing one row ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    row: int
    values: dict[str, Any]  # person fields (model column names) with non-empty values
    errors: list[Issue]
    warnings: list[Issue]
    kk_number: str | None = None
    relation: str | None = None
    relation_given: bool = False
    program: str | None = None
    start_date: date | None = None
    details: dict[str, Any] = field(default_factory=dict)
    has_id: bool = False  # any text in the NIK or KK cell (for the footer rule)
    shown_nik: str | None = None  # an unusable NIK cell as written, for reports


_RAGAM_WORDS: dict[str, str] = {
    "fisik": "fisik",
    "daksa": "fisik",
    "tunadaksa": "fisik",
    "intelektual": "intelektual",
    "grahita": "intelektual",
    "tunagrahita": "intelektual",
    "mental": "mental",
    "psikososial": "mental",
    "tunalaras": "mental",
    "netra": "sensorik_netra",
    "tunanetra": "sensorik_netra",
    "sensoriknetra": "sensorik_netra",
    "rungu": "sensorik_rungu",
    "tunarungu": "sensorik_rungu",
    "sensorikrungu": "sensorik_rungu",
    "wicara": "sensorik_wicara",
    "tunawicara": "sensorik_wicara",
    "sensorikwicara": "sensorik_wicara",
}


def _ragam(value: Any) -> tuple[list[str], list[str]]:
    known: list[str] = []
    unknown: list[str] = []
    text = (clean_text(value) or "").lower()
    for part in text.replace(";", ",").replace("/", ",").replace(" dan ", ",").split(","):
        key = "".join(ch for ch in part if ch.isalnum())
        if not key:
            continue
        if key.startswith("disabilitas"):
            key = key[len("disabilitas") :]
        mapped = _RAGAM_WORDS.get(key)
        if mapped is None:
            unknown.append(part.strip())
        elif mapped not in known:
            known.append(mapped)
    return known, unknown


class _RowParser:
    """Turns the mapped cells of one row into cleaned person/household values and issues.

    This runs once per row of files with 160,000 rows, so the common case (text that is already
    clean, a well-formed NIK that agrees with the row) takes short cuts that give exactly what
    the general cleaners and validators would.
    """

    def __init__(self, ctx: AppContext, mapping: dict[str, int], kind: ImportKind) -> None:
        self.ctx = ctx
        self.kind = kind
        self.today = ctx.clock.today()
        self.office_province = ctx.office.province_code
        province = (ctx.office.province_code or "").strip().split(".")[0]
        # Short cuts below compare against the office's province; without a valid one, none.
        self.province = province if province in PROVINCES_BY_CODE else ""
        self.cols = sorted(mapping.items(), key=lambda item: item[1])
        self.mapping = mapping
        self.has_kk = "kk_number" in mapping
        self._regions: dict[tuple[str, str], tuple[str | None, Issue | None]] = {}
        self._sexes: dict[str, str | None] = {}
        self._relations: dict[str, Relation | None] = {}

    def cells(self, row: list[Any]) -> dict[str, Any]:
        """The mapped, non-empty cells of a row by field."""
        out: dict[str, Any] = {}
        width = len(row)
        for key, col in self.cols:
            if col < width:
                value = row[col]
                if value is None or value == "":
                    continue
                if type(value) is str and value.isspace():
                    continue
                out[key] = value
        return out

    def parse(self, number: int, row: list[Any]) -> _Candidate:
        cells = self.cells(row)
        errors: list[Issue] = []
        warnings: list[Issue] = []
        values: dict[str, Any] = {}
        cand = _Candidate(number, values, errors, warnings)
        get = cells.get

        raw_nik = get("nik")
        raw_kk = get("kk_number")
        cand.has_id = raw_nik is not None or raw_kk is not None

        raw_name = get("name")
        if raw_name is not None:
            name = clean_name(raw_name)
            if name:
                values["name"] = name
        self._sex(cells, values, errors)
        self._birth(cells, values, errors)
        self._address(cells, values, errors)
        if "phone" in cells:
            phone = clean_phone(cells["phone"])
            if phone:
                values["phone"] = phone
        if "notes" in cells:
            notes = clean_text(cells["notes"])
            if notes:
                values["notes"] = notes

        nik, problem = clean_id_cell(raw_nik, "NIK")
        if problem:
            errors.append(problem)
            cand.shown_nik = text_of(raw_nik)  # what the sender sees in the cell
        elif nik is None:
            errors.append(_error("import.nik_missing", "NIK kosong: baris tanpa NIK tidak dapat "
                                 "dicocokkan dengan registri."))  # fmt: skip
        else:
            values["nik"] = nik
            if isinstance(raw_nik, int | float):
                warnings.append(number_cell_warning("NIK"))
            if not self._nik_agrees(nik, values.get("birth_date"), values.get("sex")):
                for issue in validate_nik(
                    nik,
                    birth_date=values.get("birth_date"),
                    sex=values.get("sex"),
                    office_province=self.office_province,
                    today=self.today,
                ):
                    (errors if issue.is_error else warnings).append(issue)

        if self.has_kk:
            kk, problem = clean_id_cell(raw_kk, "No. KK")
            if problem:
                errors.append(problem)
            elif kk is not None:
                cand.kk_number = kk
                if isinstance(raw_kk, int | float):
                    warnings.append(number_cell_warning("No. KK"))
                if not self._kk_is_clean(kk):
                    for issue in validate_kk(kk, office_province=None, today=self.today):
                        (errors if issue.is_error else warnings).append(issue)
            elif self.kind == ImportKind.HOUSEHOLDS:
                errors.append(_error("import.kk_missing", "No. KK kosong."))

        raw_relation = get("relation")
        if raw_relation is not None:
            key = text_of(raw_relation)
            if key not in self._relations:
                self._relations[key] = parse_relation(key)
            relation = self._relations[key]
            if relation is None:
                warnings.append(
                    _warning(
                        "import.relation_unknown",
                        "Hubungan keluarga '{value}' tidak dikenal; dikosongkan.",
                        value=key,
                    )
                )
            else:
                cand.relation = relation.value
                cand.relation_given = True

        if self.kind == ImportKind.ENROLMENTS:
            self._enrolment(cells, cand)
        return cand

    def _nik_agrees(self, nik: str, born: date | None, sex: str | None) -> bool:
        """True when validate_nik would find nothing to say: a well-formed NIK of the office's
        province whose birth date and sex digits agree with the row. Anything else goes
        through validate_nik for its messages."""
        if born is None or sex is None or len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
            return False
        if nik[:2] != self.province or nik[2:4] == "00" or nik[4:6] == "00":
            return False
        if nik[12:] == "0000" or born > self.today:
            return False
        dd = int(nik[6:8])
        nik_sex, day = ("P", dd - 40) if dd > 40 else ("L", dd)
        return (
            sex == nik_sex
            and day == born.day
            and int(nik[8:10]) == born.month
            and int(nik[10:12]) == born.year % 100
        )

    def _kk_is_clean(self, kk: str) -> bool:
        """True when validate_kk (without the province check) would find nothing to say."""
        if len(kk) != 16 or not (kk.isascii() and kk.isdigit()):
            return False
        if kk[:2] != self.province or kk[2:4] == "00":
            return False
        try:
            issued = date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        except ValueError:
            return False
        return issued <= self.today

    def _sex(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        raw = cells.get("sex")
        if raw is not None:
            key = raw if type(raw) is str else text_of(raw)
            sex = self._sexes.get(key, "?")
            if sex == "?":
                sex = self._sexes[key] = _parse_sex(key)
            if sex is None:
                errors.append(
                    _error(
                        "import.sex",
                        "Jenis kelamin '{value}' tidak dikenal (isi L atau P).",
                        value=key,
                    )
                )
            else:
                values["sex"] = sex
            return
        male = "sex_male_mark" in cells
        female = "sex_female_mark" in cells
        if male and female:
            errors.append(_error("import.sex", "Kolom L dan P sama-sama diisi."))
        elif male or female:
            values["sex"] = "L" if male else "P"

    def _birth(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        place = clean_text(cells.get("birth_place"))
        raw_date = cells.get("birth_date")
        if type(raw_date) is date:
            born, problem = raw_date, None
        else:
            born, problem = parse_date_cell(raw_date, self.today)
        combined = cells.get("birth_place_date")
        if combined is not None and (place is None or born is None):
            c_place, c_born, c_problem = split_birth_place_date(combined, self.today)
            place = place or c_place
            if born is None and problem is None:
                born, problem = c_born, c_problem
        if place:
            values["birth_place"] = place
        if problem:
            errors.append(problem)
        elif born is not None:
            if born > self.today:
                errors.append(
                    _error(
                        "import.birth_future",
                        "Tanggal lahir {value} ada di masa depan.",
                        value=born.strftime("%d-%m-%Y"),
                    )
                )
            elif born.year < 1900:
                errors.append(
                    _error(
                        "import.birth_old",
                        "Tanggal lahir {value} tidak masuk akal.",
                        value=born.strftime("%d-%m-%Y"),
                    )
                )
            else:
                values["birth_date"] = born

    def _address(self, cells: dict[str, Any], values: dict[str, Any], errors: list[Issue]) -> None:
        street = clean_text(cells.get("street"))
        if street:
            values["street"] = street
        rt, rw = clean_rt(cells.get("rt")), clean_rt(cells.get("rw"))
        combined = cells.get("rt_rw")
        if combined is not None and (rt is None or rw is None):
            c_rt, c_rw = split_rt_rw(combined)
            if c_rt is None:
                errors.append(
                    _error(
                        "import.rt_rw",
                        "RT/RW '{value}' tidak dapat dibaca (tulis seperti 003/002).",
                        value=text_of(combined),
                    )
                )
            rt, rw = rt or c_rt, rw or c_rw
        if rt:
            values["rt"] = rt
        if rw:
            values["rw"] = rw
        raw_kel = cells.get("kelurahan")
        if raw_kel is not None:
            raw_kec = cells.get("kecamatan")
            key = (
                raw_kel if type(raw_kel) is str else text_of(raw_kel),
                "" if raw_kec is None else raw_kec if type(raw_kec) is str else text_of(raw_kec),
            )
            found = self._regions.get(key)
            if found is None:
                kel = clean_text(raw_kel) or ""
                kec = clean_text(raw_kec) or ""
                found = self._regions[key] = self._region(kel, kec) if kel else (None, None)
            code, problem = found
            if problem:
                errors.append(problem)
            elif code:
                values["kelurahan_code"] = code

    def _region(self, kel: str, kec: str) -> tuple[str | None, Issue | None]:
        regions = self.ctx.regions
        parent = regions.match_name(kec, "kecamatan") if kec else None
        found = regions.match_name(kel, "kelurahan", parent.code if parent else None)
        result: tuple[str | None, Issue | None]
        if found is None and parent is not None:
            # The kecamatan column may be the one that is wrong.
            found = regions.match_name(kel, "kelurahan")
        if found is not None:
            result = (found.code, None)
        else:
            close = regions.suggest(kel, "kelurahan", parent.code if parent else None)
            hint = f" Mungkin maksudnya: {', '.join(r.name for r in close)}." if close else ""
            ambiguous = not close and any(
                r.name.casefold() == kel.casefold() for r in regions.kelurahan()
            )
            if ambiguous:
                hint = " Nama ini ada di lebih dari satu kecamatan; isi kolom KECAMATAN."
            result = (
                None,
                _error(
                    "import.kelurahan",
                    "Kelurahan '{value}' tidak dikenal.{hint}",
                    value=kel,
                    hint=hint,
                ),
            )
        return result

    def _enrolment(self, cells: dict[str, Any], cand: _Candidate) -> None:
        raw_program = cells.get("program")
        if raw_program is not None:
            text = text_of(raw_program).strip()
            code = _program_code(text)
            if code is None:
                cand.errors.append(
                    _error(
                        "import.program",
                        "Program '{value}' tidak dikenal. Kode yang ada: {codes}.",
                        value=text,
                        codes=", ".join(PROGRAMS),
                    )
                )
            else:
                cand.program = code
        start, problem = parse_date_cell(cells.get("start_date"), self.today)
        if problem:
            cand.errors.append(problem)
        cand.start_date = start
        raw_ragam = cells.get("ragam")
        if raw_ragam is not None:
            known, unknown = _ragam(raw_ragam)
            if unknown:
                cand.errors.append(
                    _error(
                        "import.ragam",
                        "Ragam disabilitas tidak dikenal: {value}.",
                        value=", ".join(unknown),
                    )
                )
            cand.details[DETAIL_DISABILITY_RAGAM] = known
        raw_role = cells.get("abh_role")
        if raw_role is not None:
            role = (clean_text(raw_role) or "").lower()
            for word in ("pelaku", "korban", "saksi"):
                if word in role:
                    role = word
            cand.details[DETAIL_ABH_ROLE] = role


def _program_code(text: str) -> str | None:
    key = header_key(text)
    for program in PROGRAMS.values():
        if key in (header_key(program.code), header_key(program.short), header_key(program.name)):
            return program.code
    return None


# -- the plan -----------------------------------------------------------------------------------


@dataclass
class _Existing:
    persons: dict[str, list[dict[str, Any]]]  # nik -> rows (more than one: a registry duplicate)
    households: dict[str, list[dict[str, Any]]]  # kk -> rows
    household_kk: dict[str, str]  # household id -> kk (for messages about other households)
    person_enrolled: set[tuple[str, str]]  # (program, person id) with an active enrolment
    household_enrolled: set[tuple[str, str]]


@dataclass
class _Ops:
    new_households: list[dict[str, Any]] = field(default_factory=list)
    new_kk_history: list[dict[str, Any]] = field(default_factory=list)
    new_persons: list[dict[str, Any]] = field(default_factory=list)
    person_updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    household_updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    new_enrolments: list[dict[str, Any]] = field(default_factory=list)


_PERSON_COLUMNS = (
    "id, nik, name, sex, birth_place, birth_date, street, rt, rw, kelurahan_code, phone, notes, "
    "household_id, relation, status"
)


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _load_existing(conn: Connection, niks: list[str], kks: list[str]) -> _Existing:
    persons: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(niks):
        marks = ",".join("?" * len(chunk))
        result = conn.exec_driver_sql(
            f"SELECT {_PERSON_COLUMNS} FROM person WHERE deleted = 0 AND nik IN ({marks})",
            tuple(chunk),
        )
        for row in result.mappings():
            record = dict(row)
            record["birth_date"] = _as_date(record["birth_date"])
            persons.setdefault(record["nik"], []).append(record)
    households: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(kks):
        marks = ",".join("?" * len(chunk))
        result = conn.exec_driver_sql(
            "SELECT id, kk_number, head_person_id, street, rt, rw, kelurahan_code FROM household"
            f" WHERE deleted = 0 AND kk_number IN ({marks})",
            tuple(chunk),
        )
        for row in result.mappings():
            households.setdefault(row["kk_number"], []).append(dict(row))
    member_households = sorted(
        {p["household_id"] for rows in persons.values() for p in rows if p["household_id"]}
    )
    household_kk: dict[str, str] = {}
    for chunk in _chunks(member_households):
        marks = ",".join("?" * len(chunk))
        for hid, kk in conn.exec_driver_sql(
            f"SELECT id, kk_number FROM household WHERE id IN ({marks})", tuple(chunk)
        ):
            household_kk[hid] = kk
    for rows in households.values():
        for h in rows:
            household_kk[h["id"]] = h["kk_number"]
    person_enrolled: set[tuple[str, str]] = set()
    household_enrolled: set[tuple[str, str]] = set()
    person_ids = [p["id"] for rows in persons.values() for p in rows]
    for chunk in _chunks(person_ids):
        marks = ",".join("?" * len(chunk))
        for code, pid in conn.exec_driver_sql(
            "SELECT program_code, person_id FROM enrolment WHERE deleted = 0 AND end_date IS"
            f" NULL AND person_id IN ({marks})",
            tuple(chunk),
        ):
            person_enrolled.add((code, pid))
    for chunk in _chunks(sorted(household_kk)):
        marks = ",".join("?" * len(chunk))
        for code, hid in conn.exec_driver_sql(
            "SELECT program_code, household_id FROM enrolment WHERE deleted = 0 AND end_date"
            f" IS NULL AND household_id IN ({marks})",
            tuple(chunk),
        ):
            household_enrolled.add((code, hid))
    return _Existing(persons, households, household_kk, person_enrolled, household_enrolled)


def _differs(field_name: str, old: Any, new: Any) -> bool:
    if field_name in _TEXT_FIELDS:
        return not same_text(old, new)
    return old != new


class _Planner:
    """Classifies candidates against the registry and collects the writes a commit makes."""

    def __init__(
        self,
        ctx: AppContext,
        prepared: PreparedImport,
        existing: _Existing,
        program: Program | None,
    ) -> None:
        self.ctx = ctx
        self.prepared = prepared
        self.kind = prepared.options.kind
        self.existing = existing
        self.program = program
        self.today = ctx.clock.today()
        self.default_start = prepared.options.start_date or self.today
        self.ops = _Ops()
        self.results: dict[int, RowResult] = {}
        self.now = ctx.clock.now()

    # -- persons --------------------------------------------------------------------------------
    def person_row(self, cand: _Candidate) -> tuple[RowResult, dict[str, Any] | None]:
        """The result for a row's person and, when the row is valid, its pending person op."""
        values = cand.values
        result = RowResult(
            cand.row,
            RowStatus.UNCHANGED,
            values.get("nik") or cand.shown_nik,
            values.get("name"),
            cand.kk_number,
            cand.errors,
            cand.warnings,
        )
        if result.errors:
            result.status = RowStatus.REJECTED
            return result, None
        matches = self.existing.persons.get(values["nik"], [])
        if len(matches) > 1:
            result.errors.append(
                _error(
                    "import.registry_duplicate",
                    "NIK ini terdaftar {n} kali di registri ({names}); selesaikan duplikatnya "
                    "di aplikasi lebih dulu.",
                    n=len(matches),
                    names=", ".join(m["name"] for m in matches),
                )
            )
            result.status = RowStatus.REJECTED
            return result, None
        if not matches:
            if "name" not in values:
                result.errors.append(_error("import.name_missing", "Nama kosong."))
            if "sex" not in values:
                info = parse_nik(values["nik"], today=self.today)
                if info is not None:
                    values["sex"] = info.sex
                    result.warnings.append(
                        _warning(
                            "import.sex_from_nik",
                            "Jenis kelamin tidak diisi; diambil dari NIK ({sex}).",
                            sex=info.sex,
                        )
                    )
                else:
                    result.errors.append(_error("import.sex_missing", "Jenis kelamin kosong."))
            if result.errors:
                result.status = RowStatus.REJECTED
                return result, None
            person = {
                "id": new_id(),
                "nik": values["nik"],
                "name": values["name"],
                "sex": values["sex"],
                "birth_place": values.get("birth_place"),
                "birth_date": values.get("birth_date"),
                "household_id": None,
                "relation": None,
                "street": values.get("street"),
                "rt": values.get("rt"),
                "rw": values.get("rw"),
                "kelurahan_code": values.get("kelurahan_code"),
                "phone": values.get("phone"),
                "notes": values.get("notes"),
                "status": PersonStatus.AKTIF.value,
                "status_date": None,
                "deleted": False,
            }
            result.status = RowStatus.NEW
            result.new_person = person
            return result, {"new": person}
        current = matches[0]
        result.name = current["name"]
        changes: dict[str, Any] = {}
        for key in _COMPARED:
            new = values.get(key)
            if new is None:
                continue  # an empty cell never erases
            if _differs(key, current[key], new):
                changes[key] = new
                result.edits.append(
                    FieldChange("person", key, PERSON_LABELS[key], current[key], new)
                )
        if current["status"] != PersonStatus.AKTIF.value:
            result.warnings.append(
                _warning(
                    "import.status",
                    "Di registri berstatus {status}.",
                    status=current["status"],
                )
            )
        result.status = RowStatus.UPDATE if changes else RowStatus.UNCHANGED
        return result, {"current": current, "changes": changes}

    # -- the whole file -------------------------------------------------------------------------
    def plan(self, candidates: list[_Candidate]) -> list[RowResult]:
        pending: dict[int, dict[str, Any]] = {}
        for cand in candidates:
            result, op = self.person_row(cand)
            self.results[cand.row] = result
            if op is not None:
                pending[cand.row] = op
        if self.kind == ImportKind.HOUSEHOLDS or (
            self.kind == ImportKind.ENROLMENTS and "kk_number" in self.prepared.mapping
        ):
            self._households(candidates, pending)
        if self.kind == ImportKind.ENROLMENTS:
            self._enrolments(candidates, pending)
        self._emit(candidates, pending)
        return [self.results[c.row] for c in candidates]

    def _reject(self, row: int, pending: dict[int, dict[str, Any]], issue: Issue) -> None:
        result = self.results[row]
        result.errors.append(issue)
        result.status = RowStatus.REJECTED
        result.edits.clear()
        result.new_person = None
        pending.pop(row, None)

    def _person_id(self, op: dict[str, Any]) -> str:
        return op["new"]["id"] if "new" in op else op["current"]["id"]

    def _mark_update(self, row: int) -> None:
        result = self.results[row]
        if result.status == RowStatus.UNCHANGED:
            result.status = RowStatus.UPDATE

    def _households(self, candidates: list[_Candidate], pending: dict[int, dict[str, Any]]) -> None:
        groups: dict[str, list[_Candidate]] = {}
        for cand in candidates:
            if cand.row in pending:
                if cand.kk_number is None:
                    continue  # enrolments without a KK keep the person's own household
                groups.setdefault(cand.kk_number, []).append(cand)
        for kk, members in groups.items():
            matches = self.existing.households.get(kk, [])
            if len(matches) > 1:
                for cand in members:
                    self._reject(
                        cand.row,
                        pending,
                        _error(
                            "import.kk_registry_duplicate",
                            "No. KK {kk} terdaftar untuk {n} KPM di registri; selesaikan dulu "
                            "di aplikasi.",
                            kk=kk,
                            n=len(matches),
                        ),
                    )
                continue
            household = matches[0] if matches else None
            hid = household["id"] if household else new_id()
            # Membership of each member row.
            for cand in members:
                op = pending[cand.row]
                if "current" in op:
                    current = op["current"]
                    if current["household_id"] not in (None, hid):
                        other = self.existing.household_kk.get(current["household_id"], "?")
                        self._reject(
                            cand.row,
                            pending,
                            _error(
                                "import.other_household",
                                "{name} sudah anggota KPM lain (No. KK {kk}); pindahkan lewat "
                                "aplikasi bila memang pindah KK.",
                                name=current["name"],
                                kk=other,
                            ),
                        )
                        continue
            alive = [c for c in members if c.row in pending]
            if not alive:
                continue
            heads = [c for c in alive if c.relation == Relation.KEPALA.value]
            if len(heads) > 1:
                rows = ", ".join(str(c.row) for c in heads)
                for cand in heads:
                    self._reject(
                        cand.row,
                        pending,
                        _error(
                            "import.two_heads",
                            "No. KK {kk} punya lebih dari satu kepala keluarga di berkas "
                            "(baris {rows}).",
                            kk=kk,
                            rows=rows,
                        ),
                    )
                heads = []
                alive = [c for c in members if c.row in pending]
            if not heads and len(alive) == 1 and not alive[0].relation_given:
                heads = alive
                alive[0].relation = Relation.KEPALA.value
                self.results[alive[0].row].warnings.append(
                    _warning(
                        "import.assumed_head",
                        "Satu-satunya anggota No. KK ini di berkas; dianggap kepala keluarga.",
                    )
                )
            head = heads[0] if heads else None
            head_id = self._person_id(pending[head.row]) if head else None
            if household is not None and head is not None:
                current_head = household["head_person_id"]
                if current_head not in (None, head_id):
                    self._reject(
                        head.row,
                        pending,
                        _error(
                            "import.head_differs",
                            "KPM No. KK {kk} sudah punya kepala keluarga lain di registri. "
                            "Ganti kepala keluarga lewat aplikasi ('Jadikan kepala').",
                            kk=kk,
                        ),
                    )
                    head, head_id = None, None
            alive = [c for c in members if c.row in pending]
            if not alive:
                continue
            for cand in alive:
                self._membership(cand, pending[cand.row], hid, kk)
            source = head or alive[0]
            address = {
                k: source.values[k]
                for k in ("street", "rt", "rw", "kelurahan_code")
                if k in source.values
            }
            if household is None:
                record = {
                    "id": hid,
                    "kk_number": kk,
                    "head_person_id": head_id,
                    "street": address.get("street"),
                    "rt": address.get("rt"),
                    "rw": address.get("rw"),
                    "kelurahan_code": address.get("kelurahan_code"),
                    "card_code": None,
                    "deleted": False,
                }
                self.ops.new_households.append(record)
                self.ops.new_kk_history.append(
                    {
                        "id": new_id(),
                        "household_id": hid,
                        "kk_number": kk,
                        "valid_from": self.today,
                        "valid_to": None,
                        "reason": "KK pertama dicatat (impor)",
                        "recorded_at": self.now,
                    }
                )
                result = self.results[source.row]
                result.edits.append(FieldChange("household", "kk_number", "KPM baru", None, kk))
                self._mark_update(source.row)
                if head is None:
                    result.warnings.append(
                        _warning(
                            "import.no_head",
                            "KPM No. KK {kk} tanpa kepala keluarga di berkas; tetapkan "
                            "kepalanya di aplikasi.",
                            kk=kk,
                        )
                    )
            else:
                changes: dict[str, Any] = {}
                if head is not None:
                    for key, value in address.items():
                        if _differs(key, household[key], value):
                            changes[key] = value
                    if household["head_person_id"] is None and head_id is not None:
                        changes["head_person_id"] = head_id
                if changes:
                    self.ops.household_updates.append(
                        (hid, changes, {k: household[k] for k in changes})
                    )
                    result = self.results[source.row]
                    for key, value in changes.items():
                        old = household[key]
                        if key == "head_person_id":
                            old, value = None, source.values.get("name") or "(kepala)"
                        result.edits.append(
                            FieldChange("household", key, HOUSEHOLD_LABELS[key], old, value)
                        )
                    self._mark_update(source.row)
            for cand in alive:
                pending[cand.row]["household_id"] = hid

    def _membership(self, cand: _Candidate, op: dict[str, Any], hid: str, kk: str) -> None:
        if "new" in op:
            op["new"]["household_id"] = hid
            op["new"]["relation"] = cand.relation
            self.results[cand.row].edits.append(
                FieldChange("person", "household_id", PERSON_LABELS["household_id"], None, kk)
            )
            if cand.relation:
                self.results[cand.row].edits.append(
                    FieldChange(
                        "person",
                        "relation",
                        PERSON_LABELS["relation"],
                        None,
                        RELATION_LABELS[Relation(cand.relation)],
                    )
                )
            return
        current = op["current"]
        changes = op["changes"]
        result = self.results[cand.row]
        if current["household_id"] != hid:
            changes["household_id"] = hid
            result.edits.append(
                FieldChange("person", "household_id", PERSON_LABELS["household_id"], None, kk)
            )
        if cand.relation and cand.relation != current["relation"]:
            changes["relation"] = cand.relation
            old = current["relation"]
            result.edits.append(
                FieldChange(
                    "person",
                    "relation",
                    PERSON_LABELS["relation"],
                    RELATION_LABELS.get(Relation(old)) if old in Relation else old,
                    RELATION_LABELS[Relation(cand.relation)],
                )
            )
        if changes:
            self._mark_update(cand.row)

    def _enrolments(self, candidates: list[_Candidate], pending: dict[int, dict[str, Any]]) -> None:
        enrolled_households: set[tuple[str, str]] = set()
        for cand in candidates:
            if cand.row not in pending:
                continue
            op = pending[cand.row]
            code = cand.program or (self.program.code if self.program else None)
            if code is None:
                self._reject(
                    cand.row,
                    pending,
                    _error(
                        "import.program_missing",
                        "Program belum ditentukan (pilih program atau isi kolom PROGRAM).",
                    ),
                )
                continue
            program = PROGRAMS[code]
            start = cand.start_date or self.default_start
            if program.unit == Unit.HOUSEHOLD:
                hid = op.get("household_id")
                if hid is None:
                    hid = (
                        op["new"]["household_id"] if "new" in op else op["current"]["household_id"]
                    )
                if hid is None:
                    self._reject(
                        cand.row,
                        pending,
                        _error(
                            "import.no_household",
                            "Program {program} untuk KPM: orang ini belum terdaftar dalam KPM "
                            "(isi kolom No. KK).",
                            program=program.short,
                        ),
                    )
                    continue
                key = (code, hid)
                if key in self.existing.household_enrolled or key in enrolled_households:
                    continue
                enrolled_households.add(key)
                self.ops.new_enrolments.append(self._enrolment(code, None, hid, start, {}))
                self.results[cand.row].edits.append(
                    FieldChange("enrolment", "program_code", "Program KPM", None, program.short)
                )
                self._mark_update(cand.row)
                continue
            if "current" in op and op["current"]["status"] != PersonStatus.AKTIF.value:
                self._reject(
                    cand.row,
                    pending,
                    _error(
                        "import.not_active",
                        "Berstatus {status}; tidak dapat didaftarkan ke program.",
                        status=op["current"]["status"],
                    ),
                )
                continue
            pid = self._person_id(op)
            if (code, pid) in self.existing.person_enrolled:
                continue
            birth = (
                op["new"]["birth_date"]
                if "new" in op
                else op["changes"].get("birth_date", op["current"]["birth_date"])
            )
            issues = validate_enrolment(program, birth_date=birth, on=start, details=cand.details)
            errors = [i for i in issues if i.is_error]
            if errors:
                for issue in errors[1:]:
                    self.results[cand.row].errors.append(issue)
                self._reject(cand.row, pending, errors[0])
                continue
            self.results[cand.row].warnings.extend(i for i in issues if not i.is_error)
            self.ops.new_enrolments.append(self._enrolment(code, pid, None, start, cand.details))
            self.results[cand.row].edits.append(
                FieldChange("enrolment", "program_code", "Program", None, program.short)
            )
            self._mark_update(cand.row)

    def _enrolment(
        self, code: str, pid: str | None, hid: str | None, start: date, details: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": new_id(),
            "program_code": code,
            "person_id": pid,
            "household_id": hid,
            "start_date": start,
            "end_date": None,
            "end_reason": None,
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
            "deleted": False,
        }

    def _emit(self, candidates: list[_Candidate], pending: dict[int, dict[str, Any]]) -> None:
        for cand in candidates:
            op = pending.get(cand.row)
            if op is None:
                continue
            if "new" in op:
                self.ops.new_persons.append(op["new"])
            elif op["changes"]:
                current = op["current"]
                self.ops.person_updates.append(
                    (current["id"], op["changes"], {k: current[k] for k in op["changes"]})
                )


def _flag_duplicates(candidates: list[_Candidate]) -> None:
    """Rows that repeat a NIK: identical repeats are rejected as duplicates of the first; rows
    that give one NIK different contents are all rejected."""
    seen: dict[str, list[_Candidate]] = {}
    for cand in candidates:
        nik = cand.values.get("nik")
        if nik is not None and not cand.errors:
            seen.setdefault(nik, []).append(cand)
    for rows in seen.values():
        if len(rows) < 2:
            continue
        first = rows[0]

        def signature(c: _Candidate) -> tuple:
            return (sorted(c.values.items()), c.kk_number, c.relation, c.program)

        if all(signature(c) == signature(first) for c in rows[1:]):
            for cand in rows[1:]:
                cand.errors.append(
                    _error(
                        "import.duplicate",
                        "Duplikat: isinya sama dengan baris {row}.",
                        row=first.row,
                    )
                )
            continue
        numbers = ", ".join(str(c.row) for c in rows)
        for cand in rows:
            cand.errors.append(
                _error(
                    "import.conflict",
                    "NIK yang sama muncul di baris {rows} dengan isi berbeda; tentukan mana "
                    "yang benar di berkas.",
                    rows=numbers,
                )
            )


def _fingerprint(results: Iterable[RowResult]) -> str:
    """What the clerk approved, in a form that changes when the registry does.

    A new row's values come from the file alone (the same prepared file is committed), so only
    its status is hashed; updates and the other changes depend on the registry and are hashed in
    full.
    """
    parts: list[str] = []
    for r in results:
        parts.append(f"{r.row}|{r.status.value}")
        for c in r.edits:
            parts.append(f"{c.entity}.{c.field}={_plain(c.old)}>{_plain(c.new)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk import.

    Reading 160,000 rows creates millions of small objects that all stay alive until the plan is
    applied; every collection walks them again, which doubles the time of a large import.
    Reference counting still frees everything that is dropped; the collector resumes after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the service ------------------------------------------------------------------------------


class ImportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- preparing ------------------------------------------------------------------------------
    def prepare(self, path: Path | str, options: ImportOptions | None = None) -> PreparedImport:
        """Open the file and decide sheet, header and columns; raise SpreadsheetError if the file
        cannot be used."""
        options = options or ImportOptions()
        workbook = open_workbook(path)
        try:
            return self._prepare(workbook, options)
        except BaseException:
            workbook.close()
            raise

    def _prepare(self, workbook: Workbook, options: ImportOptions) -> PreparedImport:
        kind = ImportKind(options.kind)
        if options.sheet:
            sheet = workbook.resolve_sheet(options.sheet)
            head = workbook.head(sheet)
        else:
            sheet, head = self._best_sheet(workbook, options.header_row is None)
        if not any(any(not is_blank(c) for c in row) for row in head):
            raise SpreadsheetError(
                "empty",
                f"Lembar '{sheet}' di berkas {workbook.name} kosong."
                if len(workbook.sheets) > 1
                else f"Berkas {workbook.name} tidak berisi data.",
            )
        header_row = options.header_row
        if header_row is None:
            header_row = self._remembered_header(kind, head)
        if header_row is None:
            header_row = detect_header(head)
            if header_row is None:
                raise SpreadsheetError(
                    "no_header",
                    f"Baris judul kolom tidak ditemukan di lembar '{sheet}' berkas "
                    f"{workbook.name} (dicari di {len(head)} baris pertama: kolom seperti NIK, "
                    "NAMA, NO KK). Pilih baris judul secara manual, atau pilih lembar lain.",
                )
        if header_row >= len(head):
            head = [list(r) for r in _take(workbook.rows(sheet), header_row + 3)]
            if header_row >= len(head):
                raise SpreadsheetError(
                    "no_header", f"Lembar '{sheet}' tidak punya baris ke-{header_row + 1}."
                )
        layout = header_layout(head, header_row)
        fields = KIND_FIELDS[kind]
        suggested = suggest_mapping(layout.labels, fields)
        origin = "suggested"
        mapping = dict(suggested)
        if options.mapping is not None:
            mapping, origin = dict(options.mapping), "given"
        else:
            remembered = self.remembered_mapping(kind, layout.labels)
            if remembered is not None:
                mapping, origin = remembered, "remembered"
        unknown = [k for k in mapping if k not in fields]
        if unknown:
            raise SpreadsheetError(
                "mapping",
                f"Kolom {', '.join(unknown)} tidak dipakai untuk impor jenis ini.",
            )
        preview = head[layout.data_start : layout.data_start + 20]
        return PreparedImport(
            path=workbook.path,
            workbook=workbook,
            options=options,
            sheet=sheet,
            layout=layout,
            mapping=mapping,
            mapping_origin=origin,
            suggested=suggested,
            preview=preview,
        )

    @staticmethod
    def _best_sheet(workbook: Workbook, detect: bool) -> tuple[str, list[list[Any]]]:
        """The visible sheet whose header names the most fields (an instructions sheet first
        in the file must not win)."""
        best: tuple[int, str, list[list[Any]]] | None = None
        candidates = [s.name for s in workbook.sheets if s.visible] or workbook.sheet_names
        for name in candidates:
            head = workbook.head(name)
            if not detect:
                return name, head
            index = detect_header(head)
            score = 0 if index is None else header_score(head[index])
            if best is None or score > best[0]:
                best = (score, name, head)
        assert best is not None
        return best[1], best[2]

    def _remembered_header(self, kind: ImportKind, head: list[list[Any]]) -> int | None:
        """A header row whose exact column names a clerk has mapped before (a sender's own
        template, even with names no suggestion knows)."""
        keys = {}
        for index, row in enumerate(head):
            if sum(1 for c in row if isinstance(c, str) and c.strip()) >= 2:
                keys[self.mapping_key(kind, header_layout(head, index).labels)] = index
        if not keys:
            return None
        with self.ctx.db.session() as s:
            found = s.exec(select(Setting.key).where(Setting.key.in_(list(keys)))).all()  # type: ignore[attr-defined]
        return min((keys[k] for k in found), default=None)

    def missing_required(self, prepared: PreparedImport) -> list[str]:
        return [k for k in REQUIRED_FIELDS[prepared.options.kind] if k not in prepared.mapping]

    def _check_mapping(self, prepared: PreparedImport) -> None:
        missing = self.missing_required(prepared)
        if missing:
            names = ", ".join(FIELD_BY_KEY[k].label for k in missing)
            raise SpreadsheetError(
                "mapping",
                f"Kolom {names} tidak ditemukan di lembar '{prepared.sheet}'. Tentukan kolomnya "
                "(pemetaan kolom) lalu coba lagi.",
            )
        kind = prepared.options.kind
        if (
            kind == ImportKind.ENROLMENTS
            and prepared.options.program_code is None
            and "program" not in prepared.mapping
        ):
            raise SpreadsheetError(
                "mapping", "Pilih programnya (--program KODE) atau sediakan kolom PROGRAM."
            )

    # -- remembered mappings --------------------------------------------------------------------
    @staticmethod
    def mapping_key(kind: ImportKind, labels: Sequence[str]) -> str:
        """Mappings are remembered per header: the same template from the same sender is
        recognised whatever the file is called."""
        signature = kind.value + "|" + "|".join(header_key(label) for label in labels)
        return MAPPING_KEY_PREFIX + hashlib.sha1(signature.encode()).hexdigest()[:20]

    def remembered_mapping(self, kind: ImportKind, labels: Sequence[str]) -> dict[str, int] | None:
        key = self.mapping_key(kind, labels)
        with self.ctx.db.session() as s:
            row = s.get(Setting, key)
        if row is None:
            return None
        data = json.loads(row.value)
        width = len(labels)
        mapping = {k: int(v) for k, v in data.get("mapping", {}).items() if int(v) < width}
        return mapping or None

    def remember_mapping(self, prepared: PreparedImport) -> None:
        kind = ImportKind(prepared.options.kind)
        key = self.mapping_key(kind, prepared.labels)
        after = {
            "kind": kind.value,
            "labels": prepared.labels,
            "mapping": prepared.mapping,
            "file": prepared.file_name,
        }
        with self.ctx.unit_of_work(source=prepared.file_name) as w:
            row = w.session.get(Setting, key)
            before = json.loads(row.value) if row else {}
            if all(before.get(k) == after[k] for k in ("mapping", "labels")):
                return
            if row is None:
                row = Setting(key=key, value="{}")
            row.value = json.dumps(after, ensure_ascii=False)
            w.session.add(row)
            w.log("setting", key, "update", diff(before, after))

    @staticmethod
    def mapping_from_file(prepared: PreparedImport, path: Path | str) -> dict[str, int]:
        """A mapping file for the CLI: {"columns": {"nik": "NIK", "name": "B", ...}} where each
        value is a column letter or a header text; optional "sheet" and "header_row" (1-based)
        are read by the CLI before preparing."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise SpreadsheetError(
                "mapping", f"Berkas pemetaan {Path(path).name} tidak dapat dibaca: {exc}"
            ) from exc
        columns = data.get("columns", data) if isinstance(data, dict) else None
        if not isinstance(columns, dict):
            raise SpreadsheetError("mapping", 'Berkas pemetaan harus berisi {"columns": {...}}.')
        keys = [header_key(label) for label in prepared.labels]
        mapping: dict[str, int] = {}
        for field_name, ref in columns.items():
            if field_name in ("sheet", "header_row"):
                continue
            if field_name not in FIELD_BY_KEY:
                raise SpreadsheetError("mapping", f"Bidang '{field_name}' tidak dikenal.")
            ref_text = str(ref)
            index = None
            if header_key(ref_text) in keys:
                index = keys.index(header_key(ref_text))
            elif column_index(ref_text) is not None:
                index = column_index(ref_text)
            if index is None:
                raise SpreadsheetError(
                    "mapping",
                    f"Kolom '{ref_text}' untuk {field_name} tidak ada di lembar "
                    f"'{prepared.sheet}'.",
                )
            mapping[field_name] = index
        return mapping

    # -- dry run and commit ---------------------------------------------------------------------
    def dry_run(
        self,
        prepared: PreparedImport,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Classify every row; writes nothing."""
        self._check_mapping(prepared)
        with _no_cyclic_gc():
            candidates, ignored = self._read(prepared, progress, cancelled)
            with self.ctx.db.engine.connect() as conn:
                planner = self._planner(conn, prepared, candidates)
            results = planner.plan(candidates)
        return ImportReport(
            prepared.file_name,
            prepared.sheet,
            ImportKind(prepared.options.kind),
            results,
            ignored_rows=ignored,
            fingerprint=_fingerprint(results),
        )

    def commit(
        self,
        prepared: PreparedImport,
        *,
        expected: str | None = None,
        accept_valid: bool = False,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportReport:
        """Plan again inside one write transaction and apply it.

        ``expected`` is the fingerprint of the dry run the clerk approved; if the registry
        changed meanwhile the import stops with PlanChanged. Rejected rows stop the import unless
        ``accept_valid`` (then only the valid rows are imported). Cancelling rolls back.
        """
        self._check_mapping(prepared)
        with _no_cyclic_gc():
            return self._commit(prepared, expected, accept_valid, progress, cancelled)

    def _commit(
        self,
        prepared: PreparedImport,
        expected: str | None,
        accept_valid: bool,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> ImportReport:
        candidates, ignored = self._read(prepared, progress, cancelled)
        # The parsed sheet is not needed while writing; a rejected-rows report reads it again.
        prepared.workbook.release()
        with self.ctx.unit_of_work(source=prepared.file_name) as uow:
            planner = self._planner(uow.session.connection(), prepared, candidates)
            results = planner.plan(candidates)
            candidates.clear()  # the plan holds what the writes need
            report = ImportReport(
                prepared.file_name,
                prepared.sheet,
                ImportKind(prepared.options.kind),
                results,
                ignored_rows=ignored,
                fingerprint=_fingerprint(results),
            )
            if expected is not None and expected != report.fingerprint:
                raise PlanChanged()
            rejected = report.count(RowStatus.REJECTED)
            if rejected and not accept_valid:
                raise RejectedRows(rejected)
            self._apply(uow, planner.ops, progress, cancelled)
            report.committed = True
            report.batch_id = uow.batch_id
        return report

    def _planner(
        self, conn: Connection, prepared: PreparedImport, candidates: list[_Candidate]
    ) -> _Planner:
        niks = sorted({c.values["nik"] for c in candidates if "nik" in c.values})
        kks = sorted({c.kk_number for c in candidates if c.kk_number})
        code = prepared.options.program_code
        program = get_program(code) if code else None
        existing = _load_existing(conn, niks, kks)
        return _Planner(self.ctx, prepared, existing, program)

    def _read(
        self,
        prepared: PreparedImport,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> tuple[list[_Candidate], int]:
        parser = _RowParser(self.ctx, prepared.mapping, ImportKind(prepared.options.kind))
        total = prepared.workbook.row_count(prepared.sheet)
        start = prepared.layout.data_start
        candidates: list[_Candidate] = []
        ignored = 0
        used_cols = sorted(set(prepared.mapping.values()))
        for index, row in enumerate(prepared.workbook.rows(prepared.sheet)):
            if index % _CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled()
                if progress is not None:
                    progress(index, total, "read")
            if index < start:
                continue
            if all(c >= len(row) or is_blank(row[c]) for c in used_cols):
                ignored += 1
                continue
            candidates.append(parser.parse(index + 1, row))
        # Rows below the last identity number are signatures, totals or notes.
        last = max((i for i, c in enumerate(candidates) if c.has_id), default=-1)
        ignored += len(candidates) - (last + 1)
        del candidates[last + 1 :]
        _flag_duplicates(candidates)
        if progress is not None:
            progress(total, total, "read")
        return candidates, ignored

    def _apply(
        self,
        uow: UnitOfWork,
        ops: _Ops,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        total = (
            len(ops.new_households)
            + len(ops.new_persons)
            + len(ops.person_updates)
            + len(ops.household_updates)
            + len(ops.new_enrolments)
        )
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(done, total, "write")

        # Persons go in batches: bulk_insert indexes each batch for search in one statement,
        # and the batch's log rows are built and freed one batch at a time.
        bulk_insert(uow, "household", ops.new_households)
        bulk_insert(uow, "kk_history", ops.new_kk_history)
        step(len(ops.new_households))
        for start in range(0, len(ops.new_persons), _WRITE_BATCH):
            batch = ops.new_persons[start : start + _WRITE_BATCH]
            bulk_insert(uow, "person", batch)
            step(len(batch))
        bulk_update(uow, "person", ops.person_updates)
        bulk_update(uow, "household", ops.household_updates)
        step(len(ops.person_updates) + len(ops.household_updates))
        bulk_insert(uow, "enrolment", ops.new_enrolments, op="enrol")
        step(len(ops.new_enrolments))

    # -- reports --------------------------------------------------------------------------------
    def save_rejected_report(
        self, prepared: PreparedImport, report: ImportReport, path: Path | str
    ) -> int:
        """The rejected rows as the sender wrote them, plus a column saying why, as .xlsx."""
        from desktop_app.services.exporter import write_rejected_rows

        wanted = {r.row: r for r in report.rejected}
        header = prepared.labels
        rows: list[tuple[int, list[Any], RowResult]] = []
        for index, row in enumerate(prepared.workbook.rows(prepared.sheet)):
            result = wanted.get(index + 1)
            if result is not None:
                rows.append((index + 1, list(row), result))
        return write_rejected_rows(Path(path), header, rows, source=prepared.file_name)


def _take(rows: Iterable[list[Any]], n: int) -> list[list[Any]]:
    out: list[list[Any]] = []
    for row in rows:
        out.append(row)
        if len(out) >= n:
            break
    return out
