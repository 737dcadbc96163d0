"""Synthetic demo data for Kota Blitar at real size (all names and numbers are invented).

`generate_demo(path, DemoOptions(scale=..., seed=...))` fills an empty database with households
(KPM) and their members spread over the 21 kelurahan, program enrolments (Rastrada, Rapelan,
Si Hore, disabilitas, anak terlantar, ABH) and a few deaths and moves with their status history.
The same seed and reference date always give the same data, so screenshots, manuals and
benchmarks can be reproduced.

Rows go in through `bulk_insert`, one unit of work per phase, so every row has its change-log
row (the demo is as auditable and syncable as typed data) while the office scale still takes
only a few seconds. Other feature areas add their own demo data (distribution rounds, trainings)
through `DEMO_EXTENSIONS`.

`generate_demo` then adds the demo accounts (`DEMO_ACCOUNTS`: one per role, documented
passwords) unless `DemoOptions(accounts=False)`: the administrator first, as at a real first
start, then the others by that administrator.
"""

from __future__ import annotations

import dataclasses
import importlib
import random
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from desktop_app.domain.errors import Msg
from desktop_app.services.bulk import bulk_insert, chunked
from desktop_app.services.context import AppContext, ServiceError, open_app
from desktop_app.services.demo_accounts import DEMO_ACCOUNTS
from desktop_app.services.demo_registry import (
    DEMO_ACTOR,
    SCALES,
    DemoOptions,
    RegistryGenerator,
    Scale,
)

__all__ = [
    "DEMO_EXTENSIONS",
    "DEMO_ENCRYPTED",
    "SCALES",
    "DemoOptions",
    "DemoRefused",
    "Scale",
    "add_demo_accounts",
    "generate_demo",
    "populate_demo",
]

# Other areas' demo data, as "module:function" strings. Each function is called after the
# registry data as fn(ctx, rng, options) with its own seeded random.Random, and may return a
# dict of counts that is merged into the summary. One line per area.
DEMO_EXTENSIONS: list[str] = [
    "desktop_app.services.demo_training:generate_training_demo",
    "desktop_app.services.demo_distribution:add_distribution_demo",
    "desktop_app.services.demo_casework:add_casework_demo",
]

DEMO_SOURCE = "demo"
# The demo build encrypts the demo database (SQLCipher + key file) under the demo
# administrator's password, as a real first start does. The recovery key of a demo database is
# not kept: a demo is rebuilt, never recovered.
DEMO_ENCRYPTED = True
_CHUNK = 5000


SCALE_UNKNOWN = Msg(
    "demo.scale_unknown",
    "Skala demo '{scale}' tidak dikenal; pilih salah satu: {scales}.",
    "The demo scale '{scale}' is not known; choose one of: {scales}.",
)
NOT_EMPTY = Msg(
    "demo.not_empty",
    "Basis data ini sudah berisi data. Data demo hanya dibuat di basis data baru atau "
    "kosong, supaya tidak tercampur dengan data asli. Pilih berkas lain.",
    "This database already holds data. Demo data is only made in a new or empty database, so "
    "that it never mixes with real data. Choose another file.",
)


class DemoRefused(ServiceError):
    """The target database already holds data; demo rows must never mix with real ones."""

    def __init__(self, msg: Msg = NOT_EMPTY, /, **params: Any) -> None:
        super().__init__(msg, **params)


def _is_empty(ctx: AppContext) -> bool:
    with ctx.db.engine.connect() as conn:
        for table in ("person", "household", "enrolment"):
            if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                return False
    return True


def _insert(ctx: AppContext, phase: str, tables: Iterable[tuple[str, list[dict]]]) -> int:
    """One unit of work per phase: all of it lands, or none of it."""
    written = 0
    with ctx.unit_of_work(source=DEMO_SOURCE) as uow:
        for entity, rows in tables:
            for batch in chunked(rows, _CHUNK):
                written += bulk_insert(uow, entity, batch)
    return written


def populate_demo(ctx: AppContext, options: DemoOptions) -> dict[str, int]:
    """Fill an open, empty database; returns counts per kind of data."""
    if options.scale not in SCALES:
        raise ServiceError(SCALE_UNKNOWN, scale=options.scale, scales=", ".join(SCALES))
    if not _is_empty(ctx):
        raise DemoRefused()
    started = time.perf_counter()
    say = options.progress or (lambda _message: None)
    # A demo opens straight into a usable app: its profile is complete (no set-up wizard, no
    # DRAF mark), with values that say they are made up.
    ctx.save_office_profile(
        dataclasses.replace(
            ctx.office,
            address="Jl. Contoh No. 1 (alamat demo), Kota Blitar",
            phone="(0342) 000000",
            head_name="Kepala Dinas Demo, S.Sos.",
            head_nip="197001012000031001",
        )
    )
    gen = RegistryGenerator(ctx, options, SCALES[options.scale])

    say("Membuat KPM dan anggota keluarga …")
    gen.build_households()
    by_program = gen.build_programs()
    gen.build_statuses(by_program)

    say("Menyimpan registri …")
    _insert(
        ctx,
        "registry",
        [
            ("household", gen.households),
            ("person", gen.persons),
            ("kk_history", gen.kk_history),
        ],
    )
    say("Menyimpan kepesertaan program …")
    _insert(ctx, "programs", [("enrolment", gen.enrolments)])
    say("Menyimpan riwayat status …")
    _insert(ctx, "statuses", [("status_history", gen.status_history)])

    summary: dict[str, int] = {
        "households": len(gen.households),
        "persons": len(gen.persons),
        "kpm_rastrada": sum(1 for h in gen.households if h["card_code"]),
        **{p.lower(): len(rows) for p, rows in by_program.items()},
        **gen.counts,
    }
    for spec in DEMO_EXTENSIONS:
        say(f"Data demo tambahan: {spec} …")
        module_name, _, func_name = spec.partition(":")
        func = getattr(importlib.import_module(module_name), func_name)
        result = func(ctx, random.Random(f"{options.seed}:{spec}"), options)
        if isinstance(result, dict):
            summary.update({str(k): int(v) for k, v in result.items()})
    with ctx.db.engine.connect() as conn:
        summary["change_log"] = int(
            conn.execute(text("SELECT count(*) FROM change_log")).scalar_one()
        )
    summary["duration_ms"] = int((time.perf_counter() - started) * 1000)
    return summary


def generate_demo(path: Path, options: DemoOptions) -> dict[str, int]:
    """Create (or fill an empty) database at `path` with demo data; refuses a non-empty one."""
    ctx = open_app(path, actor=DEMO_ACTOR)
    try:
        summary = populate_demo(ctx, options)
        if options.accounts:
            # The first administrator is created by whoever the database names as its officer:
            # the demo, not the operating-system login of the person who built the file.
            ctx.save_officer(DEMO_ACTOR)
    finally:
        ctx.close()
    if options.accounts:
        summary["accounts"] = add_demo_accounts(path)
    return summary


def add_demo_accounts(path: Path) -> int:
    """The demo accounts on a database that has none yet; returns how many were made."""
    from desktop_app.services.accounts import AccountInput, AccountService, create_administrator

    username, full_name, role, nip, password = DEMO_ACCOUNTS[0]
    first = create_administrator(
        path, AccountInput(username, full_name, role, nip), password, encrypt=DEMO_ENCRYPTED
    )
    ctx = first.ctx
    try:
        # Logged in as the demo administrator, who adds the others; the change log still names
        # the demo as the writer of every demo row (screenshots, the sync tests).
        ctx.actor = DEMO_ACTOR
        service = AccountService(ctx)
        for username, full_name, role, nip, password in DEMO_ACCOUNTS[1:]:
            service.add_account(
                AccountInput(username, full_name, role, nip),
                password,
                must_change_password=False,  # documented demo passwords, ready to use
            )
    finally:
        ctx.close()
    return len(DEMO_ACCOUNTS)
