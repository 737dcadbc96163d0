"""The change-log chain across sync: a laptop's return bundle must continue its chain as the
office last accepted it.

A return bundle carries the laptop's own entries that sync (with their `prev_hash` and `hash`)
and, under `payload["chain"]`, the rest of its chain over the same range: `start` (the hash its
first entry continues) and `links`, the `[prev_hash, hash]` of its entries that stay on the
laptop (settings, device bookkeeping), never their content. The office walks the links from
`start`: a missing entry leaves a gap, and a chain that does not pass through the hash the
office accepted last (`SyncPeer.chain_hash`) was rewritten. Either way the bundle's new entries
are held in quarantine with a coded reason, like entries the sender had no authority to make;
a supervisor decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from desktop_app.services.sync import messages as M
from desktop_app.services.sync.authority import Violation
from desktop_app.services.sync.bundle import Manifest
from desktop_app.services.sync.policies import POLICIES, Entry
from desktop_app.storage.chain import GENESIS, walk_links

__all__ = [
    "CHAIN_SCHEMA",
    "ChainCheck",
    "altered_entry",
    "chain_segment",
    "check_return_chain",
]

# The first schema whose entries are chained (storage migration step 11): bundles of older
# versions carry no hashes and are taken as they are.
CHAIN_SCHEMA = 11

_OWN_ROWS = text(
    "SELECT entity, prev_hash, hash FROM change_log WHERE device_id = :d AND seq > :s ORDER BY seq"
)
_HEAD_BEFORE = text(
    "SELECT hash FROM change_log WHERE device_id = :d AND seq <= :s ORDER BY seq DESC LIMIT 1"
)


def chain_segment(s: Session, device_id: str, after_seq: int) -> dict[str, Any]:
    """`payload["chain"]` of a return bundle with this device's entries after `after_seq`."""
    rows = s.execute(_OWN_ROWS, {"d": device_id, "s": after_seq}).all()
    if rows:
        start = rows[0].prev_hash or GENESIS
    else:
        start = s.execute(_HEAD_BEFORE, {"d": device_id, "s": after_seq}).scalar() or GENESIS
    links = [[r.prev_hash or GENESIS, r.hash] for r in rows if r.entity not in POLICIES]
    return {"start": start, "links": links}


def altered_entry(e: Entry, m: Manifest) -> bool:
    """The entry's fields do not give the hash it carries (or a chained sender sent none)."""
    if e.hash is None:
        return m.schema_version >= CHAIN_SCHEMA
    return e.computed_hash() != e.hash


@dataclass(frozen=True)
class ChainCheck:
    """What the office learnt from a return bundle's chain: the violation (None when it
    continues the accepted chain) and the laptop's new chain head (None: leave it)."""

    violation: Violation | None
    head: str | None


def _links(chain: Any) -> tuple[str, list[tuple[str, str]]] | None:
    if not isinstance(chain, dict) or not isinstance(chain.get("start"), str):
        return None
    links = chain.get("links")
    if not isinstance(links, list):
        return None
    out: list[tuple[str, str]] = []
    for link in links:
        if (
            not isinstance(link, list)
            or len(link) != 2
            or not all(isinstance(v, str) for v in link)
        ):
            return None
        out.append((link[0], link[1]))
    return chain["start"], out


def check_return_chain(
    m: Manifest,
    payload: dict[str, Any],
    entries: Sequence[Entry],
    accepted_head: str,
    sender_name: str,
) -> ChainCheck:
    """Whether a return bundle continues the sender's chain from `accepted_head` ("" when the
    office has accepted none of it yet) without a gap. `entries`: all of the bundle's entries."""
    if m.schema_version < CHAIN_SCHEMA:
        return ChainCheck(None, None)  # a laptop not yet upgraded: nothing to check
    params = {"device": sender_name}
    parsed = _links(payload.get("chain"))
    own = [e for e in entries if e.device_id == m.from_device]
    if parsed is None or any(e.hash is None for e in own):
        return ChainCheck(Violation(M.RULE_CHAIN_GAP, params), None)
    start, links = parsed
    # One node per (prev, hash): an entry listed twice, or also as a link, is one entry.
    pairs = [(e.prev_hash or GENESIS, e.hash or "") for e in own]
    path = walk_links(start, list(dict.fromkeys(pairs + links)))
    if path is None:
        return ChainCheck(Violation(M.RULE_CHAIN_GAP, params), None)
    head = path[-1] if path else start
    if accepted_head:
        continues = accepted_head == start or accepted_head in path
    else:
        # The office knows nothing of this chain yet: a laptop's first bundle starts at its
        # first entry; after an upgrade the office trusts the chain it is first shown.
        continues = m.seq_from > 1 or start == GENESIS
    if not continues:
        return ChainCheck(Violation(M.RULE_CHAIN_REWRITTEN, params), head)
    return ChainCheck(None, head)
