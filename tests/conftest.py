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


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at the app's cost takes ~0.2 s a hash; tests make hundreds. The algorithm stays
    the same (Argon2id, encoded hashes), only its time and memory cost drop."""
    from argon2 import PasswordHasher

    from desktop_app.services.accounts import service
    from desktop_app.storage import keyring

    # The key file's Argon2id likewise (its entries carry their own parameters).
    monkeypatch.setattr(keyring, "DEFAULT_PARAMS", keyring.Argon2Params(1, 8, 1))
    monkeypatch.setattr(
        service, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
