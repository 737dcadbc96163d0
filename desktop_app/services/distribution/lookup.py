"""Finding a recipient at the counter from a scan or what was typed."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.access import Permission
from desktop_app.domain.nik import clean_number
from desktop_app.domain.receipts import (
    parse_receipt_number,
)
from desktop_app.domain.search_text import MAX_SEARCH_TERMS, normalise_search
from desktop_app.services.access import MASKED_NAME, ROUND_READERS, requires
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution.messages import (
    ROUND_GONE,
    SCAN_AMBIGUOUS,
    SCAN_EMPTY,
    SCAN_NOT_FOUND,
    SCAN_NOT_ON_ROSTER,
    SCAN_OTHER_POINT,
    SCAN_REMOVED,
    SCAN_REMOVED_REASON,
    SCAN_ROUND_DRAFT,
    SCAN_WRONG_LENGTH,
    DistributionInputError,
)
from desktop_app.services.distribution.roster import Roster
from desktop_app.services.distribution.types import (
    QR_PREFIX,
    RosterRow,
    RoundStatus,
    name_key,
)
from desktop_app.services.signing import INVALID, UNKNOWN, verify_code_text
from desktop_app.services.signing.messages import NOT_FOUND as RECEIPT_UNKNOWN_HERE


class Lookup(Roster):
    """From what was scanned or typed to exactly one roster entry, or a refusal that says why."""

    # -- finding a recipient at the counter --------------------------------------------------
    @requires(*ROUND_READERS)
    def find(
        self, round_id: str, query: str, point_id: str | None = None, limit: int = 50
    ) -> list[RosterRow]:
        """Roster entries for what was scanned or typed: a receipt (QR or number), a card code,
        a NIK or KK (16 digits; a household member's NIK finds the KPM), or a name."""
        # What a scanner or a clerk sent, made safe once (control characters, length, terms).
        query = normalise_search(query)
        if not query:
            return []
        with self._conn() as conn:
            ids = self._find_ids(conn, round_id, query, limit)
            person = self._person_with_nik(conn, query) if ids else None
        rows = self.roster_rows_by_id(ids)
        if person is None:
            return rows
        if self._masked(person["id"]):
            person = {**person, "name": MASKED_NAME}
        return [self._with_match(row, person) for row in rows]

    @staticmethod
    def _person_with_nik(conn: Connection, query: str) -> dict[str, Any] | None:
        """The registry person whose NIK was typed or scanned, if it was a NIK."""
        digits = clean_number(query)
        if not (digits.isdigit() and len(digits) == 16):
            return None
        m = (
            conn.execute(
                text(
                    "SELECT id, name, nik, relation, household_id FROM person "
                    "WHERE nik = :c AND deleted = 0 LIMIT 1"
                ),
                {"c": digits},
            )
            .mappings()
            .first()
        )
        return dict(m) if m else None

    @staticmethod
    def _with_match(row: RosterRow, person: dict[str, Any]) -> RosterRow:
        """`row` saying whose NIK found it: the recipient's own (the roster's NIK or the same
        person), or a member of the recipient's household standing at the counter."""
        if row.kk_number == person["nik"]:
            return row  # the KK number was typed (a NIK never equals a KK, but be sure)
        if row.nik == person["nik"] or row.person_id == person["id"]:
            return replace(
                row,
                matched_person_id=row.person_id or person["id"],
                matched_name=row.name,
                matched_nik=person["nik"],
                matched_relation=person["relation"],
            )
        if row.household_id is None or person["household_id"] != row.household_id:
            return row
        return replace(
            row,
            matched_person_id=person["id"],
            matched_name=person["name"],
            matched_nik=person["nik"],
            matched_relation=person["relation"],
        )

    def _find_ids(self, conn: Connection, round_id: str, query: str, limit: int) -> list[str]:
        def ids(sql: str, **params: Any) -> list[str]:
            params.setdefault("r", round_id)
            params.setdefault("lim", limit)
            return [r[0] for r in conn.execute(text(sql), params)]

        number = self._receipt_number_in(query)
        if number:
            found = ids(
                "SELECT roster_id FROM distribution_receipt WHERE number = :n AND round_id = :r",
                n=number,
            )
            if found:
                return found
        digits = clean_number(query)
        # Name and NIK never find a restricted child for a role that may not see them.
        unseen = self._unseen_sql()
        if digits.isdigit() and len(digits) == 16:
            found = ids(
                "SELECT id FROM distribution_roster WHERE round_id = :r AND nik = :c "
                + unseen
                + " ORDER BY active DESC, no LIMIT :lim",
                c=digits,
            )
            if found:
                return found
            found = ids(
                "SELECT id FROM distribution_roster WHERE round_id = :r AND kk_number = :c "
                "ORDER BY active DESC, no LIMIT :lim",
                c=digits,
            )
            if found:
                return found
            # A member of the KPM shows their own KTP: their NIK finds the household's entry.
            return ids(
                "SELECT e.id FROM person p JOIN distribution_roster e "
                "ON e.household_id = p.household_id AND e.round_id = :r "
                "WHERE p.nik = :c AND p.deleted = 0"
                + self._unseen_sql("p.id")
                + " ORDER BY e.active DESC, e.no LIMIT :lim",
                c=digits,
            )
        card = re.sub(r"\s", "", query).upper()
        found = ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND card_code = :c "
            "ORDER BY active DESC LIMIT :lim",
            c=card,
        )
        if found:
            return found
        key = name_key(query)
        if len(key) < 2 or key.isdigit():
            return []
        found = ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND name_key >= :k "
            "AND name_key < :k || char(1114111)" + unseen + " ORDER BY name_key, no LIMIT :lim",
            k=key,
        )
        if found:
            return found
        # name_key keeps only A-Z, 0-9 and spaces, so the words carry no LIKE wildcard; their
        # number is capped like any search's ("A.B.C...." is one term but many words).
        like = "%" + "%".join(key.split()[:MAX_SEARCH_TERMS]) + "%"
        return ids(
            "SELECT id FROM distribution_roster WHERE round_id = :r AND name_key LIKE :k"
            + unseen
            + " ORDER BY name_key, no LIMIT :lim",
            k=like,
        )

    @staticmethod
    def _receipt_number_in(query: str) -> str | None:
        text_ = query.strip()
        if text_.upper().startswith(QR_PREFIX + "|"):
            parts = text_.split("|")
            text_ = parts[1] if len(parts) > 1 else ""
        parsed = parse_receipt_number(text_)
        return str(parsed) if parsed else None

    @requires(Permission.COUNTER, Permission.ROUNDS_MANAGE)
    def scan(self, round_id: str, code: str, point_id: str | None = None) -> RosterRow:
        """Exactly one roster entry for a scanned/typed code, or a ServiceError that says why."""
        code = normalise_search(code)
        if not code:
            raise DistributionInputError(SCAN_EMPTY)
        with self._conn() as conn:
            state = conn.execute(
                text("SELECT name, status FROM distribution_round WHERE id = :r"), {"r": round_id}
            ).first()
        if state is None:
            raise ServiceError(ROUND_GONE)
        if state[1] == RoundStatus.DRAFT.value:
            raise ServiceError(SCAN_ROUND_DRAFT, name=state[0])
        if code.upper().startswith(QR_PREFIX + "|"):
            self._check_receipt_qr(code)
        matches = self.find(round_id, code, point_id)
        if not matches:
            raise self._not_found(round_id, code)
        if len(matches) > 1:
            active = [m for m in matches if m.active]
            if len(active) != 1:
                raise ServiceError(SCAN_AMBIGUOUS, count=len(matches), code=code)
            matches = active
        row = matches[0]
        if not row.active:
            reason = self._removal_reason(row.id)
            if reason:
                raise ServiceError(SCAN_REMOVED_REASON, name=row.name, reason=reason)
            raise ServiceError(SCAN_REMOVED, name=row.name)
        if point_id and row.point_id and row.point_id != point_id:
            raise ServiceError(SCAN_OTHER_POINT, name=row.name, point=row.point_name)
        return row

    def _check_receipt_qr(self, code: str) -> None:
        """A scanned receipt QR whose signature does not verify is refused with the reason
        (forged, altered, signed by an unknown or revoked device). A typed number still finds
        its entry: it claims nothing. A receipt not on this device is left to the lookup."""
        try:
            verdict = verify_code_text(self.ctx, code)
        except ServiceError:
            return  # not a receipt code after all: the lookup says what it is
        if verdict.reason is None or verdict.reason.code == RECEIPT_UNKNOWN_HERE.code:
            return
        if verdict.status in (INVALID, UNKNOWN):
            raise verdict.reason

    def _removal_reason(self, roster_id: str) -> str | None:
        reason: str | None = self._first_value(
            "SELECT reason FROM distribution_roster_change WHERE roster_id = :id "
            "AND op = 'remove' ORDER BY hlc DESC LIMIT 1",
            {"id": roster_id},
        )
        return reason

    def _not_found(self, round_id: str, code: str) -> ServiceError:
        """Why nothing matched: on the registry but not the roster, a short number, or unknown."""
        rnd = self.get_round(round_id)
        digits = clean_number(code)
        with self._conn() as conn:
            known = None
            if digits.isdigit() and len(digits) == 16:
                known = conn.execute(
                    text(
                        "SELECT name FROM person WHERE nik = :c AND deleted = 0 UNION ALL "
                        "SELECT coalesce(p.name, 'KPM') FROM household h LEFT JOIN person p "
                        "ON p.id = h.head_person_id WHERE h.kk_number = :c AND h.deleted = 0 "
                        "LIMIT 1"
                    ),
                    {"c": digits},
                ).first()
            else:
                known = conn.execute(
                    text(
                        "SELECT coalesce(p.name, 'KPM') FROM household h LEFT JOIN person p "
                        "ON p.id = h.head_person_id WHERE h.card_code = :c AND h.deleted = 0"
                    ),
                    {"c": re.sub(r"\s", "", code).upper()},
                ).first()
        if known is not None:
            return ServiceError(SCAN_NOT_ON_ROSTER, name=known[0], round=rnd.name)
        if digits.isdigit() and len(digits) != 16:
            return ServiceError(SCAN_WRONG_LENGTH, code=code, digits=len(digits))
        return ServiceError(SCAN_NOT_FOUND, code=code, round=rnd.name)
