"""Old import path of the import service, kept while the GUI still imports from it.

Everything lives in `desktop_app.services.importing`; import from there.
"""

from desktop_app.services.importing import *  # noqa: F403
from desktop_app.services.importing import __all__  # noqa: F401
