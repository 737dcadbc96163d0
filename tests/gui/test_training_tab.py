"""The Pelatihan tab: models, the keyboard-first grid, dialogs and printing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.training import printing
from desktop_app.gui.training.certificates_dialog import CertificatesDialog
from desktop_app.gui.training.dialogs import (
    DailySessionsDialog,
    NewParticipantDialog,
    OverrideDialog,
    ParticipantPickerDialog,
    TrainingDialog,
    WithdrawDialog,
)
from desktop_app.gui.training.models import (
    AttendanceTableModel,
    ParticipantTableModel,
    ResultTableModel,
    SessionTableModel,
    TrainingListModel,
)
from desktop_app.gui.training.tab import TrainingTab
from desktop_app.services.context import AppContext
from desktop_app.services.training import TrainingService, TrainingSettings
from tests.helpers import make_nik
from tests.training_helpers import make_training, new_person


@pytest.fixture(autouse=True)
def no_viewer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(printing.PrintOptions, "open_after", False)
    monkeypatch.setattr(
        printing.PrintOptions, "ask_path", staticmethod(lambda _p, _t, name: out / name)
    )
    return out


@pytest.fixture
def svc(ctx: AppContext) -> TrainingService:
    return TrainingService(ctx)


@pytest.fixture
def running(ctx: AppContext) -> tuple[str, list[str], list[str]]:
    # Sessions 18..22 November; the test clock says 20 November: two are still to come.
    return make_training(ctx, participants=4, first_day=date(2026, 11, 18))


def open_tab(qtbot, ctx: AppContext, training_id: str) -> TrainingTab:  # noqa: ANN001
    tab = TrainingTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 768)
    tab.show()
    tab.select_training(training_id)
    return tab


def grid_codes(svc: TrainingService, training_id: str, session_id: str) -> list[str | None]:
    """Marks in grid order (participants sorted by name)."""
    grid = svc.attendance_grid(training_id)
    return [grid.code(p.id, session_id) for p in grid.participants]


def codes_by_id(svc: TrainingService, training_id: str, session_id: str) -> dict[str, str | None]:
    grid = svc.attendance_grid(training_id)
    return {p.id: grid.code(p.id, session_id) for p in grid.participants}


# -- models ----------------------------------------------------------------------------------
def test_models_pass_the_model_tester(
    qtmodeltester, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, parts = running
    svc.set_attendance(sessions[0], parts[0], "H")
    svc.set_attendance(sessions[1], parts[1], "S")
    svc.withdraw(parts[3], "Pindah domisili")
    grid = svc.attendance_grid(tid)
    attendance = AttendanceTableModel(writer=svc.set_attendance)
    attendance.set_grid(grid)
    qtmodeltester.check(attendance)
    trainings = TrainingListModel()
    trainings.set_rows(svc.list_trainings())
    qtmodeltester.check(trainings)
    people = ParticipantTableModel()
    people.set_rows(grid.participants)
    qtmodeltester.check(people)
    session_model = SessionTableModel()
    session_model.set_rows(grid.sessions)
    qtmodeltester.check(session_model)
    results = ResultTableModel()
    results.set_rows(svc.results(tid))
    qtmodeltester.check(results)


def test_attendance_model_counts_and_flags(ctx: AppContext, svc: TrainingService, running) -> None:  # noqa: ANN001
    tid, sessions, parts = running
    svc.set_attendance(sessions[0], parts[0], "H")
    svc.set_attendance(sessions[0], parts[1], "I")
    svc.withdraw(parts[3], "Pindah domisili")
    model = AttendanceTableModel(writer=svc.set_attendance)
    model.set_grid(svc.attendance_grid(tid))
    header = model.headerData(model.FIXED, Qt.Orientation.Horizontal)
    assert "H1 I1 S0 A0" in header
    future = model.FIXED + 3  # 21 November
    assert "belum" in model.headerData(future, Qt.Orientation.Horizontal)
    row = next(i for i, p in enumerate(model.participants) if p.id == parts[0])
    assert model.flags(model.index(row, model.FIXED)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(row, future)) & Qt.ItemFlag.ItemIsEditable
    withdrawn = next(i for i, p in enumerate(model.participants) if p.id == parts[3])
    assert not model.flags(model.index(withdrawn, model.FIXED)) & Qt.ItemFlag.ItemIsEditable
    assert model.data(model.index(withdrawn, model.col_note())) == "Mundur"


# -- the grid, by keyboard -------------------------------------------------------------------
def test_typing_codes_marks_and_moves_down(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, _parts = running
    tab = open_tab(qtbot, ctx, tid)
    grid, model = tab.attendance.grid, tab.attendance.grid_model
    col = model.column_of(sessions[0])
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, col))
    for key in (Qt.Key.Key_H, Qt.Key.Key_S, Qt.Key.Key_I, Qt.Key.Key_A):
        qtbot.keyClick(grid, key)
    assert grid_codes(svc, tid, sessions[0]) == ["H", "S", "I", "A"]
    # From the last participant the cursor goes to the top of the next session.
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (0, col + 1)
    assert model.headerData(col, Qt.Orientation.Horizontal).endswith("H1 I1 S1 A1")
    # Lower-case works, Enter skips a row, arrows move, Delete removes a mark.
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    qtbot.keyClicks(grid, "h")
    assert grid_codes(svc, tid, sessions[1])[:2] == [None, "H"]
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (1, col)
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert grid_codes(svc, tid, sessions[0]) == ["H", None, "I", "A"]
    assert tab.service.get_training(tid).status == "berjalan"


def test_a_future_session_refuses_marks(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, _parts = running
    tab = open_tab(qtbot, ctx, tid)
    col = tab.attendance.grid_model.column_of(sessions[3])  # 21 November, tomorrow
    tab.attendance.grid.setCurrentIndex(tab.attendance.grid_model.index(0, col))
    qtbot.keyClick(tab.attendance.grid, Qt.Key.Key_H)
    assert grid_codes(svc, tid, sessions[3]) == [None] * 4
    assert "belum berlangsung" in tab.attendance.grid_message.text()
    assert tab.attendance.grid.currentIndex().row() == 0  # the cursor stays on the refused cell


def test_all_present_keeps_excused_marks(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, parts = running
    svc.set_attendance(sessions[2], parts[1], "S")
    tab = open_tab(qtbot, ctx, tid)
    panel = tab.attendance
    panel.grid.setCurrentIndex(panel.grid_model.index(0, panel.grid_model.column_of(sessions[2])))
    qtbot.mouseClick(panel.all_present_button, Qt.MouseButton.LeftButton)
    assert codes_by_id(svc, tid, sessions[2]) == dict(zip(parts, "HSHH", strict=True))
    assert "3 peserta ditandai hadir" in tab.attendance.grid_message.text()


def test_who_cannot_meet_the_rule_is_listed(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, parts = running
    # 5 sessions at 80%: two absences make the rule unreachable.
    svc.set_attendance(sessions[0], parts[0], "A")
    svc.set_attendance(sessions[1], parts[0], "S")
    svc.set_attendance(sessions[0], parts[1], "A")
    tab = open_tab(qtbot, ctx, tid)
    name = next(p.name for p in tab.attendance.grid_model.participants if p.id == parts[0])
    assert "1 peserta di bawah syarat 80%" in tab.attendance.below_label.text()
    assert name in tab.attendance.below_label.text()
    model = tab.attendance.grid_model
    row = next(i for i, p in enumerate(model.participants) if p.id == parts[1])
    note = model.data(model.index(row, model.col_note()))
    assert note == "Perlu 4 sesi lagi"


# -- dialogs ---------------------------------------------------------------------------------
def ok(dialog) -> None:  # noqa: ANN001
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_new_training_then_daily_sessions(qtbot, ctx: AppContext, svc: TrainingService) -> None:  # noqa: ANN001
    dialog = TrainingDialog(svc)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title_edit, "Pelatihan Menjahit Tas")
    dialog.category.setCurrentText("Menjahit")
    qtbot.keyClicks(dialog.trainers, "Rina Oktaviani")
    qtbot.keyClicks(dialog.venue, "Aula Dinas Sosial")
    dialog.quota.setValue(20)
    ok(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    training = svc.get_training(dialog.training_id)
    assert (training.title, training.quota, training.threshold_pct) == (
        "Pelatihan Menjahit Tas",
        20,
        80,
    )
    sessions = DailySessionsDialog(svc, training)
    qtbot.addWidget(sessions)
    sessions.first.setDate(date(2026, 12, 1))
    sessions.last.setDate(date(2026, 12, 5))
    assert sessions.preview.text().startswith("5 sesi: Sel 01/12")
    sessions.topics.setPlainText("Pembukaan\nPola")
    ok(sessions)
    assert [s.topic for s in svc.sessions(training.id)][:3] == ["Pembukaan", "Pola", "Sesi 3"]


def test_training_dialog_keeps_input_on_refusal(qtbot, message_boxes, svc: TrainingService) -> None:  # noqa: ANN001
    dialog = TrainingDialog(svc)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title_edit, "Tanpa pelatih")
    ok(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert any("pelatih" in text for text in message_boxes.texts())
    assert dialog.title_edit.text() == "Tanpa pelatih"
    assert svc.list_trainings() == []


def test_new_participant_dialog_validates_nik(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, _s, _p = running
    dialog = NewParticipantDialog(svc, svc.get_training(tid))
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.name, "Sulastri")
    dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
    qtbot.keyClicks(dialog.nik, "35720112")
    assert not save.isEnabled()
    assert "16 digit" in dialog.issues.plain_text()
    dialog.nik.clear()
    assert not save.isEnabled()  # no NIK and the office does not allow it
    qtbot.keyClicks(dialog.nik, make_nik(date(1988, 4, 9), "P", 321))
    dialog.birth_date.set_value(date(1988, 4, 9))
    assert save.isEnabled()
    ok(dialog)
    assert dialog.participant_id in {p.id for p in svc.participants(tid)}


def test_participant_without_nik_when_allowed_is_flagged(
    qtbot, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, _s, _p = running
    svc.save_settings(TrainingSettings(allow_without_nik=True))
    dialog = NewParticipantDialog(svc, svc.get_training(tid))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Anak Tanpa KTP")
    dialog.sex.setCurrentIndex(dialog.sex.findData("L"))
    assert "kasus peringatan" in dialog.issues.plain_text()
    ok(dialog)
    model = ParticipantTableModel()
    model.set_rows(svc.participants(tid))
    row = next(i for i, p in enumerate(model.rows()) if p.nik_warning)
    assert model.data(model.index(row, model.COL_NIK)) == "⚠ tanpa NIK"


def test_picker_adds_until_the_quota_is_full(
    qtbot, message_boxes, ctx: AppContext, svc: TrainingService
) -> None:  # noqa: ANN001
    tid, _s, _p = make_training(ctx, participants=1, quota=2)
    others = [new_person(ctx, 40 + i) for i in range(2)]
    dialog = ParticipantPickerDialog(svc, svc.get_training(tid))
    qtbot.addWidget(dialog)
    names = {p.name for p in svc.registry.person_rows_by_id(others)}
    kelurahan = ctx.regions.get("35.72.03.1001").name  # where every synthetic person lives
    dialog.search.setText(kelurahan)
    dialog.run_search()
    rows = [dialog.model.row_at(i) for i in range(dialog.model.rowCount())]
    taken = [r for r in rows if r.id in dialog.model.taken]
    assert len(taken) == 1 and not dialog.model.flags(dialog.model.index(rows.index(taken[0]), 0))
    dialog.table.selectAll()
    dialog.add_selected()
    assert len(dialog.added) == 1
    assert any("Kuota pelatihan sudah penuh" in text for text in message_boxes.texts())
    assert svc.get_training(tid).participants == 2
    assert names  # the two candidates were in the registry search


def test_withdraw_dialog_needs_a_reason(
    qtbot, message_boxes, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, _s, parts = running
    participant = next(p for p in svc.participants(tid) if p.id == parts[0])
    dialog = WithdrawDialog(svc, participant)
    qtbot.addWidget(dialog)
    ok(dialog)
    assert any("Alasan mundur wajib diisi" in text for text in message_boxes.texts())
    qtbot.keyClicks(dialog.reason, "Bekerja di luar kota")
    ok(dialog)
    assert not next(p for p in svc.participants(tid) if p.id == parts[0]).active


def test_session_buttons_without_a_chosen_session_say_so(
    qtbot, message_boxes, ctx: AppContext, svc: TrainingService, running
) -> None:  # noqa: ANN001
    tid, sessions, _parts = running
    tab = open_tab(qtbot, ctx, tid)
    tab.sessions.session_view.setCurrentIndex(tab.sessions.session_model.index(-1, -1))
    tab.sessions.edit_session_button.click()
    tab.sessions.remove_session_button.click()
    assert message_boxes.texts() == ["Pilih sesi pada daftar terlebih dahulu."] * 2
    assert len(svc.attendance_grid(tid).sessions) == len(sessions)


# -- printing --------------------------------------------------------------------------------
def test_print_attendance_sheet_in_a_worker(
    qtbot, no_viewer: Path, ctx: AppContext, running
) -> None:  # noqa: ANN001
    tid, sessions, _parts = running
    tab = open_tab(qtbot, ctx, tid)
    panel = tab.attendance
    panel.grid.setCurrentIndex(panel.grid_model.index(0, panel.grid_model.column_of(sessions[4])))
    job = printing.print_attendance_sheets(tab, ctx, tab.current, sessions[4], 5)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert job.error is None
    (pdf,) = no_viewer.glob("daftar-hadir-*-sesi-5.pdf")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "DAFTAR HADIR PESERTA PELATIHAN" in text and "Minggu, 22 November 2026" in text


def test_certificates_dialog_prints_and_overrides(
    qtbot, no_viewer: Path, ctx: AppContext, svc: TrainingService
) -> None:  # noqa: ANN001
    tid, sessions, parts = make_training(ctx, participants=3)
    for p, codes in zip(parts, ["HHHHH", "HHHHA", "HHAAA"], strict=True):
        for s, c in zip(sessions, codes, strict=True):
            svc.set_attendance(s, p, c)
    training = svc.get_training(tid)
    dialog = CertificatesDialog(ctx, svc, training)
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()  # not finished yet
    svc.set_status(tid, "selesai")
    dialog.reload()
    assert "2 dari 3 peserta aktif memenuhi syarat" in dialog.summary.text()
    below_row = next(i for i, r in enumerate(dialog.model.rows()) if not r.complete)
    dialog.view.setCurrentIndex(dialog.model.index(below_row, 0))
    assert dialog.override_button.isEnabled()
    override = OverrideDialog(svc, dialog.selected().participant, 40, 80)
    qtbot.addWidget(override)
    override.reason.setPlainText("Dirawat di RSUD Mardi Waluyo, surat dokter ada")
    ok(override)
    assert override.number is not None
    job = printing.print_certificates(dialog, ctx, training)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=20000):
        pass
    assert job.error is None
    (pdf,) = no_viewer.glob("sertifikat-*.pdf")
    assert len(PdfReader(pdf).pages) == 3
    assert len({c.number for c in svc.certificates(tid)}) == 3


def test_main_window_shows_the_training_tab(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    make_training(ctx, participants=2)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    tab = window.tab("Pelatihan")
    assert isinstance(tab, TrainingTab)
    assert tab.current is not None and tab.attendance.grid_model.rowCount() == 2


def test_typing_in_the_name_column_finds_a_person(qtbot, ctx: AppContext, running) -> None:  # noqa: ANN001
    tid, _sessions, _parts = running
    tab = open_tab(qtbot, ctx, tid)
    model = tab.attendance.grid_model
    target = model.participants[-1]
    tab.attendance.grid.setFocus()
    tab.attendance.grid.setCurrentIndex(model.index(0, model.COL_NAME))
    qtbot.keyClicks(tab.attendance.grid, target.name[:4])
    found = model.participants[tab.attendance.grid.currentIndex().row()]
    assert found.name[:4] == target.name[:4]
    assert grid_codes(tab.service, tid, _sessions[0]) == [None] * 4  # no mark was typed


def test_read_only_database_refuses_marks_politely(
    qtbot, ctx: AppContext, db_path: Path, clock
) -> None:  # noqa: ANN001
    from desktop_app.services.context import open_app

    tid, sessions, _parts = make_training(ctx, participants=2)
    ctx.close()
    read_only = open_app(db_path, read_only=True, clock=clock)
    try:
        tab = open_tab(qtbot, read_only, tid)
        panel = tab.attendance
        assert not tab.trainings.new_button.isEnabled()
        assert not panel.all_present_button.isEnabled()
        column = panel.grid_model.column_of(sessions[0])
        panel.grid.setCurrentIndex(panel.grid_model.index(0, column))
        qtbot.keyClick(panel.grid, Qt.Key.Key_H)
        assert "hanya-baca" in panel.grid_message.text()
        assert grid_codes(TrainingService(read_only), tid, sessions[0]) == [None, None]
    finally:
        read_only.close()


def test_a_field_officer_takes_attendance_but_does_not_manage_the_training(
    qtbot, ctx: AppContext, running
):
    from desktop_app.domain.access import Actor, Role

    training_id, _people, _sessions = running
    ctx.accounts_exist = True
    ctx.set_user(Actor("budi", "Budi Lapangan", Role.FIELD))
    tab = open_tab(qtbot, ctx, training_id)
    for button in (tab.edit_button, tab.advance_button, tab.trainings.new_button):
        assert not button.isEnabled() and "Petugas lapangan" in button.toolTip()
    assert not tab.participants.register_button.isEnabled()
    assert not tab.sessions.add_session_button.isEnabled()
    assert tab.attendance.all_present_button.isEnabled()
