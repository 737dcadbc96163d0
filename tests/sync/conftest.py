"""An office with one registered laptop that has joined a checkout of two households."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.domain.clock import FixedClock
from tests.conftest import FIXED_NOW
from tests.sync.helpers import Site, add_household, join, open_site, register


@dataclass
class Field:
    office: Site
    lap: Site
    households: list[str]
    people: list[list[str]]
    tmp: Path


@pytest.fixture
def sync_clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def field(tmp_path: Path, sync_clock: FixedClock) -> Iterator[Field]:
    office = open_site(tmp_path, "office", sync_clock)
    lap = open_site(tmp_path, "lap1", sync_clock, skew_ms=-90_000)
    register(office, lap, "LAP01")
    h1, p1 = add_household(office, 1)
    h2, p2 = add_household(office, 2)
    office.sync.checkout(lap.ctx.device.id, tmp_path / "checkout.bdl", household_ids=[h1, h2])
    join(lap, tmp_path / "checkout.bdl", office)
    yield Field(office, lap, [h1, h2], [p1, p2], tmp_path)
    office.ctx.close()
    lap.ctx.close()
