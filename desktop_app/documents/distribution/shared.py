"""Labels, colours and small formatters every distribution document shares."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors

from desktop_app.documents.common import format_number_id
from desktop_app.documents.distribution.data import RoundInfo
from desktop_app.domain.clock import WIB
from desktop_app.domain.nik import mask_nik
from desktop_app.domain.office import format_date_id, format_date_long_id

__all__ = ["RELATION_LABELS", "format_time_id", "relation_label"]

RELATION_LABELS: dict[str, str] = {
    "same_kk": "anggota KK yang sama",
    "surat_kuasa": "surat kuasa",
    "ahli_waris": "ahli waris",
}

INK = colors.black
BLUE = colors.HexColor("#1f5fa8")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#e6e6e6")


def format_time_id(moment: datetime) -> str:
    """ "Jumat, 20 November 2026 pukul 10.05 WIB" (Indonesian writes times with a dot).

    Kota Blitar and every Javanese office keep Western Indonesia Time; received_at values from
    the service are timezone-aware (UTC), naive ones are taken as already local.
    """
    local = moment.astimezone(WIB) if moment.tzinfo else moment
    return f"{format_date_long_id(local.date())} pukul {local:%H.%M} WIB"


def relation_label(relation: str | None) -> str:
    """The printed words for a collector's relation code ("surat_kuasa" -> "surat kuasa")."""
    return RELATION_LABELS.get(relation or "", relation or "")


def quantity_text(round_: RoundInfo, count: float = 1) -> str:
    """ "30 kg": the round's quantity per recipient times `count`, with its unit."""
    return f"{format_number_id(round_.quantity * count)} {round_.unit}".strip()


def masked_kk(number: str | None) -> str:
    """A No. KK masked like a NIK (it identifies the whole family as much), "-" when missing."""
    return mask_nik(number) if number else "-"


def period_text(round_: RoundInfo) -> str:
    """The round's distribution period: "1 Desember 2026 s.d. 12 Desember 2026", one date, "-"."""
    start, end = round_.start_date, round_.end_date
    if start and end and start != end:
        return f"{format_date_id(start)} s.d. {format_date_id(end)}"
    day = start or end
    return format_date_id(day) if day else "-"
