"""Checking a receipt's or certificate's signature offline: at the counter, at import and on
demand (`berdaya verify`, the "Verifikasi tanda terima / sertifikat" dialog).

The QR code carries the number and the signature; the signed facts (round, roster entry, time,
collector, point, officer, device) come from this database's own row, and the signer's public
key from the devices it knows (see keys.py). So a receipt verifies where it has been synced,
and a code copied onto another receipt, or a receipt whose facts were changed, does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from sqlalchemy import text

from desktop_app.domain.clock import WIB
from desktop_app.domain.errors import Msg
from desktop_app.domain.office import format_date_id
from desktop_app.domain.receipts import (
    SignedCode,
    certificate_signed_bytes,
    decode_signature,
    parse_signed_code,
    receipt_signed_bytes,
)
from desktop_app.domain.values import as_utc
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.signing import messages as M
from desktop_app.services.signing.keys import SignerKey, signer_keys

__all__ = [
    "INVALID",
    "UNKNOWN",
    "UNSIGNED",
    "VALID",
    "SignatureChecker",
    "Verification",
    "verify_code_text",
    "verify_receipt_entry",
]

VALID, UNSIGNED, INVALID, UNKNOWN = "valid", "unsigned", "invalid", "unknown"
_VERDICTS = {
    VALID: M.VERDICT_VALID,
    UNSIGNED: M.VERDICT_UNSIGNED,
    INVALID: M.VERDICT_INVALID,
    UNKNOWN: M.VERDICT_UNKNOWN,
}


@dataclass(frozen=True)
class Verification:
    """The verdict on one code, and what the record says (who/when/where) when it is known."""

    status: str  # VALID / UNSIGNED / INVALID / UNKNOWN
    kind: str  # "receipt" | "certificate"
    number: str
    reason: ServiceError | None = None  # why it is not VALID (None for VALID and UNSIGNED)
    details: tuple[tuple[str, str], ...] = field(default=())  # (Indonesian label, value)

    @property
    def verdict(self) -> Msg:
        return _VERDICTS[self.status]

    @property
    def exit_code(self) -> int:
        """`berdaya verify`: 0 valid (or an old unsigned one that matches the records), 1 not."""
        return 0 if self.status in (VALID, UNSIGNED) else 1


class SignatureChecker:
    """Verifies signatures against the keys this database knows; one per import or dialog, so
    the keys are read once (an import checks thousands of receipts)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._keys: dict[str, SignerKey] | None = None
        self._verifiers: dict[str, VerifyKey] = {}

    def keys(self) -> dict[str, SignerKey]:
        if self._keys is None:
            self._keys = signer_keys(self.ctx)
        return self._keys

    def problem(
        self,
        number: str,
        device_id: str,
        message: bytes,
        signature: bytes,
        signed_at: datetime | None,
        device_name: str = "",
    ) -> ServiceError | None:
        """None when `signature` is `device_id`'s signature of `message`; else why not."""
        key = self.keys().get(device_id)
        if key is None:
            return ServiceError(M.SIGNER_UNKNOWN, device=device_name or device_id, number=number)
        verifier = self._verifiers.get(device_id)
        if verifier is None:
            verifier = self._verifiers[device_id] = VerifyKey(key.verify_key)
        try:
            verifier.verify(message, signature)
        except BadSignatureError:
            return ServiceError(M.SIGNATURE_BAD, number=number)
        if key.revoked_at is not None and (signed_at is None or signed_at > key.revoked_at):
            # A stolen laptop's key signs whatever it is told: only what it signed before it
            # was revoked counts.
            return ServiceError(
                M.SIGNED_AFTER_REVOKED,
                number=number,
                device=key.name,
                when=f"{key.revoked_at:%Y-%m-%d %H:%M} UTC",
            )
        return None

    def receipt_problem(
        self, fields: Mapping[str, Any], *, require_signature: bool = True
    ) -> ServiceError | None:
        """Why a receipt's stored fields (a `distribution_receipt` row or its change-log entry's
        fields) do not carry a valid signature of their device, or None."""
        number = str(fields.get("number") or "?")
        encoded = fields.get("signature")
        if not encoded:
            return ServiceError(M.SIGNATURE_MISSING, number=number) if require_signature else None
        signature = decode_signature(str(encoded))
        if signature is None:
            return ServiceError(M.SIGNATURE_MALFORMED, number=number)
        try:
            message = receipt_signed_bytes(fields)
            signed_at = as_utc(fields["received_at"])
        except (KeyError, ValueError, TypeError):
            return ServiceError(M.SIGNATURE_BAD, number=number)
        return self.problem(
            number,
            str(fields.get("device_id") or ""),
            message,
            signature,
            signed_at,
            str(fields.get("device_name") or ""),
        )


def verify_receipt_entry(
    ctx: AppContext,
    fields: Mapping[str, Any],
    *,
    require_signature: bool = True,
    checker: SignatureChecker | None = None,
) -> ServiceError | None:
    """For the import path: None when the receipt's fields carry a valid signature of the
    device named in them, else the coded reason to quarantine it with. Pass one `checker` for
    a whole bundle so the keys are read once."""
    return (checker or SignatureChecker(ctx)).receipt_problem(
        fields, require_signature=require_signature
    )


# -- on demand ---------------------------------------------------------------------------------
_RECEIPT_ROW = text(
    """
    SELECT r.*, e.name AS recipient_name, d.name AS round_name, p.name AS point_name,
           (SELECT v.reason FROM distribution_receipt_void v WHERE v.receipt_id = r.id
            LIMIT 1) AS void_reason
    FROM distribution_receipt r
    JOIN distribution_roster e ON e.id = r.roster_id
    JOIN distribution_round d ON d.id = r.round_id
    LEFT JOIN distribution_point p ON p.id = r.point_id
    WHERE r.number = :n
    """
)
_CERTIFICATE_ROW = text(
    """
    SELECT c.*, t.title, t.venue, p.name AS participant_name
    FROM certificate c
    JOIN training t ON t.id = c.training_id
    JOIN training_participant tp ON tp.id = c.participant_id
    LEFT JOIN person p ON p.id = tp.person_id
    WHERE c.number = :n AND c.deleted = 0
    """
)


def verify_code_text(
    ctx: AppContext, code_text: str, checker: SignatureChecker | None = None
) -> Verification:
    """The verdict on a scanned, pasted or typed receipt/certificate code. Raises
    ServiceError(signing.code_unreadable) when the text is neither."""
    parsed = parse_signed_code(code_text)
    if parsed is None:
        raise ServiceError(M.CODE_UNREADABLE)
    checker = checker or SignatureChecker(ctx)
    sql = _RECEIPT_ROW if parsed.kind == "receipt" else _CERTIFICATE_ROW
    with ctx.db.engine.connect() as conn:
        found = conn.execute(sql, {"n": parsed.number}).mappings().first()
    if found is None:
        return Verification(
            UNKNOWN, parsed.kind, parsed.number, ServiceError(M.NOT_FOUND, number=parsed.number)
        )
    row: dict[str, Any] = dict(found)
    tz: tzinfo = getattr(ctx.clock, "tz", WIB)
    if parsed.kind == "receipt":
        details = _receipt_details(row, tz)
        signed_at = as_utc(row["received_at"])
        device_id, device_name = str(row["device_id"]), str(row["device_name"])
        message = receipt_signed_bytes(row)
        recorded_code = str(row["verification_code"] or "")
    else:
        details = _certificate_details(row)
        signed_at = None if row["signed_by"] is None else as_utc(row["created_at"])
        device_id, device_name = str(row["signed_by"] or ""), str(row["device"])
        message = certificate_signed_bytes(row) if row["signed_by"] else b""
        recorded_code = ""
    status, reason = _judge(
        parsed, checker, row["signature"], recorded_code, device_id, device_name, message, signed_at
    )
    return Verification(status, parsed.kind, parsed.number, reason, details)


def _judge(
    parsed: SignedCode,
    checker: SignatureChecker,
    stored_signature: str | None,
    recorded_code: str,
    device_id: str,
    device_name: str,
    message: bytes,
    signed_at: datetime | None,
) -> tuple[str, ServiceError | None]:
    number = parsed.number
    if parsed.malformed_signature:
        return INVALID, ServiceError(M.SIGNATURE_MALFORMED, number=number)
    if parsed.signature is not None:
        if not device_id:  # the record was never signed, yet the code claims a signature
            return INVALID, ServiceError(M.SIGNATURE_BAD, number=number)
        problem = checker.problem(
            number, device_id, message, parsed.signature, signed_at, device_name
        )
        if problem is None:
            return VALID, None
        status = UNKNOWN if problem.code == M.SIGNER_UNKNOWN.code else INVALID
        return status, problem
    if stored_signature:
        # A signed record presented without its signature (a typed number, or a copied old-style
        # QR): the code proves nothing.
        return UNKNOWN, ServiceError(M.SIGNATURE_MISSING, number=number)
    if parsed.short_code and parsed.short_code != recorded_code.upper():
        return INVALID, ServiceError(M.SHORT_CODE_MISMATCH, number=number)
    return UNSIGNED, None


def _local_text(value: Any, tz: tzinfo) -> str:
    utc = as_utc(value)
    if utc is None:
        return "-"
    local = utc.astimezone(tz)
    return f"{format_date_id(local.date())} pukul {local:%H.%M}"


def _receipt_details(row: Mapping[str, Any], tz: tzinfo) -> tuple[tuple[str, str], ...]:
    out = [
        ("Jenis", "Tanda terima bantuan"),
        ("Nomor", str(row["number"])),
        ("Babak", str(row["round_name"])),
        ("Penerima", str(row["recipient_name"])),
    ]
    if row["collector_name"]:
        out.append(("Diambil oleh", str(row["collector_name"])))
    out += [
        ("Waktu", _local_text(row["received_at"], tz)),
        ("Titik salur", str(row["point_name"] or "-")),
        ("Petugas", str(row["officer"])),
        ("Perangkat", str(row["device_name"])),
    ]
    if row["void_reason"] is not None:
        out.append(("Dibatalkan", str(row["void_reason"])))
    return tuple(out)


def _certificate_details(row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    issued = row["issued_on"]
    issued_text = format_date_id(issued) if not isinstance(issued, str) else issued
    return (
        ("Jenis", "Sertifikat pelatihan"),
        ("Nomor", str(row["number"])),
        ("Pelatihan", str(row["title"])),
        ("Peserta", str(row["participant_name"] or "-")),
        ("Tanggal terbit", issued_text),
        ("Tempat", str(row["venue"] or "-")),
        ("Perangkat", str(row["device"])),
    )
