"""Reporting: the figures of the Beranda and the monthly reports, computed with SQL.

Read-only. `ReportingService(ctx)` answers key figures per program (active, new, left),
the progress of open distribution rounds per kelurahan and point, stages of a program compared,
training participation and completion, data quality, and breakdowns by sex, age group and
disability ragam, all as plain dataclasses (`types`). `reports` builds the printed reports' data
from the same figures; `xlsx` writes their tables to a workbook.

Modules: `figures` (the SQL), `types` (plain values), `reports` (report data), `xlsx`,
`messages` (coded refusals).
"""

from __future__ import annotations

from desktop_app.services.reporting import messages, types
from desktop_app.services.reporting.figures import NO_KELURAHAN, NO_POINT, ReportingService
from desktop_app.services.reporting.messages import *  # noqa: F403
from desktop_app.services.reporting.types import *  # noqa: F403

__all__ = [*messages.__all__, *types.__all__, "NO_KELURAHAN", "NO_POINT", "ReportingService"]
