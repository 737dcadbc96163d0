import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.nik import has_errors
from desktop_app.domain.office import (
    INDONESIAN_MONTHS,
    OfficeProfile,
    format_date_id,
    format_date_long_id,
)


def test_defaults_are_the_first_office():
    profile = OfficeProfile()
    assert profile.office_name == "Dinas Sosial Kota Blitar"
    assert profile.government_line == "PEMERINTAH KOTA BLITAR"
    assert profile.region_code == "35.72"
    assert profile.device_name == "KANTOR"
    assert profile.completion_threshold_pct == 80
    issues = profile.validate()
    assert not has_errors(issues)
    assert [i.code for i in issues] == ["office.address.placeholder"]


def test_round_trip():
    profile = OfficeProfile(
        office_name="Dinas Sosial Kota Contoh",
        address="Jl. Contoh No. 1",
        phone="(0342) 000000",
        email="dinsos@example.go.id",
        head_name="Nama Kepala",
        head_nip="197001012000031001",
        device_name="LAPTOP2",
        completion_threshold_pct=75,
    )
    assert OfficeProfile.from_dict(profile.to_dict()) == profile
    assert profile.validate() == []


def test_from_dict_ignores_unknown_keys_and_fills_defaults():
    profile = OfficeProfile.from_dict(
        {"office_name": "Dinsos X", "future_field": 1, "completion_threshold_pct": "70"}
    )
    assert profile.office_name == "Dinsos X"
    assert profile.completion_threshold_pct == 70
    assert profile.city == "Blitar"
    assert OfficeProfile.from_dict({}) == OfficeProfile()
    assert OfficeProfile.from_dict({"completion_threshold_pct": "x"}).completion_threshold_pct == 80


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"office_name": " "}, "office.office_name.required"),
        ({"device_name": "kantor"}, "office.device_name"),
        ({"device_name": "K"}, "office.device_name"),
        ({"device_name": "LAPTOP-01"}, "office.device_name"),
        ({"device_name": "ABCDEFGHI"}, "office.device_name"),
        ({"region_code": "3572"}, "office.region_code"),
        ({"province_code": "99"}, "office.province_code"),
        ({"province_code": "34"}, "office.region_mismatch"),
        ({"completion_threshold_pct": 120}, "office.completion_threshold"),
        ({"email": "bukan email"}, "office.email"),
    ],
)
def test_validate_errors(changes, code):
    profile = OfficeProfile(address="Jl. Contoh No. 1", **changes)
    issues = profile.validate()
    assert code in [i.code for i in issues]
    assert has_errors(issues)
    for issue in issues:
        assert "{" not in issue.message


def test_nip_length_is_a_warning():
    issues = OfficeProfile(address="Jl. Contoh", head_nip="12345").validate()
    assert [i.code for i in issues] == ["office.head_nip"]
    assert not has_errors(issues)


@pytest.mark.parametrize(
    ("d", "short", "long"),
    [
        (date(2026, 11, 28), "28 November 2026", "Sabtu, 28 November 2026"),
        (date(2026, 1, 1), "1 Januari 2026", "Kamis, 1 Januari 2026"),
        (date(2025, 8, 17), "17 Agustus 2025", "Minggu, 17 Agustus 2025"),
        (date(2024, 2, 29), "29 Februari 2024", "Kamis, 29 Februari 2024"),
        (date(2026, 5, 4), "4 Mei 2026", "Senin, 4 Mei 2026"),
        (date(2026, 12, 4), "4 Desember 2026", "Jumat, 4 Desember 2026"),
    ],
)
def test_date_formatting(d, short, long):
    assert format_date_id(d) == short
    assert format_date_long_id(d) == long


def test_date_line():
    assert OfficeProfile().date_line(date(2026, 11, 28)) == "Blitar, 28 November 2026"


@given(st.dates())
def test_every_date_formats_with_an_indonesian_month(d):
    text = format_date_long_id(d)
    assert INDONESIAN_MONTHS[d.month - 1] in text
    assert text.endswith(str(d.year))


def test_a_fresh_profile_is_not_complete():
    from desktop_app.domain.office import missing_profile_fields, profile_complete

    fresh = OfficeProfile()
    assert not profile_complete(fresh)
    assert missing_profile_fields(fresh) == ["address", "head_name", "head_nip"]


def test_complete_needs_address_head_name_title_and_nip():
    from desktop_app.domain.office import missing_profile_fields, profile_complete

    done = OfficeProfile(
        address="Jl. Contoh No. 1", head_name="Nama Kepala", head_nip="197001012000031001"
    )
    assert profile_complete(done)
    assert missing_profile_fields(done) == []
    assert missing_profile_fields(dataclasses.replace(done, head_title="  ")) == ["head_title"]
    assert not profile_complete(dataclasses.replace(done, address="  "))
    # A profile with an error (a malformed device name) is not complete either.
    assert missing_profile_fields(dataclasses.replace(done, device_name="a b")) == ["device_name"]
