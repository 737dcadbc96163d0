"""Casework on field laptops (issue 15 item 6): a social worker's checkout carries that worker's
open cases; the laptop adds visits, activities, assessments and goals, which the office applies
under the authority rules; closing a case arrives as a proposal for a supervisor; anything else
is held with a coded reason; a field checkout carries no casework at all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import VerifyKey

from desktop_app.domain.access import Actor, Role
from desktop_app.domain.casework import ActivityKind
from desktop_app.domain.clock import FixedClock
from desktop_app.domain.ids import new_id
from desktop_app.services.casework import CaseworkService
from desktop_app.services.context import ServiceError
from desktop_app.services.sync.bundle import open_bundle, read_bundle_file
from desktop_app.services.sync.devices import DeviceService, unb64
from desktop_app.services.sync.merge import Entry, canonical_json
from tests.conftest import FIXED_NOW
from tests.helpers import person_input
from tests.sync.helpers import Site, add_household, chain_into, join, open_site, register

CHILD_NAME = "Anak Kasus Rahasia"
CLIENT_NAME = "Mbah Sarinah Contoh"
OPENED = date(2026, 1, 5)


@dataclass
class Office:
    office: Site
    lap: Site
    clock: FixedClock
    sihore: str  # budi's Si Hore case
    child: str  # budi's ABH case
    other: str  # sari's case, never on budi's laptop
    household: str  # a plain KPM (no casework)
    head: str  # its head
    tmp: Path

    def casework(self, site: Site) -> CaseworkService:
        return CaseworkService(site.ctx)


@pytest.fixture
def world(tmp_path: Path) -> Office:
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    reg = office.registry
    client = reg.create_person(person_input(CLIENT_NAME, "P", date(1941, 3, 2), 61))
    child = reg.create_person(person_input(CHILD_NAME, "L", date(2012, 6, 7), 62))
    stranger = reg.create_person(person_input("Klien Lain Contoh", "L", date(1950, 1, 9), 63))
    cw = CaseworkService(office.ctx)
    sihore = cw.open_case(
        client, "SIHORE", worker="budi", opened_on=OPENED, carer="Bu Rini", visit_every_days=7
    )
    abh = cw.open_case(child, "ABH", worker="budi", opened_on=OPENED)
    other = cw.open_case(stranger, "SIHORE", worker="sari", opened_on=OPENED, visit_every_days=7)
    household, members = add_household(office, 5)
    lap = open_site(tmp_path, "lap1", clock, skew_ms=-90_000)
    register(office, lap, "LAP01")
    return Office(office, lap, clock, sihore, abh, other, household, members[0], tmp_path)


def _decrypted(site: Site, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The bundle as the laptop decrypts it: manifest extra, entries, and the payload as text."""
    opened = open_bundle(
        read_bundle_file(path),
        site.ctx.device.id,
        DeviceService(site.ctx).signing_key(),
        lambda _h, m: VerifyKey(unb64(m.sender_key)),
    )
    entries = opened.payload["entries"]
    return opened.manifest.extra, entries, json.dumps(opened.payload, ensure_ascii=False)


def _checkout_worker(w: Office, name: str = "co.bdl", worker: str = "budi") -> Path:
    path = w.tmp / name
    w.office.sync.checkout("LAP01", path, access_role=Role.SOCIAL_WORKER.value, worker=worker)
    return path


def _return(w: Office, name: str) -> Any:
    """The laptop's return bundle imported at the office; the ack goes back to the laptop."""
    result = w.office.sync.import_bundle(w.lap.sync.export(w.tmp / name).path)
    w.lap.sync.import_bundle(result.ack.path)
    return result


def _held(site: Site) -> list[Any]:
    return [q for q in site.sync.quarantine() if q.status == "held"]


# -- what a checkout carries ----------------------------------------------------------------------
def test_a_social_worker_checkout_carries_the_workers_open_cases(world: Office) -> None:
    cw = world.casework(world.office)
    # A year of visits at the office: the checkout carries the recent ones (and at least five).
    for days in range(300, 0, -14):
        cw.add_activity(world.sihore, "sesi", done_on=FIXED_NOW.date() - timedelta(days=days))
    older = cw.record_assessment(
        world.sihore, {"mobilitas": "mandiri", "kondisi": "baik"}, assessed_on=date(2026, 2, 1)
    )
    latest = cw.record_assessment(world.sihore, {"mobilitas": "dibantu", "kondisi": "menurun"})
    plan = cw.make_plan(world.child, ["Kembali bersekolah", "Konseling keluarga"])
    path = _checkout_worker(world)
    extra, entries, text = _decrypted(world.lap, path)
    assert extra["access_role"] == "social_worker" and extra["worker"] == "budi"
    by_entity: dict[str, set[str]] = {}
    for e in entries:
        by_entity.setdefault(e["entity"], set()).add(e["entity_id"])
    assert by_entity["case"] == {world.sihore, world.child}
    assert world.other not in text and "Klien Lain Contoh" not in text
    assert CHILD_NAME in text and CLIENT_NAME in text
    assert by_entity["case_plan"] == {plan} and len(by_entity["case_goal"]) == 2
    assert by_entity["case_assessment"] == {latest} and older not in text
    recent = [d for d in range(300, 0, -14) if d <= 90]  # the last 90 days
    assert len(by_entity["case_activity"]) == max(len(recent), 5)
    # The laptop that joins works the cases with the normal casework calls.
    join(world.lap, path, world.office)
    detail = world.casework(world.lap).get_case(world.sihore)
    assert detail.person.name == CLIENT_NAME and detail.worker == "budi"
    with world.lap.ctx.db.engine.connect() as conn:
        cases = set(conn.exec_driver_sql("SELECT id FROM case_file").scalars())
    assert cases == {world.sihore, world.child}


def test_a_field_checkout_carries_no_casework(world: Office) -> None:
    path = world.tmp / "field.bdl"
    world.office.sync.checkout("LAP01", path, household_ids=[world.household])
    extra, entries, text = _decrypted(world.lap, path)
    assert extra["access_role"] == "field" and not extra.get("worker")
    assert not {e["entity"] for e in entries} & {"case", "case_activity", "case_plan"}
    assert not any(e["entity"].startswith("case") for e in entries)
    assert CHILD_NAME not in text and CLIENT_NAME not in text
    for case_id in (world.sihore, world.child, world.other):
        assert case_id not in text
    # Later updates do not carry casework either, not even for a person the laptop holds.
    join(world.lap, path, world.office)
    cw = world.casework(world.office)
    case = cw.open_case(world.head, "DISABILITAS", worker="budi", opened_on=OPENED)
    cw.add_activity(case, "sesi")
    update = world.office.sync.export(world.tmp / "update.bdl", to_device="LAP01")
    _extra, entries, text = _decrypted(world.lap, update.path)
    assert not any(e["entity"].startswith("case") for e in entries) and case not in text


def test_a_field_checkout_cannot_name_a_worker(world: Office) -> None:
    with pytest.raises(ServiceError) as exc:
        world.office.sync.checkout(
            "LAP01", world.tmp / "x.bdl", household_ids=[world.household], worker="budi"
        )
    assert exc.value.code == "sync.checkout_worker_field_role" and exc.value.message


def test_a_laptop_holding_cases_is_not_checked_out_to_a_field_officer(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    with pytest.raises(ServiceError) as exc:
        world.office.sync.checkout("LAP01", world.tmp / "x.bdl", household_ids=[world.household])
    assert exc.value.code == "sync.checkout_holds_casework" and "LAP01" in exc.value.message
    # Another checkout for the social worker is fine.
    _checkout_worker(world, "again.bdl")


def test_a_social_worker_checkout_needs_a_worker_with_cases(world: Office) -> None:
    for worker, code in (
        (None, "sync.checkout_worker_required"),
        ("tono", "sync.checkout_no_cases"),
    ):
        with pytest.raises(ServiceError) as exc:
            world.office.sync.checkout(
                "LAP01", world.tmp / "x.bdl", access_role="social_worker", worker=worker
            )
        assert exc.value.code == code and exc.value.message and exc.value.render("en")


def test_a_social_worker_checkout_needs_restricted_view(world: Office) -> None:
    ctx = world.office.ctx
    ctx.set_user(Actor(username="ops", full_name="Operator", role=Role.OPERATOR))
    ctx.accounts_exist = True
    with pytest.raises(ServiceError) as exc:
        _checkout_worker(world)
    assert exc.value.code == "auth.permission_denied"


def test_the_checkout_is_written_to_the_access_log(world: Office) -> None:
    _checkout_worker(world)
    with world.office.ctx.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, entity, detail FROM access_log WHERE action = 'checkout'"
        ).all()
    assert rows == [("checkout", "case", "LAP01: 2 kasus budi")]


# -- the round trip -------------------------------------------------------------------------------
def _visit_and_close(w: Office) -> tuple[str, str]:
    lap_cw = w.casework(w.lap)
    visit = lap_cw.record_visit(
        w.sihore, services=["makanan", "obat"], condition="stabil", notes="Tekanan darah normal"
    )
    goal_plan = lap_cw.make_plan(w.child, ["Hadir di sesi diversi"])
    lap_cw.record_assessment(w.sihore, {"mobilitas": "tirah_baring", "kondisi": "menurun"})
    lap_cw.close_case(w.sihore, "pindah", note="Pindah ke panti")
    return visit, goal_plan


def test_round_trip_visit_applies_and_close_is_a_proposal(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    visit, plan = _visit_and_close(world)
    result = _return(world, "ret1.bdl")
    assert result.exit_code == 1 and result.quarantined == 1
    office = world.casework(world.office).get_case(world.sihore)
    assert [a.id for a in office.activities] == [visit]
    assert office.activities[0].details["services"] == ["makanan", "obat"]
    assert office.last_visit_on == FIXED_NOW.date() and office.status == "aktif"
    assert office.assessment is not None and office.assessment.answers["kondisi"] == "menurun"
    child = world.casework(world.office).get_case(world.child)
    assert child.plan is not None and child.plan.id == plan
    assert [g.text for g in child.plan.goals] == ["Hadir di sesi diversi"]
    (held,) = _held(world.office)
    assert held.reason_code == "sync.rule.case_close_proposal" and "LAP01" in held.reason
    assert held.entity == "case" and held.entity_id == world.sihore
    # A supervisor accepts: the office closes the case as the laptop did.
    world.office.sync.decide_quarantine(held.change_id, release=True)
    office = world.casework(world.office).get_case(world.sihore)
    assert office.status == "ditutup" and office.close_reason == "pindah"
    assert office.close_note == "Pindah ke panti"


def test_the_quarantine_shows_case_data_only_to_who_may_see_it(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    world.casework(world.lap).close_case(world.sihore, "pindah", note="Pindah ke rumah anak")
    _return(world, "ret1.bdl")
    (held,) = _held(world.office)
    assert (
        held.subject == f"Kasus SIHORE ({CLIENT_NAME})" and "Pindah ke rumah anak" in held.summary
    )
    ctx = world.office.ctx
    ctx.set_user(Actor(username="ops", full_name="Operator", role=Role.OPERATOR))
    ctx.accounts_exist = True
    (masked,) = _held(world.office)
    assert masked.subject == "Kasus SIHORE (data terbatas)" and masked.summary == "data terbatas"
    assert CLIENT_NAME not in json.dumps(masked.as_dict(), ensure_ascii=False)


def test_a_rejected_close_reopens_the_case_on_the_laptop(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    _visit_and_close(world)
    _return(world, "ret1.bdl")
    (held,) = _held(world.office)
    world.office.sync.decide_quarantine(held.change_id, release=False)
    assert world.casework(world.office).get_case(world.sihore).status == "aktif"
    ack = world.office.sync.export(world.tmp / "upd.bdl", to_device="LAP01")
    world.lap.sync.import_bundle(ack.path)
    assert world.casework(world.lap).get_case(world.sihore).status == "aktif"


def test_office_updates_follow_the_workers_cases_only(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    cw = world.casework(world.office)
    mine = cw.add_activity(world.child, "sesi", notes="Sesi di kantor")
    theirs = cw.add_activity(world.other, "sesi", notes="Bukan kasus budi")
    update = world.office.sync.export(world.tmp / "upd.bdl", to_device="LAP01")
    _extra, _entries, text = _decrypted(world.lap, update.path)
    assert mine in text and theirs not in text and world.other not in text
    world.lap.sync.import_bundle(update.path)
    assert mine in {a.id for a in world.casework(world.lap).get_case(world.child).activities}


def test_an_update_before_the_first_return_does_not_bring_old_history(world: Office) -> None:
    cw = world.casework(world.office)
    old = [
        cw.add_activity(world.child, "sesi", done_on=date(2026, 2, 1) + timedelta(days=7 * i))
        for i in range(8)
    ]
    path = _checkout_worker(world)
    _extra, _entries, checkout = _decrypted(world.lap, path)
    join(world.lap, path, world.office)
    carried = {a for a in old if a in checkout}
    assert len(carried) == 5  # the five newest; the rest are older than 90 days
    new = cw.add_activity(world.child, "sesi", notes="Baru")
    update = world.office.sync.export(world.tmp / "upd.bdl", to_device="LAP01")
    _extra, _entries, text = _decrypted(world.lap, update.path)
    assert new in text and not any(a in text for a in set(old) - carried)


def test_a_concurrent_edit_of_a_case_is_listed_and_masked_without_restricted_view(
    world: Office,
) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    world.casework(world.office).set_follow_up(world.sihore, date(2026, 11, 24))
    world.casework(world.lap).record_visit(world.sihore, services=["obat"], condition="baik")
    _return(world, "ret.bdl")
    (conflict,) = world.office.sync.conflicts()
    assert conflict.entity == "case" and conflict.subject == f"Kasus SIHORE ({CLIENT_NAME})"
    ctx = world.office.ctx
    ctx.set_user(Actor(username="ops", full_name="Operator", role=Role.OPERATOR))
    ctx.accounts_exist = True
    (masked,) = world.office.sync.conflicts()
    assert masked.subject == "Kasus SIHORE (data terbatas)"
    assert {c.text for c in masked.candidates} == {"data terbatas"}
    assert CLIENT_NAME not in json.dumps(masked.as_dict(), default=str, ensure_ascii=False)


# -- what is held ---------------------------------------------------------------------------------
def _forged_activity(lap: Site, case_id: str) -> Entry:
    """An activity as a modified copy of the laptop's software would log it."""
    aid = new_id()
    stamp = lap.ctx.hlc.now().encode()
    now = lap.ctx.clock.now().isoformat()
    changes = {
        "id": [None, aid],
        "case_id": [None, case_id],
        "kind": [None, ActivityKind.HOME_VISIT.value],
        "done_on": [None, FIXED_NOW.date().isoformat()],
        "worker": [None, "budi"],
        "notes": [None, "Kunjungan palsu"],
        "details": [None, "{}"],
        "deleted": [None, False],
    }
    return Entry(
        id=new_id(),
        hlc=stamp,
        device_id=lap.ctx.device.id,
        actor="petugas-lap1",
        at=now,
        entity="case_activity",
        entity_id=aid,
        op="create",
        changes=canonical_json(changes),
        batch_id=new_id(),
    )


def test_an_activity_on_a_case_not_checked_out_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    forged = _forged_activity(world.lap, world.other)
    chain_into(world.lap, [forged])
    honest = world.casework(world.lap).add_activity(world.child, "sesi", notes="Sesi nyata")
    result = _return(world, "forged.bdl")
    assert result.exit_code == 1 and result.quarantined == 1
    (held,) = _held(world.office)
    assert held.reason_code == "sync.rule.case_not_checked_out" and held.entity_id != honest
    assert world.casework(world.office).get_case(world.other).activities == ()
    assert honest in {a.id for a in world.casework(world.office).get_case(world.child).activities}


def test_an_edit_of_a_case_not_checked_out_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    forged = _forged_activity(world.lap, world.other)
    forged.entity, forged.entity_id, forged.op = "case", world.other, "update"
    forged.changes = canonical_json({"follow_up_on": [None, "2026-12-01"]})
    chain_into(world.lap, [forged])
    _return(world, "forged.bdl")
    assert [q.reason_code for q in _held(world.office)] == ["sync.rule.case_not_checked_out"]
    assert world.casework(world.office).get_case(world.other).follow_up_on != date(2026, 12, 1)


def test_an_assessment_that_breaks_the_form_rules_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    forged = _forged_activity(world.lap, world.sihore)
    aid = new_id()
    forged.entity, forged.entity_id = "case_assessment", aid
    answers = json.dumps({"mobilitas": "terbang", "kondisi": "baik"})
    forged.changes = canonical_json(
        {
            "id": [None, aid],
            "case_id": [None, world.sihore],
            "assessed_on": [None, FIXED_NOW.date().isoformat()],
            "assessor": [None, "budi"],
            "answers": [None, answers],
            "deleted": [None, False],
        }
    )
    chain_into(world.lap, [forged])
    _return(world, "bad.bdl")
    (held,) = _held(world.office)
    assert held.reason_code == "sync.rule.invalid_value" and "Mobilitas" in held.reason
    assert world.casework(world.office).get_case(world.sihore).assessment is None


def test_casework_from_a_field_laptop_is_held(world: Office) -> None:
    world.office.sync.checkout("LAP01", world.tmp / "field.bdl", household_ids=[world.household])
    join(world.lap, world.tmp / "field.bdl", world.office)
    chain_into(world.lap, [_forged_activity(world.lap, world.sihore)])
    result = world.office.sync.import_bundle(
        world.lap.sync.export(world.tmp / "r.bdl").path, make_ack=False
    )
    assert result.quarantined == 1
    assert _held(world.office)[0].reason_code == "sync.rule.casework_role"


def test_reassigning_or_editing_on_the_laptop_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    lap_cw = world.casework(world.lap)
    lap_cw.reassign(world.child, "sari")
    lap_cw.set_visit_plan(world.sihore, carer="Pak Joko", visit_every_days=3)
    result = _return(world, "edit.bdl")
    assert result.quarantined == 2
    codes = {q.reason_code for q in _held(world.office)}
    assert codes == {"sync.rule.case_change_not_allowed"}
    assert world.casework(world.office).get_case(world.child).worker == "budi"


def test_an_activity_on_a_case_closed_at_the_office_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    world.casework(world.office).close_case(world.child, "perkara_selesai")
    world.casework(world.lap).add_activity(world.child, "sesi")
    _return(world, "late.bdl")
    assert [q.reason_code for q in _held(world.office)] == ["sync.rule.case_closed_at_office"]


def test_an_activity_on_a_case_reassigned_at_the_office_is_held(world: Office) -> None:
    join(world.lap, _checkout_worker(world), world.office)
    world.casework(world.office).reassign(world.child, "sari")
    world.casework(world.lap).add_activity(world.child, "sesi")
    kept = world.casework(world.lap).add_activity(world.sihore, "sesi")
    _return(world, "late.bdl")
    (held,) = _held(world.office)
    assert held.reason_code == "sync.rule.case_not_assigned" and "sari" in held.reason
    assert kept in {a.id for a in world.casework(world.office).get_case(world.sihore).activities}


# -- the command line -----------------------------------------------------------------------------
def test_the_checkout_command_takes_the_role_and_the_worker(
    world: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app.cli import main

    world.office.ctx.close()
    base = ["sync", "checkout", "--db", str(world.office.path), "--device", "LAP01"]
    code = main(
        [*base, "--peran", "social_worker", "--pekerja", "budi", "-o", str(world.tmp / "a.bdl")]
    )
    out, _err = capsys.readouterr()
    assert code == 0 and "Kasus: 2" in out
    # --pekerja alone means a social worker's checkout; a field checkout never names one.
    assert main([*base, "--pekerja", "budi", "-o", str(world.tmp / "b.bdl")]) == 0
    capsys.readouterr()
    code = main([*base, "--peran", "field", "--pekerja", "budi", "-o", str(world.tmp / "c.bdl")])
    _out, err = capsys.readouterr()
    assert code == 1 and "Pekerja sosial" in err
    extra, _entries, _text = _decrypted(world.lap, world.tmp / "b.bdl")
    assert extra["worker"] == "budi" and extra["access_role"] == "social_worker"
