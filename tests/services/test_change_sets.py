"""Change sets: a unit of work knows which entities it changed, and subscribers hear of it only
after the commit."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest

from desktop_app.services.bulk import bulk_insert
from desktop_app.services.context import AppContext, ChangeSet
from desktop_app.services.registry import HouseholdInput, PersonInput, RegistryService
from tests.helpers import make_kk, make_nik

KEL = "35.72.01.1001"


def person(serial: int = 1) -> PersonInput:
    birth = date(1958, 4, 12)
    return PersonInput(
        name=f"Siti Rahayu {serial}",
        sex="P",
        nik=make_nik(birth, "P", serial),
        birth_date=birth,
        kelurahan_code=KEL,
    )


@pytest.fixture
def heard(ctx: AppContext) -> list[ChangeSet]:
    out: list[ChangeSet] = []
    ctx.subscribe(out.append)
    return out


def test_create_person_lists_exactly_that_person(ctx: AppContext, heard: list[ChangeSet]) -> None:
    pid = RegistryService(ctx).create_person(person())
    (changes,) = heard
    assert changes.entities == {"person": frozenset({pid})}
    assert changes.created_ids("person") == {pid}
    assert changes.touches("person") and not changes.touches("household")


def test_household_with_head_lists_every_changed_entity(
    ctx: AppContext, heard: list[ChangeSet]
) -> None:
    reg = RegistryService(ctx)
    pid = reg.create_person(person())
    heard.clear()
    hid = reg.create_household(HouseholdInput(make_kk(1), kelurahan_code=KEL), head_person_id=pid)
    (changes,) = heard
    assert changes.kinds == {"household", "kk_history", "person"}
    assert changes.ids("household") == {hid}
    assert changes.ids("person") == {pid}
    assert changes.created_ids("household") == {hid}
    assert changes.created_ids("person") == frozenset()  # the person was only updated
    # Exactly the rows the change log holds for this write.
    assert len(changes.ids("kk_history")) == 1


def test_update_that_changes_nothing_notifies_nobody(
    ctx: AppContext, heard: list[ChangeSet]
) -> None:
    reg = RegistryService(ctx)
    inp = person()
    pid = reg.create_person(inp)
    heard.clear()
    reg.update_person(pid, inp)
    assert heard == []
    reg.update_person(pid, replace(inp, street="Jl. Melati 3"))
    assert [c.entities for c in heard] == [{"person": frozenset({pid})}]


def test_rolled_back_write_is_not_heard(ctx: AppContext, heard: list[ChangeSet]) -> None:
    reg = RegistryService(ctx)
    with pytest.raises(RuntimeError), ctx.unit_of_work() as uow:
        reg.create_person(person(1), uow=uow)
        raise RuntimeError("the clerk's computer lost power")
    assert heard == []
    pid = reg.create_person(person(2))
    assert [c.ids("person") for c in heard] == [{pid}]


def test_joined_unit_of_work_notifies_once_after_commit(
    ctx: AppContext, heard: list[ChangeSet]
) -> None:
    reg = RegistryService(ctx)
    with ctx.unit_of_work(source="daftar.xlsx") as uow:
        a = reg.create_person(person(1), uow=uow)
        b = reg.create_person(person(2), uow=uow)
        assert heard == []  # not committed yet
    (changes,) = heard
    assert changes.ids("person") == {a, b}
    assert changes.source == "daftar.xlsx" and changes.batch_id == uow.batch_id


def test_bulk_writes_are_in_the_change_set(ctx: AppContext, heard: list[ChangeSet]) -> None:
    now = ctx.clock.now()
    rows = [
        {"id": f"p{i}", "name": f"Orang {i}", "sex": "L", "status": "aktif", "deleted": False}
        for i in range(3)
    ]
    with ctx.unit_of_work() as uow:
        bulk_insert(uow, "person", [{**r, "created_at": now, "updated_at": now} for r in rows])
    (changes,) = heard
    assert changes.ids("person") == {"p0", "p1", "p2"}
    assert changes.created_ids("person") == {"p0", "p1", "p2"}


def test_failing_subscriber_does_not_break_the_write(ctx: AppContext) -> None:
    heard: list[ChangeSet] = []

    def broken(_changes: ChangeSet) -> None:
        raise ValueError("a screen that was closed")

    ctx.subscribe(broken)
    unsubscribe = ctx.subscribe(heard.append)
    pid = RegistryService(ctx).create_person(person())
    assert RegistryService(ctx).person_rows_by_id([pid])[0].name == "Siti Rahayu 1"
    assert [c.ids("person") for c in heard] == [{pid}]
    unsubscribe()
    RegistryService(ctx).create_person(person(2))
    assert len(heard) == 1


def test_writes_from_a_worker_thread_notify_on_that_thread(
    ctx: AppContext, heard: list[ChangeSet]
) -> None:
    threads: list[str] = []
    ctx.subscribe(lambda _c: threads.append(threading.current_thread().name))
    worker = threading.Thread(
        target=lambda: RegistryService(ctx).create_person(person()), name="writer"
    )
    worker.start()
    worker.join()
    assert threads == ["writer"] and len(heard) == 1
