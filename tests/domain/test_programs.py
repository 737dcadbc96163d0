from datetime import date

import pytest

from desktop_app.domain.nik import Severity, has_errors
from desktop_app.domain.programs import (
    ABH_ROLES,
    DISABILITY_DEGREE,
    DISABILITY_RAGAM,
    PROGRAMS,
    Unit,
    age_on,
    get_program,
    validate_enrolment,
)

ON = date(2026, 6, 15)


def test_catalogue():
    assert list(PROGRAMS) == [
        "RASTRADA",
        "RAPELAN",
        "SIHORE",
        "DISABILITAS",
        "ANAK_TERLANTAR",
        "ABH",
        "PELATIHAN",
    ]
    assert get_program("RASTRADA").unit is Unit.HOUSEHOLD
    assert all(p.unit is Unit.PERSON for code, p in PROGRAMS.items() if code != "RASTRADA")
    for code in ("DISABILITAS", "ANAK_TERLANTAR", "ABH"):
        assert get_program(code).sensitive
    for code in ("RASTRADA", "PELATIHAN"):
        assert not get_program(code).sensitive
    assert get_program("ABH").max_age == 18
    assert get_program("ANAK_TERLANTAR").max_age == 18
    for program in PROGRAMS.values():
        assert program.name and program.short and program.description


def test_get_program_is_forgiving_about_case_and_clear_when_unknown():
    assert get_program(" rastrada ").code == "RASTRADA"
    with pytest.raises(KeyError, match="BLT.*RASTRADA"):
        get_program("BLT")


def test_vocabularies():
    assert set(DISABILITY_RAGAM) == {
        "fisik",
        "intelektual",
        "mental",
        "sensorik_netra",
        "sensorik_rungu",
        "sensorik_wicara",
    }
    assert set(DISABILITY_DEGREE) == {"tunggal", "ganda", "multi"}
    assert set(ABH_ROLES) == {"pelaku", "korban", "saksi"}


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2008, 6, 15), date(2026, 6, 15), 18),
        (date(2008, 6, 16), date(2026, 6, 15), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize("code", ["ANAK_TERLANTAR", "ABH"])
def test_children_programs_need_age_under_18(code):
    program = get_program(code)
    details = {"role": "korban"}
    assert validate_enrolment(program, birth_date=date(2008, 6, 16), on=ON, details=details) == []
    issues = validate_enrolment(program, birth_date=date(2008, 6, 15), on=ON, details=details)
    assert [i.code for i in issues] == ["program.too_old"]
    assert "18" in issues[0].message
    issues = validate_enrolment(program, birth_date=None, on=ON, details=details)
    assert [i.code for i in issues] == ["program.birth_date_required"]


def test_abh_needs_a_known_role():
    program = get_program("ABH")
    born = date(2012, 1, 1)
    for role in ABH_ROLES:
        assert validate_enrolment(program, birth_date=born, on=ON, details={"role": role}) == []
    assert [i.code for i in validate_enrolment(program, birth_date=born, on=ON, details={})] == [
        "program.abh_role_required"
    ]
    assert [
        i.code
        for i in validate_enrolment(program, birth_date=born, on=ON, details={"role": "tersangka"})
    ] == ["program.abh_role_unknown"]


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"ragam": ["fisik"]}, []),
        ({"ragam": "fisik, sensorik_netra", "degree": "ganda"}, []),
        ({"ragam": ["fisik", "mental", "sensorik_rungu"], "degree": "multi"}, []),
        ({"ragam": ["fisik"], "degree": "tunggal"}, []),
        ({}, ["program.ragam_required"]),
        ({"ragam": []}, ["program.ragam_required"]),
        ({"ragam": ["buta"]}, ["program.ragam_unknown", "program.ragam_required"]),
        ({"ragam": ["fisik"], "degree": "berat"}, ["program.degree_unknown"]),
        ({"ragam": ["fisik", "mental"], "degree": "tunggal"}, ["program.degree_mismatch"]),
        ({"ragam": ["fisik"], "degree": "ganda"}, ["program.degree_mismatch"]),
    ],
)
def test_disability_details(details, expected):
    program = get_program("DISABILITAS")
    issues = validate_enrolment(program, birth_date=date(1980, 1, 1), on=ON, details=details)
    assert [i.code for i in issues] == expected


def test_degree_mismatch_is_only_a_warning():
    program = get_program("DISABILITAS")
    issues = validate_enrolment(
        program, birth_date=None, on=ON, details={"ragam": ["fisik"], "degree": "ganda"}
    )
    assert issues[0].severity is Severity.WARNING
    assert not has_errors(issues)


def test_elderly_programs_warn_about_younger_participants():
    program = get_program("RAPELAN")
    assert validate_enrolment(program, birth_date=date(1950, 1, 1), on=ON, details={}) == []
    assert validate_enrolment(program, birth_date=None, on=ON, details={}) == []
    issues = validate_enrolment(program, birth_date=date(1970, 1, 1), on=ON, details={})
    assert [i.code for i in issues] == ["program.too_young"]
    assert not has_errors(issues)


def test_birth_date_after_enrolment_is_an_error():
    issues = validate_enrolment(
        get_program("PELATIHAN"), birth_date=date(2027, 1, 1), on=ON, details={}
    )
    assert [i.code for i in issues] == ["program.birth_date_future"]


def test_rastrada_and_training_have_no_extra_rules():
    for code in ("RASTRADA", "PELATIHAN"):
        assert validate_enrolment(get_program(code), birth_date=None, on=ON, details={}) == []
