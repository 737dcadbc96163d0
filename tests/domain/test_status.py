import pytest

from desktop_app.domain.status import (
    RELATION_LABELS,
    STATUS_LABELS,
    PersonStatus,
    Relation,
    parse_relation,
    parse_sex,
    parse_status,
)


@pytest.mark.parametrize(
    "raw", ["L", "l", "LAKI-LAKI", "Laki laki", "laki2", "LK", "PRIA", "M", "Male", " L ", "1"]
)
def test_parse_sex_male(raw):
    assert parse_sex(raw) == "L"


@pytest.mark.parametrize("raw", ["P", "p", "PEREMPUAN", "Perempuan", "WANITA", "W", "F", "PR", "2"])
def test_parse_sex_female(raw):
    assert parse_sex(raw) == "P"


@pytest.mark.parametrize("raw", ["", "X", "laki-laki dan perempuan", "3", "-"])
def test_parse_sex_unknown(raw):
    assert parse_sex(raw) is None


def test_labels_cover_every_member():
    assert set(STATUS_LABELS) == set(PersonStatus)
    assert set(RELATION_LABELS) == set(Relation)
    assert PersonStatus.MENINGGAL == "meninggal"
    assert Relation.ORANG_TUA == "orang_tua"


@pytest.mark.parametrize(
    ("raw", "relation"),
    [
        ("KEPALA KELUARGA", Relation.KEPALA),
        ("Kepala", Relation.KEPALA),
        ("ISTRI", Relation.ISTRI),
        ("Isteri", Relation.ISTRI),
        ("ANAK", Relation.ANAK),
        ("Famili Lain", Relation.FAMILI_LAIN),
        ("famili_lain", Relation.FAMILI_LAIN),
        ("ORANG TUA", Relation.ORANG_TUA),
        ("Mertua", Relation.MERTUA),
        ("LAINNYA", Relation.LAINNYA),
        ("1", Relation.KEPALA),
        ("tetangga", None),
    ],
)
def test_parse_relation(raw, relation):
    assert parse_relation(raw) == relation


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Aktif", PersonStatus.AKTIF),
        ("MENINGGAL DUNIA", PersonStatus.MENINGGAL),
        ("meninggal", PersonStatus.MENINGGAL),
        ("Pindah", PersonStatus.PINDAH),
        ("keluar", PersonStatus.KELUAR),
        ("?", None),
    ],
)
def test_parse_status(raw, status):
    assert parse_status(raw) == status
