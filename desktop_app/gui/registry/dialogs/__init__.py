"""Registry dialogs: person and household forms with inline validation, program enrolment,
leaving a program, status changes, KK changes and household membership.

Every dialog validates as the clerk types: errors (red) disable Save, warnings (amber) are shown
but do not block. Saving calls one RegistryService method (one transaction with change log).
One module per kind of form: `form` (the shared base and field widgets), `person`, `household`
(household, members, KK change), `programs` (enrol, leave), `status`.
"""

from desktop_app.gui.registry.dialogs.form import FormDialog
from desktop_app.gui.registry.dialogs.household import (
    AddMemberDialog,
    ChangeKkDialog,
    HouseholdDialog,
)
from desktop_app.gui.registry.dialogs.person import PersonDialog
from desktop_app.gui.registry.dialogs.programs import EnrolDialog, LeaveProgramDialog
from desktop_app.gui.registry.dialogs.status import StatusDialog

__all__ = [
    "AddMemberDialog",
    "ChangeKkDialog",
    "EnrolDialog",
    "FormDialog",
    "HouseholdDialog",
    "LeaveProgramDialog",
    "PersonDialog",
    "StatusDialog",
]
