"""Synthetic demo data for Kota Blitar at real size (all names and numbers are invented).

`generate_demo(path, DemoOptions(scale=..., seed=...))` fills an empty database with households
(KPM) and their members spread over the 21 kelurahan, program enrolments (Rastrada, Rapelan,
Si Hore, disabilitas, anak terlantar, ABH) and a few deaths and moves with their status history.
The same seed and reference date always give the same data, so screenshots, manuals and
benchmarks can be reproduced.

Rows go in through `bulk_insert`, one unit of work per phase, so every row has its change-log
row (the demo is as auditable and syncable as typed data) while the office scale still takes
only a few seconds. Other feature areas add their own demo data (distribution rounds, trainings)
through `DEMO_EXTENSIONS`.
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_app.domain.errors import Msg
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import make_kk, make_nik
from desktop_app.domain.programs import DISABILITY_RAGAM, age_on
from desktop_app.domain.status import PersonStatus, Relation
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import AppContext, ServiceError, open_app

__all__ = [
    "DEMO_EXTENSIONS",
    "SCALES",
    "DemoOptions",
    "DemoRefused",
    "Scale",
    "generate_demo",
    "populate_demo",
]

# Other areas' demo data, as "module:function" strings. Each function is called after the
# registry data as fn(ctx, rng, options) with its own seeded random.Random, and may return a
# dict of counts that is merged into the summary. One line per area.
DEMO_EXTENSIONS: list[str] = [
    "desktop_app.services.demo_training:generate_training_demo",
    "desktop_app.services.demo_distribution:add_distribution_demo",
]

DEMO_ACTOR = "demo"
DEMO_SOURCE = "demo"
_CHUNK = 5000


SCALE_UNKNOWN = Msg(
    "demo.scale_unknown",
    "Skala demo '{scale}' tidak dikenal; pilih salah satu: {scales}.",
    "The demo scale '{scale}' is not known; choose one of: {scales}.",
)
NOT_EMPTY = Msg(
    "demo.not_empty",
    "Basis data ini sudah berisi data. Data demo hanya dibuat di basis data baru atau "
    "kosong, supaya tidak tercampur dengan data asli. Pilih berkas lain.",
    "This database already holds data. Demo data is only made in a new or empty database, so "
    "that it never mixes with real data. Choose another file.",
)


class DemoRefused(ServiceError):
    """The target database already holds data; demo rows must never mix with real ones."""

    def __init__(self, msg: Msg = NOT_EMPTY, /, **params: Any) -> None:
        super().__init__(msg, **params)


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
    # The office registry as it is: 7,716 KPM (Rastrada stage 3 of 2025) plus the persons of the
    # person-level programs, some of whom live outside a KPM.
    "office": Scale(
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
    ),
    # A whole city (~160,000 persons) for benchmarks; the same programs.
    "city": Scale(
        kpm=7716,
        other_households=0,
        target_persons=160_000,
        rapelan=110,
        sihore=21,
        disabilitas=320,
        anak_terlantar=45,
        abh=24,
        meninggal=25,
        pindah=15,
        kk_changes=400,
    ),
}


@dataclass(frozen=True)
class DemoOptions:
    scale: str = "office"
    seed: int = 2025
    # The day the data describes (ages, enrolment and status dates). None: the app clock's
    # today. Same seed and same date give the same data.
    today: date | None = None
    progress: Callable[[str], None] | None = field(default=None, compare=False)


# Rastrada KPM per kecamatan in the 2024 stages (DESIGN.md), scaled to the KPM count.
KECAMATAN_KPM: dict[str, int] = {"35.72.01": 2464, "35.72.02": 3735, "35.72.03": 3336}

# Relative size of each kelurahan within its kecamatan. Plausible, not official figures.
KELURAHAN_WEIGHT: dict[str, float] = {
    "35.72.01.1001": 1.0,  # Kepanjenkidul
    "35.72.01.1002": 1.3,  # Ngadirejo
    "35.72.01.1003": 1.1,  # Sentul
    "35.72.01.1004": 0.7,  # Kauman
    "35.72.01.1005": 0.9,  # Tanggung
    "35.72.01.1006": 1.2,  # Bendo
    "35.72.01.1007": 0.8,  # Kepanjenlor
    "35.72.02.1001": 1.2,  # Pakunden
    "35.72.02.1002": 0.9,  # Blitar
    "35.72.02.1003": 1.0,  # Tlumpu
    "35.72.02.1004": 1.1,  # Turi
    "35.72.02.1005": 1.2,  # Karangsari
    "35.72.02.1006": 1.3,  # Sukorejo
    "35.72.02.1007": 1.1,  # Tanjungsari
    "35.72.03.1001": 1.3,  # Gedog
    "35.72.03.1002": 1.0,  # Plosokerep
    "35.72.03.1003": 1.1,  # Klampok
    "35.72.03.1004": 1.2,  # Sananwetan
    "35.72.03.1005": 0.8,  # Rembang
    "35.72.03.1006": 1.2,  # Karangtengah
    "35.72.03.1007": 1.3,  # Bendogerit
}

# Where people were born (and, for some, where their NIK was first issued): the district codes
# are real Kemendagri kecamatan codes of those regencies, chosen for plausibility only.
BIRTH_PLACES: dict[str, tuple[str, ...]] = {
    "Blitar": (),  # Kota Blitar: the household's own or a neighbouring kecamatan
    "Wlingi": ("35.05.15",),
    "Srengat": ("35.05.06",),
    "Kanigoro": ("35.05.19",),
    "Garum": ("35.05.21",),
    "Tulungagung": ("35.04.01", "35.04.02", "35.04.05"),
    "Kediri": ("35.71.01", "35.71.02", "35.71.03"),
    "Trenggalek": ("35.03.01", "35.03.07"),
    "Malang": ("35.73.01", "35.73.03", "35.73.05"),
    "Surabaya": ("35.78.01", "35.78.05", "35.78.11", "35.78.20"),
    "Nganjuk": ("35.18.01", "35.18.04"),
    "Jakarta": ("31.71.01", "31.74.03", "31.75.06"),
    "Semarang": ("33.74.01", "33.74.09"),
    "Yogyakarta": ("34.71.04", "34.71.10"),
    "Bandung": ("32.73.05", "32.73.17"),
}
_OTHER_PLACES = [p for p in BIRTH_PLACES if p != "Blitar"]
_OTHER_WEIGHTS = [10, 6, 6, 5, 12, 8, 5, 6, 6, 4, 4, 2, 2, 2]

# Streets typical of an East Javanese town; Faker's id_ID streets are added per kelurahan.
_LOCAL_STREETS = (
    "Merdeka",
    "Veteran",
    "Kenanga",
    "Mawar",
    "Melati",
    "Cempaka",
    "Anggrek",
    "Flamboyan",
    "Kalimantan",
    "Sumatera",
    "Sulawesi",
    "Jawa",
    "Bali",
    "Lombok",
    "Ambon",
    "Ternate",
    "Anjasmoro",
    "Kelud",
    "Semeru",
    "Bromo",
    "Arjuno",
    "Welirang",
    "Wilis",
    "Lawu",
    "Mastrip",
    "Kartini",
    "Diponegoro",
    "Imam Bonjol",
    "Pattimura",
    "Sudirman",
    "Ciliwung",
    "Brantas",
    "Bengawan Solo",
    "Musi",
    "Mahakam",
    "Kapuas",
    "Manggis",
    "Nangka",
    "Salak",
    "Sawo",
    "Belimbing",
    "Dahlia",
    "Teratai",
    "Seruni",
    "Tanjung",
    "Cemara",
    "Pinus",
    "Jati",
    "Mahoni",
    "Randu",
    "Sekar Jagad",
    "Ki Hajar Dewantara",
    "Sultan Agung",
)

_RAGAM_WEIGHTS = {
    "fisik": 40,
    "intelektual": 15,
    "mental": 14,
    "sensorik_netra": 13,
    "sensorik_rungu": 12,
    "sensorik_wicara": 6,
}
_ABH_ROLES = {"pelaku": 50, "korban": 35, "saksi": 15}

# Household shapes (with their share among Rastrada KPM and among other households).
_KPM_KINDS = {
    "nuclear": 48,
    "single_parent": 13,
    "elderly_alone": 12,
    "elderly_couple": 8,
    "three_generations": 11,
    "with_parent": 8,
}
_OTHER_KINDS = {
    "nuclear": 60,
    "single_parent": 7,
    "elderly_alone": 6,
    "elderly_couple": 9,
    "three_generations": 8,
    "with_parent": 7,
    "single_adult": 3,
}


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


class _Generator:
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
        names = self.rng.sample(_LOCAL_STREETS, 9)
        names += [self.fake.street_name().split(" ", 1)[-1] for _ in range(3)]
        return names

    def _date_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _birth_for_age(self, age: int) -> date:
        """A birth date at which someone is exactly `age` on the reference date."""
        latest = _add_years(self.today, -age)
        earliest = _add_years(self.today, -age - 1) + timedelta(days=1)
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
        return self.rng.choices(_OTHER_PLACES, _OTHER_WEIGHTS)[0]

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
                        _add_years(self.today, -6), self.today - timedelta(days=60)
                    ),
                )
            )

    def build_households(self) -> None:
        scale, rng = self.scale, self.rng
        kecamatan_kpm = _apportion(KECAMATAN_KPM, scale.kpm)
        for kecamatan, total in kecamatan_kpm.items():
            weights = {
                r.code: KELURAHAN_WEIGHT[r.code]
                for r in self.kelurahan
                if r.code.startswith(kecamatan + ".")
            }
            for code, count in _apportion(weights, total).items():
                for _ in range(count):
                    kind = rng.choices(list(_KPM_KINDS), list(_KPM_KINDS.values()))[0]
                    self.add_household(code, kind, kpm=True)
        codes = [r.code for r in self.kelurahan]
        city_weights = [
            KELURAHAN_WEIGHT[c] * KECAMATAN_KPM[c.rsplit(".", 1)[0]] / 3000 for c in codes
        ]
        kinds, kind_weights = list(_OTHER_KINDS), list(_OTHER_KINDS.values())
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
            self._person_enrol("SIHORE", i, _add_years(today, -3))
            for i in self._pick(very_old, scale.sihore, taken)
        ]
        by_program["RAPELAN"] = []
        for i in self._pick(elderly, scale.rapelan, taken):
            sixty = _add_years(self.persons[i]["birth_date"], 60)
            by_program["RAPELAN"].append(
                self._person_enrol("RAPELAN", i, max(sixty, _add_years(today, -5)))
            )
        by_program["DISABILITAS"] = []
        for i in self._pick([r for r in refs if r.age >= 3], scale.disabilitas, taken):
            roll = rng.random()
            count = 1 if roll < 0.8 else 2 if roll < 0.95 else 3
            ragam: list[str] = []
            while len(ragam) < count:
                choice = rng.choices(list(_RAGAM_WEIGHTS), list(_RAGAM_WEIGHTS.values()))[0]
                if choice not in ragam:
                    ragam.append(choice)
            ragam.sort(key=list(DISABILITY_RAGAM).index)
            degree = {1: "tunggal", 2: "ganda"}.get(count, "multi")
            by_program["DISABILITAS"].append(
                self._person_enrol(
                    "DISABILITAS",
                    i,
                    _add_years(today, -8),
                    {"ragam": ragam, "degree": degree},
                )
            )
        by_program["ANAK_TERLANTAR"] = [
            self._person_enrol("ANAK_TERLANTAR", i, _add_years(today, -3))
            for i in self._pick([r for r in refs if 3 <= r.age <= 16], scale.anak_terlantar, taken)
        ]
        by_program["ABH"] = []
        for i in self._pick([r for r in refs if 13 <= r.age <= 17], scale.abh, taken):
            role = rng.choices(list(_ABH_ROLES), list(_ABH_ROLES.values()))[0]
            # An ABH case is recent; a child in conflict with the law is at least 12 (UU SPPA).
            earliest = max(_add_years(self.persons[i]["birth_date"], 12), today - timedelta(400))
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
            place = rng.choice(_OTHER_PLACES)
            self._set_status(index, PersonStatus.PINDAH, when, f"Pindah ke {place}")
            if enrolment:
                enrolment["end_date"] = when
                enrolment["end_reason"] = PersonStatus.PINDAH.value
        self.counts["meninggal"] = len(dead)
        self.counts["pindah"] = len(moved)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _apportion(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainder), keeping the sum exact."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    leftover = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: (shares[k] - exact[k], k))[:leftover]:
        shares[key] += 1
    return shares


def _is_empty(ctx: AppContext) -> bool:
    with ctx.db.engine.connect() as conn:
        for table in ("person", "household", "enrolment"):
            if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                return False
    return True


def _insert(ctx: AppContext, phase: str, tables: Iterable[tuple[str, list[dict]]]) -> int:
    """One unit of work per phase: all of it lands, or none of it."""
    written = 0
    with ctx.unit_of_work(source=DEMO_SOURCE) as uow:
        for entity, rows in tables:
            for batch in chunked(rows, _CHUNK):
                written += bulk_insert(uow, entity, batch)
    return written


def populate_demo(ctx: AppContext, options: DemoOptions) -> dict[str, int]:
    """Fill an open, empty database; returns counts per kind of data."""
    if options.scale not in SCALES:
        raise ServiceError(SCALE_UNKNOWN, scale=options.scale, scales=", ".join(SCALES))
    if not _is_empty(ctx):
        raise DemoRefused()
    started = time.perf_counter()
    say = options.progress or (lambda _message: None)
    gen = _Generator(ctx, options, SCALES[options.scale])

    say("Membuat KPM dan anggota keluarga …")
    gen.build_households()
    by_program = gen.build_programs()
    gen.build_statuses(by_program)

    say("Menyimpan registri …")
    _insert(
        ctx,
        "registry",
        [
            ("household", gen.households),
            ("person", gen.persons),
            ("kk_history", gen.kk_history),
        ],
    )
    say("Menyimpan kepesertaan program …")
    _insert(ctx, "programs", [("enrolment", gen.enrolments)])
    say("Menyimpan riwayat status …")
    _insert(ctx, "statuses", [("status_history", gen.status_history)])

    summary: dict[str, int] = {
        "households": len(gen.households),
        "persons": len(gen.persons),
        "kpm_rastrada": sum(1 for h in gen.households if h["card_code"]),
        **{p.lower(): len(rows) for p, rows in by_program.items()},
        **gen.counts,
    }
    for spec in DEMO_EXTENSIONS:
        say(f"Data demo tambahan: {spec} …")
        module_name, _, func_name = spec.partition(":")
        func = getattr(importlib.import_module(module_name), func_name)
        result = func(ctx, random.Random(f"{options.seed}:{spec}"), options)
        if isinstance(result, dict):
            summary.update({str(k): int(v) for k, v in result.items()})
    with ctx.db.engine.connect() as conn:
        summary["change_log"] = int(
            conn.execute(text("SELECT count(*) FROM change_log")).scalar_one()
        )
    summary["duration_ms"] = int((time.perf_counter() - started) * 1000)
    return summary


def generate_demo(path: Path, options: DemoOptions) -> dict[str, int]:
    """Create (or fill an empty) database at `path` with demo data; refuses a non-empty one."""
    ctx = open_app(path, actor=DEMO_ACTOR)
    try:
        return populate_demo(ctx, options)
    finally:
        ctx.close()
