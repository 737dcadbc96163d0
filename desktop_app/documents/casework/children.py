"""The case summary of a child for a hearing, identity masked (UU 11/2012 SPPA pasal 19)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from desktop_app.documents.casework.data import HearingSummaryDoc
from desktop_app.documents.casework.shared import info_table, ruled_table, write_letter_pdf
from desktop_app.documents.common import (
    para,
    signature_block,
    styles,
)
from desktop_app.domain.office import OfficeProfile, format_date_id

__all__ = ["CONFIDENTIAL_NOTE", "hearing_summary_pdf"]

CONFIDENTIAL_NOTE = (
    "RAHASIA. Identitas anak dirahasiakan sesuai UU No. 11 Tahun 2012 tentang Sistem Peradilan "
    "Pidana Anak pasal 19: nama ditulis dengan inisial; NIK dan alamat tidak dicantumkan."
)


def hearing_summary_pdf(path: Path, office: OfficeProfile, doc: HearingSummaryDoc) -> int:
    """Ringkasan kasus anak for the court or a diversion meeting; returns the timeline length."""
    st = styles()
    width = A4[0] - 30 * mm
    sex = {"L": "Laki-laki", "P": "Perempuan"}.get(doc.sex, "-")
    rows = [
        ("Inisial anak", doc.initials),
        ("Jenis kelamin", sex),
        ("Usia", f"{doc.age} tahun" if doc.age is not None else "-"),
        ("Program", doc.program),
    ]
    if doc.role:
        rows.append(("Kedudukan anak", doc.role))
    if doc.matter:
        rows.append(("Perkara", doc.matter))
    rows += [
        ("Tahap saat ini", doc.stage or "-"),
        ("Pendidikan", doc.school or "-"),
        ("Kebutuhan", ", ".join(doc.needs) or "-"),
        ("Pekerja sosial", doc.worker),
        ("Kasus dibuka", format_date_id(doc.opened_on)),
    ]
    story: list = [
        para("RINGKASAN KASUS ANAK", st["title"]),
        para("untuk keperluan persidangan / musyawarah diversi", st["subtitle"]),
        para(CONFIDENTIAL_NOTE, st["bold"]),
        Spacer(1, 3 * mm),
        info_table(rows, width),
        Spacer(1, 4 * mm),
        para("Riwayat penanganan", st["bold"]),
        ruled_table(
            ["No", "Tanggal", "Tahap / kegiatan", "Keterangan"],
            [[i, format_date_id(t.on), t.label, t.detail] for i, t in enumerate(doc.timeline, 1)],
            [10 * mm, 30 * mm, 60 * mm, width - 100 * mm],
        ),
        Spacer(1, 8 * mm),
        signature_block(office, doc.made_on, left=["Pekerja sosial,", doc.worker, ""], width=width),
    ]
    write_letter_pdf(
        path,
        office,
        story,
        title="Ringkasan kasus anak (rahasia)",
        footer="RAHASIA - identitas anak dirahasiakan (UU 11/2012)",
    )
    return len(doc.timeline)
