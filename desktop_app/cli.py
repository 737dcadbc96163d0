"""Command line: opens the GUI, and gives administrators the same services for automation.

Exit codes: 0 success, 1 a problem found or a request refused, 2 unusable input (bad file,
unusable database). Messages for people are Indonesian; errors go to stderr.

Feature areas add their subcommands through `COMMAND_MODULES`: each module has
`register(subparsers)` and sets `func` on its parsers; `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

from desktop_app import __version__
from desktop_app.domain.errors import Refusal
from desktop_app.i18n import set_language, tr_refusal

# Each module registers its own subcommands; keep one line per feature area.
COMMAND_MODULES: list[str] = [
    "desktop_app.commands.admin",
    "desktop_app.commands.training",
    "desktop_app.commands.distribution",
    "desktop_app.commands.io",
    "desktop_app.commands.sync",
    "desktop_app.commands.verify",
    "desktop_app.commands.report",
]

APP_NAME = "Berdaya"


def default_db_path() -> Path:
    """The user's database in the per-user data folder (%LOCALAPPDATA% on Windows)."""
    from platformdirs import user_data_dir

    override = os.environ.get("BERDAYA_DB")
    if override:
        return Path(override)
    return Path(user_data_dir(APP_NAME, APP_NAME)) / "berdaya.sqlite"


def demo_db_path() -> Path:
    return Path(tempfile.gettempdir()) / "berdaya-demo" / "berdaya-demo.sqlite"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berdaya",
        description="Berdaya — aplikasi layanan Dinas Sosial (registri, penyaluran, pelatihan).",
    )
    parser.add_argument("--version", action="version", version=f"Berdaya {__version__}")
    parser.add_argument("--db", type=Path, help="berkas basis data (bawaan: folder data pengguna)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="buka aplikasi dengan basis data demo baru (data sintetis)",
    )
    parser.add_argument("--lang", choices=["id", "en"], default=None, help="bahasa antarmuka")
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="-",
        default=None,
        metavar="OUT.json",
        help="uji mandiri aplikasi (untuk pemasang); tulis hasil JSON",
    )
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    if args.self_test is not None:
        from desktop_app.selftest import run_self_test

        return run_self_test(None if args.self_test == "-" else Path(args.self_test))
    if getattr(args, "func", None) is not None:
        try:
            return int(args.func(args))
        except Refusal as exc:
            # Commands handle their own refusals; this is the net for one that slipped through,
            # so a person reads a sentence in their language instead of a traceback.
            print(tr_refusal(exc), file=sys.stderr)
            return int(getattr(exc, "exit_code", 1))
    return run_gui(args)


def run_gui(args: argparse.Namespace) -> int:
    db_path: Path = args.db or default_db_path()
    if args.demo:
        db_path = args.db or demo_db_path()
        if not db_path.exists():
            from desktop_app.services.demo import DemoOptions, generate_demo

            print(f"Membuat basis data demo di {db_path} …", file=sys.stderr)
            generate_demo(db_path, DemoOptions())
    from desktop_app.gui.app import run_app

    return run_app(db_path, lang=args.lang)


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    raise SystemExit(main())
