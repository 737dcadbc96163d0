"""Skills training: trainings, sessions, participants, attendance, certificates.

The package's modules, one responsibility each: `views` (inputs and read views), `messages`
(coded refusals), `common` (shared queries and helpers), `trainings`, `sessions`,
`participants`, `attendance`, `certificates`, `doc_data`, and `service` which assembles them into
`TrainingService`. Import from here: `from desktop_app.services.training import TrainingService`.
"""

from __future__ import annotations

from desktop_app.domain.attendance import floor_pct

# common and views list their public names once, in their __all__; the facade re-exports them.
from desktop_app.services.training import common, views
from desktop_app.services.training.common import *  # noqa: F403
from desktop_app.services.training.messages import TrainingInputRefused
from desktop_app.services.training.service import TrainingService
from desktop_app.services.training.views import *  # noqa: F403

__all__ = [
    *common.__all__,
    *views.__all__,
    "TrainingInputRefused",
    "TrainingService",
    "floor_pct",
]
