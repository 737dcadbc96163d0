"""Registry use cases: persons, households (KPM), program enrolments, status history, search.

The GUI and the CLI call `RegistryService`; they never touch storage. Every write is one unit of
work that appends change-log rows. Reads return plain frozen dataclasses (records.py).

Modules: records (inputs, filters, rows, details), reads (lists, search, details), persons,
households and enrolments (the writes), messages (the refusals). Name and address formatting
and the household membership rules are in domain/people.py and domain/households.py.
"""

from __future__ import annotations

from desktop_app.domain.people import format_address, normalise_name
from desktop_app.services.registry import records
from desktop_app.services.registry.enrolments import EnrolmentWrites
from desktop_app.services.registry.households import HouseholdWrites
from desktop_app.services.registry.persons import PersonWrites
from desktop_app.services.registry.reads import HOUSEHOLD_SELECT, PERSON_SELECT, RegistryReads
from desktop_app.services.registry.records import *  # noqa: F403

# The old module's private names, still read by tests/storage/test_list_indexes.py.
_PERSON_SELECT = PERSON_SELECT
_HOUSEHOLD_SELECT = HOUSEHOLD_SELECT

# records lists the public inputs, filters and rows once, in its __all__; re-exported here.
__all__ = [
    *records.__all__,
    "HOUSEHOLD_SELECT",
    "PERSON_SELECT",
    "RegistryReads",
    "RegistryService",
    "format_address",
    "normalise_name",
]


class RegistryService(PersonWrites, HouseholdWrites, EnrolmentWrites):
    """Persons, households and enrolments: the one registry API the GUI and the CLI call."""
