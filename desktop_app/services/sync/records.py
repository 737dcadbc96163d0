"""Bookkeeping rows of sync shared by export, import and review: peers, bundles, conflicts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from desktop_app.services.sync.bundle import Manifest
from desktop_app.storage.sync_models import SyncBundle, SyncConflict, SyncPeer

__all__ = ["bundle_row", "open_conflict_count", "peer_row", "wall_ms"]


def peer_row(s: Session, device_id: str) -> SyncPeer:
    """The stream marks of a peer; added to the session on first contact."""
    peer = s.get(SyncPeer, device_id)
    if peer is None:
        peer = SyncPeer(device_id=device_id)
        s.add(peer)
    return peer


def bundle_row(
    m: Manifest,
    direction: str,
    path: Path,
    size: int,
    now: datetime,
    **counts: int,
) -> SyncBundle:
    return SyncBundle(
        id=m.bundle_id,
        direction=direction,
        kind=m.kind,
        from_device=m.from_device,
        to_device=m.to_device,
        created_hlc=m.created_hlc,
        seq_from=m.seq_from,
        seq_to=m.seq_to,
        entries=m.entries,
        counts=json.dumps(m.counts, sort_keys=True),
        file_name=Path(path).name,
        size_bytes=size,
        processed_at=now,
        **counts,
    )


def wall_ms(hlc: str) -> int:
    """The wall-clock milliseconds of an encoded HLC stamp (0 if it is malformed)."""
    return int(hlc[:13]) if hlc[:13].isdigit() else 0


def open_conflict_count(s: Session) -> int:
    return int(
        s.execute(
            select(func.count()).select_from(SyncConflict).where(col(SyncConflict.open) == True)  # noqa: E712
        ).scalar_one()
    )
