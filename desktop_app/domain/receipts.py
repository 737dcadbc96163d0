"""Human-readable receipt numbers that two devices can never mint twice.

A number is ``ROUND-DEVICE-SEQUENCE`` (e.g. ``RST4-LAP02-000123``): the round's short code, the
device name from the office profile and a per-device counter. The device part keeps laptops
working offline from colliding; the counter itself lives in storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from desktop_app.domain.devices import DEVICE_NAME_PATTERN, check_numbering, scanned_number

__all__ = [
    "ReceiptNumber",
    "format_receipt_number",
    "parse_receipt_number",
    "verification_code",
    "verify_code",
]

_PART = re.compile(r"^[A-Z0-9]{1,8}$")
_NUMBER = re.compile(rf"^([A-Z0-9]{{1,8}})-({DEVICE_NAME_PATTERN})-(\d{{6,}})$")
_SEQ_WIDTH = 6


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
