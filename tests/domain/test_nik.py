from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop_app.domain.nik import (
    PROVINCES,
    Issue,
    Severity,
    clean_number,
    has_errors,
    mask_nik,
    parse_nik,
    validate_kk,
    validate_nik,
)

TODAY = date(2026, 6, 15)


def codes(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues]


def errors(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues if i.severity is Severity.ERROR]


def warnings(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues if i.severity is Severity.WARNING]


def make_nik(
    province: str = "35",
    regency: str = "72",
    district: str = "01",
    born: date = date(1990, 1, 1),
    sex: str = "L",
    serial: str = "0001",
) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{province}{regency}{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def test_province_list_is_the_38_kemendagri_codes():
    assert len(PROVINCES) == 38
    expected = (
        [str(c) for c in range(11, 20)]
        + ["21"]
        + [str(c) for c in range(31, 37)]
        + ["51", "52", "53"]
        + [str(c) for c in range(61, 66)]
        + [str(c) for c in range(71, 77)]
        + ["81", "82"]
        + [str(c) for c in range(91, 97)]
    )
    assert sorted(PROVINCES) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3572010101900001", "3572010101900001"),
        (" 3572 0101 0190 0001 ", "3572010101900001"),
        ("3572.0101.0190.0001", "3572010101900001"),
        ("3572-0101-0190-0001", "3572010101900001"),
        ("'3572010101900001", "3572010101900001"),
        ("3572010101900001.0", "3572010101900001"),
        ("３５７２０１０１０１９００００１", "3572010101900001"),  # full-width digits
        ("3572O10101900001", "3572O10101900001"),  # letter O kept for the error
        ("3.57201E+15", "3.57201E+15"),
        ("", ""),
    ],
)
def test_clean_number(raw, expected):
    assert clean_number(raw) == expected


def test_parse_valid_man():
    info = parse_nik("3572010101900001", today=TODAY)
    assert info is not None
    assert (info.province, info.regency, info.district) == ("35", "72", "01")
    assert info.region_code == "35.72.01"
    assert info.regency_code == "35.72"
    assert info.birth_date == date(1990, 1, 1)
    assert info.sex == "L"
    assert info.serial == "0001"
    assert info.province_name == "Jawa Timur"


def test_parse_woman_day_plus_40():
    info = parse_nik("3572016512850042", today=TODAY)
    assert info is not None
    assert info.birth_date == date(1985, 12, 25)
    assert info.sex == "P"


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("010100", date(2000, 1, 1)),
        ("010126", date(2026, 1, 1)),
        ("150626", date(2026, 6, 15)),  # born today: not in the future
        ("160626", date(1926, 6, 16)),  # tomorrow in 2026 would be the future
        ("010199", date(1999, 1, 1)),
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year
        ("690296", date(1996, 2, 29)),  # woman, leap day
    ],
)
def test_century_choice(digits, expected):
    info = parse_nik(f"357201{digits}0001", today=TODAY)
    assert info is not None
    assert info.birth_date == expected


def test_century_defaults_to_real_today():
    info = parse_nik("357201010100" + "0001")
    assert info is not None
    assert info.birth_date == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("raw", "expected_codes"),
    [
        ("", ["nik.length"]),
        ("357201010190000", ["nik.length"]),
        ("35720101019000011", ["nik.length"]),
        ("3572O10101900001", ["nik.digits"]),
        ("3572O1010190000", ["nik.digits", "nik.length"]),
        ("3.57201E+15", ["nik.scientific"]),
        ("0072010101900001", ["nik.region"]),
        ("9772010101900001", ["nik.region"]),  # 97 is not a province code
        ("2072010101900001", ["nik.region"]),
        ("3500010101900001", ["nik.region"]),  # regency 00
        ("3572000101900001", ["nik.region"]),  # district 00
        ("3572010001900001", ["nik.date"]),  # day 0
        ("3572013201900001", ["nik.date"]),  # day 32
        ("3572014001900001", ["nik.date"]),  # day 40
        ("3572017201900001", ["nik.date"]),  # day 72 (woman 32)
        ("3572010100900001", ["nik.date"]),  # month 0
        ("3572010113900001", ["nik.date"]),  # month 13
        ("3572013002900001", ["nik.date"]),  # 30 February
        ("3572012902990001", ["nik.date"]),  # 29 February 1999
        ("3572017002990001", ["nik.date"]),  # woman, 30 February
        ("3572013104900001", ["nik.date"]),  # 31 April
        ("3572010101900000", ["nik.serial"]),
    ],
)
def test_structural_errors(raw, expected_codes):
    issues = validate_nik(raw, today=TODAY)
    assert errors(issues) == expected_codes
    assert has_errors(issues)
    assert parse_nik(raw, today=TODAY) is None
    for issue in issues:
        assert issue.message  # every template renders with its params
        assert "{" not in issue.message


def test_length_message_is_clear():
    (issue,) = validate_nik("357201010190000", today=TODAY)
    assert issue.message == "NIK harus 16 digit (sekarang 15 digit)."


def test_scientific_message_mentions_excel():
    (issue,) = validate_nik("3.57201E+15", today=TODAY)
    assert "Excel" in issue.message


def test_valid_nik_has_no_issues():
    assert validate_nik("3572010101900001", today=TODAY) == []
    assert validate_nik("3572 0101 0190 0001", today=TODAY) == []


def test_office_prefix_never_required():
    # A Jakarta NIK held by a Blitar resident is fine: at most a warning.
    issues = validate_nik("3171010101900001", office_province="35", today=TODAY)
    assert not has_errors(issues)
    assert warnings(issues) == ["nik.outside_province"]
    assert "DKI Jakarta" in issues[0].message
    # Same province, other regency: nothing at all.
    assert validate_nik("3505010101900001", office_province="35", today=TODAY) == []
    assert validate_nik("3505010101900001", office_province="35.72", today=TODAY) == []


def test_record_mismatches_are_warnings():
    nik = "3572014501900001"  # woman born 5 January 1990
    issues = validate_nik(nik, birth_date=date(1990, 1, 6), sex="L", today=TODAY)
    assert not has_errors(issues)
    assert warnings(issues) == ["nik.birthdate_mismatch", "nik.sex_mismatch"]
    assert "05-01-1990" in issues[0].message
    assert "06-01-1990" in issues[0].message


@pytest.mark.parametrize("sex", ["P", "perempuan", "WANITA", "F", " p "])
def test_matching_sex_spellings_give_no_warning(sex):
    assert validate_nik("3572014501900001", sex=sex, today=TODAY) == []


def test_unknown_sex_text_is_ignored():
    assert validate_nik("3572014501900001", sex="?", today=TODAY) == []
    assert validate_nik("3572014501900001", sex="", today=TODAY) == []


def test_birth_date_in_other_century_matches_digits():
    # A record that says 1925 for digits "25" agrees with the NIK even though the
    # century rule would pick 2025: only day, month and two-digit year are compared.
    assert validate_nik("3572010101250001", birth_date=date(1925, 1, 1), today=TODAY) == []


def test_no_cross_checks_when_structure_is_broken():
    issues = validate_nik("3572013201900001", birth_date=date(1990, 1, 1), sex="P", today=TODAY)
    assert codes(issues) == ["nik.date"]


def test_issue_message_and_hash():
    issue = Issue("x", Severity.ERROR, "NIK harus 16 digit (sekarang {n} digit).", {"n": 3})
    assert issue.message == "NIK harus 16 digit (sekarang 3 digit)."
    assert issue.is_error
    assert len({issue, Issue("x", Severity.ERROR, issue.template, {"n": 3})}) == 1
    assert Issue("y", Severity.WARNING, "ok").params == {}


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("3572010101900001", "3572\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"),
        ("3572 0101 0190 0001", "3572\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"),
        ("12345", "\u2022" * 5),
        ("", ""),
        ("357201010190001", "\u2022" * 15),
    ],
)
def test_mask_nik(raw, masked):
    assert mask_nik(raw) == masked


# --- KK --------------------------------------------------------------------------------------


def test_valid_kk():
    assert validate_kk("3572012503150007", today=TODAY) == []


@pytest.mark.parametrize(
    ("raw", "expected_errors", "expected_warnings"),
    [
        ("", ["kk.length"], []),
        ("357201250315000", ["kk.length"], []),
        ("3572O12503150007", ["kk.digits"], []),
        ("0072012503150007", ["kk.region"], []),
        ("3500012503150007", ["kk.region"], []),
        ("3572004003150007", [], ["kk.date"]),  # day 40 never a KK date (no +40 on KK)
        ("3572010013150007", [], ["kk.date"]),  # day 0, month 13
        ("3572013002150007", [], ["kk.date"]),
        ("3171012503150007", [], ["kk.outside_province"]),
    ],
)
def test_kk_rules(raw, expected_errors, expected_warnings):
    issues = validate_kk(raw, office_province="35", today=TODAY)
    assert errors(issues) == expected_errors
    assert warnings(issues) == expected_warnings
    for issue in issues:
        assert "No. KK" in issue.message


# --- properties ------------------------------------------------------------------------------

provinces = st.sampled_from(sorted(PROVINCES))
two_digit_nonzero = st.integers(1, 99).map(lambda n: f"{n:02d}")
serials = st.integers(1, 9999).map(lambda n: f"{n:04d}")
# Birth dates within the last 99 years, so the two-digit year is unambiguous.
birth_dates = st.dates(min_value=date(TODAY.year - 99, TODAY.month, TODAY.day + 1), max_value=TODAY)
sexes = st.sampled_from(["L", "P"])


@given(provinces, two_digit_nonzero, two_digit_nonzero, birth_dates, sexes, serials)
def test_generated_niks_round_trip(province, regency, district, born, sex, serial):
    nik = make_nik(province, regency, district, born, sex, serial)
    assert validate_nik(nik, birth_date=born, sex=sex, today=TODAY) == []
    info = parse_nik(nik, today=TODAY)
    assert info is not None
    assert info.nik == nik
    assert info.birth_date == born
    assert info.sex == sex
    assert info.region_code == f"{province}.{regency}.{district}"
    assert info.serial == serial
    assert mask_nik(nik) == nik[:4] + "\u2022" * 8 + nik[-4:]


@given(provinces, birth_dates, sexes, serials, st.integers(0, 15), st.integers(0, 9))
def test_one_digit_change_is_an_error_or_still_well_formed(
    province, born, sex, serial, position, digit
):
    nik = make_nik(province, "72", "01", born, sex, serial)
    mutated = nik[:position] + str(digit) + nik[position + 1 :]
    issues = validate_nik(mutated, today=TODAY)
    info = parse_nik(mutated, today=TODAY)
    # parse_nik and validate_nik agree on what is structurally valid.
    assert (info is None) == has_errors(issues)
    if info is not None:
        assert info.nik == mutated
        assert info.birth_date <= TODAY


@given(provinces, birth_dates, sexes, serials, st.integers(0, 15))
def test_dropping_or_adding_a_digit_is_a_length_error(province, born, sex, serial, position):
    nik = make_nik(province, "72", "01", born, sex, serial)
    shorter = nik[:position] + nik[position + 1 :]
    longer = nik[:position] + "5" + nik[position:]
    assert errors(validate_nik(shorter, today=TODAY)) == ["nik.length"]
    assert errors(validate_nik(longer, today=TODAY)) == ["nik.length"]


@given(st.text(max_size=24))
def test_arbitrary_text_never_crashes(text):
    issues = validate_nik(text, today=TODAY)
    info = parse_nik(text, today=TODAY)
    assert (info is None) == has_errors(issues)
    for issue in issues:
        assert issue.message
    mask_nik(text)
    validate_kk(text, today=TODAY)


@given(birth_dates, sexes)
def test_sex_and_birth_date_swap_only_warns(born, sex):
    nik = make_nik(born=born, sex=sex)
    other_sex = "P" if sex == "L" else "L"
    issues = validate_nik(nik, sex=other_sex, today=TODAY)
    assert warnings(issues) == ["nik.sex_mismatch"]
    assert not has_errors(issues)


@given(birth_dates, birth_dates)
def test_different_record_birth_date_only_warns(born, record):
    assume((born.day, born.month, born.year % 100) != (record.day, record.month, record.year % 100))
    issues = validate_nik(make_nik(born=born), birth_date=record, today=TODAY)
    assert codes(issues) == ["nik.birthdate_mismatch"]


# --- composing numbers for synthetic data ----------------------------------------------------


def test_make_nik_and_kk():
    from desktop_app.domain.nik import make_kk, make_nik

    assert make_nik("35.72.01", date(1990, 1, 1), "L", 1) == "3572010101900001"
    assert make_nik("35.72.01.1003", date(1985, 12, 25), "perempuan", "42") == "3572016512850042"
    assert make_kk("35.72.03", date(2015, 3, 25), 7) == "3572032503150007"
    assert validate_kk(make_kk("35.72.03", date(2015, 3, 25), 7), today=TODAY) == []
    with pytest.raises(ValueError):
        make_nik("35.72", date(1990, 1, 1), "L")
    with pytest.raises(ValueError):
        make_nik("35.72.01", date(1990, 1, 1), "X")
    with pytest.raises(ValueError):
        make_nik("35.72.01", date(1990, 1, 1), "L", 0)
    with pytest.raises(ValueError):
        make_kk("35.72.01", date(1990, 1, 1), 10_000)


@given(provinces, birth_dates, sexes, st.integers(1, 9999))
def test_make_nik_parses_back(province, born, sex, serial):
    from desktop_app.domain.nik import make_nik

    nik = make_nik(f"{province}.05.11", born, sex, serial)
    info = parse_nik(nik, today=TODAY)
    assert info is not None
    assert (info.birth_date, info.sex, int(info.serial)) == (born, sex, serial)


@given(provinces, two_digit_nonzero, st.dates(date(1980, 1, 1), TODAY), st.integers(1, 9999))
def test_generated_kk_numbers_are_valid(province, regency, issued, serial):
    from desktop_app.domain.nik import make_kk

    kk = make_kk(f"{province}.{regency}.01", issued, serial)
    assert validate_kk(kk, office_province=province, today=TODAY) == []
    assert validate_kk(kk[:-1], today=TODAY)[0].code == "kk.length"
