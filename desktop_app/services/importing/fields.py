"""What an import works with: kinds of import and their fields, options, a prepared file, and
the per-row results and report that the preview, the commit and the CLI show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from desktop_app.domain.nik import Issue
from desktop_app.domain.values import member_labels
from desktop_app.services.importing.blocks import TitleBlock
from desktop_app.services.importing.cleaning import text_of
from desktop_app.services.importing.headers import HeaderLayout, column_letter
from desktop_app.services.importing.layouts import ImportLayout
from desktop_app.services.importing.spreadsheet import Workbook

__all__ = [
    "COMPARED",
    "HOUSEHOLD_LABELS",
    "KIND_FIELDS",
    "KIND_LABELS",
    "PERSON_LABELS",
    "REQUIRED_FIELDS",
    "STATUS_LABELS",
    "TEXT_FIELDS",
    "FieldChange",
    "ImportKind",
    "ImportOptions",
    "ImportReport",
    "PreparedImport",
    "RowResult",
    "RowStatus",
    "plain",
]


class ImportKind(StrEnum):
    PERSONS = "persons"
    HOUSEHOLDS = "households"
    ENROLMENTS = "enrolments"


KIND_LABELS: dict[ImportKind, str] = member_labels(
    ImportKind, ("Orang (perorangan)", "KPM dengan anggota keluarga", "Peserta program")
)

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
TEXT_FIELDS = {"name", "birth_place", "street", "notes"}
# Fields compared for an existing person. Notes are free text a clerk may have extended; an
# import never overwrites them.
COMPARED = ("name", "sex", "birth_place", "birth_date", "street", "rt", "rw", "kelurahan_code",
             "phone")  # fmt: skip


class RowStatus(StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
    # The list says the person died, moved or is not valid: nothing of the row is written; a
    # person decides in the registry (never a silent death). Does not block the import.
    REVIEW = "review"


STATUS_LABELS: dict[RowStatus, str] = member_labels(
    RowStatus, ("Baru", "Diperbarui", "Tidak berubah", "Ditolak", "Perlu ditinjau")
)


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
    # Suggestions for a person to review (enrol in the disability register): never applied by
    # the import. {"kind": "enrol", "program": "DISABILITAS", "nik", "name", "value", "ragam"}
    # A tuple, replaced when one is added: most rows have none, and 160,000 rows do not each
    # hold an empty list.
    suggestions: tuple[dict[str, Any], ...] = ()

    @property
    def changes(self) -> list[FieldChange]:
        if self.new_person is None:
            return self.edits
        person = self.new_person
        fresh = [
            FieldChange("person", key, PERSON_LABELS[key], None, person[key])
            for key in COMPARED
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
                {"entity": c.entity, "field": c.field, "old": plain(c.old), "new": plain(c.new)}
                for c in self.changes
            ],
            "errors": [i.message for i in self.errors],
            "warnings": [i.message for i in self.warnings],
            "suggestions": list(self.suggestions),
        }


def plain(value: Any) -> Any:
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
    # The region the title rows above the header give (PROVINSI / KECAMATAN / DESA/KELURAHAN).
    title: TitleBlock = field(default_factory=TitleBlock)
    # The published template the sheet follows (SIAK, OpenSID ...), if one was recognised, and
    # its extra columns (extra field -> column: SIAK Status, Cacat) that are not person fields.
    recognised: ImportLayout | None = None
    extras: dict[str, int] = field(default_factory=dict)
    # True when a person import became a household import because the recognised layout
    # builds households from KK + SHDK/kk_level.
    kind_from_layout: bool = False

    @property
    def layout_name(self) -> str | None:
        return self.recognised.name if self.recognised else None

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
    layout: str | None = None  # the recognised layout's name ("SIAK Dukcapil")
    layout_id: str | None = None
    # What the file as a whole needs to be told (a list programme not in the catalogue,
    # enrolments left out for want of permission, columns not stored), in the report.
    notes: list[Issue] = field(default_factory=list)
    # A recognised layout's columns read but deliberately not stored (agama, pendidikan ...).
    not_stored: list[str] = field(default_factory=list)

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

    @property
    def review(self) -> list[RowResult]:
        """Rows the list marks dead, moved or not valid: skipped, for a person to decide."""
        return [r for r in self.rows if r.status == RowStatus.REVIEW]

    @property
    def suggestions(self) -> list[dict[str, Any]]:
        """Suggestions a person reviews (enrol in the disability register), in row order. The
        hook for permissions: when roles exist, only a role that may see disability data gets
        this list."""
        return [dict(s, row=r.row) for r in self.rows for s in r.suggestions]

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
            "layout": self.layout,
            "layout_id": self.layout_id,
            "committed": self.committed,
            "batch_id": self.batch_id,
            "counts": self.counts,
            "ignored_rows": self.ignored_rows,
            "suggestions": self.suggestions,
            "notes": [{"code": n.code, "message": n.message} for n in self.notes],
            "not_stored_columns": list(self.not_stored),
            "rows": [r.to_dict() for r in rows],
        }
