"""Coercions of stored values that every layer needs the same way.

SQLite hands dates and timestamps back as ISO text through raw SQL and as Python objects through
the ORM; these turn either into one type so no caller has its own variant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

__all__ = ["as_date", "as_utc", "member_labels"]

E = TypeVar("E", bound=Enum)


def member_labels(members: type[E], labels: tuple[str, ...]) -> dict[E, str]:
    """Display labels keyed by enum member, given in member order; the strict zip fails on
    import if one is missing, so a new member cannot go without its label."""
    return dict(zip(members, labels, strict=True))


def as_date(value: Any) -> date | None:
    """A calendar date from a date, a datetime (its date part) or ISO text; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_utc(value: Any) -> datetime | None:
    """An aware UTC datetime; stored timestamps are UTC without an offset (SQLite has no zone)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
