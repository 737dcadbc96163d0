"""Distribution under sync: the round slice a laptop takes out, and double claims coming back.

Receipts are facts merged as a set, so two laptops that both served one recipient before they
synced both keep their receipt. Such a roster entry with two or more non-void receipts is a
*double claim*. It is derived from the receipts themselves (never stored as a flag that could
disagree between devices) and stays open until a supervisor voids one receipt or confirms the
double hand-over for recovery; that decision is a change-logged fact (`double_claim_decision`)
that travels like a receipt. A confirmation covers exactly the receipts it lists: a further
receipt reopens the item.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from desktop_app.domain.ids import new_id
from desktop_app.domain.values import as_utc
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.access import DECIDE, READ_QUEUES, requires
from desktop_app.services.sync.merge import Entry, chunks, rows_in
from desktop_app.services.sync.views import nested_dict
from desktop_app.storage.distribution_models import ReceiptVoid
from desktop_app.storage.sync_models import DoubleClaimDecision

RELATION_LABELS = {"same_kk": "satu KK", "surat_kuasa": "surat kuasa", "ahli_waris": "ahli waris"}


@dataclass(frozen=True)
class ClaimReceipt:
    id: str
    number: str
    device_name: str
    officer: str
    received_at: datetime
    collector: str  # "penerima sendiri" or "name (relation)"
    point_name: str
    voided: bool


@dataclass(frozen=True)
class DoubleClaim:
    round_id: str
    round_name: str
    roster_id: str
    recipient_name: str
    nik: str | None
    kk_number: str | None
    receipts: list[ClaimReceipt]
    status: str  # open | confirmed
    decided_by: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return nested_dict(self, "receipts")


@dataclass(frozen=True)
class RoundProgress:
    round_id: str
    code: str
    name: str
    status: str
    entitled: int
    received: int
    by_device: dict[str, int]
    open_double_claims: int


def round_slice(s: Session, round_id: str, point_ids: Sequence[str]) -> dict[str, str]:
    """Everything a laptop needs to serve some points of an open round: the round, its points,
    the roster of the chosen points (all when none are chosen) with what was already recorded
    for them, and the recipients' persons and households."""
    rnd = s.execute(
        text("SELECT status, name FROM distribution_round WHERE id = :r AND deleted = 0"),
        {"r": round_id},
    ).first()
    if rnd is None:
        raise ServiceError(M.ROUND_NOT_FOUND)
    if rnd[0] != "open":
        raise ServiceError(M.ROUND_NOT_OPEN, name=rnd[1])
    out: dict[str, str] = {round_id: "distribution_round"}
    for (pid,) in s.execute(
        text("SELECT id FROM distribution_point WHERE round_id = :r"), {"r": round_id}
    ):
        # Points the device does not serve are held for their names only: their recipients
        # (the roster's scope is the point) must not follow.
        served = not point_ids or pid in point_ids
        out[pid] = "distribution_point" if served else "distribution_point:ref"
    where = "round_id = :r"
    params: dict[str, Any] = {"r": round_id}
    if point_ids:
        where += " AND point_id IN :points"
        params["points"] = list(point_ids)

    def run(sql: str, extra: dict[str, Any] | None = None) -> Iterable[Any]:
        stmt = text(sql)
        if point_ids:
            stmt = stmt.bindparams(bindparam("points", expanding=True))
        return s.execute(stmt, {**params, **(extra or {})})

    roster: list[str] = []
    for rid, hid, pid in run(
        f"SELECT id, household_id, person_id FROM distribution_roster WHERE {where}"
    ):
        roster.append(rid)
        out[rid] = "distribution_roster"
        if hid:
            out[hid] = "household"
        if pid:
            out[pid] = "person"
    for (aid,) in run(f"SELECT id FROM distribution_assignment WHERE {where}"):
        out[aid] = "distribution_assignment"
    for part in chunks(roster):
        ids = {"ids": list(part)}
        for table, entity in (
            ("distribution_receipt", "distribution_receipt"),
            ("distribution_mark", "distribution_mark"),
            ("distribution_roster_change", "distribution_roster_change"),
            ("double_claim_decision", "double_claim_decision"),
        ):
            stmt = text(f"SELECT id FROM {table} WHERE roster_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            )
            for (i,) in s.execute(stmt, ids):
                out[i] = entity
        stmt = text(
            "SELECT v.id FROM distribution_receipt_void v JOIN distribution_receipt r "
            "ON r.id = v.receipt_id WHERE r.roster_id IN :ids"
        ).bindparams(bindparam("ids", expanding=True))
        for (i,) in s.execute(stmt, ids):
            out[i] = "distribution_receipt_void"
    return out


def claim_candidates(s: Session, entries: Sequence[Entry]) -> set[str]:
    """Roster entries whose double-claim state these incoming entries may change."""
    rosters: set[str] = set()
    receipts: set[str] = set()
    for e in entries:
        if e.entity in ("distribution_receipt", "double_claim_decision"):
            value = e.fields.get("roster_id")
            if value:
                rosters.add(value[1])
        elif e.entity == "distribution_receipt_void":
            value = e.fields.get("receipt_id")
            if value:
                receipts.add(value[1])
    sql = "SELECT roster_id FROM distribution_receipt WHERE id IN ({ids})"
    rosters.update(r[0] for r in rows_in(s, sql, sorted(receipts)))
    return rosters


def _by_roster(s: Session, sql: str, roster_ids: Sequence[str]) -> dict[str, list[Any]]:
    """The rows of `sql` (roster id first, `:ids` the roster ids) grouped by roster entry,
    queried in chunks so that any number of ids fits SQLite's parameter limit."""
    out: dict[str, list[Any]] = defaultdict(list)
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    for part in chunks(list(roster_ids)):
        for row in s.execute(stmt, {"ids": list(part)}):
            out[row[0]].append(row)
    return out


def _live_receipts(s: Session, roster_ids: Sequence[str]) -> dict[str, list[str]]:
    sql = (
        "SELECT r.roster_id, r.id FROM distribution_receipt r WHERE r.roster_id IN :ids "
        "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)"
    )
    return {r: [row[1] for row in rows] for r, rows in _by_roster(s, sql, roster_ids).items()}


def _confirmations(s: Session, roster_ids: Sequence[str]) -> dict[str, list[Any]]:
    sql = (
        "SELECT roster_id, receipt_ids, decided_by, note, hlc FROM double_claim_decision "
        "WHERE decision = 'confirm' AND roster_id IN :ids ORDER BY hlc"
    )
    return _by_roster(s, sql, roster_ids)


_LIVE = "NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = {r}.id)"


def _multi_receipts(s: Session, roster_ids: Sequence[str]) -> dict[str, list[str]]:
    """Live receipts of the roster entries that have two or more (one indexed pass)."""
    out: dict[str, list[str]] = defaultdict(list)
    sql = (
        "SELECT r.roster_id, r.id FROM distribution_receipt r WHERE r.roster_id IN ("
        "SELECT r2.roster_id FROM distribution_receipt r2 WHERE r2.roster_id IN ({ids}) AND "
        + _LIVE.format(r="r2")
        + " GROUP BY r2.roster_id HAVING count(*) > 1) AND "
        + _LIVE.format(r="r")
    )
    for roster_id, receipt_id in rows_in(s, sql, roster_ids):
        out[roster_id].append(receipt_id)
    return out


def claim_states(s: Session, roster_ids: Sequence[str]) -> dict[str, str]:
    """'open' or 'confirmed' for each roster entry that has two or more non-void receipts."""
    live = _multi_receipts(s, roster_ids)
    confirmed = _confirmations(s, list(live))
    states: dict[str, str] = {}
    for roster_id, receipt_ids in live.items():
        current = set(receipt_ids)
        covered = any(set(json.loads(c[1])) == current for c in confirmed.get(roster_id, []))
        states[roster_id] = "confirmed" if covered else "open"
    return states


def open_claims(s: Session, roster_ids: Sequence[str]) -> set[str]:
    return {r for r, st in claim_states(s, roster_ids).items() if st == "open"}


class DoubleClaimService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @requires(READ_QUEUES)
    def claims(
        self, round_id: str | None = None, *, include_confirmed: bool = True
    ) -> list[DoubleClaim]:
        with self.ctx.db.session() as s:
            sql = (
                "SELECT r.roster_id FROM distribution_receipt r WHERE NOT EXISTS (SELECT 1 FROM "
                "distribution_receipt_void v WHERE v.receipt_id = r.id)"
            )
            params: dict[str, Any] = {}
            if round_id:
                sql += " AND r.round_id = :round"
                params["round"] = round_id
            sql += " GROUP BY r.roster_id HAVING count(*) > 1"
            roster_ids = [r[0] for r in s.execute(text(sql), params)]
            states = claim_states(s, roster_ids)
            confirmations = _confirmations(s, roster_ids)
            items: list[DoubleClaim] = []
            for part in chunks(roster_ids):
                stmt = text(
                    "SELECT e.id, e.round_id, e.name, e.nik, e.kk_number, d.name AS round_name "
                    "FROM distribution_roster e JOIN distribution_round d ON d.id = e.round_id "
                    "WHERE e.id IN :ids"
                ).bindparams(bindparam("ids", expanding=True))
                entries = {m["id"]: m for m in s.execute(stmt, {"ids": list(part)}).mappings()}
                stmt = text(
                    "SELECT r.id, r.roster_id, r.number, r.device_name, r.officer, r.received_at, "
                    "r.collector_name, r.collector_relation, p.name AS point_name, "
                    "EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id) "
                    "AS voided FROM distribution_receipt r "
                    "LEFT JOIN distribution_point p ON p.id = r.point_id "
                    "WHERE r.roster_id IN :ids ORDER BY r.received_at, r.number"
                ).bindparams(bindparam("ids", expanding=True))
                receipts: dict[str, list[ClaimReceipt]] = defaultdict(list)
                for m in s.execute(stmt, {"ids": list(part)}).mappings():
                    collector = "penerima sendiri"
                    if m["collector_name"]:
                        relation = RELATION_LABELS.get(
                            m["collector_relation"] or "", m["collector_relation"] or ""
                        )
                        collector = f"{m['collector_name']} ({relation})"
                    receipts[m["roster_id"]].append(
                        ClaimReceipt(
                            id=m["id"],
                            number=m["number"],
                            device_name=m["device_name"],
                            officer=m["officer"],
                            received_at=_received_at(m["received_at"]),
                            collector=collector,
                            point_name=m["point_name"] or "",
                            voided=bool(m["voided"]),
                        )
                    )
                for roster_id in part:
                    status = states.get(roster_id, "open")
                    if status == "confirmed" and not include_confirmed:
                        continue
                    e = entries.get(roster_id)
                    last = confirmations.get(roster_id, [])
                    items.append(
                        DoubleClaim(
                            round_id=e["round_id"] if e else "",
                            round_name=e["round_name"] if e else "",
                            roster_id=roster_id,
                            recipient_name=e["name"] if e else roster_id[:8],
                            nik=e["nik"] if e else None,
                            kk_number=e["kk_number"] if e else None,
                            receipts=receipts.get(roster_id, []),
                            status=status,
                            decided_by=last[-1][2] if status == "confirmed" and last else None,
                            note=last[-1][3] if status == "confirmed" and last else None,
                        )
                    )
            items.sort(key=lambda c: (c.status != "open", c.round_name, c.recipient_name))
            return items

    @requires(DECIDE)
    def resolve(
        self,
        roster_id: str,
        action: str,
        note: str,
        *,
        void_receipt: str | None = None,
    ) -> None:
        """Void one of the receipts, or confirm the double hand-over for recovery."""
        note = " ".join((note or "").split())
        if not note:
            raise ServiceError(M.CLAIM_NOTE_REQUIRED)
        if action not in ("void", "confirm"):
            raise ServiceError(M.CLAIM_ACTION_INVALID)
        with self.ctx.unit_of_work(source="klaim ganda") as w:
            s = w.session
            live = _live_receipts(s, [roster_id]).get(roster_id, [])
            if len(live) < 2:
                raise ServiceError(M.CLAIM_NOT_OPEN)
            round_id = s.execute(
                text("SELECT round_id FROM distribution_roster WHERE id = :id"), {"id": roster_id}
            ).scalar_one()
            voided: str | None = None
            if action == "void":
                if void_receipt is None:
                    raise ServiceError(M.CLAIM_CHOOSE_RECEIPT)
                match = s.execute(
                    text(
                        "SELECT id FROM distribution_receipt WHERE roster_id = :r AND "
                        "(id = :ref OR number = upper(:ref))"
                    ),
                    {"r": roster_id, "ref": void_receipt.strip()},
                ).scalar_one_or_none()
                if match is None or match not in live:
                    raise ServiceError(M.CLAIM_RECEIPT_NOT_IN_CLAIM)
                voided = match
                w.add(
                    ReceiptVoid(
                        id=new_id(),
                        receipt_id=match,
                        round_id=round_id,
                        reason=f"Klaim ganda: {note}",
                        at=w.now(),
                        actor=self.ctx.actor,
                        device_id=self.ctx.device.id,
                        hlc="",
                    ),
                    "distribution_receipt_void",
                    op="void",
                )
            elif open_claims(s, [roster_id]) == set():
                raise ServiceError(M.CLAIM_ALREADY_CONFIRMED)
            w.add(
                DoubleClaimDecision(
                    id=new_id(),
                    round_id=round_id,
                    roster_id=roster_id,
                    decision=action,
                    receipt_ids=json.dumps(sorted(live)),
                    voided_receipt_id=voided,
                    note=note,
                    decided_by=self.ctx.actor,
                    decided_at=w.now(),
                    device_id=self.ctx.device.id,
                    hlc="",
                ),
                "double_claim_decision",
                op="decide",
            )

    @requires(READ_QUEUES)
    def round_progress(self) -> list[RoundProgress]:
        """Per round: entitled, received (from every device's receipts merged here), receipts
        per device and open double claims."""
        from desktop_app.services.distribution import DistributionService

        dist = DistributionService(self.ctx)
        out: list[RoundProgress] = []
        with self.ctx.db.session() as s:
            rounds = s.execute(
                text(
                    "SELECT id, code, name, status FROM distribution_round WHERE deleted = 0 "
                    "AND status != 'draft' ORDER BY opened_at DESC"
                )
            ).all()
            for rid, code, name, status in rounds:
                by_device = {
                    d: n
                    for d, n in s.execute(
                        text(
                            "SELECT device_name, count(*) FROM distribution_receipt r WHERE "
                            "r.round_id = :r AND NOT EXISTS (SELECT 1 FROM "
                            "distribution_receipt_void v WHERE v.receipt_id = r.id) "
                            "GROUP BY device_name ORDER BY device_name"
                        ),
                        {"r": rid},
                    )
                }
                multi = [
                    r[0]
                    for r in s.execute(
                        text(
                            "SELECT roster_id FROM distribution_receipt r WHERE r.round_id = :r "
                            "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE "
                            "v.receipt_id = r.id) GROUP BY roster_id HAVING count(*) > 1"
                        ),
                        {"r": rid},
                    )
                ]
                totals = dist.totals(rid)
                out.append(
                    RoundProgress(
                        round_id=rid,
                        code=code,
                        name=name,
                        status=status,
                        entitled=totals.entitled,
                        received=totals.received,
                        by_device=by_device,
                        open_double_claims=len(open_claims(s, multi)),
                    )
                )
        return out


def _received_at(value: Any) -> datetime:
    """Stored times are UTC; a plain SQL read gives them as naive text."""
    at = as_utc(value)
    if at is None:  # the column is NOT NULL: a missing time is a broken database
        raise ValueError("receipt without received_at")
    return at
