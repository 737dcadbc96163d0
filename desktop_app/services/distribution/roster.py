"""The frozen roster: adding or removing a recipient with a reason, and listing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.access import Permission
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import clean_number
from desktop_app.domain.programs import Unit, get_program
from desktop_app.domain.search_text import MAX_SEARCH_TERMS, normalise_search
from desktop_app.services.access import MASKED_NAME, ROUND_READERS, requires
from desktop_app.services.bulk import chunked
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.distribution.base import from_row
from desktop_app.services.distribution.messages import (
    ADD_REASON_REQUIRED,
    ALREADY_ON_ROSTER,
    ALREADY_REMOVED,
    CODE_NOT_IN_REGISTRY,
    NOT_ON_ROSTER,
    RECIPIENT_NOT_IN_REGISTRY,
    REMOVE_AFTER_RECEIPT,
    REMOVE_REASON_REQUIRED,
    ROSTER_FROZEN,
)
from desktop_app.services.distribution.queries import (
    ROSTER_SELECT,
    STATUS_SQL,
)
from desktop_app.services.distribution.rounds import Rounds
from desktop_app.services.distribution.types import (
    MARK_KINDS,
    RosterFilter,
    RosterRow,
    RoundStatus,
    format_address,
    name_key,
)
from desktop_app.storage.distribution_models import (
    RosterChange,
    RosterEntry,
)


class Roster(Rounds):
    """Changes to a frozen roster (each with a reason) and the roster as a filtered list."""

    # -- roster changes --------------------------------------------------------------------
    @requires(Permission.ROUNDS_MANAGE)
    def add_recipient(
        self, round_ref: str, code: str, reason: str, point_ref: str | None = None
    ) -> str:
        """Put a recipient on a frozen roster (a KK, NIK or card from the registry)."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError(ADD_REASON_REQUIRED)
        if rnd.status != RoundStatus.OPEN.value:
            raise ServiceError(ROSTER_FROZEN)
        found = self._registry_recipient(rnd.program_code, code)
        if found is None:
            raise ServiceError(CODE_NOT_IN_REGISTRY, code=code)
        household_id, person_id = found
        program = get_program(rnd.program_code)
        point_id = self.get_point(rnd.id, point_ref).id if point_ref else None
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id)
            conn = w.session.connection()
            if program.unit == Unit.HOUSEHOLD:
                where, value = "household_id = :v", household_id
            else:
                where, value = "person_id = :v", person_id
            existing = (
                conn.execute(
                    text(
                        f"SELECT id, active, name FROM distribution_roster "
                        f"WHERE round_id = :r AND {where}"
                    ),
                    {"r": rnd.id, "v": value},
                )
                .mappings()
                .first()
            )
            if existing is not None and existing["active"]:
                raise ServiceError(ALREADY_ON_ROSTER, name=existing["name"])
            if existing is not None:
                entry = w.session.get(RosterEntry, existing["id"])
                assert entry is not None
                changes: dict[str, Any] = {"active": True}
                if point_id:
                    changes["point_id"] = point_id
                w.update(entry, "distribution_roster", changes, op="roster_add")
                roster_id = entry.id
            else:
                data = self._snapshot_for(conn, program, household_id, person_id)
                if point_id is None:
                    by_kel = {k: p.id for p in self.points(rnd.id) for k in p.kelurahan_codes}
                    point_id = by_kel.get(data["kelurahan_code"] or "")
                no = (
                    conn.execute(
                        text(
                            "SELECT coalesce(max(no), 0) FROM distribution_roster "
                            "WHERE round_id = :r"
                        ),
                        {"r": rnd.id},
                    ).scalar_one()
                    + 1
                )
                row = self._roster_row(rnd.id, no, data, point_id, w.now())
                entry = RosterEntry(**row, hlc="")
                w.add(entry, "distribution_roster", op="roster_add")
                w.session.flush()
                roster_id = entry.id
            self._roster_change(w, rnd.id, roster_id, "add", reason)
            return roster_id

    @staticmethod
    def _snapshot_for(
        conn: Connection, program: Any, household_id: str | None, person_id: str | None
    ) -> dict[str, Any]:
        if program.unit == Unit.HOUSEHOLD:
            sql = """SELECT NULL AS enrolment_id, h.id AS household_id, head.id AS pid,
                       head.name AS name, head.nik AS nik, h.kk_number, h.card_code, h.street,
                       h.rt, h.rw, h.kelurahan_code
                     FROM household h LEFT JOIN person head ON head.id = h.head_person_id
                     WHERE h.id = :id"""
            key = household_id
        else:
            sql = """SELECT NULL AS enrolment_id, p.household_id AS household_id, p.id AS pid,
                       p.name, p.nik, h.kk_number, h.card_code, p.street, p.rt, p.rw,
                       p.kelurahan_code
                     FROM person p LEFT JOIN household h ON h.id = p.household_id
                     WHERE p.id = :id"""
            key = person_id
        row = conn.execute(text(sql), {"id": key}).mappings().first()
        if row is None:
            raise ServiceError(RECIPIENT_NOT_IN_REGISTRY)
        return dict(row)

    @requires(Permission.ROUNDS_MANAGE)
    def remove_recipient(self, round_ref: str, roster_id: str, reason: str) -> None:
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError(REMOVE_REASON_REQUIRED)
        with self.ctx.unit_of_work(source="distribution") as w:
            self._lock_round(w, rnd.id)
            entry = w.session.get(RosterEntry, roster_id)
            if entry is None or entry.round_id != rnd.id:
                raise ServiceError(NOT_ON_ROSTER)
            if not entry.active:
                raise ServiceError(ALREADY_REMOVED, name=entry.name)
            receipt = self._active_receipt(w.session.connection(), roster_id)
            if receipt is not None:
                raise ServiceError(REMOVE_AFTER_RECEIPT, name=entry.name, number=receipt["number"])
            w.update(entry, "distribution_roster", {"active": False}, op="roster_remove")
            self._roster_change(w, rnd.id, roster_id, "remove", reason)

    def _roster_change(
        self, w: UnitOfWork, round_id: str, roster_id: str, op: str, reason: str
    ) -> None:
        w.add(
            RosterChange(
                id=new_id(),
                round_id=round_id,
                roster_id=roster_id,
                op=op,
                reason=reason,
                **self._fact_stamp(w),
            ),
            "distribution_roster_change",
        )

    @requires(*ROUND_READERS)
    def roster_changes(self, round_id: str) -> list[tuple[str, str, str, str, datetime | None]]:
        """(name, add/remove, reason, actor, when) for the round's roster edits."""
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT e.name, c.op, c.reason, c.actor, c.at, e.person_id "
                    "FROM distribution_roster_change c "
                    "JOIN distribution_roster e ON e.id = c.roster_id WHERE c.round_id = :r "
                    "ORDER BY c.hlc"
                ),
                {"r": round_id},
            ).all()
        return [
            (MASKED_NAME if self._masked(r[5]) else r[0], r[1], r[2], r[3], self._local(r[4]))
            for r in rows
        ]

    # -- lists and progress ------------------------------------------------------------------
    def _roster_where(self, round_id: str, flt: RosterFilter) -> tuple[str, dict[str, Any]]:
        conds = ["e.round_id = :r"]
        params: dict[str, Any] = {"r": round_id}
        if not flt.include_removed and flt.status != "dikeluarkan":
            conds.append("e.active = 1")
        if flt.point_id:
            conds.append("e.point_id = :pt")
            params["pt"] = flt.point_id
        if flt.kelurahan_code:
            conds.append("e.kelurahan_code = :kel")
            params["kel"] = flt.kelurahan_code
        if flt.status is not None:
            conds.append(f"({STATUS_SQL}) = :st")
            params["st"] = "" if flt.status == "belum" else flt.status
        query = normalise_search(flt.query)
        if query:
            key = name_key(query)
            digits = clean_number(query)
            # A restricted child is found by card code only by a role that may not see them.
            conds.append(
                "(((e.name_key LIKE :q OR e.nik LIKE :d OR e.kk_number LIKE :d)"
                + self._unseen_sql("e.person_id")
                + ") OR e.card_code = :c)"
            )
            # name_key leaves no LIKE wildcard; the words are capped like any search's.
            params["q"] = "%" + "%".join(key.split()[:MAX_SEARCH_TERMS]) + "%"
            params["d"] = (digits + "%") if digits.isdigit() else "-"
            params["c"] = query.upper()
        return " AND ".join(conds), params

    @requires(*ROUND_READERS)
    def roster_ids(self, round_id: str, flt: RosterFilter = RosterFilter()) -> list[int]:
        """Row keys of matching roster entries in list order; rows are fetched per page."""
        where, params = self._roster_where(round_id, flt)
        with self._conn() as conn:
            return [
                r[0]
                for r in conn.execute(
                    text(f"SELECT e.rowid FROM distribution_roster e WHERE {where} ORDER BY e.no"),
                    params,
                )
            ]

    @requires(*ROUND_READERS)
    def roster_rows(self, rowids: Sequence[int]) -> list[RosterRow]:
        if not rowids:
            return []
        by_key: dict[int, RosterRow] = {}
        with self._conn() as conn:
            for batch in chunked(rowids, 900):
                sql = (
                    ROSTER_SELECT
                    + " WHERE e.rowid IN ("
                    + ",".join(str(int(r)) for r in batch)
                    + ")"
                )
                for m in conn.execute(text(sql)).mappings():
                    by_key[m["rowid"]] = self._roster_row_view(m)
        return [by_key[r] for r in rowids if r in by_key]

    @requires(*ROUND_READERS)
    def roster_rows_by_id(self, ids: Sequence[str]) -> list[RosterRow]:
        if not ids:
            return []
        with self._conn() as conn:
            params = {f"i{n}": v for n, v in enumerate(ids)}
            sql = ROSTER_SELECT + " WHERE e.id IN (" + ",".join(f":{k}" for k in params) + ")"
            by_id = {
                m["id"]: self._roster_row_view(m)
                for m in conn.execute(text(sql), params).mappings()
            }
        return [by_id[i] for i in ids if i in by_id]

    def _roster_row_view(self, m: Any) -> RosterRow:
        row = from_row(
            RosterRow,
            m,
            point_name=m["point_name"] or "",
            address=format_address(m["street"], m["rt"], m["rw"]),
            kelurahan=self._kelurahan_name(m["kelurahan_code"]),
            active=bool(m["active"]),
            status=m["status"] or "",
            received_at=self._local(m["received_at"]),
            mark_reason=m["mark_reason"] if m["status"] in MARK_KINDS else None,
            # Filled in by the lookup when a person's NIK was scanned.
            matched_person_id=None,
            matched_name=None,
            matched_nik=None,
            matched_relation=None,
        )
        if self._masked(row.person_id):
            row = replace(
                row, name=MASKED_NAME, nik=None, kk_number=None, address="", rt=None, rw=None
            )
        return row

    @requires(*ROUND_READERS)
    def pending(self, round_id: str, point_id: str | None = None) -> list[RosterRow]:
        """Who has not collected yet (and was not marked absent or refused)."""
        return self.roster_rows(self.roster_ids(round_id, RosterFilter(point_id, status="belum")))
