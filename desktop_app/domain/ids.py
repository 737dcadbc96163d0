"""Time-ordered identifiers for synced rows (UUIDv7, RFC 9562)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator

__all__ = ["id_stream", "id_timestamp_ms", "new_id", "new_ids"]

_lock = threading.Lock()
_last_ms = -1
_last_seq = 0
_SEQ_BITS = 12
_SEQ_MAX = (1 << _SEQ_BITS) - 1


def _reserve(n: int) -> tuple[int, int]:
    """Take ``n`` consecutive (millisecond, counter) slots; return the first. Callers hold _lock.

    The first slot follows the previous one issued by this process; later ones add 1 to the
    counter, carrying into the millisecond when it overflows (RFC 9562 section 6.2, method 1)."""
    global _last_ms, _last_seq
    now_ms = time.time_ns() // 1_000_000
    if now_ms > _last_ms:
        # Start the counter in the lower half so bursts in one millisecond have room.
        first_ms = now_ms
        first_seq = int.from_bytes(os.urandom(2), "big") & (_SEQ_MAX >> 1)
    else:
        first_ms, first_seq = _last_ms, _last_seq + 1
        if first_seq > _SEQ_MAX:
            first_ms, first_seq = first_ms + 1, 0
    last = (first_ms << _SEQ_BITS) + first_seq + n - 1
    _last_ms, _last_seq = last >> _SEQ_BITS, last & _SEQ_MAX
    return first_ms, first_seq


def new_id() -> str:
    """A UUIDv7 as a canonical 36-character string.

    Layout (RFC 9562 section 5.7): 48-bit Unix milliseconds, version 7, a 12-bit counter
    (method 1 of section 6.2) so ids minted in the same millisecond by this process still sort
    in creation order, the variant bits, then 62 random bits. If the wall clock steps back, the
    last timestamp is reused, keeping ids monotonic within the process.
    """
    with _lock:
        ms, seq = _reserve(1)
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= seq << 64
    value |= 0b10 << 62
    value |= rand_b
    # The canonical 8-4-4-4-12 text, formatted directly: bulk imports mint two ids a row, and
    # going through uuid.UUID costs three times as much for the same string.
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# The first hex digit of the fourth group: the variant bits 10, then two random bits.
_VARIANT_DIGIT = {f"{v:x}": f"{0x8 | (v & 0x3):x}" for v in range(16)}


def new_ids(n: int) -> list[str]:
    """``n`` UUIDv7 strings, as ``n`` calls of `new_id` would give, in ascending order.

    For bulk writes (an import mints two ids a row): the lock is taken once, the random bits
    come from one os.urandom call and the text is assembled from hex slices, without building
    a 128-bit integer per id (about a third of `new_id`'s cost)."""
    if n <= 0:
        return []
    with _lock:
        ms, seq = _reserve(n)
    rand = os.urandom(8 * n).hex()
    variant = _VARIANT_DIGIT
    out: list[str] = []
    append = out.append
    pos = 0
    while len(out) < n:
        # The ids of one millisecond share their first 15 characters.
        h = f"{ms & ((1 << 48) - 1):012x}"
        prefix = f"{h[:8]}-{h[8:]}-7"
        for s in range(seq, min(_SEQ_MAX + 1, seq + n - len(out))):
            r = rand[pos : pos + 16]
            pos += 16
            append(f"{prefix}{s:03x}-{variant[r[0]]}{r[1:4]}-{r[4:]}")
        ms, seq = ms + 1, 0
    return out


def id_stream(chunk: int = 1024) -> Iterator[str]:
    """An endless supply of UUIDv7 strings, taken from `new_ids` ``chunk`` at a time.

    For code that mints ids one by one in a long loop (an import's planner). The ids are
    ascending among themselves; a chunk reserves its counter slots up front, so an id drawn
    later from this stream can sort before one `new_id` minted meanwhile (both stay unique).
    Ids left in a chunk when the stream is dropped are never used."""
    while True:
        yield from new_ids(chunk)


def id_timestamp_ms(value: str) -> int:
    """The Unix millisecond timestamp embedded in a UUIDv7 string."""
    parsed = uuid.UUID(value)
    if parsed.version != 7:
        raise ValueError(f"not a UUIDv7: {value}")
    return parsed.int >> 80
