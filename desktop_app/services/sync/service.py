"""Field sync use cases: checkout, join, export, import, acknowledgements, the review queues.

The office is the hub. A laptop joins by opening a *checkout* bundle; afterwards it exports
*return* bundles of its own change-log entries to the office, and the office answers each import
with an *ack* bundle that also carries what the laptop has not seen yet (other devices' receipts,
office edits) for the entities the laptop serves. Bundles are cumulative since the last
acknowledgement, so a lost stick only costs a re-export; importing is idempotent by change id.

Streams are counted in the sender's local `change_log.seq`: `received_upto` is the peer's stream
this database holds without gaps, `delivered_upto` is this database's stream the peer confirmed.
A laptop marks its entries delivered only when it imports the office's acknowledgement.
"""

from __future__ import annotations

from desktop_app.services.sync.apply import SyncApply
from desktop_app.services.sync.review import SyncReview
from desktop_app.services.sync.status import SyncStatus

__all__ = ["SyncService"]


class SyncService(SyncApply, SyncReview, SyncStatus):
    """Field sync for one database: export (export.py), import and join (apply.py), the review
    queues (review.py) and where sync stands (status.py)."""
