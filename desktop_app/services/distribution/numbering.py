"""Numbers people read: round codes, receipt numbers and their short codes, card codes; and
the device key that signs receipts."""

from __future__ import annotations

import json
import re
import secrets
from datetime import date

from nacl.signing import SigningKey
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.domain.access import Permission
from desktop_app.domain.cards import card_code_prefix
from desktop_app.domain.devices import is_device_name, normalise_device_name
from desktop_app.domain.programs import get_program
from desktop_app.services.access import requires
from desktop_app.services.context import ServiceError
from desktop_app.services.distribution.base import ServiceBase
from desktop_app.services.distribution.messages import (
    DEVICE_NAME_INVALID,
)
from desktop_app.services.distribution.types import (
    PROGRAM_PREFIX,
    RECEIPT_KEY,
    roman_to_int,
)
from desktop_app.services.signing import device_signing_key


class Numbering(ServiceBase):
    """Round codes, the receipt verification key, the device prefix and card sequences."""

    @requires(Permission.ROUNDS_MANAGE)
    def suggest_code(self, program_code: str, name: str, on: date | None = None) -> str:
        """A short round code for receipt numbers: program prefix and stage ("RST4")."""
        program = get_program(program_code)
        prefix = PROGRAM_PREFIX.get(program.code, re.sub(r"[^A-Z]", "", program.code)[:3])
        stage: int | None = None
        match = re.search(r"tahap\s+([IVXLC]+|\d+)\b", name, re.IGNORECASE)
        if match:
            token = match.group(1)
            stage = int(token) if token.isdigit() else roman_to_int(token)
        with self._conn() as conn:
            taken = {r[0] for r in conn.execute(text("SELECT code FROM distribution_round"))}
            if stage is None:
                stage = (
                    int(
                        conn.execute(
                            text("SELECT count(*) FROM distribution_round WHERE program_code = :p"),
                            {"p": program.code},
                        ).scalar_one()
                    )
                    + 1
                )
        base = f"{prefix}{stage}"[:8]
        year = re.search(r"\b(20\d\d)\b", name)
        yy = year.group(1)[2:] if year else f"{(on or self.ctx.clock.today()).year % 100:02d}"
        candidates = [base, f"{base}{yy}"[:8]] + [
            f"{base[:7]}{c}" for c in "BCDEFGHJKLMNPQRSTUVWXYZ"
        ]
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        return f"{prefix}{secrets.token_hex(2).upper()}"

    def receipt_code_key(self) -> bytes:
        """The office's secret for the short code printed on receipts, created on first use.

        Every laptop carries it, so the code is only a reading aid, not proof: the device's
        signature (`receipt_signing_key`) is."""
        if self._receipt_key is None:
            with self._conn() as conn:
                row = conn.execute(
                    text('SELECT value FROM setting WHERE "key" = :k'), {"k": RECEIPT_KEY}
                ).first()
            if row is None:
                # Not change-logged: the key is a secret, not a synced record (a sync checkout
                # carries it in the bundle). Two programs may get here at once: the first
                # insert wins and both read the same key back.
                with self.ctx.db.transaction() as session:
                    session.execute(
                        text(
                            'INSERT INTO setting ("key", value) VALUES (:k, :v) '
                            'ON CONFLICT ("key") DO NOTHING'
                        ),
                        {"k": RECEIPT_KEY, "v": json.dumps(secrets.token_hex(32))},
                    )
                with self._conn() as conn:
                    row = conn.execute(
                        text('SELECT value FROM setting WHERE "key" = :k'), {"k": RECEIPT_KEY}
                    ).first()
            assert row is not None
            self._receipt_key = bytes.fromhex(json.loads(row[0]))
        return self._receipt_key

    def receipt_signing_key(self) -> SigningKey:
        """This device's own Ed25519 key, which signs every receipt it records (read once)."""
        if self._signing_key is None:
            self._signing_key = device_signing_key(self.ctx)
        return self._signing_key

    def _device_prefix(self) -> str:
        """This device's name as receipt numbers and card codes carry it."""
        name = normalise_device_name(self.ctx.office.device_name or "")
        if not is_device_name(name):
            raise ServiceError(DEVICE_NAME_INVALID, name=name)
        return name

    @staticmethod
    def _next_card_sequence(conn: Connection, device: str) -> int:
        """The next sequence for card codes minted by `device`.

        Only this device mints codes with its prefix, so the largest one it holds (deleted
        households included) is its counter; the write transaction serialises two programs.
        """
        prefix = card_code_prefix(device)
        last = conn.execute(
            text(
                "SELECT max(CAST(substr(card_code, :start) AS INTEGER)) FROM household "
                "WHERE card_code LIKE :p"
            ),
            {"start": len(prefix) + 1, "p": prefix + "%"},
        ).scalar_one()
        return int(last or 0) + 1
