"""One application-wide signal that tells every tab what a committed write changed.

The services know nothing of Qt: `AppContext.subscribe` calls a plain function after each
committed unit of work, on whichever thread made the write (often a worker). `ChangeBus` turns
that call into its `changed(ChangeSet)` signal, always delivered on the GUI thread and after the
write's own call has returned. The main window creates the bus for its context; any tab gets the
same bus with `ChangeBus.of(ctx)` and connects to `changed`::

    ChangeBus.of(self.ctx).changed.connect(self._on_changes)

    def _on_changes(self, changes: ChangeSet) -> None:
        if changes.touches("person", "household"):
            self.reload()
"""

from __future__ import annotations

import weakref
from typing import ClassVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from desktop_app.services.context import AppContext, ChangeSet

__all__ = ["ChangeBus", "ChangeSet"]


class ChangeBus(QObject):
    """The context's change notifications as a Qt signal, one bus per open context."""

    changed = Signal(object)  # ChangeSet, on the GUI thread

    # Emitted on the writer's thread, queued to `changed` on the thread the bus lives in.
    _arrived = Signal(object)

    _buses: ClassVar[weakref.WeakKeyDictionary[AppContext, ChangeBus]] = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, ctx: AppContext) -> ChangeBus:
        """The bus of this context, created on first use (call it on the GUI thread)."""
        bus = cls._buses.get(ctx)
        if bus is None or not shiboken6.isValid(bus):
            bus = cls(ctx)
            cls._buses[ctx] = bus
        return bus

    def __init__(self, ctx: AppContext) -> None:
        # No Qt parent: the bus outlives any one window (a language change rebuilds the window
        # around the same context) and goes away with the context.
        super().__init__()
        self._arrived.connect(self.changed, Qt.ConnectionType.QueuedConnection)
        # The context keeps only this plain function, which holds the bus and the context
        # weakly: a bus that is gone unsubscribes itself, and neither keeps the other alive.
        bus_ref = weakref.ref(self)
        ctx_ref = weakref.ref(ctx)

        def deliver(changes: ChangeSet) -> None:
            bus = bus_ref()
            if bus is None or not shiboken6.isValid(bus):
                owner = ctx_ref()
                if owner is not None:
                    owner.unsubscribe(deliver)
                return
            bus._arrived.emit(changes)

        ctx.subscribe(deliver)
        self._deliver = deliver
        self._ctx = ctx_ref

    def close(self) -> None:
        """Stop listening to the context (e.g. before it is closed)."""
        ctx = self._ctx()
        if ctx is not None:
            ctx.unsubscribe(self._deliver)
