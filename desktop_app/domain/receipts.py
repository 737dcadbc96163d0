"""Human-readable receipt numbers that two devices can never mint twice, and what a receipt's
(or a training certificate's) signature covers and how its QR code carries it.

A number is ``ROUND-DEVICE-SEQUENCE`` (e.g. ``RST4-LAP02-000123``): the round's short code, the
device name from the office profile and a per-device counter. The device part keeps laptops
working offline from colliding; the counter itself lives in storage.

Each device signs each receipt with its own Ed25519 key over `receipt_signed_bytes` (round,
roster entry, number, time, collector, point, officer, device). The QR code carries the number
and the signature (``BERDAYA|RST4-LAP02-000123|<86 base64url characters>``); the printed short
code (`verification_code`) stays for people to read out but proves nothing. Receipts printed
before signing carry ``BERDAYA|number|short-code`` and verify as unsigned. The signing itself
needs a crypto library, so it lives in the services; this module is the pure format.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
from typing import Any

from desktop_app.domain.devices import DEVICE_NAME_PATTERN, check_numbering, scanned_number
from desktop_app.domain.training import parse_certificate_number
from desktop_app.domain.values import as_utc

__all__ = [
    "QR_PREFIX",
    "SIGNATURE_BYTES",
    "ReceiptNumber",
    "SignedCode",
    "certificate_signed_bytes",
    "decode_signature",
    "encode_signature",
    "format_receipt_number",
    "parse_receipt_number",
    "parse_signed_code",
    "receipt_signed_bytes",
    "signed_qr_payload",
    "signed_time",
    "verification_code",
    "verify_code",
]

QR_PREFIX = "BERDAYA"
SIGNATURE_BYTES = 64  # Ed25519
_SIGNATURE_CHARS = 86  # 64 bytes in unpadded base64url
_MAX_QR_TEXT = 400  # far above any real code: longer text is not ours and is not parsed

_PART = re.compile(r"^[A-Z0-9]{1,8}$")
_NUMBER = re.compile(rf"^([A-Z0-9]{{1,8}})-({DEVICE_NAME_PATTERN})-(\d{{6,}})$")
_SEQ_WIDTH = 6
_SIGNATURE_TEXT = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ReceiptNumber:
    round_code: str
    device: str
    sequence: int

    def __str__(self) -> str:
        return format_receipt_number(self.round_code, self.device, self.sequence)


def format_receipt_number(round_code: str, device: str, sequence: int) -> str:
    if not _PART.match(round_code):
        raise ValueError(f"round code must be 1-8 capital letters/digits, got {round_code!r}")
    check_numbering(device, sequence)
    # Six digits cover a city's round per device; beyond that the number simply grows.
    return f"{round_code}-{device}-{sequence:0{_SEQ_WIDTH}d}"


def parse_receipt_number(text: str) -> ReceiptNumber | None:
    """The parts of a receipt number as typed or scanned (case and spaces forgiven)."""
    match = _NUMBER.match(scanned_number(text))
    if not match:
        return None
    return ReceiptNumber(match.group(1), match.group(2), int(match.group(3)))


def verification_code(receipt_number: str, key: bytes, length: int = 6) -> str:
    """A short keyed code printed beside the receipt number (and in its QR code) so a forged
    receipt with a plausible number can be told apart. Base32 without ambiguous padding."""
    digest = hmac.new(key, receipt_number.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:length]


def verify_code(receipt_number: str, code: str, key: bytes) -> bool:
    expected = verification_code(receipt_number, key, len(code) or 6)
    return hmac.compare_digest(expected, code.strip().upper())


# -- signatures ------------------------------------------------------------------------------
# The signed byte strings are JSON arrays of text: unambiguous (no separator can be smuggled
# into a name), stable across Python versions, and a version tag in front so a later format
# can never be confused with this one. Absent values are "" so None and "" sign the same (a
# synced row may carry either).


def signed_time(value: datetime | str) -> str:
    """A time as the signature covers it: UTC, microseconds, 'Z' (storage and the change log
    spell the same instant differently)."""
    utc = as_utc(value)
    if utc is None:
        raise ValueError("a signed time is required")
    utc = utc.astimezone(UTC)
    if type(utc) is datetime and utc.year >= 1000:
        # The same text as the strftime below, several times faster (an import signs-checks
        # thousands of receipts); strftime does not pad years before 1000 the same way.
        return utc.replace(tzinfo=None).isoformat("T", "microseconds") + "Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _dumps(parts: list[str]) -> bytes:
    """The compact JSON array of these strings (what `json.dumps(parts, ensure_ascii=False,
    separators=(",", ":"))` writes), UTF-8: each string through the json module's own C
    escaper, without setting up an encoder per call (an import checks thousands of receipts)."""
    return ("[" + ",".join(map(encode_basestring, parts)) + "]").encode("utf-8")


def receipt_signed_bytes(fields: Mapping[str, Any]) -> bytes:
    """What a receipt's device signs, from a row of `distribution_receipt` (or the fields of its
    change-log entry): round, roster entry, number, time, collector, point, officer, device.
    Raises KeyError/ValueError when a field is missing or the time is unreadable."""
    return _dumps(
        [
            "berdaya-receipt/1",
            _text(fields["round_id"]),
            _text(fields["roster_id"]),
            _text(fields["number"]),
            signed_time(fields["received_at"]),
            _text(fields.get("collector_name")),
            _text(fields.get("collector_nik")),
            _text(fields.get("collector_relation")),
            _text(fields.get("point_id")),
            _text(fields.get("officer")),
            _text(fields["device_id"]),
        ]
    )


def certificate_signed_bytes(fields: Mapping[str, Any]) -> bytes:
    """What a training certificate's device signs: number, training, participant, issue date,
    attendance, the exception's reason (if any) and the signing device."""
    return _dumps(
        [
            "berdaya-certificate/1",
            _text(fields["number"]),
            _text(fields["training_id"]),
            _text(fields["participant_id"]),
            _date_text(fields["issued_on"]),
            _text(fields.get("attendance_pct")),
            _text(fields.get("override_reason")),
            _text(fields["signed_by"]),
        ]
    )


def _date_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def encode_signature(signature: bytes) -> str:
    """Compact text for a QR code and a database column: unpadded base64url."""
    return base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=")


def decode_signature(text: str) -> bytes | None:
    """The 64 signature bytes, or None when `text` is not a signature."""
    text = (text or "").strip()
    if len(text) != _SIGNATURE_CHARS or not _SIGNATURE_TEXT.fullmatch(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == SIGNATURE_BYTES else None


def signed_qr_payload(number: str, signature: str | None, short_code: str = "") -> str:
    """The QR text of a receipt or certificate: its number and signature; without a signature
    (printed before signing) the old form with the short code."""
    if signature:
        return f"{QR_PREFIX}|{number}|{signature}"
    return f"{QR_PREFIX}|{number}|{short_code}" if short_code else number


@dataclass(frozen=True)
class SignedCode:
    """What a scanned or pasted receipt/certificate code says."""

    kind: str  # "receipt" | "certificate"
    number: str
    signature: bytes | None  # None: no signature in the code (old print or typed number)
    short_code: str  # the old keyed code of an unsigned receipt's QR, else ""
    malformed_signature: bool = False  # a third part that is neither a signature nor a code


def parse_signed_code(text: str) -> SignedCode | None:
    """A receipt or certificate code as scanned (``BERDAYA|number|signature``), in the old form
    (``BERDAYA|number|code``, a bare certificate number) or typed (a number). None when the text
    is neither."""
    text = str(text or "").strip()
    if not text or len(text) > _MAX_QR_TEXT:
        return None
    parts = text.split("|")
    rest = ""
    if len(parts) > 1:
        if parts[0].strip().upper() != QR_PREFIX or len(parts) > 3:
            return None
        number_text = parts[1]
        rest = parts[2].strip() if len(parts) == 3 else ""
    else:
        number_text = text
    receipt = parse_receipt_number(number_text)
    if receipt is not None:
        kind, number = "receipt", str(receipt)
    else:
        cert = parse_certificate_number(number_text)
        if cert is None:
            return None
        kind, number = "certificate", re.sub(r"\s", "", number_text).upper()
    signature = decode_signature(rest) if rest else None
    short_code = ""
    malformed = False
    if rest and signature is None:
        if re.fullmatch(r"[A-Za-z2-7]{4,12}", rest):
            short_code = rest.upper()
        else:
            malformed = True
    return SignedCode(kind, number, signature, short_code, malformed)
