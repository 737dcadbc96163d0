"""Casework commands: case lists, overdue Si Hore visits, and the casework documents.

`berdaya casework list --db PATH [--program P] [--worker W] [--due] [--closed] [--json]`
`berdaya casework overdue --db PATH [--json]`
`berdaya print sihore-recap --db PATH --month YYYY-MM -o FILE.pdf|FILE.xlsx`
`berdaya print visit-card --db PATH --case ID --month YYYY-MM -o FILE.pdf`
`berdaya print device-receipt --db PATH --device ID -o FILE.pdf`
`berdaya print hearing-summary --db PATH --case ID -o FILE.pdf`

A case may be named by its id or an unambiguous prefix (as `casework list` shows). Every
document is a print of restricted data and goes to the access log. Exit codes: 0 done, 1
refused (e.g. no permission, a device not handed over yet), 2 unusable input.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli import add_db_option, print_json
from desktop_app.commands.printing import get_print_subparsers
from desktop_app.commands.runner import UsageError, run_on_database
from desktop_app.domain.errors import Msg, Refusal

if TYPE_CHECKING:
    from desktop_app.services.casework import CaseworkService
    from desktop_app.services.context import AppContext

UNKNOWN_CASE = Msg(
    "casework.cli_unknown_case",
    "Kasus '{ref}' tidak ditemukan. Lihat: berdaya casework list",
    "Case '{ref}' not found. See: berdaya casework list",
)
AMBIGUOUS_CASE = Msg(
    "casework.cli_ambiguous_case",
    "Awalan '{ref}' cocok dengan {count} kasus; tulis lebih panjang.",
    "Prefix '{ref}' matches {count} cases; write more of it.",
)
BAD_MONTH = Msg(
    "casework.cli_bad_month",
    "Bulan '{text}' tidak dapat dibaca; tulis seperti 2026-10.",
    "The month '{text}' cannot be read; write it like 2026-10.",
)
NO_FOLDER = Msg(
    "casework.cli_no_folder", "Folder {path} tidak ada.", "Folder {path} does not exist."
)
WRONG_SUFFIX = Msg(
    "casework.cli_wrong_suffix",
    "Nama berkas keluaran harus berakhiran {suffixes}",
    "The output file name must end in {suffixes}",
)



def register(sub: argparse._SubParsersAction) -> None:
    casework = sub.add_parser("casework", help="layanan kasus (Si Hore, disabilitas, anak)")
    csub = casework.add_subparsers(dest="casework_command", metavar="PERINTAH", required=True)
    listing = csub.add_parser("list", help="daftar kasus")
    add_db_option(listing)
    listing.add_argument("--program", help="SIHORE, DISABILITAS, ANAK_TERLANTAR atau ABH")
    listing.add_argument("--worker", help="nama pengguna pekerja sosial")
    listing.add_argument("--due", action="store_true", help="hanya yang jatuh tempo minggu ini")
    listing.add_argument("--closed", action="store_true", help="kasus yang sudah ditutup")
    listing.add_argument("--json", action="store_true", help="keluaran JSON")
    listing.set_defaults(func=cmd_list)
    overdue = csub.add_parser("overdue", help="kunjungan Si Hore yang terlambat")
    add_db_option(overdue)
    overdue.add_argument("--json", action="store_true", help="keluaran JSON")
    overdue.set_defaults(func=cmd_overdue)

    prints = get_print_subparsers(sub)
    recap = prints.add_parser("sihore-recap", help="rekap kunjungan Si Hore sebulan (PDF/xlsx)")
    add_db_option(recap)
    recap.add_argument("--month", required=True, help="bulan, mis. 2026-10")
    recap.add_argument("-o", "--output", type=Path, required=True, help="berkas .pdf atau .xlsx")
    recap.set_defaults(func=cmd_print_recap)
    card = prints.add_parser("visit-card", help="kartu kunjungan Si Hore seorang klien")
    add_db_option(card)
    card.add_argument("--case", required=True, help="id kasus (atau awalannya)")
    card.add_argument("--month", required=True, help="bulan, mis. 2026-10")
    card.add_argument("-o", "--output", type=Path, required=True, help="berkas PDF tujuan")
    card.set_defaults(func=cmd_print_card)
    receipt = prints.add_parser("device-receipt", help="tanda terima alat bantu disabilitas")
    add_db_option(receipt)
    receipt.add_argument("--device", required=True, help="id alat bantu")
    receipt.add_argument("-o", "--output", type=Path, required=True, help="berkas PDF tujuan")
    receipt.set_defaults(func=cmd_print_receipt)
    summary = prints.add_parser("hearing-summary", help="ringkasan kasus anak untuk sidang")
    add_db_option(summary)
    summary.add_argument("--case", required=True, help="id kasus (atau awalannya)")
    summary.add_argument("-o", "--output", type=Path, required=True, help="berkas PDF tujuan")
    summary.set_defaults(func=cmd_print_summary)


def _exit_code(exc: Refusal) -> int:
    return 2 if isinstance(exc, UsageError) else 1


def _run(args: argparse.Namespace, body: Callable[[CaseworkService], int]) -> int:
    from desktop_app.services.casework import CaseworkService

    def action(ctx: AppContext) -> int:
        return body(CaseworkService(ctx))

    # Not read-only: opening and printing restricted records is written to the access log.
    return run_on_database(args, action, _exit_code, catch=(Refusal,))


def _month(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text or ""))
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise UsageError(BAD_MONTH, text=str(text)[:20])
    return int(found.group(1)), int(found.group(2))


def _output(path: Path, *suffixes: str) -> Path:
    if not path.parent.exists():
        raise UsageError(NO_FOLDER, path=path.parent)
    if path.suffix.lower() not in suffixes:
        raise UsageError(WRONG_SUFFIX, suffixes=" / ".join(suffixes))
    return path


def _resolve_case(svc: CaseworkService, ref: str) -> str:
    from desktop_app.services.casework import CaseFilter

    ref = str(ref or "").strip()
    ids = [r.id for r in svc.list_cases(CaseFilter(status=None))]
    matches = [i for i in ids if ref and i.startswith(ref)]
    if ref in matches:
        return ref
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(UNKNOWN_CASE, ref=ref[:40])
    raise UsageError(AMBIGUOUS_CASE, ref=ref[:40], count=len(matches))


def cmd_list(args: argparse.Namespace) -> int:
    from desktop_app.services.casework import CaseFilter

    def body(svc: CaseworkService) -> int:
        program = (args.program or "").strip().upper() or None
        if args.due:
            rows = svc.due_this_week(worker=args.worker)
            rows = [r for r in rows if program is None or r.program_code == program]
        else:
            status = "ditutup" if args.closed else "aktif"
            rows = svc.list_cases(
                CaseFilter(program_code=program, worker=args.worker, status=status)
            )
        if args.json:
            print_json([r.__dict__ for r in rows])
            return 0
        if not rows:
            print("Tidak ada kasus.")
            return 0
        print(f"{'ID':<36}  {'Program':<15} {'Tindak lanjut':<13} {'Pekerja':<14} Nama")
        for r in rows:
            due = f"{r.follow_up_on:%d-%m-%Y}" if r.follow_up_on else "-"
            print(f"{r.id:<36}  {r.program_code:<15} {due:<13} {r.worker:<14} {r.person_name}")
        return 0

    return _run(args, body)


def cmd_overdue(args: argparse.Namespace) -> int:
    def body(svc: CaseworkService) -> int:
        rows = svc.overdue_visits()
        if args.json:
            print_json([r.__dict__ for r in rows])
            return 0
        if not rows:
            print("Tidak ada kunjungan yang terlambat.")
            return 0
        for r in rows:
            print(
                f"{r.days_late:>3} hari  {r.due_on:%d-%m-%Y}  {r.carer or '-':<24} {r.person_name}"
            )
        return 0

    return _run(args, body)


def cmd_print_recap(args: argparse.Namespace) -> int:
    def body(svc: CaseworkService) -> int:
        path = _output(args.output, ".pdf", ".xlsx")
        year, month = _month(args.month)
        if path.suffix.lower() == ".xlsx":
            clients = svc.recap_xlsx(year, month, path)
        else:
            clients = svc.recap_pdf(year, month, path)
        print(f"Rekap Si Hore {month:02d}-{year}: {clients} klien -> {path}")
        return 0

    return _run(args, body)


def cmd_print_card(args: argparse.Namespace) -> int:
    def body(svc: CaseworkService) -> int:
        path = _output(args.output, ".pdf")
        year, month = _month(args.month)
        rows = svc.visit_card_pdf(_resolve_case(svc, args.case), year, month, path)
        print(f"Kartu kunjungan: {rows} baris -> {path}")
        return 0

    return _run(args, body)


def cmd_print_receipt(args: argparse.Namespace) -> int:
    def body(svc: CaseworkService) -> int:
        path = _output(args.output, ".pdf")
        svc.device_receipt_pdf(str(args.device).strip(), path)
        print(f"Tanda terima alat bantu -> {path}")
        return 0

    return _run(args, body)


def cmd_print_summary(args: argparse.Namespace) -> int:
    def body(svc: CaseworkService) -> int:
        path = _output(args.output, ".pdf")
        svc.hearing_summary_pdf(_resolve_case(svc, args.case), path)
        print(f"Ringkasan kasus anak (identitas disamarkan) -> {path}")
        return 0

    return _run(args, body)
