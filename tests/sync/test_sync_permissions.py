"""Sync actions × roles: the service refuses whoever's role lacks the permission (issue 12)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain.access import Actor, Permission, Role
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.sync import (
    DeviceIdentity,
    DeviceService,
    DoubleClaimService,
    SyncService,
)
from desktop_app.services.sync.access import (
    DECIDE,
    MANAGE_DEVICES,
    READ_QUEUES,
    SYNC,
    permissions_of,
)

Action = Callable[[AppContext, Path], Any]

ACTIONS: dict[str, tuple[tuple[Permission, ...], Action]] = {
    "export": (SYNC, lambda c, t: SyncService(c).export(t / "x.bdl", "LAP09")),
    "checkout": (SYNC, lambda c, t: SyncService(c).checkout("LAP09", t / "x.bdl")),
    "import": (SYNC, lambda c, t: SyncService(c).import_bundle(t / "none.bdl")),
    "join": (SYNC, lambda c, t: SyncService(c).join(t / "none.bdl")),
    "join_offer": (SYNC, lambda c, t: SyncService(c).join_offer(t / "none.bdl")),
    "resolve_conflict": (SYNC, lambda c, t: SyncService(c).resolve_conflict("none", 0)),
    "rebuild_conflicts": (SYNC, lambda c, t: SyncService(c).rebuild_conflicts()),
    "export_identity": (SYNC, lambda c, t: DeviceService(c).export_identity(t / "id.json")),
    "register_device": (
        MANAGE_DEVICES,
        lambda c, t: DeviceService(c).register(DeviceIdentity("x", "LAP09", "AAAA")),
    ),
    "revoke_device": (MANAGE_DEVICES, lambda c, t: DeviceService(c).revoke("none", "hilang")),
    "decide_quarantine": (DECIDE, lambda c, t: SyncService(c).decide_quarantine("none", True)),
    "decide_double_claim": (
        DECIDE,
        lambda c, t: DoubleClaimService(c).resolve("none", "confirm", "catatan"),
    ),
    "list_quarantine": (READ_QUEUES, lambda c, t: SyncService(c).quarantine()),
    "list_conflicts": (READ_QUEUES, lambda c, t: SyncService(c).conflicts()),
    "list_claims": (READ_QUEUES, lambda c, t: DoubleClaimService(c).claims()),
    "history": (READ_QUEUES, lambda c, t: SyncService(c).history()),
}


def _as(ctx: AppContext, role: Role) -> None:
    ctx.accounts_exist = True
    ctx.set_user(Actor(username=f"u-{role.value}", full_name=f"Pengguna {role.value}", role=role))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_sync_action_by_role(ctx: AppContext, tmp_path: Path, action: str, role: Role) -> None:
    needed, run = ACTIONS[action]
    _as(ctx, role)
    allowed = any(ctx.current_actor().can(p) for p in needed)
    try:
        run(ctx, tmp_path)
    except ServiceError as exc:
        # Allowed: it may still be refused for what it was given, never for the role.
        assert (exc.code == "auth.permission_denied") == (not allowed), exc.code
        assert exc.message
    else:
        assert allowed


@pytest.mark.parametrize("action", list(ACTIONS))
def test_nobody_logged_in_is_refused(ctx: AppContext, tmp_path: Path, action: str) -> None:
    ctx.accounts_exist = True
    with pytest.raises(ServiceError) as caught:
        ACTIONS[action][1](ctx, tmp_path)
    assert caught.value.code == "auth.login_required"


def test_the_table_says_who_may_do_what() -> None:
    may = {
        role: {a for a, (perms, _) in ACTIONS.items() if any(p in _perms(role) for p in perms)}
        for role in Role
    }
    decisions = {"decide_quarantine", "decide_double_claim"}
    devices = {"register_device", "revoke_device"}
    assert may[Role.ADMIN] == set(ACTIONS)
    assert decisions <= may[Role.HEAD] and not devices & may[Role.HEAD]
    assert "export" not in may[Role.HEAD]
    for role in (Role.OPERATOR, Role.FIELD, Role.SOCIAL_WORKER):
        assert "export" in may[role] and not (decisions | devices) & may[role]


def _perms(role: Role) -> frozenset[Permission]:
    return Actor(username="x", full_name="x", role=role).permissions


# Plumbing other services call on behalf of an already checked user (signing keys, the
# device's own identity and role, trust of a sender's key), and reads of no personal data.
UNCHECKED = {
    "SyncService": {"role", "join_opened"},
    "DeviceService": {
        "signing_key",
        "identity",
        "role",
        "sync_settings",
        "checkout_role",
        "office_device_id",
        "office",
        "read_identity_file",
        "get",
        "trusted_key",
        "rename_self",
    },
    "DoubleClaimService": set(),
}


@pytest.mark.parametrize("cls", [SyncService, DeviceService, DoubleClaimService])
def test_every_sync_entry_point_checks_a_permission(cls: type) -> None:
    public = {
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }
    unchecked = {name for name in public if permissions_of(getattr(cls, name)) is None}
    assert unchecked == UNCHECKED[cls.__name__]


def test_a_checkout_records_the_role(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(ServiceError) as caught:
        SyncService(ctx).checkout("LAP09", tmp_path / "x.bdl", access_role="admin")
    assert caught.value.code == "sync.checkout_role_invalid"


@pytest.mark.parametrize("role", [None, Role.SOCIAL_WORKER], ids=["default", "social_worker"])
def test_the_laptop_carries_the_role_it_was_checked_out_for(
    tmp_path: Path, role: Role | None
) -> None:
    from desktop_app.domain.clock import FixedClock
    from tests.conftest import FIXED_NOW
    from tests.sync.helpers import add_household, join, open_site, register

    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    lap = open_site(tmp_path, "lap", clock)
    try:
        household, _ = add_household(office, 1)
        register(office, lap, "LAP01")
        extra = {} if role is None else {"access_role": role}
        office.sync.checkout("LAP01", tmp_path / "co.bdl", household_ids=[household], **extra)
        join(lap, tmp_path / "co.bdl", office)
        expected = role or Role.FIELD
        assert DeviceService(lap.ctx).checkout_role() == expected
        assert DeviceService(office.ctx).get("LAP01").checkout_role == expected.value
        assert DeviceService(office.ctx).checkout_role() is None
    finally:
        office.ctx.close()
        lap.ctx.close()
