"""Accounts on this device: who may log in, with which role, and their passwords.

Passwords are kept as Argon2id hashes (argon2-cffi's encoded form, parameters inside). On an
encrypted database the same password also unwraps the database key in the key file beside it
(storage.keyring). A password change writes the key file inside the database transaction: if
the key file cannot be written, the hash is not changed either, so the old password keeps
opening both.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from desktop_app.domain.access import Actor, Permission, Role, lockout_seconds
from desktop_app.domain.ids import new_id
from desktop_app.domain.values import as_utc
from desktop_app.services.accounts import messages as M
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.storage.models import Setting, UserAccount

__all__ = [
    "IDLE_LOCK_DEFAULT",
    "IDLE_LOCK_KEY",
    "MIN_PASSWORD",
    "AccountInput",
    "AccountService",
    "AccountView",
    "actor_of",
    "hash_password",
]

MIN_PASSWORD = 8
MAX_NAME = 80
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
NIP = re.compile(r"^\d{18}$")
IDLE_LOCK_KEY = "idle_lock_minutes"
IDLE_LOCK_DEFAULT = 10
IDLE_LOCK_RANGE = (1, 240)

# Argon2id, RFC 9106's second recommended option scaled to an office laptop: ~0.1-0.2 s here.
# Tests swap in a cheap hasher (tests/conftest.py) so a thousand logins do not take minutes.
HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=2)
# Verified against when the username is unknown, so a wrong name costs what a wrong password
# does (no telling which usernames exist by timing).
_DUMMY_HASH: str | None = None


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def _dummy_verify(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("not-a-password")
    with contextlib.suppress(VerificationError, InvalidHashError):
        HASHER.verify(_DUMMY_HASH, password)


@dataclass(frozen=True)
class AccountInput:
    username: str
    full_name: str
    role: Role | str
    nip: str | None = None
    supervisor: bool = False


@dataclass(frozen=True)
class AccountView:
    """An account as the administrator sees it (never the hash)."""

    id: str
    username: str
    full_name: str
    nip: str | None
    role: Role
    supervisor: bool
    active: bool
    must_change_password: bool
    last_login_at: datetime | None
    locked_until: datetime | None


def actor_of(row: UserAccount) -> Actor:
    return Actor(
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        nip=row.nip or None,
        supervisor=row.supervisor,
        account_id=row.id,
    )


def _view(row: UserAccount) -> AccountView:
    return AccountView(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        nip=row.nip,
        role=Role(row.role),
        supervisor=row.supervisor,
        active=row.active,
        must_change_password=row.must_change_password,
        last_login_at=row.last_login_at,
        locked_until=row.locked_until,
    )


def _clean(data: AccountInput) -> AccountInput:
    username = (data.username or "").strip().lower()
    if not USERNAME.match(username):
        raise ServiceError(M.USERNAME_INVALID)
    full_name = " ".join((data.full_name or "").split())
    if not full_name or len(full_name) > MAX_NAME:
        raise ServiceError(M.FULL_NAME_REQUIRED)
    nip = re.sub(r"\s", "", data.nip or "") or None
    if nip is not None and not NIP.match(nip):
        raise ServiceError(M.NIP_INVALID)
    try:
        role = Role(data.role)
    except ValueError:
        raise ServiceError(M.ROLE_UNKNOWN, role=str(data.role)) from None
    return AccountInput(username, full_name, role, nip, bool(data.supervisor))


def check_password(username: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD or password.strip().lower() == username.lower():
        raise ServiceError(M.PASSWORD_WEAK, minimum=MIN_PASSWORD)


def _account_changes(row: UserAccount) -> dict[str, Any]:
    # What the change log may carry about an account: never the hash.
    return {
        "username": row.username,
        "full_name": row.full_name,
        "nip": row.nip,
        "role": row.role,
        "supervisor": row.supervisor,
        "active": row.active,
    }


class AccountService:
    """Accounts of one open database. Managing accounts needs USERS_MANAGE; changing one's own
    password and verifying a password (switch user, unlock after idle) need only a login."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # -- reading ------------------------------------------------------------------------------
    def list_accounts(self) -> list[AccountView]:
        self.ctx.require(Permission.USERS_MANAGE)
        with self.ctx.db.session() as session:
            rows = session.exec(select(UserAccount).order_by(UserAccount.username)).all()
        return [_view(r) for r in rows]

    def usernames(self) -> list[str]:
        """Active usernames, for the login screen's list (not secret: they are not personal
        data of beneficiaries, and a clerk picks their own name faster than typing it)."""
        with self.ctx.db.session() as session:
            rows = session.exec(
                select(UserAccount.username)
                .where(UserAccount.active == True)  # noqa: E712 - SQL comparison
                .order_by(UserAccount.username)
            ).all()
        return list(rows)

    # -- administrator's work -----------------------------------------------------------------
    def add_account(
        self, data: AccountInput, password: str, *, must_change_password: bool = True
    ) -> AccountView:
        """A new account with a first password the person changes at their first login."""
        if self.ctx.accounts_exist or self.ctx.user is not None:
            self.ctx.require(Permission.USERS_MANAGE)
        data = _clean(data)
        check_password(data.username, password)
        now = self.ctx.clock.now()
        with self.ctx.unit_of_work() as uow:
            if _find(uow.session, data.username) is not None:
                raise ServiceError(M.USERNAME_TAKEN, username=data.username)
            row = UserAccount(
                id=new_id(),
                username=data.username,
                full_name=data.full_name,
                nip=data.nip,
                role=str(data.role),
                supervisor=data.supervisor,
                password_hash=hash_password(password),
                must_change_password=must_change_password,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(row)
            uow.log(
                "user_account",
                row.id,
                "create",
                {k: [None, v] for k, v in _account_changes(row).items()},
            )
            _wrap_key(self.ctx, data.username, password)
        self.ctx.accounts_exist = True
        return _view(row)

    def update_account(
        self,
        username: str,
        *,
        full_name: str | None = None,
        nip: str | None = None,
        role: Role | str | None = None,
        supervisor: bool | None = None,
        active: bool | None = None,
    ) -> AccountView:
        self.ctx.require(Permission.USERS_MANAGE)
        with self.ctx.unit_of_work() as uow:
            row = _require(uow.session, username)
            data = _clean(
                AccountInput(
                    row.username,
                    row.full_name if full_name is None else full_name,
                    row.role if role is None else role,
                    row.nip if nip is None else nip,
                    row.supervisor if supervisor is None else supervisor,
                )
            )
            new_active = row.active if active is None else active
            was_admin = row.role == Role.ADMIN and row.active
            if was_admin and (data.role != Role.ADMIN or not new_active):
                _refuse_last_admin(uow.session, row.id)
            before = _account_changes(row)
            row.full_name, row.nip, row.role = data.full_name, data.nip, str(data.role)
            row.supervisor, row.active = data.supervisor, new_active
            row.updated_at = self.ctx.clock.now()
            after = _account_changes(row)
            delta = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if delta:
                uow.session.add(row)
                uow.log("user_account", row.id, "update", delta)
            if not new_active:
                _unwrap_key(self.ctx, row.username)
        return _view(row)

    def reset_password(self, username: str, new_password: str) -> None:
        """The administrator sets a temporary password; the person must change it at login."""
        self.ctx.require(Permission.USERS_MANAGE)
        self._set_password(username, new_password, must_change=True, op="password_reset")

    # -- anyone logged in -----------------------------------------------------------------------
    def change_own_password(self, old_password: str, new_password: str) -> None:
        actor = self.ctx.current_actor()
        if not actor.username:
            raise ServiceError(M.NOT_FOUND, username="-")
        self.verify(actor.username, old_password)
        self._set_password(actor.username, new_password, must_change=False, op="password")

    def verify(self, username: str, password: str) -> Actor:
        """Check a password against the account's hash, with the growing lock-out after wrong
        ones; returns who it is. Used by switch user and by unlocking after the idle lock (the
        database is open then), and by login on a database that is not encrypted."""
        username = (username or "").strip().lower()
        now = self.ctx.clock.now()
        with self.ctx.db.session() as session:
            row = _find(session, username)
        if row is None:
            _dummy_verify(password)
            raise ServiceError(M.WRONG_PASSWORD)
        until = as_utc(row.locked_until)
        if until is not None and until > now:
            seconds = int((until - now).total_seconds()) + 1
            raise ServiceError(M.LOCKED_OUT, seconds=seconds)
        ok = _password_matches(row.password_hash, password)
        if not ok:
            self._count_failure(username)
            raise ServiceError(M.WRONG_PASSWORD)
        if not row.active:
            raise ServiceError(M.INACTIVE, username=username)
        self._count_success(username, password)
        return actor_of(row)

    def login(self, username: str, password: str) -> Actor:
        """Verify and make this person the context's user (the officer on everything written)."""
        actor = self.verify(username, password)
        self.ctx.set_user(actor)
        return actor

    def must_change_password(self, username: str) -> bool:
        with self.ctx.db.session() as session:
            row = _find(session, username)
            return bool(row and row.must_change_password)

    def rotate_recovery_key(self) -> str:
        """A new recovery key for this encrypted database (shown once by the caller); the old
        one stops working at once — after a lost laptop bag or a departed administrator."""
        actor = self.ctx.require(Permission.USERS_MANAGE)
        keyring = _key_file(self.ctx)
        if keyring is None:
            raise ServiceError(M.NOT_ENCRYPTED)
        assert self.ctx.db.key is not None
        with self.ctx.unit_of_work() as uow:
            # The change log says who and when; the key itself is written nowhere.
            uow.log("setting", "recovery_key", "rotate", {"by": [None, actor.username]})
            recovery = str(keyring.rotate_recovery(self.ctx.db.key))
        return recovery

    # -- idle lock ------------------------------------------------------------------------------
    def idle_lock_minutes(self) -> int:
        with self.ctx.db.session() as session:
            row = session.get(Setting, IDLE_LOCK_KEY)
        try:
            return int(json.loads(row.value)) if row else IDLE_LOCK_DEFAULT
        except (TypeError, ValueError):
            return IDLE_LOCK_DEFAULT

    def set_idle_lock_minutes(self, minutes: int) -> None:
        self.ctx.require(Permission.PROFILE_EDIT)
        low, high = IDLE_LOCK_RANGE
        if not low <= int(minutes) <= high:
            raise ServiceError(M.IDLE_MINUTES_INVALID, low=low, high=high)
        with self.ctx.unit_of_work() as uow:
            row = uow.session.get(Setting, IDLE_LOCK_KEY)
            row = row or Setting(key=IDLE_LOCK_KEY, value="null")
            before = json.loads(row.value)
            row.value = json.dumps(int(minutes))
            uow.session.add(row)
            uow.log("setting", IDLE_LOCK_KEY, "update", {"minutes": [before, int(minutes)]})

    # -- internals ------------------------------------------------------------------------------
    def _set_password(self, username: str, password: str, *, must_change: bool, op: str) -> None:
        username = username.strip().lower()
        check_password(username, password)
        with self.ctx.unit_of_work() as uow:
            row = _require(uow.session, username)
            row.password_hash = hash_password(password)
            row.must_change_password = must_change
            row.failed_logins, row.locked_until = 0, None
            row.updated_at = self.ctx.clock.now()
            uow.session.add(row)
            uow.log("user_account", row.id, op, {"must_change_password": [None, must_change]})
            # Inside the transaction: if the key file cannot be written, the hash is not changed
            # either, so the old password keeps opening both.
            _wrap_key(self.ctx, username, password)

    def _count_failure(self, username: str) -> None:
        def count(row: UserAccount) -> None:
            row.failed_logins += 1
            wait = lockout_seconds(row.failed_logins)
            row.locked_until = self.ctx.clock.now() + timedelta(seconds=wait) if wait else None

        self._record_login(username, count)

    def _count_success(self, username: str, password: str) -> None:
        def count(row: UserAccount) -> None:
            row.failed_logins, row.locked_until = 0, None
            row.last_login_at = self.ctx.clock.now()
            if HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)

        self._record_login(username, count)

    def _record_login(self, username: str, change: Callable[[UserAccount], None]) -> None:
        """Apply `change` to the account's login counters in its own transaction; a read-only
        database (or an unknown name) keeps no record."""
        if self.ctx.db.read_only:
            return
        with self.ctx.db.transaction() as session:
            row = _find(session, username)
            if row is None:
                return
            change(row)
            session.add(row)


def _password_matches(encoded: str, password: str) -> bool:
    try:
        return bool(HASHER.verify(encoded, password))
    except (VerificationError, InvalidHashError):
        return False


def _find(session: Session, username: str) -> UserAccount | None:
    return session.exec(select(UserAccount).where(UserAccount.username == username)).first()


def _require(session: Session, username: str) -> UserAccount:
    row = _find(session, (username or "").strip().lower())
    if row is None:
        raise ServiceError(M.NOT_FOUND, username=username)
    return row


def _refuse_last_admin(session: Session, account_id: str) -> None:
    others = session.exec(
        select(UserAccount.id).where(
            UserAccount.role == str(Role.ADMIN),
            UserAccount.active == True,  # noqa: E712 - SQL comparison
            UserAccount.id != account_id,
        )
    ).first()
    if others is None:
        raise ServiceError(M.LAST_ADMIN)


def _key_file(ctx: AppContext) -> Any:
    """The database's key file when the database is encrypted, else None."""
    if ctx.db.key is None:
        return None
    from desktop_app.storage.keyring import Keyring

    return Keyring.load(ctx.db.path)


def _wrap_key(ctx: AppContext, username: str, password: str) -> None:
    keyring = _key_file(ctx)
    if keyring is not None:
        keyring.set_user(username, password, ctx.db.key)


def _unwrap_key(ctx: AppContext, username: str) -> None:
    keyring = _key_file(ctx)
    if keyring is not None and username in keyring.usernames():
        keyring.remove_user(username)
