"""`berdaya report NAME --from DATE --to DATE -o FILE`: the reports of the Laporan menu.

NAME: `bulanan` (monthly per program, `--program CODE`, default RASTRADA), `realisasi` (a
distribution round, `--round CODE`), `pelatihan` (training), `kualitas` (data quality); the
English names monthly/realisation/training/quality work too. FILE ends in .pdf (letterhead,
charts, the head's signature) or .xlsx (the same tables). The period defaults to this month.
Exit codes: 0 written, 1 refused (unknown program or round, empty period), 2 unusable input.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli import add_db_option
from desktop_app.commands.runner import UsageError, refused, run_on_database
from desktop_app.domain.errors import Msg, Refusal

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext

BAD_DATE = Msg(
    "report.cli_bad_date",
    "Tanggal '{value}' tidak dapat dibaca; tulis TTTT-BB-HH, misalnya 2026-11-30.",
    "Date '{value}' cannot be read; write YYYY-MM-DD, e.g. 2026-11-30.",
)
BAD_OUTPUT = Msg(
    "report.cli_bad_output",
    "Berkas keluaran harus berakhiran .pdf atau .xlsx, di folder yang ada: {path}",
    "The output file must end in .pdf or .xlsx, in an existing folder: {path}",
)



def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="laporan (bulanan, realisasi, pelatihan, kualitas)")
    p.add_argument("name", help="bulanan | realisasi | pelatihan | kualitas")
    add_db_option(p)
    p.add_argument("--from", dest="start", help="tanggal awal TTTT-BB-HH (bawaan: awal bulan ini)")
    p.add_argument("--to", dest="end", help="tanggal akhir TTTT-BB-HH (bawaan: akhir bulan ini)")
    p.add_argument("--program", help="kode program untuk laporan bulanan (bawaan: RASTRADA)")
    p.add_argument("--round", dest="round_ref", help="kode putaran untuk laporan realisasi")
    p.add_argument("-o", "--output", type=Path, required=True, help="berkas .pdf atau .xlsx")
    p.set_defaults(func=cmd_report)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(BAD_DATE, value=value) from None


def cmd_report(args: argparse.Namespace) -> int:
    from desktop_app.services.reporting import Period
    from desktop_app.services.reporting.reports import build_report, report_name, write_report

    def body(ctx: AppContext) -> int:
        try:
            name = report_name(args.name)
            start, end = _date(args.start), _date(args.end)
            out: Path = args.output
            if out.suffix.lower() not in (".pdf", ".xlsx") or not out.parent.exists():
                raise UsageError(BAD_OUTPUT, path=out)
        except Refusal as exc:  # the command line asks for a report that cannot be made
            return refused(exc, 2)
        # A missing end is the end of the start's month; a missing start, its end's month's first.
        month = Period.month_of(start or end or ctx.clock.today())
        period = Period(start or month.start, end or month.end)
        doc = build_report(ctx, name, period, program=args.program, round_ref=args.round_ref)
        parts = write_report(out, ctx, doc)
        unit = "lembar kerja" if out.suffix.lower() == ".xlsx" else "halaman"
        print(f"{doc.title} ({doc.subtitle}): {parts} {unit} -> {out}")
        return 0

    return run_on_database(
        args,
        body,
        lambda exc: int(getattr(exc, "exit_code", 1) or 1),
        catch=(Refusal,),
        read_only=True,
    )
