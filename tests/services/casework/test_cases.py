"""The shared case model: open, assess, plan, activities, follow-ups, close; change log."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from desktop_app.domain.casework import ASSESSMENT_FIELDS, CASEWORK_PROGRAMS
from desktop_app.services.casework import CaseFilter, CaseworkService, GoalInput
from desktop_app.services.context import AppContext
from desktop_app.storage.casework_models import CaseFile
from desktop_app.storage.models import AccessLog, ChangeLog
from tests.services.casework.conftest import KEL, KEL2, PersonMaker, refused


def test_open_case_logs_a_change_and_reads_back(
    ctx: AppContext, svc: CaseworkService, person: PersonMaker
) -> None:
    pid = person("DISABILITAS", name="Budi Santoso")
    case_id = svc.open_case(pid, "disabilitas", worker="pekerja1", opened_on=date(2026, 2, 1))
    detail = svc.get_case(case_id)
    assert detail.program_code == "DISABILITAS" and detail.worker == "pekerja1"
    assert detail.status == "aktif" and detail.person.name == "Budi Santoso"
    assert detail.person.kelurahan == "Gedog"
    with ctx.db.session() as s:
        entries = s.exec(select(ChangeLog).where(ChangeLog.entity_id == case_id)).all()
        assert [e.op for e in entries] == ["create"]
        assert json.loads(entries[0].changes)["program_code"] == [None, "DISABILITAS"]
        opened = s.exec(select(AccessLog).where(AccessLog.entity_id == case_id)).all()
        assert [(a.action, a.entity) for a in opened] == [("open", "case")]


def test_one_open_case_per_person_and_program(svc: CaseworkService, person: PersonMaker) -> None:
    pid = person("ANAK_TERLANTAR")
    svc.open_case(pid, "ANAK_TERLANTAR")
    with refused("casework.case_already_open"):
        svc.open_case(pid, "ANAK_TERLANTAR")


def test_only_casework_programs(svc: CaseworkService, person: PersonMaker) -> None:
    pid = person("SIHORE")
    with refused("casework.program_not_casework"):
        svc.open_case(pid, "RASTRADA")
    with refused("casework.person_not_found"):
        svc.open_case("nobody", "SIHORE")
    with refused("casework.case_not_found"):
        svc.get_case("nothing")


def test_assessment_fields_are_data_and_validated(
    svc: CaseworkService, person: PersonMaker
) -> None:
    case_id = svc.open_case(person("DISABILITAS"), "DISABILITAS", opened_on=date(2026, 3, 1))
    with refused("casework.field_required"):
        svc.record_assessment(case_id, {"ragam": ["fisik"]})
    with refused("casework.field_unknown_choice"):
        svc.record_assessment(case_id, {"ragam": ["terbang"], "tingkat": "berat"})
    with refused("casework.field_unknown"):
        svc.record_assessment(case_id, {"ragam": "fisik", "tingkat": "berat", "warna": "biru"})
    svc.record_assessment(
        case_id,
        {"ragam": "sensorik_rungu, fisik", "tingkat": "Berat", "bpjs": "ya", "catatan": " ok "},
        assessed_on=date(2026, 3, 2),
    )
    answers = svc.get_case(case_id).assessment
    assert answers is not None
    assert answers.answers == {
        "ragam": ["fisik", "sensorik_rungu"],
        "tingkat": "berat",
        "bpjs": True,
        "catatan": "ok",
    }
    assert set(ASSESSMENT_FIELDS) == set(CASEWORK_PROGRAMS)


def test_abh_assessment_number_range(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = svc.open_case(person("ABH"), "ABH")
    base = {"kedudukan": "korban", "perkara": "Perundungan"}
    with refused("casework.field_out_of_range"):
        svc.record_assessment(case_id, {**base, "ancaman_tahun": 99})
    with refused("casework.field_not_a_number"):
        svc.record_assessment(case_id, {**base, "ancaman_tahun": "tujuh"})
    with refused("casework.field_not_a_date"):
        svc.record_assessment(case_id, {**base, "tanggal_kejadian": "kemarin"})
    svc.record_assessment(case_id, {**base, "ancaman_tahun": "7", "tanggal_kejadian": "2026-10-01"})


def test_plan_goals_and_status(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = svc.open_case(person("ANAK_TERLANTAR"), "ANAK_TERLANTAR")
    with refused("casework.goals_required"):
        svc.make_plan(case_id, ["  "])
    svc.make_plan(
        case_id,
        ["Anak kembali bersekolah", GoalInput("Akta kelahiran terbit", date(2027, 1, 31))],
        review_on=date(2027, 2, 1),
    )
    plan = svc.get_case(case_id).plan
    assert plan is not None and [g.text for g in plan.goals] == [
        "Anak kembali bersekolah",
        "Akta kelahiran terbit",
    ]
    svc.set_goal_status(plan.goals[0].id, "tercapai")
    with refused("casework.goal_status_unknown"):
        svc.set_goal_status(plan.goals[1].id, "selesai")
    plan = svc.get_case(case_id).plan
    assert plan is not None and plan.goals[0].status == "tercapai"
    assert plan.goals[0].done_on == date(2026, 11, 20)


def test_activities_and_follow_up_make_the_case_due(
    svc: CaseworkService, person: PersonMaker
) -> None:
    case_id = svc.open_case(person("ANAK_TERLANTAR"), "ANAK_TERLANTAR", opened_on=date(2026, 6, 1))
    svc.add_activity(
        case_id,
        "sesi",
        done_on=date(2026, 11, 10),
        notes="Sesi konseling",
        follow_up_on=date(2026, 11, 21),
    )
    with refused("casework.referral_target_required"):
        svc.add_activity(case_id, "rujukan")
    with refused("casework.activity_kind_unknown"):
        svc.add_activity(case_id, "piknik")
    with refused("casework.date_before_opening"):
        svc.add_activity(case_id, "sesi", done_on=date(2026, 5, 1))
    with refused("casework.date_in_future"):
        svc.add_activity(case_id, "sesi", done_on=date(2026, 12, 1))
    with refused("casework.follow_up_before"):
        svc.add_activity(case_id, "sesi", follow_up_on=date(2026, 11, 1))
    assert [r.id for r in svc.due_this_week()] == [case_id]
    assert svc.get_case(case_id).activities[0].notes == "Sesi konseling"


def test_close_case_keeps_it_read_only(
    ctx: AppContext, svc: CaseworkService, person: PersonMaker
) -> None:
    case_id = svc.open_case(person("SIHORE"), "SIHORE", opened_on=date(2026, 1, 10))
    with refused("casework.close_reason_unknown"):
        svc.close_case(case_id, "bosan")
    svc.close_case(case_id, "meninggal", closed_on=date(2026, 11, 2), note="Wafat di rumah")
    detail = svc.get_case(case_id)
    assert (detail.status, detail.closed_on, detail.close_reason) == (
        "ditutup",
        date(2026, 11, 2),
        "meninggal",
    )
    with refused("casework.case_closed"):
        svc.add_activity(case_id, "sesi")
    with ctx.db.session() as s:
        assert s.get(CaseFile, case_id) is not None  # closed, never deleted
    assert svc.list_cases(CaseFilter(status="ditutup"))[0].id == case_id
    assert svc.list_cases() == []


def test_lists_filter_by_program_worker_kelurahan_and_name(
    svc: CaseworkService, person: PersonMaker
) -> None:
    a = svc.open_case(person("SIHORE", name="Mbah Karto"), "SIHORE", worker="ani")
    b = svc.open_case(person("DISABILITAS", name="Rina", kel=KEL2), "DISABILITAS", worker="ani")
    c = svc.open_case(person("ABH", name="Dimas"), "ABH", worker="budi")
    assert {r.id for r in svc.list_cases()} == {a, b, c}
    assert {r.id for r in svc.list_cases(CaseFilter(worker="ani"))} == {a, b}
    assert {r.id for r in svc.list_cases(CaseFilter(kelurahan_code=KEL))} == {a, c}
    assert [r.id for r in svc.list_cases(CaseFilter(query="KARTO"))] == [a]
    assert [r.id for r in svc.list_cases(CaseFilter(query="%"))] == []
    assert [r.id for r in svc.list_cases(CaseFilter(program_code="ABH"))] == [c]
    assert {r.id for r in svc.my_cases("ani")} == {a, b}
    counts = svc.case_counts()
    assert counts.open_total == 3 and counts.by_program["ABH"] == 1


def test_reassign_and_follow_up(svc: CaseworkService, person: PersonMaker) -> None:
    case_id = svc.open_case(person("DISABILITAS"), "DISABILITAS", worker="ani")
    svc.reassign(case_id, "budi")
    svc.set_follow_up(case_id, date(2026, 11, 25))
    detail = svc.get_case(case_id)
    assert detail.worker == "budi" and detail.follow_up_on == date(2026, 11, 25)
    with refused("casework.worker_required"):
        svc.reassign(case_id, " ")
