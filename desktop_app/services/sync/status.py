"""Where sync stands: the bundles exchanged, each peer's stream marks, what is not yet sent."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlmodel import Session, col

from desktop_app.services.sync.access import READ_QUEUES, requires
from desktop_app.services.sync.base import SyncBase
from desktop_app.services.sync.devices import ROLE_FIELD
from desktop_app.services.sync.merge import POLICIES
from desktop_app.services.sync.views import BundleView, PeerView
from desktop_app.storage.models import ChangeLog, Setting
from desktop_app.storage.sync_models import SyncBundle, SyncDevice, SyncPeer

__all__ = ["SyncStatus", "device_names"]


class SyncStatus(SyncBase):
    """Bundle history and peers; `SyncService` is the public face."""

    @requires(READ_QUEUES)
    def history(self, limit: int = 500) -> list[BundleView]:
        with self.ctx.db.session() as s:
            names = device_names(s)
            rows = [
                r[0]
                for r in s.execute(
                    select(SyncBundle).order_by(col(SyncBundle.processed_at).desc()).limit(limit)
                )
            ]
            me = self.ctx.device.id
            return [
                BundleView(
                    id=r.id,
                    direction=r.direction,
                    kind=r.kind,
                    peer_id=r.to_device if r.from_device == me else r.from_device,
                    peer_name=names.get(r.to_device if r.from_device == me else r.from_device, "?"),
                    processed_at=r.processed_at,
                    entries=r.entries,
                    applied=r.applied,
                    conflicts=r.conflicts,
                    quarantined=r.quarantined,
                    double_claims=r.double_claims,
                    size_bytes=r.size_bytes,
                    file_name=r.file_name,
                )
                for r in rows
            ]

    @requires(READ_QUEUES)
    def peers(self) -> list[PeerView]:
        with self.ctx.db.session() as s:
            devices = [r[0] for r in s.execute(select(SyncDevice).order_by(col(SyncDevice.name)))]
            out = []
            for d in devices:
                peer = s.get(SyncPeer, d.id) or SyncPeer(device_id=d.id)
                pending = self._undelivered(s, peer) if self.role() == ROLE_FIELD else 0
                last = s.execute(
                    select(func.max(col(SyncBundle.processed_at))).where(
                        (SyncBundle.from_device == d.id) | (SyncBundle.to_device == d.id)
                    )
                ).scalar_one()
                out.append(
                    PeerView(
                        device_id=d.id,
                        name=d.name,
                        role=d.role,
                        revoked=d.revoked,
                        received_upto=peer.received_upto,
                        delivered_upto=peer.delivered_upto,
                        pending_out=pending,
                        last_bundle_at=last,
                    )
                )
            return out

    @requires(READ_QUEUES)
    def pending_count(self) -> int:
        """Own changes not yet confirmed by the office (a field laptop's 'belum terkirim')."""
        if self.role() != ROLE_FIELD:
            return 0
        with self.ctx.db.session() as s:
            peer = s.get(SyncPeer, self._office_id()) or SyncPeer(device_id="")
            return self._undelivered(s, peer)

    def _undelivered(self, s: Session, peer: SyncPeer) -> int:
        """This device's synced changes the peer has not confirmed receiving yet."""
        stmt = (
            select(func.count())
            .select_from(ChangeLog)
            .where(
                col(ChangeLog.seq) > peer.delivered_upto,
                col(ChangeLog.device_id) == self.ctx.device.id,
                col(ChangeLog.entity).in_(list(POLICIES)),
            )
        )
        return int(s.execute(stmt).scalar_one())


def device_names(s: Session) -> dict[str, str]:
    """Device id -> name of every known device, this one included."""
    names = {r.id: r.name for r in (row[0] for row in s.execute(select(SyncDevice)))}
    device = s.get(Setting, "device")
    if device is not None:
        data = json.loads(device.value)
        names.setdefault(data.get("id", ""), data.get("name") or "INI")
    return names
