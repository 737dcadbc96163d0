"""The catalogue of social programmes and the rules for enrolling someone in one.

The catalogue ships with the first office's programmes (Dinas Sosial Kota Blitar); an office's
own list can be built from the same Program type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desktop_app.domain.nik import Issue, Severity

__all__ = [
    "ABH_ROLES",
    "DETAIL_ABH_ROLE",
    "DETAIL_DISABILITY_DEGREE",
    "DETAIL_DISABILITY_RAGAM",
    "DISABILITY_DEGREE",
    "DISABILITY_RAGAM",
    "ELDERLY_AGE",
    "PROGRAMS",
    "Program",
    "Unit",
    "age_on",
    "get_program",
    "validate_enrolment",
]

ADULT_AGE = 18  # UU 35/2014: a child is anyone under 18
ELDERLY_AGE = 60  # UU 13/1998: lanjut usia is 60 and over


class Unit(StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    short: str
    unit: Unit
    # Health/disability and children's data are specific personal data under UU PDP 27/2022:
    # access is restricted and exports are logged.
    sensitive: bool
    description: str
    max_age: int | None = None  # participants must be younger than this on enrolment
    min_age: int | None = None  # advisory: a younger participant gives a warning, not an error


# The first office's programmes, one row each:
# (code, name, short, unit, sensitive, description, max_age, min_age).
# Home care records carry health conditions, so SIHORE is sensitive like the children's and
# disability programmes.
_CATALOGUE: tuple[tuple[str, str, str, Unit, bool, str, int | None, int | None], ...] = (
    (
        "RASTRADA",
        "Beras Kesejahteraan Daerah (Rastrada)",
        "Rastrada",
        Unit.HOUSEHOLD,
        False,
        "Beras 10 kg per KPM per bulan, disalurkan per tahap (triwulan) melalui "
        "kelurahan atau toko mitra.",
        None,
        None,
    ),
    (
        "RAPELAN",
        "Ransum Peduli Lansia (Rapelan)",
        "Rapelan",
        Unit.PERSON,
        False,
        "Ransum makanan untuk lanjut usia setiap hari Jumat.",
        None,
        ELDERLY_AGE,
    ),
    (
        "SIHORE",
        "Social Home Care (Si Hore)",
        "Si Hore",
        Unit.PERSON,
        True,
        "Perawatan di rumah bagi lansia dengan kebutuhan tinggi: kunjungan "
        "relawan dan tenaga kesehatan, paket kebersihan.",
        None,
        ELDERLY_AGE,
    ),
    (
        "DISABILITAS",
        "Penyandang Disabilitas",
        "Disabilitas",
        Unit.PERSON,
        True,
        "Layanan dan bantuan bagi penyandang disabilitas (ragam menurut UU 8/2016).",
        None,
        None,
    ),
    (
        "ANAK_TERLANTAR",
        "Anak Terlantar",
        "Anak Terlantar",
        Unit.PERSON,
        True,
        "Pendampingan dan perlindungan bagi anak terlantar (di bawah 18 tahun).",
        ADULT_AGE,
        None,
    ),
    (
        "ABH",
        "Anak Berhadapan dengan Hukum (ABH)",
        "ABH",
        Unit.PERSON,
        True,
        "Pendampingan anak yang berkonflik dengan hukum, anak korban, dan anak "
        "saksi (di bawah 18 tahun).",
        ADULT_AGE,
        None,
    ),
    (
        "PELATIHAN",
        "Pelatihan Keterampilan",
        "Pelatihan",
        Unit.PERSON,
        False,
        "Pelatihan keterampilan (membuat jajanan, menjahit, produk rumah tangga) "
        "dengan daftar hadir per sesi.",
        None,
        None,
    ),
)

PROGRAMS: dict[str, Program] = {row[0]: Program(*row) for row in _CATALOGUE}


def get_program(code: str) -> Program:
    try:
        return PROGRAMS[code.strip().upper()]
    except (KeyError, AttributeError):
        known = ", ".join(PROGRAMS)
        raise KeyError(f"Unknown program code {code!r}; known codes: {known}") from None


# UU 8/2016 pasal 4: ragam penyandang disabilitas. Sensorik is split into its three kinds
# because services differ (tongkat, alat bantu dengar, ...).
DISABILITY_RAGAM: dict[str, str] = {
    "fisik": "Disabilitas fisik",
    "intelektual": "Disabilitas intelektual",
    "mental": "Disabilitas mental",
    "sensorik_netra": "Disabilitas sensorik netra",
    "sensorik_rungu": "Disabilitas sensorik rungu",
    "sensorik_wicara": "Disabilitas sensorik wicara",
}

# UU 8/2016 pasal 4 ayat 2: ragam may be experienced singly (tunggal) or as two or more
# together (ganda/multi).
DISABILITY_DEGREE: dict[str, str] = {
    "tunggal": "Tunggal",
    "ganda": "Ganda",
    "multi": "Multi",
}

ABH_ROLES: dict[str, str] = {
    "pelaku": "Anak yang berkonflik dengan hukum",
    "korban": "Anak korban",
    "saksi": "Anak saksi",
}

# Keys of the ``details`` mapping that validate_enrolment understands.
DETAIL_DISABILITY_RAGAM = "ragam"  # iterable of DISABILITY_RAGAM keys (or a comma-separated str)
DETAIL_DISABILITY_DEGREE = "degree"  # a DISABILITY_DEGREE key; optional
DETAIL_ABH_ROLE = "role"  # an ABH_ROLES key


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on a given day (a 29 February birthday counts on 1 March)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _as_keys(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[object] = value.split(",")
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    return [str(item).strip().lower() for item in items if str(item).strip()]


def _degree_fits(degree: str, count: int) -> bool:
    # Penjelasan pasal 4 ayat 2: "ganda atau multi" means two or more ragam.
    return (degree == "tunggal") == (count == 1)


def validate_enrolment(
    program: Program, *, birth_date: date | None, on: date, details: dict
) -> list[Issue]:
    """Check that a person (or household) may be enrolled in ``program`` on ``on``.

    Children's programmes need a known birth date and an age under 18; disability needs at
    least one ragam; ABH needs the child's role. An elderly programme only warns about a
    younger participant, because offices do make exceptions.
    """
    issues: list[Issue] = []
    details = details or {}

    if birth_date is not None and birth_date > on:
        issues.append(
            Issue(
                "program.birth_date_future",
                Severity.ERROR,
                "Tanggal lahir ({birth_date}) sesudah tanggal pendaftaran ({on}).",
                {"birth_date": birth_date.strftime("%d-%m-%Y"), "on": on.strftime("%d-%m-%Y")},
            )
        )
        return issues

    if program.max_age is not None:
        if birth_date is None:
            issues.append(
                Issue(
                    "program.birth_date_required",
                    Severity.ERROR,
                    "Program {program} mensyaratkan tanggal lahir (peserta harus berusia di "
                    "bawah {max_age} tahun).",
                    {"program": program.short, "max_age": program.max_age},
                )
            )
        else:
            age = age_on(birth_date, on)
            if age >= program.max_age:
                issues.append(
                    Issue(
                        "program.too_old",
                        Severity.ERROR,
                        "Program {program} hanya untuk usia di bawah {max_age} tahun; usia "
                        "peserta {age} tahun.",
                        {"program": program.short, "max_age": program.max_age, "age": age},
                    )
                )

    if program.min_age is not None and birth_date is not None:
        age = age_on(birth_date, on)
        if age < program.min_age:
            issues.append(
                Issue(
                    "program.too_young",
                    Severity.WARNING,
                    "Program {program} ditujukan untuk usia {min_age} tahun ke atas; usia "
                    "peserta {age} tahun. Pastikan ada alasan pengecualian.",
                    {"program": program.short, "min_age": program.min_age, "age": age},
                )
            )

    if program.code == "DISABILITAS":
        issues.extend(_disability_issues(details))
    if program.code == "ABH":
        role = str(details.get(DETAIL_ABH_ROLE) or "").strip().lower()
        if not role:
            issues.append(
                Issue(
                    "program.abh_role_required",
                    Severity.ERROR,
                    "Pilih kedudukan anak dalam perkara: pelaku, korban, atau saksi.",
                )
            )
        elif role not in ABH_ROLES:
            issues.append(
                Issue(
                    "program.abh_role_unknown",
                    Severity.ERROR,
                    "Kedudukan ABH '{role}' tidak dikenal; pilih pelaku, korban, atau saksi.",
                    {"role": role},
                )
            )
    return issues


def _disability_issues(details: dict) -> list[Issue]:
    issues: list[Issue] = []
    ragam = _as_keys(details.get(DETAIL_DISABILITY_RAGAM))
    unknown = [r for r in ragam if r not in DISABILITY_RAGAM]
    known = list(dict.fromkeys(r for r in ragam if r in DISABILITY_RAGAM))
    if unknown:
        issues.append(
            Issue(
                "program.ragam_unknown",
                Severity.ERROR,
                "Ragam disabilitas tidak dikenal: {ragam}.",
                {"ragam": ", ".join(unknown)},
            )
        )
    if not known:
        issues.append(
            Issue(
                "program.ragam_required",
                Severity.ERROR,
                "Pilih paling sedikit satu ragam disabilitas (fisik, intelektual, mental, atau "
                "sensorik netra/rungu/wicara).",
            )
        )
        return issues
    degree = str(details.get(DETAIL_DISABILITY_DEGREE) or "").strip().lower()
    if degree and degree not in DISABILITY_DEGREE:
        issues.append(
            Issue(
                "program.degree_unknown",
                Severity.ERROR,
                "Derajat disabilitas '{degree}' tidak dikenal; pilih tunggal, ganda, atau multi.",
                {"degree": degree},
            )
        )
    elif degree and not _degree_fits(degree, len(known)):
        issues.append(
            Issue(
                "program.degree_mismatch",
                Severity.WARNING,
                "Derajat disabilitas tercatat {degree}, tetapi ragam yang dipilih ada {count}: "
                "{ragam}. Periksa kembali.",
                {"degree": degree, "count": len(known), "ragam": ", ".join(known)},
            )
        )
    return issues
