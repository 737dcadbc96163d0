"""`berdaya laporan-insiden`: the prefilled data-breach report (UU 27/2022 art. 46).

`berdaya laporan-insiden --perangkat LAP02 -o insiden.pdf [--diketahui "2026-12-05 08:30"]
[--uraian TEXT]`: the office, the lost device, the data it may have held, the notice deadline
(discovered + 3×24 h), the checklist and the signatures. Needs an administrator (USERS_MANAGE or
PROFILE_EDIT). Exit codes: 0 written, 1 refused (permission), 2 unusable input.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli import add_db_option
from desktop_app.commands.runner import UsageError, refused, run_on_database
from desktop_app.domain.errors import Msg, Refusal

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext

BAD_MOMENT = Msg(
    "privacy.cli_bad_moment",
    "Waktu '{value}' tidak dapat dibaca; tulis TTTT-BB-HH JJ:MM, misalnya 2026-12-05 08:30.",
    "The time '{value}' cannot be read; write YYYY-MM-DD HH:MM, e.g. 2026-12-05 08:30.",
)
BAD_OUTPUT = Msg(
    "privacy.cli_bad_output",
    "Berkas keluaran harus berakhiran .pdf, di folder yang ada: {path}",
    "The output file must end in .pdf, in an existing folder: {path}",
)
BAD_DEVICE = Msg(
    "privacy.cli_bad_device",
    "Nama perangkat '{value}' tidak sah: 2-8 huruf besar atau angka, misalnya LAP02.",
    "The device name '{value}' is not valid: 2-8 capital letters or digits, e.g. LAP02.",
)



def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "laporan-insiden",
        help="laporan insiden data pribadi (perangkat hilang, berkas bocor) untuk dicetak",
    )
    add_db_option(p)
    p.add_argument("--perangkat", metavar="NAMA", help="perangkat yang hilang, misalnya LAP02")
    p.add_argument(
        "--diketahui",
        metavar="WAKTU",
        help="kapan insiden diketahui, TTTT-BB-HH JJ:MM (bawaan: sekarang)",
    )
    p.add_argument("--uraian", default="", help="uraian singkat kejadian")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_incident)


def _moment(value: str | None, now: datetime) -> datetime:
    """The moment typed (office time when it names no zone), or now."""
    if not value:
        return now
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(BAD_MOMENT, value=value) from None


def cmd_incident(args: argparse.Namespace) -> int:
    from desktop_app.domain.devices import is_device_name, normalise_device_name
    from desktop_app.services.privacy import incident_report_pdf

    def body(ctx: AppContext) -> int:
        try:
            out: Path = args.output
            if out.suffix.lower() != ".pdf" or not out.parent.exists():
                raise UsageError(BAD_OUTPUT, path=out)
            device = normalise_device_name(args.perangkat) if args.perangkat else None
            if device is not None and not is_device_name(device):
                raise UsageError(BAD_DEVICE, value=args.perangkat)
            discovered = _moment(args.diketahui, ctx.clock.now())
        except Refusal as exc:
            return refused(exc, 2)
        path = incident_report_pdf(
            ctx, out, lost_device=device, discovered_at=discovered, description=args.uraian
        )
        print(f"Laporan insiden: {path}")
        return 0

    return run_on_database(args, body, lambda _exc: 1)
