"""The office profile (letterhead, region, numbering prefix) and Indonesian date formatting.

Nothing in the app assumes Blitar: these defaults are the first office's values and every field
is editable in the settings.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from desktop_app.domain.nik import PROVINCES, Issue, Severity

__all__ = [
    "INDONESIAN_DAYS",
    "INDONESIAN_MONTHS",
    "ADDRESS_PLACEHOLDER",
    "OfficeProfile",
    "format_date_id",
    "missing_profile_fields",
    "profile_complete",
    "format_date_long_id",
    "format_number",
    "format_number_id",
]

INDONESIAN_MONTHS: list[str] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]

# Indexed by date.weekday(): Monday is 0.
INDONESIAN_DAYS: list[str] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

# Shown until the office enters its street address: obviously unfinished on a printout rather
# than a plausible-looking wrong address on an official letter.
ADDRESS_PLACEHOLDER = "Jl. (isi alamat kantor di Pengaturan), Kota Blitar"

_DEVICE_NAME = re.compile(r"^[A-Z0-9]{2,8}$")
_REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NIP = re.compile(r"^\d{18}$")  # NIP PNS: 18 digits


@dataclass
class OfficeProfile:
    office_name: str = "Dinas Sosial Kota Blitar"
    government_line: str = "PEMERINTAH KOTA BLITAR"
    department_line: str = "DINAS SOSIAL"
    address: str = ADDRESS_PLACEHOLDER
    phone: str = ""
    email: str = ""
    city: str = "Blitar"  # for the date line: "Blitar, 28 November 2026"
    region_code: str = "35.72"
    province_code: str = "35"
    head_title: str = "Kepala Dinas Sosial Kota Blitar"
    head_name: str = ""
    head_nip: str = ""
    device_name: str = "KANTOR"  # receipt-number prefix, [A-Z0-9]{2,8}
    completion_threshold_pct: int = 80  # attendance needed to pass a training

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> OfficeProfile:
        """Build a profile from stored settings: unknown keys are ignored (a newer version may
        have added fields), missing ones take the defaults."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in (d or {}).items():
            if key not in known or value is None:
                continue
            if key == "completion_threshold_pct":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    continue
            else:
                value = str(value)
            values[key] = value
        return cls(**values)

    def date_line(self, d: date) -> str:
        """The place-and-date line above a signature: "Blitar, 28 November 2026"."""
        return f"{self.city}, {format_date_id(d)}"

    def validate(self) -> list[Issue]:
        issues: list[Issue] = []

        def error(code: str, template: str, **params: str | int) -> None:
            issues.append(Issue(code, Severity.ERROR, template, dict(params)))

        def warning(code: str, template: str, **params: str | int) -> None:
            issues.append(Issue(code, Severity.WARNING, template, dict(params)))

        for name, label in (
            ("office_name", "Nama kantor"),
            ("government_line", "Baris pemerintah daerah pada kop surat"),
            ("department_line", "Baris nama dinas pada kop surat"),
            ("address", "Alamat kantor"),
            ("city", "Kota untuk baris tanggal"),
            ("head_title", "Jabatan kepala dinas"),
        ):
            if not str(getattr(self, name)).strip():
                error(f"office.{name}.required", "{label} wajib diisi.", label=label)
        if self.address == ADDRESS_PLACEHOLDER:
            warning(
                "office.address.placeholder",
                "Alamat kantor belum diisi; kop surat masih memakai contoh alamat.",
            )
        if not _REGION_CODE.match(self.region_code):
            error(
                "office.region_code",
                "Kode wilayah kantor harus berbentuk PP.KK (contoh 35.72), bukan '{value}'.",
                value=self.region_code,
            )
        if self.province_code not in PROVINCES:
            error(
                "office.province_code",
                "Kode provinsi '{value}' tidak dikenal (contoh: 35 untuk Jawa Timur).",
                value=self.province_code,
            )
        elif _REGION_CODE.match(self.region_code) and not self.region_code.startswith(
            self.province_code + "."
        ):
            error(
                "office.region_mismatch",
                "Kode wilayah {region} tidak berada di provinsi {province}.",
                region=self.region_code,
                province=self.province_code,
            )
        if not _DEVICE_NAME.match(self.device_name):
            error(
                "office.device_name",
                "Nama perangkat harus 2-8 huruf besar atau angka tanpa spasi (contoh: KANTOR, "
                "LAPTOP1); sekarang '{value}'.",
                value=self.device_name,
            )
        if not 0 <= self.completion_threshold_pct <= 100:
            error(
                "office.completion_threshold",
                "Batas kehadiran kelulusan harus antara 0 dan 100 persen (sekarang {value}).",
                value=self.completion_threshold_pct,
            )
        if self.email and not _EMAIL.match(self.email.strip()):
            error(
                "office.email",
                "Alamat email '{value}' tidak valid.",
                value=self.email,
            )
        if self.head_nip and not _NIP.match(re.sub(r"\s", "", self.head_nip)):
            warning(
                "office.head_nip",
                "NIP kepala dinas biasanya 18 digit; periksa kembali '{value}'.",
                value=self.head_nip,
            )
        return issues


# What a document needs before it may go out without the "DRAF" mark: the letterhead's street
# address and the head of office who signs (name, title, NIP). Everything else has a usable
# default (the first office's lines) or is optional (phone, email).
REQUIRED_FOR_DOCUMENTS: tuple[str, ...] = ("address", "head_title", "head_name", "head_nip")


def missing_profile_fields(profile: OfficeProfile) -> list[str]:
    """The profile fields still unset for official documents, in form order (empty when the
    profile is complete). A placeholder address counts as unset; so does a profile that does not
    validate (a field with an error is reported by its name)."""
    missing = [name for name in REQUIRED_FOR_DOCUMENTS if not str(getattr(profile, name)).strip()]
    if profile.address.strip() == ADDRESS_PLACEHOLDER and "address" not in missing:
        missing.insert(0, "address")
    for issue in profile.validate():
        if issue.severity == Severity.ERROR:
            name = issue.code.split(".")[1]
            name = name if hasattr(profile, name) else issue.code
            if name not in missing:
                missing.append(name)
    return missing


def profile_complete(profile: OfficeProfile) -> bool:
    """Whether documents may print without the "DRAF" mark and the first-run wizard may stay
    closed: the address, the head of office's name, title and NIP are filled in and the profile
    has no errors."""
    return not missing_profile_fields(profile)


def format_date_id(d: date) -> str:
    """Day, Indonesian month name and year: "28 November 2026"."""
    return f"{d.day} {INDONESIAN_MONTHS[d.month - 1]} {d.year}"


def format_date_long_id(d: date) -> str:
    """With the Indonesian weekday: "Sabtu, 28 November 2026"."""
    return f"{INDONESIAN_DAYS[d.weekday()]}, {format_date_id(d)}"


def format_number_id(value: float, decimals: int = 2) -> str:
    """A number as Indonesian writes it: "7.716", "2,5", "30" (dot for thousands, comma for
    decimals, trailing zeros dropped). The one formatter for documents, the CLI and the GUI in
    Indonesian (the GUI's English mode uses `format_number(value, "en")`)."""
    return format_number(value, "id", decimals)


def format_number(value: float, lang: str = "id", decimals: int = 2) -> str:
    """`value` grouped and with at most `decimals` decimals in the language's convention:
    Indonesian "1.234,5", English "1,234.5". Whole numbers print without decimals."""
    number = float(value)
    if number.is_integer():
        text = f"{int(number):,}"
    else:
        text = f"{number:,.{decimals}f}".rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
