"""Test factories: synthetic identity numbers and persons (never real people)."""

from __future__ import annotations

from datetime import date

from desktop_app.domain import nik as _nik
from desktop_app.services.registry import PersonInput


def make_nik(birth: date, sex: str = "L", serial: int = 1, region: str = "357201") -> str:
    return _nik.make_nik(region, birth, sex, serial)


def make_kk(serial: int = 1, region: str = "357201", issued: date = date(2015, 3, 10)) -> str:
    return _nik.make_kk(region, issued, serial)


KEPANJENKIDUL = "35.72.01.1001"


def person_input(
    name: str = "Siti Rahayu",
    sex: str = "P",
    birth: date = date(1958, 4, 12),
    serial: int = 1,
    kel: str = KEPANJENKIDUL,
    **overrides: object,
) -> PersonInput:
    """A valid synthetic person whose NIK agrees with its sex and birth date."""
    fields: dict[str, object] = {
        "name": name,
        "sex": sex,
        "nik": make_nik(birth, sex, serial),
        "birth_date": birth,
        "street": "Jl. Kenanga 5",
        "rt": "2",
        "rw": "4",
        "kelurahan_code": kel,
    }
    fields.update(overrides)
    return PersonInput(**fields)  # type: ignore[arg-type]
