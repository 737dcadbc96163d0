"""The Sinkronisasi tab disables what the logged-in role cannot do, and says why."""

from __future__ import annotations

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.gui.sync.tab import SyncTab
from desktop_app.services.context import AppContext


def _tab(qtbot, ctx: AppContext, role: Role) -> SyncTab:  # noqa: ANN001
    ctx.accounts_exist = True
    ctx.set_user(Actor(username="u", full_name="Pengguna Uji", role=role))
    tab = SyncTab(ctx)
    qtbot.addWidget(tab)
    return tab


@pytest.mark.parametrize(
    ("role", "bundles", "devices", "decisions"),
    [
        (Role.ADMIN, True, True, True),
        (Role.OPERATOR, True, False, False),
        (Role.FIELD, True, False, False),
        (Role.HEAD, False, False, True),
    ],
    ids=lambda v: v.value if isinstance(v, Role) else str(v),
)
def test_actions_follow_the_role(
    qtbot,  # noqa: ANN001
    ctx: AppContext,
    role: Role,
    bundles: bool,
    devices: bool,
    decisions: bool,
) -> None:
    tab = _tab(qtbot, ctx, role)
    for button in (tab.import_button, tab.export_button, tab.checkout_button):
        assert button.isEnabled() == bundles
    assert tab.devices_panel.register_button.isEnabled() == devices
    assert tab.devices_panel.revoke_button.isEnabled() == devices
    assert tab.quarantine_panel.accept_button.isEnabled() == decisions
    assert tab.quarantine_panel.reject_button.isEnabled() == decisions
    assert tab.claims_panel.may_decide == decisions
    if not bundles:
        assert "Pimpinan" in tab.export_button.toolTip()
        assert "sinkronisasi" in tab.export_button.toolTip()


def test_switching_to_an_allowed_user_enables_again(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    tab = _tab(qtbot, ctx, Role.HEAD)
    assert not tab.export_button.isEnabled()
    ctx.set_user(Actor(username="a", full_name="Admin Uji", role=Role.ADMIN))
    tab.refresh()
    assert tab.export_button.isEnabled() and "Pimpinan" not in tab.export_button.toolTip()
