"""Distribution documents: tanda terima, daftar penerimaan, BAST, kartu KPM and the recap.

One module per document; the dataclasses in `data` are the contract with
desktop_app.services.distribution (see notes/distribution_docs_api.md): the service builds
them, the documents only print them. Everything a caller needs is importable from here.
"""

from desktop_app.documents.common import Progress
from desktop_app.documents.distribution import (
    bast,
    cards,
    data,
    recap,
    receipt,
    recipient_list,
    shared,
)
from desktop_app.documents.distribution.bast import *  # noqa: F403
from desktop_app.documents.distribution.cards import *  # noqa: F403
from desktop_app.documents.distribution.data import *  # noqa: F403
from desktop_app.documents.distribution.recap import *  # noqa: F403
from desktop_app.documents.distribution.receipt import *  # noqa: F403
from desktop_app.documents.distribution.recipient_list import *  # noqa: F403
from desktop_app.documents.distribution.shared import *  # noqa: F403

# Each module's __all__ says what it offers; the facade repeats none of those names.
__all__ = [
    "Progress",
    *bast.__all__,
    *cards.__all__,
    *data.__all__,
    *recap.__all__,
    *receipt.__all__,
    *recipient_list.__all__,
    *shared.__all__,
]
