"""Time-ordered identifiers for synced rows (UUIDv7, RFC 9562)."""

from __future__ import annotations

import os
import threading
import time
import uuid

__all__ = ["id_timestamp_ms", "new_id"]

_lock = threading.Lock()
_last_ms = -1
_last_seq = 0
_SEQ_BITS = 12
_SEQ_MAX = (1 << _SEQ_BITS) - 1


def new_id() -> str:
    """A UUIDv7 as a canonical 36-character string.

    Layout (RFC 9562 section 5.7): 48-bit Unix milliseconds, version 7, a 12-bit counter
    (method 1 of section 6.2) so ids minted in the same millisecond by this process still sort
    in creation order, the variant bits, then 62 random bits. If the wall clock steps back, the
    last timestamp is reused, keeping ids monotonic within the process.
    """
    global _last_ms, _last_seq
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # Start the counter in the lower half so bursts in one millisecond have room.
            _last_seq = int.from_bytes(os.urandom(2), "big") & (_SEQ_MAX >> 1)
        else:
            _last_seq += 1
            if _last_seq > _SEQ_MAX:
                _last_ms += 1
                _last_seq = 0
        ms, seq = _last_ms, _last_seq
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


def id_timestamp_ms(value: str) -> int:
    """The Unix millisecond timestamp embedded in a UUIDv7 string."""
    parsed = uuid.UUID(value)
    if parsed.version != 7:
        raise ValueError(f"not a UUIDv7: {value}")
    return parsed.int >> 80
