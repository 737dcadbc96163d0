"""Fixtures for casework tests: persons enrolled in each casework program, actors per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry import PersonInput, RegistryService
from tests.helpers import make_nik

KEL = "35.72.03.1001"  # Gedog
KEL2 = "35.72.01.1001"

ACTORS = {
    role: Actor(username=role.value, full_name=f"Petugas {role.value}", role=role) for role in Role
}


@contextmanager
def refused(code: str) -> Iterator[None]:
    """The block is refused with `code` and a readable message in both languages."""
    with pytest.raises(ServiceError) as exc:
        yield
    assert exc.value.code == code
    assert exc.value.message and exc.value.render("en")


def as_role(ctx: AppContext, role: Role) -> None:
    ctx.set_user(ACTORS[role])
    ctx.accounts_exist = True


@pytest.fixture
def svc(ctx: AppContext) -> CaseworkService:
    return CaseworkService(ctx)


PersonMaker = Callable[..., str]


@pytest.fixture
def person(ctx: AppContext) -> PersonMaker:
    """make(program, name=..., birth=..., kel=..., details=...) -> person id, enrolled."""
    reg = RegistryService(ctx)
    serial = iter(range(1, 10_000))

    def make(
        program: str,
        *,
        name: str = "Siti Aminah",
        birth: date | None = None,
        sex: str = "P",
        kel: str = KEL,
        details: dict | None = None,
    ) -> str:
        default_birth = {
            "SIHORE": date(1940, 5, 1),
            "DISABILITAS": date(1985, 3, 2),
            "ANAK_TERLANTAR": date(2014, 7, 9),
            "ABH": date(2010, 2, 14),
        }
        born = birth or default_birth.get(program, date(1980, 1, 1))
        pid = reg.create_person(
            PersonInput(
                name=name,
                sex=sex,
                nik=make_nik(born, sex, next(serial)),
                birth_date=born,
                street="Jl. Kenanga 7",
                rt="2",
                rw="3",
                kelurahan_code=kel,
            )
        )
        if details is None:
            details = {
                "DISABILITAS": {"ragam": ["fisik"], "degree": "tunggal"},
                "ABH": {"role": "pelaku"},
            }.get(program, {})
        reg.enrol(program, person_id=pid, start_date=date(2026, 1, 5), details=details)
        return pid

    return make
