"""Synthetic identity numbers for tests (never real people)."""

from __future__ import annotations

from datetime import date

from desktop_app.domain import nik as _nik


def make_nik(birth: date, sex: str = "L", serial: int = 1, region: str = "357201") -> str:
    return _nik.make_nik(region, birth, sex, serial)


def make_kk(serial: int = 1, region: str = "357201", issued: date = date(2015, 3, 10)) -> str:
    return _nik.make_kk(region, issued, serial)
