"""The facade: one `DistributionService` composed of the package's parts.

Each part is a class in its own module that builds on the one before it (base → numbering →
points → rounds → roster → lookup → counter → reports → cards → doc_data → bast), so a method only
calls what an earlier part defines and each module reads on its own.
"""

from __future__ import annotations

from desktop_app.services.distribution.bast import Bast

__all__ = ["DistributionService"]


class DistributionService(Bast):
    """Distribution rounds: prepare a round, freeze its roster, serve the counter, print."""
