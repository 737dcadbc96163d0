"""Device names: the prefix every receipt, certificate and card number carries.

Two laptops must never mint the same number, so the name is short, upper-case, unique per office
and checked the same way at every place that accepts one (profile, register, join, numbering).
"""

from __future__ import annotations

import re

__all__ = [
    "DEVICE_NAME_PATTERN",
    "DEFAULT_DEVICE_NAME",
    "check_numbering",
    "is_device_name",
    "normalise_device_name",
    "require_device_name",
    "scanned_number",
    "suggest_device_name",
]

DEVICE_NAME_PATTERN = r"[A-Z0-9]{2,8}"
DEFAULT_DEVICE_NAME = "KANTOR"
_DEVICE_NAME = re.compile(rf"^{DEVICE_NAME_PATTERN}$")


def normalise_device_name(text: str) -> str:
    """What a person typed, as the name would be stored: trimmed and upper-case."""
    return (text or "").strip().upper()


def is_device_name(text: str) -> bool:
    """True for 2–8 characters A–Z/0–9 (already normalised)."""
    return bool(_DEVICE_NAME.match(text or ""))


def suggest_device_name(taken: set[str] | frozenset[str], stem: str = "LAP") -> str:
    """The first free name LAP01, LAP02, … (then LAP100…) not in `taken`: what a form offers
    when the name a laptop arrived with is already used."""
    n = 1
    while True:
        name = f"{stem}{n:02d}"
        if name not in taken and is_device_name(name):
            return name
        n += 1


def check_numbering(device: str, sequence: int) -> None:
    """Refuse to mint a receipt, card or certificate number from a bad device name or counter:
    a malformed number could collide with another device's or not parse back."""
    if sequence < 1:
        raise ValueError(f"sequence must be positive, got {sequence}")
    require_device_name(device)


def require_device_name(device: str) -> str:
    """`device`, refused (ValueError) unless it is a valid device name."""
    if not is_device_name(device):
        raise ValueError(f"device name must be 2-8 capital letters/digits, got {device!r}")
    return device


def scanned_number(text: str | None) -> str:
    """A minted number as typed or scanned, made comparable: white space dropped, upper-case."""
    return re.sub(r"\s", "", str(text or "")).upper()
