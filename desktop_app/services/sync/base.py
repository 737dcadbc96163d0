"""What every part of the sync service shares: the context, this device's role, the refusal of a
whole bundle, and the tunables of import."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.sync import messages as M
from desktop_app.services.sync.devices import DeviceService

__all__ = ["BUNDLE_SUFFIX", "FUTURE_LIMIT_MS", "BundleRefused", "StageHook", "SyncBase"]

FUTURE_LIMIT_MS = 24 * 3600 * 1000  # stamps further ahead of this device's clock are held back
BUNDLE_SUFFIX = ".bdl"

# Called inside the import transaction after each stage ("applied", "stored", "marked"): the GUI
# reports progress with it; raising from it rolls everything back (the crash tests do).
StageHook = Callable[[str], None]


class BundleRefused(ServiceError):
    """The bundle was refused whole; nothing changed (exit code 2)."""


class SyncBase:
    """The state the export, import and review parts of `SyncService` share."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.devices = DeviceService(ctx)

    def role(self) -> str:
        return self.devices.role()

    def _office_id(self) -> str:
        office = self.devices.office_device_id()
        if office is None:
            raise ServiceError(M.NOT_JOINED)
        return office
