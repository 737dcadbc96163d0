"""`berdaya verify TEXT|FILE`: is this receipt or training certificate genuine?

TEXT is what a scanner reads from the QR code (``BERDAYA|RST4-LAP02-000123|…``) or a typed
number; FILE is a text file holding it or, where zxing-cpp is installed, a picture or PDF of the
printed paper. Prints the verdict and who/when/where the record says. Exit 0: valid (or an old
unsigned one matching the records), 1: not valid or cannot be confirmed here, 2: unreadable.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli import add_db_option, print_json

if TYPE_CHECKING:
    from desktop_app.services.context import AppContext


def register(sub: argparse._SubParsersAction) -> None:
    verify = sub.add_parser(
        "verify",
        help="periksa keaslian tanda terima / sertifikat dari kode QR-nya (teks atau berkas)",
    )
    verify.add_argument("code", metavar="TEKS|BERKAS", help="teks kode QR, nomor, atau berkas")
    add_db_option(verify)
    verify.add_argument("--json", action="store_true", help="hasil sebagai JSON")
    verify.set_defaults(func=cmd_verify)


def _code_text(arg: str) -> str:
    from desktop_app.services.signing import read_code_file

    # A scanned code contains "|", never a path; anything else naming an existing file is one.
    if "|" not in arg:
        path = Path(arg)
        try:
            is_file = path.is_file()
        except OSError:
            is_file = False
        if is_file:
            return read_code_file(path)
    return arg


def cmd_verify(args: argparse.Namespace) -> int:
    from desktop_app.commands.runner import refused, run_on_database
    from desktop_app.services.context import ServiceError
    from desktop_app.storage.db import StorageError

    try:
        text = _code_text(args.code)
    except (ServiceError, StorageError) as exc:
        return refused(exc, 2)
    # A code the database cannot check, like a database that cannot be opened, is unusable input.
    return run_on_database(
        args, lambda ctx: _verify(ctx, text, as_json=args.json), lambda _exc: 2, read_only=True
    )


def _verify(ctx: AppContext, text: str, *, as_json: bool) -> int:
    """Checks the code and prints the verdict; returns the verdict's exit code."""
    from desktop_app.domain.errors import Refusal
    from desktop_app.i18n import tr, tr_refusal
    from desktop_app.services.signing import verify_code_text

    result = verify_code_text(ctx, text)
    verdict = tr_refusal(Refusal(result.verdict))
    reason = tr_refusal(result.reason) if result.reason is not None else None
    if as_json:
        print_json(
            {
                "status": result.status,
                "kind": result.kind,
                "number": result.number,
                "verdict": verdict,
                "reason_code": result.reason.code if result.reason is not None else None,
                "reason": reason,
                "details": dict(result.details),
                "exit_code": result.exit_code,
            }
        )
        return result.exit_code
    print(verdict)
    if reason:
        print(reason)
    width = max((len(tr(label)) for label, _ in result.details), default=0)
    for label, value in result.details:
        shown = tr(value) if label == "Jenis" else value  # the kind is a UI word, not data
        print(f"{tr(label):<{width}} : {shown}")
    return result.exit_code
