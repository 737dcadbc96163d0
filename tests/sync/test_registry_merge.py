"""Registry merge between the office and field laptops through real bundle files."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from desktop_app.services.registry import PersonInput
from desktop_app.services.sync import SyncService
from tests.conftest import FIXED_NOW  # noqa: F401
from tests.sync.helpers import Site, accept_held, join, open_site, register, tmp_identity  # noqa: F401


def _phone(site: Site, person_id: str, phone: str) -> None:
    inp = site.registry.get_person(person_id).input
    inp.phone = phone
    site.registry.update_person(person_id, inp)


def _rows(site: Site, table: str) -> list[tuple]:
    with site.ctx.db.engine.connect() as conn:
        cols = [
            r[1]
            for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")
            if r[1] not in ("created_at", "updated_at")
        ]
        return list(conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {table} ORDER BY id"))


def _state(site: Site) -> dict[str, list[tuple]]:
    return {
        t: _rows(site, t)
        for t in ("household", "person", "enrolment", "kk_history", "status_history")
    }


def test_join_copies_the_slice_and_adopts_the_office_settings(field) -> None:
    assert field.lap.sync.role() == "field"
    assert field.lap.ctx.device.name == "LAP01"
    assert field.lap.ctx.office.device_name == "LAP01"
    assert _state(field.lap) == _state(field.office)
    detail = field.lap.registry.household_detail(field.households[0])
    assert detail.row.head_name == "Kepala Contoh 1" and detail.row.programs == "Rastrada"
    # Search works on merged rows (the FTS triggers ran).
    assert field.lap.registry.find_person_by_nik(detail.row.head_nik).name == "Kepala Contoh 1"


def test_join_refuses_a_database_that_already_holds_a_registry(tmp_path, sync_clock, field) -> None:
    other = open_site(tmp_path, "busy", sync_clock)
    register(field.office, other, "LAP02")
    from tests.sync.helpers import add_household

    add_household(other, 7)
    field.office.sync.checkout(
        other.ctx.device.id, tmp_path / "c2.bdl", household_ids=field.households
    )
    from desktop_app.services.sync import BundleRefused

    with pytest.raises(BundleRefused) as refused:
        join(other, tmp_path / "c2.bdl", field.office)
    assert refused.value.code == "sync.join_database_in_use" and refused.value.message


def test_laptop_changes_reach_the_office_once_and_are_marked_delivered_only_after_ack(
    field,
) -> None:
    head, wife = field.people[0]
    _phone(field.lap, head, "081200")
    field.lap.registry.set_status(wife, "meninggal", date(2026, 11, 18))
    new_id = field.lap.registry.create_person(
        PersonInput(name="Bayi Contoh", sex="P", birth_date=date(2026, 11, 1)),
    )
    field.lap.registry.add_member(field.households[0], new_id, "anak")
    assert field.lap.sync.pending_count() > 0
    bundle = field.lap.sync.export(field.tmp / "r1.bdl")
    result = field.office.sync.import_bundle(bundle.path)
    # The phone applies; the death and the new membership are proposals for the office.
    assert result.exit_code == 1 and result.applied + result.quarantined == bundle.entries
    assert field.office.registry.get_person(head).input.phone == "081200"
    assert field.office.registry.get_person(wife).status == "aktif"
    assert accept_held(field.office) == result.quarantined
    assert field.office.registry.get_person(wife).status == "meninggal"
    assert field.office.registry.get_person(new_id).household_id == field.households[0]
    # Not delivered until the laptop has the office's acknowledgement.
    assert field.lap.sync.pending_count() > 0
    again = field.lap.sync.export(field.tmp / "r2.bdl")
    assert again.entries == bundle.entries
    field.lap.sync.import_bundle(result.ack.path)
    assert field.lap.sync.pending_count() == 0
    assert field.lap.sync.export(field.tmp / "r3.bdl").entries == 0
    # The superseded bundle imports as a no-op.
    before = _state(field.office)
    late = field.office.sync.import_bundle(again.path)
    assert late.applied == 0 and _state(field.office) == before
    assert _state(field.lap) == _state(field.office)


def test_same_bundle_twice_changes_nothing(field) -> None:
    _phone(field.lap, field.people[1][0], "0899")
    path = field.lap.sync.export(field.tmp / "r.bdl").path
    first = field.office.sync.import_bundle(path)
    state = _state(field.office)
    second = field.office.sync.import_bundle(path)
    assert not first.already_imported and second.already_imported
    assert second.exit_code == 0
    assert _state(field.office) == state


def test_concurrent_edits_last_writer_wins_and_is_listed_for_review(field, sync_clock) -> None:
    head = field.people[0][0]
    sync_clock.advance(minutes=5)
    _phone(field.office, head, "0811-kantor")
    _phone(field.lap, head, "0811-laptop")  # the laptop's clock is 90 s behind: it loses
    result = field.office.sync.import_bundle(field.lap.sync.export(field.tmp / "r.bdl").path)
    assert result.exit_code == 1 and result.new_conflicts == 1
    assert field.office.registry.get_person(head).input.phone == "0811-kantor"
    [conflict] = field.office.sync.conflicts()
    assert conflict.kind == "review" and conflict.field_label == "Telepon"
    assert {c.text for c in conflict.candidates} == {"0811-kantor", "0811-laptop"}
    assert {c.device_name for c in conflict.candidates} == {"KANTOR", "LAP01"}
    field.lap.sync.import_bundle(result.ack.path)
    assert field.lap.registry.get_person(head).input.phone == "0811-kantor"
    assert [c.id for c in field.lap.sync.conflicts()] == [conflict.id]


def test_critical_conflict_waits_for_a_supervisor_and_the_decision_travels(field) -> None:
    head = field.people[1][0]
    office_inp = field.office.registry.get_person(head).input
    office_inp.nik = office_inp.nik[:-4] + "0007"
    field.office.registry.update_person(head, office_inp)
    lap_inp = field.lap.registry.get_person(head).input
    lap_inp.nik = lap_inp.nik[:-4] + "0009"
    field.lap.registry.update_person(head, lap_inp)
    result = field.office.sync.import_bundle(field.lap.sync.export(field.tmp / "r.bdl").path)
    # A NIK from a laptop is a proposal; accepted, it meets the office's own correction.
    assert result.quarantined == 1 and field.office.sync.conflicts() == []
    accept_held(field.office)
    [conflict] = field.office.sync.conflicts()
    assert result.exit_code == 1 and conflict.kind == "critical" and conflict.field == "nik"
    choice = [c.text for c in conflict.candidates].index(lap_inp.nik)
    field.office.sync.resolve_conflict(conflict.id, choice, note="sesuai KTP")
    assert field.office.registry.get_person(head).input.nik == lap_inp.nik
    assert field.office.sync.conflicts() == []
    assert not field.office.sync.conflicts(open_only=False)[0].open
    history = field.office.registry.history(head)
    assert history[0].op == "resolve" and "sesuai KTP" in history[0].summary
    ack = field.office.sync.export(field.tmp / "a.bdl", to_device="LAP01")
    field.lap.sync.import_bundle(ack.path)
    assert field.lap.registry.get_person(head).input.nik == lap_inp.nik
    assert field.lap.sync.conflicts() == []
    assert _state(field.lap) == _state(field.office)


def test_recorded_death_wins_over_a_concurrent_move_on_every_device(field) -> None:
    wife = field.people[0][1]
    field.lap.registry.set_status(wife, "meninggal", date(2026, 11, 15))
    field.office.registry.set_status(wife, "pindah", date(2026, 11, 19))
    r = field.office.sync.import_bundle(field.lap.sync.export(field.tmp / "r.bdl").path)
    assert field.office.registry.get_person(wife).status == "pindah"  # proposed, not applied
    accept_held(field.office)
    assert field.office.registry.get_person(wife).status == "meninggal"
    assert field.office.registry.get_person(wife).status_date == date(2026, 11, 15)
    [conflict] = field.office.sync.conflicts()
    assert conflict.kind == "critical" and conflict.field_label == "Status"
    field.lap.sync.import_bundle(r.ack.path)
    assert field.lap.registry.get_person(wife).status == "meninggal"
    # An explicit reversal (someone who saw the death) is honoured everywhere.
    field.office.registry.set_status(wife, "aktif", None, note="salah catat")
    field.lap.sync.import_bundle(field.office.sync.export(field.tmp / "a2.bdl", "LAP01").path)
    assert field.lap.registry.get_person(wife).status == "aktif"


def test_tombstone_travels_from_the_office_and_a_laptops_is_held(field) -> None:
    member = field.people[1][1]
    field.office.registry.remove_member(member)
    field.office.registry.delete_person(member, "data ganda")
    field.lap.sync.import_bundle(field.office.sync.export(field.tmp / "u.bdl", "LAP01").path)
    assert field.lap.registry.get_person(member).input.notes.endswith("data ganda")
    assert field.lap.registry.household_detail(field.households[1]).row.members == 1
    other = field.people[0][1]
    field.lap.registry.delete_person(other, "data ganda")
    result = field.office.sync.import_bundle(field.lap.sync.export(field.tmp / "r.bdl").path)
    [held] = field.office.sync.quarantine()
    assert result.exit_code == 1 and held.reason_code == "sync.rule.tombstone"
    assert field.office.registry.get_person(other).input.notes is None


def test_crash_inside_the_import_leaves_the_office_untouched(field) -> None:
    _phone(field.lap, field.people[0][0], "0877")
    path = field.lap.sync.export(field.tmp / "r.bdl").path
    before = _state(field.office)

    def boom(stage: str) -> None:
        if stage == "stored":
            raise RuntimeError("listrik padam")

    with pytest.raises(RuntimeError):
        field.office.sync.import_bundle(path, on_stage=boom)
    assert _state(field.office) == before
    assert [b.direction for b in field.office.sync.history()] == ["out"]  # the checkout only
    ok = field.office.sync.import_bundle(path)
    assert (
        ok.applied > 0
        and field.office.registry.get_person(field.people[0][0]).input.phone == "0877"
    )


def test_changes_stamped_far_in_the_future_are_quarantined(field, sync_clock) -> None:
    wild = open_site(field.tmp, "wild", sync_clock, skew_ms=3 * 24 * 3600 * 1000)
    # Give the wild laptop the same slice through a normal checkout and join.
    register(field.office, wild, "LAP09")
    field.office.sync.checkout(
        wild.ctx.device.id, field.tmp / "cw.bdl", household_ids=field.households
    )
    join(wild, field.tmp / "cw.bdl", field.office)
    _phone(wild, field.people[0][0], "0000-future")
    result = field.office.sync.import_bundle(wild.sync.export(field.tmp / "w.bdl").path)
    assert result.quarantined == 1 and result.exit_code == 1
    assert field.office.registry.get_person(field.people[0][0]).input.phone is None
    [held] = field.office.sync.quarantine()
    assert held.status == "held" and held.device_name == "LAP09"
    # Importing again neither applies nor duplicates it.
    field.office.sync.import_bundle(field.tmp / "w.bdl")
    assert len(field.office.sync.quarantine()) == 1
    field.office.sync.decide_quarantine(held.change_id, release=True)
    assert field.office.registry.get_person(field.people[0][0]).input.phone == "0000-future"
    assert field.office.sync.quarantine()[0].status == "released"
    # The office clock did not jump three days ahead.
    assert field.office.ctx.hlc.last.wall_ms < sync_clock.now_ms() + 3600_000


def test_two_laptops_in_either_order_give_the_same_office(tmp_path, sync_clock, field) -> None:
    lap2 = open_site(tmp_path, "lap2", sync_clock, skew_ms=45_000)
    register(field.office, lap2, "LAP02")
    field.office.sync.checkout(
        lap2.ctx.device.id, tmp_path / "c2.bdl", household_ids=field.households
    )
    join(lap2, tmp_path / "c2.bdl", field.office)
    head, wife = field.people[0]
    _phone(field.lap, head, "0811")
    _phone(lap2, head, "0822")
    field.lap.registry.set_status(wife, "meninggal", date(2026, 11, 10))
    lap2.registry.set_status(wife, "pindah", date(2026, 11, 12))
    b1 = field.lap.sync.export(tmp_path / "b1.bdl").path
    b2 = lap2.sync.export(tmp_path / "b2.bdl").path
    field.office.ctx.close()
    shutil.copy(field.office.path, tmp_path / "copy.sqlite")
    field.office = open_site(tmp_path, "office", sync_clock)
    other = open_site(tmp_path, "copy", sync_clock)
    for path in (b1, b2):
        field.office.sync.import_bundle(path)
    for path in (b2, b1, b2):
        other.sync.import_bundle(path)
    # Both status changes are proposals: accepted in either order, the death wins.
    accept_held(field.office)
    held = [q.change_id for q in other.sync.quarantine()]
    for change in reversed(held):
        if any(q.change_id == change and q.status == "held" for q in other.sync.quarantine()):
            other.sync.decide_quarantine(change, release=True)
    assert _state(field.office) == _state(other)
    assert field.office.registry.get_person(wife).status == "meninggal"
    assert {c.id for c in field.office.sync.conflicts()} == {c.id for c in other.sync.conflicts()}
    assert SyncService(other.ctx).rebuild_conflicts() == len(other.sync.conflicts())


def test_a_join_that_fails_half_way_leaves_the_laptop_as_it_was(tmp_path, sync_clock) -> None:
    from tests.sync.helpers import add_household

    office = open_site(tmp_path, "office", sync_clock)
    lap = open_site(tmp_path, "lapx", sync_clock)
    register(office, lap, "LAP07")
    household, _ = add_household(office, 3)
    office.sync.checkout("LAP07", tmp_path / "c.bdl", household_ids=[household])
    name = lap.ctx.device.name

    def boom(stage: str) -> None:
        raise RuntimeError(stage)

    with pytest.raises(RuntimeError):
        join(lap, tmp_path / "c.bdl", office, on_stage=boom)
    assert lap.sync.role() == "office" and lap.ctx.device.name == name
    assert lap.ctx.office.device_name == name
    assert join(lap, tmp_path / "c.bdl", office).applied > 0
    assert lap.sync.role() == "field" and lap.ctx.device.name == "LAP07"
    office.ctx.close()
    lap.ctx.close()
