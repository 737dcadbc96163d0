"""Si Hore documents: the monthly visit recap (per client and per carer) and the visit card the
family signs at every visit."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from desktop_app.documents.casework.data import SihoreRecapDoc, VisitCardDoc
from desktop_app.documents.casework.shared import info_table, ruled_table, write_letter_pdf
from desktop_app.documents.common import (
    para,
    signature_block,
    styles,
)
from desktop_app.domain.casework import SIHORE_CONDITIONS, SIHORE_SERVICES
from desktop_app.domain.office import OfficeProfile, format_date_id

__all__ = ["sihore_recap_pdf", "visit_card_pdf"]

# Short column heads for the services checklist, in form order.
SERVICE_HEADS = {
    "kebersihan_diri": "Keber- sihan",
    "makanan": "Makan- an",
    "cek_kesehatan": "Cek kes.",
    "obat": "Obat",
    "pendampingan": "Pen- dam- pingan",
}


def _condition(key: str | None) -> str:
    return SIHORE_CONDITIONS.get(key or "", key or "-")


def sihore_recap_pdf(path: Path, office: OfficeProfile, doc: SihoreRecapDoc) -> int:
    """The month's recap: one row per client (visits against the plan, services given, last
    condition), then one row per carer. Returns the number of clients."""
    st = styles()
    size = landscape(A4)
    width = size[0] - 30 * mm
    story: list = [
        para("REKAPITULASI KUNJUNGAN SOCIAL HOME CARE (SI HORE)", st["title"]),
        para(f"Bulan {doc.period}", st["subtitle"]),
        para(
            f"Jumlah klien {len(doc.clients)} · kunjungan {doc.total_visits} dari "
            f"{doc.total_expected} yang direncanakan",
            st["normal"],
        ),
        Spacer(1, 3 * mm),
        para("A. Per klien", st["bold"]),
    ]
    header = ["No", "Nama klien", "Kelurahan", "Pendamping", "Kunj./ rencana"]
    header += [SERVICE_HEADS[s] for s in SIHORE_SERVICES] + ["Kondisi terakhir"]
    rows = [
        [
            i,
            c.name,
            c.kelurahan,
            c.carer,
            f"{c.visits}/{c.expected}" + (" (!)" if c.visits < c.expected else ""),
            *[c.service_counts.get(s, 0) for s in SIHORE_SERVICES],
            _condition(c.last_condition),
        ]
        for i, c in enumerate(doc.clients, 1)
    ]
    fixed = [10 * mm, 0.0, 32 * mm, 38 * mm, 18 * mm] + [16 * mm] * 5 + [26 * mm]
    fixed[1] = width - sum(fixed)
    story.append(ruled_table(header, rows, fixed))
    story += [Spacer(1, 5 * mm), para("B. Per pendamping", st["bold"])]
    carer_rows = [
        [i, c.carer, c.clients, c.visits, c.expected, f"{_pct(c.visits, c.expected)}%"]
        for i, c in enumerate(doc.carers, 1)
    ]
    story.append(
        ruled_table(
            ["No", "Pendamping", "Klien", "Kunjungan", "Rencana", "Capaian"],
            carer_rows,
            [10 * mm, 70 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm],
        )
    )
    story += [
        Spacer(1, 6 * mm),
        signature_block(office, doc.made_on, left=["Dibuat oleh,", doc.officer, ""], width=width),
    ]
    title = f"Rekap Si Hore {doc.period}"
    write_letter_pdf(path, office, story, title=title, pagesize=size, footer=title)
    return len(doc.clients)


def _pct(done: int, planned: int) -> int:
    return round(100 * done / planned) if planned else 100


def visit_card_pdf(path: Path, office: OfficeProfile, doc: VisitCardDoc) -> int:
    """The month's visit card: visits recorded so far and blank rows for the ones to come, each
    with room for the family's signature. Returns the number of rows printed."""
    st = styles()
    width = A4[0] - 30 * mm
    story: list = [
        para("KARTU KUNJUNGAN SOCIAL HOME CARE (SI HORE)", st["title"]),
        para(f"Bulan {doc.period}", st["subtitle"]),
        info_table(
            [
                ("Nama klien", doc.client_name),
                ("Alamat", ", ".join(p for p in (doc.address, doc.kelurahan) if p)),
                ("Pendamping", doc.carer),
                ("Jadwal", f"setiap {doc.visit_every_days} hari"),
            ],
            width,
        ),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[object]] = []
    for i, v in enumerate(doc.visits, 1):
        rows.append(
            [
                i,
                format_date_id(v.done_on),
                ", ".join(SIHORE_SERVICES[s] for s in SIHORE_SERVICES if s in v.services),
                _condition(v.condition),
                v.carer,
                "",
            ]
        )
    for i in range(len(doc.visits) + 1, len(doc.visits) + doc.blank_rows + 1):
        rows.append([i, "", "", "", "", ""])
    table = ruled_table(
        ["No", "Tanggal", "Layanan diberikan", "Kondisi", "Pendamping", "Paraf keluarga"],
        rows,
        [9 * mm, 28 * mm, width - 123 * mm, 24 * mm, 34 * mm, 28 * mm],
        row_height=13 * mm,  # room for the family's initials
    )
    story.append(table)
    story += [
        Spacer(1, 3 * mm),
        para(
            "Layanan: " + ", ".join(SIHORE_SERVICES.values()) + ". Keluarga memaraf setiap "
            "kunjungan; kartu ini disimpan di rumah klien.",
            st["small"],
        ),
    ]
    write_letter_pdf(path, office, story, title=f"Kartu kunjungan Si Hore {doc.period}")
    return len(rows)
