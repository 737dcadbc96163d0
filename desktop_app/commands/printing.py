"""The shared `berdaya print DOKUMEN` command.

Several feature areas print documents (distribution lists and receipts, training attendance
sheets and certificates). They all hang their documents under one `print` subcommand, so each
area's `register()` asks this helper for the `print` sub-parsers instead of adding its own.
"""

from __future__ import annotations

import argparse


def get_print_subparsers(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The sub-parsers of `berdaya print`: created on first use, shared afterwards."""
    parser = sub.choices.get("print")
    if parser is None:
        parser = sub.add_parser("print", help="cetak dokumen ke berkas PDF")
        return parser.add_subparsers(dest="document", metavar="DOKUMEN", required=True)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the 'print' command exists without document sub-parsers")
