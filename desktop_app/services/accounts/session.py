"""Starting work on a database: the first administrator, login, recovery.

The order matters on an encrypted database: the key file (storage.keyring) turns the password
into the database key, then the database opens, then the account is checked (active?) and
becomes the context's user. A database that is not encrypted yet (made before this version)
has its password checked against the account's hash instead; the first administrator created
on it turns it into an encrypted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain.access import Actor, Role
from desktop_app.domain.clock import Clock
from desktop_app.services.accounts import messages as M
from desktop_app.services.accounts.service import AccountInput, AccountService, actor_of
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.storage.models import UserAccount

__all__ = [
    "FirstStart",
    "create_administrator",
    "has_accounts",
    "is_encrypted_database",
    "login",
    "login_usernames",
    "recover",
]


@dataclass
class FirstStart:
    """What creating the first administrator did, for the one-time screen that follows."""

    ctx: AppContext
    recovery_key: str | None  # shown once; None when the database was not encrypted
    encrypted: bool
    removed_plain_copy: bool = False
    backups_encrypted: list[Path] = field(default_factory=list)


def is_encrypted_database(path: Path | str) -> bool:
    from desktop_app.storage.keyring import Keyring

    # The key file beside the database is what the login needs: without it no password can
    # open an encrypted file.
    return Keyring.exists(Path(path))


def create_administrator(
    path: Path | str,
    data: AccountInput,
    password: str,
    *,
    encrypt: bool = True,
    clock: Clock | None = None,
) -> FirstStart:
    """Create the first account (an administrator) on a database that has none, then encrypt
    the database under a new key wrapped for this password and for a recovery key.

    Refused when the database already has an account. The returned context is logged in as the
    new administrator; the caller shows the recovery key once.
    """
    path = Path(path)
    data = AccountInput(data.username, data.full_name, Role.ADMIN, data.nip, True)
    ctx = open_app(path, clock=clock)
    try:
        if ctx.accounts_exist:
            raise ServiceError(M.ALREADY_SET_UP)
        AccountService(ctx).add_account(data, password, must_change_password=False)
    finally:
        ctx.close()
    if not encrypt:
        return FirstStart(login(path, data.username, password, clock=clock), None, False)
    from desktop_app.services.backups import encrypt_database_and_backups
    from desktop_app.storage.keyring import Keyring

    keyring, key, recovery_key = Keyring.create(path, data.username.strip().lower(), password)
    try:
        result = encrypt_database_and_backups(path, key)
    except BaseException:
        # The database stays plain and usable; a key file without an encrypted database would
        # make the next start ask for a password it cannot use.
        keyring.path.unlink(missing_ok=True)
        raise
    ctx = login(path, data.username, password, clock=clock)
    return FirstStart(
        ctx,
        recovery_key,
        True,
        removed_plain_copy=result.removed_plain,
        backups_encrypted=list(result.backups_encrypted),
    )


def login(
    path: Path | str,
    username: str,
    password: str,
    *,
    read_only: bool = False,
    verify: str = "full",
    clock: Clock | None = None,
) -> AppContext:
    """Open the database as this person: wrong password or a disabled account is a coded
    refusal (`account.*` / `auth.*`), a locked-out account says how long to wait."""
    path = Path(path)
    username = (username or "").strip().lower()
    if is_encrypted_database(path):
        from desktop_app.storage.keyring import Keyring

        key = Keyring.load(path).unlock(username, password)
        ctx = open_app(path, key=key, read_only=read_only, verify=verify, clock=clock)
        try:
            actor = _active_actor(ctx, username)
            AccountService(ctx)._count_success(username, password)
        except BaseException:
            ctx.close()
            raise
        ctx.set_user(actor)
        return ctx
    ctx = open_app(path, read_only=read_only, verify=verify, clock=clock)
    try:
        AccountService(ctx).login(username, password)
    except BaseException:
        ctx.close()
        raise
    return ctx


def recover(
    path: Path | str, recovery_key: str, username: str, new_password: str, **open_args: Any
) -> AppContext:
    """The administrator forgot their password: the recovery key opens the database and sets a
    new password for `username` (an administrator's account)."""
    from desktop_app.storage.keyring import Keyring

    path = Path(path)
    key = Keyring.load(path).unlock_with_recovery(recovery_key)
    ctx = open_app(path, key=key, **open_args)
    try:
        actor = _active_actor(ctx, username.strip().lower())
        if actor.role is not Role.ADMIN:
            raise ServiceError(M.NOT_FOUND, username=username)
        ctx.set_user(actor)
        AccountService(ctx)._set_password(
            actor.username, new_password, must_change=False, op="password_recovery"
        )
    except BaseException:
        ctx.close()
        raise
    return ctx


def login_usernames(path: Path | str) -> list[str]:
    """The usernames the login screen offers. An encrypted database cannot be read before the
    login, so they come from its key file; a plain one is read (without changing it)."""
    path = Path(path)
    if is_encrypted_database(path):
        from desktop_app.storage.keyring import Keyring

        return sorted(Keyring.load(path).usernames())
    ctx = open_app(path, read_only=True, verify="structure")
    try:
        return AccountService(ctx).usernames()
    finally:
        ctx.close()


def has_accounts(path: Path | str) -> bool:
    """Whether the next start logs in (True) or creates the first administrator (False).

    A database of an older version cannot be opened read-only before its upgrade, yet one whose
    version already had accounts must still ask for a login: its table is looked at directly."""
    from desktop_app.storage.db import StorageError, plain_file_has_rows

    if is_encrypted_database(path):
        return True
    try:
        return bool(login_usernames(path))
    except StorageError as exc:
        if exc.code != "storage.upgrade_needs_write":
            raise
    return plain_file_has_rows(Path(path), "user_account")


def _active_actor(ctx: AppContext, username: str) -> Actor:
    from sqlmodel import select

    with ctx.db.session() as session:
        row = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    if row is None:
        raise ServiceError(M.WRONG_PASSWORD)
    if not row.active:
        raise ServiceError(M.INACTIVE, username=username)
    return actor_of(row)
