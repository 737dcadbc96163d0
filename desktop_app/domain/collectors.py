"""Who may collect a distribution for whom (DESIGN.md, "Collecting for someone else").

- The recipient collects in person; or
- a member of the same KK collects (shows KK + KTP); or
- anyone else with a surat kuasa (letter of authority); but
- once the recipient has died, only an heir on the same KK may collect, and a single-person KK
  whose member died gets nothing.

Pure rules over plain facts: the service gathers the facts from the registry (is the recipient
dead, which NIKs of the KK are alive, is the collector's NIK registered as dead) and raises the
refusal this module returns. The refusal texts live here beside the rule they explain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop_app.domain.errors import Msg
from desktop_app.domain.office import format_date_id

__all__ = [
    "COLLECTOR_RELATIONS",
    "HEIR",
    "SAME_KK",
    "SURAT_KUASA",
    "CORRECTION_AFTER_DAY",
    "CollectorFacts",
    "CollectorRefusal",
    "collector_refusal",
    "correction_refusal",
    "member_collector_relation",
    "parse_collector_relation",
]

SAME_KK = "same_kk"
SURAT_KUASA = "surat_kuasa"
HEIR = "ahli_waris"

COLLECTOR_RELATIONS: dict[str, str] = {
    SAME_KK: "Anggota KK yang sama",
    SURAT_KUASA: "Dengan surat kuasa",
    HEIR: "Ahli waris (satu KK)",
}

# Spellings accepted from the CLI and scan logs.
_RELATION_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(["same_kk", "samekk", "kk", "satukk", "keluarga", "anggotakk"], SAME_KK),
    **dict.fromkeys(["surat_kuasa", "suratkuasa", "kuasa", "sk"], SURAT_KUASA),
    **dict.fromkeys(["ahli_waris", "ahliwaris", "waris", "heir"], HEIR),
}


def parse_collector_relation(raw: str | None) -> str | None:
    """The relation code for a spelling ("kuasa", "Ahli waris", "same_kk"); None if unknown."""
    if raw is None:
        return None
    key = re.sub(r"[^a-z_]", "", str(raw).lower())
    return _RELATION_SPELLINGS.get(key) or _RELATION_SPELLINGS.get(key.replace("_", ""))


DECEASED_ALONE = Msg(
    "distribution.collector_deceased_single_kk",
    "{name} telah meninggal dunia dan tidak ada anggota lain di KK {kk}. Bantuan tidak dapat "
    "disalurkan (KK satu orang).",
    "{name} has died and there is no other member on KK {kk}. The aid cannot be handed out "
    "(single-person KK).",
)
DECEASED_ALONE_ON = Msg(
    "distribution.collector_deceased_single_kk_on",
    "{name} telah meninggal dunia pada {date} dan tidak ada anggota lain di KK {kk}. Bantuan "
    "tidak dapat disalurkan (KK satu orang).",
    "{name} died on {date} and there is no other member on KK {kk}. The aid cannot be handed "
    "out (single-person KK).",
)
DECEASED_NEEDS_HEIR = Msg(
    "distribution.collector_deceased_needs_heir",
    "{name} tercatat meninggal dunia. Bantuan hanya dapat diambil ahli waris yang satu KK: isi "
    "data pengambil dengan hubungan 'ahli waris'.",
    "{name} is recorded as deceased. Only an heir on the same KK may collect: enter the "
    "collector with the relation 'ahli waris' (heir).",
)
DECEASED_NEEDS_HEIR_ON = Msg(
    "distribution.collector_deceased_needs_heir_on",
    "{name} tercatat meninggal dunia pada {date}. Bantuan hanya dapat diambil ahli waris yang "
    "satu KK: isi data pengambil dengan hubungan 'ahli waris'.",
    "{name} is recorded as deceased on {date}. Only an heir on the same KK may collect: enter "
    "the collector with the relation 'ahli waris' (heir).",
)
DECEASED_NO_PROXY = Msg(
    "distribution.collector_deceased_proxy_void",
    "{name} telah meninggal dunia: surat kuasa tidak berlaku lagi. Yang dapat mengambil hanya "
    "ahli waris yang satu KK.",
    "{name} has died: a letter of authority is no longer valid. Only an heir on the same KK may "
    "collect.",
)
DECEASED_NO_PROXY_ON = Msg(
    "distribution.collector_deceased_proxy_void_on",
    "{name} telah meninggal dunia pada {date}: surat kuasa tidak berlaku lagi. Yang dapat "
    "mengambil hanya ahli waris yang satu KK.",
    "{name} died on {date}: a letter of authority is no longer valid. Only an heir on the same "
    "KK may collect.",
)
HEIR_NOT_ON_KK = Msg(
    "distribution.collector_heir_not_on_kk",
    "NIK {nik} tidak tercatat sebagai anggota KK {kk} yang masih hidup; ahli waris harus satu "
    "KK dengan penerima.",
    "NIK {nik} is not a living member of KK {kk}; an heir must be on the recipient's KK.",
)
COLLECTOR_IS_RECIPIENT = Msg(
    "distribution.collector_is_recipient",
    "NIK pengambil sama dengan NIK penerima: penerima mengambil sendiri, kosongkan data wakil.",
    "The collector's NIK is the recipient's: the recipient collects in person, leave the "
    "collector empty.",
)
HEIR_NOT_DECEASED = Msg(
    "distribution.collector_heir_recipient_alive",
    "{name} tidak tercatat meninggal; ahli waris hanya untuk penerima yang telah meninggal. "
    "Gunakan 'anggota KK' atau 'surat kuasa'.",
    "{name} is not recorded as deceased; an heir only collects for a recipient who has died. "
    "Use 'anggota KK' (same KK) or 'surat kuasa' (letter of authority).",
)
COLLECTOR_DECEASED = Msg(
    "distribution.collector_deceased",
    "NIK pengambil {nik} tercatat atas orang yang meninggal.",
    "Collector NIK {nik} belongs to a person recorded as deceased.",
)
NOT_SAME_KK = Msg(
    "distribution.collector_not_same_kk",
    "NIK {nik} tidak tercatat dalam KK {kk}. Pengambil di luar KK wajib membawa surat kuasa: "
    "pilih 'surat kuasa'.",
    "NIK {nik} is not on KK {kk}. A collector from outside the KK needs a letter of authority: "
    "choose 'surat kuasa'.",
)


@dataclass(frozen=True)
class CollectorFacts:
    """What the registry says about a recipient at the moment of collection."""

    name: str
    nik: str | None
    kk_number: str | None
    deceased: bool = False
    died_on: date | None = None
    # NIKs of the other living members of the recipient's KK.
    living_member_niks: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CollectorRefusal:
    """Why the collection is refused; `bad_input` when the entry itself makes no sense."""

    msg: Msg
    params: dict[str, Any]
    bad_input: bool = False


def _dated(plain: Msg, dated: Msg, facts: CollectorFacts) -> CollectorRefusal:
    params: dict[str, Any] = {"name": facts.name, "kk": facts.kk_number or "-"}
    if facts.died_on is None:
        return CollectorRefusal(plain, params)
    return CollectorRefusal(dated, {**params, "date": format_date_id(facts.died_on)})


def collector_refusal(
    facts: CollectorFacts,
    collector_nik: str | None = None,
    relation: str | None = None,
    *,
    collector_deceased: bool = False,
) -> CollectorRefusal | None:
    """None when the collection may go ahead; otherwise why not.

    `collector_nik`/`relation` describe who collects for the recipient (None: in person).
    `collector_deceased` is whether the collector's NIK is registered as dead.
    """
    living = facts.living_member_niks
    by_proxy = collector_nik is not None or relation is not None
    kk = facts.kk_number or "-"
    if facts.deceased:
        if not living:
            return _dated(DECEASED_ALONE, DECEASED_ALONE_ON, facts)
        if not by_proxy:
            return _dated(DECEASED_NEEDS_HEIR, DECEASED_NEEDS_HEIR_ON, facts)
        if relation != HEIR:
            return _dated(DECEASED_NO_PROXY, DECEASED_NO_PROXY_ON, facts)
        if collector_nik not in living:
            return CollectorRefusal(HEIR_NOT_ON_KK, {"nik": collector_nik, "kk": kk})
        return None
    if not by_proxy:
        return None
    if collector_nik == (facts.nik or ""):
        return CollectorRefusal(COLLECTOR_IS_RECIPIENT, {}, bad_input=True)
    if relation == HEIR:
        return CollectorRefusal(HEIR_NOT_DECEASED, {"name": facts.name})
    if collector_deceased:
        return CollectorRefusal(COLLECTOR_DECEASED, {"nik": collector_nik})
    if relation == SAME_KK and collector_nik not in living:
        return CollectorRefusal(NOT_SAME_KK, {"nik": collector_nik, "kk": kk})
    return None


# -- a household member's own NIK at the counter ----------------------------------------------


def member_collector_relation(recipient_deceased: bool) -> str:
    """How a member of the recipient's KK who showed their own KTP collects: for a living
    recipient as a same-KK proxy, for a deceased one as the heir on the same KK. The scan of a
    member's NIK is evidence of who stood at the counter, never of the head being there."""
    return HEIR if recipient_deceased else SAME_KK


# -- correcting who collected -------------------------------------------------------------------

CORRECTION_AFTER_DAY = Msg(
    "distribution.collector_correction_after_day",
    "Tanda terima {number} dicatat pada {date}: pengambil hanya dapat dikoreksi pada hari yang "
    "sama. Batalkan tanda terima (dengan alasan) bila memang salah, lalu catat ulang.",
    "Receipt {number} was recorded on {date}: its collector can only be corrected on the same "
    "day. Void the receipt (with a reason) if it is wrong, then record it again.",
)


def correction_refusal(number: str, received_on: date, today: date) -> CollectorRefusal | None:
    """None while the collector of a receipt recorded on `received_on` may still be corrected
    (the same calendar day in the office's time zone, when the person is most likely still at
    the counter and the paper receipt can be reprinted); otherwise why not. Later, only a void
    (another recorded fact with a reason) and a new receipt may change what happened."""
    if received_on == today:
        return None
    return CollectorRefusal(
        CORRECTION_AFTER_DAY, {"number": number, "date": format_date_id(received_on)}
    )
