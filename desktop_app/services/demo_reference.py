"""Reference figures the demo generator draws from: plausible sizes, weights, places and
streets for Kota Blitar. Not official statistics; only the demo uses them."""

from __future__ import annotations

__all__ = [
    "ABH_ROLES",
    "BIRTH_PLACES",
    "KECAMATAN_KPM",
    "KELURAHAN_WEIGHT",
    "KPM_KINDS",
    "LOCAL_STREETS",
    "OTHER_KINDS",
    "OTHER_PLACES",
    "OTHER_WEIGHTS",
    "RAGAM_WEIGHTS",
]

# Rastrada KPM per kecamatan in the 2024 stages (DESIGN.md), scaled to the KPM count.
KECAMATAN_KPM: dict[str, int] = {"35.72.01": 2464, "35.72.02": 3735, "35.72.03": 3336}

# Relative size of each kelurahan within its kecamatan. Plausible, not official figures.
KELURAHAN_WEIGHT: dict[str, float] = {
    "35.72.01.1001": 1.0,  # Kepanjenkidul
    "35.72.01.1002": 1.3,  # Ngadirejo
    "35.72.01.1003": 1.1,  # Sentul
    "35.72.01.1004": 0.7,  # Kauman
    "35.72.01.1005": 0.9,  # Tanggung
    "35.72.01.1006": 1.2,  # Bendo
    "35.72.01.1007": 0.8,  # Kepanjenlor
    "35.72.02.1001": 1.2,  # Pakunden
    "35.72.02.1002": 0.9,  # Blitar
    "35.72.02.1003": 1.0,  # Tlumpu
    "35.72.02.1004": 1.1,  # Turi
    "35.72.02.1005": 1.2,  # Karangsari
    "35.72.02.1006": 1.3,  # Sukorejo
    "35.72.02.1007": 1.1,  # Tanjungsari
    "35.72.03.1001": 1.3,  # Gedog
    "35.72.03.1002": 1.0,  # Plosokerep
    "35.72.03.1003": 1.1,  # Klampok
    "35.72.03.1004": 1.2,  # Sananwetan
    "35.72.03.1005": 0.8,  # Rembang
    "35.72.03.1006": 1.2,  # Karangtengah
    "35.72.03.1007": 1.3,  # Bendogerit
}

# Where people were born (and, for some, where their NIK was first issued): the district codes
# are real Kemendagri kecamatan codes of those regencies, chosen for plausibility only.
BIRTH_PLACES: dict[str, tuple[str, ...]] = {
    "Blitar": (),  # Kota Blitar: the household's own or a neighbouring kecamatan
    "Wlingi": ("35.05.15",),
    "Srengat": ("35.05.06",),
    "Kanigoro": ("35.05.19",),
    "Garum": ("35.05.21",),
    "Tulungagung": ("35.04.01", "35.04.02", "35.04.05"),
    "Kediri": ("35.71.01", "35.71.02", "35.71.03"),
    "Trenggalek": ("35.03.01", "35.03.07"),
    "Malang": ("35.73.01", "35.73.03", "35.73.05"),
    "Surabaya": ("35.78.01", "35.78.05", "35.78.11", "35.78.20"),
    "Nganjuk": ("35.18.01", "35.18.04"),
    "Jakarta": ("31.71.01", "31.74.03", "31.75.06"),
    "Semarang": ("33.74.01", "33.74.09"),
    "Yogyakarta": ("34.71.04", "34.71.10"),
    "Bandung": ("32.73.05", "32.73.17"),
}
OTHER_PLACES = [p for p in BIRTH_PLACES if p != "Blitar"]
OTHER_WEIGHTS = [10, 6, 6, 5, 12, 8, 5, 6, 6, 4, 4, 2, 2, 2]

# Streets typical of an East Javanese town; Faker's id_ID streets are added per kelurahan.
LOCAL_STREETS = (
    "Merdeka",
    "Veteran",
    "Kenanga",
    "Mawar",
    "Melati",
    "Cempaka",
    "Anggrek",
    "Flamboyan",
    "Kalimantan",
    "Sumatera",
    "Sulawesi",
    "Jawa",
    "Bali",
    "Lombok",
    "Ambon",
    "Ternate",
    "Anjasmoro",
    "Kelud",
    "Semeru",
    "Bromo",
    "Arjuno",
    "Welirang",
    "Wilis",
    "Lawu",
    "Mastrip",
    "Kartini",
    "Diponegoro",
    "Imam Bonjol",
    "Pattimura",
    "Sudirman",
    "Ciliwung",
    "Brantas",
    "Bengawan Solo",
    "Musi",
    "Mahakam",
    "Kapuas",
    "Manggis",
    "Nangka",
    "Salak",
    "Sawo",
    "Belimbing",
    "Dahlia",
    "Teratai",
    "Seruni",
    "Tanjung",
    "Cemara",
    "Pinus",
    "Jati",
    "Mahoni",
    "Randu",
    "Sekar Jagad",
    "Ki Hajar Dewantara",
    "Sultan Agung",
)

RAGAM_WEIGHTS = {
    "fisik": 40,
    "intelektual": 15,
    "mental": 14,
    "sensorik_netra": 13,
    "sensorik_rungu": 12,
    "sensorik_wicara": 6,
}
ABH_ROLES = {"pelaku": 50, "korban": 35, "saksi": 15}

# Household shapes (with their share among Rastrada KPM and among other households).
KPM_KINDS = {
    "nuclear": 48,
    "single_parent": 13,
    "elderly_alone": 12,
    "elderly_couple": 8,
    "three_generations": 11,
    "with_parent": 8,
}
OTHER_KINDS = {
    "nuclear": 60,
    "single_parent": 7,
    "elderly_alone": 6,
    "elderly_couple": 9,
    "three_generations": 8,
    "with_parent": 7,
    "single_adult": 3,
}
