"""Kemendagri regions (kode wilayah) and tolerant matching of the names people type."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LEVELS", "Region", "RegionCatalog", "normalise_region_name"]

LEVELS = ("provinsi", "kota", "kabupaten", "kecamatan", "kelurahan", "desa")

# Village-level units: a kelurahan (urban) or desa (rural) are the same level for matching.
_VILLAGE_LEVELS = frozenset({"kelurahan", "desa"})
_REGENCY_LEVELS = frozenset({"kota", "kabupaten"})


@dataclass(frozen=True)
class Region:
    code: str  # dotted Kemendagri code: "35.72.01.1001"
    name: str
    level: str  # "provinsi" / "kota" / "kabupaten" / "kecamatan" / "kelurahan" / "desa"
    parent_code: str | None
    postal_code: str | None


# Administrative prefixes people put in front of names ("KEL. SENTUL", "Kecamatan Sukorejo").
# A prefix counts only when followed by a dot or space, so "Kelapa" keeps its "Kel".
_PREFIX = re.compile(
    r"^(?:kelurahan|kel|desa|ds|kecamatan|kec|kabupaten|kab|kota|kotamadya|provinsi|prov)"
    r"(?:\.\s*|\s+)",
)


def normalise_region_name(name: str) -> str:
    """A comparison key for a region name.

    Case, accents, spaces and punctuation are ignored ("Karang Tengah" == "Karangtengah",
    "Kepanjen Kidul" == "KEPANJENKIDUL"), and administrative prefixes are stripped ("KEL.",
    "Kelurahan", "Desa", "Kec.", "Kota").
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()
    text = re.sub(r"\s+", " ", text)
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text, count=1).lstrip(" .,:-")
    return re.sub(r"[^a-z0-9]", "", text)


def _old_spelling(key: str) -> str:
    # Pre-1972 spelling survives in old lists ("Soekorejo"); "oe" never occurs in the new one
    # for these names, so folding it is safe.
    return key.replace("oe", "u")


def _same_level(region_level: str, wanted: str) -> bool:
    if wanted in _VILLAGE_LEVELS:
        return region_level in _VILLAGE_LEVELS
    if wanted in _REGENCY_LEVELS:
        return region_level in _REGENCY_LEVELS
    return region_level == wanted


_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")


class RegionCatalog:
    """An in-memory set of regions, looked up by code or by (normalised) name."""

    def __init__(self, regions: Iterable[Region]) -> None:
        self._by_code: dict[str, Region] = {}
        for region in regions:
            if region.code in self._by_code:
                raise ValueError(f"duplicate region code {region.code}")
            self._by_code[region.code] = region

    @classmethod
    def from_csv(cls, path: Path) -> RegionCatalog:
        """Read the wilayah CSV: kode_kemendagri, nama, tingkat, kode_induk, kodepos_erlange."""
        regions: list[Region] = []
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            required = {"kode_kemendagri", "nama", "tingkat"}
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                code = (row.get("kode_kemendagri") or "").strip()
                if not code:
                    continue
                regions.append(
                    Region(
                        code=code,
                        name=(row.get("nama") or "").strip(),
                        level=(row.get("tingkat") or "").strip().lower(),
                        parent_code=(row.get("kode_induk") or "").strip() or None,
                        postal_code=(row.get("kodepos_erlange") or "").strip() or None,
                    )
                )
        return cls(regions)

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code.strip()) if code else None

    def __iter__(self) -> Iterator[Region]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def by_level(self, level: str) -> list[Region]:
        return sorted(
            (r for r in self._by_code.values() if _same_level(r.level, level)),
            key=lambda r: r.code,
        )

    def kecamatan(self) -> list[Region]:
        return self.by_level("kecamatan")

    def kelurahan(self, kecamatan_code: str | None = None) -> list[Region]:
        villages = self.by_level("kelurahan")
        if kecamatan_code is None:
            return villages
        return [r for r in villages if r.parent_code == kecamatan_code]

    def children(self, code: str) -> list[Region]:
        return sorted((r for r in self if r.parent_code == code), key=lambda r: r.code)

    def parent(self, region: Region) -> Region | None:
        return self.get(region.parent_code) if region.parent_code else None

    def lineage(self, code: str) -> list[Region]:
        """The region and its known ancestors, outermost first (kota, kecamatan, kelurahan)."""
        chain: list[Region] = []
        region = self.get(code)
        while region is not None and region not in chain:
            chain.append(region)
            region = self.parent(region)
        return chain[::-1]

    def kecamatan_of(self, kelurahan_code: str) -> Region | None:
        for region in self.lineage(kelurahan_code):
            if region.level == "kecamatan":
                return region
        return None

    def _candidates(self, level: str, parent_code: str | None) -> list[Region]:
        return [
            r
            for r in self._by_code.values()
            if _same_level(r.level, level)
            and (
                parent_code is None
                or r.parent_code == parent_code
                or r.code.startswith(parent_code + ".")
            )
        ]

    def match_name(
        self, name: str, level: str = "kelurahan", parent_code: str | None = None
    ) -> Region | None:
        """The one region of ``level`` whose name matches ``name`` after normalisation.

        A Kemendagri code is accepted as well. Returns None when nothing matches or when the
        name is ambiguous (the same kelurahan name in two kecamatan) and no parent_code narrows
        it down: a wrong guess is worse than asking the clerk.
        """
        if not name or not str(name).strip():
            return None
        text = str(name).strip()
        if _CODE.match(text):
            region = self.get(text)
            if region and _same_level(region.level, level):
                return region
            return None
        candidates = self._candidates(level, parent_code)
        key = normalise_region_name(text)
        if not key:
            return None
        for fold in (lambda k: k, _old_spelling):
            wanted = fold(key)
            found = [r for r in candidates if fold(normalise_region_name(r.name)) == wanted]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                return None
        return None

    def suggest(
        self, name: str, level: str = "kelurahan", parent_code: str | None = None, limit: int = 3
    ) -> list[Region]:
        """Close names for a typo ("Sentol" -> Sentul), for a "did you mean" list; never
        applied automatically."""
        import difflib

        candidates = self._candidates(level, parent_code)
        keys = {normalise_region_name(r.name): r for r in candidates}
        close = difflib.get_close_matches(normalise_region_name(name), keys, n=limit, cutoff=0.75)
        return [keys[k] for k in close]
