"""Card codes (kartu KPM barcodes) that two devices can never mint twice.

A code is ``DEVICE-KSEQUENCE`` (e.g. ``LAP02-K000123``): the minting device's name from the
office profile and that device's own counter, like a receipt number. It has two parts, so it is
never mistaken for a three-part receipt number (``RST4-LAP02-000123``) at the counter. Codes
minted before this format (``K3572011001000001``) stay valid: the counter looks a card up by its
exact code, whatever its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.domain.devices import (
    DEVICE_NAME_PATTERN,
    check_numbering,
    require_device_name,
    scanned_number,
)

__all__ = ["CardCode", "card_code_prefix", "format_card_code", "parse_card_code"]

_SEQ_WIDTH = 6
_CODE = re.compile(rf"^({DEVICE_NAME_PATTERN})-K(\d{{{_SEQ_WIDTH},}})$")


@dataclass(frozen=True)
class CardCode:
    device: str
    sequence: int

    def __str__(self) -> str:
        return format_card_code(self.device, self.sequence)


def card_code_prefix(device: str) -> str:
    """What every code minted by `device` starts with (its sequence follows)."""
    return f"{require_device_name(device)}-K"


def format_card_code(device: str, sequence: int) -> str:
    check_numbering(device, sequence)
    return f"{card_code_prefix(device)}{sequence:0{_SEQ_WIDTH}d}"


def parse_card_code(text: str) -> CardCode | None:
    """The parts of a code in this format as typed or scanned; None for any other shape."""
    match = _CODE.match(scanned_number(text))
    if not match:
        return None
    return CardCode(match.group(1), int(match.group(2)))
