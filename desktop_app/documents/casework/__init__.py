"""Casework documents: the Si Hore monthly recap and visit card, the assistive device handover
receipt, and a child's case summary for a hearing (identity masked). They take the plain data
of `data.py`, built by desktop_app.services.casework."""

from __future__ import annotations

from desktop_app.documents.casework.children import CONFIDENTIAL_NOTE, hearing_summary_pdf
from desktop_app.documents.casework.data import (
    CarerRecap,
    ClientRecap,
    DeviceReceiptDoc,
    HearingSummaryDoc,
    SihoreRecapDoc,
    TimelineLine,
    VisitCardDoc,
    VisitLine,
)
from desktop_app.documents.casework.devices import DEVICE_RECEIPT_TITLE, device_receipt_pdf
from desktop_app.documents.casework.sihore import sihore_recap_pdf, visit_card_pdf

__all__ = [
    "CONFIDENTIAL_NOTE",
    "DEVICE_RECEIPT_TITLE",
    "CarerRecap",
    "ClientRecap",
    "DeviceReceiptDoc",
    "HearingSummaryDoc",
    "SihoreRecapDoc",
    "TimelineLine",
    "VisitCardDoc",
    "VisitLine",
    "device_receipt_pdf",
    "hearing_summary_pdf",
    "sihore_recap_pdf",
    "visit_card_pdf",
]
