"""Distribution commands: `round`, `receive` and the distribution documents under `print`.

Exit codes: 0 done; 1 refused (the reason on stderr: already received, not on the roster, round
closed, a scan log with bad rows); 2 unusable input (missing database, malformed number, unreadable
file). `receive` prints the receipt number only after the commit returned, so a number on stdout
is on disk.
"""

from __future__ import annotations

import argparse
import csv
import functools
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.cli import add_db_option, print_json
from desktop_app.commands.printing import get_print_subparsers
from desktop_app.commands.runner import run_on_database
from desktop_app.domain.errors import Msg, Refusal
from desktop_app.i18n import tr_refusal
from desktop_app.services.context import AppContext, ServiceError
from desktop_app.storage.db import StorageError

EXIT_OK, EXIT_REFUSED, EXIT_INPUT = 0, 1, 2


class _InputProblem(Refusal):
    """Unusable command-line input: exit code 2."""


POINTS_FILE_MISSING = Msg(
    "distribution.cli_points_file_missing",
    "Berkas titik salur {path} tidak ditemukan (atau pakai --points kelurahan).",
    "Points file {path} was not found (or use --points kelurahan).",
)
NOT_SIXTEEN_DIGITS = Msg(
    "distribution.cli_not_sixteen_digits",
    "{label} harus 16 digit angka; '{raw}' tidak dapat dipakai.",
    "{label} must be 16 digits; '{raw}' cannot be used.",
)
CARD_CODE_EMPTY = Msg(
    "distribution.cli_card_code_empty", "Kode kartu kosong.", "The card code is empty."
)
FILE_NOT_FOUND = Msg(
    "distribution.cli_file_not_found",
    "Berkas {path} tidak ditemukan.",
    "File {path} was not found.",
)
FILE_UNREADABLE = Msg(
    "distribution.cli_file_unreadable",
    "Berkas {path} tidak dapat dibaca ({error}).",
    "File {path} cannot be read ({error}).",
)
FILE_EMPTY = Msg("distribution.cli_file_empty", "Berkas {name} kosong.", "File {name} is empty.")
SCAN_LOG_NO_CODE_COLUMN = Msg(
    "distribution.cli_scan_log_no_code_column",
    "Berkas {name} tidak punya kolom kode penerima (kode, nik, kk, atau kartu). Baris pertama "
    "harus judul kolom.",
    "File {name} has no recipient code column (kode, nik, kk or kartu). The first line must be "
    "the column headers.",
)
SCAN_LOG_NO_ROWS = Msg(
    "distribution.cli_scan_log_no_rows",
    "Berkas {name} tidak memuat baris data.",
    "File {name} holds no data rows.",
)
FOLDER_MISSING = Msg(
    "distribution.cli_folder_missing", "Folder {path} tidak ada.", "Folder {path} does not exist."
)
KELURAHAN_UNKNOWN = Msg(
    "distribution.cli_kelurahan_unknown",
    "Kelurahan '{name}' tidak dikenal.",
    "Kelurahan '{name}' is not known.",
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal '{value}' tidak valid; tulis TTTT-BB-HH, contoh 2025-12-01"
        ) from None


def _quantity(value: str) -> float:
    """A quantity as people type it: "2310", "2.310" (thousands), "2310,5" or "2310.5"."""
    text = value.strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
        text = text.replace(".", "")  # "2.310": a thousands dot
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"jumlah '{value}' tidak valid; tulis angka, contoh 2310 atau 2310,5"
        ) from None


def _db_arg(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)


def register(sub: argparse._SubParsersAction) -> None:
    rnd = sub.add_parser("round", help="putaran penyaluran: daftar, buat, buka, tutup")
    rsub = rnd.add_subparsers(dest="round_command", metavar="AKSI", required=True)

    lst = rsub.add_parser("list", help="daftar putaran penyaluran")
    _db_arg(lst)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_round_list)

    show = rsub.add_parser("show", help="rincian putaran: titik salur dan kemajuan")
    _db_arg(show)
    show.add_argument("--round", required=True, help="id atau kode putaran (mis. RST4)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_round_show)

    create = rsub.add_parser("create", help="buat putaran baru (status persiapan)")
    _db_arg(create)
    create.add_argument("--program", required=True, help="kode program, mis. RASTRADA")
    create.add_argument("--name", required=True, help='mis. "Rastrada Tahap IV 2025"')
    create.add_argument("--item", required=True, help="barang, mis. Beras")
    create.add_argument("--qty", required=True, type=float, help="jumlah per penerima")
    create.add_argument("--unit", required=True, help="satuan, mis. kg")
    create.add_argument(
        "--points",
        default="kelurahan",
        help="'kelurahan' (satu titik per kelurahan, bawaan) atau berkas CSV titik salur",
    )
    create.add_argument("--code", help="kode putaran untuk nomor tanda terima (bawaan: otomatis)")
    create.add_argument("--start", type=_date, help="tanggal mulai TTTT-BB-HH")
    create.add_argument("--end", type=_date, help="tanggal selesai TTTT-BB-HH")
    create.set_defaults(func=cmd_round_create)

    for action, helptext in (
        ("open", "buka putaran: bekukan daftar penerima"),
        ("close", "tutup putaran: sesudahnya hanya baca"),
    ):
        p = rsub.add_parser(action, help=helptext)
        _db_arg(p)
        p.add_argument("--round", required=True, help="id atau kode putaran")
        p.set_defaults(func=cmd_round_open if action == "open" else cmd_round_close)

    receive = sub.add_parser(
        "receive", help="catat satu penerimaan (atau log pindaian CSV), cetak nomor tanda terima"
    )
    _db_arg(receive)
    receive.add_argument("--round", required=True, help="id atau kode putaran")
    who = receive.add_mutually_exclusive_group(required=True)
    who.add_argument("--nik", help="NIK penerima (atau anggota KK-nya)")
    who.add_argument("--kk", help="No. KK penerima")
    who.add_argument("--card", help="kode kartu KPM")
    who.add_argument(
        "--from-csv", type=Path, help="log pindaian: semua baris atau tidak sama sekali"
    )
    receive.add_argument("--point", help="titik salur: nomor, nama atau id")
    receive.add_argument("--proxy-name", help="nama pengambil bila diwakilkan")
    receive.add_argument("--proxy-nik", help="NIK pengambil")
    receive.add_argument(
        "--proxy-relation", help="same_kk (anggota KK), surat_kuasa, atau ahli_waris"
    )
    receive.add_argument("--json", action="store_true", help="laporan JSON")
    receive.set_defaults(func=cmd_receive)

    documents = get_print_subparsers(sub)
    for name, helptext in (
        ("list", "daftar penerimaan per titik atau kelurahan"),
        ("receipts", "tanda terima"),
        ("bast", "berita acara serah terima"),
        ("cards", "kartu KPM dengan barcode"),
        ("recap", "rekap per kelurahan dan titik"),
    ):
        p = documents.add_parser(name, help=helptext)
        _db_arg(p)
        p.add_argument("--round", required=True, help="id atau kode putaran")
        p.add_argument("--point", help="titik salur: nomor, nama atau id")
        p.add_argument("-o", "--output", type=Path, required=True, help="berkas PDF")
        if name == "list":
            p.add_argument("--kelurahan", help="kode atau nama kelurahan")
        if name == "receipts":
            p.add_argument(
                "--layout", choices=["a6", "half_a4", "thermal58", "thermal80"], default="a6"
            )
            p.add_argument("--number", action="append", help="hanya nomor ini (boleh berulang)")
        if name == "bast":
            p.add_argument(
                "--handover-date",
                type=_date,
                help="tanggal serah terima TTTT-BB-HH (bawaan: hari penyaluran terakhir di titik)",
            )
            p.add_argument(
                "--received",
                type=_quantity,
                metavar="QTY",
                help="jumlah diterima dari gudang, dalam satuan putaran (mis. 2310 atau 2310,5)",
            )
        p.set_defaults(func=_print_command(name))


# -- plumbing ------------------------------------------------------------------------------


def _run(args: argparse.Namespace, body: Callable[[AppContext], int]) -> int:
    """Open the database, run `body`, and map refusals and bad input to exit codes."""
    from desktop_app.services.distribution import DistributionInputError

    def exit_code(exc: Refusal) -> int:
        bad_input = (DistributionInputError, _InputProblem, StorageError)
        return EXIT_INPUT if isinstance(exc, bad_input) else EXIT_REFUSED

    # DistributionInputError is a ServiceError; _InputProblem is the commands' own.
    return run_on_database(args, body, exit_code, catch=(_InputProblem, ServiceError, StorageError))


def _service(ctx: AppContext) -> Any:
    from desktop_app.services.distribution import DistributionService

    return DistributionService(ctx)


# -- round ---------------------------------------------------------------------------------


def _command(
    body: Callable[[argparse.Namespace, Any], int],
) -> Callable[[argparse.Namespace], int]:
    """A distribution command: `body(args, svc)` runs with the opened database's distribution
    service, refusals and bad input mapped to exit codes by `_run`."""

    @functools.wraps(body)
    def command(args: argparse.Namespace) -> int:
        return _run(args, lambda ctx: body(args, _service(ctx)))

    return command


@_command
def cmd_round_list(args: argparse.Namespace, svc: Any) -> int:
    rounds = svc.list_rounds()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "code": r.code,
                    "name": r.name,
                    "program": r.program_code,
                    "item": r.item,
                    "quantity": r.quantity,
                    "unit": r.unit,
                    "status": r.status,
                    "points": r.points,
                    "entitled": r.entitled,
                    "start_date": r.start_date,
                    "end_date": r.end_date,
                }
                for r in rounds
            ]
        )
        return EXIT_OK
    if not rounds:
        print("Belum ada putaran penyaluran.")
    for r in rounds:
        print(
            f"{r.code:<8} {r.status_label:<9} {r.name} — {r.item} {r.quantity_text}, "
            f"{r.points} titik, {r.entitled} penerima  [{r.id}]"
        )
    return EXIT_OK


@_command
def cmd_round_show(args: argparse.Namespace, svc: Any) -> int:
    r = svc.get_round(args.round)
    points = svc.points(r.id)
    by_point = svc._grouped_totals(r.id, group_by="point")
    total = svc.totals(r.id)
    if args.json:
        print_json(
            {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "status": r.status,
                "totals": total.__dict__ | {"pending": total.pending},
                "points": [
                    {
                        "no": p.no,
                        "id": p.id,
                        "name": p.name,
                        "kind": p.kind,
                        "kelurahan": list(p.kelurahan_names),
                        "received": by_point[p.id].received if p.id in by_point else 0,
                        "entitled": by_point[p.id].entitled if p.id in by_point else 0,
                    }
                    for p in points
                ],
            }
        )
        return EXIT_OK
    print(f"{r.name} ({r.code}) — {r.status_label}; {r.item} {r.quantity_text} per penerima")
    print(
        f"Kemajuan: {svc.progress_text(r.id)}; diwakilkan {total.by_proxy}, tidak hadir "
        f"{total.absent}, ditolak {total.refused}, belum {total.pending}"
    )
    for p in points:
        t = by_point.get(p.id)
        progress = f"{t.received}/{t.entitled}" if t else "0/0"
        print(f"{p.no:>3}. {p.name:<40} {progress:>11}  [{p.id}]")
    return EXIT_OK


@_command
def cmd_round_create(args: argparse.Namespace, svc: Any) -> int:
    points = None
    if args.points and args.points.strip().lower() not in ("kelurahan", "default"):
        path = Path(args.points)
        if not path.exists():
            raise _InputProblem(POINTS_FILE_MISSING, path=str(path))
        points = svc.points_from_file(path)
    rid = svc.create_round(
        program_code=args.program,
        name=args.name,
        item=args.item,
        quantity=args.qty,
        unit=args.unit,
        start_date=args.start,
        end_date=args.end,
        code=args.code,
        points=points,
    )
    r = svc.get_round(rid)
    print(f"Putaran dibuat: {r.name} ({r.code}), {r.points} titik salur, status persiapan.")
    print(rid)
    return EXIT_OK


@_command
def cmd_round_open(args: argparse.Namespace, svc: Any) -> int:
    r = svc.get_round(args.round)
    summary = svc.open_round(r.id)
    print(f"Putaran {r.name} dibuka: {summary.entitled} penerima dibekukan.")
    if summary.unassigned:
        print(
            f"Perhatian: {summary.unassigned} penerima tidak punya titik salur (kelurahannya "
            "tidak dilayani titik mana pun); titik mana pun boleh melayani mereka.",
            file=sys.stderr,
        )
    return EXIT_OK


@_command
def cmd_round_close(args: argparse.Namespace, svc: Any) -> int:
    r = svc.get_round(args.round)
    svc.close_round(r.id)
    print(f"Putaran {r.name} ditutup: {svc.progress_text(r.id)}.")
    return EXIT_OK


# -- receive -------------------------------------------------------------------------------


def _sixteen_digits(label: str, raw: str) -> str:
    from desktop_app.domain.nik import clean_number

    value = clean_number(raw or "")
    if not (value.isdigit() and len(value) == 16):
        raise _InputProblem(NOT_SIXTEEN_DIGITS, label=label, raw=raw)
    return value


@_command
def cmd_receive(args: argparse.Namespace, svc: Any) -> int:
    from desktop_app.services.distribution import Proxy

    rnd = svc.get_round(args.round)
    if args.from_csv is not None:
        return _receive_csv(svc, rnd.id, args)
    if args.nik is not None:
        code = _sixteen_digits("NIK", args.nik)
    elif args.kk is not None:
        code = _sixteen_digits("No. KK", args.kk)
    else:
        code = (args.card or "").strip()
        if not code:
            raise _InputProblem(CARD_CODE_EMPTY)
    proxy = None
    if args.proxy_name or args.proxy_nik or args.proxy_relation:
        proxy = Proxy(args.proxy_name or "", args.proxy_nik or "", args.proxy_relation or "")
    point_id = svc.get_point(rnd.id, args.point).id if args.point else None
    receipt = svc.receive_code(rnd.id, code, point_id=point_id, proxy=proxy)
    # receive_code returned after the commit: only now is the number shown.
    if args.json:
        print_json(
            {
                "number": receipt.number,
                "verification_code": receipt.verification_code,
                "recipient": receipt.recipient_name,
                "collector": receipt.collector_name,
                "relation": receipt.collector_relation,
                "point": receipt.point_name,
                "received_at": receipt.received_at.isoformat(),
            }
        )
    else:
        print(receipt.number, flush=True)
        via = f" melalui {receipt.collector_name}" if receipt.collector_name else ""
        print(f"Diterima: {receipt.recipient_name}{via}.", file=sys.stderr)
    return EXIT_OK


_CSV_COLUMNS = {
    "code": ("kode", "code", "nik", "kk", "no_kk", "kartu", "card"),
    "proxy_name": ("wakil_nama", "nama_wakil", "proxy_name", "pengambil"),
    "proxy_nik": ("wakil_nik", "nik_wakil", "proxy_nik", "nik_pengambil"),
    "proxy_relation": ("hubungan", "proxy_relation", "relation"),
    "point": ("titik", "point"),
}


def _read_scan_log(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise _InputProblem(FILE_NOT_FOUND, path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _InputProblem(FILE_UNREADABLE, path=str(path), error=str(exc)) from None
    lines = raw.splitlines()
    if not lines:
        raise _InputProblem(FILE_EMPTY, name=path.name)
    header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    names = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    mapping = {}
    for key, spellings in _CSV_COLUMNS.items():
        for spelling in spellings:
            if spelling in names:
                mapping[key] = names[spelling]
                break
    if "code" not in mapping:
        raise _InputProblem(SCAN_LOG_NO_CODE_COLUMN, name=path.name)
    rows = []
    for row in reader:
        rows.append({key: str(row.get(col) or "").strip() for key, col in mapping.items()})
    if not rows:
        raise _InputProblem(SCAN_LOG_NO_ROWS, name=path.name)
    return rows


def _receive_csv(svc: Any, round_id: str, args: argparse.Namespace) -> int:
    rows = _read_scan_log(args.from_csv)
    report = svc.receive_batch(round_id, rows, point_ref=args.point)
    if args.json:
        print_json(
            {
                "recorded": report.ok,
                "rows": [
                    {"line": r.line, "code": r.code, "ok": r.ok, "message": r.message}
                    for r in report.rows
                ],
            }
        )
    else:
        for r in report.rows:
            state = "OK" if r.ok else "DITOLAK"
            message = tr_refusal(r.refusal) if r.refusal is not None else r.message
            print(f"baris {r.line}: {state}: {r.code}: {message}")
    if not report.ok:
        bad = sum(1 for r in report.rows if not r.ok)
        print(
            f"{bad} dari {len(report.rows)} baris bermasalah; tidak ada yang dicatat. Perbaiki "
            "barisnya lalu ulangi seluruh berkas.",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    print(f"{len(report.recorded)} penerimaan tercatat.", file=sys.stderr)
    return EXIT_OK


# -- print ---------------------------------------------------------------------------------


def _print_command(document: str) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        return _run(args, lambda ctx: _print(ctx, document, args))

    return command


def _print(ctx: AppContext, document: str, args: argparse.Namespace) -> int:
    from desktop_app.documents import distribution as docs
    from desktop_app.services.distribution.messages import (
        NOTHING_TO_PRINT_CARDS,
        NOTHING_TO_PRINT_RECEIPTS,
    )

    svc = _service(ctx)
    rnd = svc.get_round(args.round)
    point_id = svc.get_point(rnd.id, args.point).id if args.point else None
    out: Path = args.output
    if out.parent and not out.parent.exists():
        raise _InputProblem(FOLDER_MISSING, path=str(out.parent))
    if document == "list":
        kel = None
        if args.kelurahan:
            region = ctx.regions.match_name(args.kelurahan, "kelurahan")
            if region is None:
                raise _InputProblem(KELURAHAN_UNKNOWN, name=args.kelurahan)
            kel = region.code
        pages = docs.reception_list_pdf(
            out, ctx.office, svc.reception_list(rnd.id, point_id=point_id, kelurahan_code=kel)
        )
    elif document == "receipts":
        receipts = svc.receipt_docs(rnd.id, point_id=point_id, numbers=args.number)
        if not receipts:
            raise ServiceError(NOTHING_TO_PRINT_RECEIPTS)
        pages = docs.receipts_pdf(out, ctx.office, receipts, layout=args.layout)
    elif document == "bast":
        # Printing a BAST issues it: a new number in the register, or the same number marked
        # SALINAN when nothing changed since it was last issued.
        bast = svc.issue_bast(rnd.id, point_id, args.handover_date, stock_received=args.received)
        pages = docs.bast_pdf(out, ctx.office, bast)
        state = "salinan" if bast.copy else "baru"
        print(f"BAST {bast.number} ({state}), tanggal serah terima {bast.on:%d-%m-%Y}")
    elif document == "cards":
        svc.mint_cards(rnd.id, point_id=point_id)  # the write: missing card codes first
        cards = svc.card_docs(rnd.id, point_id=point_id)
        if not cards:
            raise ServiceError(NOTHING_TO_PRINT_CARDS)
        pages = docs.cards_pdf(out, ctx.office, cards)
    else:
        pages = docs.recap_pdf(out, ctx.office, svc.recap(rnd.id))
    print(f"PDF tersimpan: {out} ({pages} halaman)")
    return EXIT_OK
