"""Every printed document, built from one office profile and one piece of text put in every free
text field (names, addresses, titles, notes, venue...). The escaping test and the fuzz suite use
it to check that whatever an office or a registry holds, each document prints it literally."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from desktop_app.documents import distribution as dd
from desktop_app.documents import training as td
from desktop_app.domain.office import OfficeProfile

NIK = "3572014203850001"
KK = "3572010101150001"


def hostile_office(text: str) -> OfficeProfile:
    """A profile whose every printed field carries `text`."""
    return OfficeProfile(
        office_name=text,
        government_line=f"PEMERINTAH {text}",
        department_line=f"DINAS {text}",
        address=f"Jl. {text}",
        phone=f"0342 {text}",
        email=text,
        city=text,
        head_title=f"Kepala {text}",
        head_name=text,
        head_nip=f"1970 {text}",
    )


def _round(text: str) -> dd.RoundInfo:
    return dd.RoundInfo(
        "r1", "RST4", f"Tahap {text}", f"Program {text}", text, 30, text,
        date(2026, 12, 1), date(2026, 12, 12),
    )  # fmt: skip


def _totals() -> dd.Totals:
    return dd.Totals(entitled=3, received=2, by_proxy=1, absent=1, refused=0)


def distribution_builders(text: str) -> dict[str, Callable[[Path, OfficeProfile], object]]:
    rnd = _round(text)
    point = dd.PointInfo("p1", f"Titik {text}", "lainnya", f"Jl. {text}")
    receipt = dd.ReceiptDoc(
        "RST4-LAP02-000001", "V00001", rnd, point, text, NIK, KK, f"Jl. {text}", text,
        text, NIK, "surat_kuasa", text,
        datetime(2026, 11, 20, 3, 5, tzinfo=UTC), "LAP02", "BERDAYA|RST4-LAP02-000001|V00001",
    )  # fmt: skip
    row = dd.ListRow(1, text, NIK, KK, f"Jl. {text}", "001", "002", text, "diwakilkan",
                     "RST4-LAP02-000001", text)  # fmt: skip
    listing = dd.ReceptionList(rnd, point, text, [row], _totals(), date(2026, 12, 13), text)
    bast = dd.BastDoc(
        f"BAST/{text}",
        rnd,
        point,
        date(2026, 12, 13),
        text,
        text,
        text,
        text,
        _totals(),
        60,
        notes=text,
    )
    card = dd.CardDoc("K357201100100007", text, NIK, KK, f"Jl. {text}", text, text, text)
    recap = dd.RecapDoc(rnd, [dd.RecapRow(text, text, _totals())], _totals(), date(2026, 12, 13))
    builders: dict[str, Callable[[Path, OfficeProfile], object]] = {
        f"receipt_{layout}": (
            lambda p, o, layout=layout: dd.receipts_pdf(p, o, [receipt], layout=layout)
        )
        for layout in dd.RECEIPT_LAYOUTS
    }
    builders["reception_list"] = lambda p, o: dd.reception_list_pdf(p, o, listing)
    builders["bast"] = lambda p, o: dd.bast_pdf(p, o, bast)
    builders["cards"] = lambda p, o: dd.cards_pdf(p, o, [card])
    builders["recap"] = lambda p, o: dd.recap_pdf(p, o, recap)
    return builders


def training_builders(text: str) -> dict[str, Callable[[Path, OfficeProfile], object]]:
    info = td.TrainingInfo(
        title=text, category=text, organiser=text, trainers=(text, text), venue=text,
        start_date=date(2026, 12, 1), end_date=date(2026, 12, 2), threshold_pct=80,
    )  # fmt: skip
    sessions = [td.SheetSession(1, date(2026, 12, 1), "08:00 - 12:00", text)]
    people = [td.SheetParticipant(1, text, "3572••••••••0001", text)]
    rows = [td.RecapRow(1, text, "3572••••••••0001", ("H",), 1, 100, True, note=text)]
    cert = td.CertificateData("0001/SERT", text, text, date(1985, 3, 1), info, 100,
                              date(2026, 12, 6))  # fmt: skip
    sheet = td.AttendanceSheetData(info, sessions, people)
    recap = td.AttendanceRecapData(info, sessions, rows, date(2026, 12, 6))
    return {
        "attendance_sheet": lambda p, o: td.attendance_sheet_pdf(p, o, sheet),
        "attendance_recap": lambda p, o: td.attendance_recap_pdf(p, o, recap),
        "certificates": lambda p, o: td.certificates_pdf(p, o, [cert]),
    }


def every_document(text: str) -> dict[str, Callable[[Path, OfficeProfile], object]]:
    return {**distribution_builders(text), **training_builders(text)}


# Documents that print the office head's signature block (the others are receipts and cards,
# signed by the officer and the recipient).
SIGNED = {"reception_list", "bast", "recap", "attendance_sheet", "attendance_recap", "certificates"}
