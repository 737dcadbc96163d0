from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from desktop_app.domain.cards import CardCode, parse_card_code
from desktop_app.domain.clock import FixedClock
from desktop_app.domain.receipts import parse_receipt_number, verify_code
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.distribution import (
    DistributionInputError,
    DistributionService,
    PointInput,
    Proxy,
    RosterFilter,
)
from desktop_app.services.registry import RegistryService
from desktop_app.storage import driver
from desktop_app.storage.models import ChangeLog
from tests.conftest import FIXED_NOW
from tests.services.distribution_fixtures import KEL_A, KEL_B, World, build_world


@pytest.fixture
def world(ctx: AppContext) -> World:
    return build_world(ctx)


@pytest.fixture
def svc(ctx: AppContext) -> DistributionService:
    return DistributionService(ctx)


def rastrada_round(svc: DistributionService, open_it: bool = True, **kw: object) -> str:
    rid = svc.create_round(
        program_code="RASTRADA",
        name="Rastrada Tahap IV 2025",
        item="Beras",
        quantity=30,
        unit="kg",
        **kw,  # type: ignore[arg-type]
    )
    if open_it:
        svc.open_round(rid)
    return rid


# -- rounds and roster freezing ----------------------------------------------------------------


def test_create_round_defaults_to_one_point_per_kelurahan(world: World, svc: DistributionService):
    rid = rastrada_round(svc, open_it=False)
    rnd = svc.get_round(rid)
    assert rnd.code == "RST4" and rnd.status == "draft" and rnd.quantity_text == "30 kg"
    points = svc.points(rid)
    assert len(points) == 21
    assert points[0].kind == "kelurahan" and len(points[0].kelurahan_codes) == 1
    assert svc.get_round("rst4").id == rid  # the code works as a reference
    # A second round with the same stage gets its own code: receipt numbers stay unique.
    other = rastrada_round(svc, open_it=False)
    assert svc.get_round(other).code == "RST425"


def test_opening_freezes_the_roster(ctx: AppContext, world: World, svc: DistributionService):
    rid = rastrada_round(svc, open_it=False)
    summary = svc.open_round(rid)
    assert summary.entitled == len(world.families) and summary.unassigned == 0
    fam = world.families[0]
    before = svc.scan(rid, fam.kk)
    assert before.name == fam.head_name and before.kelurahan_code == KEL_A
    assert before.point_name.startswith("Kantor Kelurahan")

    # Later registry edits change neither who is entitled nor the frozen snapshot.
    reg = RegistryService(ctx)
    enrolment = next(e for e in reg.household_detail(fam.household_id).enrolments)
    reg.leave_program(enrolment.id, date(2026, 11, 20), "pindah ke luar kota")
    rec = reg.get_person(fam.head_id).input
    rec.name = "Nama Baru Sekali"
    reg.update_person(fam.head_id, rec)
    after = svc.scan(rid, fam.kk)
    assert after.id == before.id and after.name == fam.head_name
    assert svc.totals(rid).entitled == len(world.families)
    # Opening again is refused.
    with pytest.raises(ServiceError, match="hanya putaran persiapan"):
        svc.open_round(rid)


def test_open_logs_every_roster_entry(ctx: AppContext, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    with ctx.db.session() as s:
        entries = s.exec(select(ChangeLog).where(ChangeLog.entity == "distribution_roster")).all()
        ops = s.exec(select(ChangeLog.op).where(ChangeLog.entity == "distribution_round")).all()
    assert len(entries) == len(world.families)
    assert ops == ["create", "open"]
    assert rid


def test_person_program_roster_has_the_persons(world: World, svc: DistributionService):
    rid = svc.create_round(
        program_code="RAPELAN", name="Rapelan Jumat", item="Ransum", quantity=1, unit="paket"
    )
    svc.open_round(rid)
    rows = svc.roster_rows(svc.roster_ids(rid))
    assert sorted(r.name for r in rows) == ["Mbah Karto", "Mbah Sumi"]
    assert svc.get_round(rid).code.startswith("RPL")


def test_add_and_remove_recipient_need_reasons(ctx, world: World, svc: DistributionService):
    reg = RegistryService(ctx)
    fam = world.families[1]
    enrolment = reg.household_detail(fam.household_id).enrolments[0]
    reg.leave_program(enrolment.id, date(2026, 1, 1), "mampu")
    rid = rastrada_round(svc)
    assert svc.totals(rid).entitled == len(world.families) - 1
    with pytest.raises(ServiceError, match="tidak ada di daftar penerima"):
        svc.scan(rid, fam.kk)
    with pytest.raises(ServiceError, match="Alasan"):
        svc.add_recipient(rid, fam.kk, "  ")
    roster_id = svc.add_recipient(rid, fam.kk, "Keputusan rapat kelurahan")
    assert svc.scan(rid, fam.kk).id == roster_id
    with pytest.raises(ServiceError, match="sudah ada"):
        svc.add_recipient(rid, fam.kk, "lagi")
    svc.remove_recipient(rid, roster_id, "Salah input")
    with pytest.raises(ServiceError, match="dikeluarkan.*Salah input"):
        svc.scan(rid, fam.kk)
    changes = svc.roster_changes(rid)
    assert [(c[1], c[2]) for c in changes] == [
        ("add", "Keputusan rapat kelurahan"),
        ("remove", "Salah input"),
    ]


# -- the counter ---------------------------------------------------------------------------


def test_scan_by_card_nik_kk_member_nik_and_name(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    entry = svc.scan(rid, fam.kk)
    assert svc.scan(rid, fam.head_nik).id == entry.id
    assert svc.scan(rid, fam.members[0][1]).id == entry.id  # the wife's KTP
    assert svc.scan(rid, " " + fam.kk[:4] + "." + fam.kk[4:] + " ").id == entry.id
    assert [r.id for r in svc.find(rid, "sutris")] == [entry.id]
    assert [r.id for r in svc.find(rid, "SUTRISNO")] == [entry.id]
    assert svc.mint_cards(rid) == len(world.families)  # the write that gives households codes
    cards = svc.card_docs(rid)
    card = next(c for c in cards if c.nik == fam.head_nik)
    assert parse_card_code(card.card_code) == CardCode("KANTOR", card_sequence(card.card_code))
    assert svc.scan(rid, card.card_code.lower()).id == entry.id


def card_sequence(code: str) -> int:
    return int(code.rsplit("K", 1)[1])


def test_card_docs_only_read_and_mint_is_a_logged_write(ctx, world: World, svc):
    rid = rastrada_round(svc)
    before = [c.card_code for c in svc.card_docs(rid)]
    assert before == [c.card_code for c in svc.card_docs(rid)]  # nothing minted by reading
    assert svc.mint_cards(rid) == len(world.families)
    assert svc.mint_cards(rid) == 0  # every household has its code now
    codes = [c.card_code for c in svc.card_docs(rid)]
    assert sorted(codes) == [f"KANTOR-K{n:06d}" for n in range(1, len(codes) + 1)]
    with ctx.db.session() as s:
        logged = s.exec(select(ChangeLog).where(ChangeLog.op == "card")).all()
    assert {e.entity for e in logged} == {"household", "distribution_roster"}
    assert len(logged) == 2 * len(world.families)


def test_card_codes_carry_the_device_and_keep_existing_codes(ctx, world: World, svc):
    fam = world.families[1]
    with ctx.db.engine.begin() as conn:  # a card minted in the old format stays valid
        conn.exec_driver_sql(
            "UPDATE household SET card_code = 'K357201100100007' WHERE id = ?",
            (fam.household_id,),
        )
    profile = ctx.office
    profile.device_name = "LAP02"
    ctx.save_office_profile(profile)
    rid = rastrada_round(svc)
    svc.mint_cards(rid)
    codes = {c.nik: c.card_code for c in svc.card_docs(rid)}
    assert codes[fam.head_nik] == "K357201100100007"
    assert svc.scan(rid, "K357201100100007").name == fam.head_name
    minted = [c for n, c in codes.items() if n != fam.head_nik]
    assert all(c.startswith("LAP02-K") for c in minted) and len(set(minted)) == len(minted)


def test_unknown_code_is_a_clear_not_found(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    with pytest.raises(ServiceError) as info:
        svc.scan(rid, "3572019999990001")
    assert "tidak ditemukan" in info.value.message and "cari dengan nama" in info.value.message
    with pytest.raises(ServiceError, match="16 digit"):
        svc.scan(rid, "35720112")
    with pytest.raises(ServiceError, match="tidak ditemukan"):
        svc.scan(rid, "XYZ-NOTHING")


def test_receive_once_then_refused_with_when_where_who(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    receipt = svc.receive_code(rid, fam.kk)
    assert receipt.number == "RST4-KANTOR-000001"
    assert verify_code(receipt.number, receipt.verification_code, svc.receipt_code_key())
    # The QR carries the number and the device's signature; the short code is only printed.
    assert receipt.signature and len(receipt.signature) == 86
    assert receipt.qr_payload == f"BERDAYA|{receipt.number}|{receipt.signature}"
    assert svc.scan(rid, fam.kk).status == "diterima"
    assert svc.scan(rid, receipt.qr_payload).id == receipt.roster_id
    with pytest.raises(ServiceError) as info:
        svc.receive_code(rid, fam.head_nik)
    msg = info.value.message
    assert "SUDAH MENERIMA" in msg and "20 November 2026 pukul 10.00" in msg
    assert "Kantor Kelurahan Kepanjenkidul" in msg and "tester" in msg
    assert receipt.number in msg
    assert len(svc.receipts(rid)) == 1


def test_void_then_receive_again(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[2]
    first = svc.receive_code(rid, fam.kk)
    with pytest.raises(ServiceError, match="Alasan"):
        svc.void(first.number, "")
    voided = svc.void(first.number, "Salah orang")
    assert voided.voided and voided.void_reason == "Salah orang"
    assert svc.scan(rid, fam.kk).status == ""
    with pytest.raises(ServiceError, match="sudah dibatalkan"):
        svc.void(first.number, "lagi")
    second = svc.receive_code(rid, fam.kk)
    assert second.number == "RST4-KANTOR-000002"
    # Both facts stay: the voided receipt is still there.
    assert [(r.number, r.voided) for r in svc.receipts(rid)] == [
        (first.number, True),
        (second.number, False),
    ]


def test_marks_absent_and_refused(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    a, b = world.families[0], world.families[1]
    ea, eb = svc.scan(rid, a.kk), svc.scan(rid, b.kk)
    svc.mark(rid, ea.id, "tidak_hadir")
    with pytest.raises(ServiceError, match="Alasan penolakan"):
        svc.mark(rid, eb.id, "ditolak", "")
    svc.mark(rid, eb.id, "ditolak", "Tanpa KTP dan tanpa surat kuasa")
    t = svc.totals(rid)
    assert (t.absent, t.refused, t.received, t.pending) == (1, 1, 0, len(world.families) - 2)
    assert svc.scan(rid, b.kk).mark_reason == "Tanpa KTP dan tanpa surat kuasa"
    # Someone marked absent may still come later: the receipt supersedes the mark.
    svc.receive(rid, ea.id)
    assert svc.scan(rid, a.kk).status == "diterima"
    with pytest.raises(ServiceError, match="sudah menerima"):
        svc.mark(rid, ea.id, "tidak_hadir")
    assert {r.id for r in svc.pending(rid)} == {svc.scan(rid, f.kk).id for f in world.families[2:]}


def test_progress_per_round_and_point(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    for fam in world.families[:3]:
        svc.receive_code(rid, fam.kk)
    assert svc.progress_text(rid) == f"3 / {len(world.families)} diterima"
    point = svc.scan(rid, world.families[0].kk).point_id
    t = svc.totals(rid, point)
    assert t.entitled == 3 and t.received == 2  # families 0 and 2 live in kelurahan A


def test_served_by_another_point_is_refused(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam_b = world.families[1]
    point_a = svc.scan(rid, world.families[0].kk).point_id
    with pytest.raises(ServiceError, match="dilayani di Kantor Kelurahan"):
        svc.receive_code(rid, fam_b.kk, point_id=point_a)
    assert svc.totals(rid).received == 0


def test_closed_round_is_read_only(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    receipt = svc.receive_code(rid, world.families[0].kk)
    svc.close_round(rid)
    assert svc.get_round(rid).status == "closed"
    with pytest.raises(ServiceError, match="ditutup"):
        svc.receive_code(rid, world.families[1].kk)
    with pytest.raises(ServiceError, match="ditutup"):
        svc.void(receipt.number, "x")
    with pytest.raises(ServiceError, match="ditutup"):
        svc.mark(rid, svc.scan(rid, world.families[1].kk).id, "tidak_hadir")
    with pytest.raises(ServiceError, match="ditutup"):
        svc.add_recipient(rid, world.families[1].kk, "x")
    # Still printable.
    assert svc.reception_list(rid).totals.received == 1


def test_receive_requires_an_open_round(world: World, svc: DistributionService):
    rid = rastrada_round(svc, open_it=False)
    with pytest.raises(ServiceError):
        svc.receive_code(rid, world.families[0].kk)


# -- who may collect -----------------------------------------------------------------------


def test_same_kk_member_may_collect(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    r = svc.receive_code(rid, fam.kk, proxy=Proxy(wife, wife_nik, "same_kk"))
    assert r.collector_name == wife and r.collector_relation == "same_kk" and r.by_proxy
    assert svc.scan(rid, fam.kk).status == "diwakilkan"
    assert svc.totals(rid).by_proxy == 1


def test_outsider_needs_surat_kuasa(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam, other = world.families[0], world.families[2]
    outsider_nik = other.members[0][1]
    with pytest.raises(ServiceError, match="surat kuasa"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("Rina", outsider_nik, "same_kk"))
    r = svc.receive_code(rid, fam.kk, proxy=Proxy("Rina", outsider_nik, "surat kuasa"))
    assert r.collector_relation == "surat_kuasa"


def test_proxy_input_is_checked(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    with pytest.raises(DistributionInputError, match="NIK pengambil"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("Budi", "123", "surat_kuasa"))
    with pytest.raises(DistributionInputError, match="tidak dikenal"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("Budi", fam.members[0][1], "tetangga"))
    with pytest.raises(DistributionInputError, match="mengambil sendiri"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("X", fam.head_nik, "same_kk"))
    with pytest.raises(ServiceError, match="ahli waris hanya untuk"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("Sri", fam.members[0][1], "ahli_waris"))
    assert svc.totals(rid).received == 0


def test_deceased_recipient_heir_on_same_kk_only(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    RegistryService(ctx).set_status(fam.head_id, "meninggal", date(2026, 11, 1))
    _, wife_nik, wife = fam.members[0]
    with pytest.raises(ServiceError, match="meninggal dunia pada 1 November 2026"):
        svc.receive_code(rid, fam.kk)
    with pytest.raises(ServiceError, match="surat kuasa tidak berlaku"):
        svc.receive_code(rid, fam.kk, proxy=Proxy(wife, wife_nik, "surat_kuasa"))
    outsider = world.families[2].members[0][1]
    with pytest.raises(ServiceError, match="harus satu KK"):
        svc.receive_code(rid, fam.kk, proxy=Proxy("Rina", outsider, "ahli_waris"))
    r = svc.receive_code(rid, fam.kk, proxy=Proxy(wife, wife_nik, "ahli_waris"))
    assert r.collector_relation == "ahli_waris"
    assert svc.collector_candidates(svc.scan(rid, fam.kk).id) == [(wife, wife_nik, "istri")]


def test_single_person_kk_whose_member_died_gets_nothing(ctx, world: World, svc):
    rid = rastrada_round(svc)
    single = world.families[3]
    assert not single.members
    RegistryService(ctx).set_status(single.head_id, "meninggal", date(2026, 10, 2))
    entry = svc.scan(rid, single.kk)
    assert svc.recipient_deceased(entry.id)
    for proxy in (None, Proxy("Tetangga", world.families[0].members[0][1], "ahli_waris")):
        with pytest.raises(ServiceError, match="KK satu orang"):
            svc.receive(rid, entry.id, proxy=proxy)
    assert svc.totals(rid).received == 0


# -- numbering across devices ----------------------------------------------------------------


def _device_db(tmp_path: Path, device: str) -> AppContext:
    ctx = open_app(tmp_path / f"{device}.sqlite", actor="petugas", clock=FixedClock(FIXED_NOW))
    profile = ctx.office
    profile.device_name = device
    ctx.save_office_profile(profile)
    return ctx


def test_two_devices_never_mint_the_same_number(tmp_path: Path):
    numbers: list[str] = []
    for device in ("LAP01", "LAP02"):
        ctx = _device_db(tmp_path, device)
        try:
            world = build_world(ctx, rapelan=False)
            svc = DistributionService(ctx)
            rid = rastrada_round(svc)
            for fam in world.families[:4]:
                numbers.append(svc.receive_code(rid, fam.kk).number)
        finally:
            ctx.close()
    assert len(set(numbers)) == len(numbers) == 8
    assert {parse_receipt_number(n).device for n in numbers} == {"LAP01", "LAP02"}
    assert "RST4-LAP02-000004" in numbers and "RST4-LAP01-000004" in numbers


def test_counter_survives_a_renamed_device(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    a = svc.receive_code(rid, world.families[0].kk).number
    profile = ctx.office
    profile.device_name = "LAP07"
    ctx.save_office_profile(profile)
    b = svc.receive_code(rid, world.families[1].kk).number
    profile.device_name = "KANTOR"
    ctx.save_office_profile(profile)
    c = svc.receive_code(rid, world.families[2].kk).number
    assert (a, b, c) == ("RST4-KANTOR-000001", "RST4-LAP07-000001", "RST4-KANTOR-000002")


def test_receipt_write_is_change_logged(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    r = svc.receive_code(rid, world.families[0].kk)
    with ctx.db.session() as s:
        log = s.exec(select(ChangeLog).where(ChangeLog.entity_id == r.id)).one()
    assert log.op == "receive" and log.entity == "distribution_receipt"
    assert json.loads(log.changes)["number"] == [None, r.number]


# -- points from a file, scan logs -----------------------------------------------------------


def test_points_from_csv_with_shop_assignments(tmp_path: Path, world: World, svc):
    path = tmp_path / "titik.csv"
    shop_kk = world.families[0].kk
    path.write_text(
        "nama;jenis;alamat;kelurahan;penanggung_jawab;jabatan;penerima\n"
        "Kantor Kelurahan Kepanjenkidul;kelurahan;Jl. A 1;Kepanjen Kidul;Budi;Lurah;\n"
        f"Toko Sumber Rejeki;toko;Jl. B 2;;Pak Harto;Pemilik toko;{shop_kk}\n"
        "Balai RW;lainnya;;35.72.02.1001;;;\n",
        encoding="utf-8",
    )
    points = svc.points_from_file(path)
    assert [p.name for p in points] == [
        "Kantor Kelurahan Kepanjenkidul",
        "Toko Sumber Rejeki",
        "Balai RW",
    ]
    assert points[0].kelurahan_codes == (KEL_A,) and points[1].recipients == (shop_kk,)
    rid = rastrada_round(svc, open_it=False, points=points)
    summary = svc.open_round(rid)
    assert summary.per_point["Toko Sumber Rejeki"] == 1
    assert svc.scan(rid, shop_kk).point_name == "Toko Sumber Rejeki"
    assert svc.scan(rid, world.families[1].kk).point_name == "Balai RW"


def test_bad_points_file_names_each_problem(tmp_path: Path, world: World, svc):
    path = tmp_path / "titik.csv"
    path.write_text("nama,kelurahan\nToko A,Sentol\n,\nToko B,Atlantis\n", encoding="utf-8")
    with pytest.raises(DistributionInputError) as info:
        svc.points_from_file(path)
    assert "Baris 2" in info.value.message and "Sentul" in info.value.message
    assert "Baris 4" in info.value.message


def test_two_points_cannot_share_a_kelurahan(world: World, svc: DistributionService):
    points = [
        PointInput("A", kelurahan_codes=(KEL_A,)),
        PointInput("B", kelurahan_codes=(KEL_A, KEL_B)),
    ]
    with pytest.raises(DistributionInputError, match="dua titik"):
        rastrada_round(svc, open_it=False, points=points)
    assert svc.list_rounds() == []


def test_scan_log_is_all_or_nothing(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fams = world.families
    bad_rows = [
        {"code": fams[0].kk},
        {"code": "3572019999990001"},
        {"code": fams[2].head_nik},
        {"code": fams[0].head_nik},  # the same KPM twice
    ]
    report = svc.receive_batch(rid, bad_rows)
    assert not report.ok and not report.recorded
    assert [r.ok for r in report.rows] == [True, False, True, False]
    assert "dua kali" in report.rows[3].message
    assert svc.totals(rid).received == 0
    good = [
        {"code": fams[0].kk},
        {
            "code": fams[2].kk,
            "proxy_name": fams[2].members[0][2],
            "proxy_nik": fams[2].members[0][1],
            "proxy_relation": "same_kk",
        },
    ]
    report = svc.receive_batch(rid, good)
    assert report.ok and [r.number for r in report.recorded] == [
        "RST4-KANTOR-000001",
        "RST4-KANTOR-000002",
    ]
    assert svc.totals(rid).by_proxy == 1


# -- who collected: a member's own NIK, and same-day corrections ------------------------------


def test_lookup_tells_whose_nik_matched(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    wife_id, wife_nik, wife = fam.members[0]
    by_member = svc.scan(rid, wife_nik)
    assert by_member.member_match and by_member.matched_person_id == wife_id
    assert (by_member.matched_name, by_member.matched_nik) == (wife, wife_nik)
    assert by_member.matched_relation == "istri" and by_member.name == fam.head_name
    by_head = svc.scan(rid, fam.head_nik)
    assert by_head.matched_person_id == fam.head_id and not by_head.member_match
    for code in (fam.kk, "sutrisno"):
        row = svc.find(rid, code)[0]
        assert row.matched_person_id is None and not row.member_match


def test_receive_refuses_a_member_match_without_a_decision(ctx, world: World, svc):
    rid = rastrada_round(svc)
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    entry = svc.scan(rid, wife_nik)
    with pytest.raises(ServiceError) as info:
        svc.receive(rid, entry.id, matched_person_id=entry.matched_person_id)
    assert info.value.code == "distribution.member_needs_choice"
    assert wife in info.value.message and fam.head_name in info.value.message
    assert wife in info.value.render("en")
    assert svc.receipts(rid) == []  # nothing recorded, not even the head in person
    with pytest.raises(DistributionInputError) as both:
        svc.receive(
            rid,
            entry.id,
            matched_person_id=entry.matched_person_id,
            proxy=Proxy(wife, wife_nik, "same_kk"),
            in_person=True,
        )
    assert both.value.code == "distribution.in_person_and_proxy"
    # A person from another KK passed as the match is refused, not taken as a member.
    other = world.families[2].members[0][0]
    with pytest.raises(ServiceError) as stranger:
        svc.receive(rid, entry.id, matched_person_id=other)
    assert stranger.value.code == "distribution.matched_person_not_on_kk"
    # The recipient's own match needs no decision; the prefilled proxy is the member.
    proxy = svc.member_proxy(entry)
    assert proxy == Proxy(wife, wife_nik, "same_kk")
    assert svc.member_proxy(svc.scan(rid, fam.head_nik)) is None
    r = svc.receive(rid, entry.id, matched_person_id=entry.matched_person_id, proxy=proxy)
    assert (r.collector_name, r.collector_nik, r.collector_relation) == (wife, wife_nik, "same_kk")
    assert svc.scan(rid, fam.kk).status == "diwakilkan"
    # The recipient present too: recorded in person, explicitly.
    fam2 = world.families[2]
    e2 = svc.scan(rid, fam2.members[0][1])
    r2 = svc.receive(rid, e2.id, matched_person_id=e2.matched_person_id, in_person=True)
    assert r2.collector_name is None and svc.scan(rid, fam2.kk).status == "diterima"


def test_receive_code_with_a_members_nik_records_that_member(ctx, world: World, svc):
    """`berdaya receive --nik <member>`: the member who showed the KTP collected."""
    rid = rastrada_round(svc)
    fam, fam2 = world.families[0], world.families[2]
    _, wife_nik, wife = fam.members[0]
    r = svc.receive_code(rid, wife_nik)
    assert (r.collector_name, r.collector_relation) == (wife, "same_kk") and r.by_proxy
    assert svc.totals(rid).by_proxy == 1
    r2 = svc.receive_code(rid, fam2.members[0][1], in_person=True)
    assert r2.collector_name is None
    # A deceased recipient: the member on the KK collects as the heir.
    fam4 = world.families[4]
    RegistryService(ctx).set_status(fam4.head_id, "meninggal", date(2026, 10, 1))
    r3 = svc.receive_code(rid, fam4.members[0][1])
    assert r3.collector_relation == "ahli_waris" and r3.collector_nik == fam4.members[0][1]


def test_scan_log_with_a_members_nik_records_that_member(world: World, svc):
    rid = rastrada_round(svc)
    fam = world.families[0]
    report = svc.receive_batch(rid, [{"code": fam.members[0][1]}, {"code": world.families[2].kk}])
    assert report.ok
    assert [r.collector_name for r in report.recorded] == [fam.members[0][2], None]


def test_collector_corrected_the_same_day_with_a_reason(ctx, world: World, svc):
    rid = rastrada_round(svc)
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    first = svc.receive_code(rid, fam.kk)  # recorded as the head in person: wrong
    with pytest.raises(ServiceError) as no_reason:
        svc.correct_collector(first.number, Proxy(wife, wife_nik, "same_kk"), "  ")
    assert no_reason.value.code == "distribution.collector_correction_reason_required"
    with pytest.raises(ServiceError) as same:
        svc.correct_collector(first.number, None, "tidak berubah")
    assert same.value.code == "distribution.collector_correction_unchanged"
    fixed = svc.correct_collector(first.number, Proxy(wife, wife_nik, "kk"), "Istri yang datang")
    assert fixed.corrected and fixed.correction_reason == "Istri yang datang"
    assert (fixed.collector_name, fixed.collector_relation) == (wife, "same_kk")
    assert fixed.recorded_collector_name is None and fixed.number == first.number
    assert fixed.signature == first.signature  # the signed receipt itself is untouched
    assert svc.scan(rid, fam.kk).status == "diwakilkan"
    assert svc.scan(rid, fam.kk).collector_name == wife
    assert svc.totals(rid).by_proxy == 1
    doc = svc.receipt_docs(rid, numbers=[first.number])[0]
    assert (doc.collector_name, doc.collector_nik) == (wife, wife_nik)
    # The collector rules still hold for a correction.
    outsider_nik = world.families[2].members[0][1]
    with pytest.raises(ServiceError) as rule:
        svc.correct_collector(first.number, Proxy("Rina", outsider_nik, "same_kk"), "salah")
    assert rule.value.code == "distribution.collector_not_same_kk"
    # A second correction (back to in person) is another fact; the latest one counts.
    back = svc.correct_collector(first.number, None, "Ternyata kepala keluarga hadir")
    assert back.collector_name is None and back.corrected
    assert svc.scan(rid, fam.kk).status == "diterima" and svc.totals(rid).by_proxy == 0
    with ctx.db.session() as s:
        logged = s.exec(
            select(ChangeLog).where(ChangeLog.entity == "distribution_collector_correction")
        ).all()
        receipt_log = s.exec(
            select(ChangeLog.op).where(ChangeLog.entity == "distribution_receipt")
        ).all()
    assert [e.op for e in logged] == ["correct_collector", "correct_collector"]
    assert receipt_log == ["receive"]  # never an update of the receipt
    assert "Istri yang datang" in logged[0].changes


def test_collector_correction_refused_after_the_day_or_on_a_void(ctx, world: World, svc):
    rid = rastrada_round(svc)
    fam, fam2 = world.families[0], world.families[2]
    _, wife_nik, wife = fam.members[0]
    voided = svc.receive_code(rid, fam2.kk)
    svc.void(voided.number, "Salah orang")
    with pytest.raises(ServiceError) as void:
        svc.correct_collector(voided.number, None, "x")
    assert void.value.code == "distribution.collector_correction_voided"
    receipt = svc.receive_code(rid, fam.kk)
    ctx.clock.advance(days=1)
    with pytest.raises(ServiceError) as late:
        svc.correct_collector(receipt.number, Proxy(wife, wife_nik, "same_kk"), "Lupa")
    assert late.value.code == "distribution.collector_correction_after_day"
    assert "20 November 2026" in late.value.message
    assert not svc.get_receipt(receipt.number).corrected


# -- documents' data -------------------------------------------------------------------------


def test_document_builders_follow_the_contract(ctx, world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    fam = world.families[0]
    _, wife_nik, wife = fam.members[0]
    r1 = svc.receive_code(rid, fam.kk, proxy=Proxy(wife, wife_nik, "same_kk"))
    svc.receive_code(rid, world.families[2].kk)
    svc.mark(rid, svc.scan(rid, world.families[4].kk).id, "tidak_hadir")
    point_a = svc.scan(rid, fam.kk).point_id

    docs = svc.receipt_docs(rid)  # in list order: Agus Salim before Sutrisno
    assert [d.receipt_number for d in docs] == ["RST4-KANTOR-000002", r1.number]
    assert [d.receipt_number for d in svc.receipt_docs(rid, numbers=[r1.number])] == [r1.number]
    d = docs[1]
    assert d.collector_name == wife and d.collector_relation == "same_kk"
    assert d.recipient_nik == fam.head_nik and d.kk_number == fam.kk
    assert d.qr_payload == r1.qr_payload and d.round.code == "RST4"
    assert d.received_at.utcoffset().total_seconds() == 7 * 3600
    assert d.kelurahan == "Kepanjenkidul" and d.address == "Jl. Melati 3, RT 001/RW 002"

    lst = svc.reception_list(rid, point_id=point_a)
    assert [row.no for row in lst.rows] == [1, 2, 3]
    assert [row.status for row in lst.rows].count("diwakilkan") == 1
    assert lst.totals.entitled == 3 and lst.totals.received == 2 and lst.totals.absent == 1
    by_kel = svc.reception_list(rid, kelurahan_code=KEL_B)
    assert by_kel.kelurahan and len(by_kel.rows) == 3

    bast = svc.issue_bast(rid, point_a)
    assert bast.number.startswith("BAST/RST4/KANTOR/")
    assert bast.total_quantity == 60 and bast.second_party_title.startswith("Lurah")

    recap = svc.recap(rid)
    assert recap.grand_total.entitled == len(world.families)
    assert sum(row.totals.received for row in recap.rows) == 2
    assert {row.kelurahan for row in recap.rows} == {"Kepanjenkidul", "Pakunden"}

    svc.mint_cards(rid, point_id=point_a)
    cards = svc.card_docs(rid, point_id=point_a)
    assert len(cards) == 3 and all(c.card_code for c in cards)
    assert cards[0].program_name.startswith("Beras") and cards[0].kecamatan


def test_roster_filters(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    svc.receive_code(rid, world.families[0].kk)
    assert len(svc.roster_ids(rid, RosterFilter(status="diterima"))) == 1
    assert len(svc.roster_ids(rid, RosterFilter(status="belum"))) == len(world.families) - 1
    assert len(svc.roster_ids(rid, RosterFilter(kelurahan_code=KEL_B))) == 3
    assert len(svc.roster_ids(rid, RosterFilter(query="hadi"))) == 1


def test_cards_with_punctuation_in_points_file_and_scan(ctx, tmp_path: Path, world: World, svc):
    fam = world.families[1]
    with ctx.db.engine.begin() as conn:  # a card number as issued by the demo/registry
        conn.exec_driver_sql(
            "UPDATE household SET card_code = 'RST-00000042' WHERE id = ?", (fam.household_id,)
        )
    path = tmp_path / "titik.csv"
    path.write_text("nama,jenis,penerima\nToko Lancar,toko,RST-00000042\n", encoding="utf-8")
    rid = rastrada_round(svc, open_it=False, points=svc.points_from_file(path))
    svc.open_round(rid)
    entry = svc.scan(rid, " rst-00000042 ")
    assert entry.name == fam.head_name and entry.point_name == "Toko Lancar"


def test_two_programs_racing_on_one_file_record_each_recipient_once(
    ctx, db_path: Path, world: World, svc: DistributionService
):
    """The GUI and a CLI (two connections) scanning the same cards at the same moment."""
    import threading

    rid = rastrada_round(svc)
    codes = [f.kk for f in world.families]
    others = [open_app(db_path, actor=f"petugas{i}", clock=FixedClock(FIXED_NOW)) for i in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, str]] = []
    crashes: list[BaseException] = []

    def counter(app: AppContext) -> None:
        service = DistributionService(app)
        barrier.wait()
        for code in codes:
            try:
                outcomes.append((code, service.receive_code(rid, code).number))
            except ServiceError as exc:
                outcomes.append((code, "refused: " + exc.message))
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                crashes.append(exc)

    threads = [threading.Thread(target=counter, args=(app,)) for app in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for app in others:
        app.close()
    assert not crashes
    assert len(outcomes) == 2 * len(codes)
    recorded = [(code, n) for code, n in outcomes if not n.startswith("refused")]
    assert sorted(code for code, _ in recorded) == sorted(codes)
    assert all("SUDAH MENERIMA" in n for _, n in outcomes if n.startswith("refused"))
    assert len(svc.receipts(rid)) == len(codes)


def test_totals_agree_with_each_entrys_status(world: World, svc: DistributionService):
    from collections import Counter

    rid = rastrada_round(svc)
    fams = world.families
    first = svc.receive_code(rid, fams[0].kk)
    svc.void(first.number, "Salah orang")
    svc.mark(rid, svc.scan(rid, fams[0].kk).id, "tidak_hadir")  # after the void: counts
    e1 = svc.scan(rid, fams[1].kk)
    svc.mark(rid, e1.id, "ditolak", "Tanpa KTP")
    svc.receive(rid, e1.id)  # came back with the KTP: the receipt supersedes the refusal
    _, wife_nik, wife = fams[2].members[0]
    svc.receive_code(rid, fams[2].kk, proxy=Proxy(wife, wife_nik, "same_kk"))
    svc.mark(rid, svc.scan(rid, fams[4].kk).id, "ditolak", "Tanpa surat kuasa")
    rows = svc.roster_rows(svc.roster_ids(rid))
    tally = Counter(r.status for r in rows)
    t = svc.totals(rid)
    assert (
        (t.entitled, t.received, t.by_proxy, t.absent, t.refused)
        == (
            len(rows),
            tally["diterima"] + tally["diwakilkan"],
            tally["diwakilkan"],
            tally["tidak_hadir"],
            tally["ditolak"],
        )
        == (6, 2, 1, 1, 1)
    )
    recap = svc.recap(rid)
    assert sum(r.totals.received for r in recap.rows) == t.received
    assert sum(r.totals.refused for r in recap.rows) == t.refused


# -- coded refusals ---------------------------------------------------------------------------


def test_refusals_carry_codes_and_english(world: World, svc: DistributionService):
    rid = rastrada_round(svc)
    with pytest.raises(ServiceError) as info:
        svc.scan(rid, "3572019999990001")
    assert info.value.code == "distribution.scan_not_found" and info.value.message
    assert info.value.render("en").startswith("'3572019999990001' is not on the roster")
    with pytest.raises(ServiceError) as info:
        svc.scan(rid, "35720112")
    assert info.value.code == "distribution.scan_wrong_length"
    svc.receive_code(rid, world.families[0].kk)
    with pytest.raises(ServiceError) as info:
        svc.receive_code(rid, world.families[0].kk)
    assert info.value.code == "distribution.already_received"
    assert "HAS ALREADY RECEIVED" in info.value.render("en")
    _, outsider_nik, outsider = world.families[2].members[0]
    with pytest.raises(ServiceError) as info:
        svc.receive_code(rid, world.families[1].kk, proxy=Proxy(outsider, outsider_nik, "same_kk"))
    assert info.value.code == "distribution.collector_not_same_kk"


def test_a_list_of_problems_is_one_refusal_in_either_language(world: World, svc):
    points = [PointInput(""), PointInput("A", kind="pasar")]
    with pytest.raises(DistributionInputError) as info:
        rastrada_round(svc, open_it=False, points=points)
    exc = info.value
    assert exc.code == "distribution.input_problems"
    assert [p.code for p in exc.problems] == [
        "distribution.point_name_required",
        "distribution.point_kind_unknown",
    ]
    assert exc.message.splitlines()[0] == "Nama titik salur wajib diisi."
    assert exc.render("en").splitlines() == [
        "A distribution point needs a name.",
        "Point kind 'pasar' is not known (kelurahan, toko or lainnya).",
    ]
    again = pickle.loads(pickle.dumps(exc))
    assert again.render("en") == exc.render("en")


# -- the scan fast path (issue 17) -------------------------------------------------------------


def _no_general_path(svc: DistributionService, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the general path ran")

    monkeypatch.setattr(svc, "scan", refuse)


def test_scan_fast_path_stores_what_the_general_path_stores(
    ctx, world: World, svc: DistributionService, monkeypatch: pytest.MonkeyPatch
):
    """The card/KK/own-NIK scan writes its receipt and change-log row on the plain sqlite3
    connection: byte for byte the same kinds of values as the general path (bulk_insert)."""
    rid = rastrada_round(svc)
    fast_fam, general_fam = world.families[0], world.families[1]
    general_entry = svc.scan(rid, general_fam.kk)
    general = svc.receive(rid, general_entry.id)  # the general path: _record + bulk_insert
    heard = []
    ctx.subscribe(heard.append)
    with monkeypatch.context() as m:
        _no_general_path(svc, m)
        fast = svc.receive_code(rid, fast_fam.kk)
    assert fast.number == "RST4-KANTOR-000002" and fast.recipient_name == fast_fam.head_name
    assert fast.point_name == "Kantor Kelurahan Kepanjenkidul"
    assert heard and heard[-1].ids("distribution_receipt") == {fast.id}
    assert heard[-1].source == "counter"
    assert svc.get_receipt(fast.number) == fast  # the view returned is what is stored
    with ctx.db.engine.connect() as conn:

        def shape(sql: str, key: str) -> list:
            cur = conn.exec_driver_sql(sql, (key,))
            names = [d[0] for d in cur.cursor.description]
            row = cur.one()
            return [
                (n, type(v).__name__, len(v) if n in ("received_at", "at") else None)
                for n, v in zip(names, row, strict=True)
                if n not in ("seq",)
            ]

        receipts = "SELECT * FROM distribution_receipt WHERE id = ?"
        assert shape(receipts, fast.id) == shape(receipts, general.id)
        log = "SELECT * FROM change_log WHERE entity_id = ?"
        assert shape(log, fast.id) == shape(log, general.id)
        changes = [
            json.loads(conn.exec_driver_sql(
                "SELECT changes FROM change_log WHERE entity_id = ?", (i,)
            ).scalar_one())
            for i in (fast.id, general.id)
        ]  # fmt: skip
    assert changes[0].keys() == changes[1].keys()
    assert changes[0]["received_at"][1] == FIXED_NOW.isoformat()
    assert changes[0]["signature"] == [None, fast.signature]


def test_scan_fast_path_takes_the_recipients_own_nik_and_leaves_the_rest(
    ctx, world: World, svc: DistributionService, monkeypatch: pytest.MonkeyPatch
):
    rid = rastrada_round(svc)
    fam = world.families[0]
    with monkeypatch.context() as m:
        _no_general_path(svc, m)
        own = svc.receive_code(rid, fam.head_nik)
    assert own.collector_name is None
    # A member's own KTP: the general path records that member as collector, and the fast
    # path's attempt left nothing behind (the numbers stay consecutive).
    wife_fam = world.families[2]
    wife_id, wife_nik, wife = wife_fam.members[0]
    scans = []
    real_scan = svc.scan
    monkeypatch.setattr(svc, "scan", lambda *a, **k: scans.append(a) or real_scan(*a, **k))
    by_member = svc.receive_code(rid, wife_nik)
    assert scans and by_member.collector_name == wife
    assert by_member.number == "RST4-KANTOR-000002"
    # Already received: the general path's refusal, nothing written.
    with pytest.raises(ServiceError) as info:
        svc.receive_code(rid, fam.kk)
    assert info.value.code == "distribution.already_received"
    assert svc.receive_code(rid, world.families[1].kk).number == "RST4-KANTOR-000003"
    with ctx.db.engine.connect() as conn:
        logged = conn.exec_driver_sql(
            "SELECT count(*) FROM change_log WHERE entity = 'distribution_receipt'"
        ).scalar_one()
    assert logged == 3


def _no_general_record(svc: DistributionService, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the general path ran")

    monkeypatch.setattr(svc, "_record", refuse)


def test_the_counters_enter_takes_the_plain_path_when_it_can(
    ctx, world: World, svc: DistributionService, monkeypatch: pytest.MonkeyPatch
):
    """`receive` (the counter panel's Enter after a scan) records the simple case on the plain
    connection too; a member's NIK without a decision, a proxy, an entry already served still
    go the general way, with its refusals."""
    rid = rastrada_round(svc)
    fam, other, third = world.families[0], world.families[1], world.families[2]
    entry = svc.scan(rid, fam.kk)
    heard = []
    ctx.subscribe(heard.append)
    with monkeypatch.context() as m:
        _no_general_record(svc, m)
        receipt = svc.receive(rid, entry.id, matched_person_id=entry.matched_person_id)
        # In person, by the recipient's own NIK, through receive_code: the plain path too.
        by_nik = svc.receive_code(rid, other.head_nik, in_person=True)
    assert receipt.number == "RST4-KANTOR-000001" and receipt.collector_name is None
    assert by_nik.number == "RST4-KANTOR-000002" and by_nik.collector_name is None
    assert svc.get_receipt(receipt.number) == receipt
    assert heard[0].ids("distribution_receipt") == {receipt.id}
    # A member's own NIK and nobody said who collects: refused by the general path, and the
    # plain path's attempt left no number behind.
    wife_id, wife_nik, _wife = third.members[0]
    by_member = svc.scan(rid, wife_nik)
    with pytest.raises(ServiceError) as info:
        svc.receive(rid, by_member.id, matched_person_id=by_member.matched_person_id)
    assert info.value.code == "distribution.member_needs_choice"
    with pytest.raises(ServiceError) as info:
        svc.receive(rid, entry.id)
    assert info.value.code == "distribution.already_received"
    with pytest.raises(ServiceError) as info:
        svc.receive(rid, "no-such-entry")
    assert info.value.code == "distribution.not_on_roster"
    proxy = svc.member_proxy(by_member)
    assert proxy is not None
    by_proxy = svc.receive(
        rid, by_member.id, matched_person_id=by_member.matched_person_id, proxy=proxy
    )
    assert by_proxy.number == "RST4-KANTOR-000003" and by_proxy.collector_nik == wife_nik


@pytest.mark.parametrize("in_python", [True, False])
def test_the_plain_paths_change_log_rows_are_chained_as_the_trigger_chains(
    ctx, world: World, svc: DistributionService, monkeypatch: pytest.MonkeyPatch, in_python
):
    """The counter hashes its change-log rows itself (the trigger skips rows with a hash):
    the same prev_hash and hash the trigger gives, interleaved with other writers, and the
    chain verifies as `berdaya check` walks it."""
    from desktop_app.services.distribution import counter as counter_module
    from desktop_app.storage import chain

    monkeypatch.setattr(counter_module, "CHAIN_IN_PYTHON", in_python)
    rid = rastrada_round(svc)
    for fam, absent in zip(world.families[:2], world.families[2:4], strict=True):
        svc.receive_code(rid, fam.kk)
        svc.mark(rid, svc.scan(rid, absent.kk).id, "tidak_hadir")  # the trigger chains it
    with ctx.db.plain() as conn:
        rows = conn.execute(
            "SELECT id, hlc, device_id, actor, at, entity, entity_id, op, changes, source,"
            " batch_id, prev_hash, hash FROM change_log WHERE device_id = ? ORDER BY seq",
            (ctx.device.id,),
        ).fetchall()
        assert chain.verify_device(conn, ctx.device.id, own=True) is None
    receipts = [r for r in rows if r[5] == "distribution_receipt"]
    assert len(receipts) == 2
    previous = chain.GENESIS
    for row in rows:
        assert row[11] == previous
        assert row[12] == chain.row_hash(row[:11], previous)
        previous = row[12]


def test_the_plain_path_keeps_the_unit_of_works_guarantees(
    ctx, world: World, svc: DistributionService, monkeypatch: pytest.MonkeyPatch
):
    """Without an SQLAlchemy session the plain path still persists the clock in the same
    transaction, tells subscribers after the commit, and rolls everything back on a storage
    failure, which reaches the clerk as the usual WriteFailedError."""
    from desktop_app.services.context import HLC_KEY
    from desktop_app.services.distribution import counter as counter_module
    from desktop_app.storage.db import WriteFailedError

    rid = rastrada_round(svc)
    fam, other = world.families[0], world.families[1]
    heard = []
    ctx.subscribe(heard.append)
    receipt = svc.receive_code(rid, fam.kk)
    with ctx.db.plain() as conn:
        saved = conn.execute("SELECT value FROM setting WHERE key = ?", (HLC_KEY,)).fetchone()
        hlc = conn.execute(
            "SELECT hlc FROM distribution_receipt WHERE id = ?", (receipt.id,)
        ).fetchone()
    assert json.loads(saved[0]) == hlc[0]  # the receipt's stamp is the clock's last
    assert [c.ids("distribution_receipt") for c in heard] == [{receipt.id}]

    def broken(*_a: object, **_k: object) -> None:
        raise driver.dbapi.OperationalError("database or disk is full")

    monkeypatch.setattr(counter_module, "_chain_log", broken)
    with pytest.raises(WriteFailedError):
        svc.receive_code(rid, other.kk)
    monkeypatch.undo()
    assert len(heard) == 1  # nothing committed, nobody told
    with ctx.db.plain() as conn:
        assert conn.execute("SELECT count(*) FROM distribution_receipt").fetchone() == (1,)
    assert svc.receive_code(rid, other.kk).number == "RST4-KANTOR-000002"
