"""Who may do what in field sync (issue 12: roles enforced in services, not only in the GUI).

Making and reading bundles needs `Permission.SYNC`; registering and revoking devices
`DEVICES_MANAGE`; accepting or rejecting quarantined changes and deciding double claims
`SUPERVISE`. The queues and the sync history may be read by anyone who acts on them (a head of
office decides double claims without making bundles). A checkout records the role the laptop is
checked out for: Petugas lapangan by default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from desktop_app.domain.access import Permission, Role
from desktop_app.services.context import AppContext

__all__ = [
    "CHECKOUT_ROLES",
    "DECIDE",
    "MANAGE_DEVICES",
    "READ_QUEUES",
    "SYNC",
    "require_any",
    "requires",
]

SYNC = (Permission.SYNC,)
MANAGE_DEVICES = (Permission.DEVICES_MANAGE,)
DECIDE = (Permission.SUPERVISE,)
READ_QUEUES = (Permission.SYNC, Permission.SUPERVISE, Permission.DEVICES_MANAGE)

# The roles a laptop can be checked out for: field work, or (later) casework.
CHECKOUT_ROLES: frozenset[Role] = frozenset({Role.FIELD, Role.SOCIAL_WORKER})


class _HasContext(Protocol):
    ctx: AppContext


_S = TypeVar("_S", bound=_HasContext)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def require_any(ctx: AppContext, permissions: tuple[Permission, ...]) -> None:
    """Refuse (auth.permission_denied / auth.login_required) unless the current user holds one
    of `permissions`; the refusal names the first."""
    if not any(ctx.can(p) for p in permissions):
        ctx.require(permissions[0])


def requires(
    permissions: tuple[Permission, ...],
) -> Callable[[Callable[Concatenate[_S, _P], _R]], Callable[Concatenate[_S, _P], _R]]:
    """Decorate a service method: check the permission before anything else runs."""

    def decorate(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
        @functools.wraps(method)
        def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            require_any(self.ctx, permissions)
            return method(self, *args, **kwargs)

        wrapper.__permissions__ = permissions  # type: ignore[attr-defined]  # for the tests
        return wrapper

    return decorate


def permissions_of(method: Any) -> tuple[Permission, ...] | None:
    """The permissions a decorated method requires (None when it checks none)."""
    return getattr(method, "__permissions__", None)
