"""Command tests run as the demo administrator: the demo databases they use have accounts
(one per role), so every command logs in first (see tests.helpers.login_as_demo_user). Tests of
the login itself undo this with the `no_login` fixture."""

from __future__ import annotations

import pytest

from tests.helpers import login_as_demo_user


@pytest.fixture(autouse=True)
def _demo_admin_login(monkeypatch: pytest.MonkeyPatch) -> None:
    login_as_demo_user(monkeypatch, "admin")


@pytest.fixture
def no_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """No account named and no terminal to ask on: what a script sees."""
    import desktop_app.cli

    monkeypatch.delenv("BERDAYA_USER", raising=False)
    monkeypatch.setattr(desktop_app.cli, "_stdin_is_terminal", lambda: False)
