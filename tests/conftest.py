"""Shared fixtures: a fresh database per test, a fixed clock, and offscreen Qt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.domain.clock import FixedClock  # noqa: E402
from desktop_app.services.context import AppContext, open_app  # noqa: E402

FIXED_NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "berdaya.sqlite"


@pytest.fixture
def ctx(db_path: Path, clock: FixedClock) -> Iterator[AppContext]:
    app = open_app(db_path, actor="tester", clock=clock)
    yield app
    app.close()
