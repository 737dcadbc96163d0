"""The registry part of the demo: households (KPM) with their members, program enrolments and
status changes, generated in memory as rows for `bulk_insert` (demo.py writes them)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import make_kk, make_nik
from desktop_app.domain.programs import DISABILITY_RAGAM, age_on
from desktop_app.domain.status import PersonStatus, Relation
from desktop_app.services.context import AppContext
from desktop_app.services.demo_reference import (
    ABH_ROLES,
    BIRTH_PLACES,
    KECAMATAN_KPM,
    KELURAHAN_WEIGHT,
    KPM_KINDS,
    LOCAL_STREETS,
    OTHER_KINDS,
    OTHER_PLACES,
    OTHER_WEIGHTS,
    RAGAM_WEIGHTS,
)

__all__ = ["DEMO_ACTOR", "SCALES", "DemoOptions", "RegistryGenerator", "Scale"]

DEMO_ACTOR = "demo"


@dataclass(frozen=True)
class Scale:
    kpm: int  # Rastrada households
    other_households: int  # households outside Rastrada (the rest of the city)
    target_persons: int | None  # keep adding other households until this many persons
    rapelan: int
    sihore: int
    disabilitas: int
    anak_terlantar: int
    abh: int
    meninggal: int
    pindah: int
    kk_changes: int  # households whose KK number changed once (kept as KK history)


# The office registry as it is: 7,716 KPM (Rastrada stage 3 of 2025) plus the persons of the
# person-level programs, some of whom live outside a KPM.
_OFFICE = Scale(
    kpm=7716,
    other_households=600,
    target_persons=None,
    rapelan=110,
    sihore=21,
    disabilitas=320,
    anak_terlantar=45,
    abh=24,
    meninggal=25,
    pindah=15,
    kk_changes=80,
)

SCALES: dict[str, Scale] = {
    # A few hundred persons: tests and the installer's self-test.
    "tiny": Scale(
        kpm=80,
        other_households=15,
        target_persons=None,
        rapelan=12,
        sihore=4,
        disabilitas=20,
        anak_terlantar=6,
        abh=4,
        meninggal=4,
        pindah=3,
        kk_changes=3,
    ),
    "office": _OFFICE,
    # A whole city (~160,000 persons) for benchmarks; the office's programs, so only the
    # households outside them and the KK changes differ.
    "city": replace(_OFFICE, other_households=0, target_persons=160_000, kk_changes=400),
}


@dataclass(frozen=True)
class DemoOptions:
    scale: str = "office"
    seed: int = 2025
    # The day the data describes (ages, enrolment and status dates). None: the app clock's
    # today. Same seed and same date give the same data.
    today: date | None = None
    progress: Callable[[str], None] | None = field(default=None, compare=False)
    # One account per role (services/demo_accounts.py), so the demo opens like a real office
    # database: with a login. Off for tools that fill demo data below the login (benchmarks,
    # the installer's self-test, service tests that open the file directly).
    accounts: bool = True


@dataclass
class _Member:
    name: str
    sex: str
    birth_date: date
    relation: str
    birth_place: str


@dataclass
class _PersonRef:
    index: int  # position in the person row list
    household_index: int
    age: int
    kpm: bool
    single: bool  # the only member of the household


class RegistryGenerator:
    """Builds the row dicts; knows nothing of the database."""

    def __init__(self, ctx: AppContext, options: DemoOptions, scale: Scale) -> None:
        from faker import Faker

        self.ctx = ctx
        self.scale = scale
        self.today = options.today or ctx.clock.today()
        self.rng = random.Random(options.seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(options.seed)
        person = self.fake.provider("faker.providers.person")
        self.male_first = sorted(set(person.first_names_male))
        self.female_first = sorted(set(person.first_names_female))
        self.male_last = sorted(set(person.last_names_male))
        self.female_last = sorted(set(person.last_names_female))
        kelurahan = [r for r in ctx.regions.kelurahan() if r.code in KELURAHAN_WEIGHT]
        self.kelurahan = sorted(kelurahan, key=lambda r: r.code)
        self.streets = {r.code: self._street_pool() for r in self.kelurahan}
        self.nik_serial: dict[str, int] = {}
        self.kk_serial: dict[str, int] = {}
        self.card_codes: set[str] = set()
        self.households: list[dict[str, Any]] = []
        self.kk_history: list[dict[str, Any]] = []
        self.persons: list[dict[str, Any]] = []
        self.refs: list[_PersonRef] = []
        self.household_members: list[list[int]] = []
        self.enrolments: list[dict[str, Any]] = []
        self.status_history: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    # -- small helpers ---------------------------------------------------------------------
    def _street_pool(self) -> list[str]:
        names = self.rng.sample(LOCAL_STREETS, 9)
        names += [self.fake.street_name().split(" ", 1)[-1] for _ in range(3)]
        return names

    def _date_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _birth_for_age(self, age: int) -> date:
        """A birth date at which someone is exactly `age` on the reference date."""
        latest = add_years(self.today, -age)
        earliest = add_years(self.today, -age - 1) + timedelta(days=1)
        return self._date_between(earliest, latest)

    def _name(self, sex: str) -> str:
        rng = self.rng
        first = self.male_first if sex == "L" else self.female_first
        roll = rng.random()
        if roll < 0.22:
            return rng.choice(first)  # a single name is common in Java
        if roll < 0.7:
            name, second = rng.choice(first), rng.choice(first)
            while second == name:
                second = rng.choice(first)
            return f"{name} {second}"
        last = self.male_last if sex == "L" else self.female_last
        return f"{rng.choice(first)} {rng.choice(last)}"

    def _birth_place(self, born_here: float) -> str:
        if self.rng.random() < born_here:
            return "Blitar"
        return self.rng.choices(OTHER_PLACES, OTHER_WEIGHTS)[0]

    def _nik(self, member: _Member, kecamatan: str) -> str:
        rng = self.rng
        places = BIRTH_PLACES[member.birth_place]
        if places and rng.random() < 0.6:
            region = rng.choice(places)  # first issued where they were born
        elif rng.random() < 0.88:
            region = kecamatan
        else:
            region = rng.choice(sorted(KECAMATAN_KPM))  # issued before moving within the city
        key = region + member.birth_date.isoformat() + member.sex
        serial = self.nik_serial.get(key)
        serial = rng.randint(1, 40) if serial is None else serial + rng.randint(1, 3)
        self.nik_serial[key] = serial
        return make_nik(region, member.birth_date, member.sex, serial)

    def _kk(self, kecamatan: str, issued: date) -> str:
        region = kecamatan if self.rng.random() < 0.97 else self.rng.choice(sorted(KECAMATAN_KPM))
        key = region + issued.isoformat()
        serial = self.kk_serial.get(key, self.rng.randint(0, 30)) + 1
        self.kk_serial[key] = serial
        return make_kk(region, issued, serial)

    def _card_code(self) -> str:
        while True:
            code = f"RST-{self.rng.randrange(10**8):08d}"
            if code not in self.card_codes:
                self.card_codes.add(code)
                return code

    def _phone(self) -> str:
        prefix = self.rng.choice(("0812", "0813", "0821", "0822", "0852", "0857", "0856", "0878"))
        return prefix + f"{self.rng.randrange(10**8):08d}"

    # -- households ------------------------------------------------------------------------
    def _children(self, mother_age: int, count: int, relation: str) -> list[_Member]:
        kids: list[_Member] = []
        for _ in range(count):
            age = mother_age - self.rng.randint(19, 41)
            if age < 0:
                continue
            sex = self.rng.choice("LP")
            kids.append(
                _Member(
                    self._name(sex),
                    sex,
                    self._birth_for_age(age),
                    relation,
                    self._birth_place(0.9),
                )
            )
        return kids

    def _adult(self, sex: str, age: int, relation: str) -> _Member:
        return _Member(
            self._name(sex), sex, self._birth_for_age(age), relation, self._birth_place(0.78)
        )

    def _members(self, kind: str) -> list[_Member]:
        rng = self.rng
        kid_counts = (0, 1, 2, 3, 4, 5)
        kid_weights = (8, 26, 36, 19, 8, 3)
        if kind == "elderly_alone":
            sex = "P" if rng.random() < 0.75 else "L"
            return [self._adult(sex, rng.randint(60, 92), Relation.KEPALA)]
        if kind == "single_adult":
            sex = rng.choice("LP")
            return [self._adult(sex, rng.randint(19, 45), Relation.KEPALA)]
        if kind == "elderly_couple":
            head_age = rng.randint(60, 86)
            return [
                self._adult("L", head_age, Relation.KEPALA),
                self._adult("P", max(50, head_age - rng.randint(0, 9)), Relation.ISTRI),
            ]
        if kind == "single_parent":
            sex = "P" if rng.random() < 0.8 else "L"
            head_age = rng.randint(27, 62)
            head = self._adult(sex, head_age, Relation.KEPALA)
            count = rng.choices(kid_counts[1:], kid_weights[1:])[0]
            mother_age = head_age if sex == "P" else head_age - rng.randint(0, 6)
            return [head, *self._children(mother_age, count, Relation.ANAK)]
        if kind == "three_generations":
            head_age = rng.randint(52, 78)
            wife_age = head_age - rng.randint(0, 8)
            members = [
                self._adult("L", head_age, Relation.KEPALA),
                self._adult("P", wife_age, Relation.ISTRI),
            ]
            married_age = max(20, wife_age - rng.randint(20, 32))
            married_sex = rng.choice("LP")
            members.append(self._adult(married_sex, married_age, Relation.ANAK))
            in_law_sex = "P" if married_sex == "L" else "L"
            in_law_age = max(19, married_age + rng.randint(-5, 5))
            members.append(self._adult(in_law_sex, in_law_age, Relation.MENANTU))
            mother = married_age if married_sex == "P" else in_law_age
            members += self._children(
                mother, rng.choices((1, 2, 3), (45, 40, 15))[0], Relation.CUCU
            )
            members += self._children(wife_age, rng.choices((0, 1), (60, 40))[0], Relation.ANAK)
            return members
        # nuclear, with_parent
        head_age = rng.randint(24, 66)
        wife_age = max(18, head_age - rng.randint(0, 8))
        members = [
            self._adult("L", head_age, Relation.KEPALA),
            self._adult("P", wife_age, Relation.ISTRI),
        ]
        members += self._children(wife_age, rng.choices(kid_counts, kid_weights)[0], Relation.ANAK)
        if kind == "with_parent":
            relation = Relation.ORANG_TUA if rng.random() < 0.5 else Relation.MERTUA
            parent_age = min(95, max(60, head_age + rng.randint(20, 32)))
            parent_sex = "P" if rng.random() < 0.7 else "L"
            members.append(self._adult(parent_sex, parent_age, relation))
        return members

    def add_household(self, kelurahan_code: str, kind: str, kpm: bool) -> None:
        rng = self.rng
        kecamatan = kelurahan_code.rsplit(".", 1)[0]
        members = self._members(kind)
        household_id = new_id()
        household_index = len(self.households)
        street = (
            f"{rng.choice(('Jl.', 'Jl.', 'Jl.', 'Gg.'))} {rng.choice(self.streets[kelurahan_code])}"
        )
        if rng.random() < 0.85:
            street += f" No. {rng.randint(1, 180)}"
        rt = f"{rng.randint(1, 9 if rng.random() < 0.8 else 14):03d}"
        rw = f"{rng.randint(1, 8):03d}"
        youngest = max(m.birth_date for m in members)
        issued = self._date_between(
            max(date(2006, 1, 2), youngest + timedelta(days=7)), self.today - timedelta(days=20)
        )
        if issued > self.today:
            issued = self.today
        kk_number = self._kk(kecamatan, issued)
        indexes: list[int] = []
        head_id = ""
        for member in members:
            person_id = new_id()
            if member.relation == Relation.KEPALA:
                head_id = person_id
            index = len(self.persons)
            indexes.append(index)
            self.persons.append(
                {
                    "id": person_id,
                    "nik": self._nik(member, kecamatan),
                    "name": member.name,
                    "sex": member.sex,
                    "birth_place": member.birth_place,
                    "birth_date": member.birth_date,
                    "household_id": household_id,
                    "relation": str(member.relation),
                    "street": street,
                    "rt": rt,
                    "rw": rw,
                    "kelurahan_code": kelurahan_code,
                    "phone": self._phone()
                    if member.relation == Relation.KEPALA and rng.random() < 0.6
                    else None,
                    "notes": None,
                    "status": PersonStatus.AKTIF.value,
                    "status_date": None,
                    "deleted": False,
                }
            )
            self.refs.append(
                _PersonRef(
                    index=index,
                    household_index=household_index,
                    age=age_on(member.birth_date, self.today),
                    kpm=kpm,
                    single=len(members) == 1,
                )
            )
        self.household_members.append(indexes)
        self.households.append(
            {
                "id": household_id,
                "kk_number": kk_number,
                "head_person_id": head_id,
                "street": street,
                "rt": rt,
                "rw": rw,
                "kelurahan_code": kelurahan_code,
                "card_code": self._card_code() if kpm else None,
                "deleted": False,
            }
        )
        self.kk_history.append(
            {
                "id": new_id(),
                "household_id": household_id,
                "kk_number": kk_number,
                "valid_from": issued,
                "valid_to": None,
                "reason": "KK pertama dicatat",
                "recorded_at": self.ctx.clock.now(),
            }
        )
        if kpm:
            self.enrolments.append(
                self._enrolment(
                    "RASTRADA",
                    household_id=household_id,
                    start=self._date_between(
                        add_years(self.today, -6), self.today - timedelta(days=60)
                    ),
                )
            )

    def build_households(self) -> None:
        scale, rng = self.scale, self.rng
        kecamatan_kpm = apportion(KECAMATAN_KPM, scale.kpm)
        for kecamatan, total in kecamatan_kpm.items():
            weights = {
                r.code: KELURAHAN_WEIGHT[r.code]
                for r in self.kelurahan
                if r.code.startswith(kecamatan + ".")
            }
            for code, count in apportion(weights, total).items():
                for _ in range(count):
                    kind = rng.choices(list(KPM_KINDS), list(KPM_KINDS.values()))[0]
                    self.add_household(code, kind, kpm=True)
        codes = [r.code for r in self.kelurahan]
        city_weights = [
            KELURAHAN_WEIGHT[c] * KECAMATAN_KPM[c.rsplit(".", 1)[0]] / 3000 for c in codes
        ]
        kinds, kind_weights = list(OTHER_KINDS), list(OTHER_KINDS.values())
        others = 0
        while others < scale.other_households or (
            scale.target_persons is not None and len(self.persons) < scale.target_persons
        ):
            code = rng.choices(codes, city_weights)[0]
            self.add_household(code, rng.choices(kinds, kind_weights)[0], kpm=False)
            others += 1
        self._kk_changes()

    def _kk_changes(self) -> None:
        """Some families got a new KK (a new head, a split): the old number stays in history."""
        for household_index in self.rng.sample(
            range(len(self.households)), min(self.scale.kk_changes, len(self.households))
        ):
            household = self.households[household_index]
            current = self.kk_history[household_index]
            old_from = self._date_between(date(2004, 1, 5), current["valid_from"] - timedelta(1))
            if old_from >= current["valid_from"]:
                continue
            kecamatan = household["kelurahan_code"].rsplit(".", 1)[0]
            self.kk_history.append(
                {
                    "id": new_id(),
                    "household_id": household["id"],
                    "kk_number": self._kk(kecamatan, old_from),
                    "valid_from": old_from,
                    "valid_to": current["valid_from"],
                    "reason": self.rng.choice(
                        (
                            "Perubahan susunan keluarga",
                            "Pecah KK",
                            "Kepala keluarga meninggal",
                            "Perubahan data kependudukan",
                        )
                    ),
                    "recorded_at": self.ctx.clock.now(),
                }
            )
            current["reason"] = "Penggantian No. KK"

    # -- programs and statuses -------------------------------------------------------------
    def _enrolment(
        self,
        program: str,
        *,
        start: date,
        person_id: str | None = None,
        household_id: str | None = None,
        details: dict | None = None,
    ) -> dict[str, Any]:
        return {
            "id": new_id(),
            "program_code": program,
            "person_id": person_id,
            "household_id": household_id,
            "start_date": start,
            "end_date": None,
            "end_reason": None,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
            "deleted": False,
        }

    def _pick(self, candidates: Sequence[_PersonRef], count: int, taken: set[int]) -> list[int]:
        pool = [c.index for c in candidates if c.index not in taken]
        chosen = self.rng.sample(pool, min(count, len(pool)))
        taken.update(chosen)
        return chosen

    def _person_enrol(
        self, program: str, index: int, earliest: date, details: dict | None = None
    ) -> dict[str, Any]:
        person = self.persons[index]
        start = self._date_between(
            max(earliest, person["birth_date"] + timedelta(days=1)),
            self.today - timedelta(days=14),
        )
        row = self._enrolment(program, person_id=person["id"], start=start, details=details)
        self.enrolments.append(row)
        return row

    def build_programs(self) -> dict[str, list[dict[str, Any]]]:
        scale, rng, today = self.scale, self.rng, self.today
        refs = self.refs
        taken: set[int] = set()
        by_program: dict[str, list[dict[str, Any]]] = {}

        elderly = [r for r in refs if r.age >= 62]
        very_old = [r for r in refs if r.age >= 70]
        # Si Hore first: its clients are the frailest, so draw them from the oldest.
        by_program["SIHORE"] = [
            self._person_enrol("SIHORE", i, add_years(today, -3))
            for i in self._pick(very_old, scale.sihore, taken)
        ]
        by_program["RAPELAN"] = []
        for i in self._pick(elderly, scale.rapelan, taken):
            sixty = add_years(self.persons[i]["birth_date"], 60)
            by_program["RAPELAN"].append(
                self._person_enrol("RAPELAN", i, max(sixty, add_years(today, -5)))
            )
        by_program["DISABILITAS"] = []
        for i in self._pick([r for r in refs if r.age >= 3], scale.disabilitas, taken):
            roll = rng.random()
            count = 1 if roll < 0.8 else 2 if roll < 0.95 else 3
            ragam: list[str] = []
            while len(ragam) < count:
                choice = rng.choices(list(RAGAM_WEIGHTS), list(RAGAM_WEIGHTS.values()))[0]
                if choice not in ragam:
                    ragam.append(choice)
            ragam.sort(key=list(DISABILITY_RAGAM).index)
            degree = {1: "tunggal", 2: "ganda"}.get(count, "multi")
            by_program["DISABILITAS"].append(
                self._person_enrol(
                    "DISABILITAS",
                    i,
                    add_years(today, -8),
                    {"ragam": ragam, "degree": degree},
                )
            )
        by_program["ANAK_TERLANTAR"] = [
            self._person_enrol("ANAK_TERLANTAR", i, add_years(today, -3))
            for i in self._pick([r for r in refs if 3 <= r.age <= 16], scale.anak_terlantar, taken)
        ]
        by_program["ABH"] = []
        for i in self._pick([r for r in refs if 13 <= r.age <= 17], scale.abh, taken):
            role = rng.choices(list(ABH_ROLES), list(ABH_ROLES.values()))[0]
            # An ABH case is recent; a child in conflict with the law is at least 12 (UU SPPA).
            earliest = max(add_years(self.persons[i]["birth_date"], 12), today - timedelta(400))
            by_program["ABH"].append(self._person_enrol("ABH", i, earliest, {"role": role}))
        return by_program

    def _set_status(
        self, index: int, status: PersonStatus, when: date, note: str
    ) -> dict[str, Any]:
        person = self.persons[index]
        person["status"] = status.value
        person["status_date"] = when
        row = {
            "id": new_id(),
            "person_id": person["id"],
            "status": status.value,
            "effective_date": when,
            "note": note,
            "recorded_at": self.ctx.clock.now(),
            "recorded_by": DEMO_ACTOR,
        }
        self.status_history.append(row)
        return row

    def build_statuses(self, by_program: dict[str, list[dict[str, Any]]]) -> None:
        """Deaths and moves, including the cases distribution must handle carefully."""
        scale, rng, today = self.scale, self.rng, self.today
        enrolled = {e["person_id"]: e for rows in by_program.values() for e in rows}
        id_index = {p["id"]: i for i, p in enumerate(self.persons)}
        in_program = {id_index[pid] for pid in enrolled if pid is not None}
        dead: list[int] = []
        # A Rapelan client who died: the enrolment ends on the day of death.
        if by_program["RAPELAN"] and scale.meninggal >= 1:
            dead.append(id_index[by_program["RAPELAN"][-1]["person_id"]])
        # The only member of a Rastrada KPM died: nobody may collect for that KPM.
        singles = [r.index for r in self.refs if r.kpm and r.single and r.index not in in_program]
        if singles and scale.meninggal >= 2:
            dead.append(rng.choice(singles))
        # The head of a larger Rastrada KPM died: an heir on the same KK collects.
        heads = [
            r.index
            for r in self.refs
            if r.kpm
            and not r.single
            and r.index not in in_program
            and r.age >= 55
            and self.persons[r.index]["relation"] == Relation.KEPALA
        ]
        if heads and scale.meninggal >= 3:
            dead.append(rng.choice(heads))
        old = [r.index for r in self.refs if r.age >= 68 and r.index not in in_program]
        rng.shuffle(old)
        for index in old:
            if len(dead) >= scale.meninggal:
                break
            if index not in dead:
                dead.append(index)
        for index in dead:
            person = self.persons[index]
            enrolment = enrolled.get(person["id"])
            earliest = enrolment["start_date"] + timedelta(days=7) if enrolment else None
            when = self._date_between(
                earliest or today - timedelta(days=730), today - timedelta(days=5)
            )
            self._set_status(index, PersonStatus.MENINGGAL, when, "Dilaporkan keluarga")
            if enrolment:
                enrolment["end_date"] = when
                enrolment["end_reason"] = PersonStatus.MENINGGAL.value
        # Moves: grown children leaving for work, and one disabilitas client moving away.
        moved: list[int] = []
        if by_program["DISABILITAS"] and scale.pindah >= 1:
            candidate = id_index[by_program["DISABILITAS"][0]["person_id"]]
            if candidate not in dead:
                moved.append(candidate)
        grown = [
            r.index
            for r in self.refs
            if 19 <= r.age <= 35
            and r.index not in in_program
            and r.index not in dead
            and self.persons[r.index]["relation"] == Relation.ANAK
        ]
        moved += rng.sample(grown, min(max(scale.pindah - len(moved), 0), len(grown)))
        for index in moved:
            enrolment = enrolled.get(self.persons[index]["id"])
            earliest = enrolment["start_date"] + timedelta(days=7) if enrolment else None
            when = self._date_between(
                earliest or today - timedelta(days=900), today - timedelta(days=5)
            )
            place = rng.choice(OTHER_PLACES)
            self._set_status(index, PersonStatus.PINDAH, when, f"Pindah ke {place}")
            if enrolment:
                enrolment["end_date"] = when
                enrolment["end_reason"] = PersonStatus.PINDAH.value
        self.counts["meninggal"] = len(dead)
        self.counts["pindah"] = len(moved)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def apportion(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainder), keeping the sum exact."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    leftover = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:leftover]:
        shares[key] += 1
    return shares
