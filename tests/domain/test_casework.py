"""Casework rules: assessment definitions as data, SPPA stage order, dates, masking."""

from __future__ import annotations

from datetime import date

import pytest

from desktop_app.domain.casework import (
    ASSESSMENT_FIELDS,
    CASEWORK_PROGRAMS,
    SPPA_STAGES,
    FieldKind,
    child_initials,
    device_handover_signed_bytes,
    is_overdue,
    month_bounds,
    next_visit_due,
    stage_move_allowed,
    summarise_services,
    validate_assessment,
    week_bounds,
)


def test_every_program_has_a_form_with_unique_keys_and_choices() -> None:
    assert set(ASSESSMENT_FIELDS) == set(CASEWORK_PROGRAMS)
    for program, fields in ASSESSMENT_FIELDS.items():
        keys = [f.key for f in fields]
        assert len(keys) == len(set(keys)), program
        assert any(f.required for f in fields), program
        for f in fields:
            if f.kind in (FieldKind.CHOICE, FieldKind.MULTI):
                assert f.choices, (program, f.key)


def test_validate_cleans_and_reports() -> None:
    cleaned, problems = validate_assessment(
        "SIHORE",
        {"mobilitas": "Tirah_Baring", "kondisi": "stabil", "kebutuhan": "obat,makanan,obat"},
    )
    assert problems == []
    assert cleaned == {"mobilitas": "tirah_baring", "kondisi": "stabil",
                       "kebutuhan": ["makanan", "obat"]}  # fmt: skip
    _, problems = validate_assessment("SIHORE", {"kondisi": "hebat", "x": 1})
    assert {(p.field, p.reason) for p in problems} == {
        ("x", "unknown_field"),
        ("mobilitas", "required"),
        ("kondisi", "unknown_choice"),
    }
    _, problems = validate_assessment("DISABILITAS", {"ragam": [], "tingkat": "berat"})
    assert [(p.field, p.reason) for p in problems] == [("ragam", "required")]
    _, problems = validate_assessment(
        "ABH", {"kedudukan": "saksi", "perkara": "x" * 301, "ancaman_tahun": -1}
    )
    assert {p.reason for p in problems} == {"too_long", "out_of_range"}
    assert validate_assessment("UNKNOWN", {})[0] == {}


def test_sppa_stages_only_go_forward() -> None:
    assert list(SPPA_STAGES) == ["penyidikan", "diversi", "persidangan", "putusan", "pembinaan"]
    assert stage_move_allowed(None, "penyidikan")
    assert stage_move_allowed("penyidikan", "persidangan")  # diversion skipped
    assert not stage_move_allowed("persidangan", "diversi")
    assert not stage_move_allowed("putusan", "putusan")
    assert not stage_move_allowed(None, "banding")


def test_dates() -> None:
    assert next_visit_due(None, 7, date(2026, 1, 1)) == date(2026, 1, 8)
    assert next_visit_due(date(2026, 2, 1), None, date(2026, 1, 1)) == date(2026, 2, 8)
    assert is_overdue(date(2026, 1, 1), date(2026, 1, 2)) and not is_overdue(None, date.today())
    assert month_bounds(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert week_bounds(date(2026, 11, 20)) == (date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Ahmad Fauzi", "A.F."), ("siti   nur'aini", "S.N.A."), ("", "-"), ("M. Rizky", "M.R.")],
)
def test_child_initials(name: str, initials: str) -> None:
    assert child_initials(name) == initials


def test_services_summary_and_signed_bytes() -> None:
    assert summarise_services(["obat", "kebersihan_diri"]) == "Kebersihan diri, Obat"
    fields = {"number": "AB2026-KANTOR-000001", "case_id": "c", "id": "d", "kind": "kruk",
              "delivered_on": date(2026, 11, 20), "signed_by": "dev"}  # fmt: skip
    signed = device_handover_signed_bytes(fields)
    assert signed.startswith(b'["berdaya-device-handover/1","AB2026-KANTOR-000001"')
    assert b"2026-11-20" in signed
    with pytest.raises(KeyError):
        device_handover_signed_bytes({"number": "x"})
