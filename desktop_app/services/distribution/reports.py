"""Progress and totals of a round, per point and kelurahan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from desktop_app.documents.distribution import (
    Totals,
)
from desktop_app.services.access import ROUND_READERS, requires
from desktop_app.services.distribution.counter import Counter
from desktop_app.services.distribution.queries import (
    STATUS_SQL,
    effective_collector,
)
from desktop_app.services.distribution.types import (
    RosterFilter,
    format_count,
)


class Reports(Counter):
    """How far a round has come: counts per status, per point and per kelurahan."""

    @requires(*ROUND_READERS)
    def totals(
        self, round_id: str, point_id: str | None = None, kelurahan_code: str | None = None
    ) -> Totals:
        return self._grouped_totals(round_id, point_id=point_id, kelurahan_code=kelurahan_code).get(
            None, Totals(0, 0, 0, 0, 0)
        )

    def _grouped_totals(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        kelurahan_code: str | None = None,
        group_by: str | None = None,
    ) -> dict[Any, Totals]:
        where, params = self._roster_where(
            round_id, RosterFilter(point_id=point_id, kelurahan_code=kelurahan_code)
        )
        group = {
            "point": "e.point_id",
            "kelurahan": "e.kelurahan_code",
            "both": "e.kelurahan_code || '|' || coalesce(e.point_id, '')",
        }.get(group_by or "")
        key_sql = group or "NULL"
        # Three aggregate reads instead of a status per entry: the entitled, the entries with a
        # valid receipt (grouped by entry, so a double claim counts once), and only the few
        # entries with a mark get the full status expression.
        entitled_sql = f"""
            SELECT {key_sql} AS g, count(*) AS n FROM distribution_roster e WHERE {where}
            GROUP BY g
        """
        received_sql = f"""
            SELECT g, count(*) AS received, sum(personal = 0) AS by_proxy FROM (
                SELECT {key_sql} AS g, max({effective_collector("collector_relation")} IS NULL)
                    AS personal
                FROM distribution_receipt r JOIN distribution_roster e ON e.id = r.roster_id
                WHERE r.round_id = :r AND {where}
                  AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v
                                  WHERE v.receipt_id = r.id)
                GROUP BY r.roster_id)
            GROUP BY g
        """
        marks_sql = f"""
            SELECT g, st, count(*) AS n FROM (
                SELECT {key_sql} AS g, ({STATUS_SQL}) AS st FROM distribution_roster e
                WHERE {where} AND e.id IN (SELECT m.roster_id FROM distribution_mark m
                                           WHERE m.round_id = :r))
            WHERE st IN ('tidak_hadir', 'ditolak')
            GROUP BY g, st
        """
        counts: dict[Any, dict[str, int]] = {}
        with self._conn() as conn:
            for m in conn.execute(text(entitled_sql), params).mappings():
                counts.setdefault(m["g"], {})["entitled"] = int(m["n"])
            for m in conn.execute(text(received_sql), params).mappings():
                c = counts.setdefault(m["g"], {})
                c["received"] = int(m["received"])
                c["by_proxy"] = int(m["by_proxy"] or 0)
            for m in conn.execute(text(marks_sql), params).mappings():
                counts.setdefault(m["g"], {})[m["st"]] = int(m["n"])
        return {
            g: Totals(
                entitled=c.get("entitled", 0),
                received=c.get("received", 0),
                by_proxy=c.get("by_proxy", 0),
                absent=c.get("tidak_hadir", 0),
                refused=c.get("ditolak", 0),
            )
            for g, c in counts.items()
        }

    @requires(*ROUND_READERS)
    def progress_text(self, round_id: str, point_id: str | None = None) -> str:
        t = self.totals(round_id, point_id)
        return f"{format_count(t.received)} / {format_count(t.entitled)} diterima"
