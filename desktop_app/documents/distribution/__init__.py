"""Distribution documents: tanda terima, daftar penerimaan, BAST, kartu KPM and the recap.

One module per document; the dataclasses in `data` are the contract with
desktop_app.services.distribution (see notes/distribution_docs_api.md): the service builds
them, the documents only print them. Everything a caller needs is importable from here.
"""

from desktop_app.documents.common import Progress
from desktop_app.documents.distribution.bast import bast_pdf, date_in_words
from desktop_app.documents.distribution.cards import (
    CARD_HEIGHT,
    CARD_WIDTH,
    CARDS_ACROSS,
    CARDS_DOWN,
    CARDS_PER_PAGE,
    cards_pdf,
)
from desktop_app.documents.distribution.data import (
    BastDoc,
    CardDoc,
    ListRow,
    PointInfo,
    RecapDoc,
    RecapRow,
    ReceiptDoc,
    ReceptionList,
    RoundInfo,
    Totals,
)
from desktop_app.documents.distribution.recap import recap_pdf
from desktop_app.documents.distribution.receipt import (
    RECEIPT_LAYOUTS,
    RECEIPT_TITLE,
    THERMAL_LAYOUTS,
    receipt_fields,
    receipts_pdf,
)
from desktop_app.documents.distribution.recipient_list import (
    LIST_COLUMN_WIDTHS,
    LIST_HEADER_HEIGHT,
    LIST_ROW_HEIGHT,
    STATUS_LABELS,
    list_cells,
    reception_list_layout,
    reception_list_pdf,
)
from desktop_app.documents.distribution.shared import (
    RELATION_LABELS,
    format_time_id,
    relation_label,
)

__all__ = [
    "BastDoc",
    "CardDoc",
    "ListRow",
    "PointInfo",
    "Progress",
    "ReceiptDoc",
    "RecapDoc",
    "RecapRow",
    "ReceptionList",
    "RoundInfo",
    "Totals",
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "CARDS_ACROSS",
    "CARDS_DOWN",
    "CARDS_PER_PAGE",
    "LIST_COLUMN_WIDTHS",
    "LIST_HEADER_HEIGHT",
    "LIST_ROW_HEIGHT",
    "RECEIPT_LAYOUTS",
    "RECEIPT_TITLE",
    "RELATION_LABELS",
    "STATUS_LABELS",
    "THERMAL_LAYOUTS",
    "bast_pdf",
    "cards_pdf",
    "date_in_words",
    "format_time_id",
    "list_cells",
    "receipt_fields",
    "recap_pdf",
    "receipts_pdf",
    "reception_list_layout",
    "reception_list_pdf",
    "relation_label",
]
