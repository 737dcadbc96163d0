"""Administrator commands: demo data, health check, backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli import add_db_option, command_db_path, database_key, print_json
from desktop_app.commands.runner import refused
from desktop_app.storage.db import StorageError


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="isi basis data dengan data demo sintetis")
    add_db_option(demo)  # --db is required, but may come before `demo` too
    demo.add_argument("--scale", choices=["tiny", "office", "city"], default="office")
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(func=cmd_demo)

    check = sub.add_parser("check", help="periksa integritas, versi skema dan jumlah data")
    add_db_option(check)
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_check)

    backup = sub.add_parser("backup", help="salin basis data secara konsisten")
    add_db_option(backup)
    backup.add_argument("-o", "--output", type=Path, required=True)
    backup.set_defaults(func=cmd_backup)


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop_app.commands.messages import DEMO_NEEDS_DB
    from desktop_app.services.context import ServiceError
    from desktop_app.services.demo import DemoOptions, generate_demo

    if getattr(args, "db", None) is None:  # never fill the user's own database by default
        return refused(StorageError(DEMO_NEEDS_DB), 2)
    try:
        summary = generate_demo(args.db, DemoOptions(scale=args.scale, seed=args.seed))
    except (StorageError, ServiceError) as exc:  # ServiceError: e.g. the database holds data
        return refused(exc, 2)
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from desktop_app.i18n import get_language
    from desktop_app.services.health import check_database

    lang = get_language()
    en = lang == "en"
    from desktop_app.cli import login_context
    from desktop_app.services.accounts import is_encrypted_database

    path, key = command_db_path(args), None
    if is_encrypted_database(path):
        # Nothing of an encrypted file can be checked without its key: the person logs in. A
        # plain file is checked as it is, without a login (health and counts only).
        try:
            ctx = login_context(args, path, read_only=True)
        except StorageError as exc:
            return refused(exc, 2)
        key = ctx.db.key
        ctx.close()
    report = check_database(path, key)
    if args.json:
        print_json(report.as_dict(lang))
        return report.exit_code
    labels = (
        ("Database", "Schema", "app", "Integrity", "Chain", "PROBLEM")
        if en
        else ("Basis data", "Skema", "aplikasi", "Integritas", "Rantai", "MASALAH")
    )
    print(f"{labels[0]:<11}: {report.path}")
    schema = "-" if report.schema_version is None else report.schema_version
    print(f"{labels[1]:<11}: {schema} ({labels[2]}: {report.app_schema_version})")
    print(f"{labels[3]:<11}: {report.integrity or '-'}")
    for table, count in report.counts.items():
        print(f"{table:<11}: {count}")
    if report.chain_summary is not None:
        print(f"{labels[4]:<11}: {report.chain_summary.render(lang)}")
    for finding in report.findings:
        print(f"{labels[5]:<11}: {finding.render(lang)}", file=sys.stderr)
    verdicts = {0: "Healthy.", 1: "Problems found."} if en else {0: "Sehat.", 1: "Ada masalah."}
    unusable = "Not usable." if en else "Tidak dapat dipakai."
    print(verdicts.get(report.exit_code, unusable))
    return report.exit_code


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop_app.services.health import backup

    try:
        path, key = database_key(args)
        target = backup(path, args.output, key)
    except StorageError as exc:
        return refused(exc, 2)
    print(f"Cadangan tersimpan: {target}")
    return 0
