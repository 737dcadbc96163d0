from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlmodel import select

from desktop_app.domain.training import parse_certificate_number
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.registry import PersonFilter, PersonInput, RegistryService
from desktop_app.services.training import (
    TrainingInputRefused,
    TrainingService,
    TrainingSettings,
)
from desktop_app.storage.models import ChangeLog
from desktop_app.storage.training_models import Attendance, TrainingParticipant
from tests.helpers import make_nik
from tests.training_helpers import KEL, make_training, new_person, training_input


@pytest.fixture
def svc(ctx: AppContext) -> TrainingService:
    return TrainingService(ctx)


@contextmanager
def refused(code: str) -> Iterator[None]:
    """The block is refused with `code` and a readable message."""
    with pytest.raises(ServiceError) as exc:
        yield
    assert exc.value.code == code
    assert exc.value.message and exc.value.render("en")


def mark(svc: TrainingService, sessions: list[str], participant: str, codes: str) -> None:
    for session_id, code in zip(sessions, codes, strict=False):
        svc.set_attendance(session_id, participant, code)


def result_of(svc: TrainingService, training_id: str, participant_id: str):  # noqa: ANN201
    return next(r for r in svc.results(training_id) if r.participant.id == participant_id)


# -- trainings and sessions ------------------------------------------------------------------
def test_training_defaults_to_office_threshold_and_planned(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid = svc.create_training(training_input(threshold_pct=None))
    row = svc.get_training(tid)
    assert row.threshold_pct == ctx.office.completion_threshold_pct == 80
    assert row.status == "direncanakan"
    assert row.trainers == ("Sri Wahyuni", "Budi Santoso")


def test_bad_training_input_lists_every_problem(svc: TrainingService) -> None:
    with pytest.raises(ServiceError) as exc:
        svc.create_training(
            training_input(
                title=" ", trainers=[], start_date=date(2026, 12, 5), end_date=date(2026, 12, 1)
            )
        )
    assert exc.value.code == "training.invalid_input"
    assert isinstance(exc.value, TrainingInputRefused)
    assert {
        "training.title_required",
        "training.trainer_required",
        "training.end_before_start",
    } <= set(exc.value.problem_codes)
    assert "Nama pelatihan wajib diisi." in exc.value.message
    assert "pelatih" in exc.value.message
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in exc.value.message
    assert "The end date cannot be before the start date." in exc.value.render("en")
    assert svc.list_trainings() == []


def test_daily_sessions_one_to_five_december(svc: TrainingService) -> None:
    tid = svc.create_training(
        training_input(start_date=date(2026, 12, 1), end_date=date(2026, 12, 5))
    )
    ids = svc.add_daily_sessions(
        tid,
        date(2026, 12, 1),
        date(2026, 12, 5),
        topics=["Pembukaan", "Adonan"],
        start_time="8.00",
        end_time="12:00",
    )
    sessions = svc.sessions(tid)
    assert len(ids) == 5
    assert [s.session_date.day for s in sessions] == [1, 2, 3, 4, 5]
    assert [s.topic for s in sessions] == ["Pembukaan", "Adonan", "Sesi 3", "Sesi 4", "Sesi 5"]
    assert sessions[0].time_range == "08:00 - 12:00"
    with refused("training.session_exists_at"):
        svc.add_session(tid, date(2026, 12, 3), "Ulang", "08.00")


def test_daily_sessions_can_skip_weekends_and_widen_the_dates(svc: TrainingService) -> None:
    tid = svc.create_training(
        training_input(start_date=date(2026, 12, 1), end_date=date(2026, 12, 1))
    )
    svc.add_daily_sessions(tid, date(2026, 12, 4), date(2026, 12, 8), skip_weekends=True)
    assert [s.session_date.day for s in svc.sessions(tid)] == [4, 7, 8]  # 5-6 Dec: weekend
    assert svc.get_training(tid).end_date == date(2026, 12, 8)


def test_status_flow_is_forward_only(ctx: AppContext, svc: TrainingService) -> None:
    tid, _sessions, _ = make_training(ctx, participants=0)
    svc.set_status(tid, "berjalan")
    svc.set_status(tid, "selesai")
    with refused("training.status_cannot_move"):
        svc.set_status(tid, "berjalan")


def test_training_with_future_sessions_cannot_finish(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, _p = make_training(ctx, participants=0, first_day=date(2026, 11, 19))  # 19..23 Nov
    with refused("training.sessions_ahead"):
        svc.set_status(tid, "selesai")
    assert svc.get_training(tid).status == "direncanakan"


# -- participants ----------------------------------------------------------------------------
def test_quota_is_enforced_with_a_clear_message(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, parts = make_training(ctx, participants=2, quota=2)
    extra = new_person(ctx, 50)
    with pytest.raises(ServiceError) as exc:
        svc.add_participant(tid, extra)
    assert exc.value.code == "training.quota_full"
    assert "Kuota pelatihan sudah penuh: 2 dari 2 peserta" in exc.value.message
    assert svc.get_training(tid).participants == 2
    svc.withdraw(parts[0], "Pindah kerja ke luar kota")
    svc.add_participant(tid, extra)
    assert svc.get_training(tid).participants == 2


def test_quota_cannot_drop_below_active_participants(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, _p = make_training(ctx, participants=3)
    with refused("training.quota_below_active"):
        svc.update_training(tid, training_input(quota=2))


def test_same_person_is_never_a_participant_twice(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, parts = make_training(ctx, participants=1)
    person_id = svc.participants(tid)[0].person_id
    with refused("training.already_participant"):
        svc.add_participant(tid, person_id)
    # A withdrawn participant who comes back gets the same row again, not a second one.
    svc.withdraw(parts[0], "Sakit")
    assert svc.add_participant(tid, person_id) == parts[0]
    with ctx.db.session() as s:
        rows = s.exec(select(TrainingParticipant).where(TrainingParticipant.training_id == tid))
        assert len(rows.all()) == 1
    assert svc.participants(tid)[0].active


def test_registering_on_the_spot_refuses_a_known_nik(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, _p = make_training(ctx, participants=0)
    birth = date(1980, 5, 17)
    nik = make_nik(birth, "P", 901)
    RegistryService(ctx).create_person(
        PersonInput(name="Sulastri", sex="P", nik=nik, birth_date=birth, kelurahan_code=KEL)
    )
    with refused("training.nik_taken"):
        svc.register_participant(
            tid, PersonInput(name="Sulastri W", sex="P", nik=nik, birth_date=birth)
        )
    assert svc.participants(tid) == []


def test_registering_on_the_spot_creates_person_and_participant(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid, _s, _p = make_training(ctx, participants=0)
    birth = date(1990, 2, 3)
    svc.register_participant(
        tid,
        PersonInput(
            name="Dewi Lestari",
            sex="P",
            nik=make_nik(birth, "P", 77),
            birth_date=birth,
            birth_place="Kediri",
            kelurahan_code=KEL,
        ),
    )
    (p,) = svc.participants(tid)
    assert p.name == "Dewi Lestari" and not p.nik_warning
    rows = RegistryService(ctx).person_rows(
        RegistryService(ctx).person_ids(PersonFilter(query="Dewi Lestari"))
    )
    assert rows and "Pelatihan" in rows[0].programs


def test_invalid_nik_is_refused_by_registry_validation(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid, _s, _p = make_training(ctx, participants=0)
    with pytest.raises(ServiceError):
        svc.register_participant(tid, PersonInput(name="Salah NIK", sex="L", nik="12345"))
    assert svc.participants(tid) == []


def test_participant_without_nik_only_when_office_allows(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid, _s, _p = make_training(ctx, participants=0)
    child = PersonInput(name="Anak Tanpa KTP", sex="L", birth_date=date(2012, 6, 1))
    with refused("training.nik_required"):
        svc.register_participant(tid, child)
    assert any(i.code == "training.no_nik" and i.is_error for i in svc.check_new_participant(child))
    svc.save_settings(TrainingSettings(allow_without_nik=True))
    assert not any(i.is_error for i in svc.check_new_participant(child))
    svc.register_participant(tid, child)
    (p,) = svc.participants(tid)
    assert p.nik_warning and p.nik is None


def test_withdraw_needs_a_reason_and_is_logged(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, parts = make_training(ctx, participants=2)
    with refused("training.withdraw_reason_required"):
        svc.withdraw(parts[0], "  ")
    svc.withdraw(parts[0], "Bekerja di pabrik")
    p = next(p for p in svc.participants(tid) if p.id == parts[0])
    assert (p.status, p.withdraw_reason, p.withdrawn_on) == (
        "mundur",
        "Bekerja di pabrik",
        date(2026, 11, 20),
    )
    with ctx.db.session() as s:
        ops = s.exec(select(ChangeLog.op).where(ChangeLog.entity_id == parts[0])).all()
    assert "withdraw" in ops


# -- attendance ------------------------------------------------------------------------------
def test_attendance_for_a_future_session_is_refused(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=1, first_day=date(2026, 11, 19))
    svc.set_attendance(sessions[1], parts[0], "H")  # 20 Nov: today
    with refused("training.session_in_future"):
        svc.set_attendance(sessions[2], parts[0], "H")  # 21 Nov
    with ctx.db.session() as s:
        assert len(s.exec(select(Attendance)).all()) == 1


def test_first_mark_starts_the_training_and_logs(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=1)
    svc.set_attendance(sessions[0], parts[0], "hadir")
    assert svc.get_training(tid).status == "berjalan"
    svc.set_attendance(sessions[0], parts[0], "S")
    svc.set_attendance(sessions[0], parts[0], None)
    grid = svc.attendance_grid(tid)
    assert grid.code(parts[0], sessions[0]) is None
    with ctx.db.session() as s:
        logs = s.exec(select(ChangeLog).where(ChangeLog.entity == "attendance")).all()
    assert [json.loads(r.changes)["code"] for r in logs] == [[None, "H"], ["H", "S"], ["S", None]]


def test_unknown_code_is_refused(ctx: AppContext, svc: TrainingService) -> None:
    _tid, sessions, parts = make_training(ctx, participants=1)
    with refused("training.unknown_attendance_code"):
        svc.set_attendance(sessions[0], parts[0], "X")


def test_all_present_keeps_excused_marks(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=4)
    svc.set_attendance(sessions[0], parts[1], "I")
    svc.set_attendance(sessions[0], parts[2], "S")
    assert svc.mark_all_present(sessions[0]) == 2
    grid = svc.attendance_grid(tid)
    assert [grid.code(p, sessions[0]) for p in parts] == ["H", "I", "S", "H"]
    assert grid.column_counts(sessions[0]) == {"H": 2, "I": 1, "S": 1, "A": 0}
    assert svc.mark_all_present(sessions[0]) == 0


def test_withdrawn_participants_marks_are_frozen(ctx: AppContext, svc: TrainingService) -> None:
    _tid, sessions, parts = make_training(ctx, participants=2)
    svc.withdraw(parts[0], "Pindah domisili")
    with refused("training.withdrawn_marks_frozen"):
        svc.set_attendance(sessions[0], parts[0], "H")
    assert svc.mark_all_present(sessions[0]) == 1


# -- completion rule -------------------------------------------------------------------------
def test_exactly_the_threshold_passes(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=3, threshold_pct=80)
    mark(svc, sessions, parts[0], "HHHHA")  # 4/5 = exactly 80%
    mark(svc, sessions, parts[1], "HHHIS")  # izin and sakit are excused, not attended
    mark(svc, sessions, parts[2], "HHHHH")
    r0, r1, r2 = (result_of(svc, tid, p) for p in parts)
    assert (r0.present, r0.pct, r0.complete) == (4, 80, True)
    assert (r1.present, r1.pct, r1.complete) == (3, 60, False)
    assert (r2.pct, r2.complete) == (100, True)
    below = svc.attendance_grid(tid).below_rule()
    assert [p.id for p in below] == [parts[1]]


def test_share_is_floored_so_it_never_looks_like_a_pass(
    ctx: AppContext, svc: TrainingService
) -> None:
    # 2 of 3 sessions is 66.67%: rounding would show 67% beside a 67% rule that it fails.
    tid, sessions, parts = make_training(ctx, participants=1, sessions=3, threshold_pct=67)
    mark(svc, sessions, parts[0], "HHA")
    r = result_of(svc, tid, parts[0])
    assert (r.pct, r.complete) == (66, False)
    svc.update_training(tid, training_input(threshold_pct=66, end_date=date(2026, 11, 18)))
    assert result_of(svc, tid, parts[0]).complete


def test_unmarked_sessions_count_as_not_attended(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=1, threshold_pct=80)
    mark(svc, sessions, parts[0], "HHH")
    assert not result_of(svc, tid, parts[0]).complete


def test_zero_threshold_and_no_sessions(ctx: AppContext, svc: TrainingService) -> None:
    tid, _s, parts = make_training(ctx, participants=1, sessions=0, threshold_pct=0)
    assert not result_of(svc, tid, parts[0]).complete  # nothing held, nothing completed


# -- certificates ----------------------------------------------------------------------------
def finished_training(ctx: AppContext, svc: TrainingService, codes: list[str], **kw: object):  # noqa: ANN201
    tid, sessions, parts = make_training(ctx, participants=len(codes), **kw)
    for p, c in zip(parts, codes, strict=True):
        mark(svc, sessions, p, c)
    svc.set_status(tid, "selesai")
    return tid, sessions, parts


def test_certificates_only_for_those_meeting_the_rule(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid, sessions, parts = make_training(ctx, participants=3)
    for p, c in zip(parts, ["HHHHH", "HHHHA", "HHAAA"], strict=True):
        mark(svc, sessions, p, c)
    with refused("training.not_finished"):
        svc.issue_certificates(tid)
    svc.set_status(tid, "selesai")
    numbers = svc.issue_certificates(tid)
    assert len(numbers) == 2
    assert svc.issue_certificates(tid) == []  # idempotent
    issued = {c.participant_id for c in svc.certificates(tid)}
    assert issued == {parts[0], parts[1]}
    with refused("training.finished_marks_locked"):
        svc.set_attendance(sessions[0], parts[2], "H")


def test_certificate_numbers_are_unique_and_sequential(
    ctx: AppContext, svc: TrainingService
) -> None:
    t1, _s, _p = finished_training(ctx, svc, ["HHHHH"] * 4)
    t2, _s, _p = finished_training(ctx, svc, ["HHHHH"] * 3, title="Pelatihan Menjahit")
    numbers = svc.issue_certificates(t1) + svc.issue_certificates(t2)
    assert len(set(numbers)) == 7
    parsed = [parse_certificate_number(n) for n in numbers]
    assert [p.sequence for p in parsed] == list(range(1, 8))  # type: ignore[union-attr]
    assert numbers[0] == "0001/SERT-PLT/KANTOR/XI/2026"


def test_override_below_the_rule_needs_a_reason_and_is_logged(
    ctx: AppContext, svc: TrainingService
) -> None:
    tid, _s, parts = finished_training(ctx, svc, ["HHHHH", "HHAAA"])
    with refused("training.override_reason_short"):
        svc.issue_certificate_override(parts[1], "sakit")
    with refused("training.override_not_needed"):
        svc.issue_certificate_override(parts[0], "Alasan yang cukup panjang")
    svc.issue_certificates(tid)
    with refused("training.already_certified"):
        svc.issue_certificate_override(parts[0], "Alasan yang cukup panjang")
    number = svc.issue_certificate_override(parts[1], "Dirawat di RSUD, surat dokter terlampir")
    r = result_of(svc, tid, parts[1])
    assert r.certificate_number == number
    assert r.override_reason == "Dirawat di RSUD, surat dokter terlampir"
    with ctx.db.session() as s:
        log = s.exec(select(ChangeLog).where(ChangeLog.op == "override")).one()
    assert log.actor == "tester"
    assert json.loads(log.changes)["reason"][1].startswith("Dirawat di RSUD")
    data = {c.number: c for c in svc.certificate_data(tid)}
    assert data[number].passed is False and data[number].attendance_pct == 40


def test_document_data_masks_nik_and_skips_withdrawn(ctx: AppContext, svc: TrainingService) -> None:
    tid, sessions, parts = make_training(ctx, participants=3)
    svc.withdraw(parts[2], "Pindah")
    sheet = svc.attendance_sheet_data(tid, sessions[0])
    assert len(sheet.sessions) == 1 and len(sheet.participants) == 2
    assert all("••••••••" in p.nik_masked for p in sheet.participants)
    recap = svc.recap_data(tid)
    assert len(recap.rows) == 3 and recap.rows[-1].note.startswith("Mundur")
    with refused("training.session_elsewhere"):
        svc.attendance_sheet_data(tid, "tidak-ada")


def test_form_refusal_survives_pickling_and_speaks_english(svc: TrainingService) -> None:
    import pickle

    with pytest.raises(TrainingInputRefused) as exc:
        svc.create_training(training_input(title="", venue=""))
    again = pickle.loads(pickle.dumps(exc.value))
    assert again.problem_codes == exc.value.problem_codes == [
        "training.title_required",
        "training.venue_required",
    ]
    assert again.render("en") == "The training's name is required.\nThe venue is required."


def test_recap_of_a_finished_training_says_did_not_qualify(
    ctx: AppContext, svc: TrainingService, tmp_path
) -> None:
    from desktop_app.documents.training import attendance_recap_pdf, recap_result
    from tests.documents.test_training_documents import text_of

    tid, sessions, parts = make_training(ctx, participants=3)
    for p, c in zip(parts, ["HHHHH", "HHAAA", "HHHHH"], strict=True):
        mark(svc, sessions, p, c)
    svc.withdraw(parts[2], "Pindah")
    running = svc.recap_data(tid)
    assert not running.finished
    assert sorted(recap_result(r, running.finished) for r in running.rows) == [
        "-",
        "Belum",
        "Memenuhi",
    ]
    svc.set_status(tid, "selesai")
    done = svc.recap_data(tid)
    assert done.finished
    assert sorted(recap_result(r, done.finished) for r in done.rows) == [
        "-",
        "Memenuhi",
        "Tidak memenuhi syarat",
    ]
    path = tmp_path / "rekap.pdf"
    attendance_recap_pdf(path, ctx.office, done)
    text = " ".join(" ".join(text_of(path)).split())
    assert "Tidak memenuhi syarat" in text and "Belum" not in text
    assert "tidak memenuhi syarat: 1" in text
