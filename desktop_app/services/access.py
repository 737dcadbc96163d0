"""Enforcing the permission table in the services, restricted records, and the access log.

`requires(...)` guards a public service method: the first guarded method a call enters checks
the current actor's permission (a set lookup, no query: the scan -> receipt path is
benchmarked); methods it calls in turn run under that check, so one use case is judged by the
action the user asked for, not by the helpers it happens to reuse.

Restricted records: persons actively enrolled in a `RESTRICTED_PERSON_PROGRAMS` program
(neglected children, children in conflict with the law). An actor without RESTRICTED_VIEW sees
that they exist and how many, never their name, NIK or address; enrolments in any
`RESTRICTED_PROGRAMS` program are hidden from such an actor's view of a person. Every opening of
a restricted record and every printing of a document naming one is written to the access log,
whoever does it (`AccessLogService` lists it for the administrator).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, Protocol, TypeVar

from sqlalchemy import text
from sqlmodel import col, select

from desktop_app.domain.access import (
    RESTRICTED_PERSON_PROGRAMS,
    Permission,
)
from desktop_app.domain.errors import Msg
from desktop_app.services.context import AppContext, ChangeSet, ServiceError
from desktop_app.storage.models import AccessLog

__all__ = [
    "MASKED_NAME",
    "RESTRICTED_PERSONS_SQL",
    "RESTRICTED_RECORD",
    "ROUND_READERS",
    "TRAINING_READERS",
    "AccessEntry",
    "AccessLogService",
    "guard_person",
    "log_printed",
    "mask_name",
    "requires",
    "restricted_person_ids",
    "restricted_person_rowids",
    "restricted_rowid_list",
    "sees_restricted",
]

RESTRICTED_RECORD = Msg(
    "auth.restricted_record",
    "Data ini terbatas (program perlindungan anak); akun Anda tidak berhak membukanya.",
    "This is a restricted record (child protection program); your account may not open it.",
)

# What a list or document shows instead of a restricted person's name.
MASKED_NAME = "[data terbatas]"

P = ParamSpec("P")
R = TypeVar("R")


class _HasContext(Protocol):
    ctx: AppContext


# Who may read rounds, points, rosters and receipts: the office managing them, the counter
# working them, the head reading reports on them.
ROUND_READERS: tuple[Permission, ...] = (
    Permission.ROUNDS_MANAGE,
    Permission.COUNTER,
    Permission.REPORTS_VIEW,
)
# Who may read trainings, sessions, participants and attendance.
TRAINING_READERS: tuple[Permission, ...] = (
    Permission.TRAINING_MANAGE,
    Permission.ATTENDANCE,
    Permission.REPORTS_VIEW,
)

# True inside a guarded call that already passed its check (per thread / task).
_authorised: ContextVar[bool] = ContextVar("berdaya_authorised", default=False)


def requires(*permissions: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Guard a service method (of an object with `self.ctx`): the actor needs ANY of
    `permissions` (one for most actions; several for reads shared by roles, e.g. a round's
    roster read at the counter and in the office). Refused with `auth.permission_denied` (for
    the first permission listed) or `auth.login_required`."""
    if not permissions:
        raise ValueError("requires() needs at least one permission")
    first = permissions[0]

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            if _authorised.get():
                return fn(*args, **kwargs)
            service: _HasContext = args[0]  # type: ignore[assignment]  # a bound method's self
            ctx = service.ctx
            if not any(ctx.can(p) for p in permissions):
                ctx.require(first)  # raises the coded refusal (or login_required)
            token = _authorised.set(True)
            try:
                return fn(*args, **kwargs)
            finally:
                _authorised.reset(token)

        guarded.__required__ = permissions  # type: ignore[attr-defined]  # read by tests
        return guarded

    return decorate


# -- restricted records ---------------------------------------------------------------------

_CODES = ",".join(f"'{c}'" for c in sorted(RESTRICTED_PERSON_PROGRAMS))
# Ids of restricted persons, as an uncorrelated subquery SQLite evaluates once per statement
# (the program_code index; a few hundred rows in a city). The long person lists use the cached
# rowid list instead (`restricted_rowid_list`): cheaper per row than comparing text ids.
RESTRICTED_PERSONS_SQL = (
    "(SELECT e.person_id FROM enrolment e WHERE e.program_code IN ("
    + _CODES
    + ") AND e.end_date IS NULL AND e.deleted = 0 AND e.person_id IS NOT NULL)"
)


def sees_restricted(ctx: AppContext) -> bool:
    """Whether the current actor may see restricted records (no query)."""
    return ctx.can(Permission.RESTRICTED_VIEW)


@dataclass(frozen=True)
class _Restricted:
    ids: frozenset[str]
    rowids: frozenset[int]
    # "(r1,r2,...)" for `person.rowid [NOT] IN ...`: integers, so inlining them is safe; an
    # integer list costs SQLite far less per row than the subquery over text UUIDs.
    rowid_list: str


_cache: weakref.WeakKeyDictionary[AppContext, _Restricted | None] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def _watch(ctx: AppContext) -> None:
    def forget(changes: ChangeSet) -> None:
        if changes.touches("enrolment", "person"):
            with _cache_lock:
                _cache[ctx] = None

    ctx.subscribe(forget)


_RESTRICTED_ROWS = text(
    "SELECT person.id, person.rowid FROM person WHERE person.id IN " + RESTRICTED_PERSONS_SQL
)


def _restricted(ctx: AppContext) -> _Restricted:
    with _cache_lock:
        known = ctx in _cache
        found = _cache.get(ctx)
    if found is not None:
        return found
    if not known:
        _watch(ctx)
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(_RESTRICTED_ROWS).all()
    rowids = frozenset(int(r[1]) for r in rows)
    found = _Restricted(
        ids=frozenset(r[0] for r in rows),
        rowids=rowids,
        rowid_list="(" + ",".join(str(r) for r in sorted(rowids)) + ")",
    )
    with _cache_lock:
        _cache[ctx] = found
    return found


def restricted_person_ids(ctx: AppContext) -> frozenset[str]:
    """Ids of the persons who are restricted records now; cached per context and dropped on
    every committed change to enrolments or persons (a few hundred in a city)."""
    return _restricted(ctx).ids


def restricted_person_rowids(ctx: AppContext) -> frozenset[int]:
    """The restricted persons' rowids (cached like `restricted_person_ids`)."""
    return _restricted(ctx).rowids


def restricted_rowid_list(ctx: AppContext) -> str | None:
    """The restricted persons' rowids as an SQL list "(1,2,...)", None when there are none:
    what person lists exclude for an actor without RESTRICTED_VIEW."""
    found = _restricted(ctx)
    return found.rowid_list if found.rowids else None


def mask_name(ctx: AppContext, person_id: str | None, name: str) -> str:
    """`name`, or MASKED_NAME when the person is restricted and the actor may not see it."""
    if person_id is None or sees_restricted(ctx):
        return name
    return MASKED_NAME if person_id in restricted_person_ids(ctx) else name


def guard_person(ctx: AppContext, person_id: str, *, detail: str = "", log: bool = True) -> None:
    """Before a person's record is opened: refuse (`auth.restricted_record`, logged as
    "denied") an actor without RESTRICTED_VIEW when the person is restricted; log the opening
    of a restricted record by anyone allowed.

    Call it outside any unit of work: the access log is written in its own transaction, which
    would wait for the caller's (SQLite has one writer). `log=False` only checks, for a caller
    that already holds one (e.g. an import batch enrolling)."""
    if person_id not in restricted_person_ids(ctx):
        return
    if not sees_restricted(ctx):
        if log:
            ctx.log_access("denied", "person", person_id, detail)
        raise ServiceError(RESTRICTED_RECORD)
    if log:
        ctx.log_access("open", "person", person_id, detail)


def log_printed(ctx: AppContext, person_ids: Iterable[str | None], document: str) -> int:
    """Log one "print" entry per restricted person a document names (by anyone); returns how
    many. `document` says which (e.g. "tanda terima R-..."), never a NIK."""
    restricted = restricted_person_ids(ctx)
    hits = sorted({p for p in person_ids if p and p in restricted})
    for person_id in hits:
        ctx.log_access("print", "person", person_id, document)
    return len(hits)


# -- the access log -------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    username: str
    actor: str
    device_id: str
    action: str
    entity: str
    entity_id: str | None
    detail: str


class AccessLogService:
    """The access log, for the administrator (USERS_MANAGE)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @requires(Permission.USERS_MANAGE)
    def entries(self, since: datetime | None = None, limit: int = 500) -> list[AccessEntry]:
        """The newest `limit` entries (since `since` when given), newest first."""
        stmt = select(AccessLog)
        if since is not None:
            stmt = stmt.where(col(AccessLog.at) >= since)
        stmt = stmt.order_by(col(AccessLog.seq).desc()).limit(int(limit))
        with self.ctx.db.session() as session:
            rows = session.exec(stmt).all()
        return [
            AccessEntry(
                at=r.at,
                username=r.username,
                actor=r.actor,
                device_id=r.device_id,
                action=r.action,
                entity=r.entity,
                entity_id=r.entity_id,
                detail=r.detail or "",
            )
            for r in rows
        ]
