"""Accounts, roles and login (UU PDP: access limited to the people whose work needs it).

- `AccountService(ctx)`: list/add/update accounts, reset and change passwords, verify a password
  (switch user, unlock after the idle lock), the idle-lock time.
- `create_administrator(path, ...)`: the first start — the first account, then the database is
  encrypted and a recovery key is returned once.
- `login(path, username, password)`: an open `AppContext` with the user set; `recover(...)`
  with the recovery key.
The permission table itself is domain/access.py; services enforce it with `ctx.require`.
"""

from desktop_app.services.accounts.service import (
    IDLE_LOCK_DEFAULT,
    MIN_PASSWORD,
    AccountInput,
    AccountService,
    AccountView,
    actor_of,
    hash_password,
)
from desktop_app.services.accounts.session import (
    FirstStart,
    create_administrator,
    has_accounts,
    is_encrypted_database,
    login,
    login_usernames,
    recover,
)

__all__ = [
    "IDLE_LOCK_DEFAULT",
    "MIN_PASSWORD",
    "AccountInput",
    "AccountService",
    "AccountView",
    "FirstStart",
    "actor_of",
    "create_administrator",
    "has_accounts",
    "hash_password",
    "is_encrypted_database",
    "login",
    "login_usernames",
    "recover",
]
