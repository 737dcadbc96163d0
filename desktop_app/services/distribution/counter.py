"""Recording at the counter: receipts, voids, non-collection marks and scan logs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import Table, text
from sqlalchemy.engine import Connection, Dialect

from desktop_app.domain.access import Permission
from desktop_app.domain.collectors import (
    CollectorFacts,
    collector_refusal,
    correction_refusal,
    member_collector_relation,
)
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import Severity, clean_number, validate_nik
from desktop_app.domain.receipts import (
    encode_signature,
    format_receipt_number,
    receipt_signed_bytes,
    verification_code,
)
from desktop_app.domain.search_text import normalise_search
from desktop_app.domain.status import PersonStatus
from desktop_app.domain.values import as_date
from desktop_app.services.access import MASKED_NAME, ROUND_READERS, requires
from desktop_app.services.bulk import bulk_insert
from desktop_app.services.context import AppContext, ServiceError, UnitOfWork, save_clock
from desktop_app.services.distribution.base import from_row
from desktop_app.services.distribution.lookup import Lookup
from desktop_app.services.distribution.messages import (
    ALREADY_RECEIVED,
    ALREADY_RECEIVED_BY_PROXY,
    ALREADY_VOIDED,
    BATCH_ALREADY_RECEIVED,
    BATCH_TWICE,
    COLLECTOR_NAME_REQUIRED,
    COLLECTOR_NIK_INVALID,
    COLLECTOR_NIK_REQUIRED,
    CORRECTION_REASON_REQUIRED,
    CORRECTION_UNCHANGED,
    CORRECTION_VOIDED,
    IN_PERSON_AND_PROXY,
    MARK_AFTER_RECEIPT,
    MARK_UNKNOWN,
    MATCHED_NOT_ON_KK,
    MEMBER_NEEDS_CHOICE,
    NOT_ON_ROSTER,
    RECEIPT_NOT_FOUND,
    RECIPIENT_REMOVED,
    REFUSAL_REASON_REQUIRED,
    RELATION_UNKNOWN,
    ROUND_CLOSED_NO_WRITE,
    ROUND_NOT_OPEN,
    ROUND_NOT_OPEN_NOTHING_RECORDED,
    SERVED_ELSEWHERE,
    VOID_REASON_REQUIRED,
    DistributionInputError,
)
from desktop_app.services.distribution.queries import (
    NEXT_SEQ,
    RECEIPT_SELECT,
    RECORD_STATE,
)
from desktop_app.services.distribution.types import (
    MARK_KINDS,
    QR_PREFIX,
    BatchReport,
    Proxy,
    ReceiptView,
    RosterRow,
    RoundStatus,
    RowReport,
    parse_collector_relation,
)
from desktop_app.storage import chain, driver
from desktop_app.storage.db import classify_write_error
from desktop_app.storage.distribution_models import (
    CollectionMark,
    CollectorCorrection,
    Receipt,
    ReceiptVoid,
    RosterEntry,
)
from desktop_app.storage.models import ChangeLog


class Counter(Lookup):
    """Facts appended at the counter: a receipt exactly once, its void, a non-collection mark."""

    @requires(Permission.COUNTER)
    def receive(
        self,
        round_id: str,
        roster_id: str,
        *,
        point_id: str | None = None,
        proxy: Proxy | None = None,
        matched_person_id: str | None = None,
        in_person: bool = False,
    ) -> ReceiptView:
        """Record that the recipient received the round's item, exactly once.

        `matched_person_id` is whose NIK the lookup matched (`RosterRow.matched_person_id`).
        When that is a member of the KK, not the recipient, the caller must say who collects:
        a `proxy` (usually that member, see `member_proxy`) or `in_person=True` (the recipient
        is there too); without either the receipt is refused (distribution.member_needs_choice)
        rather than recording the recipient as collecting in person.

        Returns after the commit (synchronous=FULL): the number it carries is on disk.
        """
        proxy = self._clean_proxy(proxy)
        if proxy is not None and in_person:
            raise DistributionInputError(IN_PERSON_AND_PROXY)
        matched = None if in_person or proxy else matched_person_id
        if proxy is None:
            # The counter's Enter after a scan: the plain path when the case is simple.
            fast = self._receive_plain(round_id, point_id, roster_id=roster_id, matched=matched)
            if fast is not None:
                return fast
        key, device = self.receipt_code_key(), self._device_prefix()
        signer = self.receipt_signing_key()
        with self.ctx.unit_of_work(source="counter") as w:
            receipt = self._record(
                w,
                round_id,
                roster_id,
                proxy,
                point_id,
                key,
                device,
                signer,
                matched_person_id=matched,
            )
        return receipt

    def _record(
        self,
        w: UnitOfWork,
        round_id: str,
        roster_id: str,
        proxy: Proxy | None,
        point_id: str | None,
        key: bytes,
        device: str,
        signer: SigningKey,
        *,
        matched_person_id: str | None = None,
    ) -> ReceiptView:
        """Check and append one receipt inside the caller's unit of work.

        `matched_person_id`: a person the lookup matched for whom no collector decision was
        given; refused when it is anyone but the recipient.

        This is the counter's hot path, so it uses plain statements instead of ORM objects.
        """
        conn = w.session.connection()
        # Taking the counter first starts the write transaction, so the checks below and the
        # insert are serialised against any other program writing to this file.
        seq = conn.execute(NEXT_SEQ, {"r": round_id, "d": device}).scalar_one()
        # Everything the checks need in one indexed read: the entry, its round, its point,
        # whether it already has a valid receipt, and the recipient's live status.
        entry = conn.execute(RECORD_STATE, {"id": roster_id}).mappings().first()
        if entry is None or entry["round_id"] != round_id:
            self._lock_round(w, round_id)  # a closed or unknown round says so first
            raise ServiceError(NOT_ON_ROSTER)
        if entry["round_status"] == RoundStatus.CLOSED.value:
            raise ServiceError(ROUND_CLOSED_NO_WRITE, name=entry["round_name"])
        if entry["round_status"] != RoundStatus.OPEN.value:
            raise ServiceError(ROUND_NOT_OPEN, name=entry["round_name"])
        if not entry["active"]:
            raise ServiceError(RECIPIENT_REMOVED, name=self._shown_name(entry))
        if point_id and entry["point_id"] and entry["point_id"] != point_id:
            raise ServiceError(
                SERVED_ELSEWHERE, name=self._shown_name(entry), point=entry["point_name"]
            )
        first = self._active_receipt(conn, roster_id) if entry["received"] else None
        if first is not None:
            params = {
                "name": self._shown_name(entry),
                "when": self._when(first["received_at"]),
                "point": first["point_name"] or "titik salur",
                "officer": first["officer"],
                "device": first["device_name"],
                "number": first["number"],
            }
            if first["collector_name"]:
                raise ServiceError(
                    ALREADY_RECEIVED_BY_PROXY, **params, collector=first["collector_name"]
                )
            raise ServiceError(ALREADY_RECEIVED, **params)
        if matched_person_id is not None and matched_person_id != entry["person_id"]:
            self._refuse_undecided_member(conn, entry, matched_person_id)
        self._check_collector(conn, entry, proxy)
        row = self._receipt_row(
            w, entry, seq, round_id, roster_id, proxy, point_id, key, device, signer
        )
        bulk_insert(w, "distribution_receipt", [row], op="receive")
        point_name = entry["point_name"] or ""
        if row["point_id"] and row["point_id"] != entry["point_id"]:
            point_name = self._point_name(conn, row["point_id"])
        return self._new_receipt_view(row, entry, point_name)

    def _receipt_row(
        self,
        w: UnitOfWork,
        entry: Mapping[Any, Any],
        seq: int,
        round_id: str,
        roster_id: str,
        proxy: Proxy | None,
        point_id: str | None,
        key: bytes,
        device: str,
        signer: SigningKey,
    ) -> dict[str, Any]:
        """The receipt row, numbered, with its short code and the device's signature: one
        definition for the general path and the scan fast path."""
        number = format_receipt_number(entry["round_code"], device, seq)
        row: dict[str, Any] = {
            "id": new_id(),
            "number": number,
            "round_id": round_id,
            "roster_id": roster_id,
            "point_id": point_id or entry["point_id"],
            "collector_name": proxy.name if proxy else None,
            "collector_nik": proxy.nik if proxy else None,
            "collector_relation": proxy.relation if proxy else None,
            "officer": self.ctx.actor,
            "received_at": w.now(),
            "device_id": self.ctx.device.id,
            "device_name": device,
            "verification_code": verification_code(number, key),
        }
        # The device's own signature over what happened (who, when, where, for whom): the proof
        # the QR code carries. About 60 µs; see bench/bench_scan.py.
        row["signature"] = encode_signature(signer.sign(receipt_signed_bytes(row)).signature)
        return row

    def _new_receipt_view(
        self, row: Mapping[str, Any], entry: Mapping[Any, Any], point_name: str
    ) -> ReceiptView:
        return ReceiptView(
            id=row["id"],
            number=row["number"],
            verification_code=row["verification_code"],
            round_id=row["round_id"],
            roster_id=row["roster_id"],
            point_id=row["point_id"],
            point_name=point_name,
            recipient_name=MASKED_NAME if self._masked(entry["person_id"]) else entry["name"],
            collector_name=row["collector_name"],
            collector_nik=row["collector_nik"],
            collector_relation=row["collector_relation"],
            officer=self.ctx.actor,
            received_at=row["received_at"].astimezone(self._tz),
            device_name=row["device_name"],
            signature=row["signature"],
        )

    @staticmethod
    def _refuse_undecided_member(conn: Connection, entry: Any, person_id: str) -> None:
        """A member's NIK was scanned and nobody said who collects: refuse, naming them."""
        member = (
            conn.execute(
                text("SELECT name, household_id FROM person WHERE id = :id AND deleted = 0"),
                {"id": person_id},
            )
            .mappings()
            .first()
        )
        household = entry["household_id"] or entry["live_household_id"]
        if member is None or not household or member["household_id"] != household:
            raise ServiceError(MATCHED_NOT_ON_KK, name=entry["name"])
        raise ServiceError(MEMBER_NEEDS_CHOICE, member=member["name"], name=entry["name"])

    @requires(*ROUND_READERS)
    def member_proxy(self, entry: RosterRow) -> Proxy | None:
        """The collector a member's own NIK stands for: that member, as a same-KK proxy (or as
        the heir when the recipient has died). None when the lookup did not land on a member."""
        if not entry.member_match or not entry.matched_nik:
            return None
        relation = member_collector_relation(self.recipient_deceased(entry.id))
        return Proxy(entry.matched_name or "", entry.matched_nik, relation)

    @requires(Permission.COUNTER)
    def receive_code(
        self,
        round_id: str,
        code: str,
        *,
        point_id: str | None = None,
        proxy: Proxy | None = None,
        in_person: bool = False,
    ) -> ReceiptView:
        """Scan and record in one step (the CLI's `receive`, scripts).

        A household member's own NIK records that member as the collector (same-KK proxy, or
        heir for a deceased recipient): the person who showed that KTP is the one collecting.
        `in_person=True` records the recipient in person instead; an explicit `proxy` wins.
        """
        if proxy is None:
            fast = self._receive_scanned(round_id, code, point_id)
            if fast is not None:
                return fast
        entry = self.scan(round_id, code, point_id)
        if proxy is None and not in_person:
            proxy = self.member_proxy(entry)
        return self.receive(
            round_id,
            entry.id,
            point_id=point_id,
            proxy=proxy,
            matched_person_id=entry.matched_person_id,
            in_person=in_person,
        )

    def _receive_scanned(
        self, round_id: str, code: str, point_id: str | None
    ) -> ReceiptView | None:
        """`receive_code`'s common case on the plain path (`_receive_plain`): a card code, or
        the recipient's own NIK or KK, naming exactly one entry. A member's NIK, a name, a
        receipt number or QR payload, several entries: None, for the general path."""
        code = normalise_search(code)
        if not code or code.upper().startswith(QR_PREFIX + "|") or self._receipt_number_in(code):
            return None
        return self._receive_plain(round_id, point_id, code=code)

    def _receive_plain(
        self,
        round_id: str,
        point_id: str | None,
        *,
        roster_id: str | None = None,
        code: str | None = None,
        matched: str | None = None,
    ) -> ReceiptView | None:
        """The counter's common case, scan -> durable receipt, in one transaction on one plain
        connection: the entry (`roster_id`, or the one `code` names) of an open round, active,
        not yet served, collected in person (`matched`, a person the lookup matched, is the
        recipient or None). None (nothing written, the transaction rolled back) for anything
        else: the general path (`scan`, `receive`) then gives the same receipt or refusal as
        it always did.

        SQLAlchemy's per-statement work and four connection checkouts were ~90% of a scan's CPU
        (issue 17); here each statement goes straight to sqlite3, the entry is found and read
        in one statement, and the change-log row comes with its chain hash (`_insert_logged`).
        Same guarantees: the receipt and its change-log row commit together with
        synchronous=FULL before the number is returned, and the row is built and signed by the
        same `_receipt_row`.
        """
        if self.ctx.db.read_only:
            return None  # the general path refuses it, as for every write
        key, device = self.receipt_code_key(), self._device_prefix()
        signer = self.receipt_signing_key()
        try:
            with _plain_unit(self.ctx, "counter") as (w, db):
                # The counter first: it starts the write transaction, so the lookup, the checks
                # and the insert are serialised against any other program writing to this file.
                seq = db.execute(NEXT_SEQ.text, {"r": round_id, "d": device}).fetchone()[0]
                if roster_id is not None:
                    entry = _entry_state(db, roster_id)
                else:
                    assert code is not None
                    entry = _scanned_state(db, round_id, code)
                if (
                    entry["round_id"] != round_id
                    or entry["round_status"] != RoundStatus.OPEN.value
                    or not entry["active"]
                    or entry["received"]
                    or (point_id and entry["point_id"] and entry["point_id"] != point_id)
                    # A member's NIK with nobody saying who collects: the general path refuses.
                    or (matched is not None and matched != entry["person_id"])
                    # A deceased recipient's receipt needs the heir rules of the general path.
                    or (
                        entry["person_id"]
                        and entry["person_status"] == PersonStatus.MENINGGAL.value
                    )
                ):
                    raise _NotSimple
                row = self._receipt_row(
                    w, entry, seq, round_id, entry["id"], None, point_id, key, device, signer
                )
                point_name = entry["point_name"] or ""
                if row["point_id"] and row["point_id"] != entry["point_id"]:
                    found = db.execute(_POINT_NAME, (row["point_id"],)).fetchone()
                    point_name = found[0] if found else ""
                _insert_logged(w, db, _RECEIPTS, "distribution_receipt", row, op="receive")
                return self._new_receipt_view(row, entry, point_name)
        except _NotSimple:
            return None

    @requires(Permission.COUNTER)
    def correct_collector(self, receipt_ref: str, proxy: Proxy | None, reason: str) -> ReceiptView:
        """Correct who collected a receipt, on the day it was recorded, with a reason.

        `proxy` None: the recipient collected in person. The receipt stays as recorded (and
        signed); the correction is another fact, change-logged, and every view and printout of
        the receipt shows the corrected collector from then on. After the receipt's day the
        correction is refused: a void and a new receipt are the only way then.
        """
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError(CORRECTION_REASON_REQUIRED)
        proxy = self._clean_proxy(proxy)
        receipt = self.get_receipt(receipt_ref)
        with self.ctx.unit_of_work(source="counter") as w:
            self._lock_round(w, receipt.round_id)
            conn = w.session.connection()
            # Re-read under the write lock: another clerk may have voided or corrected it.
            now = self._receipt_view(
                conn.execute(text(RECEIPT_SELECT + " WHERE r.id = :id"), {"id": receipt.id})
                .mappings()
                .one()
            )
            if now.voided:
                raise ServiceError(CORRECTION_VOIDED, number=now.number)
            late = correction_refusal(now.number, now.received_at.date(), self.ctx.clock.today())
            if late is not None:
                raise ServiceError(late.msg, **late.params)
            wanted = (proxy.nik, proxy.relation) if proxy else (None, None)
            if (now.collector_nik, now.collector_relation) == wanted:
                raise ServiceError(CORRECTION_UNCHANGED, number=now.number)
            entry = conn.execute(RECORD_STATE, {"id": now.roster_id}).mappings().one()
            self._check_collector(conn, entry, proxy)
            w.add(
                CollectorCorrection(
                    id=new_id(),
                    receipt_id=now.id,
                    round_id=now.round_id,
                    collector_name=proxy.name if proxy else None,
                    collector_nik=proxy.nik if proxy else None,
                    collector_relation=proxy.relation if proxy else None,
                    reason=reason,
                    **self._fact_stamp(w),
                ),
                "distribution_collector_correction",
                op="correct_collector",
            )
        return self.get_receipt(receipt.id)

    def _clean_proxy(self, proxy: Proxy | None) -> Proxy | None:
        if proxy is None:
            return None
        name = " ".join((proxy.name or "").split())
        nik = clean_number(proxy.nik or "")
        relation = parse_collector_relation(proxy.relation)
        if not name and not nik and not proxy.relation:
            return None
        if relation is None:
            raise DistributionInputError(RELATION_UNKNOWN, relation=proxy.relation)
        if not name:
            raise DistributionInputError(COLLECTOR_NAME_REQUIRED)
        if not nik:
            raise DistributionInputError(COLLECTOR_NIK_REQUIRED)
        errors = [i for i in validate_nik(nik) if i.severity == Severity.ERROR]
        if errors:
            raise DistributionInputError(
                COLLECTOR_NIK_INVALID, problems=" ".join(i.message for i in errors)
            )
        return Proxy(name=name, nik=nik, relation=relation)

    def _check_collector(self, conn: Connection, entry: Any, proxy: Proxy | None) -> None:
        """Gather what DESIGN.md's proxy rules need from the live registry, then apply them
        (desktop_app.domain.collectors)."""
        recipient: Mapping[Any, Any] | None = None
        if entry["person_id"] and "person_status" in entry:
            recipient = {
                "status": entry["person_status"],
                "status_date": entry["person_status_date"],
                "household_id": entry["live_household_id"],
            }
        elif entry["person_id"]:
            recipient = (
                conn.execute(
                    text("SELECT id, status, status_date, household_id FROM person WHERE id = :id"),
                    {"id": entry["person_id"]},
                )
                .mappings()
                .first()
            )
        deceased = recipient is not None and recipient["status"] == PersonStatus.MENINGGAL.value
        if proxy is None and not deceased:
            return
        household_id = entry["household_id"] or (recipient["household_id"] if recipient else None)
        living: frozenset[str] = frozenset()
        if household_id:
            living = frozenset(
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT nik FROM person WHERE household_id = :h AND deleted = 0 "
                        "AND status != 'meninggal' AND id != :me"
                    ),
                    {"h": household_id, "me": entry["person_id"] or ""},
                )
                if r[0]
            )
        collector_deceased = False
        if proxy is not None and not deceased:
            status = conn.execute(
                text("SELECT status FROM person WHERE nik = :n AND deleted = 0 LIMIT 1"),
                {"n": proxy.nik},
            ).scalar()
            collector_deceased = status == PersonStatus.MENINGGAL.value
        facts = CollectorFacts(
            name=entry["name"],
            nik=entry["nik"],
            kk_number=entry["kk_number"],
            deceased=deceased,
            died_on=as_date(recipient["status_date"]) if deceased and recipient else None,
            living_member_niks=living,
        )
        refusal = collector_refusal(
            facts,
            proxy.nik if proxy else None,
            proxy.relation if proxy else None,
            collector_deceased=collector_deceased,
        )
        if refusal is not None:
            error = DistributionInputError if refusal.bad_input else ServiceError
            raise error(refusal.msg, **refusal.params)

    @requires(Permission.SUPERVISE)
    def void(self, receipt_ref: str, reason: str) -> ReceiptView:
        """Cancel a receipt with a reason (another fact; the receipt itself stays)."""
        reason = " ".join((reason or "").split())
        if not reason:
            raise ServiceError(VOID_REASON_REQUIRED)
        receipt = self.get_receipt(receipt_ref)
        with self.ctx.unit_of_work(source="counter") as w:
            self._lock_round(w, receipt.round_id, require_open=False)
            already = w.session.execute(
                text("SELECT 1 FROM distribution_receipt_void WHERE receipt_id = :id"),
                {"id": receipt.id},
            ).first()
            if already:
                raise ServiceError(ALREADY_VOIDED, number=receipt.number)
            w.add(
                ReceiptVoid(
                    id=new_id(),
                    receipt_id=receipt.id,
                    round_id=receipt.round_id,
                    reason=reason,
                    **self._fact_stamp(w),
                ),
                "distribution_receipt_void",
                op="void",
            )
        return self.get_receipt(receipt.id)

    @requires(*ROUND_READERS)
    def get_receipt(self, ref: str) -> ReceiptView:
        """A receipt by id, number or QR payload."""
        ref = (ref or "").strip()
        number = self._receipt_number_in(ref)
        with self._conn() as conn:
            m = (
                conn.execute(
                    text(RECEIPT_SELECT + " WHERE r.id = :ref OR r.number = :num"),
                    {"ref": ref, "num": number or ref},
                )
                .mappings()
                .first()
            )
        if m is None:
            raise ServiceError(RECEIPT_NOT_FOUND, ref=ref)
        return self._receipt_view(m)

    def _receipt_view(self, m: Any) -> ReceiptView:
        return from_row(
            ReceiptView,
            m,
            point_name=m["point_name"] or "",
            received_at=self._local(m["received_at"]),
            voided=bool(m["voided"]),
            recipient_name=(
                MASKED_NAME if self._masked(m["recipient_person_id"]) else m["recipient_name"]
            ),
        )

    @requires(*ROUND_READERS)
    def receipts(self, round_id: str, roster_id: str | None = None) -> list[ReceiptView]:
        sql = RECEIPT_SELECT + " WHERE r.round_id = :r"
        params: dict[str, Any] = {"r": round_id}
        if roster_id:
            sql += " AND r.roster_id = :e"
            params["e"] = roster_id
        with self._conn() as conn:
            return [
                self._receipt_view(m)
                for m in conn.execute(text(sql + " ORDER BY r.hlc"), params).mappings()
            ]

    @requires(Permission.COUNTER)
    def mark(
        self,
        round_id: str,
        roster_id: str,
        kind: str,
        reason: str = "",
        *,
        point_id: str | None = None,
    ) -> None:
        """Record that a recipient did not collect: 'tidak_hadir' or 'ditolak' (reason needed)."""
        if kind not in MARK_KINDS:
            raise DistributionInputError(MARK_UNKNOWN, kind=kind)
        reason = " ".join((reason or "").split())
        if kind == "ditolak" and not reason:
            raise ServiceError(REFUSAL_REASON_REQUIRED)
        reason = reason or "Tidak hadir saat penyaluran"
        with self.ctx.unit_of_work(source="counter") as w:
            self._lock_round(w, round_id)
            entry = w.session.get(RosterEntry, roster_id)
            if entry is None or entry.round_id != round_id:
                raise ServiceError(NOT_ON_ROSTER)
            if not entry.active:
                raise ServiceError(RECIPIENT_REMOVED, name=entry.name)
            first = self._active_receipt(w.session.connection(), roster_id)
            if first is not None:
                raise ServiceError(MARK_AFTER_RECEIPT, name=entry.name, number=first["number"])
            w.add(
                CollectionMark(
                    id=new_id(),
                    round_id=round_id,
                    roster_id=roster_id,
                    point_id=point_id or entry.point_id,
                    kind=kind,
                    reason=reason,
                    **self._fact_stamp(w),
                ),
                "distribution_mark",
                op=kind,
            )

    @requires(*ROUND_READERS)
    def collector_candidates(self, roster_id: str) -> list[tuple[str, str, str]]:
        """(name, NIK, SHDK relation) of the living members of the recipient's KK, for the
        proxy dialog."""
        with self._conn() as conn:
            entry = (
                conn.execute(
                    text(
                        "SELECT e.household_id, e.person_id, p.household_id AS live_household "
                        "FROM distribution_roster e LEFT JOIN person p ON p.id = e.person_id "
                        "WHERE e.id = :id"
                    ),
                    {"id": roster_id},
                )
                .mappings()
                .first()
            )
            if entry is None:
                return []
            household = entry["household_id"] or entry["live_household"]
            if not household:
                return []
            rows = conn.execute(
                text(
                    "SELECT name, nik, coalesce(relation, '') FROM person WHERE household_id = :h "
                    "AND deleted = 0 AND status != 'meninggal' AND id != :me AND nik IS NOT NULL "
                    "ORDER BY relation = 'kepala' DESC, birth_date"
                ),
                {"h": household, "me": entry["person_id"] or ""},
            ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    @requires(*ROUND_READERS)
    def recipient_deceased(self, roster_id: str) -> bool:
        status = self._first_value(
            "SELECT p.status FROM distribution_roster e JOIN person p "
            "ON p.id = e.person_id WHERE e.id = :id",
            {"id": roster_id},
        )
        return bool(status == PersonStatus.MENINGGAL.value)

    # -- scan logs -----------------------------------------------------------------------------
    @requires(Permission.COUNTER)
    def receive_batch(
        self, round_ref: str, rows: Sequence[dict[str, str]], point_ref: str | None = None
    ) -> BatchReport:
        """Record a scan log all-or-nothing: every row is checked, and only when all are fine
        are they recorded, in one transaction."""
        rnd = self.get_round(round_ref)
        self._require_writable(rnd)
        if rnd.status != RoundStatus.OPEN.value:
            raise ServiceError(ROUND_NOT_OPEN_NOTHING_RECORDED, name=rnd.name)
        point_id = self.get_point(rnd.id, point_ref).id if point_ref else None
        report = BatchReport()
        plans: list[tuple[str, Proxy | None, str | None]] = []
        seen: dict[str, int] = {}
        for i, row in enumerate(rows, start=2):
            code = (row.get("code") or "").strip()
            try:
                row_point = point_id
                if row.get("point"):
                    row_point = self.get_point(rnd.id, row["point"]).id
                entry = self.scan(rnd.id, code, row_point)
                proxy = self._clean_proxy(
                    Proxy(
                        row.get("proxy_name", ""),
                        row.get("proxy_nik", ""),
                        row.get("proxy_relation", ""),
                    )
                )
                if proxy is None:
                    # A member's own NIK in a scan log: that member collected (receive_code).
                    proxy = self.member_proxy(entry)
                if entry.id in seen:
                    raise ServiceError(BATCH_TWICE, name=entry.name, first=seen[entry.id], second=i)
                if entry.received:
                    raise ServiceError(
                        BATCH_ALREADY_RECEIVED, name=entry.name, number=entry.receipt_number
                    )
                with self._conn() as conn:
                    entry_map = (
                        conn.execute(
                            text(
                                "SELECT id, name, nik, kk_number, household_id, person_id "
                                "FROM distribution_roster WHERE id = :id"
                            ),
                            {"id": entry.id},
                        )
                        .mappings()
                        .first()
                    )
                    self._check_collector(conn, entry_map, proxy)
                seen[entry.id] = i
                plans.append((entry.id, proxy, row_point))
                report.rows.append(RowReport(i, code, f"OK: {entry.name}", True))
            except ServiceError as exc:
                report.rows.append(RowReport(i, code, exc.message, False, exc))
        if not report.ok:
            return report
        report.recorded = self._record_many(rnd.id, plans)
        for row_report, receipt in zip(report.rows, report.recorded, strict=True):
            row_report.message = f"{receipt.number}: {receipt.recipient_name}"
        return report

    def _record_many(
        self, round_id: str, plans: Sequence[tuple[str, Proxy | None, str | None]]
    ) -> list[ReceiptView]:
        """All receipts of a scan log in one transaction, each checked again under the lock."""
        key, device = self.receipt_code_key(), self._device_prefix()
        signer = self.receipt_signing_key()
        with self.ctx.unit_of_work(source="scan_log") as w:
            return [
                self._record(w, round_id, roster_id, proxy, point_id, key, device, signer)
                for roster_id, proxy, point_id in plans
            ]


class _NotSimple(Exception):
    """The scan fast path met a case only the general path handles; nothing was written."""


@contextmanager
def _plain_unit(ctx: AppContext, source: str) -> Iterator[tuple[UnitOfWork, driver.Connection]]:
    """`ctx.unit_of_work(source)` for the counter's plain path, on one pooled sqlite3
    connection and without an SQLAlchemy session: the session's begin, commit, close and
    connection reset were ~0.2 ms of a 0.7 ms scan (issue 17). What the unit of work
    guarantees is kept, in its order: every statement in one transaction (sqlite3 begins it at
    the first write), the clock persisted in it, committed with synchronous=FULL, rolled back
    whole on any error (storage failures become the same WriteFailedError a clerk is shown),
    then the subscribers told. The writes must go through `db` and log themselves
    (`_insert_logged`); the UnitOfWork's session is never connected."""
    with ctx.db.plain() as db:
        w = UnitOfWork(ctx.db.session(), ctx, source=source)
        try:
            yield w, db
            if w.last_stamp is not None:
                save_clock(db, w.last_stamp)
            changes = w.change_set()
            db.commit()
        except driver.dbapi.Error as exc:
            db.rollback()
            raise classify_write_error(exc) from exc
        except BaseException:
            db.rollback()
            raise
    if changes:
        ctx.notify(changes)


_RECEIPTS: Table = Receipt.__table__  # type: ignore[attr-defined]
_POINT_NAME = "SELECT name FROM distribution_point WHERE id = ?"
# RECORD_STATE's columns and joins, for an entry by id or as `Lookup.find` finds a scanned code
# (at most two rows: one is an answer, two are several entries): the lookup and the read of
# everything the checks need in one statement.
_STATE_FROM = RECORD_STATE.text.rsplit("WHERE", 1)[0]
_STATE_BY_ID = _STATE_FROM + "WHERE e.id = :id"
_STATE_BY_CARD = _STATE_FROM + "WHERE e.round_id = :r AND e.card_code = :c LIMIT 2"
_STATE_BY_NIK = _STATE_FROM + "WHERE e.round_id = :r AND e.nik = :c LIMIT 2"
_STATE_BY_KK = _STATE_FROM + "WHERE e.round_id = :r AND e.kk_number = :c LIMIT 2"


def _states(db: driver.Connection, sql: str, params: dict[str, str]) -> list[dict[str, Any]]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def _entry_state(db: driver.Connection, roster_id: str) -> dict[str, Any]:
    """RECORD_STATE of one entry, or _NotSimple when there is none (the general path says
    which refusal applies)."""
    found = _states(db, _STATE_BY_ID, {"id": roster_id})
    if not found:
        raise _NotSimple
    return found[0]


def _scanned_state(db: driver.Connection, round_id: str, code: str) -> dict[str, Any]:
    """RECORD_STATE of the one roster entry `code` names the way `Lookup.find` would, or
    _NotSimple: several entries, none, a name, or a NIK that may be a household member's (the
    general path asks who collects)."""
    digits = clean_number(code)
    params = {"r": round_id, "c": digits}
    if digits.isdigit() and len(digits) == 16:
        found = _states(db, _STATE_BY_NIK, params)
        # The recipient's own NIK: `find` marks the recipient as matched, which is no proxy.
        # An entry without a registry person is left to the general path.
        if len(found) == 1 and found[0]["person_id"]:
            return found[0]
        if found:
            raise _NotSimple
        found = _states(db, _STATE_BY_KK, params)
    else:
        params["c"] = re.sub(r"\s", "", code).upper()
        found = _states(db, _STATE_BY_CARD, params)
    if len(found) != 1:
        raise _NotSimple
    return found[0]


# What services.bulk leaves out of a change-log row's changes, and the change-log columns.
_SKIP_IN_LOG = ("hlc", "created_at", "updated_at")
_LOG_COLUMNS = (
    "id", "hlc", "device_id", "actor", "at", "entity", "entity_id", "op", "changes", "source",
    "batch_id",
)  # fmt: skip
_dumps = json.JSONEncoder(
    ensure_ascii=False,
    sort_keys=True,
    default=lambda v: v.isoformat() if isinstance(v, datetime | date) else repr(v),
).encode
# Per table: the INSERT statement and each column's name and bind processor (or None).
_INSERTS: dict[str, tuple[str, list[tuple[str, Any]]]] = {}


def _bound(table: Table, dialect: Dialect, values: dict) -> tuple[str, dict[str, Any]]:
    """The INSERT of one row and its values converted by each column's own SQLAlchemy type, so
    it is stored exactly as `services.bulk.bulk_insert` (and the ORM) would store it."""
    prepared = _INSERTS.get(table.name)
    if prepared is None:
        columns = [
            (c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in table.columns
        ]
        names = ", ".join(f'"{name}"' for name, _ in columns)
        marks = ", ".join(f":{name}" for name, _ in columns)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        prepared = _INSERTS[table.name] = (sql, columns)
    sql, columns = prepared
    params = {}
    for name, process in columns:
        value = values.get(name)
        params[name] = process(value) if process is not None and value is not None else value
    return sql, params


def _plain_insert(db: driver.Connection, table: Table, dialect: Dialect, values: dict) -> None:
    sql, params = _bound(table, dialect, values)
    db.execute(sql, params)


# The hash of the newest change-log entry this device wrote: what the chain trigger links a new
# entry to (it takes the entry before NEW.seq; a new entry has the highest seq).
_CHAIN_HEAD = "SELECT hash FROM change_log WHERE device_id = ? ORDER BY seq DESC LIMIT 1"


def _chain_log(db: driver.Connection, log: dict[str, Any]) -> None:
    """Fill `prev_hash` and `hash` of a change-log row about to be inserted, from its stored
    values, with storage/chain.py's own `row_hash`: the trigger (`change_log_chain`) leaves a
    row with a hash alone. The trigger's UPDATE rewrote the row just inserted and called back
    into Python through SQLite; computing the hash here is one indexed read instead. The hash is
    the one the trigger would give, and `berdaya check` verifies it the same way."""
    head = db.execute(_CHAIN_HEAD, (log["device_id"],)).fetchone()
    prev = head[0] if head is not None and head[0] is not None else chain.GENESIS
    log["prev_hash"] = prev
    log["hash"] = chain.row_hash([log[name] for name in chain.CHAIN_FIELDS], prev)


def _insert_logged(
    w: UnitOfWork, db: driver.Connection, table: Table, entity: str, row: dict, op: str
) -> None:
    """One new synced row and its change-log row, chained, on the unit of work's plain
    connection: the same rows `bulk_insert(w, entity, [row], op=op)` writes, without
    SQLAlchemy per statement."""
    dialect = w.ctx.db.engine.dialect
    stamp = w.stamp()
    now = w.now()
    full = {**row, "hlc": stamp}
    for key in ("created_at", "updated_at"):
        if key in table.columns:
            full.setdefault(key, now)
    changes = {k: [None, v] for k, v in full.items() if v is not None and k not in _SKIP_IN_LOG}
    log = dict(
        zip(
            _LOG_COLUMNS,
            (new_id(), stamp, w.ctx.device.id, w.ctx.actor, now, entity, full["id"], op,
             _dumps(changes), w.source, w.batch_id),
            strict=True,
        )
    )  # fmt: skip
    _plain_insert(db, table, dialect, full)
    log_sql, log_params = _bound(_CHANGE_LOG, dialect, log)
    if CHAIN_IN_PYTHON:
        _chain_log(db, log_params)
    db.execute(log_sql, log_params)
    w.logged(entity, [full["id"]], created=op == "create")


_CHANGE_LOG: Table = ChangeLog.__table__  # type: ignore[attr-defined]
# Whether the plain path hashes its change-log rows itself (False: the trigger does, as for
# every other writer). A switch for bench/bench_scan.py, which measures both in one run.
CHAIN_IN_PYTHON = True
