"""Skills training: trainings, sessions, participants, attendance, certificates.

The package's modules, one responsibility each: `views` (inputs and read views), `messages`
(coded refusals), `common` (shared queries and helpers), `trainings`, `sessions`,
`participants`, `attendance`, `certificates`, `doc_data`, and `service` which assembles them into
`TrainingService`. Import from here: `from desktop_app.services.training import TrainingService`.
"""

from __future__ import annotations

from desktop_app.domain.attendance import floor_pct
from desktop_app.services.training.common import (
    ACTIVE,
    MIN_OVERRIDE_REASON,
    PROGRAM_CODE,
    SETTINGS_KEY,
    WITHDRAWN,
)
from desktop_app.services.training.messages import TrainingInputRefused
from desktop_app.services.training.service import TrainingService
from desktop_app.services.training.views import (
    AttendanceGrid,
    CertificateView,
    ParticipantResult,
    ParticipantView,
    SessionView,
    TrainingInput,
    TrainingRow,
    TrainingSettings,
)

__all__ = [
    "ACTIVE",
    "MIN_OVERRIDE_REASON",
    "PROGRAM_CODE",
    "SETTINGS_KEY",
    "WITHDRAWN",
    "AttendanceGrid",
    "CertificateView",
    "ParticipantResult",
    "ParticipantView",
    "SessionView",
    "TrainingInput",
    "TrainingInputRefused",
    "TrainingRow",
    "TrainingService",
    "TrainingSettings",
    "floor_pct",
]
