"""The Registri tab for roles with and without RESTRICTED_VIEW, on the tiny demo (issue 12): a
field officer never sees a restricted child's name anywhere in the tab, a social worker does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.domain.access import Actor, Role
from desktop_app.gui.registry.models import HouseholdTableModel, PersonTableModel
from desktop_app.gui.registry.tab import HOUSEHOLDS, PERSONS, RegistryTab
from desktop_app.services.access import restricted_person_ids
from desktop_app.services.context import AppContext
from desktop_app.services.registry import RegistryService
from tests.conftest import FIXED_NOW
from tests.gui.helpers import settle
from tests.helpers import demo_copy, tiny_demo_file

TODAY: date = FIXED_NOW.date()
FIELD = Actor("budi", "Budi Lapangan", Role.FIELD)
WORKER = Actor("sri", "Sri Pekerja Sosial", Role.SOCIAL_WORKER)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_demo_file(tmp_path_factory, "restricted_gui", TODAY)


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[tuple[AppContext, dict[str, str]]]:
    """A private copy of the demo and its restricted persons' names by id (read before any
    account exists, as the system)."""
    with demo_copy(demo_file, tmp_path, TODAY) as (ctx, raw):
        ids = restricted_person_ids(ctx)
        names = {r.id: r.name for r in RegistryService(ctx).person_rows_by_id(sorted(ids))}
        # Demo names repeat ("Mujur"): only the names nobody else in the registry has prove
        # anything when looked for in the lists.
        unique = {
            pid: name
            for pid, name in names.items()
            if raw.execute("SELECT count(*) FROM person WHERE name = ?", (name,)).fetchone()[0]
            == 1
        }
        assert len(unique) >= 3, "the tiny demo has children in ABH / Anak Terlantar"
        yield ctx, unique


def open_tab(qtbot, ctx: AppContext, actor: Actor) -> RegistryTab:
    ctx.accounts_exist = True
    ctx.set_user(actor)
    tab = RegistryTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1366, 700)
    tab.show()
    qtbot.waitUntil(lambda: tab.person_model.rowCount() > 0, timeout=10000)
    settle(qtbot)
    return tab


def shown_person_names(model: PersonTableModel) -> set[str]:
    return {model.row_at(i).name for i in range(model.rowCount())}


def shown_head_names(model: HouseholdTableModel) -> set[str]:
    return {model.row_at(i).head_name or "" for i in range(model.rowCount())}


def test_a_field_officer_never_sees_a_restricted_name(qtbot, demo) -> None:
    ctx, restricted = demo
    tab = open_tab(qtbot, ctx, FIELD)
    assert not shown_person_names(tab.person_model) & set(restricted.values())
    shown_ids = {tab.person_model.row_at(i).id for i in range(tab.person_model.rowCount())}
    assert not shown_ids & restricted_person_ids(ctx)
    hidden = len(restricted_person_ids(ctx))
    assert f"{hidden} data terbatas tidak ditampilkan" in tab.result_label.text()
    # Searching for a restricted child by name finds nothing, and says something was left out.
    name = next(iter(restricted.values()))
    tab.search.setText(name)
    tab.reload()
    settle(qtbot)
    qtbot.waitUntil(lambda: "data terbatas" in tab.result_label.text(), timeout=5000)
    assert name not in shown_person_names(tab.person_model)
    # The households list never names one either (a child heading a KK is masked).
    tab.search.clear()
    tab.view_bar.setCurrentIndex(HOUSEHOLDS)
    settle(qtbot)
    qtbot.waitUntil(lambda: tab.household_model.rowCount() > 0, timeout=5000)
    assert not shown_head_names(tab.household_model) & set(restricted.values())
    # Opening the record anyway (e.g. from a link) shows the coded refusal, not the record.
    tab.view_bar.setCurrentIndex(PERSONS)
    settle(qtbot)
    child = next(iter(restricted))
    tab.detail.show_person(child)
    assert tab.detail.currentWidget() is tab.detail.refused
    assert "terbatas" in tab.detail.refused.text()
    assert name not in tab.detail.person.header.text()


def test_a_field_officer_cannot_use_the_write_buttons_and_is_told_why(qtbot, demo) -> None:
    ctx, _restricted = demo
    tab = open_tab(qtbot, ctx, FIELD)
    for button in (tab.add_person_button, tab.add_household_button):
        assert not button.isEnabled()
        assert "tidak berhak" in button.toolTip()
    tab.views[PERSONS].table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.person.person_id is not None, timeout=5000)
    assert not tab.detail.person.edit_button.isEnabled()
    assert "tidak berhak" in tab.detail.person.edit_button.toolTip()


def test_a_social_worker_sees_restricted_records(qtbot, demo) -> None:
    ctx, restricted = demo
    tab = open_tab(qtbot, ctx, WORKER)
    assert set(restricted.values()) <= shown_person_names(tab.person_model)
    assert "terbatas" not in tab.result_label.text()
    child = next(iter(restricted))
    tab.detail.show_person(child)
    assert tab.detail.currentWidget() is tab.detail.person
    assert restricted[child] in tab.detail.person.header.text()
    assert tab.add_person_button.isEnabled() and not tab.add_person_button.toolTip()


def test_beranda_tells_a_role_without_reports_why_it_stays_empty(qtbot, demo) -> None:
    from desktop_app.gui.beranda.tab import BerandaTab

    ctx, _restricted = demo
    ctx.accounts_exist = True
    ctx.set_user(FIELD)
    tab = BerandaTab(ctx)
    qtbot.addWidget(tab)
    settle(qtbot)
    assert "tidak berhak" in tab.status_label.text() and tab.dashboard is None


def test_the_head_of_office_reads_but_neither_imports_nor_exports(qtbot, demo):
    ctx, _names = demo
    tab = open_tab(qtbot, ctx, Actor("kepala", "Kepala Dinas", Role.HEAD))
    for button in (tab.import_button, tab.export_button):
        assert not button.isEnabled() and "Pimpinan" in button.toolTip()
    worker = open_tab(qtbot, ctx, WORKER)
    assert not worker.import_button.isEnabled() and worker.export_button.isEnabled()
