"""Synthetic identity numbers for tests (never real people)."""

from __future__ import annotations

from datetime import date


def make_nik(birth: date, sex: str = "L", serial: int = 1, region: str = "357201") -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def make_kk(serial: int = 1, region: str = "357201", issued: date = date(2015, 3, 10)) -> str:
    return f"{region}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"
