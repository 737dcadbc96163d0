"""Plain data for the round's documents (receipts, lists, BAST, cards, recap)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import text

from desktop_app.documents.distribution import (
    CardDoc,
    ListRow,
    PointInfo,
    RecapDoc,
    RecapRow,
    ReceiptDoc,
    ReceptionList,
    RoundInfo,
)
from desktop_app.domain.access import Permission
from desktop_app.domain.receipts import signed_qr_payload
from desktop_app.services.access import MASKED_NAME, ROUND_READERS, log_printed, requires
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution.base import from_row
from desktop_app.services.distribution.cards import Cards
from desktop_app.services.distribution.messages import (
    RECEIPTS_MISSING,
)
from desktop_app.services.distribution.queries import effective_collector
from desktop_app.services.distribution.types import (
    PointView,
    RosterFilter,
    format_address,
)


class DocData(Cards):
    """What each document needs, as the plain dataclasses of documents.distribution."""

    # -- documents' data -----------------------------------------------------------------------
    @requires(*ROUND_READERS)
    def round_info(self, round_id: str) -> RoundInfo:
        # A RoundView extends RoundInfo; the documents get exactly the RoundInfo part.
        r = self.get_round(round_id)
        return RoundInfo(**{f.name: getattr(r, f.name) for f in fields(RoundInfo)})

    @staticmethod
    def point_info(point: PointView | None) -> PointInfo | None:
        if point is None:
            return None
        return PointInfo(id=point.id, name=point.name, kind=point.kind, address=point.address)

    @requires(Permission.PRINT)
    def receipt_docs(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        numbers: Iterable[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[ReceiptDoc]:
        """Tanda terima for the round's valid receipts (or the given numbers), list order."""
        info = self.round_info(round_id)
        points = {p.id: p for p in self.points(round_id)}
        # Who collected as corrected on the receipt's day (the receipt row is never edited).
        sql = f"""
            SELECT r.number, r.verification_code, r.signature, r.point_id,
                   {effective_collector("collector_name")} AS collector_name,
                   {effective_collector("collector_nik")} AS collector_nik,
                   {effective_collector("collector_relation")} AS collector_relation,
                   r.officer, r.received_at, r.device_name,
                   e.name, e.nik, e.kk_number, e.street, e.rt, e.rw, e.kelurahan_code,
                   e.person_id
            FROM distribution_receipt r JOIN distribution_roster e ON e.id = r.roster_id
            WHERE r.round_id = :r
              AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)
        """
        params: dict[str, Any] = {"r": round_id}
        wanted: set[str] | None = None
        if numbers is not None:
            wanted = {str(n).strip().upper() for n in numbers}
        if point_id:
            sql += " AND r.point_id = :pt"
            params["pt"] = point_id
        sql += " ORDER BY e.no"
        docs: list[ReceiptDoc] = []
        with self._conn() as conn:
            rows = [m for m in conn.execute(text(sql), params).mappings()]
        if wanted is not None:
            rows = [m for m in rows if m["number"] in wanted]
            missing = wanted - {m["number"] for m in rows}
            if missing:
                raise ServiceError(RECEIPTS_MISSING, numbers=", ".join(sorted(missing)))
        log_printed(self.ctx, (m["person_id"] for m in rows), f"tanda terima {info.code}")
        for i, m in enumerate(rows, 1):
            hidden = self._masked(m["person_id"])
            docs.append(
                from_row(
                    ReceiptDoc,
                    m,
                    receipt_number=m["number"],
                    round=info,
                    point=self.point_info(points.get(m["point_id"])),
                    recipient_name=MASKED_NAME if hidden else m["name"],
                    recipient_nik="" if hidden else m["nik"] or "",
                    kk_number=None if hidden else m["kk_number"],
                    address="" if hidden else format_address(m["street"], m["rt"], m["rw"]),
                    kelurahan=self._kelurahan_name(m["kelurahan_code"]),
                    received_at=self._local(m["received_at"]),
                    qr_payload=signed_qr_payload(
                        m["number"], m["signature"], m["verification_code"]
                    ),
                )
            )
            if progress and (i % 500 == 0 or i == len(rows)):
                progress(i, len(rows))
        return docs

    @requires(Permission.PRINT)
    def reception_list(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        kelurahan_code: str | None = None,
    ) -> ReceptionList:
        """Daftar penerimaan for a point or a kelurahan (or the whole round)."""
        info = self.round_info(round_id)
        point = self._point_or_none(round_id, point_id)
        ids = self.roster_ids(
            round_id, RosterFilter(point_id=point_id, kelurahan_code=kelurahan_code)
        )
        roster = self.roster_rows(ids)
        log_printed(self.ctx, (r.person_id for r in roster), f"daftar penerimaan {info.code}")
        rows = [
            ListRow(
                no=i,
                name=r.name,
                nik=r.nik or "",
                kk_number=r.kk_number,
                address=r.address,
                rt=r.rt,
                rw=r.rw,
                kelurahan=r.kelurahan,
                status=r.status,
                receipt_number=r.receipt_number,
                collector_name=r.collector_name,
            )
            for i, r in enumerate(roster, 1)
        ]
        return ReceptionList(
            round=info,
            point=self.point_info(point),
            kelurahan=self._kelurahan_name(kelurahan_code) if kelurahan_code else None,
            rows=rows,
            totals=self.totals(round_id, point_id, kelurahan_code),
            printed_on=self.ctx.clock.today(),
            officer=self.ctx.actor,
        )

    def _point_or_none(self, round_id: str, point_id: str | None) -> PointView | None:
        return self.get_point(round_id, point_id) if point_id else None

    @requires(Permission.PRINT)
    def card_docs(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[CardDoc]:
        """Kartu KPM for the round's recipients. Read-only: call `mint_cards` first (a write)
        so every household has a card code; one without a code shows its NIK instead."""
        rnd = self.get_round(round_id)
        people = self._card_people(rnd, point_id)
        log_printed(self.ctx, (p.get("pid") for p in people), f"kartu {rnd.code}")
        cards = []
        for i, p in enumerate(people, 1):
            if self._masked(p.get("pid")):
                p = {**p, "name": MASKED_NAME, "nik": None, "kk_number": None, "address": "-"}
            kel = p["kelurahan_code"] or ""
            kec = self.ctx.regions.kecamatan_of(kel) if kel else None
            code = p["card_code"] or (p["nik"] or "")
            cards.append(
                CardDoc(
                    card_code=code,
                    name=p["name"] or "",
                    nik=p["nik"] or "",
                    kk_number=p["kk_number"],
                    address=p.get("address") or format_address(p["street"], p["rt"], p["rw"]),
                    kelurahan=self._kelurahan_name(kel),
                    kecamatan=kec.name if kec else "",
                    program_name=rnd.program_name,
                )
            )
            if progress and (i % 500 == 0 or i == len(people)):
                progress(i, len(people))
        return cards

    @requires(Permission.PRINT)
    def recap(self, round_id: str) -> RecapDoc:
        """Entitled / received / by proxy / absent / refused per kelurahan and point."""
        info = self.round_info(round_id)
        points = {p.id: p.name for p in self.points(round_id)}
        grouped = self._grouped_totals(round_id, group_by="both")
        rows = []
        for key in sorted(grouped, key=lambda k: (self._kelurahan_name(k.split("|")[0]), k)):
            kel, _, point_id = key.partition("|")
            rows.append(
                RecapRow(
                    kelurahan=self._kelurahan_name(kel) or "-",
                    point=points.get(point_id, "(semua titik)"),
                    totals=grouped[key],
                )
            )
        return RecapDoc(
            round=info,
            rows=rows,
            grand_total=self.totals(round_id),
            printed_on=self.ctx.clock.today(),
        )
