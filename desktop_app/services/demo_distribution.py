"""Demo distribution rounds on top of the demo registry (all data synthetic).

- Rastrada Tahap III: closed, served by partner shops (toko mitra, five per kelurahan); most
  KPM received, some through a family member, a letter of authority or an heir, some absent or
  refused. Its receipts are bulk-inserted with the same numbering, verification codes and
  change-log rows the counter writes, so that the office scale still takes seconds.
- Rastrada Tahap IV: open, one point per kelurahan office, a few dozen already served at the
  counter through the service itself.
- Rapelan: this week's Friday ration for the elderly at one hall, open, partly served.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text

from desktop_app.domain.clock import WIB
from desktop_app.domain.ids import new_id
from desktop_app.domain.nik import make_nik
from desktop_app.domain.office import format_date_id
from desktop_app.domain.receipts import (
    encode_signature,
    format_receipt_number,
    receipt_signed_bytes,
    verification_code,
)
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.services.distribution import DistributionService, PointInput, Proxy

__all__ = ["add_distribution_demo"]

_OFFICERS = ("Dwi Astuti", "Rudi Hartanto", "Yuli Setyowati", "Eko Prasetyo")
_DEVICES = ("LAP01", "LAP02", "LAP03", "LAP04")
_SHOP_WORDS = (
    "Sumber Rejeki",
    "Barokah",
    "Makmur Jaya",
    "Sido Mulyo",
    "Lancar",
    "Sri Rejeki",
    "Berkah Abadi",
    "Murah Meriah",
    "Tentrem",
    "Rukun Santoso",
)
_ABSENT_REASONS = (
    "Tidak hadir saat penyaluran",
    "Sedang di luar kota",
    "Sakit, tidak ada yang mewakili",
)
_REFUSED_REASONS = (
    "Pengambil tidak membawa KTP dan KK",
    "Surat kuasa tidak ditandatangani penerima",
)


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _rastrada_round(
    svc: DistributionService, stage: str, start: date, *, days: int, **extra: Any
) -> str:
    """A Rastrada stage: 30 kg of rice each, over `days` days from `start`."""
    return svc.create_round(
        program_code="RASTRADA",
        name=f"Rastrada Tahap {stage} {start.year}",
        item="Beras",
        quantity=30,
        unit="kg",
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        **extra,
    )


def add_distribution_demo(ctx: AppContext, rng: random.Random, options: Any) -> dict[str, int]:
    """Three rounds: a closed Tahap III, an open Tahap IV, a weekly Rapelan ration."""
    svc = DistributionService(ctx)
    today = getattr(options, "today", None) or ctx.clock.today()
    counts: dict[str, int] = {}

    # -- Tahap III, closed, at partner shops -----------------------------------------------
    start3 = today - timedelta(days=75)
    shops = _shops(ctx, rng)
    rid3 = _rastrada_round(
        svc,
        "III",
        start3,
        days=14,
        points=[point for point, _ in shops],
        notes="Penyaluran melalui toko mitra dengan kartu KPM.",
    )
    _assign_to_shops(ctx, svc, rid3, rng, {point.name: kel for point, kel in shops})
    svc.open_round(rid3)
    counts.update(_served_round(ctx, svc, rid3, rng, start3, days=14))
    svc.close_round(rid3)

    # -- Tahap IV, open, one point per kelurahan office ------------------------------------
    start4 = today - timedelta(days=2)
    rid4 = _rastrada_round(svc, "IV", start4, days=21)
    svc.open_round(rid4)
    counts["tahap4_served"] = _serve_at_counter(svc, rid4, rng, 60)

    # -- Rapelan, this week's Friday ---------------------------------------------------------
    friday = _friday_on_or_before(today)
    rid5 = svc.create_round(
        program_code="RAPELAN",
        name=f"Rapelan Jumat {format_date_id(friday)}",
        item="Ransum makanan",
        quantity=1,
        unit="paket",
        start_date=friday,
        end_date=friday,
        points=[
            PointInput(
                name="Pendopo Dinas Sosial",
                kind="lainnya",
                address="Kantor Dinas Sosial Kota Blitar",
                kelurahan_codes=tuple(
                    r.code
                    for r in ctx.regions.kelurahan()
                    if r.code.startswith(ctx.office.region_code + ".")
                ),
                contact_title="Koordinator Rapelan",
            )
        ],
    )
    svc.open_round(rid5)
    counts["rapelan_served"] = _serve_at_counter(svc, rid5, rng, 40)
    counts["distribution_rounds"] = 3
    return counts


def _shops(ctx: AppContext, rng: random.Random) -> list[tuple[PointInput, str]]:
    """Five partner shops per kelurahan (with its code), named plausibly; recipients are
    assigned later."""
    shops: list[tuple[PointInput, str]] = []
    used: set[str] = set()
    for region in ctx.regions.kelurahan():
        if not region.code.startswith(ctx.office.region_code + "."):
            continue
        for n in range(5):
            while True:
                name = f"Toko {rng.choice(_SHOP_WORDS)} {region.name}"
                if n:
                    name += f" {n + 1}"
                if name not in used:
                    used.add(name)
                    break
            street = rng.choice(("Merdeka", "Kenari", "Cemara", "Anggrek"))
            point = PointInput(
                name=name,
                kind="toko",
                address=f"Jl. {street} {rng.randint(1, 120)}, {region.name}",
                contact_title="Pemilik toko mitra",
            )
            shops.append((point, region.code))
    return shops


def _assign_to_shops(
    ctx: AppContext,
    svc: DistributionService,
    round_id: str,
    rng: random.Random,
    kelurahan_of: dict[str, str],
) -> None:
    """Each KPM card is registered at one shop of its kelurahan."""
    shops_by_kel: dict[str, list[str]] = {}
    for point in svc.points(round_id):
        shops_by_kel.setdefault(kelurahan_of[point.name], []).append(point.id)
    with ctx.db.engine.connect() as conn:
        households = conn.execute(
            text(
                "SELECT h.id, h.kelurahan_code FROM household h JOIN enrolment e "
                "ON e.household_id = h.id AND e.program_code = 'RASTRADA' AND e.deleted = 0 "
                "AND e.end_date IS NULL WHERE h.deleted = 0"
            )
        ).all()
    rows = [
        {
            "id": new_id(),
            "round_id": round_id,
            "point_id": rng.choice(shops_by_kel[kel]),
            "household_id": hid,
            "person_id": None,
        }
        for hid, kel in households
        if kel in shops_by_kel
    ]
    with ctx.unit_of_work(source="demo") as w:
        for batch in chunked(rows, 5000):
            bulk_insert(w, "distribution_assignment", batch)


def _members(ctx: AppContext) -> dict[str, list[dict[str, Any]]]:
    with ctx.db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, household_id, name, nik, status, relation FROM person "
                "WHERE deleted = 0 AND household_id IS NOT NULL AND nik IS NOT NULL"
            )
        ).mappings()
        members: dict[str, list[dict[str, Any]]] = {}
        for m in rows:
            members.setdefault(m["household_id"], []).append(dict(m))
    return members


def _served_round(
    ctx: AppContext,
    svc: DistributionService,
    round_id: str,
    rng: random.Random,
    start: date,
    days: int,
) -> dict[str, int]:
    """Receipts and marks for a finished round, following the same rules as the counter."""
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(rng.randrange(10**9))
    rnd = svc.get_round(round_id)
    key = svc.receipt_code_key()
    members = _members(ctx)
    entries = svc.roster_rows(svc.roster_ids(round_id))
    seq = dict.fromkeys(_DEVICES, 0)
    receipts: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    by_proxy = absent = refused = 0

    def mark(base: dict[str, Any], at: datetime, kind: str, reason: str) -> dict[str, Any]:
        return base | {
            "id": new_id(),
            "kind": kind,
            "reason": reason,
            "at": at.astimezone(UTC),
            "actor": rng.choice(_OFFICERS),
            "device_id": ctx.device.id,
        }

    for entry in entries:
        household = members.get(entry.household_id or "", [])
        recipient = next((m for m in household if m["id"] == entry.person_id), None)
        living = [m for m in household if m["status"] != "meninggal" and m is not recipient]
        deceased = recipient is not None and recipient["status"] == "meninggal"
        day = start + timedelta(days=rng.randrange(days))
        at = datetime.combine(day, time(8, 0), WIB) + timedelta(minutes=rng.randrange(6 * 60))
        base = {"round_id": round_id, "roster_id": entry.id, "point_id": entry.point_id}
        roll = rng.random()
        if deceased and not living:
            marks.append(
                mark(base, at, "ditolak", "Penerima meninggal dunia dan KK hanya satu orang")
            )
            refused += 1
            continue
        if not deceased and roll < 0.03:
            marks.append(mark(base, at, "tidak_hadir", rng.choice(_ABSENT_REASONS)))
            absent += 1
            continue
        if not deceased and roll < 0.035:
            marks.append(mark(base, at, "ditolak", rng.choice(_REFUSED_REASONS)))
            refused += 1
            continue
        collector: tuple[str, str, str] | None = None
        if deceased:
            heir = rng.choice(living)
            collector = (heir["name"], heir["nik"], "ahli_waris")
        elif roll < 0.10 and living:
            member = rng.choice(living)
            collector = (member["name"], member["nik"], "same_kk")
        elif roll < 0.12:
            sex = rng.choice("LP")
            name = fake.name_male() if sex == "L" else fake.name_female()
            birth = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
            nik = make_nik("35.72.0" + str(rng.randint(1, 3)), birth, sex, rng.randint(100, 9999))
            collector = (name, nik, "surat_kuasa")
        device = rng.choice(_DEVICES)
        seq[device] += 1
        number = format_receipt_number(rnd.code, device, seq[device])
        receipts.append(
            base
            | {
                "id": new_id(),
                "number": number,
                "collector_name": collector[0] if collector else None,
                "collector_nik": collector[1] if collector else None,
                "collector_relation": collector[2] if collector else None,
                "officer": rng.choice(_OFFICERS),
                "received_at": at.astimezone(UTC),
                "device_id": ctx.device.id,
                "device_name": device,
                "verification_code": verification_code(number, key),
            }
        )
        by_proxy += collector is not None
    # Receipts in time order, as they were recorded.
    receipts.sort(key=lambda r: r["received_at"])
    signer = svc.receipt_signing_key()  # signed like the counter's, so they verify in the demo
    for r in receipts:
        r["signature"] = encode_signature(signer.sign(receipt_signed_bytes(r)).signature)
    with ctx.unit_of_work(source="demo") as w:
        for batch in chunked(receipts, 5000):
            bulk_insert(w, "distribution_receipt", batch, op="receive")
        for batch in chunked(marks, 5000):
            bulk_insert(w, "distribution_mark", batch)
        for device, last in seq.items():
            if last:
                w.session.execute(
                    text(
                        "INSERT INTO distribution_counter (round_id, device_name, last_seq) "
                        "VALUES (:r, :d, :n)"
                    ),
                    {"r": round_id, "d": device, "n": last},
                )
    return {
        "tahap3_received": len(receipts),
        "tahap3_by_proxy": by_proxy,
        "tahap3_absent": absent,
        "tahap3_refused": refused,
    }


def _serve_at_counter(
    svc: DistributionService, round_id: str, rng: random.Random, how_many: int
) -> int:
    """Serve a few recipients through the service itself, as the counter would."""
    entries = svc.roster_rows(svc.roster_ids(round_id))
    served = 0
    for entry in rng.sample(entries, min(how_many, len(entries))):
        candidates = svc.collector_candidates(entry.id)
        proxy = None
        if svc.recipient_deceased(entry.id):
            if not candidates:
                svc.mark(round_id, entry.id, "ditolak", "Penerima meninggal, KK satu orang")
                continue
            name, nik, _ = candidates[0]
            proxy = Proxy(name, nik, "ahli_waris")
        elif candidates and rng.random() < 0.1:
            name, nik, _ = rng.choice(candidates)
            proxy = Proxy(name, nik, "same_kk")
        elif rng.random() < 0.05:
            svc.mark(round_id, entry.id, "tidak_hadir")
            continue
        try:
            svc.receive(round_id, entry.id, proxy=proxy)
            served += 1
        except ServiceError:
            continue
    return served
