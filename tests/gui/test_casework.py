"""The Layanan tab with real widgets: the lists, the opened case, the keyboard visit form, the
assessment form, roles (no child's name without CASEWORK) and printing in a worker."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView
from pytestqt.qtbot import QtBot

from desktop_app.domain.access import Actor, Role
from desktop_app.gui.casework import docs, forms
from desktop_app.gui.casework.assessment import AssessmentDialog
from desktop_app.gui.casework.models import OVERDUE_FOREGROUND, ROW_ROLE
from desktop_app.gui.casework.panel import CasePanel
from desktop_app.gui.casework.tab import ALL, DUE, MINE, OVERDUE, CaseworkTab
from desktop_app.gui.main_window import MainWindow
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import AppContext
from desktop_app.services.registry import PersonInput, RegistryService
from tests.gui.helpers import settle
from tests.helpers import make_nik

KEL = "35.72.03.1001"
TODAY = date(2026, 11, 20)  # tests/conftest.py FIXED_NOW
BIRTHS = {
    "SIHORE": date(1940, 5, 1),
    "DISABILITAS": date(1985, 3, 2),
    "ANAK_TERLANTAR": date(2014, 7, 9),
    "ABH": date(2010, 2, 14),
}
DETAILS = {"DISABILITAS": {"ragam": ["fisik"], "degree": "tunggal"}, "ABH": {"role": "pelaku"}}


class People:
    def __init__(self, ctx: AppContext) -> None:
        self.reg = RegistryService(ctx)
        self.serial = 0

    def make(self, program: str, name: str) -> str:
        self.serial += 1
        born = BIRTHS[program]
        pid = self.reg.create_person(
            PersonInput(
                name=name,
                sex="P",
                nik=make_nik(born, "P", self.serial),
                birth_date=born,
                street="Jl. Kenanga 7",
                rt="2",
                rw="3",
                kelurahan_code=KEL,
            )
        )
        self.reg.enrol(
            program, person_id=pid, start_date=date(2026, 1, 5), details=DETAILS.get(program, {})
        )
        return pid


@pytest.fixture
def svc(ctx: AppContext) -> CaseworkService:
    return CaseworkService(ctx)


@pytest.fixture
def cases(ctx: AppContext, svc: CaseworkService) -> dict[str, str]:
    """A case per program, opened by "tester" (the officer of a database without accounts)."""
    people = People(ctx)
    opened = date(2026, 11, 2)
    found = {
        "SIHORE": svc.open_case(
            people.make("SIHORE", "Mbah Sarinah"),
            "SIHORE",
            opened_on=opened,
            carer="Bu Lastri",
            visit_every_days=7,
        ),
        "DISABILITAS": svc.open_case(
            people.make("DISABILITAS", "Wahyu Pratama"), "DISABILITAS", opened_on=opened
        ),
        "ANAK_TERLANTAR": svc.open_case(
            people.make("ANAK_TERLANTAR", "Putri Anggraini"), "ANAK_TERLANTAR", opened_on=opened
        ),
        "ABH": svc.open_case(
            people.make("ABH", "Rizky Saputra"), "ABH", opened_on=opened, worker="peksos.dewi"
        ),
    }
    return found


CHILD_NAMES = ("Putri Anggraini", "Rizky Saputra")


def _tab(qtbot, ctx: AppContext) -> CaseworkTab:  # noqa: ANN001
    tab = CaseworkTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    settle(qtbot)
    return tab


def _names(tab: CaseworkTab) -> list[str]:
    model = tab.case_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _show(qtbot, tab: CaseworkTab, which: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.lists.setCurrentIndex(which)
    settle(qtbot)


def _visible_text(widget) -> str:  # noqa: ANN001
    """Every text a person could read in the widget: labels and every table cell."""
    parts = [label.text() for label in widget.findChildren(QLabel)]
    for table in widget.findChildren(QTableView):
        model = table.model()
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                parts.append(str(model.index(r, c).data() or ""))
    return "\n".join(parts)


# -- lists -------------------------------------------------------------------------------------

def saved(dialog: forms.CaseForm) -> None:
    """Submit the form and check it was stored (the refusal, if any, explains a failure)."""
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.refusal_text()


def case_panel(qtbot: QtBot, svc: CaseworkService, case_id: str) -> CasePanel:
    panel = CasePanel(svc)
    qtbot.addWidget(panel)
    panel.show_case(case_id)
    return panel


def test_lists_mine_due_all_and_overdue(qtbot, ctx, svc, cases):
    tab = _tab(qtbot, ctx)
    assert tab.current_list() == MINE
    assert sorted(_names(tab)) == ["Mbah Sarinah", "Putri Anggraini", "Wahyu Pratama"]
    _show(qtbot, tab, ALL)
    assert len(_names(tab)) == 4
    # Only the Si Hore case has a follow-up (the first visit, 7 days after opening: overdue).
    svc.add_activity(cases["ABH"], "sesi", follow_up_on=TODAY + timedelta(days=2))
    _show(qtbot, tab, DUE)
    assert _names(tab) == ["Mbah Sarinah", "Rizky Saputra"]  # overdue first
    overdue = tab.case_model.index(0, 0)
    assert overdue.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_FOREGROUND
    assert tab.case_model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "terlambat" in tab.result_label.text()
    _show(qtbot, tab, OVERDUE)
    model = tab.overdue_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Mbah Sarinah"]


def test_program_filter_and_search(qtbot, ctx, cases):
    tab = _tab(qtbot, ctx)
    _show(qtbot, tab, ALL)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.program.setCurrentIndex(tab.program.findData("DISABILITAS"))
    assert _names(tab) == ["Wahyu Pratama"]
    tab.program.setCurrentIndex(0)
    settle(qtbot)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.keyClicks(tab.search, "rizky")
    settle(qtbot)
    assert _names(tab) == ["Rizky Saputra"]


def test_opening_a_case_shows_person_sections_and_actions(qtbot, ctx, svc, cases):
    tab = _tab(qtbot, ctx)
    _show(qtbot, tab, ALL)
    row = _names(tab).index("Rizky Saputra")
    tab.case_table.selectRow(row)
    panel = tab.panel
    assert panel.isVisible() and panel.case is not None
    assert "Rizky Saputra" in panel.header.text()
    assert "16 th" in panel.header.text()  # born 14-02-2010, today 20-11-2026
    assert "peksos.dewi" in panel.info.text()
    assert panel.stage_button.isVisible() and not panel.visit_button.isVisible()
    assert panel.sections.isTabVisible(panel.stages_index)
    assert not panel.sections.isTabVisible(panel.devices_index)
    assert panel.summary_button.isVisible()


def test_a_write_elsewhere_refreshes_list_and_case(qtbot, ctx, svc, cases):
    tab = _tab(qtbot, ctx)
    _show(qtbot, tab, ALL)
    tab.open_case_id(cases["SIHORE"])
    assert tab.panel.activity_model.rowCount() == 0
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        svc.record_visit(cases["SIHORE"], services=["makanan"], condition="baik")
    settle(qtbot)
    assert tab.panel.activity_model.rowCount() == 1
    row = tab.case_model.rows()[_names(tab).index("Mbah Sarinah")]
    assert row.follow_up_on == TODAY + timedelta(days=7)


# -- forms -------------------------------------------------------------------------------------
def test_visit_form_by_keyboard_only(qtbot, ctx, svc, cases):
    case = svc.get_case(cases["SIHORE"])
    dialog = forms.VisitDialog(svc, case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    boxes = list(dialog.services.values())
    assert dialog.focusWidget() is boxes[0]
    # The next visit is prefilled from the visit frequency.
    assert dialog.next_visit.date().toPython() == TODAY + timedelta(days=7)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_1)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_3)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)  # to "2 Makanan"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.refusal_text()
    visit = svc.get_case(case.id).activities[0]
    assert visit.details["services"] == ["kebersihan_diri", "makanan", "cek_kesehatan"]
    assert visit.details["next_visit_on"] == (TODAY + timedelta(days=7)).isoformat()
    assert visit.done_on == TODAY


def test_visit_form_refusal_is_coded_and_keeps_the_form(qtbot, ctx, svc, cases):
    dialog = forms.VisitDialog(svc, svc.get_case(cases["SIHORE"]))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.submit()  # nothing ticked
    assert dialog.refusal_code == "casework.services_required"
    assert dialog.refusal_text() and dialog.isVisible()
    assert svc.get_case(cases["SIHORE"]).activities == ()


def test_assessment_form_is_built_from_the_fields_and_saves_answers(qtbot, ctx, svc, cases):
    case = svc.get_case(cases["DISABILITAS"])
    dialog = AssessmentDialog(svc, case)
    qtbot.addWidget(dialog)
    assert list(dialog.fields) == [
        "ragam",
        "tingkat",
        "kebutuhan",
        "alat_dimiliki",
        "bpjs",
        "catatan",
    ]
    dialog.submit()  # the required ragam is missing
    assert dialog.refusal_code == "casework.field_required"
    fields = dialog.fields
    fields["ragam"].boxes["fisik"].setChecked(True)
    fields["ragam"].boxes["sensorik_rungu"].setChecked(True)
    tingkat = fields["tingkat"].widget
    tingkat.setCurrentIndex(tingkat.findData("berat"))
    fields["kebutuhan"].boxes["alat_bantu"].setChecked(True)
    fields["alat_dimiliki"].widget.setText("tongkat kayu")
    bpjs = fields["bpjs"].widget
    bpjs.setCurrentIndex(bpjs.findData("ya"))
    saved(dialog)
    answers = svc.get_case(case.id).assessment.answers
    assert answers == {
        "ragam": ["fisik", "sensorik_rungu"],
        "tingkat": "berat",
        "kebutuhan": ["alat_bantu"],
        "alat_dimiliki": "tongkat kayu",
        "bpjs": True,
    }
    # The next assessment starts from these answers.
    again = AssessmentDialog(svc, svc.get_case(case.id))
    qtbot.addWidget(again)
    assert again.fields["ragam"].boxes["sensorik_rungu"].isChecked()
    assert again.answers() == answers | {"bpjs": "ya"}


def test_abh_assessment_number_and_date_fields(qtbot, ctx, svc, cases):
    dialog = AssessmentDialog(svc, svc.get_case(cases["ABH"]))
    qtbot.addWidget(dialog)
    f = dialog.fields
    f["kedudukan"].widget.setCurrentIndex(f["kedudukan"].widget.findData("korban"))
    f["perkara"].widget.setText("Perundungan")
    f["ancaman_tahun"].widget.setText("3")
    f["tanggal_kejadian"].widget.set_value(date(2026, 10, 1))
    saved(dialog)
    answers = svc.get_case(cases["ABH"]).assessment.answers
    assert answers["ancaman_tahun"] == 3 and answers["tanggal_kejadian"] == "2026-10-01"


def test_plan_activity_referral_stage_and_close(qtbot, ctx, svc, cases):
    case = svc.get_case(cases["ABH"])
    plan = forms.PlanDialog(svc, case)
    qtbot.addWidget(plan)
    plan.goals.setPlainText("Kembali bersekolah\n\nDiversi berhasil\n")
    plan.summary.setText("Pendampingan perkara")
    saved(plan)
    activity = forms.ActivityDialog(svc, case)
    qtbot.addWidget(activity)
    activity.notes.setPlainText("Sesi pertama")
    activity.follow_up.set_value(TODAY + timedelta(days=3))
    activity.submit()
    referral = forms.ReferralDialog(svc, case)
    qtbot.addWidget(referral)
    referral.target.setCurrentIndex(referral.target.findData("sekolah"))
    referral.submit()
    stage = forms.StageDialog(svc, case)
    qtbot.addWidget(stage)
    stage.stage.setCurrentIndex(stage.stage.findData("diversi"))
    saved(stage)
    detail = svc.get_case(case.id)
    assert [g.text for g in detail.plan.goals] == ["Kembali bersekolah", "Diversi berhasil"]
    assert [a.kind for a in detail.activities][:2] in (["sesi", "rujukan"], ["rujukan", "sesi"])
    assert detail.stage == "diversi"
    # Only later stages are offered now.
    later = forms.StageDialog(svc, detail)
    qtbot.addWidget(later)
    offered = [later.stage.itemData(i) for i in range(later.stage.count())]
    assert offered == ["persidangan", "putusan", "pembinaan"]
    close = forms.CloseCaseDialog(svc, detail)
    qtbot.addWidget(close)
    close.submit()
    assert close.refusal_code == "casework.close_reason_unknown"
    close.reason.setCurrentIndex(close.reason.findData("perkara_selesai"))
    saved(close)
    panel = case_panel(qtbot, svc, case.id)
    assert "Ditutup" in panel.info.text()
    assert not any(b.isVisible() for b in panel.work_buttons)


def test_open_case_dialog_finds_enrolled_people(qtbot, ctx, svc, cases):
    people = People(ctx)
    people.make("SIHORE", "Mbah Karto")
    dialog = forms.OpenCaseDialog(svc, "SIHORE")
    qtbot.addWidget(dialog)
    dialog.search.setText("tidak ada orang ini")
    dialog.find_people()
    dialog.submit()
    assert dialog.refusal_text() and dialog.result() != dialog.DialogCode.Accepted
    dialog.search.setText("karto")
    dialog.find_people()
    assert dialog.people.count() == 1 and "Mbah Karto" in dialog.people.item(0).text()
    dialog.carer.setText("Bu Lastri")
    saved(dialog)
    opened = svc.get_case(dialog.result_value)
    assert opened.person.name == "Mbah Karto" and opened.carer == "Bu Lastri"
    # The same person again: refused, coded.
    again = forms.OpenCaseDialog(svc, "SIHORE")
    qtbot.addWidget(again)
    again.search.setText("karto")
    again.find_people()
    again.submit()
    assert again.refusal_code == "casework.case_already_open"


# -- roles -------------------------------------------------------------------------------------
def test_field_officer_sees_no_childs_name(qtbot, ctx, cases):
    ctx.set_user(Actor(username="lapangan", full_name="Petugas Lapangan", role=Role.FIELD))
    ctx.accounts_exist = True
    tab = _tab(qtbot, ctx)
    text = _visible_text(tab)
    assert not any(name in text for name in CHILD_NAMES)
    assert not tab.findChildren(QTableView)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Layanan" not in titles


def test_head_of_office_sees_counts_only(qtbot, ctx, cases):
    ctx.set_user(Actor(username="pimpinan", full_name="Pimpinan", role=Role.HEAD))
    tab = _tab(qtbot, ctx)
    text = _visible_text(tab)
    assert "Jumlah kasus aktif" in text
    assert not any(name in text for name in (*CHILD_NAMES, "Mbah Sarinah"))


def test_social_worker_sees_names(qtbot, ctx, svc, cases):
    ctx.set_user(Actor(username="peksos.dewi", full_name="Dewi", role=Role.SOCIAL_WORKER))
    tab = _tab(qtbot, ctx)
    assert _names(tab) == ["Rizky Saputra"]  # Kasus saya: the cases assigned to her
    _show(qtbot, tab, ALL)
    assert set(CHILD_NAMES) <= set(_names(tab))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.tab("Layanan") is not None


def test_tables_are_read_only_and_keyboard_opens(qtbot, ctx, cases):
    tab = _tab(qtbot, ctx)
    assert tab.case_table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    tab.search.setFocus()
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.case_table.currentIndex().row() == 0
    assert tab.panel.case is not None
    first = tab.case_model.index(0, 0).data(ROW_ROLE)
    assert tab.panel.case.id == first.id


# -- printing ----------------------------------------------------------------------------------
@pytest.fixture
def print_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(docs.CaseworkPrintOptions, "folder", tmp_path / "dok")
    monkeypatch.setattr(docs.CaseworkPrintOptions, "open_after", False)
    return tmp_path / "dok"


def test_documents_are_written_in_a_worker(qtbot, ctx, svc, cases, print_folder):
    svc.record_visit(cases["SIHORE"], services=["obat"], condition="stabil")
    written: list[Path] = []
    tab = _tab(qtbot, ctx)
    docs.print_visit_card(tab, svc, cases["SIHORE"], 2026, 11, written.append)
    docs.print_hearing_summary(tab, svc, cases["ABH"], written.append)
    docs.print_recap(tab, svc, date(2026, 11, 1), xlsx=False, on_done=written.append)
    docs.print_recap(tab, svc, date(2026, 11, 1), xlsx=True, on_done=written.append)
    settle(qtbot)
    assert sorted(p.suffix for p in written) == [".pdf", ".pdf", ".pdf", ".xlsx"]
    assert all(p.exists() and p.stat().st_size > 500 for p in written)


def test_device_handover_prints_the_signed_receipt(qtbot, ctx, svc, cases, print_folder):
    case = svc.get_case(cases["DISABILITAS"])
    request = forms.DeviceRequestDialog(svc, case)
    qtbot.addWidget(request)
    request.kind.setCurrentIndex(request.kind.findData("kursi_roda"))
    saved(request)
    panel = case_panel(qtbot, svc, case.id)
    assert panel.device_model.rowCount() == 1
    device_id = panel.device_model.row_at(0).id
    number = svc.hand_over_device(device_id, received_by="Wahyu Pratama")
    written: list[Path] = []
    docs.print_device_receipt(panel, svc, device_id, number, written.append)
    settle(qtbot)
    assert written and written[0].exists()
    assert svc.devices(case.id)[0].signed


# -- English -----------------------------------------------------------------------------------
def test_casework_labels_have_english_entries():
    import json

    from desktop_app.domain import casework as cw
    from tests.i18n_scan import EN_JSON

    data = json.loads(EN_JSON.read_text(encoding="utf-8"))
    labels: list[str] = []
    for choices in (
        cw.CLOSE_REASONS,
        cw.ACTIVITY_KINDS,
        cw.REFERRAL_TARGETS,
        cw.GOAL_STATUSES,
        cw.SIHORE_SERVICES,
        cw.SIHORE_CONDITIONS,
        cw.DEVICE_KINDS,
        cw.DEVICE_STATUSES,
        cw.SPPA_STAGES,
        cw.PLACEMENTS,
    ):
        labels += choices.values()
    for fields in cw.ASSESSMENT_FIELDS.values():
        for f in fields:
            labels += [f.label, *(f.choices or {}).values()]
    assert [text for text in labels if not data.get(text)] == []


def test_tab_in_english(qtbot, ctx, svc, cases):
    from desktop_app.i18n import set_language

    set_language("en")
    tab = _tab(qtbot, ctx)
    assert tab.lists.tabText(0) == "My cases"
    tab.open_case_id(cases["SIHORE"])
    svc.record_visit(cases["SIHORE"], services=["makanan", "obat"], condition="baik")
    tab.panel.reload()
    assert "Food, Medicine · Condition: Good" in tab.panel.activity_model.index(0, 4).data()


def test_visit_date_moves_the_next_visit_and_digits_reach_the_boxes_from_the_list(
    qtbot, ctx, svc, cases
):
    dialog = forms.VisitDialog(svc, svc.get_case(cases["SIHORE"]))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.visited_on.setDate(dialog.visited_on.date().addDays(-3))
    assert dialog.next_visit.date().toPython() == TODAY + timedelta(days=4)
    dialog.condition.setFocus()
    qtbot.keyClick(dialog.condition, Qt.Key.Key_5)
    assert dialog.chosen_services() == ["pendampingan"]


def test_goal_status_from_the_plan_section(qtbot, ctx, svc, cases):
    svc.make_plan(cases["ANAK_TERLANTAR"], ["Kembali ke keluarga", "Akta kelahiran"])
    panel = CasePanel(svc)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_case(cases["ANAK_TERLANTAR"])
    assert panel.goal_model.rowCount() == 2
    panel.goal_table.selectRow(1)
    panel.set_goal("tercapai")
    qtbot.waitUntil(lambda: panel.goal_model.row_at(1).status == "tercapai", timeout=5000)
    assert panel.goal_model.index(1, 0).data() == "Tercapai"


def test_head_of_office_has_the_tab_and_the_recap_dialog(qtbot, ctx, svc, cases):
    from desktop_app.gui.casework.tab import RecapDialog

    ctx.set_user(Actor(username="pimpinan", full_name="Pimpinan", role=Role.HEAD))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.tab("Layanan") is not None
    recap = RecapDialog(TODAY)
    qtbot.addWidget(recap)
    assert recap.chosen_month() == date(2026, 11, 1) and not recap.xlsx()
    recap.format.setCurrentIndex(recap.format.findData("xlsx"))
    assert recap.xlsx()


def test_assign_dialog_reassigns_and_changes_the_si_hore_visit_plan(qtbot, ctx, svc, cases):
    case = svc.get_case(cases["SIHORE"])
    dialog = forms.AssignDialog(svc, case)
    qtbot.addWidget(dialog)
    assert dialog.worker.text() == case.worker and dialog.carer.isVisibleTo(dialog)
    dialog.worker.setText("peksos.lain")
    dialog.carer.setText("Pendamping Baru")
    dialog.every.setValue(14)
    saved(dialog)
    after = svc.get_case(case.id)
    assert (after.worker, after.carer, after.visit_every_days) == (
        "peksos.lain",
        "Pendamping Baru",
        14,
    )
    # An ABH case has no carer: only the worker is asked.
    other = forms.AssignDialog(svc, svc.get_case(cases["ABH"]))
    qtbot.addWidget(other)
    assert not other.carer.isVisibleTo(other)
    other.worker.clear()
    other.submit()
    assert other.refusal_code == "casework.worker_required"
