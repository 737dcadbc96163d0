"""Registry use cases: persons, households (KPM), program enrolments, status history, search.

The GUI and the CLI call these; they never touch storage. Every write is one unit of work that
appends change-log rows. Reads return plain frozen dataclasses.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from desktop_app.domain.nik import (
    Issue,
    Severity,
    clean_number,
    has_errors,
    validate_kk,
    validate_nik,
)
from desktop_app.domain.programs import PROGRAMS, Unit, get_program, validate_enrolment
from desktop_app.domain.status import PersonStatus, Relation
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork
from desktop_app.storage import search
from desktop_app.storage.models import Enrolment, Household, KkHistory, Person, StatusHistory


class ValidationFailed(ServiceError):
    """Raised when input has errors (warnings never block saving)."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        errors = [i for i in issues if i.severity == Severity.ERROR]
        super().__init__("\n".join(i.message for i in errors) or "Data tidak valid.")
        self.issues = list(issues)


def _issue(code: str, severity: Severity, template: str, **params: Any) -> Issue:
    return Issue(code=code, severity=severity, template=template, params=params)


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def normalise_name(name: str) -> str:
    """Names are compared without case, punctuation or common honorifics."""
    name = re.sub(r"[^A-Za-z ]", " ", name).upper()
    words = [w for w in name.split() if w not in {"H", "HJ", "IR", "DR", "SH", "SPD", "ST"}]
    return " ".join(words)


@dataclass
class PersonInput:
    name: str
    sex: str
    nik: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = None
    phone: str | None = None
    notes: str | None = None

    def cleaned(self) -> PersonInput:
        nik = clean_number(self.nik) if self.nik else None
        return PersonInput(
            name=" ".join(self.name.split()),
            sex=(self.sex or "").strip().upper(),
            nik=nik or None,
            birth_place=_blank_to_none(self.birth_place),
            birth_date=self.birth_date,
            street=_blank_to_none(self.street),
            rt=_pad(self.rt),
            rw=_pad(self.rw),
            kelurahan_code=_blank_to_none(self.kelurahan_code),
            phone=_blank_to_none(self.phone),
            notes=_blank_to_none(self.notes),
        )


def _pad(value: str | None) -> str | None:
    """RT/RW are written as three digits on Indonesian documents ("003")."""
    value = _blank_to_none(value)
    if value and value.isdigit():
        return value.zfill(3)
    return value


@dataclass
class HouseholdInput:
    kk_number: str
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    kelurahan_code: str | None = None

    def cleaned(self) -> HouseholdInput:
        return HouseholdInput(
            kk_number=clean_number(self.kk_number or ""),
            street=_blank_to_none(self.street),
            rt=_pad(self.rt),
            rw=_pad(self.rw),
            kelurahan_code=_blank_to_none(self.kelurahan_code),
        )


# Search-as-you-type shows at most this many matches: a clerk narrows a longer list by typing
# more, and collecting every match of a short prefix ("3572" is in every NIK) would cost far more
# than a keystroke's budget.
SEARCH_LIMIT = 1000
_NO_PERSON = "Data orang tidak ditemukan."
_NO_HOUSEHOLD = "Data KPM tidak ditemukan."


@dataclass(frozen=True)
class PersonFilter:
    query: str = ""
    program_code: str | None = None
    kecamatan_code: str | None = None
    kelurahan_code: str | None = None
    status: str | None = None  # None: every status
    # A text search returns at most this many persons (None: all). Listing without search text
    # is never cut; count_persons always counts every match.
    max_matches: int | None = SEARCH_LIMIT


@dataclass(frozen=True)
class PersonRow:
    rowid: int
    id: str
    nik: str | None
    name: str
    sex: str
    birth_date: date | None
    address: str
    kelurahan: str
    kecamatan: str
    kk_number: str | None
    status: str
    programs: str


@dataclass(frozen=True)
class HouseholdRow:
    rowid: int
    id: str
    kk_number: str
    head_name: str | None
    head_nik: str | None
    address: str
    kelurahan: str
    kecamatan: str
    members: int
    programs: str


@dataclass(frozen=True)
class EnrolmentView:
    id: str
    program_code: str
    program_name: str
    start_date: date
    end_date: date | None
    end_reason: str | None
    details: dict
    via_household: bool

    @property
    def active(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    actor: str
    op: str
    summary: str


@dataclass(frozen=True)
class PersonRecord:
    """Everything an edit dialog needs to show one person."""

    id: str
    input: PersonInput
    household_id: str | None
    relation: str | None
    status: str
    status_date: date | None


@dataclass(frozen=True)
class PersonDetail:
    record: PersonRecord
    household: HouseholdRow | None
    members: list[PersonRow]
    enrolments: list[EnrolmentView]
    status_history: list[tuple[str, date | None, str | None]]
    history: list[HistoryEntry]
    nik_issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class HouseholdDetail:
    row: HouseholdRow
    input: HouseholdInput
    head_person_id: str | None
    members: list[PersonRow]
    kk_history: list[tuple[str, date | None, date | None, str | None]]
    enrolments: list[EnrolmentView]


_PERSON_SELECT = """
SELECT person.rowid AS rowid, person.id, person.nik, person.name, person.sex, person.birth_date,
       person.street, person.rt, person.rw, kel.name AS kelurahan, kec.name AS kecamatan,
       household.kk_number, person.status,
       (SELECT group_concat(e.program_code, ',') FROM enrolment e
         WHERE e.deleted = 0 AND e.end_date IS NULL
           AND (e.person_id = person.id OR e.household_id = person.household_id)) AS programs
FROM person
LEFT JOIN region kel ON kel.code = person.kelurahan_code
LEFT JOIN region kec ON kec.code = kel.parent_code
LEFT JOIN household ON household.id = person.household_id
"""

_HOUSEHOLD_SELECT = """
SELECT household.rowid AS rowid, household.id, household.kk_number, head.name AS head_name,
       head.nik AS head_nik, household.street, household.rt, household.rw,
       kel.name AS kelurahan, kec.name AS kecamatan,
       (SELECT count(*) FROM person m WHERE m.household_id = household.id AND m.deleted = 0)
           AS members,
       (SELECT group_concat(e.program_code, ',') FROM enrolment e
         WHERE e.deleted = 0 AND e.end_date IS NULL AND e.household_id = household.id) AS programs
FROM household
LEFT JOIN person head ON head.id = household.head_person_id
LEFT JOIN region kel ON kel.code = household.kelurahan_code
LEFT JOIN region kec ON kec.code = kel.parent_code
"""


def format_address(street: str | None, rt: str | None, rw: str | None) -> str:
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)


def _program_names(codes: str | None) -> str:
    if not codes:
        return ""
    seen: list[str] = []
    for code in codes.split(","):
        short = PROGRAMS[code].short if code in PROGRAMS else code
        if short not in seen:
            seen.append(short)
    return ", ".join(seen)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _person_row(m: Any) -> PersonRow:
    return PersonRow(
        rowid=m.rowid,
        id=m.id,
        nik=m.nik,
        name=m.name,
        sex=m.sex,
        birth_date=_as_date(m.birth_date),
        address=format_address(m.street, m.rt, m.rw),
        kelurahan=m.kelurahan or "",
        kecamatan=m.kecamatan or "",
        kk_number=m.kk_number,
        status=m.status,
        programs=_program_names(m.programs),
    )


def _household_row(m: Any) -> HouseholdRow:
    return HouseholdRow(
        rowid=m.rowid,
        id=m.id,
        kk_number=m.kk_number,
        head_name=m.head_name,
        head_nik=m.head_nik,
        address=format_address(m.street, m.rt, m.rw),
        kelurahan=m.kelurahan or "",
        kecamatan=m.kecamatan or "",
        members=m.members,
        programs=_program_names(m.programs),
    )


class RegistryService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- validation --------------------------------------------------------------------------
    def check_person(self, inp: PersonInput, person_id: str | None = None) -> list[Issue]:
        """Errors block saving; warnings (NIK/record disagreement, possible duplicates) do not."""
        inp = inp.cleaned()
        issues: list[Issue] = []
        if not inp.name:
            issues.append(_issue("person.name", Severity.ERROR, "Nama wajib diisi."))
        if inp.sex not in ("L", "P"):
            issues.append(
                _issue("person.sex", Severity.ERROR, "Jenis kelamin wajib dipilih (L atau P).")
            )
        if inp.birth_date and inp.birth_date > self.ctx.clock.today():
            issues.append(
                _issue(
                    "person.birth_date", Severity.ERROR, "Tanggal lahir tidak boleh di masa depan."
                )
            )
        if inp.kelurahan_code and self.ctx.regions.get(inp.kelurahan_code) is None:
            issues.append(
                _issue(
                    "person.kelurahan",
                    Severity.ERROR,
                    "Kode kelurahan {code} tidak dikenal.",
                    code=inp.kelurahan_code,
                )
            )
        if inp.nik:
            nik_issues = validate_nik(
                inp.nik,
                birth_date=inp.birth_date,
                sex=inp.sex if inp.sex in ("L", "P") else None,
                office_province=self.ctx.office.province_code,
                today=self.ctx.clock.today(),
            )
            issues.extend(nik_issues)
            # Only the NIK's own errors matter here: a clerk types the NIK first, before the
            # name, and should learn at once that it is already registered.
            if not has_errors(nik_issues):
                for other in self._persons_with_nik(inp.nik, exclude_id=person_id):
                    issues.append(
                        _issue(
                            "dup.nik",
                            Severity.WARNING,
                            "NIK ini sudah terdaftar atas nama {name}.",
                            name=other.name,
                        )
                    )
        if inp.name and inp.birth_date:
            for row in self.similar_persons(inp.name, inp.birth_date, exclude_id=person_id):
                if inp.nik and row.nik == inp.nik:
                    continue  # already reported as the same NIK
                issues.append(
                    _issue(
                        "dup.similar",
                        Severity.WARNING,
                        "Mungkin duplikat: {name} ({nik}) lahir pada tanggal yang sama.",
                        name=row.name,
                        nik=row.nik or "tanpa NIK",
                    )
                )
        return issues

    def _persons_with_nik(self, nik: str, exclude_id: str | None = None) -> list[Person]:
        with self.ctx.db.session() as s:
            stmt = select(Person).where(Person.nik == nik, Person.deleted == False)  # noqa: E712
            return [p for p in s.exec(stmt).all() if p.id != exclude_id]

    def similar_persons(
        self, name: str, birth_date: date, exclude_id: str | None = None
    ) -> list[PersonRow]:
        target = normalise_name(name)
        with self.ctx.db.session() as s:
            stmt = select(Person).where(
                Person.birth_date == birth_date,
                Person.deleted == False,  # noqa: E712
            )
            candidates = [p for p in s.exec(stmt).all() if p.id != exclude_id]
        similar = [
            p.id
            for p in candidates
            if difflib.SequenceMatcher(None, target, normalise_name(p.name)).ratio() >= 0.85
        ]
        return self.person_rows_by_id(similar)

    # -- persons -----------------------------------------------------------------------------
    def create_person(
        self,
        inp: PersonInput,
        *,
        household_id: str | None = None,
        relation: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        inp = inp.cleaned()
        issues = self.check_person(inp)
        if has_errors(issues):
            raise ValidationFailed(issues)
        if relation is not None:
            Relation(relation)
        with self.ctx.join_or_open(uow) as w:
            if household_id is not None:
                w.require(Household, household_id, _NO_HOUSEHOLD)
            person = w.create(
                Person, "person", **asdict(inp), household_id=household_id, relation=relation
            )
            return person.id

    def update_person(self, person_id: str, inp: PersonInput) -> dict:
        inp = inp.cleaned()
        issues = self.check_person(inp, person_id=person_id)
        if has_errors(issues):
            raise ValidationFailed(issues)
        with self.ctx.unit_of_work() as w:
            person = w.require(Person, person_id, _NO_PERSON)
            return w.update(person, "person", asdict(inp))

    def set_status(
        self, person_id: str, status: str, effective_date: date | None, note: str | None = None
    ) -> None:
        """Record a status change as history; leaving (death, moving) ends person enrolments."""
        new_status = PersonStatus(status)
        if effective_date and effective_date > self.ctx.clock.today():
            raise ServiceError("Tanggal perubahan status tidak boleh di masa depan.")
        if new_status == PersonStatus.MENINGGAL and effective_date is None:
            raise ServiceError("Tanggal meninggal wajib diisi.")
        with self.ctx.unit_of_work() as w:
            person = w.require(Person, person_id, _NO_PERSON)
            if person.status == new_status.value:
                raise ServiceError(f"Status sudah {new_status.value}.")
            w.create(
                StatusHistory,
                "status_history",
                person_id=person_id,
                status=new_status.value,
                effective_date=effective_date,
                note=_blank_to_none(note),
                recorded_at=w.now(),
                recorded_by=self.ctx.actor,
            )
            w.update(
                person,
                "person",
                {"status": new_status.value, "status_date": effective_date},
                op="status",
            )
            if new_status != PersonStatus.AKTIF:
                end = effective_date or self.ctx.clock.today()
                stmt = select(Enrolment).where(
                    Enrolment.person_id == person_id,
                    Enrolment.end_date == None,  # noqa: E711
                    Enrolment.deleted == False,  # noqa: E712
                )
                for enrolment in w.session.exec(stmt).all():
                    w.update(
                        enrolment,
                        "enrolment",
                        {
                            "end_date": max(end, enrolment.start_date),
                            "end_reason": new_status.value,
                        },
                        op="leave",
                    )

    def delete_person(self, person_id: str, reason: str) -> None:
        """A tombstone: the row stays for history and sync but leaves every list."""
        if not reason.strip():
            raise ServiceError("Alasan penghapusan wajib diisi.")
        with self.ctx.unit_of_work() as w:
            person = w.require(Person, person_id, _NO_PERSON)
            w.update(
                person,
                "person",
                {"deleted": True, "notes": _append_note(person.notes, reason)},
                op="delete",
            )

    def get_person(self, person_id: str) -> PersonRecord:
        with self.ctx.db.session() as s:
            p = s.get(Person, person_id)
            if p is None:
                raise ServiceError("Data orang tidak ditemukan.")
            return _record(p)

    def person_detail(self, person_id: str) -> PersonDetail:
        record = self.get_person(person_id)
        household = None
        members: list[PersonRow] = []
        if record.household_id:
            rows = self.household_rows_by_id([record.household_id])
            household = rows[0] if rows else None
            members = self.household_members(record.household_id)
        enrolments = self._enrolments(person_id=person_id, household_id=record.household_id)
        with self.ctx.db.session() as s:
            hist = s.exec(
                select(StatusHistory)
                .where(StatusHistory.person_id == person_id)
                .order_by(StatusHistory.recorded_at)  # type: ignore[arg-type]
            ).all()
            status_history = [(h.status, h.effective_date, h.note) for h in hist]
        nik_issues = []
        if record.input.nik:
            nik_issues = validate_nik(
                record.input.nik,
                birth_date=record.input.birth_date,
                sex=record.input.sex,
                office_province=self.ctx.office.province_code,
                today=self.ctx.clock.today(),
            )
        return PersonDetail(
            record=record,
            household=household,
            members=members,
            enrolments=enrolments,
            status_history=status_history,
            history=self.history(person_id),
            nik_issues=nik_issues,
        )

    def history(self, entity_id: str, limit: int = 200) -> list[HistoryEntry]:
        rows = []
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(
                    "SELECT at, actor, op, changes, source FROM change_log WHERE entity_id = :id "
                    "ORDER BY seq DESC LIMIT :limit"
                ),
                {"id": entity_id, "limit": limit},
            )
            for at, actor, op, changes, source in result:
                fields = json.loads(changes)
                summary = ", ".join(
                    f"{k}: {_short(v[0])} → {_short(v[1])}"
                    for k, v in fields.items()
                    if k not in ("id",)
                )
                if source:
                    summary = f"[{source}] {summary}"
                rows.append(HistoryEntry(str(at)[:19], actor, op, summary))
        return rows

    # -- households --------------------------------------------------------------------------
    def check_household(self, inp: HouseholdInput, household_id: str | None = None) -> list[Issue]:
        inp = inp.cleaned()
        issues = validate_kk(inp.kk_number, office_province=self.ctx.office.province_code)
        if inp.kelurahan_code and self.ctx.regions.get(inp.kelurahan_code) is None:
            issues.append(
                _issue(
                    "household.kelurahan",
                    Severity.ERROR,
                    "Kode kelurahan {code} tidak dikenal.",
                    code=inp.kelurahan_code,
                )
            )
        if not has_errors(issues):
            with self.ctx.db.session() as s:
                stmt = select(Household).where(
                    Household.kk_number == inp.kk_number,
                    Household.deleted == False,  # noqa: E712
                )
                for other in s.exec(stmt).all():
                    if other.id != household_id:
                        issues.append(
                            _issue(
                                "dup.kk",
                                Severity.WARNING,
                                "No. KK ini sudah terdaftar untuk KPM lain.",
                            )
                        )
        return issues

    def create_household(
        self,
        inp: HouseholdInput,
        *,
        head_person_id: str | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        inp = inp.cleaned()
        issues = self.check_household(inp)
        if has_errors(issues):
            raise ValidationFailed(issues)
        with self.ctx.join_or_open(uow) as w:
            household = w.create(Household, "household", **asdict(inp))
            w.create(
                KkHistory,
                "kk_history",
                household_id=household.id,
                kk_number=inp.kk_number,
                valid_from=self.ctx.clock.today(),
                reason="KK pertama dicatat",
                recorded_at=household.created_at,
            )
            w.session.flush()
            if head_person_id:
                self._attach(w, household, head_person_id, Relation.KEPALA.value)
                w.update(household, "household", {"head_person_id": head_person_id})
            return household.id

    def update_household(self, household_id: str, inp: HouseholdInput) -> dict:
        inp = inp.cleaned()
        with self.ctx.unit_of_work() as w:
            household = w.require(Household, household_id, _NO_HOUSEHOLD)
            if inp.kk_number != household.kk_number:
                raise ServiceError(
                    "Gunakan 'Ganti No. KK' untuk mengubah nomor KK (riwayat disimpan)."
                )
            return w.update(household, "household", asdict(inp))

    def add_member(self, household_id: str, person_id: str, relation: str) -> None:
        Relation(relation)
        with self.ctx.unit_of_work() as w:
            household = w.require(Household, household_id, _NO_HOUSEHOLD)
            self._attach(w, household, person_id, relation)
            if relation == Relation.KEPALA.value:
                w.update(household, "household", {"head_person_id": person_id})

    def _attach(self, w: UnitOfWork, household: Household, person_id: str, relation: str) -> None:
        person = w.require(Person, person_id, _NO_PERSON)
        if person.household_id and person.household_id != household.id:
            raise ServiceError(
                f"{person.name} sudah menjadi anggota KPM lain. Keluarkan dulu dari KPM tersebut."
            )
        if relation == Relation.KEPALA.value and household.head_person_id not in (None, person_id):
            raise ServiceError("KPM ini sudah punya kepala keluarga. Gunakan 'Jadikan kepala'.")
        w.update(person, "person", {"household_id": household.id, "relation": relation})

    def remove_member(self, person_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            person = w.require(Person, person_id, _NO_PERSON)
            if person.household_id is None:
                return
            household = w.require(Household, person.household_id, _NO_HOUSEHOLD)
            if household.head_person_id == person_id:
                raise ServiceError(
                    "Kepala keluarga tidak dapat dikeluarkan; tetapkan kepala baru dulu."
                )
            w.update(person, "person", {"household_id": None, "relation": None})

    def set_head(self, household_id: str, person_id: str) -> None:
        with self.ctx.unit_of_work() as w:
            household = w.require(Household, household_id, _NO_HOUSEHOLD)
            person = w.require(Person, person_id, _NO_PERSON)
            if person.household_id != household_id:
                raise ServiceError("Kepala keluarga harus anggota KPM ini.")
            if household.head_person_id and household.head_person_id != person_id:
                old = w.require(Person, household.head_person_id, _NO_PERSON)
                w.update(old, "person", {"relation": Relation.FAMILI_LAIN.value})
            w.update(person, "person", {"relation": Relation.KEPALA.value})
            w.update(household, "household", {"head_person_id": person_id}, op="set_head")

    def change_kk(
        self, household_id: str, new_kk: str, reason: str, valid_from: date | None = None
    ) -> None:
        """A KK number changes (e.g. a new head of family); the old one stays in the history."""
        new_kk = clean_number(new_kk)
        issues = validate_kk(new_kk, office_province=self.ctx.office.province_code)
        if has_errors(issues):
            raise ValidationFailed(issues)
        if not reason.strip():
            raise ServiceError("Alasan penggantian No. KK wajib diisi.")
        valid_from = valid_from or self.ctx.clock.today()
        with self.ctx.unit_of_work() as w:
            household = w.require(Household, household_id, _NO_HOUSEHOLD)
            if household.kk_number == new_kk:
                raise ServiceError("No. KK baru sama dengan yang lama.")
            current = w.session.exec(
                select(KkHistory).where(
                    KkHistory.household_id == household_id,
                    KkHistory.valid_to == None,  # noqa: E711
                )
            ).all()
            for h in current:
                w.update(h, "kk_history", {"valid_to": valid_from})
            w.create(
                KkHistory,
                "kk_history",
                household_id=household_id,
                kk_number=new_kk,
                valid_from=valid_from,
                reason=reason.strip(),
                recorded_at=w.now(),
            )
            w.update(household, "household", {"kk_number": new_kk}, op="change_kk")

    def household_detail(self, household_id: str) -> HouseholdDetail:
        rows = self.household_rows_by_id([household_id])
        if not rows:
            raise ServiceError("Data KPM tidak ditemukan.")
        with self.ctx.db.session() as s:
            h = s.get(Household, household_id)
            assert h is not None
            hist = s.exec(
                select(KkHistory)
                .where(KkHistory.household_id == household_id)
                .order_by(KkHistory.recorded_at)  # type: ignore[arg-type]
            ).all()
            inp = HouseholdInput(h.kk_number, h.street, h.rt, h.rw, h.kelurahan_code)
            head = h.head_person_id
        return HouseholdDetail(
            row=rows[0],
            input=inp,
            head_person_id=head,
            members=self.household_members(household_id),
            kk_history=[(k.kk_number, k.valid_from, k.valid_to, k.reason) for k in hist],
            enrolments=self._enrolments(household_id=household_id),
        )

    def household_members(self, household_id: str) -> list[PersonRow]:
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(
                    _PERSON_SELECT + " WHERE person.household_id = :hid AND person.deleted = 0"
                    " ORDER BY person.relation = 'kepala' DESC, person.birth_date"
                ),
                {"hid": household_id},
            )
            return [_person_row(m) for m in result]

    # -- enrolments --------------------------------------------------------------------------
    def enrol(
        self,
        program_code: str,
        *,
        person_id: str | None = None,
        household_id: str | None = None,
        start_date: date | None = None,
        details: dict | None = None,
        uow: UnitOfWork | None = None,
    ) -> str:
        program = get_program(program_code)
        details = details or {}
        start_date = start_date or self.ctx.clock.today()
        with self.ctx.join_or_open(uow) as w:
            if program.unit == Unit.HOUSEHOLD:
                if household_id is None and person_id is not None:
                    person = w.require(Person, person_id, _NO_PERSON)
                    household_id = person.household_id
                if household_id is None:
                    raise ServiceError(
                        f"Program {program.name} untuk KPM: orang ini belum terdaftar dalam KPM."
                    )
                w.require(Household, household_id, _NO_HOUSEHOLD)
                person_id = None
                birth = None
            else:
                if person_id is None:
                    raise ServiceError(f"Program {program.name} untuk perorangan: pilih orangnya.")
                person = w.require(Person, person_id, _NO_PERSON)
                if person.status != PersonStatus.AKTIF.value:
                    raise ServiceError(
                        f"{person.name} berstatus {person.status}; tidak dapat didaftarkan."
                    )
                household_id = None
                birth = person.birth_date
            issues = validate_enrolment(program, birth_date=birth, on=start_date, details=details)
            if has_errors(issues):
                raise ValidationFailed(issues)
            existing = w.session.exec(
                select(Enrolment).where(
                    Enrolment.program_code == program_code,
                    Enrolment.person_id == person_id,
                    Enrolment.household_id == household_id,
                    Enrolment.end_date == None,  # noqa: E711
                    Enrolment.deleted == False,  # noqa: E712
                )
            ).first()
            if existing is not None:
                raise ServiceError(f"Sudah terdaftar aktif di program {program.name}.")
            enrolment = w.create(
                Enrolment,
                "enrolment",
                op="enrol",
                program_code=program_code,
                person_id=person_id,
                household_id=household_id,
                start_date=start_date,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            )
            return enrolment.id

    def leave_program(self, enrolment_id: str, end_date: date, reason: str) -> None:
        if not reason.strip():
            raise ServiceError("Alasan keluar program wajib diisi.")
        with self.ctx.unit_of_work() as w:
            enrolment = w.require(Enrolment, enrolment_id, "Data kepesertaan tidak ditemukan.")
            if enrolment.end_date is not None:
                raise ServiceError("Kepesertaan ini sudah berakhir.")
            if end_date < enrolment.start_date:
                raise ServiceError("Tanggal keluar tidak boleh sebelum tanggal mulai.")
            w.update(
                enrolment,
                "enrolment",
                {"end_date": end_date, "end_reason": reason.strip()},
                op="leave",
            )

    def _enrolments(
        self, *, person_id: str | None = None, household_id: str | None = None
    ) -> list[EnrolmentView]:
        with self.ctx.db.session() as s:
            conds = []
            if person_id:
                conds.append(Enrolment.person_id == person_id)
            if household_id:
                conds.append(Enrolment.household_id == household_id)
            if not conds:
                return []
            from sqlalchemy import or_

            stmt = (
                select(Enrolment)
                .where(or_(*conds), Enrolment.deleted == False)  # noqa: E712
                .order_by(Enrolment.start_date)  # type: ignore[arg-type]
            )
            return [
                EnrolmentView(
                    id=e.id,
                    program_code=e.program_code,
                    program_name=PROGRAMS[e.program_code].name
                    if e.program_code in PROGRAMS
                    else e.program_code,
                    start_date=e.start_date,
                    end_date=e.end_date,
                    end_reason=e.end_reason,
                    details=json.loads(e.details or "{}"),
                    via_household=e.household_id is not None,
                )
                for e in s.exec(stmt).all()
            ]

    # -- search and lazy listing -------------------------------------------------------------
    def person_ids(self, flt: PersonFilter) -> list[int]:
        """Row keys of every matching person, in display order; rows are fetched per page.

        Without a search text the list is ordered by name (an index walk). With one, matches come
        in registration order, at most `flt.max_matches` of them: sorting or even collecting tens
        of thousands of matches on every keystroke would cost more than the whole search budget.
        """
        where, params = self._person_where(flt, with_text=False)
        with self.ctx.db.engine.connect() as conn:
            if flt.query.strip():
                source, text_where, text_params = search.person_source(conn, flt.query)
                params.update(text_params)
                sql = f"SELECT {search.rowid_column()} FROM {source} WHERE {text_where} AND {where}"
                if flt.max_matches is not None:
                    sql += f" LIMIT {int(flt.max_matches)}"
            else:
                sql = (
                    f"SELECT {search.rowid_column()} FROM person WHERE {where} ORDER BY person.name"
                )
            return [r[0] for r in conn.exec_driver_sql(sql, params)]

    def count_persons(self, flt: PersonFilter) -> int:
        where, params = self._person_where(flt)
        with self.ctx.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM person WHERE {where}", params
                ).scalar_one()
            )

    def _person_where(
        self, flt: PersonFilter, with_text: bool = True
    ) -> tuple[str, dict[str, Any]]:
        conds = ["person.deleted = 0"]
        params: dict[str, Any] = {}
        if with_text and flt.query.strip():
            clause, p = search.match_clause(flt.query)
            conds.append(clause)
            params.update(p)
        if flt.status:
            conds.append("person.status = :status")
            params["status"] = flt.status
        _region_filter("person", flt, conds, params)
        if flt.program_code:
            # Uncorrelated IN lists, evaluated once: a correlated EXISTS let SQLite (without
            # statistics) walk the program_code index for every person, 7,700 Rastrada rows
            # times 160,000 persons (minutes). tests/storage/test_list_indexes.py checks the plan.
            conds.append(
                "(person.id IN (SELECT e.person_id FROM enrolment e WHERE e.program_code = :prog"
                " AND e.end_date IS NULL AND e.deleted = 0 AND e.person_id IS NOT NULL)"
                " OR person.household_id IN (SELECT e.household_id FROM enrolment e"
                " WHERE e.program_code = :prog AND e.end_date IS NULL AND e.deleted = 0"
                " AND e.household_id IS NOT NULL))"
            )
            params["prog"] = flt.program_code
        # exec_driver_sql takes the DBAPI's named style, which for sqlite3 is :name.
        return " AND ".join(conds), params

    def person_rows(self, rowids: Sequence[int]) -> list[PersonRow]:
        """Rows for the given keys, in the given order (missing keys are skipped)."""
        if not rowids:
            return []
        sql = _PERSON_SELECT + " WHERE " + search.rows_by_rowid_clause(rowids)
        with self.ctx.db.engine.connect() as conn:
            search.prepare_connection(conn)
            by_key = {m.rowid: _person_row(m) for m in conn.exec_driver_sql(sql)}
        return [by_key[r] for r in rowids if r in by_key]

    def person_rows_by_id(self, ids: Sequence[str]) -> list[PersonRow]:
        if not ids:
            return []
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(_PERSON_SELECT + " WHERE person.id IN :ids").bindparams(_expanding("ids")),
                {"ids": list(ids)},
            )
            return [_person_row(m) for m in result]

    def household_ids(self, flt: PersonFilter) -> list[int]:
        conds = ["household.deleted = 0"]
        params: dict[str, Any] = {}
        if flt.query.strip():
            clause, p = search.match_clause(flt.query)
            conds.append(
                "household.id IN (SELECT person.household_id FROM person WHERE " + clause + ")"
            )
            params.update(p)
        _region_filter("household", flt, conds, params)
        if flt.program_code:
            conds.append(
                "household.id IN (SELECT e.household_id FROM enrolment e"
                " WHERE e.program_code = :prog AND e.end_date IS NULL AND e.deleted = 0"
                " AND e.household_id IS NOT NULL)"
            )
            params["prog"] = flt.program_code
        sql = "SELECT household.rowid FROM household WHERE " + " AND ".join(conds)
        if not flt.query.strip():
            sql += " ORDER BY household.kk_number"
        with self.ctx.db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(sql, params)]

    def household_rows(self, rowids: Sequence[int]) -> list[HouseholdRow]:
        if not rowids:
            return []
        sql = (
            _HOUSEHOLD_SELECT
            + " WHERE household.rowid IN ("
            + ",".join(str(int(r)) for r in rowids)
            + ")"
        )
        with self.ctx.db.engine.connect() as conn:
            by_key = {m.rowid: _household_row(m) for m in conn.exec_driver_sql(sql)}
        return [by_key[r] for r in rowids if r in by_key]

    def household_rows_by_id(self, ids: Sequence[str]) -> list[HouseholdRow]:
        if not ids:
            return []
        with self.ctx.db.engine.connect() as conn:
            result = conn.execute(
                text(_HOUSEHOLD_SELECT + " WHERE household.id IN :ids").bindparams(
                    _expanding("ids")
                ),
                {"ids": list(ids)},
            )
            return [_household_row(m) for m in result]

    def find_household_by_kk(self, kk_number: str) -> HouseholdRow | None:
        kk = clean_number(kk_number)
        with self.ctx.db.session() as s:
            h = s.exec(
                select(Household).where(
                    Household.kk_number == kk,
                    Household.deleted == False,  # noqa: E712
                )
            ).first()
        if h is None:
            return None
        return self.household_rows_by_id([h.id])[0]

    def find_person_by_nik(self, nik: str) -> PersonRow | None:
        people = self._persons_with_nik(clean_number(nik))
        return self.person_rows_by_id([people[0].id])[0] if people else None

    # -- reference lists ---------------------------------------------------------------------
    def kecamatan_options(self) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.ctx.regions.kecamatan()]

    def kelurahan_options(self, kecamatan_code: str | None = None) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.ctx.regions.kelurahan(kecamatan_code)]

    def program_options(self) -> list[tuple[str, str]]:
        return [(p.code, p.name) for p in PROGRAMS.values()]

    # -- helpers -----------------------------------------------------------------------------


def _region_filter(table: str, flt: PersonFilter, conds: list[str], params: dict[str, Any]) -> None:
    """Narrow `table` (person or household) to the filter's kelurahan, else its kecamatan."""
    if flt.kelurahan_code:
        conds.append(f"{table}.kelurahan_code = :kel")
        params["kel"] = flt.kelurahan_code
    elif flt.kecamatan_code:
        conds.append(f"{table}.kelurahan_code LIKE :kec")
        params["kec"] = flt.kecamatan_code + ".%"


def _expanding(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


def _short(value: Any) -> str:
    text_value = "∅" if value is None else str(value)
    return text_value if len(text_value) <= 40 else text_value[:37] + "…"


def _append_note(notes: str | None, reason: str) -> str:
    return f"{notes}\n[dihapus] {reason}" if notes else f"[dihapus] {reason}"


def _record(p: Person) -> PersonRecord:
    return PersonRecord(
        id=p.id,
        input=PersonInput(
            name=p.name,
            sex=p.sex,
            nik=p.nik,
            birth_place=p.birth_place,
            birth_date=p.birth_date,
            street=p.street,
            rt=p.rt,
            rw=p.rw,
            kelurahan_code=p.kelurahan_code,
            phone=p.phone,
            notes=p.notes,
        ),
        household_id=p.household_id,
        relation=p.relation,
        status=p.status,
        status_date=p.status_date,
    )
