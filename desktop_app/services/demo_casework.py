"""Demo casework for the synthetic demo database (every name and number is invented).

One case for every person the demo registry enrolled in a casework program, at the office's
scale: the 21 Si Hore clients with a year of home visits by five carers (a few clients now
overdue), the 320 persons with a disability assessed by ragam and severity, some devices
requested and some handed over with a signed receipt, the 45 neglected children with plans,
sessions and referrals, and the 24 ABH cases spread over the SPPA stages with hearings.

Rows go in through one unit of work per program with their change-log rows (as auditable and
syncable as typed data), written in bulk: a year of visits through the service one by one would
take longer than the rest of the demo. The rows follow the service's rules (dates inside the
case, stages forward, device receipts numbered and signed in the service's format).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import insert, text
from sqlmodel import SQLModel

from desktop_app.domain.casework import (
    SIHORE_SERVICES,
    SPPA_STAGES,
    CaseStatus,
    device_handover_signed_bytes,
)
from desktop_app.domain.ids import new_id
from desktop_app.domain.receipts import encode_signature, format_receipt_number
from desktop_app.services.context import AppContext, UnitOfWork
from desktop_app.services.signing import device_signing_key
from desktop_app.storage.casework_models import (
    CaseActivity,
    CaseAssessment,
    CaseDevice,
    CaseFile,
    CaseGoal,
    CasePlan,
    CaseStage,
)
from desktop_app.storage.models import ChangeLog

__all__ = ["DEMO_WORKERS", "add_casework_demo"]

DEMO_SOURCE = "demo"
# The demo's social workers (usernames) and Si Hore carers. "peksos" is the demo account of the
# Pekerja sosial role (demo_accounts.py): logged in as it, "Kasus saya" has cases.
DEMO_WORKERS = ("peksos", "peksos.agus", "peksos.dewi")
CHILD_WORKERS = ("peksos.dewi", "peksos")

_ENROLLED = text(
    "SELECT e.person_id, e.start_date, e.details, p.name, p.status, p.status_date "
    "FROM enrolment e JOIN person p ON p.id = e.person_id WHERE e.program_code = :program "
    "AND e.deleted = 0 AND p.deleted = 0 ORDER BY p.name, p.id"
)

# Devices a ragam usually asks for.
_DEVICES_FOR = {
    "fisik": ("kursi_roda", "kruk", "walker", "tongkat", "kaki_palsu"),
    "sensorik_netra": ("tongkat_netra",),
    "sensorik_rungu": ("alat_bantu_dengar",),
}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class _Rows:
    """Rows per table for one unit of work, written in bulk with their change-log rows."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[type[SQLModel], list[dict[str, Any]]]] = {}

    def add(self, model: type[SQLModel], entity: str, **fields: Any) -> dict[str, Any]:
        fields.setdefault("id", new_id())
        self.tables.setdefault(entity, (model, []))[1].append(fields)
        return fields

    def count(self, entity: str) -> int:
        return len(self.tables.get(entity, (None, []))[1])

    def write(self, uow: UnitOfWork) -> int:
        written = 0
        conn = uow.session.connection()
        # Parents before children: the order of `add` calls per table kind.
        for entity, (model, rows) in self.tables.items():
            written += _bulk(uow, conn, entity, model, rows)
        return written


def _bulk(
    uow: UnitOfWork, conn: Any, entity: str, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> int:
    if not rows:
        return 0
    now = uow.now()
    full: list[dict[str, Any]] = []
    logs: list[dict[str, Any]] = []
    for row, stamp in zip(rows, uow.stamps(len(rows)), strict=True):
        values = {**row, "hlc": stamp, "created_at": now, "updated_at": now, "deleted": False}
        full.append(values)
        changes = {
            k: [None, _jsonable(v)]
            for k, v in values.items()
            if v is not None and k not in ("hlc", "created_at", "updated_at")
        }
        logs.append(
            {
                "id": new_id(),
                "hlc": stamp,
                "device_id": uow.ctx.device.id,
                "actor": uow.ctx.actor,
                "at": now,
                "entity": entity,
                "entity_id": values["id"],
                "op": "create",
                "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
                "source": uow.source,
                "batch_id": uow.batch_id,
            }
        )
    table = model.__table__  # type: ignore[attr-defined]  # SQLModel table classes have it
    conn.execute(insert(table), full)
    conn.execute(insert(ChangeLog.__table__), logs)  # type: ignore[attr-defined]  # as above
    uow.logged(entity, [r["id"] for r in full], created=True)
    return len(full)


class _Demo:
    def __init__(self, ctx: AppContext, rng: random.Random, today: date) -> None:
        self.ctx = ctx
        self.rng = rng
        self.today = today
        fake = Faker("id_ID")
        fake.seed_instance(rng.randrange(2**31))
        self.gone: dict[str, tuple[str, date]] = {}
        self.carers = [f"{fake.first_name_female()} {fake.last_name()}" for _ in range(5)]

    def enrolled(self, program: str) -> list[tuple[str, date, dict[str, Any], str]]:
        with self.ctx.db.session() as s:
            rows = s.execute(_ENROLLED, {"program": program}).all()
        # A person who died or moved away keeps a closed case with that reason.
        self.gone = {
            r[0]: (str(r[4]), date.fromisoformat(str(r[5])[:10]) if r[5] else self.today)
            for r in rows
            if r[4] != "aktif"
        }
        return [
            (r[0], date.fromisoformat(str(r[1])[:10]), json.loads(r[2] or "{}"), r[3]) for r in rows
        ]

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def case(
        self, rows: _Rows, person_id: str, program: str, opened: date, worker: str, **extra: Any
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "person_id": person_id,
            "program_code": program,
            "worker": worker,
            "status": CaseStatus.OPEN.value,
            "opened_on": opened,
            "closed_on": None,
            "close_reason": None,
            "close_note": None,
            "follow_up_on": None,
            "carer": None,
            "visit_every_days": None,
            "last_visit_on": None,
            "stage": None,
            "notes": None,
        }
        values.update(extra)
        return rows.add(CaseFile, "case", **values)

    def activity(
        self,
        rows: _Rows,
        case: Mapping[str, Any],
        kind: str,
        on: date,
        *,
        notes: str | None = None,
        target: str | None = None,
        details: Mapping[str, Any] | None = None,
        worker: str | None = None,
    ) -> None:
        rows.add(
            CaseActivity,
            "case_activity",
            case_id=case["id"],
            kind=kind,
            done_on=on,
            worker=worker or case["worker"],
            notes=notes,
            follow_up_on=None,
            target=target,
            details=json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True),
        )

    def assessment(self, rows: _Rows, case: Mapping[str, Any], on: date, answers: dict) -> None:
        rows.add(
            CaseAssessment,
            "case_assessment",
            case_id=case["id"],
            assessed_on=on,
            assessor=case["worker"],
            answers=json.dumps(answers, ensure_ascii=False, sort_keys=True),
        )

    def plan(self, rows: _Rows, case: Mapping[str, Any], on: date, goals: Sequence[str]) -> None:
        plan = rows.add(
            CasePlan,
            "case_plan",
            case_id=case["id"],
            made_on=on,
            review_on=on + timedelta(days=180),
            summary=None,
        )
        for goal in goals:
            achieved = self.rng.random() < 0.3 and on + timedelta(days=60) < self.today
            rows.add(
                CaseGoal,
                "case_goal",
                plan_id=plan["id"],
                case_id=case["id"],
                text=goal,
                target_on=on + timedelta(days=180),
                status="tercapai" if achieved else "berjalan",
                done_on=self.day_between(on + timedelta(days=30), self.today) if achieved else None,
            )

    def close_gone(self, rows: _Rows) -> None:
        """Close the cases of persons who died or moved; drop work dated after any closing."""
        closed: dict[str, date] = {}
        for case in rows.tables.get("case", (CaseFile, []))[1]:
            if case["closed_on"] is not None:
                closed[case["id"]] = case["closed_on"]
            gone = self.gone.get(case["person_id"])
            if gone is None:
                continue
            status, on = gone
            on = max(on, case["opened_on"])
            closed[case["id"]] = on
            case.update(
                status=CaseStatus.CLOSED.value,
                closed_on=on,
                close_reason=status if status in ("meninggal", "pindah") else "lainnya",
                follow_up_on=None,
            )
        if not closed:
            return
        for entity, field in (("case_activity", "done_on"), ("case_stage", "started_on")):
            if entity in rows.tables:
                kept = [
                    r
                    for r in rows.tables[entity][1]
                    if r["case_id"] not in closed or r[field] <= closed[r["case_id"]]
                ]
                rows.tables[entity][1][:] = kept
        for case in rows.tables["case"][1]:
            if case["id"] in closed and case.get("last_visit_on"):
                visits = [
                    r["done_on"]
                    for r in rows.tables.get("case_activity", (CaseActivity, []))[1]
                    if r["case_id"] == case["id"] and r["kind"] == "kunjungan_rumah"
                ]
                case["last_visit_on"] = max(visits) if visits else None

    # -- Si Hore -----------------------------------------------------------------------------
    def sihore(self) -> _Rows:
        rows = _Rows()
        services = list(SIHORE_SERVICES)
        for n, (person_id, _start, _details, _name) in enumerate(self.enrolled("SIHORE")):
            every = self.rng.choice((7, 7, 7, 3, 14))
            opened = self.today - timedelta(days=370 + self.rng.randrange(60))
            carer = self.carers[n % len(self.carers)]
            case = self.case(
                rows,
                person_id,
                "SIHORE",
                opened,
                DEMO_WORKERS[0],
                carer=carer,
                visit_every_days=every,
            )
            self.assessment(
                rows,
                case,
                opened,
                {
                    "mobilitas": self.rng.choice(("dibantu", "tirah_baring", "tirah_baring")),
                    "kondisi": "stabil",
                    "kebutuhan": ["kebersihan_diri", "makanan", "obat"],
                },
            )
            # A few clients fall behind: their last visit is well before the due date.
            behind = n % 7 == 3
            last_day = self.today - timedelta(
                days=every + 5 if behind else self.rng.randrange(every)
            )
            day, last = opened + timedelta(days=self.rng.randrange(1, 4)), None
            while day <= last_day:
                if self.rng.random() > 0.06:  # now and then a visit is missed
                    given = [s for s in services if self.rng.random() < 0.75] or ["pendampingan"]
                    condition = self.rng.choices(
                        ("baik", "stabil", "menurun", "perlu_rujukan"), (3, 10, 2, 0.3)
                    )[0]
                    self.activity(
                        rows,
                        case,
                        "kunjungan_rumah",
                        day,
                        worker=DEMO_WORKERS[0],
                        details={
                            "services": given,
                            "condition": condition,
                            "carer": carer,
                            "next_visit_on": (day + timedelta(days=every)).isoformat(),
                        },
                    )
                    last = day
                day += timedelta(days=every + self.rng.choice((0, 0, 0, 1, -1)))
            case["last_visit_on"] = last
            case["follow_up_on"] = (last or opened) + timedelta(days=every)
        return rows

    # -- disability --------------------------------------------------------------------------
    def disability(self, signer: Any) -> _Rows:
        rows = _Rows()
        sequence = 0
        device_name = self.ctx.device.name
        for n, (person_id, start, details, name) in enumerate(self.enrolled("DISABILITAS")):
            opened = max(start, self.today - timedelta(days=900))
            worker = DEMO_WORKERS[1 + n % 2]
            case = self.case(rows, person_id, "DISABILITAS", opened, worker)
            ragam = list(details.get("ragam") or ["fisik"])
            severity = self.rng.choices(("ringan", "sedang", "berat"), (3, 4, 2))[0]
            needs = ["bantuan_sosial"] + (["alat_bantu"] if severity != "ringan" else [])
            self.assessment(
                rows,
                case,
                self.day_between(opened, opened + timedelta(days=30)),
                {"ragam": ragam, "tingkat": severity, "kebutuhan": needs, "bpjs": True},
            )
            if self.rng.random() < 0.3:
                self.activity(
                    rows,
                    case,
                    "kunjungan_rumah",
                    self.day_between(opened, self.today),
                    notes="Kunjungan asesmen lanjutan",
                )
            kinds = [k for r in ragam for k in _DEVICES_FOR.get(r, ())]
            if not kinds or severity == "ringan" or self.rng.random() > 0.45:
                continue
            kind = self.rng.choice(kinds)
            requested = self.day_between(opened, self.today - timedelta(days=5))
            device: dict[str, Any] = {
                "id": new_id(),
                "case_id": case["id"],
                "kind": kind,
                "status": "diminta",
                "requested_on": requested,
                "spec": None,
                "delivered_on": None,
                "received_by": None,
                "officer": None,
                "number": None,
                "signed_by": None,
                "signature": None,
                "notes": None,
            }
            if self.rng.random() < 0.65:
                sequence += 1
                delivered = self.day_between(requested + timedelta(days=3), self.today)
                number = format_receipt_number(f"AB{delivered.year}", device_name, sequence)
                device.update(
                    status="diserahkan",
                    delivered_on=delivered,
                    received_by=name,
                    officer=self.ctx.actor,
                    number=number,
                    signed_by=self.ctx.device.id,
                )
                fields = {**device, "delivered_on": delivered.isoformat()}
                device["signature"] = encode_signature(
                    signer.sign(device_handover_signed_bytes(fields)).signature
                )
                self.activity(
                    rows,
                    case,
                    "bantuan",
                    delivered,
                    details={"device_id": device["id"], "kind": kind, "number": number},
                )
            rows.add(CaseDevice, "case_device", **device)
        return rows

    # -- children ----------------------------------------------------------------------------
    def neglected(self) -> _Rows:
        rows = _Rows()
        for n, (person_id, start, _details, _name) in enumerate(self.enrolled("ANAK_TERLANTAR")):
            opened = max(start, self.today - timedelta(days=700))
            case = self.case(rows, person_id, "ANAK_TERLANTAR", opened, CHILD_WORKERS[n % 2])
            situation = self.rng.choice(("yatim_piatu", "ditelantarkan", "tanpa_pengasuh"))
            self.assessment(
                rows,
                case,
                opened,
                {
                    "situasi": situation,
                    "sekolah": self.rng.choice(("sekolah", "sekolah", "putus_sekolah")),
                    "kebutuhan": ["pengasuhan", "pendidikan", "dokumen"],
                },
            )
            self.plan(
                rows,
                case,
                opened + timedelta(days=7),
                ["Anak tinggal bersama pengasuh yang tetap", "Anak bersekolah secara teratur"],
            )
            for _ in range(self.rng.randrange(3, 9)):
                kind = self.rng.choice(("sesi", "kunjungan_rumah", "sesi", "rujukan"))
                target = (
                    self.rng.choice(("lpks", "puskesmas", "sekolah")) if kind == "rujukan" else None
                )
                self.activity(rows, case, kind, self.day_between(opened, self.today), target=target)
            if n % 9 == 4:
                case["status"] = CaseStatus.CLOSED.value
                case["closed_on"] = self.day_between(opened + timedelta(days=60), self.today)
                case["close_reason"] = "tujuan_tercapai"
            else:
                case["follow_up_on"] = self.today + timedelta(days=self.rng.randrange(-3, 21))
        return rows

    def abh(self) -> _Rows:
        rows = _Rows()
        stages = list(SPPA_STAGES)
        for n, (person_id, start, details, _name) in enumerate(self.enrolled("ABH")):
            opened = start
            case = self.case(rows, person_id, "ABH", opened, CHILD_WORKERS[n % 2])
            role = details.get("role") or "pelaku"
            self.assessment(
                rows,
                case,
                opened,
                {
                    "kedudukan": role,
                    "perkara": self.rng.choice(
                        ("Pencurian", "Perkelahian", "Perundungan", "Kecelakaan lalu lintas")
                    ),
                    "ancaman_tahun": self.rng.choice((2, 5, 7)),
                    "kebutuhan": ["psikososial", "bantuan_hukum"],
                },
            )
            # Spread the cases over the stages; diversion skipped now and then.
            reached = stages[: 1 + n % len(stages)]
            if len(reached) > 2 and n % 3 == 0:
                reached.remove("diversi")
            day = opened
            for stage in reached:
                day = self.day_between(day, min(self.today, day + timedelta(days=40)))
                rows.add(
                    CaseStage,
                    "case_stage",
                    case_id=case["id"],
                    stage=stage,
                    started_on=day,
                    placement=self.rng.choice(("orang_tua", "lpks", "lpka"))
                    if stage == "pembinaan"
                    else None,
                    note=None,
                )
                if stage in ("diversi", "persidangan", "putusan"):
                    self.activity(rows, case, "sidang", day, details={"stage": stage})
            case["stage"] = reached[-1]
            for _ in range(self.rng.randrange(2, 6)):
                self.activity(rows, case, "sesi", self.day_between(opened, self.today))
            if self.rng.random() < 0.4:
                self.activity(
                    rows,
                    case,
                    "rujukan",
                    self.day_between(opened, self.today),
                    target=self.rng.choice(("lpks", "puskesmas", "psikolog")),
                )
            if reached[-1] == "pembinaan" and n % 2 == 0:
                case["status"] = CaseStatus.CLOSED.value
                case["closed_on"] = self.day_between(day, self.today)
                case["close_reason"] = "perkara_selesai"
            else:
                case["follow_up_on"] = self.today + timedelta(days=self.rng.randrange(0, 14))
        return rows


def add_casework_demo(ctx: AppContext, rng: random.Random, options: Any) -> dict[str, int]:
    """Cases for every demo person in a casework program; returns counts for the summary."""
    today = getattr(options, "today", None) or ctx.clock.today()
    demo = _Demo(ctx, rng, today)
    signer = device_signing_key(ctx)
    counts: dict[str, int] = {}
    for program, build in (
        ("sihore", demo.sihore),
        ("disabilitas", lambda: demo.disability(signer)),
        ("anak_terlantar", demo.neglected),
        ("abh", demo.abh),
    ):
        rows = build()
        demo.close_gone(rows)
        with ctx.unit_of_work(source=DEMO_SOURCE) as uow:
            rows.write(uow)
        counts[f"kasus_{program}"] = rows.count("case")
        counts.setdefault("kegiatan_kasus", 0)
        counts["kegiatan_kasus"] += rows.count("case_activity")
        if program == "disabilitas":
            counts["alat_bantu_diserahkan"] = sum(
                1
                for d in rows.tables.get("case_device", (CaseDevice, []))[1]
                if d["status"] == "diserahkan"
            )
    return counts
