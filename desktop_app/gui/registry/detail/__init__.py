"""The detail panel beside the registry lists: a person's household, programs and history, or a
household's members, programs and KK history, with the actions that change them.

One module per panel: `person` and `household` (the two detail panels), `enrolments`,
`members` and `history` (the tables inside them), `base` (what they share), `panel` (the stack
the tab shows).
"""

from desktop_app.gui.registry.detail.base import Change
from desktop_app.gui.registry.detail.household import HouseholdDetailPanel
from desktop_app.gui.registry.detail.panel import DetailPanel
from desktop_app.gui.registry.detail.person import PersonDetailPanel

__all__ = ["Change", "DetailPanel", "HouseholdDetailPanel", "PersonDetailPanel"]
