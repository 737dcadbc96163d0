"""The BAST register: dated by the handover, a number per content, SALINAN on a reprint, stock
lines, and numbers that never clash between laptops."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from desktop_app.domain.clock import FixedClock
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import (
    BAST_PREVIEW_NUMBER,
    DistributionService,
    Proxy,
)
from desktop_app.storage.models import ChangeLog
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import World, build_world
from tests.sync.helpers import join, open_site, open_two_point_round, register

TODAY = date(2026, 11, 20)  # FIXED_NOW in WIB


@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx)


@pytest.fixture
def svc(ctx: AppContext) -> DistributionService:
    return DistributionService(ctx)


def open_round(svc: DistributionService) -> str:
    rid = svc.create_round(
        program_code="RASTRADA", name="Rastrada Tahap IV 2025", item="Beras", quantity=30, unit="kg"
    )
    svc.open_round(rid)
    return rid


def test_handover_date_defaults_to_the_points_last_distribution_day(
    ctx: AppContext, clock: FixedClock, world: World, svc: DistributionService
) -> None:
    rid = open_round(svc)
    fam = world.families[0]
    point = svc.scan(rid, fam.kk).point_id
    # Nothing handed out yet: today.
    assert svc.bast_handover_default(rid, point) == TODAY
    svc.receive_code(rid, fam.kk)
    clock.advance(days=3)  # printed three days later
    assert svc.bast_handover_default(rid, point) == TODAY
    doc = svc.issue_bast(rid, point)
    assert doc.on == TODAY
    # The other point had no distribution: its default is the day of printing.
    other = next(p.id for p in svc.points(rid) if p.id != point)
    assert svc.bast_handover_default(rid, other) == TODAY + timedelta(days=3)


def test_reprint_is_a_copy_with_the_same_number_and_new_content_a_new_number(
    ctx: AppContext, world: World, svc: DistributionService
) -> None:
    rid = open_round(svc)
    fams = world.families
    point = svc.scan(rid, fams[0].kk).point_id
    svc.receive_code(rid, fams[0].kk)

    preview = svc.bast(rid, point_id=point)
    assert preview.preview and preview.number == BAST_PREVIEW_NUMBER

    first = svc.issue_bast(rid, point, TODAY, stock_received=90)
    assert first.number == "BAST/RST4/KANTOR/001" and not first.copy and not first.preview
    again = svc.issue_bast(rid, point, TODAY, stock_received=90)
    assert again.number == first.number and again.copy
    # The preview of the same content says which number it is and that it is a copy.
    assert svc.bast(rid, point_id=point, on=TODAY, stock_received=90).number == first.number

    # Another receipt since: the content changed, so the next print is a new BAST.
    _, wife_nik, wife = fams[2].members[0]
    svc.receive_code(rid, fams[2].kk, proxy=Proxy(wife, wife_nik, "same_kk"))
    second = svc.issue_bast(rid, point, TODAY, stock_received=90)
    assert second.number == "BAST/RST4/KANTOR/002" and not second.copy
    assert second.totals.received == 2 and second.totals.by_proxy == 1
    assert second.handed_direct == 30 and second.handed_proxy == 30 and second.left_over == 30
    # So does another stock figure.
    assert svc.issue_bast(rid, point, TODAY, stock_received=120).number.endswith("/003")

    register_rows = svc.bast_register(rid)
    assert [r.number for r in register_rows] == [
        "BAST/RST4/KANTOR/001",
        "BAST/RST4/KANTOR/002",
        "BAST/RST4/KANTOR/003",
    ]
    assert register_rows[0].handover_date == TODAY and register_rows[0].stock_received == 90
    assert register_rows[0].issued_by == "tester" and register_rows[0].device_name == "KANTOR"
    with ctx.db.session() as s:
        logged = s.exec(select(ChangeLog).where(ChangeLog.entity == "distribution_bast")).all()
    assert [e.op for e in logged] == ["issue"] * 3  # a reprint writes nothing


def test_bast_refuses_impossible_dates_and_stock(
    clock: FixedClock, world: World, svc: DistributionService
) -> None:
    draft = svc.create_round(
        program_code="RASTRADA", name="Rastrada Tahap V 2025", item="Beras", quantity=30, unit="kg"
    )
    with pytest.raises(ServiceError) as exc:
        svc.issue_bast(draft, None)
    assert exc.value.code == "distribution.bast_round_draft"

    rid = open_round(svc)
    fam = world.families[0]
    point = svc.scan(rid, fam.kk).point_id
    svc.receive_code(rid, fam.kk)
    cases = [
        ({"handover_date": TODAY + timedelta(days=1)}, "distribution.bast_date_future"),
        ({"handover_date": TODAY - timedelta(days=1)}, "distribution.bast_date_before_receipts"),
        ({"stock_received": -1}, "distribution.bast_received_invalid"),
        ({"stock_received": float("nan")}, "distribution.bast_received_invalid"),
        ({"stock_received": 3572012345670001}, "distribution.bast_received_invalid"),
        ({"stock_received": 10}, "distribution.bast_received_too_low"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ServiceError) as exc:
            svc.issue_bast(rid, point, **kwargs)  # type: ignore[arg-type]
        assert exc.value.code == code, kwargs
    assert svc.bast_register(rid) == []


def test_bast_of_a_closed_round_can_still_be_issued(world: World, svc: DistributionService):
    rid = open_round(svc)
    svc.receive_code(rid, world.families[0].kk)
    svc.close_round(rid)
    doc = svc.issue_bast(rid, None)
    assert doc.number == "BAST/RST4/KANTOR/001" and doc.point is None
    assert doc.second_party_hint  # no coordinator's name known: a labelled blank line


def test_second_party_is_the_points_contact_or_a_labelled_blank(world, svc: DistributionService):
    rid = open_round(svc)
    point = svc.points(rid)[0]
    doc = svc.bast(rid, point_id=point.id)
    assert doc.second_party_title.startswith("Lurah")
    if point.contact_name:
        assert doc.second_party_name == point.contact_name and not doc.second_party_hint
    else:
        assert doc.second_party_name.startswith("....") and doc.second_party_hint == "nama lurah"


def test_two_laptops_never_mint_the_same_bast_number_and_the_office_sees_both(
    tmp_path: Path,
) -> None:
    clock = FixedClock(FIXED_NOW)
    office = open_site(tmp_path, "office", clock)
    laps = []
    try:
        world, rid = open_two_point_round(office)
        for n in (1, 2):
            lap = open_site(tmp_path, f"lap{n}", clock)
            register(office, lap, f"LAP0{n}")
            office.sync.checkout(f"LAP0{n}", tmp_path / f"co{n}.bdl", round_id="RST4")
            join(lap, tmp_path / f"co{n}.bdl", office)
            laps.append(lap)
        numbers = []
        for n, lap in enumerate(laps):
            dist = DistributionService(lap.ctx)
            fam = world.families[n]
            dist.receive_code(rid, fam.kk)
            point = dist.scan(rid, fam.kk).point_id
            numbers.append(dist.issue_bast(rid, point).number)
            result = office.sync.import_bundle(lap.sync.export(tmp_path / f"ret{n}.bdl").path)
            lap.sync.import_bundle(result.ack.path)
        assert numbers == ["BAST/RST4/LAP01/001", "BAST/RST4/LAP02/001"]
        office_register = DistributionService(office.ctx).bast_register(rid)
        assert sorted(r.number for r in office_register) == numbers
        assert {r.device_name for r in office_register} == {"LAP01", "LAP02"}
    finally:
        for site in (office, *laps):
            site.ctx.close()
