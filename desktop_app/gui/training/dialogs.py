"""Every dialog of the Pelatihan tab, by the module that holds it: training_dialogs (training form,
settings), session_dialogs, participant_dialogs (picker, on-the-spot registration, withdrawal),
override_dialog (certificate below the rule)."""

from __future__ import annotations

from desktop_app.gui.training.override_dialog import OverrideDialog
from desktop_app.gui.training.participant_dialogs import (
    NewParticipantDialog,
    ParticipantPickerDialog,
    PersonResultModel,
    WithdrawDialog,
)
from desktop_app.gui.training.session_dialogs import DailySessionsDialog, SessionDialog
from desktop_app.gui.training.training_dialogs import TrainingDialog, TrainingSettingsDialog
from desktop_app.gui.training.widgets import selected_row

__all__ = [
    "DailySessionsDialog",
    "NewParticipantDialog",
    "OverrideDialog",
    "ParticipantPickerDialog",
    "PersonResultModel",
    "SessionDialog",
    "TrainingDialog",
    "TrainingSettingsDialog",
    "WithdrawDialog",
    "selected_row",
]
