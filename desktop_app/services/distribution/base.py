"""The state and small helpers every part of the distribution service shares."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from nacl.signing import SigningKey
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.clock import WIB
from desktop_app.domain.office import format_date_id
from desktop_app.domain.values import as_utc
from desktop_app.services.access import (
    MASKED_NAME,
    RESTRICTED_PERSONS_SQL,
    restricted_person_ids,
    sees_restricted,
)
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork
from desktop_app.services.distribution.messages import (
    ROUND_CLOSED_NO_WRITE,
    ROUND_CLOSED_READ_ONLY,
    ROUND_GONE,
    ROUND_NOT_OPEN,
)
from desktop_app.services.distribution.queries import effective_collector
from desktop_app.services.distribution.types import (
    RoundStatus,
    RoundView,
)

_T = TypeVar("_T")


def from_row(cls: type[_T], m: Any, **computed: Any) -> _T:
    """Dataclass `cls` from a result row whose columns are named after its fields.

    `computed` gives the fields that are not a plain column (formatted, converted to the
    office's time zone, renamed), so each builder lists only what it does differently."""
    names = (f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls(**{n: m[n] for n in names if n not in computed}, **computed)


class ServiceBase:
    """The context, the office's time zone and the round checks every write repeats."""

    def _unseen_sql(self, column: str = "person_id") -> str:
        """" AND <column> is no restricted person", for an actor without RESTRICTED_VIEW
        ("" otherwise): what searching a roster by name or NIK must not match."""
        if sees_restricted(self.ctx):
            return ""
        return f" AND ({column} IS NULL OR {column} NOT IN {RESTRICTED_PERSONS_SQL})"

    def _shown_name(self, entry: Any) -> str:
        """A roster entry's name as a refusal may say it (masked for a restricted child)."""
        return MASKED_NAME if self._masked(entry["person_id"]) else str(entry["name"])

    def _masked(self, person_id: str | None) -> bool:
        """Whether this person's name must not be shown to the current actor (a restricted
        record, an actor without RESTRICTED_VIEW): a set lookup, the ids are cached."""
        if person_id is None or sees_restricted(self.ctx):
            return False
        return person_id in restricted_person_ids(self.ctx)

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._receipt_key: bytes | None = None
        self._signing_key: SigningKey | None = None

    # -- helpers ---------------------------------------------------------------------------
    @property
    def _tz(self) -> tzinfo:
        return getattr(self.ctx.clock, "tz", WIB)

    def _local(self, value: Any) -> datetime | None:
        utc = as_utc(value)
        return utc.astimezone(self._tz) if utc else None

    def _when(self, value: Any) -> str:
        local = self._local(value)
        if local is None:
            return "-"
        return f"{format_date_id(local.date())} pukul {local:%H.%M}"

    def _kelurahan_name(self, code: str | None) -> str:
        if not code:
            return ""
        region = self.ctx.regions.get(code)
        return region.name if region else code

    def _fact_stamp(self, w: UnitOfWork) -> dict[str, Any]:
        """Who appended a fact (receipt void, mark, roster change), from which device and when;
        `w.add` overwrites the empty hlc with the change's stamp."""
        return {"at": w.now(), "actor": self.ctx.actor, "device_id": self.ctx.device.id, "hlc": ""}

    def _conn(self) -> Connection:
        return self.ctx.db.engine.connect()

    def _first_value(self, sql: str, params: dict[str, Any]) -> Any:
        """The first column of the query's first row, or None when it finds no row."""
        with self._conn() as conn:
            row = conn.execute(text(sql), params).first()
        return row[0] if row else None

    @staticmethod
    def _require_writable(rnd: RoundView) -> None:
        if rnd.status == RoundStatus.CLOSED.value:
            raise ServiceError(ROUND_CLOSED_READ_ONLY, name=rnd.name)

    def _lock_round(
        self, w: UnitOfWork, round_id: str, *, require_open: bool = True
    ) -> dict[str, Any]:
        """Re-read the round inside the write transaction: another program may have closed it."""
        m = (
            w.session.execute(
                text(
                    "SELECT id, code, name, program_code, status FROM distribution_round "
                    "WHERE id = :r AND deleted = 0"
                ),
                {"r": round_id},
            )
            .mappings()
            .first()
        )
        if m is None:
            raise ServiceError(ROUND_GONE)
        if m["status"] == RoundStatus.CLOSED.value:
            raise ServiceError(ROUND_CLOSED_NO_WRITE, name=m["name"])
        if require_open and m["status"] != RoundStatus.OPEN.value:
            raise ServiceError(ROUND_NOT_OPEN, name=m["name"])
        return dict(m)

    @staticmethod
    def _active_receipt(conn: Connection, roster_id: str) -> dict[str, Any] | None:
        m = (
            conn.execute(
                text(
                    "SELECT r.number, r.received_at, r.officer, r.device_name, "
                    f"{effective_collector('collector_name')} AS collector_name, "
                    "p.name AS point_name FROM distribution_receipt r "
                    "LEFT JOIN distribution_point p ON p.id = r.point_id "
                    "WHERE r.roster_id = :id AND NOT EXISTS (SELECT 1 FROM "
                    "distribution_receipt_void v WHERE v.receipt_id = r.id) LIMIT 1"
                ),
                {"id": roster_id},
            )
            .mappings()
            .first()
        )
        return dict(m) if m else None

    @staticmethod
    def _point_name(conn: Connection, point_id: str) -> str:
        row = conn.execute(
            text("SELECT name FROM distribution_point WHERE id = :id"), {"id": point_id}
        ).first()
        return row[0] if row else ""
