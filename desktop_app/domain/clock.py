"""Clocks: the hybrid logical clock that orders change-log entries across devices, and the
calendar clock (today/now) that services receive so tests can fix the date.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Protocol, runtime_checkable

__all__ = [
    "WIB",
    "Clock",
    "ClockDriftError",
    "FixedClock",
    "HybridClock",
    "SystemClock",
    "Timestamp",
    "office_timezone",
]

_WALL_DIGITS = 13  # milliseconds since 1970 stay 13 digits until the year 2286
_COUNTER_DIGITS = 5
_COUNTER_MAX = 10**_COUNTER_DIGITS - 1


@dataclass(frozen=True, order=True)
class Timestamp:
    """A hybrid logical clock reading. Ordering compares wall_ms, then counter, then device,
    which is also the order of the encoded strings."""

    wall_ms: int
    counter: int
    device: str

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms < 10**_WALL_DIGITS:
            raise ValueError(f"wall_ms out of range: {self.wall_ms}")
        if not 0 <= self.counter <= _COUNTER_MAX:
            raise ValueError(f"counter out of range: {self.counter}")
        if not self.device:
            raise ValueError("device must not be empty")

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WALL_DIGITS}d}-{self.counter:0{_COUNTER_DIGITS}d}-{self.device}"

    @classmethod
    def decode(cls, s: str) -> Timestamp:
        parts = s.split("-", 2)
        if (
            len(parts) != 3
            or len(parts[0]) != _WALL_DIGITS
            or len(parts[1]) != _COUNTER_DIGITS
            or not (parts[0].isdigit() and parts[1].isdigit())
        ):
            raise ValueError(f"not an encoded HLC timestamp: {s!r}")
        return cls(int(parts[0]), int(parts[1]), parts[2])

    def __str__(self) -> str:
        return self.encode()


class ClockDriftError(ValueError):
    """A remote timestamp is implausibly far ahead of this device's wall clock."""


def _system_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """Hybrid logical clock (Kulkarni et al., 2014).

    Readings never go backwards even when the wall clock does (a laptop with a flat BIOS
    battery, a manual clock change), and a reading taken after observing a remote timestamp
    sorts after it. Persist the last reading (``last``) and pass it back on start-up.
    """

    def __init__(
        self,
        device: str,
        now_ms: Callable[[], int] | None = None,
        last: Timestamp | None = None,
        *,
        max_drift_ms: int | None = None,
    ) -> None:
        if not device:
            raise ValueError("device must not be empty")
        self.device = device
        self._now_ms = now_ms or _system_ms
        self._wall = last.wall_ms if last else 0
        self._counter = last.counter if last else 0
        self._max_drift_ms = max_drift_ms
        self._lock = threading.Lock()

    @property
    def last(self) -> Timestamp:
        return Timestamp(self._wall, self._counter, self.device)

    def _set(self, wall: int, counter: int) -> Timestamp:
        if counter > _COUNTER_MAX:
            # The counter field is fixed-width; borrow a millisecond rather than overflow it.
            wall, counter = wall + 1, 0
        self._wall, self._counter = wall, counter
        return Timestamp(wall, counter, self.device)

    def physical_ms(self) -> int:
        """The wall clock this HLC reads, e.g. to judge how far ahead a remote stamp is."""
        return self._now_ms()

    def now(self) -> Timestamp:
        with self._lock:
            physical = self._now_ms()
            if physical > self._wall:
                return self._set(physical, 0)
            return self._set(self._wall, self._counter + 1)

    def now_many(self, n: int) -> list[str]:
        """``n`` encoded readings, exactly as ``n`` calls of ``now()`` within one millisecond
        would give them (bulk writes stamp every row; one clock read serves the batch)."""
        if n <= 0:
            return []
        with self._lock:
            physical = self._now_ms()
            wall, counter = (
                (physical, 0) if physical > self._wall else (self._wall, self._counter + 1)
            )
            out: list[str] = []
            suffix = f"-{self.device}"
            while len(out) < n:
                if counter > _COUNTER_MAX:
                    wall, counter = wall + 1, 0
                take = min(n - len(out), _COUNTER_MAX - counter + 1)
                head = f"{wall:0{_WALL_DIGITS}d}-"
                out.extend(
                    f"{head}{c:0{_COUNTER_DIGITS}d}{suffix}" for c in range(counter, counter + take)
                )
                counter += take
            self._set(wall, counter - 1)
            return out

    def observe(self, remote: Timestamp) -> Timestamp:
        with self._lock:
            physical = self._now_ms()
            if self._max_drift_ms is not None and remote.wall_ms - physical > self._max_drift_ms:
                raise ClockDriftError(
                    f"remote timestamp {remote.encode()} is {remote.wall_ms - physical} ms ahead "
                    f"of this device's clock"
                )
            wall = max(physical, self._wall, remote.wall_ms)
            if wall == self._wall and wall == remote.wall_ms:
                counter = max(self._counter, remote.counter) + 1
            elif wall == self._wall:
                counter = self._counter + 1
            elif wall == remote.wall_ms:
                counter = remote.counter + 1
            else:
                counter = 0
            return self._set(wall, counter)


# Jakarta has had no DST since 1964, so a fixed offset is exact and needs no tzdata (which
# Windows Pythons lack unless the tzdata package is installed).
WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")

_OFFICE_ZONES: dict[str, tzinfo] = {"WIB": WIB, "WITA": WITA, "WIT": WIT}


def office_timezone(name: str = "WIB") -> tzinfo:
    """Indonesia's three zones by their usual names; unknown names raise KeyError."""
    return _OFFICE_ZONES[name.upper()]


@runtime_checkable
class Clock(Protocol):
    def today(self) -> date:
        """The office's local calendar date."""
        ...

    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...


class SystemClock:
    """The real clock; dates are taken in the office's time zone (WIB by default)."""

    def __init__(self, tz: tzinfo = WIB) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def local_now(self) -> datetime:
        return datetime.now(self.tz)


class FixedClock:
    """A clock for tests: stands still until advanced."""

    def __init__(self, at: datetime | date | None = None, tz: tzinfo = WIB) -> None:
        self.tz = tz
        if at is None:
            at = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 WIB on a Monday
        elif not isinstance(at, datetime):
            at = datetime(at.year, at.month, at.day, 9, 0, tzinfo=tz)
        elif at.tzinfo is None:
            at = at.replace(tzinfo=tz)
        self._now = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(self.tz).date()

    def local_now(self) -> datetime:
        return self._now.astimezone(self.tz)

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. ``advance(days=1)``."""
        self._now += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._now = (at if at.tzinfo else at.replace(tzinfo=self.tz)).astimezone(UTC)

    def now_ms(self) -> int:
        """Milliseconds since the epoch, for a HybridClock driven by this clock."""
        return int(self._now.timestamp() * 1000)
