"""How persons' names, addresses and program lists are written, the same way everywhere.

The registry's lists, the import's comparisons and the exports all show these values; keeping
one definition here means a clerk never sees "RT 3" in one place and "RT 003" in another.
"""

from __future__ import annotations

import re

from desktop_app.domain.programs import PROGRAMS

__all__ = [
    "blank_to_none",
    "format_address",
    "normalise_name",
    "pad_rt",
    "program_names",
]

# Honorifics and degrees that people add to or drop from a name between two lists.
_HONORIFICS = frozenset({"H", "HJ", "IR", "DR", "SH", "SPD", "ST"})


def normalise_name(name: str) -> str:
    """A name for comparison: without case, punctuation or common honorifics."""
    name = re.sub(r"[^A-Za-z ]", " ", name).upper()
    return " ".join(w for w in name.split() if w not in _HONORIFICS)


def blank_to_none(value: str | None) -> str | None:
    """Text with runs of white space collapsed; empty text becomes None."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def pad_rt(value: str | None) -> str | None:
    """RT/RW are written as three digits on Indonesian documents ("003")."""
    value = blank_to_none(value)
    if value and value.isdigit():
        return value.zfill(3)
    return value


def format_address(street: str | None, rt: str | None, rw: str | None) -> str:
    """One line: "Jl. Merdeka 5, RT 003/RW 002" (parts that are missing are left out)."""
    parts = [street or ""]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return ", ".join(p for p in parts if p)


def program_names(codes: str | None) -> str:
    """Short names of a comma-separated list of program codes, each once, in order.

    Unknown codes are shown as they are (a newer version may know programs this one does not).
    """
    if not codes:
        return ""
    seen: list[str] = []
    for code in codes.split(","):
        short = PROGRAMS[code].short if code in PROGRAMS else code
        if short not in seen:
            seen.append(short)
    return ", ".join(seen)
