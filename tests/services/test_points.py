"""Managing distribution points (toko mitra, kelurahan offices): edit a point and its owner,
assign KPM to it before and after the round opens. Every write is change-logged and every
refusal coded."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop_app.domain.errors import Refusal
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import (
    DistributionInputError,
    DistributionService,
    PointInput,
)
from tests.services.distribution_fixtures import KEL_A, KEL_B, World, build_world


@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx, rapelan=False)


@pytest.fixture
def svc(ctx: AppContext) -> DistributionService:
    return DistributionService(ctx)


def _round(svc: DistributionService) -> tuple[str, dict[str, str]]:
    rid = svc.create_round(
        program_code="RASTRADA", name="Rastrada Tahap IV 2026", item="Beras", quantity=30,
        unit="kg", code="RST4",
        points=[
            PointInput("Kantor Kelurahan Kepanjenkidul", kelurahan_codes=(KEL_A,)),
            PointInput("Kantor Kelurahan Pakunden", kelurahan_codes=(KEL_B,)),
            PointInput("Toko Contoh Makmur", kind="toko"),
        ],
    )  # fmt: skip
    return rid, {p.name.split()[-1]: p.id for p in svc.points(rid)}


def _edit(svc: DistributionService, rid: str, pid: str, **changes: object) -> PointInput:
    p = svc.get_point(rid, pid)
    values = {
        "name": p.name, "kind": p.kind, "address": p.address,
        "kelurahan_codes": p.kelurahan_codes, "contact_name": p.contact_name,
        "contact_title": p.contact_title,
    }  # fmt: skip
    values.update(changes)
    return PointInput(**values)  # type: ignore[arg-type]


def _log(ctx: AppContext, entity: str, op: str) -> int:
    with ctx.db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM change_log WHERE entity = :e AND op = :o"),
                {"e": entity, "o": op},
            ).scalar_one()
        )


def test_owner_and_address_of_a_shop_are_edited_and_logged(ctx, world, svc) -> None:
    rid, pts = _round(svc)
    shop = svc.update_point(
        rid, pts["Makmur"],
        _edit(svc, rid, pts["Makmur"], contact_name="  Pemilik   Contoh ",
              contact_title="Pemilik Toko Contoh Makmur", address="Jl. Contoh 5"),
    )  # fmt: skip
    assert (shop.owner, shop.owner_title, shop.address) == (
        "Pemilik Contoh",
        "Pemilik Toko Contoh Makmur",
        "Jl. Contoh 5",
    )
    assert _log(ctx, "distribution_point", "update") == 1
    # Saving the same values again logs nothing.
    svc.update_point(rid, pts["Makmur"], _edit(svc, rid, pts["Makmur"]))
    assert _log(ctx, "distribution_point", "update") == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "  "}, "distribution.point_name_required"),
        ({"name": "kantor kelurahan pakunden"}, "distribution.point_exists"),
        ({"kind": "gudang"}, "distribution.point_kind_unknown"),
        ({"kelurahan_codes": (KEL_B,)}, "distribution.kelurahan_already_served"),
        ({"kelurahan_codes": ("99.99.99.9999",)}, "distribution.point_kelurahan_unknown"),
    ],
)
def test_bad_edits_are_refused_with_a_code(world, svc, changes, code) -> None:
    rid, pts = _round(svc)
    with pytest.raises(ServiceError) as refused:
        svc.update_point(rid, pts["Makmur"], _edit(svc, rid, pts["Makmur"], **changes))
    assert refused.value.code == code and refused.value.message


def test_area_is_frozen_once_open_and_everything_once_closed(world, svc) -> None:
    rid, pts = _round(svc)
    svc.open_round(rid)
    with pytest.raises(ServiceError) as refused:
        svc.update_point(rid, pts["Makmur"], _edit(svc, rid, pts["Makmur"], kelurahan_codes=()))
        svc.update_point(
            rid, pts["Pakunden"], _edit(svc, rid, pts["Pakunden"], kelurahan_codes=())
        )
    assert refused.value.code == "distribution.point_area_frozen"
    # The owner may still be entered while the round is open (the BAST needs it).
    assert svc.update_point(
        rid, pts["Makmur"], _edit(svc, rid, pts["Makmur"], contact_name="Pemilik Contoh")
    ).owner == "Pemilik Contoh"
    svc.close_round(rid)
    with pytest.raises(ServiceError) as refused:
        svc.update_point(rid, pts["Makmur"], _edit(svc, rid, pts["Makmur"], contact_name="X"))
    assert refused.value.code == "distribution.round_closed_no_write"


def test_assigned_kpm_are_served_at_the_shop_when_the_round_opens(ctx, world, svc) -> None:
    rid, pts = _round(svc)
    fam_a, fam_b = world.families[0], world.families[1]
    result = svc.assign_recipients(rid, pts["Makmur"], [fam_a.kk, f" {fam_b.head_nik} "])
    assert set(result.names) == {fam_a.head_name, fam_b.head_name}
    assert (result.moved, result.unchanged) == (0, 0)
    assert svc.get_point(rid, pts["Makmur"]).assigned == 2
    assert {m.name for m in svc.point_members(rid, pts["Makmur"])} == set(result.names)
    # Moving one to Pakunden instead: a newer fact, the count follows.
    moved = svc.assign_recipients(rid, pts["Pakunden"], [fam_a.kk])
    assert moved.moved == 1
    assert svc.get_point(rid, pts["Makmur"]).assigned == 1
    assert svc.assign_recipients(rid, pts["Pakunden"], [fam_a.kk]).unchanged == 1
    svc.open_round(rid)
    assert svc.scan(rid, fam_a.kk).point_name == "Kantor Kelurahan Pakunden"
    assert svc.scan(rid, fam_b.kk).point_name == "Toko Contoh Makmur"
    assert _log(ctx, "distribution_assignment", "create") == 3


def test_unknown_codes_refuse_the_whole_list(world, svc) -> None:
    rid, pts = _round(svc)
    with pytest.raises(DistributionInputError) as refused:
        svc.assign_recipients(rid, pts["Makmur"], [world.families[0].kk, "3572999999999999"])
    assert refused.value.code == "distribution.input_problems"
    problems: list[Refusal] = refused.value.params["problems"]
    assert [p.code for p in problems] == ["distribution.point_recipient_unknown"]
    assert svc.get_point(rid, pts["Makmur"]).assigned == 0
    with pytest.raises(ServiceError) as empty:
        svc.assign_recipients(rid, pts["Makmur"], ["  ", ""])
    assert empty.value.code == "distribution.point_codes_required"


def test_in_an_open_round_a_recipient_moves_until_they_received(ctx, world, svc) -> None:
    rid, pts = _round(svc)
    svc.open_round(rid)
    fam, served = world.families[0], world.families[2]
    svc.receive(rid, svc.scan(rid, served.kk).id)
    result = svc.assign_recipients(rid, pts["Makmur"], [fam.kk])
    assert result.moved == 1
    assert svc.scan(rid, fam.kk).point_name == "Toko Contoh Makmur"
    assert _log(ctx, "distribution_roster", "point_assign") == 1
    members = svc.point_members(rid, pts["Makmur"])
    assert [(m.name, m.assigned, m.received) for m in members] == [(fam.head_name, True, False)]
    with pytest.raises(DistributionInputError) as refused:
        svc.assign_recipients(rid, pts["Makmur"], [served.kk, world.families[4].kk])
    codes = [p.code for p in refused.value.params["problems"]]
    assert codes == ["distribution.point_recipient_received"]
    # All or nothing: the second family did not move either.
    assert svc.scan(rid, world.families[4].kk).point_name != "Toko Contoh Makmur"
