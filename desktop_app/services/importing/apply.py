"""Applying a plan: the bulk inserts and updates of one import, inside the caller's unit of
work, with progress and a cancel check between batches (a cancel rolls everything back)."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.services.bulk import bulk_cache, bulk_insert, bulk_update
from desktop_app.services.context import UnitOfWork
from desktop_app.services.importing.messages import ImportCancelled
from desktop_app.services.importing.plan import Ops

__all__ = ["Cancelled", "Progress", "apply_ops"]

# progress(done, total, stage): stage is "read" (rows read and checked) or "write" (rows saved).
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

_WRITE_BATCH = 20000


def apply_ops(
    uow: UnitOfWork,
    ops: Ops,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    total = (
        len(ops.new_households)
        + len(ops.new_persons)
        + len(ops.person_updates)
        + len(ops.household_updates)
        + len(ops.new_enrolments)
    )
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(done, total, "write")

    with bulk_cache(uow.session.connection()):
        _write(uow, ops, step)


def _write(uow: UnitOfWork, ops: Ops, step: Callable[[int], None]) -> None:
    # Persons go in batches: bulk_insert indexes each batch for search in one statement,
    # and the batch's log rows are built and freed one batch at a time.
    bulk_insert(uow, "household", ops.new_households)
    bulk_insert(uow, "kk_history", ops.new_kk_history)
    step(len(ops.new_households))
    for start in range(0, len(ops.new_persons), _WRITE_BATCH):
        batch = ops.new_persons[start : start + _WRITE_BATCH]
        bulk_insert(uow, "person", batch)
        step(len(batch))
    bulk_update(uow, "person", ops.person_updates)
    bulk_update(uow, "household", ops.household_updates)
    step(len(ops.person_updates) + len(ops.household_updates))
    bulk_insert(uow, "enrolment", ops.new_enrolments, op="enrol")
    step(len(ops.new_enrolments))
