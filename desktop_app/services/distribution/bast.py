"""The BAST (berita acara serah terima) and its register.

A BAST an auditor can trust says when the handover happened (not when it was printed), what was
received from the warehouse, what was handed out (in person and by proxy) and what is left for
absent and refused recipients, and carries a number that means one content: every issued BAST
is a row of the register (`distribution_bast`) with a hash of what it said. Printing the same
content again gives the same number marked "SALINAN"; once the content changes (more receipts
since, another handover date or stock figure) the next print gets a new number. Numbers carry
the issuing device's prefix (BAST/RST4/LAP02/003), so two laptops never mint the same one, and
the register travels with sync like receipts do.

`bast()` is the read-only preview; `issue_bast()` is the write (one unit of work, change-logged).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import text

from desktop_app.documents.distribution import BastDoc, PointInfo, RoundInfo, Totals
from desktop_app.domain.access import Permission
from desktop_app.domain.ids import new_id
from desktop_app.domain.office import format_date_id, format_number_id
from desktop_app.services.access import ROUND_READERS, requires
from desktop_app.services.context import ServiceError, UnitOfWork
from desktop_app.services.distribution.doc_data import DocData
from desktop_app.services.distribution.messages import (
    BAST_DATE_BEFORE_RECEIPTS,
    BAST_DATE_FUTURE,
    BAST_RECEIVED_INVALID,
    BAST_RECEIVED_TOO_LOW,
    BAST_ROUND_DRAFT,
)
from desktop_app.services.distribution.types import PointView, RoundStatus
from desktop_app.storage.distribution_models import BastIssue

__all__ = ["BAST_BLANK", "BAST_PREVIEW_NUMBER", "Bast", "BastIssueView"]

BAST_BLANK = "...................................."
BAST_PREVIEW_NUMBER = "(nomor diberikan saat dicetak)"
# A stock figure beyond this is a typo (a NIK pasted into the field), not a warehouse delivery.
_MAX_STOCK = 10_000_000


@dataclass(frozen=True)
class BastIssueView:
    """One row of the register as screens and the CLI list it."""

    number: str
    round_id: str
    point_id: str | None
    point_name: str
    handover_date: date
    stock_received: float | None
    issued_at: datetime | None
    issued_by: str
    device_name: str


class Bast(DocData):
    """Preview, issue and list BASTs."""

    @requires(*ROUND_READERS)
    def bast_handover_default(self, round_id: str, point_id: str | None = None) -> date:
        """The point's last distribution day: the local date of its last valid receipt (the
        round's, without a point); today when nothing was handed out yet."""
        last = self._last_receipt_date(round_id, point_id)
        return last or self.ctx.clock.today()

    @requires(Permission.PRINT)
    def bast(
        self,
        round_id: str,
        *,
        point_id: str | None = None,
        on: date | None = None,
        stock_received: float | None = None,
    ) -> BastDoc:
        """What the BAST would say, without issuing it (no write). When a BAST with exactly this
        content was issued before, its number and "SALINAN"; otherwise no number yet."""
        doc = self._bast_content(round_id, point_id, on, stock_received)
        with self._conn() as conn:
            number = conn.execute(
                text(
                    "SELECT number FROM distribution_bast WHERE content_hash = :h "
                    "ORDER BY issued_at LIMIT 1"
                ),
                {"h": _content_hash(doc)},
            ).scalar()
        if number:
            return replace(doc, number=str(number), copy=True)
        return replace(doc, number=BAST_PREVIEW_NUMBER, preview=True)

    @requires(Permission.ROUNDS_MANAGE)
    def issue_bast(
        self,
        round_id: str,
        point_id: str | None,
        handover_date: date | None = None,
        *,
        stock_received: float | None = None,
    ) -> BastDoc:
        """Issue the BAST (a write): the same content as an issued one keeps its number and is a
        copy ("SALINAN"); new content gets the next number of this device in the register."""
        rnd = self.get_round(round_id)
        if rnd.status == RoundStatus.DRAFT.value:
            raise ServiceError(BAST_ROUND_DRAFT, name=rnd.name)
        doc = self._bast_content(round_id, point_id, handover_date, stock_received)
        digest = _content_hash(doc)
        device = self._device_prefix()
        with self.ctx.unit_of_work(source="bast") as w:
            s = w.session
            # Take the write lock before reading the register, so two programs issuing the same
            # content at once cannot both find nothing and mint two numbers.
            s.execute(text("UPDATE distribution_bast SET id = id WHERE 0"))
            known = s.execute(
                text(
                    "SELECT number FROM distribution_bast WHERE content_hash = :h "
                    "ORDER BY issued_at LIMIT 1"
                ),
                {"h": digest},
            ).scalar()
            if known:
                return replace(doc, number=str(known), copy=True)
            number = self._next_bast_number(w, rnd.code, device)
            w.add(
                BastIssue(
                    id=new_id(),
                    number=number,
                    round_id=round_id,
                    point_id=point_id,
                    handover_date=doc.on,
                    received_qty=doc.stock_received,
                    content_hash=digest,
                    content=_canonical(doc),
                    issued_at=w.now(),
                    issued_by=self.ctx.actor,
                    device_id=self.ctx.device.id,
                    device_name=device,
                    hlc="",
                ),
                "distribution_bast",
                op="issue",
            )
        return replace(doc, number=number)

    @requires(*ROUND_READERS)
    def bast_register(self, round_id: str) -> list[BastIssueView]:
        """Every BAST issued for the round, oldest first."""
        with self._conn() as conn:
            rows = conn.execute(
                text(
                    "SELECT b.number, b.round_id, b.point_id, coalesce(p.name, '') AS point_name,"
                    " b.handover_date, b.received_qty, b.issued_at, b.issued_by, b.device_name "
                    "FROM distribution_bast b LEFT JOIN distribution_point p ON p.id = b.point_id"
                    " WHERE b.round_id = :r ORDER BY b.issued_at, b.number"
                ),
                {"r": round_id},
            ).mappings()
            return [
                BastIssueView(
                    number=m["number"],
                    round_id=m["round_id"],
                    point_id=m["point_id"],
                    point_name=m["point_name"],
                    handover_date=_as_date(m["handover_date"]),
                    stock_received=m["received_qty"],
                    issued_at=self._local(m["issued_at"]),
                    issued_by=m["issued_by"],
                    device_name=m["device_name"],
                )
                for m in rows
            ]

    # -- parts -------------------------------------------------------------------------------
    def _bast_content(
        self,
        round_id: str,
        point_id: str | None,
        on: date | None,
        stock_received: float | None,
    ) -> BastDoc:
        """The BAST's content (no number yet), with the handover date and stock checked."""
        info = self.round_info(round_id)
        point = self._point_or_none(round_id, point_id)
        totals = self.totals(round_id, point.id if point else None)
        last = self._last_receipt_date(round_id, point.id if point else None)
        handover = on or last or self.ctx.clock.today()
        today = self.ctx.clock.today()
        if handover > today:
            raise ServiceError(BAST_DATE_FUTURE, date=format_date_id(handover))
        if last is not None and handover < last:
            raise ServiceError(
                BAST_DATE_BEFORE_RECEIPTS, date=format_date_id(handover), last=format_date_id(last)
            )
        handed = totals.received * info.quantity
        if stock_received is not None:
            stock = float(stock_received)
            if not math.isfinite(stock) or stock < 0 or stock > _MAX_STOCK:
                raise ServiceError(BAST_RECEIVED_INVALID, value=str(stock_received))
            if stock + 1e-9 < handed:
                raise ServiceError(
                    BAST_RECEIVED_TOO_LOW,
                    received=format_number_id(stock),
                    handed=format_number_id(handed),
                    unit=info.unit,
                )
            stock_received = stock
        office = self.ctx.office
        second_name, second_title, hint = _second_party(point)
        return BastDoc(
            number="",
            round=info,
            point=self.point_info(point),
            on=handover,
            first_party_name=office.head_name or BAST_BLANK,
            first_party_title=office.head_title,
            second_party_name=second_name,
            second_party_title=second_title,
            totals=totals,
            total_quantity=handed,
            stock_received=stock_received,
            second_party_hint=hint,
        )

    def _last_receipt_date(self, round_id: str, point_id: str | None) -> date | None:
        """The local date of the last valid receipt of the point's recipients (as the totals
        count them: by the roster's point)."""
        sql = (
            "SELECT max(r.received_at) FROM distribution_receipt r "
            "JOIN distribution_roster e ON e.id = r.roster_id WHERE r.round_id = :r "
            "AND NOT EXISTS (SELECT 1 FROM distribution_receipt_void v WHERE v.receipt_id = r.id)"
        )
        params: dict[str, Any] = {"r": round_id}
        if point_id:
            sql += " AND e.point_id = :p"
            params["p"] = point_id
        local = self._local(self._first_value(sql, params))
        return local.date() if local else None

    @staticmethod
    def _next_bast_number(w: UnitOfWork, round_code: str, device: str) -> str:
        """BAST/<round>/<device>/<n>: this device's next sequence in the round. Only this device
        mints numbers with its prefix, so the largest one in the register is its counter."""
        prefix = f"BAST/{round_code}/{device}/"
        last = w.session.execute(
            text(
                "SELECT max(CAST(substr(number, :start) AS INTEGER)) FROM distribution_bast "
                "WHERE number LIKE :p"
            ),
            {"start": len(prefix) + 1, "p": prefix + "%"},
        ).scalar()
        return f"{prefix}{int(last or 0) + 1:03d}"


def _second_party(point: PointView | None) -> tuple[str, str, str]:
    """Name, title and (when the name is unknown) what the blank name line is for."""
    if point is None:
        return BAST_BLANK, "Koordinator penyaluran", "nama koordinator penyaluran"
    # A partner shop's owner signs for the shop (Titik salur… keeps it on the point).
    name = point.owner.strip()
    if point.kind == "kelurahan" and point.kelurahan_names:
        default_title, hint = "Lurah " + point.kelurahan_names[0], "nama lurah"
    elif point.kind == "toko":
        default_title, hint = "Pemilik " + point.name, "nama pemilik toko"
    else:
        default_title, hint = "Penanggung jawab " + point.name, "nama penanggung jawab"
    title = point.owner_title.strip() or default_title
    return (name, title, "") if name else (BAST_BLANK, title, hint)


def _canonical(doc: BastDoc) -> str:
    """Everything the BAST states, as canonical JSON: equal text, equal document."""
    t: Totals = doc.totals
    r: RoundInfo = doc.round
    p: PointInfo | None = doc.point
    content = {
        "round": [r.id, r.code, r.name, r.program_name, r.item, r.quantity, r.unit],
        "point": [p.id, p.name, p.address] if p else None,
        "handover_date": doc.on.isoformat(),
        "stock_received": doc.stock_received,
        "totals": [t.entitled, t.received, t.by_proxy, t.absent, t.refused],
        "first_party": [doc.first_party_name, doc.first_party_title],
        "second_party": [doc.second_party_name, doc.second_party_title],
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def _content_hash(doc: BastDoc) -> str:
    return hashlib.sha256(_canonical(doc).encode("utf-8")).hexdigest()


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
