"""The data-breach incident report (laporan insiden kebocoran data pribadi).

Printed by the administrator when a laptop is lost or a file got out: the office, the device,
what personal data it may have held (counts per program, restricted programs flagged), the
deadline of the notice UU 27/2022 art. 46 asks for (3×24 hours after discovery), the checklist of
steps taken, and signature blocks. Plain data in: services/privacy.py collects it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from desktop_app.documents.common import (
    Letterhead,
    atomic_output,
    grid_table_style,
    letterhead_doc,
    markup,
    numbered_canvas,
    para,
    signature_block,
    styles,
)
from desktop_app.domain.office import OfficeProfile, format_date_id

__all__ = ["IncidentData", "ProgramLine", "STEPS", "incident_pdf"]

TITLE = "Laporan Insiden Data Pribadi"

# What the office does after a loss, in order (docs/privacy.md explains each step).
STEPS: tuple[str, ...] = (
    "Perangkat dicabut di menu Sinkronisasi (bundel dari perangkat itu tidak diterima lagi).",
    "Kata sandi semua pengguna yang pernah masuk di perangkat itu diganti.",
    "Kunci pemulihan basis data diganti dan yang baru disimpan di tempat aman.",
    "Cadangan dan berkas ekspor yang ada di perangkat itu didaftar.",
    "Atasan dan pejabat pelindungan data pribadi diberi tahu.",
    "Pemberitahuan tertulis kepada subjek data dan lembaga dikirim (paling lambat 3×24 jam).",
    "Laporan kepolisian dibuat (bila perangkat dicuri).",
)


@dataclass(frozen=True)
class ProgramLine:
    code: str
    name: str
    persons: int  # persons (or KPM, for household programs) enrolled now
    restricted: bool  # specific personal data (children, disability, health)


@dataclass(frozen=True)
class IncidentData:
    office: OfficeProfile
    reporter: str  # the logged-in user as printed (name and NIP)
    device_name: str | None
    device_known: bool  # registered in this database's Sinkronisasi
    device_revoked: bool
    last_sync: datetime | None
    discovered_at: datetime
    deadline: datetime
    description: str
    persons: int
    households: int
    programs: list[ProgramLine] = field(default_factory=list)
    printed_at: datetime | None = None


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _moment(value: datetime | None) -> str:
    if value is None:
        return "tidak diketahui"
    zone = value.tzname() if value.tzinfo else None
    return f"{format_date_id(value)} pukul {value:%H.%M}" + (f" {zone}" if zone else "")


def _facts_table(rows: list[tuple[str, object]], width: float) -> Table:
    st = styles()
    data = [[para(label, st["bold"]), para(value, st["normal"])] for label, value in rows]
    table = Table(data, colWidths=[55 * mm, width - 55 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def incident_pdf(path: Path, data: IncidentData) -> int:
    """Write the report to `path` (atomically); returns the number of pages."""
    st = styles()
    width = 180 * mm
    if data.device_name:
        device = data.device_name
        if not data.device_known:
            device += " (tidak terdaftar di basis data ini)"
        elif data.device_revoked:
            device += " (sudah dicabut)"
    else:
        device = "- (bukan kehilangan perangkat)"
    story: list = [
        para(TITLE.upper(), st["title"]),
        para("Pelindungan Data Pribadi - UU Nomor 27 Tahun 2022", st["subtitle"]),
        Spacer(1, 2 * mm),
        para("A. Kejadian", st["bold"]),
        Spacer(1, 1 * mm),
        _facts_table(
            [
                ("Instansi", data.office.office_name),
                ("Pelapor", data.reporter or "-"),
                ("Perangkat", device),
                ("Sinkronisasi terakhir", _moment(data.last_sync)),
                ("Diketahui pada", _moment(data.discovered_at)),
                (
                    "Batas pemberitahuan",
                    markup(
                        "<b>{when}</b> (3×24 jam setelah diketahui)", when=_moment(data.deadline)
                    ),
                ),
                ("Uraian", data.description or "-"),
            ],
            width,
        ),
        Spacer(1, 4 * mm),
        para("B. Data pribadi yang mungkin terdampak", st["bold"]),
        Spacer(1, 1 * mm),
        para(
            f"Basis data kantor memuat {_count(data.persons)} orang dan "
            f"{_count(data.households)} KPM. Perangkat lapangan biasanya hanya "
            "memuat baris yang dibawa keluar; angka di bawah adalah batas atasnya. Basis data "
            "di perangkat terenkripsi (SQLCipher); risiko terbesar ada pada berkas ekspor dan "
            "cetakan yang tersimpan tanpa kata sandi.",
            st["normal"],
        ),
        Spacer(1, 2 * mm),
        _programs_table(data.programs, width),
        Spacer(1, 4 * mm),
        para("C. Langkah yang sudah diambil", st["bold"]),
        Spacer(1, 1 * mm),
        _steps_table(width),
        Spacer(1, 6 * mm),
    ]
    printed = (data.printed_at or data.discovered_at).date()
    story.append(
        KeepTogether(
            [
                signature_block(
                    data.office,
                    printed,
                    left=["Pelapor", data.reporter, ""],
                )
            ]
        )
    )
    with atomic_output(path) as tmp:
        pdf = letterhead_doc(tmp, Letterhead.from_office(data.office), title=TITLE)
        pdf.build(story, canvasmaker=numbered_canvas(footer_left=f"Berdaya · {TITLE}"))
        pages = int(pdf.page)
    return pages


def _programs_table(programs: list[ProgramLine], width: float) -> Table:
    st = styles()
    rows: list[list[object]] = [
        [para("Program", st["bold"]), para("Jumlah", st["bold"]), para("Data terbatas", st["bold"])]
    ]
    for p in programs:
        rows.append(
            [
                para(f"{p.name} ({p.code})", st["cell"]),
                para(_count(p.persons), st["cell"]),
                para("YA - data pribadi spesifik" if p.restricted else "-", st["cell"]),
            ]
        )
    if not programs:
        rows.append([para("Belum ada peserta program.", st["cell"]), para("", st["cell"]), ""])
    table = Table(rows, colWidths=[width - 75 * mm, 25 * mm, 50 * mm], repeatRows=1)
    table.setStyle(grid_table_style())
    return table


def _steps_table(width: float) -> Table:
    st = styles()
    rows: list[list[object]] = [
        [para("Langkah", st["bold"]), para("Selesai", st["bold"]), para("Tanggal/jam", st["bold"])]
    ]
    for number, step in enumerate(STEPS, start=1):
        rows.append([para(f"{number}. {step}", st["cell"]), para("[   ]", st["cell"]), ""])
    table = Table(rows, colWidths=[width - 55 * mm, 20 * mm, 35 * mm])
    table.setStyle(grid_table_style())
    return table
