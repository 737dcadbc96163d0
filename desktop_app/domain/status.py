"""Person status, family relation (SHDK) and sex codes, with the spellings found in imports."""

from __future__ import annotations

import re
from enum import StrEnum

from desktop_app.domain.values import member_labels

__all__ = [
    "RELATION_LABELS",
    "SEX_LABELS",
    "STATUS_LABELS",
    "PersonStatus",
    "Relation",
    "parse_relation",
    "parse_sex",
    "parse_status",
]


class PersonStatus(StrEnum):
    AKTIF = "aktif"
    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    KELUAR = "keluar"


STATUS_LABELS: dict[PersonStatus, str] = member_labels(
    PersonStatus, ("Aktif", "Meninggal dunia", "Pindah domisili", "Keluar dari program")
)


class Relation(StrEnum):
    """SHDK: status hubungan dalam keluarga, as printed on the KK."""

    KEPALA = "kepala"
    SUAMI = "suami"
    ISTRI = "istri"
    ANAK = "anak"
    MENANTU = "menantu"
    CUCU = "cucu"
    ORANG_TUA = "orang_tua"
    MERTUA = "mertua"
    FAMILI_LAIN = "famili_lain"
    LAINNYA = "lainnya"


RELATION_LABELS: dict[Relation, str] = member_labels(
    Relation,
    (
        "Kepala Keluarga",
        "Suami",
        "Istri",
        "Anak",
        "Menantu",
        "Cucu",
        "Orang Tua",
        "Mertua",
        "Famili Lain",
        "Lainnya",
    ),
)

SEX_LABELS: dict[str, str] = {"L": "Laki-laki", "P": "Perempuan"}


def _key(raw: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(raw).lower())


_SEX_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(
        ["l", "lk", "laki", "lakilaki", "laki2", "pria", "m", "male", "man", "cowok", "1"], "L"
    ),
    **dict.fromkeys(
        ["p", "pr", "prp", "perempuan", "wanita", "w", "f", "female", "woman", "cewek", "2"], "P"
    ),
}


def parse_sex(raw: str) -> str | None:
    """The sex code "L" or "P" from the spellings found in imports.

    "L", "LAKI-LAKI", "Laki laki", "PRIA", "M" give "L"; "P", "PEREMPUAN", "WANITA", "F" give "P".

    "1"/"2" follow the Dukcapil coding (1 laki-laki, 2 perempuan). Unknown text gives None.
    """
    if raw is None:
        return None
    return _SEX_SPELLINGS.get(_key(raw))


_RELATION_SPELLINGS: dict[str, Relation] = {
    **dict.fromkeys(["kepala", "kepalakeluarga", "kk", "kepalakk", "kpl", "1"], Relation.KEPALA),
    **dict.fromkeys(["suami", "2"], Relation.SUAMI),
    **dict.fromkeys(["istri", "isteri", "3"], Relation.ISTRI),
    **dict.fromkeys(["anak", "anakkandung", "anakangkat", "anaktiri", "4"], Relation.ANAK),
    **dict.fromkeys(["menantu", "5"], Relation.MENANTU),
    **dict.fromkeys(["cucu", "6"], Relation.CUCU),
    **dict.fromkeys(["orangtua", "ortu", "ayah", "ibu", "bapak", "7"], Relation.ORANG_TUA),
    **dict.fromkeys(["mertua", "8"], Relation.MERTUA),
    **dict.fromkeys(["famililain", "famililainnya", "keluargalain", "9"], Relation.FAMILI_LAIN),
    **dict.fromkeys(["lainnya", "lain", "lainlain", "pembantu", "10"], Relation.LAINNYA),
}


def parse_relation(raw: str) -> Relation | None:
    """Map SHDK spellings ("KEPALA KELUARGA", "Famili Lain", Dukcapil codes 1-10) to Relation."""
    if raw is None:
        return None
    key = _key(raw)
    for relation in Relation:
        if key == _key(relation.value):
            return relation
    return _RELATION_SPELLINGS.get(key)


_STATUS_SPELLINGS: dict[str, PersonStatus] = {
    **dict.fromkeys(["aktif", "hidup", "ada"], PersonStatus.AKTIF),
    **dict.fromkeys(
        ["meninggal", "meninggaldunia", "mati", "wafat", "md", "alm"], PersonStatus.MENINGGAL
    ),
    **dict.fromkeys(["pindah", "pindahdomisili", "pindahalamat"], PersonStatus.PINDAH),
    **dict.fromkeys(["keluar", "nonaktif", "tidakaktif"], PersonStatus.KELUAR),
}


def parse_status(raw: str) -> PersonStatus | None:
    if raw is None:
        return None
    return _STATUS_SPELLINGS.get(_key(raw))
