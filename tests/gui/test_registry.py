"""The Registri tab driven through its real widgets (offscreen)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_app.gui.registry import dialogs
from desktop_app.gui.registry.models import (
    ROW_ROLE,
    HouseholdTableModel,
    PersonTableModel,
    lock_icon,
)
from desktop_app.gui.registry.tab import HOUSEHOLDS, PERSONS, RegistryTab
from desktop_app.services.context import AppContext
from desktop_app.services.registry import (
    HouseholdInput,
    PersonFilter,
    PersonInput,
    RegistryService,
)
from tests.helpers import make_kk, make_nik, person_input

KEPANJENKIDUL = "35.72.01.1001"
SANANWETAN_KEL = "35.72.03.1001"


def person(name: str, sex: str, birth: date, serial: int, kel: str = KEPANJENKIDUL) -> PersonInput:
    return person_input(name, sex, birth, serial, kel)


@pytest.fixture
def registry(ctx: AppContext) -> dict[str, str]:
    reg = RegistryService(ctx)
    ids = {
        "siti": reg.create_person(person("Siti Rahayu", "P", date(1958, 4, 12), 1)),
        "budi": reg.create_person(person("Budi Santoso", "L", date(1955, 1, 3), 2)),
        "agus": reg.create_person(
            person("Agus Prasetyo", "L", date(1990, 7, 9), 3, SANANWETAN_KEL)
        ),
    }
    ids["kpm"] = reg.create_household(
        HouseholdInput(make_kk(1), "Jl. Kenanga 5", "2", "4", KEPANJENKIDUL),
        head_person_id=ids["budi"],
    )
    reg.add_member(ids["kpm"], ids["siti"], "istri")
    reg.enrol("RASTRADA", household_id=ids["kpm"], start_date=date(2025, 1, 6))
    return ids


@pytest.fixture
def tab(qtbot, ctx, registry) -> RegistryTab:
    widget = RegistryTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.person_model.rowCount() == 3, timeout=5000)
    return widget


def names(model: PersonTableModel) -> list[str]:
    return [model.row_at(i).name for i in range(model.rowCount())]


def run_dialog(
    monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], drive: Callable[[QDialog], None]
) -> None:
    """Replace the modal exec() of `cls` by driving the shown dialog with real input."""

    def exec_(dialog: QDialog) -> int:
        dialog.show()
        drive(dialog)
        if dialog.isVisible():
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)


def select_person(qtbot, tab: RegistryTab, name: str) -> None:
    tab.search.setText(name)
    qtbot.waitUntil(lambda: names(tab.person_model) == [name], timeout=5000)
    tab.views[PERSONS].table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.person.person_id is not None, timeout=5000)


# -- lists, search and filters -----------------------------------------------------------------


def test_persons_are_listed_by_name(tab):
    assert names(tab.person_model) == ["Agus Prasetyo", "Budi Santoso", "Siti Rahayu"]
    assert tab.result_label.text() == "3 orang"


def test_typing_in_the_search_box_filters_the_table(qtbot, tab):
    qtbot.keyClicks(tab.search, "rahay")
    qtbot.waitUntil(lambda: names(tab.person_model) == ["Siti Rahayu"], timeout=5000)
    assert tab.result_label.text() == "1 orang ditemukan"
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.person_model.rowCount() == 3, timeout=5000)


def test_search_matches_nik_and_kk(qtbot, tab):
    nik = make_nik(date(1990, 7, 9), "L", 3)
    qtbot.keyClicks(tab.search, nik)
    qtbot.waitUntil(lambda: names(tab.person_model) == ["Agus Prasetyo"], timeout=5000)
    tab.search.setText(make_kk(1))
    qtbot.waitUntil(
        lambda: (
            names(tab.person_model) == ["Budi Santoso", "Siti Rahayu"]
            or names(tab.person_model) == ["Siti Rahayu", "Budi Santoso"]
        ),
        timeout=5000,
    )


def test_filters_by_kecamatan_kelurahan_program_and_status(qtbot, tab, ctx, registry):
    tab.kecamatan.setCurrentIndex(tab.kecamatan.findData("35.72.03"))
    qtbot.waitUntil(lambda: names(tab.person_model) == ["Agus Prasetyo"], timeout=5000)
    # The kelurahan list follows the kecamatan.
    codes = [tab.kelurahan.itemData(i) for i in range(1, tab.kelurahan.count())]
    assert codes and all(code.startswith("35.72.03.") for code in codes)
    tab.kelurahan.setCurrentIndex(tab.kelurahan.findData(SANANWETAN_KEL))
    qtbot.waitUntil(lambda: names(tab.person_model) == ["Agus Prasetyo"], timeout=5000)
    tab.reset_filters()
    tab.program.setCurrentIndex(tab.program.findData("RASTRADA"))
    qtbot.waitUntil(
        lambda: sorted(names(tab.person_model)) == ["Budi Santoso", "Siti Rahayu"], timeout=5000
    )
    RegistryService(ctx).set_status(registry["agus"], "pindah", date(2026, 1, 2))
    tab.reset_filters()
    tab.status.setCurrentIndex(tab.status.findData("pindah"))
    qtbot.waitUntil(lambda: names(tab.person_model) == ["Agus Prasetyo"], timeout=5000)


def test_households_view(qtbot, tab):
    tab.view_bar.setCurrentIndex(HOUSEHOLDS)
    qtbot.waitUntil(lambda: tab.household_model.rowCount() == 1, timeout=5000)
    row = tab.household_model.row_at(0)
    assert row.head_name == "Budi Santoso"
    assert row.members == 2
    tab.views[HOUSEHOLDS].table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.household.household_id == row.id, timeout=5000)
    members = tab.detail.household.members.table
    assert {members.item(r, 0).text() for r in range(members.rowCount())} == {
        "Budi Santoso",
        "Siti Rahayu",
    }


# -- adding and editing ----------------------------------------------------------------------


def test_bad_nik_is_explained_inline_and_blocks_saving(qtbot, ctx):
    dialog = dialogs.PersonDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Dewi Lestari")
    dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
    qtbot.keyClicks(dialog.nik, "357201520790")
    qtbot.waitUntil(lambda: "NIK harus 16 digit (sekarang 12 digit)" in dialog.issues.text())
    assert not dialog.save_button.isEnabled()
    assert "#b3261e" in dialog.issues.text()  # red
    dialog.save_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_add_person_with_a_bad_nik_then_fix_it(qtbot, monkeypatch, tab, ctx):
    nik = make_nik(date(1979, 7, 12), "P", 7)
    seen: dict[str, object] = {}

    def drive(dialog: dialogs.PersonDialog) -> None:
        qtbot.keyClicks(dialog.name, "Dewi Lestari")
        dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
        qtbot.keyClicks(dialog.nik, nik[:-1] + "x")
        qtbot.waitUntil(lambda: "hanya boleh berisi angka" in dialog.issues.text())
        seen["blocked"] = not dialog.save_button.isEnabled()
        dialog.nik.setText(nik)
        dialog.birth_date.set_value(date(1979, 7, 12))
        dialog.region.set_value(KEPANJENKIDUL)
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.PersonDialog, drive)
    tab.add_person_button.click()
    assert seen["blocked"]
    qtbot.waitUntil(lambda: tab.person_model.rowCount() == 4, timeout=5000)
    qtbot.waitUntil(lambda: tab.detail.person.person_id is not None, timeout=5000)
    current = tab.views[PERSONS].table.currentIndex().data(ROW_ROLE)
    assert current.name == "Dewi Lestari" and current.nik == nik
    assert "Dewi Lestari" in tab.detail.person.header.text()


def test_warnings_do_not_block_saving(qtbot, ctx, registry):
    dialog = dialogs.PersonDialog(ctx, registry["siti"])
    qtbot.addWidget(dialog)
    dialog.birth_date.set_value(date(1960, 1, 1))  # disagrees with the NIK's birth date
    qtbot.waitUntil(lambda: "berbeda dengan tanggal pada NIK" in dialog.issues.text())
    assert "#8a5300" in dialog.issues.text()  # amber
    assert dialog.save_button.isEnabled()


def test_existing_nik_and_possible_duplicate_are_warned(qtbot, ctx, registry):
    dialog = dialogs.PersonDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.nik, make_nik(date(1958, 4, 12), "P", 1))
    qtbot.waitUntil(lambda: "sudah terdaftar atas nama Siti Rahayu" in dialog.issues.text())
    dialog.nik.clear()
    qtbot.keyClicks(dialog.name, "Siti Rahaju")
    dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
    dialog.birth_date.set_value(date(1958, 4, 12))
    qtbot.waitUntil(lambda: "Mungkin duplikat: Siti Rahayu" in dialog.issues.text())
    assert dialog.save_button.isEnabled()


def test_edit_repaints_only_the_edited_row(qtbot, monkeypatch, tab, registry):
    select_person(qtbot, tab, "Budi Santoso")
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.person_model.rowCount() == 3, timeout=5000)
    position = names(tab.person_model).index("Budi Santoso")
    tab.views[PERSONS].table.selectRow(position)
    qtbot.waitUntil(lambda: tab.detail.person.person_id == registry["budi"], timeout=5000)

    def drive(dialog: dialogs.PersonDialog) -> None:
        dialog.name.setText("Budi Santosa")
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.PersonDialog, drive)
    changes: list[tuple[int, int]] = []
    resets: list[bool] = []
    tab.person_model.dataChanged.connect(lambda a, b: changes.append((a.row(), b.row())))
    tab.person_model.modelReset.connect(lambda: resets.append(True))
    tab.detail.person.edit_button.click()
    assert changes == [(position, position)]
    assert not resets
    assert tab.person_model.row_at(position).name == "Budi Santosa"


# -- programs and statuses -------------------------------------------------------------------


def test_enrol_in_a_program_shows_in_the_detail_panel(qtbot, monkeypatch, tab, registry):
    select_person(qtbot, tab, "Siti Rahayu")

    def drive(dialog: dialogs.EnrolDialog) -> None:
        dialog.program.setCurrentIndex(dialog.program.findData("DISABILITAS"))
        qtbot.waitUntil(lambda: "Pilih paling sedikit satu ragam" in dialog.issues.text())
        assert not dialog.save_button.isEnabled()
        assert dialog.restricted.isVisible()  # UU PDP mark
        dialog.ragam["fisik"].setChecked(True)
        dialog.degree.setCurrentIndex(dialog.degree.findData("tunggal"))
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.EnrolDialog, drive)
    tab.detail.person.enrol_button.click()
    table = tab.detail.person.enrolments.table
    programs = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Penyandang Disabilitas" in programs
    row = programs.index("Penyandang Disabilitas")
    assert "Disabilitas fisik" in table.item(row, 3).text()
    assert not tab.detail.person.enrolments.notice.isHidden()
    assert not table.item(row, 0).icon().isNull()  # the restricted-data padlock
    # The list row shows the program, marked as restricted data.
    model = tab.person_model
    index = model.index(0, PersonTableModel.COL_PROGRAMS)
    assert "Disabilitas" in index.data()
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None


def test_leave_a_program(qtbot, monkeypatch, tab, ctx, registry):
    RegistryService(ctx).enrol("RAPELAN", person_id=registry["budi"], start_date=date(2025, 2, 1))
    select_person(qtbot, tab, "Budi Santoso")
    widget = tab.detail.person.enrolments
    row = [e.program_code for e in widget.enrolments].index("RAPELAN")
    widget.table.selectRow(row)
    assert widget.leave_button.isEnabled()

    def drive(dialog: dialogs.LeaveProgramDialog) -> None:
        assert not dialog.save_button.isEnabled()  # a reason is required
        dialog.reason.setEditText("Mengundurkan diri")
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.LeaveProgramDialog, drive)
    widget.leave_button.click()
    ended = [e for e in widget.enrolments if e.program_code == "RAPELAN"]
    assert ended[0].end_reason == "Mengundurkan diri"
    assert not ended[0].active


def test_status_change_to_meninggal(qtbot, monkeypatch, tab, registry):
    select_person(qtbot, tab, "Agus Prasetyo")

    def drive(dialog: dialogs.StatusDialog) -> None:
        dialog.status.setCurrentIndex(dialog.status.findData("meninggal"))
        dialog.effective.check.setChecked(False)
        qtbot.waitUntil(lambda: "Tanggal meninggal wajib diisi" in dialog.issues.text())
        assert not dialog.save_button.isEnabled()
        dialog.effective.set_value(date(2026, 10, 1))
        dialog.note.setPlainText("Akta kematian 123")
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.StatusDialog, drive)
    tab.detail.person.status_button.click()
    assert tab.person_model.row_at(0).status == "meninggal"
    assert tab.person_model.index(0, PersonTableModel.COL_STATUS).data() == "Meninggal"
    assert "Meninggal dunia" in tab.detail.person.header.text()
    history = tab.detail.person.status_history
    assert history.item(0, 0).text() == "Meninggal dunia"
    assert history.item(0, 1).text() == "01-10-2026"
    assert history.item(0, 2).text() == "Akta kematian 123"
    assert not tab.detail.person.enrol_button.isEnabled()


# -- households ------------------------------------------------------------------------------


def test_create_household_add_member_and_change_kk(qtbot, monkeypatch, tab, ctx, registry):
    select_person(qtbot, tab, "Agus Prasetyo")
    members = tab.detail.person.members
    assert members.new_kpm_button.isVisible()

    def drive_household(dialog: dialogs.HouseholdDialog) -> None:
        qtbot.keyClicks(dialog.kk, "123")
        qtbot.waitUntil(lambda: "No. KK harus 16 digit" in dialog.issues.text())
        dialog.kk.setText(make_kk(2, region="357203"))
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.HouseholdDialog, drive_household)
    members.new_kpm_button.click()
    qtbot.waitUntil(lambda: tab.detail.person.detail.household is not None, timeout=5000)
    household_id = tab.detail.person.detail.record.household_id
    assert household_id

    new_member = RegistryService(ctx).create_person(
        person("Rina Prasetyo", "P", date(2015, 3, 4), 9, SANANWETAN_KEL)
    )

    def drive_member(dialog: dialogs.AddMemberDialog) -> None:
        dialog.picker.query.setText("Rina Pras")
        dialog.picker.search_now()
        assert dialog.picker.selected().id == new_member
        dialog.relation.setCurrentIndex(dialog.relation.findData("anak"))
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.AddMemberDialog, drive_member)
    members.add_button.click()
    texts = [members.table.item(r, 0).text() for r in range(members.table.rowCount())]
    assert texts == ["Agus Prasetyo", "Rina Prasetyo"]
    assert members.table.item(1, 1).text() == "Anak"
    assert members.table.item(0, 1).text() == "Kepala"
    assert members.table.item(1, 2).text() == "11"  # age on the fixed test date

    new_kk = make_kk(3, region="357203")

    def drive_kk(dialog: dialogs.ChangeKkDialog) -> None:
        dialog.kk.setText(new_kk)
        dialog.reason.setText("Pisah KK")
        qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
        dialog.save_button.click()

    run_dialog(monkeypatch, dialogs.ChangeKkDialog, drive_kk)
    members.change_kk_button.click()
    assert tab.detail.person.detail.household.kk_number == new_kk
    detail = RegistryService(ctx).household_detail(household_id)
    assert [k[0] for k in detail.kk_history][-1] == new_kk


def test_set_head_asks_first(qtbot, tab, ctx, registry, message_boxes):
    tab.view_bar.setCurrentIndex(HOUSEHOLDS)
    qtbot.waitUntil(lambda: tab.household_model.rowCount() == 1, timeout=5000)
    tab.views[HOUSEHOLDS].table.selectRow(0)
    members = tab.detail.household.members
    qtbot.waitUntil(lambda: members.table.rowCount() == 2, timeout=5000)
    siti = [r for r in range(2) if members.table.item(r, 0).text() == "Siti Rahayu"][0]
    members.table.selectRow(siti)
    members.head_button.click()
    assert message_boxes.shown[0][0] == "question"
    assert RegistryService(ctx).household_detail(registry["kpm"]).head_person_id == registry["siti"]
    assert tab.household_model.row_at(0).head_name == "Siti Rahayu"


# -- models ----------------------------------------------------------------------------------


def test_person_model_passes_the_model_tester(qtmodeltester, ctx, registry):
    service = RegistryService(ctx)
    model = PersonTableModel(service.person_rows)
    model.set_ids(service.person_ids(PersonFilter()))
    qtmodeltester.check(model, force_py=True)


def test_household_model_passes_the_model_tester(qtmodeltester, ctx, registry):
    service = RegistryService(ctx)
    model = HouseholdTableModel(service.household_rows)
    model.set_ids(service.household_ids(PersonFilter()))
    qtmodeltester.check(model, force_py=True)


def test_empty_models_pass_the_model_tester(qtmodeltester, ctx):
    service = RegistryService(ctx)
    qtmodeltester.check(PersonTableModel(service.person_rows), force_py=True)
    qtmodeltester.check(HouseholdTableModel(service.household_rows), force_py=True)


def test_model_fetches_a_page_at_a_time():
    calls: list[list[int]] = []

    def fetch(keys):
        calls.append(list(keys))
        return [_FakeRow(k) for k in keys]

    model = PersonTableModel(fetch)
    model.set_ids(range(1, 1001))
    assert calls == []  # nothing is read before it is painted
    for row in range(0, PersonTableModel.PAGE_SIZE):
        for col in range(model.columnCount()):
            model.index(row, col).data()
    assert len(calls) == 1 and len(calls[0]) == PersonTableModel.PAGE_SIZE
    model.index(950, 0).data()
    assert len(calls) == 2 and calls[1][0] == 951
    model.index(5, 0).data()
    assert len(calls) == 2  # cached
    model.set_ids([3, 2, 1])
    assert model.index(0, 0).data(ROW_ROLE).rowid == 3


class _FakeRow:
    def __init__(self, rowid: int) -> None:
        self.rowid = rowid
        self.id = str(rowid)
        self.nik = f"{rowid:016d}"
        self.name = f"Orang {rowid}"
        self.sex = "L"
        self.birth_date = None
        self.address = ""
        self.kelurahan = ""
        self.kecamatan = ""
        self.kk_number = None
        self.status = "aktif"
        self.programs = ""


def test_lock_icon_is_drawn():
    assert not lock_icon().isNull()


def test_failed_write_is_explained_and_keeps_the_form(qtbot, ctx, message_boxes, monkeypatch):
    class DiskFull(Exception):
        user_message = "Penyimpanan gagal: disk penuh. Tidak ada yang tersimpan."

    def fail(*_args, **_kwargs):
        raise DiskFull("disk I/O error")

    dialog = dialogs.PersonDialog(ctx)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog.service, "create_person", fail)
    dialog.name.setText("Dewi Lestari")
    dialog.sex.setCurrentIndex(dialog.sex.findData("P"))
    dialog.validate_now()
    dialog.save_button.click()
    assert message_boxes.shown == [("warning", "Tambah orang", DiskFull.user_message)]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name.text() == "Dewi Lestari"  # nothing the clerk typed is lost
    assert RegistryService(ctx).count_persons(PersonFilter()) == 0


def test_history_uses_the_clerks_words(qtbot, tab, registry):
    select_person(qtbot, tab, "Siti Rahayu")
    table = tab.detail.person.history.table
    texts = [table.item(r, 3).text() for r in range(table.rowCount())]
    created = texts[-1]  # newest first: the creation is last
    assert "Nama: ∅ → Siti Rahayu" in created
    assert "birth_date" not in created
    assert table.item(table.rowCount() - 1, 2).text() == "dibuat"


def test_a_new_search_paints_without_a_query_on_the_gui_thread(qtbot, tab):
    model = tab.person_model
    before = model.fetch_count
    with qtbot.waitSignal(tab.search_finished, timeout=5000):
        tab.search.setText("Santoso")
    tab.views[PERSONS].table.viewport().repaint()
    assert names(model) == ["Budi Santoso"]
    assert model.fetch_count == before  # the worker read the first page


def test_a_capped_search_says_there_are_more(qtbot, tab, monkeypatch):
    """The service stops at max_matches; the label must not pretend that is the total."""
    import dataclasses

    from desktop_app.gui.registry import tab as tab_module

    @dataclasses.dataclass(frozen=True)
    class CappedFilter(tab_module.PersonFilter):
        max_matches: int | None = 2

    monkeypatch.setattr(tab_module, "PersonFilter", CappedFilter)
    qtbot.keyClicks(tab.search, "kenanga")  # all three test persons live on Jl. Kenanga
    qtbot.waitUntil(lambda: "Lebih dari 2 orang" in tab.result_label.text(), timeout=5000)
    assert tab.person_model.rowCount() == 2


# -- search as you type in two steps (issue 17) ------------------------------------------------


def test_a_keystroke_shows_the_first_page_and_the_rest_follows(qtbot, tab, registry, monkeypatch):
    """The keystroke's job reads only `search_page`; the full key list and its count come
    from a second job and are appended without a reset: the first rows are never read again
    on the GUI thread, and the selected row stays selected."""
    pages: list[int] = []
    real = tab.service.search_page
    monkeypatch.setattr(
        tab.service, "search_page", lambda flt, page: pages.append(page) or real(flt, page)
    )
    model = tab.person_model
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.PAGE_SIZE = 2  # the page the keystroke read is the model's first page
    tab.views[PERSONS].table.selectRow(0)  # Agus Prasetyo (by name)
    qtbot.waitUntil(lambda: tab.detail.person.person_id is not None, timeout=5000)
    with qtbot.waitSignal(tab.search_finished, timeout=5000) as finished:
        qtbot.keyClicks(tab.search, "kenanga")  # all three persons live on Jl. Kenanga
    assert finished.args == [3]
    assert pages == [2]
    assert resets == [2]  # one reset with the first page; the third row was appended
    before = model.fetch_count
    assert names(model)[:2] == [model.row_at(0).name, model.row_at(1).name]
    assert model.fetch_count == before  # the first page came with the keystroke
    assert sorted(names(model)) == ["Agus Prasetyo", "Budi Santoso", "Siti Rahayu"]
    assert tab.result_label.text() == "3 orang ditemukan"
    # Agus was selected; his row came with the second job and is selected again.
    assert tab.detail.person.person_id == registry["agus"]
    assert tab._selected_id(PERSONS) == registry["agus"]


def test_a_search_within_one_page_is_one_job(qtbot, tab, monkeypatch):
    calls: list[str] = []
    real = tab.service.person_ids
    monkeypatch.setattr(tab.service, "person_ids", lambda flt: calls.append(flt.query) or real(flt))
    with qtbot.waitSignal(tab.search_finished, timeout=5000):
        tab.search.setText("Rahayu")
    assert names(tab.person_model) == ["Siti Rahayu"]
    assert calls == []  # no second job: the page said there was nothing more
    assert tab.result_label.text() == "1 orang ditemukan"


def test_extending_a_model_keeps_its_rows_and_refuses_another_result(qtmodeltester, ctx, registry):
    service = RegistryService(ctx)
    ids = service.person_ids(PersonFilter())
    model = PersonTableModel(service.person_rows)
    model.PAGE_SIZE = 2
    model.set_ids(ids[:2], service.person_rows(ids[:2]))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    assert model.extend_ids(ids)
    assert inserted == [(2, 2)]
    assert model.fetch_count == 0
    assert [model.row_at(i).rowid for i in range(3)] == ids
    assert model.fetch_count == 1  # only the appended page was read
    assert not model.extend_ids(list(reversed(ids)))  # another result: the caller resets
    assert model.ids() == ids
    qtmodeltester.check(model, force_py=True)
    # A first page cut short by the old end is read again once rows follow it.
    model.set_ids(ids[:1], service.person_rows(ids[:1]))
    assert model.extend_ids(ids)
    assert [model.row_at(i).rowid for i in range(3)] == ids


def test_a_row_clicked_before_the_rest_arrives_stays_selected(qtbot, tab, registry, monkeypatch):
    """The second job lands after the clerk clicked a row of the first page: that row stays
    selected (not the one selected before the search)."""
    from desktop_app.gui.registry import tab as tab_module

    select_person(qtbot, tab, "Siti Rahayu")
    tab.search.blockSignals(True)
    tab.search.setText("kenanga")  # all three persons
    tab.search.blockSignals(False)
    flt = tab.current_filter()
    jobs: list[tuple] = []
    def held(fn, parent, on_success, on_error):  # noqa: ARG001 - run_job's signature
        jobs.append((fn, on_success))

    monkeypatch.setattr(tab_module, "run_job", held)
    tab.person_model.PAGE_SIZE = 2
    tab._generation += 1
    page = tab.service.search_page(flt, 2)
    tab._page_loaded(tab._generation, flt, page, False)  # Siti and Budi, more to come
    assert len(jobs) == 1
    budi = next(i for i in range(2) if tab.person_model.row_at(i).name == "Budi Santoso")
    tab.views[PERSONS].table.selectRow(budi)
    qtbot.waitUntil(lambda: tab.detail.person.person_id == registry["budi"], timeout=5000)
    fn, on_success = jobs[0]
    on_success(fn(None))  # the rest of the keys arrive
    assert tab.person_model.rowCount() == 3
    assert tab._selected_id(PERSONS) == registry["budi"]
    assert tab.detail.person.person_id == registry["budi"]
