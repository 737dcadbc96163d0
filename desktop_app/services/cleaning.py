"""Old import path of the cell cleaners, kept while the GUI still imports from it.

Everything lives in `desktop_app.services.importing.cleaning`; import from there.
"""

from desktop_app.services.importing.cleaning import *  # noqa: F403
from desktop_app.services.importing.cleaning import __all__  # noqa: F401
