"""The plan: candidates classified against the registry (new / update / unchanged / rejected)
and the writes a commit makes. Nothing here writes; apply.py does.

Household membership follows the same rules as the registry's edits (domain/households.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from desktop_app.domain.households import assumed_head, file_heads, head_problem, join_problem
from desktop_app.domain.ids import id_stream
from desktop_app.domain.nik import Issue, parse_nik
from desktop_app.domain.programs import PROGRAMS, Program, Unit, validate_enrolment
from desktop_app.domain.status import RELATION_LABELS, PersonStatus, Relation
from desktop_app.domain.values import as_date
from desktop_app.services.context import AppContext
from desktop_app.services.importing.cleaning import same_text
from desktop_app.services.importing.enrolment_rules import EnrolmentRules
from desktop_app.services.importing.fields import (
    COMPARED,
    HOUSEHOLD_LABELS,
    PERSON_LABELS,
    TEXT_FIELDS,
    FieldChange,
    ImportKind,
    PreparedImport,
    RowResult,
    RowStatus,
    plain,
)
from desktop_app.services.importing.messages import error_issue as _error
from desktop_app.services.importing.messages import warning_issue as _warning
from desktop_app.services.importing.parse import Candidate

__all__ = ["Existing", "Ops", "PendingOp", "Planner", "fingerprint", "load_existing"]

# The register a recorded disability suggests (domain/programs.py).
DISABILITY_PROGRAM = "DISABILITAS"

# The changes of a new person's op: none (its record is written whole). One shared, never
# written to: only an op of a registry record gets field changes.
_NO_CHANGES: dict[str, Any] = {}

_CHUNK = 900  # below SQLite's default limit of bound parameters per statement

# -- the plan -----------------------------------------------------------------------------------


@dataclass
class Existing:
    persons: dict[str, list[dict[str, Any]]]  # nik -> rows (more than one: a registry duplicate)
    households: dict[str, list[dict[str, Any]]]  # kk -> rows
    household_kk: dict[str, str]  # household id -> kk (for messages about other households)
    person_enrolled: set[tuple[str, str]]  # (program, person id) with an active enrolment
    household_enrolled: set[tuple[str, str]]


@dataclass
class Ops:
    new_households: list[dict[str, Any]] = field(default_factory=list)
    new_kk_history: list[dict[str, Any]] = field(default_factory=list)
    new_persons: list[dict[str, Any]] = field(default_factory=list)
    person_updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    household_updates: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    new_enrolments: list[dict[str, Any]] = field(default_factory=list)


class PendingOp:
    """What a valid row will write: a `new` person record, or the registry's `current` record
    and the field `changes` to make it; `household_id` once the row joins a household.

    Slotted: one lives per row of the file until the plan is complete (a dict per row held
    ~130 bytes more, 20 MB in a 160,000-row import)."""

    __slots__ = ("changes", "current", "household_id", "new")

    def __init__(
        self,
        *,
        new: dict[str, Any] | None = None,
        current: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        self.new = new
        self.current = current
        self.changes: dict[str, Any] = changes if changes is not None else {}
        self.household_id: str | None = None

    @property
    def record(self) -> dict[str, Any]:
        """The person's record: the new one, or the registry's."""
        record = self.new if self.new is not None else self.current
        assert record is not None
        return record


_PERSON_COLUMNS = (
    "id, nik, name, sex, birth_place, birth_date, street, rt, rw, kelurahan_code, phone, notes, "
    "household_id, relation, status"
)


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_existing(conn: Connection, niks: list[str], kks: list[str]) -> Existing:
    persons: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(niks):
        marks = ",".join("?" * len(chunk))
        result = conn.exec_driver_sql(
            f"SELECT {_PERSON_COLUMNS} FROM person WHERE deleted = 0 AND nik IN ({marks})",
            tuple(chunk),
        )
        for row in result.mappings():
            record = dict(row)
            record["birth_date"] = as_date(record["birth_date"])
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
    person_ids = [p["id"] for rows in persons.values() for p in rows]
    person_enrolled = _open_enrolments(conn, "person_id", person_ids)
    household_enrolled = _open_enrolments(conn, "household_id", sorted(household_kk))
    return Existing(persons, households, household_kk, person_enrolled, household_enrolled)


def _open_enrolments(conn: Connection, column: str, ids: list[str]) -> set[tuple[str, str]]:
    """(program code, id) of the open enrolments whose `column` (person_id or household_id)
    is one of `ids`."""
    enrolled: set[tuple[str, str]] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for code, key in conn.exec_driver_sql(
            f"SELECT program_code, {column} FROM enrolment WHERE deleted = 0 AND end_date IS"
            f" NULL AND {column} IN ({marks})",
            tuple(chunk),
        ):
            enrolled.add((code, key))
    return enrolled


def _differs(field_name: str, old: Any, new: Any) -> bool:
    if field_name in TEXT_FIELDS:
        return not same_text(old, new)
    return old != new


class Planner:
    """Classifies candidates against the registry and collects the writes a commit makes."""

    def __init__(
        self,
        ctx: AppContext,
        prepared: PreparedImport,
        existing: Existing,
        program: Program | None,
    ) -> None:
        self.ctx = ctx
        self.prepared = prepared
        self.kind = prepared.options.kind
        self.existing = existing
        self.program = program
        self.today = ctx.clock.today()
        self.default_start = prepared.options.start_date or self.today
        self.ops = Ops()
        self.results: dict[int, RowResult] = {}
        self.now = ctx.clock.now()
        # New rows' ids, minted a chunk at a time (domain/ids.py: a third of new_id's cost).
        self._ids = id_stream()
        # A participant list's programme, and what the clerk may enrol (enrolment_rules.py).
        self.rules = EnrolmentRules(ctx, prepared.title.program)

    # -- persons --------------------------------------------------------------------------------
    def person_row(self, cand: Candidate) -> tuple[RowResult, PendingOp | None]:
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
                "id": next(self._ids),
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
            return result, PendingOp(new=person, changes=_NO_CHANGES)
        current = matches[0]
        result.name = current["name"]
        changes: dict[str, Any] = {}
        for key in COMPARED:
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
        return result, PendingOp(current=current, changes=changes)

    # -- the whole file -------------------------------------------------------------------------
    def plan(self, candidates: list[Candidate]) -> list[RowResult]:
        pending: dict[int, PendingOp] = {}
        for cand in candidates:
            result, op = self.person_row(cand)
            self.results[cand.row] = result
            if op is not None and cand.list_status is not None:
                op = self._review(cand, result, op)
            if op is not None:
                pending[cand.row] = op
        if self.kind == ImportKind.HOUSEHOLDS or (
            self.kind == ImportKind.ENROLMENTS and "kk_number" in self.prepared.mapping
        ):
            self._households(candidates, pending)
        if self.kind == ImportKind.ENROLMENTS:
            self._enrolments(candidates, pending)
        self._suggestions(candidates, pending)
        self._emit(candidates, pending)
        return [self.results[c.row] for c in candidates]

    # -- what the list says about status and need ------------------------------------------------
    def _review(
        self, cand: Candidate, result: RowResult, op: PendingOp
    ) -> PendingOp | None:
        """A row the list marks dead, moved or not valid is a review item: nothing of it is
        written (no new person, no update, no membership) and the report lists it as *Perlu
        ditinjau* with the reason. A person records a death or a move in the registry's own
        dialog, which asks for the date and keeps the history. Where the registry already
        says the same (dead and meninggal), the row goes on as usual (it changes no status)."""
        current = op.current
        agrees = current is not None and (
            (cand.list_status == "mati" and current["status"] == PersonStatus.MENINGGAL.value)
            or (
                cand.list_status in ("pindah", "hilang")
                and current["status"] == PersonStatus.PINDAH.value
            )
        )
        if agrees:
            return op
        if cand.list_status == "mati":
            issue = _warning(
                "import.review_dead",
                "Daftar menyatakan {value}: tidak diimpor. Periksa, lalu catat kematiannya "
                "lewat aplikasi (Ubah status) bila benar.",
                value=cand.list_status_text or "MATI",
            )
        elif cand.list_status == "tidak_valid":
            issue = _warning(
                "import.review_invalid",
                "Daftar menandai data ini {value}: tidak diimpor. Periksa ke Dukcapil/pengirim.",
                value=cand.list_status_text or "TIDAK VALID",
            )
        else:
            issue = _warning(
                "import.review_moved",
                "Daftar menyatakan {value}: tidak diimpor. Periksa, lalu catat statusnya lewat "
                "aplikasi bila benar.",
                value=cand.list_status_text or "PINDAH",
            )
        result.warnings.append(issue)
        if current is not None and current["status"] == PersonStatus.AKTIF.value:
            result.warnings.append(
                _warning(
                    "import.review_registry",
                    "Di registri berstatus {status}; status tidak diubah oleh impor.",
                    status=current["status"],
                )
            )
        result.status = RowStatus.REVIEW
        result.edits.clear()
        result.new_person = None
        return None

    def _suggestions(self, candidates: list[Candidate], pending: dict[int, PendingOp]) -> None:
        """A disability the list records becomes a suggestion to enrol the person in the
        disability register, for a person to review; nothing is enrolled or stored about it.
        Not suggested for someone already enrolled, or enrolled by this very import."""
        enrolling = (self.program is not None and self.program.code == DISABILITY_PROGRAM)
        for cand in candidates:
            if cand.row not in pending:
                continue
            if self.kind != ImportKind.ENROLMENTS:
                self.rules.suggest_list_program(
                    cand, pending[cand.row], self.results[cand.row], self.existing
                )
            if cand.disability is None:
                continue
            if enrolling or cand.program == DISABILITY_PROGRAM:
                continue
            op = pending[cand.row]
            if op.current is not None and (DISABILITY_PROGRAM, op.current["id"]) in (
                self.existing.person_enrolled
            ):
                continue
            if not self.rules.may_enrol(DISABILITY_PROGRAM):
                continue
            result = self.results[cand.row]
            result.suggestions = (
                *result.suggestions,
                {
                    "kind": "enrol",
                    "program": DISABILITY_PROGRAM,
                    "nik": cand.values.get("nik"),
                    "name": result.name,
                    "value": cand.disability,
                    "ragam": list(cand.disability_ragam),
                },
            )
            result.warnings.append(
                _warning(
                    "import.suggest_disability",
                    "Daftar mencatat cacat ({value}): usulan didaftarkan ke registri "
                    "disabilitas, ditinjau petugas (tidak didaftarkan otomatis).",
                    value=cand.disability,
                )
            )

    def _reject(self, row: int, pending: dict[int, PendingOp], issue: Issue) -> None:
        result = self.results[row]
        result.errors.append(issue)
        result.status = RowStatus.REJECTED
        result.edits.clear()
        result.new_person = None
        pending.pop(row, None)

    def _person_id(self, op: PendingOp) -> str:
        return str(op.record["id"])

    def _mark_update(self, row: int) -> None:
        result = self.results[row]
        if result.status == RowStatus.UNCHANGED:
            result.status = RowStatus.UPDATE

    def _households(self, candidates: list[Candidate], pending: dict[int, PendingOp]) -> None:
        groups: dict[str, list[Candidate]] = {}
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
            hid = household["id"] if household else next(self._ids)
            # Membership of each member row.
            for cand in members:
                op = pending[cand.row]
                if op.current is not None:
                    current = op.current
                    if join_problem(current["household_id"], hid):
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
            heads = [alive[i] for i in file_heads([c.relation for c in alive])]
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
            if not heads and assumed_head([c.relation_given for c in alive]):
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
            if (
                household is not None
                and head is not None
                and head_problem(household["head_person_id"], head_id)
            ):
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
            address: dict[str, Any] = {
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
                        "id": next(self._ids),
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
                pending[cand.row].household_id = hid

    def _membership(self, cand: Candidate, op: PendingOp, hid: str, kk: str) -> None:
        if op.new is not None:
            op.new["household_id"] = hid
            op.new["relation"] = cand.relation
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
        current = op.record
        changes = op.changes
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

    def _enrolments(self, candidates: list[Candidate], pending: dict[int, PendingOp]) -> None:
        enrolled_households: set[tuple[str, str]] = set()
        for cand in candidates:
            if cand.row not in pending:
                continue
            op = pending[cand.row]
            code = cand.program or (self.program.code if self.program else None)
            if code is None:
                code = self.rules.list_program(cand)[1]  # a participant list's own programme
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
            if not self.rules.may_enrol(code):
                continue  # the person still imports; the report counts what was left out
            start = cand.start_date or self.default_start
            if program.unit == Unit.HOUSEHOLD:
                hid = op.household_id
                if hid is None:
                    hid = (
                        op.record["household_id"]
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
            if op.current is not None and op.current["status"] != PersonStatus.AKTIF.value:
                self._reject(
                    cand.row,
                    pending,
                    _error(
                        "import.not_active",
                        "Berstatus {status}; tidak dapat didaftarkan ke program.",
                        status=op.current["status"],
                    ),
                )
                continue
            pid = self._person_id(op)
            if (code, pid) in self.existing.person_enrolled:
                continue
            birth = (
                op.new["birth_date"]
                if op.new is not None
                else op.changes.get("birth_date", op.record["birth_date"])
            )
            details = cand.details or {}
            issues = validate_enrolment(program, birth_date=birth, on=start, details=details)
            errors = [i for i in issues if i.is_error]
            if errors:
                for issue in errors[1:]:
                    self.results[cand.row].errors.append(issue)
                self._reject(cand.row, pending, errors[0])
                continue
            self.results[cand.row].warnings.extend(i for i in issues if not i.is_error)
            self.ops.new_enrolments.append(self._enrolment(code, pid, None, start, details))
            self.results[cand.row].edits.append(
                FieldChange("enrolment", "program_code", "Program", None, program.short)
            )
            self._mark_update(cand.row)

    def _enrolment(
        self, code: str, pid: str | None, hid: str | None, start: date, details: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": next(self._ids),
            "program_code": code,
            "person_id": pid,
            "household_id": hid,
            "start_date": start,
            "end_date": None,
            "end_reason": None,
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
            "deleted": False,
        }

    def _emit(self, candidates: list[Candidate], pending: dict[int, PendingOp]) -> None:
        for cand in candidates:
            op = pending.get(cand.row)
            if op is None:
                continue
            if op.new is not None:
                self.ops.new_persons.append(op.new)
            elif op.changes:
                current = op.record
                self.ops.person_updates.append(
                    (current["id"], op.changes, {k: current[k] for k in op.changes})
                )


def fingerprint(results: Iterable[RowResult]) -> str:
    """What the clerk approved, in a form that changes when the registry does.

    A new row's values come from the file alone (the same prepared file is committed), so only
    its status is hashed; updates and the other changes depend on the registry and are hashed in
    full.
    """
    parts: list[str] = []
    for r in results:
        parts.append(f"{r.row}|{r.status.value}")
        for c in r.edits:
            parts.append(f"{c.entity}.{c.field}={plain(c.old)}>{plain(c.new)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
