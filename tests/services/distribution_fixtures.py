"""A small synthetic registry for distribution tests: KPM households in two kelurahan and a few
elderly for a person program."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_app.services.context import AppContext
from desktop_app.services.registry import HouseholdInput, PersonInput, RegistryService
from tests.helpers import make_kk, make_nik, person_input

KEL_A = "35.72.01.1001"  # Kepanjenkidul
KEL_B = "35.72.02.1001"  # Pakunden


@dataclass
class Family:
    household_id: str
    kk: str
    head_id: str
    head_nik: str
    head_name: str
    members: list[tuple[str, str, str]] = field(default_factory=list)  # (id, nik, name)


@dataclass
class World:
    families: list[Family]
    elderly: list[tuple[str, str, str]]  # (person id, nik, name)


def _person(name: str, sex: str, birth: date, serial: int, kel: str) -> PersonInput:
    return person_input(name, sex, birth, serial, kel, street="Jl. Melati 3", rt="1", rw="2")


FAMILY_NAMES = [
    ("Sutrisno", "Sri Wahyuni"),
    ("Bambang Hartono", "Endang Lestari"),
    ("Agus Salim", "Rina Marlina"),
    ("Joko Susilo", None),  # a single-person KK
    ("Hadi Purnomo", "Tuti Handayani"),
    ("Slamet Riyadi", "Wartini"),
]


def build_world(ctx: AppContext, *, rastrada: bool = True, rapelan: bool = True) -> World:
    reg = RegistryService(ctx)
    families: list[Family] = []
    serial = 1
    for i, (head, spouse) in enumerate(FAMILY_NAMES):
        kel = KEL_A if i % 2 == 0 else KEL_B
        head_nik = make_nik(date(1960 + i, 3, 4), "L", serial)
        head_id = reg.create_person(_person(head, "L", date(1960 + i, 3, 4), serial, kel))
        serial += 1
        hh = reg.create_household(
            HouseholdInput(
                make_kk(i + 1), street="Jl. Melati 3", rt="1", rw="2", kelurahan_code=kel
            ),
            head_person_id=head_id,
        )
        fam = Family(hh, make_kk(i + 1), head_id, head_nik, head)
        if spouse:
            nik = make_nik(date(1963 + i, 5, 6), "P", serial)
            pid = reg.create_person(_person(spouse, "P", date(1963 + i, 5, 6), serial, kel))
            serial += 1
            reg.add_member(hh, pid, "istri")
            fam.members.append((pid, nik, spouse))
        if rastrada:
            reg.enrol("RASTRADA", household_id=hh, start_date=date(2025, 1, 1))
        families.append(fam)
    elderly = []
    if rapelan:
        for j, name in enumerate(["Mbah Karto", "Mbah Sumi"]):
            birth = date(1940 + j, 7, 8)
            sex = "L" if j == 0 else "P"
            nik = make_nik(birth, sex, 50 + j)
            pid = reg.create_person(_person(name, sex, birth, 50 + j, KEL_A))
            reg.enrol("RAPELAN", person_id=pid, start_date=date(2025, 1, 1))
            elderly.append((pid, nik, name))
    return World(families, elderly)
