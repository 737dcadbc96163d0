"""Distribution rounds: prepare a round, freeze its roster, serve the counter, print the papers.

A round (e.g. "Rastrada Tahap IV 2025") hands one item and quantity to every entitled recipient
at distribution points (kelurahan offices, partner shops). Opening the round freezes the roster
from the program's active enrolments; from then on the counter finds a recipient by a scanned
card, NIK, KK, receipt or name and records a receipt exactly once.

Receipts, voids and non-collection marks are facts appended in their own unit of work with a
change-log row each; nothing is overwritten. A receipt number carries the device prefix
(RST4-LAP02-000123) so laptops working offline never mint the same number. `receive` returns
only after the commit, with synchronous=FULL, so a number shown to a person is on disk.

Modules: `rounds` (lifecycle), `points`, `roster` (frozen roster and its list), `lookup` (scan),
`counter` (receipts, voids, marks, scan logs), `numbering` (round codes, receipt key, device
prefix), `cards` (minting card codes), `reports` (totals), `doc_data` (documents' data),
`bast` (the BAST and its register of numbers), `types` (plain values), `queries` (shared SQL),
`messages` (coded refusals). Who may collect for whom is a pure rule in
desktop_app.domain.collectors.
"""

from __future__ import annotations

from desktop_app.services.distribution import bast, messages, service, types
from desktop_app.services.distribution.bast import *  # noqa: F403
from desktop_app.services.distribution.messages import *  # noqa: F403
from desktop_app.services.distribution.service import *  # noqa: F403
from desktop_app.services.distribution.types import *  # noqa: F403

# The facade re-exports each module's own __all__ rather than naming the values twice.
__all__ = [*bast.__all__, *messages.__all__, *service.__all__, *types.__all__]
