"""Casework rules for the office's own programs: Si Hore home care, disability services and
children (anak terlantar, ABH).

One case model serves all of them; what differs per program is data, not code: the assessment
fields (`ASSESSMENT_FIELDS`, checked by `validate_assessment`), the SPPA stages of an ABH case
(UU 11/2012), the Si Hore services checklist and the assistive device kinds. Everything here is
pure (stdlib only) so services, documents and tests share one definition.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from desktop_app.domain.programs import ABH_ROLES, DISABILITY_RAGAM

__all__ = [
    "ACTIVITY_KINDS",
    "ASSESSMENT_FIELDS",
    "CASEWORK_PROGRAMS",
    "CHILD_PROGRAMS",
    "DEFAULT_VISIT_EVERY_DAYS",
    "CLOSE_REASONS",
    "DEVICE_KINDS",
    "DEVICE_STATUSES",
    "DISABILITY_NEEDS",
    "DISABILITY_SEVERITY",
    "GOAL_STATUSES",
    "PLACEMENTS",
    "REFERRAL_TARGETS",
    "SIHORE_CONDITIONS",
    "SIHORE_SERVICES",
    "SPPA_STAGES",
    "ActivityKind",
    "AssessmentProblem",
    "CaseStatus",
    "FieldDef",
    "FieldKind",
    "child_initials",
    "device_handover_signed_bytes",
    "is_overdue",
    "month_bounds",
    "next_visit_due",
    "stage_move_allowed",
    "summarise_services",
    "validate_assessment",
    "week_bounds",
]

# The programs with casework; a case belongs to exactly one of them.
CASEWORK_PROGRAMS: tuple[str, ...] = ("SIHORE", "DISABILITAS", "ANAK_TERLANTAR", "ABH")
CHILD_PROGRAMS: frozenset[str] = frozenset({"ANAK_TERLANTAR", "ABH"})


class CaseStatus(StrEnum):
    OPEN = "aktif"
    CLOSED = "ditutup"


# Why a case ends. "Ditutup" is a status with a reason, never a deletion.
CLOSE_REASONS: dict[str, str] = {
    "tujuan_tercapai": "Tujuan rencana tercapai",
    "meninggal": "Meninggal dunia",
    "pindah": "Pindah domisili",
    "dirujuk": "Dirujuk ke lembaga lain",
    "menolak": "Menolak layanan",
    "dewasa": "Mencapai usia dewasa (18 tahun)",
    "perkara_selesai": "Perkara selesai",
    "lainnya": "Lainnya",
}


class ActivityKind(StrEnum):
    HOME_VISIT = "kunjungan_rumah"
    SESSION = "sesi"
    REFERRAL = "rujukan"
    AID = "bantuan"
    HEARING = "sidang"  # a court or diversion hearing attended with the child


ACTIVITY_KINDS: dict[str, str] = {
    ActivityKind.HOME_VISIT: "Kunjungan rumah",
    ActivityKind.SESSION: "Sesi pendampingan",
    ActivityKind.REFERRAL: "Rujukan",
    ActivityKind.AID: "Bantuan diserahkan",
    ActivityKind.HEARING: "Menghadiri sidang / musyawarah diversi",
}

REFERRAL_TARGETS: dict[str, str] = {
    "lpks": "LPKS (Lembaga Penyelenggaraan Kesejahteraan Sosial)",
    "puskesmas": "Puskesmas",
    "rsud": "Rumah sakit",
    "sekolah": "Sekolah",
    "slb": "Sekolah Luar Biasa",
    "psikolog": "Psikolog / layanan kesehatan jiwa",
    "uptd_ppa": "UPTD PPA",
    "lainnya": "Lainnya",
}

GOAL_STATUSES: dict[str, str] = {
    "berjalan": "Berjalan",
    "tercapai": "Tercapai",
    "dibatalkan": "Dibatalkan",
}

# -- Si Hore ---------------------------------------------------------------------------------
# The services a carer ticks on a visit, in the order of the paper form.
SIHORE_SERVICES: dict[str, str] = {
    "kebersihan_diri": "Kebersihan diri",
    "makanan": "Makanan",
    "cek_kesehatan": "Cek kesehatan sederhana",
    "obat": "Obat",
    "pendampingan": "Pendampingan",
}

SIHORE_CONDITIONS: dict[str, str] = {
    "baik": "Baik",
    "stabil": "Stabil",
    "menurun": "Menurun",
    "perlu_rujukan": "Perlu dirujuk",
}

DEFAULT_VISIT_EVERY_DAYS = 7

# -- disability ------------------------------------------------------------------------------
DISABILITY_SEVERITY: dict[str, str] = {
    "ringan": "Ringan",
    "sedang": "Sedang",
    "berat": "Berat",
}

DISABILITY_NEEDS: dict[str, str] = {
    "alat_bantu": "Alat bantu",
    "terapi": "Terapi / rehabilitasi",
    "kesehatan": "Layanan kesehatan",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pelatihan kerja / pekerjaan",
    "bantuan_sosial": "Bantuan sosial",
    "pendampingan": "Pendampingan",
}

DEVICE_KINDS: dict[str, str] = {
    "kursi_roda": "Kursi roda",
    "alat_bantu_dengar": "Alat bantu dengar",
    "tongkat": "Tongkat",
    "tongkat_netra": "Tongkat netra",
    "kruk": "Kruk",
    "walker": "Walker",
    "kaki_palsu": "Kaki palsu",
    "tangan_palsu": "Tangan palsu",
}

DEVICE_STATUSES: dict[str, str] = {
    "diminta": "Diminta",
    "diserahkan": "Diserahkan",
    "batal": "Batal",
}

# -- children --------------------------------------------------------------------------------
# UU 11/2012 (SPPA): the stages an ABH case passes, in order. Diversion may be skipped (a
# crime with more than 7 years' threat) and a case may end at diversion.
SPPA_STAGES: dict[str, str] = {
    "penyidikan": "Penyidikan",
    "diversi": "Diversi",
    "persidangan": "Persidangan",
    "putusan": "Putusan",
    "pembinaan": "Pembinaan / penempatan",
}

# Where a child is placed after a decision (pembinaan stage).
PLACEMENTS: dict[str, str] = {
    "orang_tua": "Dikembalikan kepada orang tua / wali",
    "lpks": "LPKS",
    "lpka": "LPKA",
}


def stage_move_allowed(current: str | None, new: str) -> bool:
    """A case moves forward through the SPPA stages (skipping is allowed, e.g. no diversion);
    it never moves back and never re-enters the stage it is in."""
    order = list(SPPA_STAGES)
    if new not in SPPA_STAGES:
        return False
    if current is None:
        return True
    if current not in SPPA_STAGES:
        return True
    return order.index(new) > order.index(current)


# -- assessments as data ---------------------------------------------------------------------
class FieldKind(StrEnum):
    TEXT = "text"
    INT = "int"
    CHOICE = "choice"
    MULTI = "multi"  # several keys of `choices`
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    kind: FieldKind
    required: bool = False
    choices: Mapping[str, str] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_chars: int = 500


def _f(key: str, label: str, kind: FieldKind, **kw: Any) -> FieldDef:
    return FieldDef(key, label, kind, **kw)


T, N, C, M, D, B = (
    FieldKind.TEXT,
    FieldKind.INT,
    FieldKind.CHOICE,
    FieldKind.MULTI,
    FieldKind.DATE,
    FieldKind.BOOL,
)

_SCHOOL = {"sekolah": "Bersekolah", "putus_sekolah": "Putus sekolah", "belum": "Belum sekolah"}
_CHILD_NEEDS = {
    "pengasuhan": "Pengasuhan",
    "pendidikan": "Pendidikan",
    "kesehatan": "Kesehatan",
    "psikososial": "Dukungan psikososial",
    "dokumen": "Dokumen kependudukan",
    "bantuan_hukum": "Bantuan hukum",
}

# The assessment form of each program, field by field. A new question is a new row here; the
# GUI builds its form from this and `validate_assessment` checks what is stored.
ASSESSMENT_FIELDS: dict[str, tuple[FieldDef, ...]] = {
    "SIHORE": (
        _f(
            "mobilitas",
            "Mobilitas",
            C,
            required=True,
            choices={
                "mandiri": "Mandiri",
                "dibantu": "Perlu dibantu",
                "tirah_baring": "Tirah baring",
            },
        ),
        _f("kondisi", "Kondisi umum", C, required=True, choices=SIHORE_CONDITIONS),
        _f("penyakit", "Penyakit / diagnosis", T),
        _f("obat_rutin", "Obat rutin", T),
        _f("pengasuh_keluarga", "Pengasuh dalam keluarga", T),
        _f("kebutuhan", "Layanan yang dibutuhkan", M, choices=SIHORE_SERVICES),
        _f("catatan", "Catatan", T, max_chars=2000),
    ),
    "DISABILITAS": (
        _f("ragam", "Ragam disabilitas", M, required=True, choices=DISABILITY_RAGAM),
        _f("tingkat", "Tingkat keparahan", C, required=True, choices=DISABILITY_SEVERITY),
        _f("kebutuhan", "Kebutuhan", M, choices=DISABILITY_NEEDS),
        _f("alat_dimiliki", "Alat bantu yang sudah dimiliki", T),
        _f("bpjs", "Memiliki BPJS Kesehatan", B),
        _f("catatan", "Catatan", T, max_chars=2000),
    ),
    "ANAK_TERLANTAR": (
        _f(
            "situasi",
            "Situasi anak",
            C,
            required=True,
            choices={
                "yatim_piatu": "Yatim piatu",
                "ditelantarkan": "Ditelantarkan orang tua",
                "tanpa_pengasuh": "Tanpa pengasuh",
                "anak_jalanan": "Hidup di jalan",
                "lainnya": "Lainnya",
            },
        ),
        _f("pengasuh", "Pengasuh saat ini", T),
        _f("sekolah", "Pendidikan", C, choices=_SCHOOL),
        _f("kesehatan", "Kondisi kesehatan", T),
        _f("kebutuhan", "Kebutuhan", M, choices=_CHILD_NEEDS),
        _f("catatan", "Catatan", T, max_chars=2000),
    ),
    "ABH": (
        _f("kedudukan", "Kedudukan anak", C, required=True, choices=ABH_ROLES),
        _f("perkara", "Perkara", T, required=True, max_chars=300),
        _f("tanggal_kejadian", "Tanggal kejadian", D),
        _f("ancaman_tahun", "Ancaman pidana (tahun)", N, minimum=0, maximum=20),
        _f("pendamping_hukum", "Pendamping hukum", T),
        _f("sekolah", "Pendidikan", C, choices=_SCHOOL),
        _f("kebutuhan", "Kebutuhan", M, choices=_CHILD_NEEDS),
        _f("catatan", "Catatan", T, max_chars=2000),
    ),
}


@dataclass(frozen=True)
class AssessmentProblem:
    """Why one field was refused: `reason` is one of required, unknown_field, not_a_number,
    out_of_range, unknown_choice, not_a_date, too_long."""

    field: str
    label: str
    reason: str
    value: str = ""


def _problem(f: FieldDef, reason: str, value: object = "") -> AssessmentProblem:
    return AssessmentProblem(f.key, f.label, reason, str(value)[:40])


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def _clean_field(f: FieldDef, value: object) -> tuple[object, AssessmentProblem | None]:
    if f.kind is FieldKind.TEXT:
        text = " ".join(str(value).split()) if f.max_chars <= 500 else str(value).strip()
        if len(text) > f.max_chars:
            return None, _problem(f, "too_long", len(text))
        return text, None
    if f.kind is FieldKind.INT:
        try:
            number = int(str(value).strip())
        except ValueError:
            return None, _problem(f, "not_a_number", value)
        if (f.minimum is not None and number < f.minimum) or (
            f.maximum is not None and number > f.maximum
        ):
            return None, _problem(f, "out_of_range", number)
        return number, None
    if f.kind is FieldKind.BOOL:
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in ("ya", "y", "1", "true"):
            return True, None
        if text in ("tidak", "t", "0", "false"):
            return False, None
        return None, _problem(f, "unknown_choice", value)
    if f.kind is FieldKind.DATE:
        if isinstance(value, date):
            return value.isoformat(), None
        try:
            return date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return None, _problem(f, "not_a_date", value)
    choices = f.choices or {}
    if f.kind is FieldKind.CHOICE:
        key = str(value).strip().lower()
        if key not in choices:
            return None, _problem(f, "unknown_choice", value)
        return key, None
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        items = [value]
    keys = [str(i).strip().lower() for i in items if str(i).strip()]
    unknown = [k for k in keys if k not in choices]
    if unknown:
        return None, _problem(f, "unknown_choice", unknown[0])
    order = list(choices)
    return sorted(set(keys), key=order.index), None


def validate_assessment(
    program: str, values: Mapping[str, object]
) -> tuple[dict[str, object], list[AssessmentProblem]]:
    """Check an assessment against its program's definition. Returns the cleaned values (only
    defined, non-blank fields; choices as keys; dates as ISO text) and the problems (empty when
    it may be stored). Unknown fields are refused: a typo must not vanish silently."""
    fields = {f.key: f for f in ASSESSMENT_FIELDS.get(program, ())}
    cleaned: dict[str, object] = {}
    problems: list[AssessmentProblem] = []
    for key in values:
        if key not in fields:
            problems.append(AssessmentProblem(key, key, "unknown_field"))
    for f in fields.values():
        value = values.get(f.key)
        if _blank(value):
            if f.required:
                problems.append(_problem(f, "required"))
            continue
        clean, problem = _clean_field(f, value)
        if problem is not None:
            problems.append(problem)
        elif not _blank(clean):
            cleaned[f.key] = clean
        elif f.required:
            problems.append(_problem(f, "required"))
    return cleaned, problems


# -- dates -----------------------------------------------------------------------------------
def next_visit_due(last_visit: date | None, every_days: int | None, opened_on: date) -> date:
    """When a Si Hore client should next be visited: `every_days` after the last visit (or after
    the case opened when nobody has visited yet)."""
    step = every_days if every_days and every_days > 0 else DEFAULT_VISIT_EVERY_DAYS
    return (last_visit or opened_on) + timedelta(days=step)


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` is in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def child_initials(name: str) -> str:
    """A child's name as a document for a hearing may print it (UU 11/2012 pasal 19: the
    identity of a child, victim or witness is kept secret): initials only, "Ahmad Fauzi" ->
    "A.F."."""
    words = [w for w in "".join(c if c.isalpha() else " " for c in name).split() if w]
    return "".join(f"{w[0].upper()}." for w in words) or "-"


def summarise_services(services: Sequence[str]) -> str:
    """The Si Hore checklist as one line of labels, in form order."""
    return ", ".join(SIHORE_SERVICES[s] for s in SIHORE_SERVICES if s in services)


def device_handover_signed_bytes(fields: Mapping[str, Any]) -> bytes:
    """What the handing device signs for an assistive device handover (the same JSON-array
    form as domain.receipts): number, case, device record, kind, date, receiver, officer and
    the signing device. Raises KeyError when a field is missing."""
    parts = [
        "berdaya-device-handover/1",
        str(fields["number"]),
        str(fields["case_id"]),
        str(fields["id"]),
        str(fields["kind"]),
        str(fields["delivered_on"])[:10],
        str(fields.get("received_by") or ""),
        str(fields.get("officer") or ""),
        str(fields["signed_by"]),
    ]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
