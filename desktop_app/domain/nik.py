"""NIK (Nomor Induk Kependudukan) and No. KK (family card number) rules.

A NIK is 16 digits: province(2) regency(2) district(2) DDMMYY serial(4), where women have 40
added to the day. The region part records where the number was first issued, not where the
person lives, so the office's own prefix is never required. A NIK never changes: when a record's
corrected birth date or sex disagrees with the digits, that is a warning, never an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = [
    "PROVINCES",
    "Issue",
    "NikInfo",
    "Severity",
    "clean_number",
    "has_errors",
    "make_kk",
    "make_nik",
    "mask_nik",
    "nik_birth_date",
    "parse_nik",
    "validate_kk",
    "validate_nik",
]

NIK_LENGTH = 16
KK_LENGTH = 16

# Kemendagri province codes (Kepmendagri 100.1.1-6117/2022 onwards, 38 provinces). These are
# Kemendagri codes, not BPS codes: the two differ for the Papua provinces.
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

_WOMEN_DAY_OFFSET = 40


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding about a value: a stable code for programs, an Indonesian message for people.

    The template keeps its placeholders so a translation layer can translate the template and
    then fill in the same parameters.
    """

    code: str
    severity: Severity
    template: str
    params: dict[str, str | int] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __hash__(self) -> int:  # params is a dict; hash on the stable parts
        return hash((self.code, self.severity, self.template, tuple(sorted(self.params.items()))))


@dataclass(frozen=True)
class NikInfo:
    """The parts of a structurally valid NIK.

    province, regency and district are the two-digit parts as written in the NIK ("35", "72",
    "01"); region_code is the dotted Kemendagri district code ("35.72.01").
    """

    nik: str
    province: str
    regency: str
    district: str
    region_code: str
    birth_date: date
    sex: str
    serial: str

    @property
    def province_name(self) -> str:
        return PROVINCES.get(self.province, "")

    @property
    def regency_code(self) -> str:
        return f"{self.province}.{self.regency}"


def _error(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.ERROR, template, dict(params))


def _warning(code: str, template: str, /, **params: str | int) -> Issue:
    return Issue(code, Severity.WARNING, template, dict(params))


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(issue.severity is Severity.ERROR for issue in issues)


_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u00a0]+")
# A number that went through a spreadsheet as a float ("3572010101900001.0").
_FLOAT_SUFFIX = re.compile(r"^(\d+)\.0+$")
# Excel's scientific display of a long number ("3.57201E+15"): the last digits are lost.
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def clean_number(raw: str) -> str:
    """Remove the decoration people and spreadsheets add to NIK/KK numbers.

    Strips spaces, dots, dashes, a leading apostrophe (Excel's "treat as text" marker) and a
    float suffix (".0"); full-width digits become ASCII. Anything else (letters, "E+15") is kept
    so validation can report it.
    """
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = text.lstrip("'\u2018\u2019`")
    if _SCIENTIFIC.match(text):
        return text
    match = _FLOAT_SUFFIX.match(text)
    if match:
        text = match.group(1)
    return _SEPARATORS.sub("", text)


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _resolve_century(day: int, month: int, yy: int, today: date) -> date | None:
    """The birth date for a two-digit year: the most recent century that is not in the future."""
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def nik_birth_date(dd: int, mm: int, yy: int, today: date | None = None) -> tuple[date, str] | None:
    """Decode the DDMMYY digits of a NIK into (birth date, sex), or None if impossible."""
    if 1 <= dd <= 31:
        sex, day = "L", dd
    elif 41 <= dd <= 71:
        sex, day = "P", dd - _WOMEN_DAY_OFFSET
    else:
        return None
    if not 1 <= mm <= 12:
        return None
    born = _resolve_century(day, mm, yy, today or date.today())
    return (born, sex) if born else None


def parse_nik(raw: str, *, today: date | None = None) -> NikInfo | None:
    """Split a NIK into its parts, or None when it is structurally invalid.

    Structurally invalid means any ERROR that validate_nik would report.
    """
    nik = clean_number(raw)
    if len(nik) != NIK_LENGTH or not _is_ascii_digits(nik):
        return None
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCES or regency == "00" or district == "00":
        return None
    serial = nik[12:16]
    if serial == "0000":
        return None
    decoded = nik_birth_date(int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), today)
    if decoded is None:
        return None
    born, sex = decoded
    return NikInfo(
        nik=nik,
        province=province,
        regency=regency,
        district=district,
        region_code=f"{province}.{regency}.{district}",
        birth_date=born,
        sex=sex,
        serial=serial,
    )


def _shape_issues(number: str, raw: str, label: str, prefix: str) -> list[Issue]:
    """Length and character checks shared by NIK and KK."""
    if not number:
        return [_error(f"{prefix}.length", "{label} belum diisi (harus 16 digit).", label=label)]
    if _SCIENTIFIC.match(number):
        return [
            _error(
                f"{prefix}.scientific",
                "{label} tertulis sebagai {value}: angka ini sudah dirusak Excel (format "
                "ilmiah, digit terakhir hilang). Ketik ulang dari KTP/KK atau format kolom "
                "Excel sebagai Teks.",
                label=label,
                value=raw.strip(),
            )
        ]
    issues: list[Issue] = []
    if not _is_ascii_digits(number):
        bad = "".join(dict.fromkeys(ch for ch in number if not ("0" <= ch <= "9")))
        issues.append(
            _error(
                f"{prefix}.digits",
                "{label} hanya boleh berisi angka (ditemukan: {chars}).",
                label=label,
                chars=bad,
            )
        )
    if len(number) != 16:
        issues.append(
            _error(
                f"{prefix}.length",
                "{label} harus 16 digit (sekarang {n} digit).",
                label=label,
                n=len(number),
            )
        )
    return issues


def _number_issues(
    raw: str, label: str, prefix: str, *, check_district: bool
) -> tuple[str, list[Issue], bool]:
    """The cleaned number and the checks NIK and KK share: its shape, then (only when the shape
    is sound) its region digits. The flag tells whether the shape was sound, since only then can
    the date digits be read."""
    number = clean_number(raw)
    issues = _shape_issues(number, str(raw), label, prefix)
    if issues:
        return number, issues, False
    return number, _region_issues(number, label, prefix, check_district=check_district), True


def _region_issues(number: str, label: str, prefix: str, *, check_district: bool) -> list[Issue]:
    issues: list[Issue] = []
    province, regency, district = number[0:2], number[2:4], number[4:6]
    if province not in PROVINCES:
        issues.append(
            _error(
                f"{prefix}.region",
                "Kode provinsi {province} pada {label} tidak dikenal (dua digit pertama harus kode "
                "provinsi Kemendagri, misalnya 35 untuk Jawa Timur).",
                province=province,
                label=label,
            )
        )
    if regency == "00":
        issues.append(
            _error(
                f"{prefix}.region",
                "Kode kabupaten/kota pada {label} tidak boleh 00 (digit ke-3 dan ke-4).",
                label=label,
            )
        )
    if check_district and district == "00":
        issues.append(
            _error(
                f"{prefix}.region",
                "Kode kecamatan pada {label} tidak boleh 00 (digit ke-5 dan ke-6).",
                label=label,
            )
        )
    return issues


def _outside_province(number: str, label: str, prefix: str, office_province: str) -> list[Issue]:
    province = number[0:2]
    office = office_province.strip().split(".")[0]
    if not office or province == office or province not in PROVINCES:
        return []
    return [
        _warning(
            f"{prefix}.outside_province",
            "{label} diterbitkan di provinsi lain ({province}, {province_name}). Ini boleh "
            "(NIK tidak berubah saat pindah), tetapi periksa kembali domisilinya.",
            label=label,
            province=province,
            province_name=PROVINCES[province],
        )
    ]


def validate_nik(
    raw: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    office_province: str | None = None,
    today: date | None = None,
) -> list[Issue]:
    """Check a NIK and compare it with the record it belongs to.

    Errors: wrong length, non-digits, unknown province, regency/district "00", impossible birth
    date digits, serial "0000". Warnings: the record's birth date or sex disagrees with the
    digits, or the NIK was issued outside the office's province. A well-formed NIK may still be
    unregistered; nothing here can tell.
    """
    label = "NIK"
    nik, issues, readable = _number_issues(raw, label, "nik", check_district=True)
    if not readable:
        return issues

    today = today or date.today()
    dd, mm, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    decoded = nik_birth_date(dd, mm, yy, today)
    if decoded is None:
        issues.append(
            _error(
                "nik.date",
                "Digit tanggal lahir pada NIK ({digits}) bukan tanggal yang mungkin "
                "(digit ke-7 s.d. 12 adalah TTBBTT; untuk perempuan tanggal ditambah 40).",
                digits=nik[6:12],
            )
        )
    if nik[12:16] == "0000":
        issues.append(_error("nik.serial", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."))

    if decoded is not None:
        nik_date, nik_sex = decoded
        if birth_date is not None and (
            (birth_date.day, birth_date.month, birth_date.year % 100)
            != (nik_date.day, nik_date.month, yy)
        ):
            issues.append(
                _warning(
                    "nik.birthdate_mismatch",
                    "Tanggal lahir di data ({record}) berbeda dengan tanggal pada NIK "
                    "({from_nik}). NIK tidak pernah berubah; pastikan tanggal lahir sesuai KTP.",
                    record=birth_date.strftime("%d-%m-%Y"),
                    from_nik=nik_date.strftime("%d-%m-%Y"),
                )
            )
        record_sex = _normalise_sex(sex)
        if record_sex is not None and record_sex != nik_sex:
            issues.append(
                _warning(
                    "nik.sex_mismatch",
                    "Jenis kelamin di data ({record}) berbeda dengan NIK (menurut NIK: "
                    "{from_nik}). Pada NIK perempuan, tanggal lahir ditambah 40.",
                    record=_SEX_LABELS[record_sex],
                    from_nik=_SEX_LABELS[nik_sex],
                )
            )
    if office_province:
        issues.extend(_outside_province(nik, label, "nik", office_province))
    return issues


_SEX_LABELS = {"L": "laki-laki", "P": "perempuan"}


def _normalise_sex(sex: str | None) -> str | None:
    if sex is None or not str(sex).strip():
        return None
    # Local import: status holds the full list of spellings; keep one source of truth.
    from desktop_app.domain.status import parse_sex

    return parse_sex(str(sex))


def validate_kk(
    raw: str, *, office_province: str | None = None, today: date | None = None
) -> list[Issue]:
    """Check a No. KK (family card number).

    Digits 7-12 are the card's issue date DDMMYY (no +40). Old cards carry odd dates, so a bad
    date there is only a warning.
    """
    label = "No. KK"
    kk, issues, readable = _number_issues(raw, label, "kk", check_district=False)
    if not readable:
        return issues
    dd, mm, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    if _resolve_century(dd, mm, yy, today or date.today()) is None:
        issues.append(
            _warning(
                "kk.date",
                "Digit tanggal terbit pada No. KK ({digits}) bukan tanggal yang wajar "
                "(digit ke-7 s.d. 12 adalah TTBBTT). Periksa kembali dengan kartu KK.",
                digits=kk[6:12],
            )
        )
    if office_province:
        issues.extend(_outside_province(kk, label, "kk", office_province))
    return issues


_BULLET = "\u2022"


def mask_nik(nik: str) -> str:
    """Mask a NIK for lists shown to the public: "3572••••••••0001".

    Only a full-length number keeps its first and last four digits; anything shorter is masked
    completely so a partial number never leaks more than it hides.
    """
    number = clean_number(nik or "")
    if not number:
        return ""
    if len(number) >= NIK_LENGTH:
        return number[:4] + _BULLET * 8 + number[-4:]
    return _BULLET * len(number)


def _region_digits(region_code: str) -> str:
    digits = region_code.replace(".", "")
    if len(digits) < 6 or not _is_ascii_digits(digits[:6]):
        raise ValueError(f"need a district code like 35.72.01, got {region_code!r}")
    return digits[:6]


def make_nik(region_code: str, birth_date: date, sex: str, serial: int | str = 1) -> str:
    """Compose a NIK from its parts (for synthetic data and tests; real NIKs come from Dukcapil).

    ``region_code`` is a district code ("35.72.01"; longer codes are cut to the district).
    """
    parsed_sex = _normalise_sex(sex)
    if parsed_sex is None:
        raise ValueError(f"unknown sex {sex!r}")
    day = birth_date.day + (_WOMEN_DAY_OFFSET if parsed_sex == "P" else 0)
    serial_num = int(serial)
    if not 1 <= serial_num <= 9999:
        raise ValueError(f"serial must be 1..9999, got {serial!r}")
    return (
        f"{_region_digits(region_code)}{day:02d}{birth_date.month:02d}"
        f"{birth_date.year % 100:02d}{serial_num:04d}"
    )


def make_kk(region_code: str, issued: date, serial: int | str = 1) -> str:
    """Compose a No. KK: district code, issue date DDMMYY, serial (for synthetic data)."""
    serial_num = int(serial)
    if not 1 <= serial_num <= 9999:
        raise ValueError(f"serial must be 1..9999, got {serial!r}")
    return f"{_region_digits(region_code)}{issued.strftime('%d%m%y')}{serial_num:04d}"
