"""`berdaya import` and `berdaya export`: spreadsheets in and out.

Import exit codes: 0 every row imported (or, with --dry-run, would be), 1 some rows rejected
(the report is on stdout; nothing is imported unless --accept-valid), 2 the file or the database
cannot be used. Export: 0 written, 2 unusable request or file (a refused restricted export
included).

A list holding persons in restricted programs is written only for a role with
EXPORT_RESTRICTED, as a password-protected .xlsx: the password is asked on the terminal, or read
from the first line of stdin with --file-password-stdin (scripts).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import add_db_option, open_command_context, print_json, read_stdin_line
from desktop_app.domain.errors import Msg

_SHOW = 50  # rows listed per section in the text report

REGION_UNKNOWN = Msg(
    "export.region_unknown", "{level} '{name}' tidak dikenal.", "{level} '{name}' is not known."
)
EXPORT_NOT_AVAILABLE = Msg(
    "export.not_available",
    "Ekspor ini belum tersedia di versi ini.",
    "This export is not available in this version yet.",
)
EXPORT_NEEDS_ID = Msg("export.needs_id", "Sebutkan {option} ID.", "Give the {option} ID.")
PASSWORDS_DIFFER = Msg(
    "export.passwords_differ",
    "Kedua kata sandi berkas tidak sama; berkas tidak dibuat.",
    "The two file passwords differ; no file was written.",
)


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import",
        help="impor daftar orang/KPM/peserta program dari Excel, ODS atau CSV",
        description="Impor daftar dari .xlsx/.xls/.ods/.csv. Baris dicocokkan dengan NIK (KPM "
        "dengan No. KK); tanpa --accept-valid tidak ada yang diimpor bila ada baris ditolak.",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    add_db_option(imp)
    imp.add_argument("--kind", choices=["persons", "households", "enrolments"], default="persons")
    imp.add_argument("--program", metavar="CODE", help="program untuk --kind enrolments")
    imp.add_argument("--sheet", metavar="NAME", help="nama lembar (bawaan: dikenali otomatis)")
    imp.add_argument(
        "--header-row", type=int, metavar="N", help="nomor baris judul kolom (1 = baris pertama)"
    )
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE",
        help='pemetaan kolom JSON: {"columns": {"nik": "NIK", "name": "C", ...}}',
    )
    imp.add_argument("--dry-run", action="store_true", help="hanya periksa; tidak menyimpan")
    imp.add_argument(
        "--accept-valid",
        action="store_true",
        help="impor baris yang valid walaupun ada baris ditolak",
    )
    imp.add_argument(
        "--rejected", type=Path, metavar="OUT.xlsx", help="simpan baris yang ditolak ke .xlsx"
    )
    imp.add_argument("--remember", action="store_true", help="ingat pemetaan kolom untuk judul ini")
    imp.add_argument("--json", action="store_true", help="laporan dalam JSON")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export",
        help="ekspor registri, daftar penyaluran atau presensi pelatihan ke .xlsx/.csv",
    )
    add_db_option(exp)
    exp.add_argument(
        "--what", choices=["persons", "households", "round", "training"], default="persons"
    )
    exp.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    exp.add_argument("--query", default="", help="teks pencarian (nama, NIK, KK, alamat)")
    exp.add_argument("--program", metavar="CODE")
    exp.add_argument("--kecamatan", metavar="KODE|NAMA")
    exp.add_argument("--kelurahan", metavar="KODE|NAMA")
    exp.add_argument("--status", choices=["aktif", "meninggal", "pindah", "keluar"])
    exp.add_argument("--round", metavar="ID", help="tahap penyaluran (untuk --what round)")
    exp.add_argument("--training", metavar="ID", help="pelatihan (untuk --what training)")
    masking = exp.add_mutually_exclusive_group()
    masking.add_argument(
        "--mask-nik",
        dest="mask_ids",
        action="store_true",
        default=None,
        help="NIK dan No. KK disamarkan (3572********0001); bawaan untuk peran tanpa akses data "
        "terbatas",
    )
    masking.add_argument(
        "--full-nik", dest="mask_ids", action="store_false", help="NIK dan No. KK lengkap"
    )
    exp.add_argument(
        "--file-password-stdin",
        action="store_true",
        help="baca kata sandi berkas .xlsx dari baris pertama stdin (wajib untuk data terbatas; "
        "tanpa opsi ini kata sandi ditanyakan di terminal)",
    )
    exp.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop_app.i18n import tr_refusal
    from desktop_app.services.context import ServiceError
    from desktop_app.services.importing import (
        ImportKind,
        ImportOptions,
        ImportService,
        RejectedRows,
        RowStatus,
    )
    from desktop_app.services.importing.messages import PROGRAM_UNKNOWN
    from desktop_app.storage.db import StorageError

    try:
        ctx = open_command_context(args)
    except StorageError as exc:
        _fail(args, tr_refusal(exc), exc.code)
        return 2
    prepared = None
    try:
        mapping_data = _mapping_file(args.mapping) if args.mapping else {}
        header_row = args.header_row or mapping_data.get("header_row")
        options = ImportOptions(
            kind=ImportKind(args.kind),
            sheet=args.sheet or mapping_data.get("sheet"),
            header_row=int(header_row) - 1 if header_row else None,
            program_code=args.program.upper() if args.program else None,
        )
        if options.program_code:
            from desktop_app.domain.programs import PROGRAMS

            if options.program_code not in PROGRAMS:
                raise ServiceError(PROGRAM_UNKNOWN, program=args.program, codes=", ".join(PROGRAMS))
        service = ImportService(ctx)
        prepared = service.prepare(args.file, options)
        if args.mapping:
            prepared.mapping = service.mapping_from_file(prepared, args.mapping)
            prepared.mapping_origin = "given"
        if args.dry_run:
            report = service.dry_run(prepared)
        else:
            try:
                report = service.commit(prepared, accept_valid=args.accept_valid)
            except RejectedRows:
                report = service.dry_run(prepared)
        if args.remember and (report.committed or args.dry_run):
            service.remember_mapping(prepared)
        if args.rejected and report.rejected:
            service.save_rejected_report(prepared, report, args.rejected)
    except ServiceError as exc:  # SpreadsheetError included: the file cannot be used
        _fail(args, tr_refusal(exc), exc.code)
        return 2
    except StorageError as exc:
        _fail(args, tr_refusal(exc), exc.code)
        return 2
    except OSError as exc:  # a name the system refuses (too long), a vanished file
        from desktop_app.commands.messages import FILE_UNUSABLE, shorten

        refusal = ServiceError(
            FILE_UNUSABLE, path=shorten(exc.filename or args.file), error=exc.strerror
        )
        _fail(args, tr_refusal(refusal), refusal.code)
        return 2
    finally:
        if prepared is not None:
            prepared.close()
        ctx.close()

    rejected = report.count(RowStatus.REJECTED)
    if args.json:
        data = report.to_dict()
        data["mapping"] = {k: prepared.column_name(v) for k, v in prepared.mapping.items()}
        data["header_row"] = prepared.layout.row + 1
        data["households_from_layout"] = prepared.kind_from_layout
        data["exit_code"] = 1 if rejected else 0
        print_json(data)
    else:
        _print_report(report, prepared, dry_run=args.dry_run, accept_valid=args.accept_valid)
    return 1 if rejected else 0


def _mapping_file(path: Path) -> dict[str, Any]:
    from desktop_app.services.importing.messages import MAPPING_FILE_UNREADABLE, SpreadsheetError

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise SpreadsheetError(MAPPING_FILE_UNREADABLE, file=path.name, error=str(exc)) from exc
    return data if isinstance(data, dict) else {}


def _fail(args: argparse.Namespace, message: str, code: str) -> None:
    if getattr(args, "json", False):
        print_json({"error": code, "message": message, "exit_code": 2})
    print(message, file=sys.stderr)


def _print_report(report: Any, prepared: Any, *, dry_run: bool, accept_valid: bool) -> None:
    from desktop_app.services.importing import FIELD_BY_KEY, STATUS_LABELS, RowStatus

    print(f"Berkas   : {report.file_name} (lembar '{report.sheet}', judul di baris "
          f"{prepared.layout.row + 1})")  # fmt: skip
    if report.layout:
        built = " (KPM dibentuk dari No. KK dan SHDK)" if prepared.kind_from_layout else ""
        print(f"Format   : Format dikenali: {report.layout}{built}")
    columns = ", ".join(
        f"{FIELD_BY_KEY[k].label}={prepared.column_name(v)}"
        for k, v in sorted(prepared.mapping.items(), key=lambda kv: kv[1])
    )
    print(f"Kolom    : {columns}")
    counts = report.counts
    print(
        "Hasil    : "
        + ", ".join(f"{STATUS_LABELS[s].lower()} {counts[s.value]}" for s in RowStatus)
        + f"; peringatan {counts['warnings']}; diabaikan {report.ignored_rows}"
    )
    for note in report.notes:  # the list's programme, left-out enrolments, columns not stored
        print(f"Catatan  : {note.message}")
    for status, title in (
        (RowStatus.REJECTED, "DITOLAK"),
        (RowStatus.REVIEW, "PERLU DITINJAU (tidak diimpor)"),
        (RowStatus.UPDATE, "DIPERBARUI"),
    ):
        rows = [r for r in report.rows if r.status == status]
        if not rows:
            continue
        print(f"\n{title} ({len(rows)}):")
        for r in rows[:_SHOW]:
            who = " ".join(x for x in (r.nik or "", r.name or "") if x)
            if status == RowStatus.REJECTED:
                detail = r.reasons
            elif status == RowStatus.REVIEW:
                detail = "; ".join(i.message for i in r.warnings)
            else:
                detail = "; ".join(c.describe() for c in r.changes)
            print(f"  baris {r.row}: {who} — {detail}")
        if len(rows) > _SHOW:
            print(f"  … dan {len(rows) - _SHOW} baris lain (lihat --json)")
    warned = [
        r
        for r in report.rows
        if r.warnings and r.status not in (RowStatus.REJECTED, RowStatus.REVIEW)
    ]
    if warned:
        print(f"\nPERINGATAN ({len(warned)} baris):")
        for r in warned[:_SHOW]:
            print(f"  baris {r.row}: " + "; ".join(i.message for i in r.warnings))
        if len(warned) > _SHOW:
            print(f"  … dan {len(warned) - _SHOW} baris lain")
    print()
    if report.committed:
        done = counts["new"] + counts["update"]
        print(f"Tersimpan: {done} baris (batch {report.batch_id}).")
    elif dry_run:
        print("Uji coba: tidak ada yang disimpan.")
    else:
        print(
            "Tidak ada yang diimpor karena ada baris ditolak. Perbaiki berkasnya, atau jalankan "
            "lagi dengan --accept-valid untuk mengimpor baris yang valid saja."
        )


def _region_code(ctx: Any, text: str | None, level: str) -> str | None:
    if not text:
        return None
    region = ctx.regions.match_name(text, level)
    if region is None:
        from desktop_app.services.context import ServiceError

        raise ServiceError(REGION_UNKNOWN, level=level.capitalize(), name=text)
    return region.code


def cmd_export(args: argparse.Namespace) -> int:
    from desktop_app.commands.runner import run_on_database
    from desktop_app.services.context import ServiceError
    from desktop_app.services.exporter import ExportService
    from desktop_app.services.registry import PersonFilter

    def body(ctx: Any) -> int:
        try:
            service = ExportService(ctx)
            if args.what in ("persons", "households"):
                flt = PersonFilter(
                    query=args.query or "",
                    program_code=args.program.upper() if args.program else None,
                    kecamatan_code=_region_code(ctx, args.kecamatan, "kecamatan"),
                    kelurahan_code=_region_code(ctx, args.kelurahan, "kelurahan"),
                    status=args.status,
                )
                table = (
                    service.persons_table(flt)
                    if args.what == "persons"
                    else service.households_table(flt)
                )
            else:
                table = _other_table(service, args)
            password = _file_password(service.policy(table, args.output), args)
            result = service.export(
                table, args.output, mask_ids=args.mask_ids, password=password
            )
        except OSError as exc:  # the file cannot be written: a refusal like the others
            from desktop_app.commands.messages import OUTPUT_NOT_WRITABLE

            raise ServiceError(
                OUTPUT_NOT_WRITABLE, path=str(args.output), error=exc.strerror
            ) from exc
        notes = "".join(
            note
            for flag, note in (
                (result.masked, "; NIK disamarkan"),
                (result.protected, "; dilindungi kata sandi"),
            )
            if flag
        )
        print(f"Tersimpan: {result.path} ({result.rows} baris{notes}).")
        return 0

    # Every refusal, the file's included, is unusable input here (exit code 2).
    return run_on_database(args, body, lambda _exc: 2)


def _isatty() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (OSError, ValueError):
        return False


def _file_password(policy: Any, args: argparse.Namespace) -> str | None:
    """The file password: stdin's first line with --file-password-stdin; asked twice on a
    terminal when the list needs one; else None (the service refuses a restricted list)."""
    if args.file_password_stdin:
        return read_stdin_line() or None
    if not (policy.password_required and policy.allowed and _isatty()):
        return None
    import getpass

    from desktop_app.services.context import ServiceError

    print(
        f"Daftar ini memuat data terbatas ({policy.programs}); berkas .xlsx akan dilindungi "
        "kata sandi.",
        file=sys.stderr,
    )
    first = getpass.getpass("Kata sandi berkas: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        raise ServiceError(PASSWORDS_DIFFER)
    return first or None


def _other_table(service: Any, args: argparse.Namespace) -> Any:
    from desktop_app.services.context import ServiceError

    adapter = getattr(service, f"{args.what}_table", None)
    ident = args.round if args.what == "round" else args.training
    if adapter is None:
        raise ServiceError(EXPORT_NOT_AVAILABLE)
    if not ident:
        raise ServiceError(EXPORT_NEEDS_ID, option=f"--{args.what}")
    return adapter(ident)
