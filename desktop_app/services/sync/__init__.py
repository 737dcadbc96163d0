"""Field sync: the office as hub, laptops exchanging signed, encrypted bundles with it.

One module per responsibility: `bundle` (the file format), `devices` (identities and trust),
`merge` (entity policies and folding concurrent changes), `slices` (what a laptop holds and is
sent), `export`/`apply` (bundles out and in), `review` (conflict and quarantine queues),
`status` (history and peers), `double_claims` (receipts from two laptops for one recipient),
`casework` (a social worker's cases in checkouts and the rules for what its laptop returns),
`messages` (every coded refusal). The public names stay importable from here.
"""

from __future__ import annotations

from desktop_app.services.sync.base import BUNDLE_SUFFIX, FUTURE_LIMIT_MS, BundleRefused, StageHook
from desktop_app.services.sync.bundle import BundleError, NewerFormatError
from desktop_app.services.sync.devices import DeviceIdentity, DeviceRecord, DeviceService
from desktop_app.services.sync.double_claims import (
    ClaimReceipt,
    DoubleClaim,
    DoubleClaimService,
    RoundProgress,
)
from desktop_app.services.sync.service import SyncService
from desktop_app.services.sync.slices import REF_ONLY, registry_closure
from desktop_app.services.sync.views import (
    ENTITY_LABELS,
    FIELD_LABELS,
    BundleView,
    CandidateView,
    ConflictView,
    ExportResult,
    ImportResult,
    PeerView,
    QuarantineView,
    value_text,
)

__all__ = [
    "BUNDLE_SUFFIX",
    "ENTITY_LABELS",
    "FIELD_LABELS",
    "FUTURE_LIMIT_MS",
    "REF_ONLY",
    "BundleError",
    "BundleRefused",
    "BundleView",
    "CandidateView",
    "ClaimReceipt",
    "ConflictView",
    "DeviceIdentity",
    "DeviceRecord",
    "DeviceService",
    "DoubleClaim",
    "DoubleClaimService",
    "ExportResult",
    "ImportResult",
    "NewerFormatError",
    "PeerView",
    "QuarantineView",
    "RoundProgress",
    "StageHook",
    "SyncService",
    "registry_closure",
    "value_text",
]
