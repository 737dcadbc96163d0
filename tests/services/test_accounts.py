"""Accounts: the first administrator, adding people, login, lock-out, password changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from desktop_app.domain.access import Role
from desktop_app.domain.clock import FixedClock
from desktop_app.services.accounts import (
    AccountInput,
    AccountService,
    create_administrator,
    login,
)
from desktop_app.services.context import ServiceError, open_app
from desktop_app.storage.models import ChangeLog
from tests.conftest import FIXED_NOW

ADMIN = AccountInput("admin", "Sari Wulandari", Role.ADMIN, nip="198501012010012001")


def _first(path: Path, clock: FixedClock):  # noqa: ANN202 - test helper
    return create_administrator(path, ADMIN, "rahasia-admin", encrypt=False, clock=clock).ctx


def test_first_administrator_logs_in_and_is_the_officer(tmp_path, clock):
    ctx = _first(tmp_path / "b.sqlite", clock)
    try:
        assert ctx.user is not None and ctx.user.role is Role.ADMIN
        assert ctx.actor == "Sari Wulandari (NIP 198501012010012001)"
        with pytest.raises(ServiceError) as exc:
            create_administrator(tmp_path / "b.sqlite", ADMIN, "another-pass", encrypt=False)
        assert exc.value.code == "account.already_set_up"
    finally:
        ctx.close()


def test_the_change_log_never_holds_a_password_hash(tmp_path, clock):
    ctx = _first(tmp_path / "b.sqlite", clock)
    try:
        AccountService(ctx).add_account(
            AccountInput("budi", "Budi Santoso", Role.FIELD), "kata-sandi-1"
        )
        with ctx.db.session() as session:
            logged = " ".join(e.changes for e in session.exec(select(ChangeLog)).all())
        assert "argon2" not in logged and "kata-sandi-1" not in logged
        assert "Budi Santoso" in logged
    finally:
        ctx.close()


def test_login_refuses_wrong_password_and_unknown_user_alike(tmp_path, clock):
    path = tmp_path / "b.sqlite"
    _first(path, clock).close()
    for name, password in (("admin", "salah-sekali"), ("nobody", "rahasia-admin")):
        with pytest.raises(ServiceError) as exc:
            login(path, name, password, clock=clock)
        assert exc.value.code == "auth.wrong_password"
    ctx = login(path, "ADMIN ", "rahasia-admin", clock=clock)
    assert ctx.user is not None and ctx.user.username == "admin"
    ctx.close()


def test_lock_out_grows_and_ends_with_time(tmp_path):
    path = tmp_path / "b.sqlite"
    clock = FixedClock(FIXED_NOW)
    _first(path, clock).close()
    for _ in range(4):  # three free mistakes, the fourth starts a 30 s wait
        with pytest.raises(ServiceError):
            login(path, "admin", "salah-sekali", clock=clock)
    with pytest.raises(ServiceError) as exc:
        login(path, "admin", "rahasia-admin", clock=clock)
    assert exc.value.code == "auth.locked_out" and exc.value.params["seconds"] <= 31
    clock.set(FIXED_NOW + timedelta(seconds=31))
    ctx = login(path, "admin", "rahasia-admin", clock=clock)
    ctx.close()


def test_roles_are_enforced_when_managing_accounts(tmp_path, clock):
    path = tmp_path / "b.sqlite"
    ctx = _first(path, clock)
    service = AccountService(ctx)
    service.add_account(AccountInput("budi", "Budi Santoso", Role.FIELD), "kata-sandi-1")
    ctx.close()
    ctx = login(path, "budi", "kata-sandi-1", clock=clock)
    try:
        assert AccountService(ctx).must_change_password("budi")
        with pytest.raises(ServiceError) as exc:
            AccountService(ctx).add_account(AccountInput("eve", "Eve", Role.ADMIN), "kata-sandi-2")
        assert exc.value.code == "auth.permission_denied"
        AccountService(ctx).change_own_password("kata-sandi-1", "kata-sandi-baru")
        assert not AccountService(ctx).must_change_password("budi")
    finally:
        ctx.close()
    login(path, "budi", "kata-sandi-baru", clock=clock).close()


def test_disabled_account_cannot_log_in_and_last_admin_stays(tmp_path, clock):
    path = tmp_path / "b.sqlite"
    ctx = _first(path, clock)
    try:
        service = AccountService(ctx)
        with pytest.raises(ServiceError) as exc:
            service.update_account("admin", role=Role.OPERATOR)
        assert exc.value.code == "account.last_admin"
        service.add_account(AccountInput("budi", "Budi Santoso", Role.FIELD), "kata-sandi-1")
        service.update_account("budi", active=False)
    finally:
        ctx.close()
    with pytest.raises(ServiceError) as exc:
        login(path, "budi", "kata-sandi-1", clock=clock)
    assert exc.value.code == "account.inactive"


def test_database_with_accounts_refuses_work_without_login(tmp_path, clock):
    path = tmp_path / "b.sqlite"
    _first(path, clock).close()
    ctx = open_app(path, clock=clock)
    try:
        with pytest.raises(ServiceError) as exc:
            AccountService(ctx).list_accounts()
        assert exc.value.code == "auth.login_required"
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("data", "password", "code"),
    [
        (AccountInput("x", "Nama", Role.FIELD), "kata-sandi-1", "account.username_invalid"),
        (AccountInput("budi", " ", Role.FIELD), "kata-sandi-1", "account.full_name_required"),
        (
            AccountInput("budi", "Budi", Role.FIELD, nip="123"),
            "kata-sandi-1",
            "account.nip_invalid",
        ),
        (AccountInput("budi", "Budi", "boss"), "kata-sandi-1", "account.role_unknown"),
        (AccountInput("budi", "Budi", Role.FIELD), "pendek", "account.password_weak"),
    ],
)
def test_bad_account_input_is_refused_with_a_code(tmp_path, clock, data, password, code):
    ctx = _first(tmp_path / "b.sqlite", clock)
    try:
        with pytest.raises(ServiceError) as exc:
            AccountService(ctx).add_account(data, password)
        assert exc.value.code == code
    finally:
        ctx.close()


def test_the_recovery_key_can_be_replaced_on_an_encrypted_database(tmp_path, clock):
    from desktop_app.services.accounts import recover

    path = tmp_path / "b.sqlite"
    started = create_administrator(path, ADMIN, "rahasia-admin", clock=clock)
    old_key = started.recovery_key
    assert started.encrypted and old_key
    try:
        new_key = AccountService(started.ctx).rotate_recovery_key()
    finally:
        started.ctx.close()
    assert new_key != old_key
    with pytest.raises(Exception) as exc:
        recover(path, old_key, "admin", "sandi-baru-123")
    assert getattr(exc.value, "code", "") == "auth.wrong_recovery_key"
    recover(path, new_key, "admin", "sandi-baru-123").close()
    login(path, "admin", "sandi-baru-123", clock=clock).close()


def test_a_plain_database_has_no_recovery_key(tmp_path, clock):
    ctx = _first(tmp_path / "b.sqlite", clock)
    try:
        with pytest.raises(ServiceError) as exc:
            AccountService(ctx).rotate_recovery_key()
        assert exc.value.code == "account.not_encrypted"
    finally:
        ctx.close()
