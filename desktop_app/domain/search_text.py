"""What a person typed (or a scanner, a paste, a command line sent) into a search box, made safe
to hand to the database once, in one place.

Every search in the app goes through `normalise_search`: the Registri search as you type, the
participant picker, the counter's find/scan, the roster filter and `berdaya export --query`.
Whatever the input, the result is a short line of printable text, so no query can reach SQLite
with a NUL byte (FTS5 reads it as the end of the string: "unterminated string"), a lone surrogate
(not encodable as UTF-8), thousands of characters ("LIKE or GLOB pattern too complex") or hundreds
of terms (one condition per term: "Expression tree is too large"). Nothing here refuses: a search
box that shouts while someone types is worse than one that quietly reads the sensible part.

FTS5 query syntax (quotes, parentheses, `*`, `^`, `NEAR`, `AND`/`OR`/`NOT`, `column:`) is
neutralised in two steps: `search_terms` splits on the characters that could open or close an
FTS5 string, and the storage layer wraps every term in double quotes, which makes the rest literal
text. LIKE wildcards in the short terms are escaped by `like_escape`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "LIKE_ESCAPE",
    "MAX_SEARCH_CHARS",
    "MAX_SEARCH_TERMS",
    "like_escape",
    "normalise_search",
    "search_terms",
]

# Longer than any name + NIK + KK + street a clerk would type (a full NIK is 16 characters, a long
# name 60); a paste of a whole document is cut here rather than sent to SQLite.
MAX_SEARCH_CHARS = 200
# Each term is one more condition; a dozen is more than any real search ("siti 3572 kenanga").
MAX_SEARCH_TERMS = 12
# Only this much of the raw input is looked at: bounds the work on a megabyte paste. Generous
# enough that leading junk (spaces, control characters) rarely hides the words after it.
_SCAN_CHARS = MAX_SEARCH_CHARS * 20

_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters that separate search terms besides whitespace. Dots and dashes inside numbers
# ("3572.01", "3572-01") are noise a clerk types from paper; quotes would open or close an FTS5
# string. Kept exactly as the search has always split, so matching is unchanged.
_SEPARATORS = re.compile(r"[\"'.\-]")

LIKE_ESCAPE = "\\"


def _printable(text: str) -> str:
    """Control characters (C0, DEL, C1, line/paragraph separators) become spaces: they separate
    words when they come from a tab or a scanner's Enter. Invisible format characters (zero-width
    space, BOM, direction marks), lone surrogates (from an undecodable command-line argument),
    private-use and unassigned code points are dropped: they are never part of a stored name."""
    if text.isascii():
        return _ASCII_CONTROL.sub(" ", text)
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch.isspace() or unicodedata.category(ch) == "Cc":
            out.append(" ")
    return "".join(out)


def normalise_search(text: object) -> str:
    """The search text to use for `text`: printable, single-spaced, at most MAX_SEARCH_TERMS
    whitespace-separated terms and MAX_SEARCH_CHARS characters; "" when nothing is left.

    Idempotent: normalising a normalised text changes nothing, so a service that normalises and
    a storage function that normalises again agree.
    """
    if text is None:
        return ""
    raw = text if isinstance(text, str) else str(text)
    words = _printable(raw[:_SCAN_CHARS]).split()
    folded = " ".join(words[:MAX_SEARCH_TERMS])
    return folded[:MAX_SEARCH_CHARS].rstrip()


def search_terms(text: object) -> list[str]:
    """The terms of a search, each free of whitespace, quotes, dots and dashes; at most
    MAX_SEARCH_TERMS of them (splitting on dots can make more terms than there were words)."""
    cleaned = _SEPARATORS.sub(" ", normalise_search(text))
    return cleaned.split()[:MAX_SEARCH_TERMS]


def like_escape(term: str) -> str:
    """`term` with LIKE's wildcards (% and _) and the escape character taken literally, for a
    pattern compared with `LIKE :p ESCAPE '\\'`."""
    return (
        term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
