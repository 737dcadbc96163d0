"""`TrainingService`, assembled from one class per responsibility.

Each part builds on the one before it and may use only what lies below:
trainings (settings, lifecycle) < sessions < participants < attendance < certificates
(results, numbers, overrides) < doc_data (what the documents print). A newcomer changing how
sessions work reads sessions.py and nothing above it.
"""

from __future__ import annotations

from desktop_app.services.training.doc_data import TrainingDocData

__all__ = ["TrainingService"]


class TrainingService(TrainingDocData):
    """Skills training use cases: trainings, sessions, participants, attendance, certificates.

    Every write is one unit of work that appends change-log rows. Reads return plain frozen
    dataclasses (views.py); refusals are coded (messages.py).
    """
