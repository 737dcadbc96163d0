"""Children's cases: SPPA stage timeline, referrals, hearings, the masked hearing summary."""

from __future__ import annotations

from datetime import date

from desktop_app.services.casework import CaseworkService
from tests.services.casework.conftest import PersonMaker, refused


def abh_case(svc: CaseworkService, person: PersonMaker) -> str:
    case_id = svc.open_case(
        person("ABH", name="Ahmad Fauzi Ramadhan", sex="L"), "ABH", opened_on=date(2026, 8, 1)
    )
    svc.record_assessment(
        case_id,
        {
            "kedudukan": "pelaku",
            "perkara": "Pencurian ringan",
            "sekolah": "sekolah",
            "kebutuhan": ["psikososial", "bantuan_hukum"],
            "catatan": "Ayah Ahmad Fauzi bekerja di luar kota",
        },
        assessed_on=date(2026, 8, 2),
    )
    return case_id


def test_sppa_stages_move_forward_only(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = abh_case(svc, person)
    svc.set_stage(case_id, "penyidikan", started_on=date(2026, 8, 3))
    svc.set_stage(case_id, "persidangan", started_on=date(2026, 9, 1))  # no diversion
    with refused("casework.stage_backwards"):
        svc.set_stage(case_id, "diversi")
    with refused("casework.stage_backwards"):
        svc.set_stage(case_id, "persidangan")
    with refused("casework.stage_date_before"):
        svc.set_stage(case_id, "putusan", started_on=date(2026, 8, 20))
    with refused("casework.placement_unknown"):
        svc.set_stage(case_id, "putusan", placement="lpka")
    with refused("casework.stage_unknown"):
        svc.set_stage(case_id, "banding")
    svc.set_stage(case_id, "putusan", started_on=date(2026, 10, 1))
    svc.set_stage(case_id, "pembinaan", started_on=date(2026, 10, 5), placement="lpks")
    detail = svc.get_case(case_id)
    assert detail.stage == "pembinaan"
    assert [s.stage for s in detail.stages] == ["penyidikan", "persidangan", "putusan", "pembinaan"]
    assert detail.stages[-1].placement == "lpks"


def test_stages_only_for_abh(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = svc.open_case(person("ANAK_TERLANTAR"), "ANAK_TERLANTAR")
    with refused("casework.wrong_program"):
        svc.set_stage(case_id, "penyidikan")


def test_referrals_and_hearings(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = abh_case(svc, person)
    svc.set_stage(case_id, "diversi", started_on=date(2026, 8, 10))
    svc.add_activity(case_id, "sidang", done_on=date(2026, 8, 12), notes="Musyawarah diversi")
    svc.refer(case_id, "lpks", done_on=date(2026, 8, 15))
    svc.refer(case_id, "puskesmas", done_on=date(2026, 8, 16), follow_up_on=date(2026, 11, 23))
    with refused("casework.referral_target_unknown"):
        svc.refer(case_id, "mall")
    detail = svc.get_case(case_id)
    hearing = next(a for a in detail.activities if a.kind == "sidang")
    assert hearing.details["stage"] == "diversi"
    assert {a.target for a in detail.activities if a.kind == "rujukan"} == {"lpks", "puskesmas"}
    assert detail.follow_up_on == date(2026, 11, 23)


def test_hearing_summary_masks_the_identity(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = abh_case(svc, person)
    svc.set_stage(case_id, "penyidikan", started_on=date(2026, 8, 3))
    svc.refer(case_id, "sekolah", done_on=date(2026, 8, 20), notes="Ahmad Fauzi kembali sekolah")
    doc = svc.hearing_summary(case_id)
    assert doc.initials == "A.F.R." and doc.age == 16 and doc.sex == "L"
    assert doc.role == "Anak yang berkonflik dengan hukum" and doc.matter == "Pencurian ringan"
    text = repr(doc)
    assert "Ahmad" not in text and "Fauzi" not in text and "Kenanga" not in text
    assert [t.label for t in doc.timeline] == ["Kasus dibuka", "Tahap: Penyidikan", "Rujukan"]
    other = svc.open_case(person("SIHORE"), "SIHORE")
    with refused("casework.wrong_program"):
        svc.hearing_summary(other)
