"""The handover receipt of an assistive device (tanda terima alat bantu), signed like the
distribution receipts: the handing device's Ed25519 signature in the QR code."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from desktop_app.documents.casework.data import DeviceReceiptDoc
from desktop_app.documents.casework.shared import QrFlowable, info_table, write_letter_pdf
from desktop_app.documents.common import (
    LINE_BREAKS,
    markup,
    para,
    styles,
)
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import OfficeProfile, format_date_id

__all__ = ["DEVICE_RECEIPT_TITLE", "device_receipt_pdf"]

DEVICE_RECEIPT_TITLE = "TANDA TERIMA ALAT BANTU PENYANDANG DISABILITAS"


def device_receipt_pdf(path: Path, office: OfficeProfile, doc: DeviceReceiptDoc) -> int:
    """One A5 page: the person (NIK masked), the device, who received it, the officer, a QR
    with the signed number, and two signatures. Returns 1."""
    st = styles()
    margin = 12 * mm
    width = A5[0] - 2 * margin
    receiver = doc.received_by or doc.person_name
    story: list = [
        para(DEVICE_RECEIPT_TITLE, st["title"]),
        para(f"Nomor {doc.number}", st["subtitle"]),
        info_table(
            [
                ("Penerima manfaat", doc.person_name),
                ("NIK", mask_nik(doc.person_nik) or "-"),
                ("Alamat", ", ".join(p for p in (doc.address, f"Kel. {doc.kelurahan}") if p)),
                ("Alat bantu", doc.device),
                ("Keterangan", doc.spec or "-"),
                ("Tanggal serah", format_date_id(doc.delivered_on)),
                ("Diterima oleh", receiver),
                (
                    "Petugas",
                    f"{doc.officer} ({doc.device_name})" if doc.device_name else doc.officer,
                ),
            ],
            width,
        ),
        Spacer(1, 3 * mm),
    ]
    center = st["center"]
    signatures = Table(
        [
            [
                para("Yang menerima,", center),
                para("Yang menyerahkan,", center),
                QrFlowable(doc.qr_payload, 24 * mm),
            ],
            [para(LINE_BREAKS, center), para(LINE_BREAKS, center), ""],
            [
                para(markup("<b>( {name} )</b>", name=receiver), center),
                para(markup("<b>( {name} )</b>", name=doc.officer), center),
                para("Pindai untuk memeriksa", st["small"]),
            ],
        ],
        colWidths=[(width - 28 * mm) / 2, (width - 28 * mm) / 2, 28 * mm],
    )
    signatures.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("SPAN", (2, 0), (2, 1))]))
    story.append(signatures)
    title = f"Tanda terima alat bantu {doc.number}"
    write_letter_pdf(path, office, story, title=title, pagesize=A5, margin=margin)
    return 1
