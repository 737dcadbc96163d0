"""Device names: the prefix every receipt, certificate and card number carries.

Two laptops must never mint the same number, so the name is short, upper-case, unique per office
and checked the same way at every place that accepts one (profile, register, join, numbering).
"""

from __future__ import annotations

import re

__all__ = ["DEVICE_NAME_PATTERN", "DEFAULT_DEVICE_NAME", "is_device_name", "normalise_device_name"]

DEVICE_NAME_PATTERN = r"[A-Z0-9]{2,8}"
DEFAULT_DEVICE_NAME = "KANTOR"
_DEVICE_NAME = re.compile(rf"^{DEVICE_NAME_PATTERN}$")


def normalise_device_name(text: str) -> str:
    """What a person typed, as the name would be stored: trimmed and upper-case."""
    return (text or "").strip().upper()


def is_device_name(text: str) -> bool:
    """True for 2–8 characters A–Z/0–9 (already normalised)."""
    return bool(_DEVICE_NAME.match(text or ""))
