"""Fuzzed commands run as the demo administrator: the fuzz arena's real database is a demo with
accounts (encrypted), and a fuzz run that stopped at the login would test nothing past it."""

from __future__ import annotations

import pytest

from tests.helpers import login_as_demo_user


@pytest.fixture(autouse=True)
def _demo_admin_login(monkeypatch: pytest.MonkeyPatch) -> None:
    login_as_demo_user(monkeypatch, "admin")
