from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.regions import Region, RegionCatalog, normalise_region_name

CSV = Path(__file__).resolve().parents[2] / "resources" / "wilayah" / "kota_blitar_wilayah.csv"

# Every kelurahan of Kota Blitar with spellings seen in real lists.
KELURAHAN_VARIANTS = {
    "35.72.01.1001": [
        "Kepanjenkidul",
        "KEL. KEPANJEN KIDUL",
        "Kepanjen Kidul",
        "kel.kepanjen-kidul",
    ],
    "35.72.01.1002": ["Ngadirejo", "NGADIREJO", "Kelurahan Ngadirejo", "Ngadi Rejo"],
    "35.72.01.1003": ["Sentul", "SENTUL ", "Kel Sentul"],
    "35.72.01.1004": ["Kauman", "KAUMAN", "Desa Kauman"],
    "35.72.01.1005": ["Tanggung", "tanggung", "Kel. Tanggung"],
    "35.72.01.1006": ["Bendo", "BENDO", "Kelurahan  Bendo"],
    "35.72.01.1007": ["Kepanjenlor", "Kepanjen Lor", "KEL. KEPANJEN LOR"],
    "35.72.02.1001": ["Pakunden", "PAKUNDEN", "Paku Nden"],
    "35.72.02.1002": ["Blitar", "Kel. Blitar", "BLITAR"],
    "35.72.02.1003": ["Tlumpu", "TLUMPU", "Kelurahan Tlumpu"],
    "35.72.02.1004": ["Turi", "TURI", "Ds. Turi"],
    "35.72.02.1005": ["Karangsari", "Karang Sari", "KARANG SARI"],
    "35.72.02.1006": ["Sukorejo", "SUKOREJO", "Soekorejo", "Suko Rejo"],
    "35.72.02.1007": ["Tanjungsari", "Tanjung Sari", "TANJUNG SARI"],
    "35.72.03.1001": ["Gedog", "GEDOG", "Kel.Gedog"],
    "35.72.03.1002": ["Plosokerep", "Ploso Kerep", "PLOSO KEREP"],
    "35.72.03.1003": ["Klampok", "KLAMPOK", "Kelurahan Klampok"],
    "35.72.03.1004": ["Sananwetan", "sananwetan", "Sanan Wetan", "SANAN WETAN"],
    "35.72.03.1005": ["Rembang", "REMBANG"],
    "35.72.03.1006": ["Karangtengah", "Karang Tengah", "KARANG TENGAH", "Kel. Karang-Tengah"],
    "35.72.03.1007": ["Bendogerit", "Bendo Gerit", "BENDOGERIT"],
}


@pytest.fixture(scope="module")
def catalog() -> RegionCatalog:
    return RegionCatalog.from_csv(CSV)


def test_csv_loads_all_regions(catalog):
    assert len(catalog) == 1 + 3 + 21
    city = catalog.get("35.72")
    assert city == Region("35.72", "Kota Blitar", "kota", "35", None)
    assert [k.name for k in catalog.kecamatan()] == ["Kepanjenkidul", "Sukorejo", "Sananwetan"]
    assert len(catalog.kelurahan()) == 21
    assert len(catalog.kelurahan("35.72.02")) == 7
    assert catalog.get("35.72.01.1001").postal_code == "66117"
    assert catalog.get("99.99") is None
    assert "35.72.03" in catalog
    assert len(list(catalog)) == len(catalog)


def test_every_kelurahan_variant_matches(catalog):
    assert set(KELURAHAN_VARIANTS) == {k.code for k in catalog.kelurahan()}
    for code, variants in KELURAHAN_VARIANTS.items():
        for variant in variants:
            match = catalog.match_name(variant)
            assert match is not None, variant
            assert match.code == code, variant


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kepanjen Kidul", "35.72.01"),
        ("KEC. SUKOREJO", "35.72.02"),
        ("Kecamatan Sanan Wetan", "35.72.03"),
        ("sananwetan", "35.72.03"),
    ],
)
def test_kecamatan_match(catalog, name, code):
    assert catalog.match_name(name, level="kecamatan").code == code


def test_same_name_different_levels(catalog):
    assert catalog.match_name("Sukorejo").code == "35.72.02.1006"
    assert catalog.match_name("Sukorejo", level="kecamatan").code == "35.72.02"
    assert catalog.match_name("Kota Blitar", level="kota").code == "35.72"
    assert catalog.match_name("Blitar", level="kelurahan").code == "35.72.02.1002"


def test_parent_code_narrows(catalog):
    assert catalog.match_name("Sentul", parent_code="35.72.01").code == "35.72.01.1003"
    assert catalog.match_name("Sentul", parent_code="35.72.02") is None
    assert catalog.match_name("Sentul", parent_code="35.72").code == "35.72.01.1003"


def test_codes_are_accepted(catalog):
    assert catalog.match_name("35.72.03.1006").name == "Karangtengah"
    assert catalog.match_name("35.72.03") is None  # a kecamatan code at kelurahan level


@pytest.mark.parametrize("name", ["", "   ", "Kel.", "Surabaya", "Bendo Kidul", "Sentol"])
def test_no_match(catalog, name):
    assert catalog.match_name(name) is None


def test_ambiguous_names_are_not_guessed():
    catalog = RegionCatalog(
        [
            Region("35.05.01", "Satu", "kecamatan", "35.05", None),
            Region("35.05.02", "Dua", "kecamatan", "35.05", None),
            Region("35.05.01.2001", "Sumberrejo", "desa", "35.05.01", None),
            Region("35.05.02.2001", "Sumber Rejo", "desa", "35.05.02", None),
        ]
    )
    assert catalog.match_name("Sumberrejo") is None
    assert catalog.match_name("Desa Sumberrejo", parent_code="35.05.02").code == "35.05.02.2001"
    # desa and kelurahan are one level for matching
    assert len(catalog.kelurahan()) == 2


def test_duplicate_codes_rejected():
    region = Region("35.72", "Kota Blitar", "kota", "35", None)
    with pytest.raises(ValueError, match="duplicate"):
        RegionCatalog([region, region])


def test_suggest_for_typos(catalog):
    assert [r.name for r in catalog.suggest("Sentol")] == ["Sentul"]
    assert catalog.suggest("Zzzz") == []


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Karang Tengah", "karangtengah"),
        ("KEL. KEPANJEN KIDUL", "kepanjenkidul"),
        ("Kelurahan Kepanjen-Kidul", "kepanjenkidul"),
        ("Kec. Sananwetan", "sananwetan"),
        ("Desa  Tlumpu", "tlumpu"),
        ("Kelapa Dua", "kelapadua"),  # "Kel" inside a word is not a prefix
        ("Kota Blitar", "blitar"),
        ("Kel. Kec. Gedog", "gedog"),
        ("Ngadirejo.", "ngadirejo"),
    ],
)
def test_normalise_region_name(raw, key):
    assert normalise_region_name(raw) == key


def test_missing_columns_are_reported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,nama\n35.72,Kota Blitar\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kode_kemendagri"):
        RegionCatalog.from_csv(bad)


def test_lineage(catalog):
    assert [r.name for r in catalog.lineage("35.72.01.1003")] == [
        "Kota Blitar",
        "Kepanjenkidul",
        "Sentul",
    ]
    assert catalog.kecamatan_of("35.72.03.1006").code == "35.72.03"
    assert catalog.kecamatan_of("35.72") is None
    assert catalog.lineage("99") == []


@given(st.text(max_size=30))
def test_normalise_is_idempotent_and_plain(text):
    key = normalise_region_name(text)
    assert normalise_region_name(key) == key
    assert all(ch.isascii() and (ch.isdigit() or ch.islower()) for ch in key)


@given(st.sampled_from(sorted(n for v in KELURAHAN_VARIANTS.values() for n in v)), st.data())
def test_case_and_spacing_never_matter(name, data):
    catalog = RegionCatalog.from_csv(CSV)
    expected = catalog.match_name(name)
    mangled = "".join((ch.upper() if data.draw(st.booleans()) else ch.lower()) for ch in name)
    assert catalog.match_name(f"  {mangled}  ") == expected
